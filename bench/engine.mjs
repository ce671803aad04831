#!/usr/bin/env node
// Cross-cutting measurements: CLI cold start, whole-repository `check` against the parse floor
// (cold process and warm in-process), peak memory of each CLI run, and the .vsix size.
// Standalone: `node bench/engine.mjs [--quick]` after a build; bench/run.mjs runs it with the others.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLI, QUICK, ROOT, compare, importTs, measureProcess, report, round, runNode, stats, tempDir } from './common.mjs';
import { generateRepo } from './lib/corpus.mjs';
import { parseFloor } from './lib/floor.mjs';

if (!existsSync(CLI)) {
  console.error('bench/engine.mjs: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const FILES = Number(process.env.DR_BENCH_REPO_FILES ?? (QUICK ? 1000 : 10_000));
const repo = tempDir('dr-bench-repo-');
const kinds = generateRepo(repo, FILES);
console.log(`engine bench: generated ${FILES} files (${Object.entries(kinds).map(([k, v]) => `${v} ${k}`).join(', ')})`);

// 1. CLI cold start: `--version` against Node's own start-up (the floor of any Node CLI).
{
  const runs = QUICK ? 5 : 15;
  const ours = await measureProcess(CLI, ['--version'], { runs });
  const floor = await measureProcess('-e', [''], { runs });
  report({
    area: 'engine',
    name: 'CLI cold start (`deploy-readiness --version`)',
    ours: ours.time,
    baseline: { label: 'node -e "" (Node start-up)', kind: 'floor', ...floor.time },
    notes: `peak memory ${ours.rss?.median} MiB vs ${floor.rss?.median} MiB`,
  });
}

// 2. Whole-repository check in a cold process, and its peak memory, against the parse floor.
{
  const runs = QUICK ? 3 : 4;
  const floorScript = path.join(ROOT, 'bench', 'lib', 'floor.mjs');
  const ours = await measureProcess(CLI, ['check', repo, '--format', 'json', '--fail-on', 'never', '--no-cache'], { runs, warmup: 1 });
  const floor = await measureProcess(floorScript, [repo], { runs, warmup: 1 });
  if (ours.last.code !== 0) throw new Error(`check exited ${ours.last.code}: ${ours.last.stderr.slice(0, 500)}`);
  const out = JSON.parse(ours.last.stdout);
  const floorCounts = JSON.parse(floor.last.stdout);
  const perSec = (ms) => Math.round((FILES / ms) * 1000);
  report({
    area: 'engine',
    name: `\`check\` on a ${FILES.toLocaleString('en')}-file repository, cold process`,
    ours: ours.time,
    baseline: { label: 'read + parse the same files (libpg-query, tree-sitter, yaml), cold process', kind: 'floor', ...floor.time },
    target: { ratioAtMost: 1.5, text: '≤ 1.5× the parse floor' },
    counts: { label: 'findings / files parsed', ours: out.findings.length, baseline: floorCounts.sql + floorCounts.source + floorCounts.yaml },
    notes: `${perSec(ours.time.median)} files/s vs ${perSec(floor.time.median)} files/s; summary ${JSON.stringify(out.summary)}`,
  });
  report({
    area: 'engine',
    name: `peak memory of \`check\` on ${FILES.toLocaleString('en')} files`,
    ours: ours.rss,
    baseline: { label: 'parse floor process', kind: 'floor', ...floor.rss },
    notes: 'maxRSS of the whole process (Node, WASM heaps, report)',
  });
}

// 2b. `check` after one file changed, in the same repository under git: the previous run's
// per-file results (saved under the git dir) are reused, only the changed file is analysed again
// and the cross-file facts are rebuilt; the report cache misses (the content changed). Against the
// parse floor, interleaved, each run after a different edit.
{
  const runs = 3;
  const gitRun = (...args) => {
    const r = spawnSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
  };
  gitRun('init', '-q', '-b', 'main');
  gitRun('add', '-A');
  gitRun('commit', '-qm', 'corpus');
  const floorScript = path.join(ROOT, 'bench', 'lib', 'floor.mjs');
  const edited = path.join(repo, 'packages', 'p1', 'src', 'edited.ts');
  const args = ['check', '--format', 'json', '--fail-on', 'never'];
  writeFileSync(edited, 'export const e = process.env.EDITED_0;\n');
  const first = await runNode(CLI, args, { cwd: repo });
  const ours = [];
  const cold = [];
  const floor = [];
  const counts = [];
  for (let i = 1; i <= runs; i++) {
    floor.push((await runNode(floorScript, [repo])).ms);
    cold.push((await runNode(CLI, [...args, '--no-cache'], { cwd: repo })).ms);
    writeFileSync(edited, `export const e = process.env.EDITED_${i};\n`);
    const r = await runNode(CLI, args, { cwd: repo });
    if (r.code !== 0) throw new Error(`check exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    ours.push(r.ms);
    const t = JSON.parse(r.stdout).timing;
    counts.push(`${t.reanalysed} re-analysed, ${t.reused} reused, ${t.gitProcesses} git processes`);
  }
  report({
    area: 'engine',
    name: `\`check\` on a ${FILES.toLocaleString('en')}-file git repository, nothing reused (--no-cache), cold process`,
    ours: stats(cold),
    baseline: { label: 'read + parse the same files, cold process', kind: 'floor', ...stats(floor) },
    target: { ratioAtMost: 1.5, text: '≤ 1.5× the parse floor' },
    notes: 'with git: the merge base is compared (the row without git is above); interleaved with the next row',
  });
  report({
    area: 'engine',
    name: `\`check\` after editing one file of ${FILES.toLocaleString('en')}, per-file results reused, cold process`,
    ours: stats(ours),
    baseline: { label: 'read + parse the same files, cold process', kind: 'floor', ...stats(floor) },
    target: { ratioAtMost: 1.5, text: '≤ 1.5× the parse floor' },
    notes: `${counts.join('; ')}; the first run (nothing saved yet, saving every file's results) ${Math.round(first.ms)} ms`,
  });
  rmSync(edited, { force: true });
  rmSync(path.join(repo, '.git'), { recursive: true, force: true });
}

// 3. Warm, in-process: the engine's open + analyze against the parse floor, interleaved.
{
  const { Workspace } = await importTs('src/core/engine.ts');
  const { defaultConfig } = await importTs('src/core/config.ts');
  const config = defaultConfig();
  const r = await compare(
    {
      ours: async () => (await (await Workspace.open({ root: repo, config, trusted: false })).analyze()).findings.length,
      floor: () => parseFloor(repo),
    },
    { runs: QUICK ? 3 : 5 },
  );
  report({
    area: 'engine',
    name: `whole-repository analysis, warm in-process (${FILES.toLocaleString('en')} files)`,
    ours: r.ours,
    baseline: { label: 'read + parse the same files, warm', kind: 'floor', ...r.floor },
    target: { ratioAtMost: 1.5, text: '≤ 1.5× the parse floor' },
    notes: `${Math.round((FILES / r.ours.median) * 1000)} files/s; ${r.ours.result} findings`,
  });
}

// 3b. Where the warm time goes: the walk + classification alone, then each area alone (for the
// area owners; no target). The floor of the whole run is in the row above.
{
  const { Workspace } = await importTs('src/core/engine.ts');
  const { defaultConfig } = await importTs('src/core/config.ts');
  const config = defaultConfig();
  const only = (areas) => async () => (await (await Workspace.open({ root: repo, config, trusted: false, areas })).analyze()).findings.length;
  const r = await compare({ 'walk + classify': only([]), migration: only(['migration']), env: only(['env']), api: only(['api']) }, { runs: 3, warmup: 1 });
  for (const [label, st] of Object.entries(r)) {
    report({ area: 'engine', name: `warm breakdown: ${label === 'walk + classify' ? label : `open + ${label} area`} (${FILES.toLocaleString('en')} files)`, ours: st, notes: `${st.result} findings` });
  }
}

// 4. The .vsix users install (production bundles, allow-listed by .vscodeignore).
if (process.argv.includes('--no-vsix')) {
  report({ area: 'extension', name: '.vsix size', skipped: '--no-vsix' });
} else {
  const out = path.join(tempDir('dr-bench-vsix-'), 'deploy-readiness.vsix');
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  const prod = statSync(CLI).size;
  const r = spawnSync(vsce, ['package', '--no-dependencies', '-o', out], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) {
    report({ area: 'extension', name: '.vsix size', skipped: `vsce package failed: ${(r.stderr || r.stdout).split('\n').find((l) => l.trim()) ?? r.status}` });
  } else {
    const mb = round(statSync(out).size / 1e6);
    report({
      area: 'extension',
      name: '.vsix size',
      ours: { median: mb, unit: 'MB', runs: 1 },
      target: { atMost: 10, text: '< 10 MB' },
      notes: `dist/cli.js ${round(prod / 1e6)} MB as built for this run`,
    });
  }
}
