// npm run demo: builds a throwaway git repository from examples/orders-service (base on main,
// head on a feature branch) in a temp folder and runs `deploy-readiness check --base main` on it.
// Nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from './fixture-workspace.mjs';

const dir = buildExampleRepo('deploy-readiness-demo-');
const args = [path.join(ROOT, 'dist', 'cli.js'), 'check', '--base', 'main', ...process.argv.slice(2)];
console.log(`$ deploy-readiness ${args.slice(1).join(' ')}    # in ${dir} (branch feature/payments)\n`);
const r = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
console.log(`\nexit code ${r.status} (1 = findings at or above --fail-on: this branch is not ready to deploy)`);
if (!process.env.KEEP_DEMO) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
process.exit(r.status === 1 || r.status === 0 ? 0 : (r.status ?? 2));
