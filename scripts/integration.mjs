// Runs the integration suite inside a real VS Code extension host, offline: code-server from npm
// + Debian Chromium + playwright-core (test/vscode-offline). Two runs of the same extension: a
// trusted workspace and Restricted Mode. Prints `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from './fixture-workspace.mjs';

const install = spawnSync('bash', [path.join(ROOT, 'test/vscode-offline/install.sh')], { stdio: 'inherit' });
if (install.status !== 0) {
  console.error('integration: installing the offline VS Code harness failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// A `git` first on the extension host's PATH that records each call, then runs the real one: the
// trusted suite proves the recorder sees our git calls, the Restricted Mode suite that there are none.
const fakeGitDir = mkdtempSync(path.join(os.tmpdir(), 'dr-fake-git-'));
const realGit = ['/usr/bin/git', '/usr/local/bin/git'].find((p) => existsSync(p)) ?? 'git';
writeFileSync(path.join(fakeGitDir, 'git'), `#!/bin/sh\necho "$*" >> "$DR_GIT_MARKER"\nexec ${realGit} "$@"\n`);
chmodSync(path.join(fakeGitDir, 'git'), 0o755);

// --bench: also the editor bench (test/integration/bench.test.ts) on a generated 10,000-file
// repository; --bench-only: that alone. Its figures are printed as `EDITOR-BENCH {json}`.
const benchOnly = process.argv.includes('--bench-only');
const suites = benchOnly ? ['bench'] : process.argv.includes('--bench') ? ['trusted', 'restricted', 'bench'] : ['trusted', 'restricted'];

async function buildBenchRepo() {
  const { generateRepo } = await import('../bench/lib/corpus.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-integration-bench-'));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  const git = (...args) => spawnSync(realGit, args, { cwd: dir, env, stdio: 'ignore' });
  generateRepo(dir, Number(process.env.DR_BENCH_REPO_FILES ?? 10_000));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  mkdirSync(path.join(dir, 'packages', 'p1', 'db', 'migrations'), { recursive: true });
  writeFileSync(path.join(dir, 'packages', 'p1', 'db', 'migrations', '999999_bench.sql'), 'CREATE INDEX orders_bench_idx ON orders (a);\n');
  git('add', '-A');
  git('commit', '-qm', 'bench migration');
  return dir;
}

let passed = 0;
let failed = 0;
for (const suite of suites) {
  const ws = suite === 'bench' ? await buildBenchRepo() : buildExampleRepo(`dr-integration-${suite}-`);
  const args = [
    path.join(ROOT, 'test/vscode-offline/run.mjs'),
    '--extension', ROOT,
    '--tests', path.join(ROOT, 'out/test/integration/index.js'),
    '--workspace', ws,
    '--env', `DR_SUITE=${suite}`,
    '--env', `PATH=${fakeGitDir}:${process.env.PATH}`,
    '--env', `DR_GIT_MARKER=${path.join(fakeGitDir, `calls-${suite}.log`)}`,
    '--screenshot', path.join(ROOT, 'test-results', `integration-${suite}-failure.png`),
    '--timeout', suite === 'bench' ? '1500' : '900',
  ];
  if (suite === 'restricted') args.push('--restricted');
  // The editor bench writes CPU profiles of the extension host around its edits there.
  if (suite === 'bench' && process.env.DR_BENCH_PROFILE) args.push('--env', `DR_BENCH_PROFILE=${process.env.DR_BENCH_PROFILE}`);
  console.log(`\n== integration suite: ${suite} (real VS Code extension host via code-server) ==`);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  const m = [...r.stdout.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0 && (!m || Number(m[2]) === 0)) failed += 1; // the run itself failed (timeout, harness)
  rmSync(ws, { recursive: true, force: true });
}
rmSync(fakeGitDir, { recursive: true, force: true });
console.log(`\nintegration: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
