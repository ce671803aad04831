#!/usr/bin/env node
// The extension inside the real VS Code extension host (code-server, test/vscode-offline):
// activation time, time to the first diagnostic after opening a migration, and time to an
// updated diagnostic after an edit. One code-server at a time, one fresh host per run.
//   node bench/extension.mjs [--quick] [--runs N] [--install]
// Without --install it does not install the harness (a ~5-20 minute download and build): it
// reports "not measured" instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QUICK, ROOT, median, report, round, stats, tempDir } from './common.mjs';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : QUICK ? 1 : 3;

function installed() {
  const v = Object.fromEntries(
    readFileSync(path.join(ROOT, 'test/vscode-offline/versions.env'), 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=["']?([^"'\s]*)/.exec(l))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  const root = process.env.DR_VSCODE_CACHE || path.join(os.homedir(), '.cache', 'deploy-readiness-vscode');
  return existsSync(path.join(root, `cs${v.CODE_SERVER_VERSION}-node${v.NODE_VERSION}-pw${v.PLAYWRIGHT_CORE_VERSION}-v${v.HARNESS_LAYOUT}`, '.install-complete'));
}

const names = ['activation (`activate()` from not active)', 'time to first diagnostic after opening a migration', 'time to updated diagnostics after an edit (includes the debounce)'];
if (!existsSync(path.join(ROOT, 'dist', 'extension.js'))) {
  console.error('bench/extension.mjs: dist/extension.js is missing; run `npm run build` first');
  process.exit(2);
}
if (!installed() && !process.argv.includes('--install')) {
  for (const name of names) report({ area: 'extension', name, skipped: 'the offline VS Code harness is not installed (bash test/vscode-offline/install.sh, or pass --install)' });
  process.exit(0);
}

// A workspace that matches none of the activation events, so the extension starts inactive and
// activate() is what is timed; the migration sits in a folder the classifier knows.
const ws = tempDir('dr-bench-vscode-ws-');
mkdirSync(path.join(ws, 'schema-migrations'), { recursive: true });
writeFileSync(path.join(ws, 'schema-migrations', '001_users_email.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text, created_at timestamptz);\n\nCREATE INDEX users_email_idx ON users (email);\n');

/** One fresh code-server + extension host running the suite; returns its BENCH-VSCODE object. */
function session(extension, env) {
  const args = [path.join(ROOT, 'test/vscode-offline/run.mjs'), '--extension', extension, '--tests', path.join(ROOT, 'bench/lib/vscode-suite.cjs'), '--workspace', ws, '--timeout', '300'];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, DR_VSCODE_NO_INSTALL: process.argv.includes('--install') ? '' : '1' }, maxBuffer: 64 * 1024 * 1024 });
  const line = r.stdout.split('\n').find((l) => l.includes('BENCH-VSCODE '));
  if (!line) {
    failures.push(`exit ${r.status}; ${(r.stdout + r.stderr).split('\n').filter((l) => /fail|error|timed out/i.test(l)).slice(0, 3).join(' / ')}`);
    console.log(`  a run failed: ${failures.at(-1)}`);
    return undefined;
  }
  return JSON.parse(line.slice(line.indexOf('BENCH-VSCODE ') + 13));
}

const samples = { activateMs: [], firstDiagnosticMs: [], updateMs: [], floorActivateMs: [] };
let last;
const failures = [];
const EMPTY = path.join(ROOT, 'bench', 'lib', 'empty-extension');
for (let i = 0; i < RUNS; i++) {
  // Interleaved: the empty extension (the host's own activation cost), then ours.
  const floor = session(EMPTY, { DR_BENCH_EXTENSION_ID: 'deploy-readiness-bench.empty', DR_BENCH_ACTIVATION_ONLY: '1' });
  if (floor) samples.floorActivateMs.push(floor.activateMs);
  const r = session(ROOT, {});
  if (!r) continue;
  last = r;
  console.log(`run ${i + 1}: activate ${r.activateMs.toFixed(1)} ms (empty extension ${floor ? floor.activateMs.toFixed(1) : '?'} ms; active before: ${r.activeBefore}), first diagnostic ${r.firstDiagnosticMs.toFixed(0)} ms, update ${r.updateMs.toFixed(0)} ms`);
  for (const k of ['activateMs', 'firstDiagnosticMs', 'updateMs']) samples[k].push(r[k]);
}

if (!samples.activateMs.length) {
  for (const name of names) report({ area: 'extension', name, skipped: `code-server runs failed: ${failures[0] ?? 'no result'}` });
  process.exit(1);
}
const env = `VS Code ${last.vscode} (code-server, web UI, Node ${last.node} extension host); ${samples.activateMs.length} fresh host(s)${failures.length ? `; ${failures.length} run(s) failed` : ''}`;
report({
  area: 'extension',
  name: names[0],
  ours: stats(samples.activateMs),
  baseline: samples.floorActivateMs.length ? { label: 'an empty extension activated the same way', kind: 'floor', ...stats(samples.floorActivateMs) } : undefined,
  target: { overheadAtMost: 20, text: '< 20 ms of our own time (ours − empty extension)' },
  notes: `${env}; measured around vscode.extensions.getExtension().activate(), so it includes the host loading dist/extension.js${samples.floorActivateMs.length ? `; our own time (difference of medians) ${round(median(samples.activateMs) - median(samples.floorActivateMs))} ms` : ''}${last.activeBefore ? '; WARNING: the extension was already active' : ''}`,
});
report({ area: 'extension', name: names[1], ours: stats(samples.firstDiagnosticMs), notes: `${env}; cold worker start, WASM parser load, analysis of the folder` });
report({ area: 'extension', name: names[2], ours: stats(samples.updateMs), notes: `${env}; debounce ${last.debounceMs} ms included` });
