// npm test: everything a change must pass, in one run, ending with `N passed, N failed`.
//   lint · type-check · build · unit tests (core, the CLI in-process and end to end, real databases) ·
//   package the .vsix (allow-list checked) · integration suite inside a real VS Code extension
//   host (trusted + Restricted Mode) · the packaged .vsix installed into code-server, activated,
//   and its view screenshotted (test-results/screenshot.png; `npm run screenshot` refreshes the
//   README's media/screenshot.png) · the working tree is as the run found it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './fixture-workspace.mjs';
import { changedSince, treeState } from './tree-state.mjs';

const treeBefore = treeState(ROOT);

let passed = 0;
let failed = 0;
const results = [];

function step(name, cmd, args, opts = {}) {
  console.log(`\n━━ ${name}: ${[cmd, ...args].map((a) => (a.startsWith(ROOT) ? path.relative(ROOT, a) || '.' : a)).join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', opts.stderr ?? 'inherit'], env: { ...process.env, FORCE_COLOR: '0', ...opts.env } });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', secs, status: r.status };
}

function check(name, ok, secs, detail = '') {
  results.push(`${ok ? 'PASS' : 'FAIL'}  ${name} (${secs}s)${detail ? ' — ' + detail : ''}`);
  if (ok) passed++;
  else failed++;
}

/** Adds counts from a sub-runner that prints `N passed, N failed` or mocha's `N passing`. */
function counts(name, r) {
  const m = [...r.stdout.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  const passing = [...r.stdout.matchAll(/^\s*(\d+) passing/gm)].pop();
  const failing = [...r.stdout.matchAll(/^\s*(\d+) failing/gm)].pop();
  const p = m ? Number(m[1]) : passing ? Number(passing[1]) : 0;
  const f = m ? Number(m[2]) : failing ? Number(failing[1]) : 0;
  const broken = !r.ok && f === 0 ? 1 : 0; // the runner itself failed
  passed += p;
  failed += f + broken;
  results.push(`${r.ok ? 'PASS' : 'FAIL'}  ${name}: ${p} passed, ${f + broken} failed (${r.secs}s)`);
}

const npx = (bin) => path.join(ROOT, 'node_modules', '.bin', bin);

let r = step('lint', npx('eslint'), ['src', 'test']);
check('eslint (incl. no vscode imports in src/core and src/cli)', r.ok, r.secs);
r = step('type-check', npx('tsc'), ['--noEmit', '-p', '.']);
check('tsc --noEmit', r.ok, r.secs);
r = step('build', process.execPath, ['scripts/build.mjs', '--production']);
check('esbuild bundles', r.ok, r.secs);
if (!r.ok) finish();

r = step('unit tests', npx('mocha'), []);
counts('unit tests (mocha)', r);

r = step('package', npx('vsce'), ['package', '--no-dependencies', '-o', 'deploy-readiness.vsix'], { stderr: 'pipe' });
// Marketplace / Open VSX readiness: vsce prints WARNING for a missing icon, repository, licence...
const vsceWarnings = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /\bWARNING\b/i.test(l));
const vsix = path.join(ROOT, 'deploy-readiness.vsix');
let listing = '';
if (r.ok) listing = spawnSync(npx('vsce'), ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).stdout ?? '';
// dist/cli.js and dist/action.js are the npm package's and the Action's; the extension never runs them.
const leaked = listing.split('\n').filter((l) => /^(src\/|test\/|node_modules\/|out\/|examples\/|bench\/)|^dist\/(cli|action)\.js$|\.ts$|\.map$/.test(l.trim()));
check('vsce package (no warnings; allow-list: no sources, tests, maps, CLI bundle or dev dependencies inside)', r.ok && vsceWarnings.length === 0 && leaked.length === 0 && /dist\/extension\.js/.test(listing), r.secs, [leaked.length ? `leaked: ${leaked.join(', ')}` : '', ...vsceWarnings].filter(Boolean).join('; '));

if (process.env.DR_SKIP_INTEGRATION) {
  console.log('\nDR_SKIP_INTEGRATION is set: the real-VS-Code suite was NOT run');
  check('integration suite (skipped by DR_SKIP_INTEGRATION)', false, '0');
} else {
  // Integration suites need the test bundles, which the production build also emits.
  r = step('integration (real VS Code extension host, offline: code-server + Chromium)', process.execPath, ['scripts/integration.mjs']);
  counts('integration suite in VS Code (trusted + Restricted Mode)', r);
  if (existsSync(vsix)) {
    // Into test-results/ (ignored): a test run never rewrites the README's picture.
    r = step('install the .vsix into code-server, activate, screenshot the view', process.execPath, [
      'scripts/screenshot.mjs', '--vsix', vsix, '--out', path.join(ROOT, 'test-results', 'screenshot.png'),
    ]);
    check('.vsix installs into code-server and its view populates (test-results/screenshot.png)', r.ok, r.secs);
  }
}
finish();

function finish() {
  if (treeBefore) {
    const changed = changedSince(treeBefore, treeState(ROOT) ?? new Map());
    check('the run leaves the working tree as it found it (git status)', changed.length === 0, '0', changed.length ? `changed by the run: ${changed.join(', ')}` : '');
  }
  console.log('\n━━ summary');
  for (const l of results) console.log(l);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
