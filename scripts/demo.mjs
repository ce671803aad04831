// npm run demo: builds a throwaway git repository from examples/orders-service (base on main,
// head on a feature branch) in a temp folder and runs the CLI on it: `check --base main`, then the
// pre-deploy checklist and the rollback plan the same analysis fills. Nothing is downloaded and
// nothing is sent anywhere (no GitHub token is passed, so the CI item stays "unknown").
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from './fixture-workspace.mjs';

const dir = buildExampleRepo('deploy-readiness-demo-');
const env = { ...process.env };
delete env.GITHUB_TOKEN;
delete env.GH_TOKEN;

function run(cliArgs, note = '') {
  const args = [path.join(ROOT, 'dist', 'cli.js'), ...cliArgs];
  console.log(`\n$ deploy-readiness ${cliArgs.join(' ')}${note}\n`);
  return spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit', env }).status;
}

const status = run(['check', '--base', 'main', ...process.argv.slice(2)], `    # in ${dir} (branch feature/payments)`);
console.log(`\nexit code ${status} (1 = findings at or above --fail-on: this branch is not ready to deploy)`);
run(['checklist', '--base', 'main']);
run(['rollback-plan', '--base', 'main'], '    # the section Scaffold Rollback Plan writes into the PR description');
if (!process.env.KEEP_DEMO) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
process.exit(status === 1 || status === 0 ? 0 : (status ?? 2));
