#!/usr/bin/env node
// Real-repository shapes: `check` cold and cached, and the four plan commands back to back against
// one cold `check`, on two generated repositories of different stacks (bench/lib/shaped.mjs: a
// Rails application and a Next.js + Prisma monorepo, with a 15-commit feature branch), each
// command a cold process as a user or CI runs it. Ratios are taken within one run, interleaved.
// Standalone: `node bench/repos.mjs [--quick]` after a build; bench/run.mjs runs it with the others.
import { existsSync } from 'node:fs';
import { CLI, QUICK, report, runNode, stats } from './common.mjs';
import { git, shapedRepo } from './lib/shaped.mjs';

if (!existsSync(CLI)) {
  console.error('bench/repos.mjs: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const SHAPES = [
  { kind: 'rails', label: 'Rails app (shaped like maybe-finance/maybe)', files: QUICK ? 600 : 1600 },
  { kind: 'next', label: 'Next.js + Prisma monorepo (shaped like documenso)', files: QUICK ? 1000 : 2700 },
];
const RUNS = QUICK ? 2 : 3;

async function cmd(dir, args) {
  const r = await runNode(CLI, [...args, '--base', 'main', '--fail-on', 'never'], { cwd: dir });
  if (r.code !== 0) throw new Error(`${args[0]} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
  return r;
}

for (const shape of SHAPES) {
  const dir = shapedRepo(shape.kind, shape.files);
  const tracked = String(git(dir, 'ls-files')).split('\n').filter(Boolean).length;
  console.log(`repos bench: ${shape.label}: ${tracked} files`);
  const cold = [];
  const cached = [];
  const four = [];
  const coldCpu = [];
  const fourCpu = [];
  const parts = { check: [], checklist: [], 'rollback-plan': [], runbook: [] };
  let last;
  await cmd(dir, ['check', '--no-cache']); // warm-up: the file system cache, the bundle
  for (let i = 0; i < RUNS; i++) {
    const c = await cmd(dir, ['check', '--no-cache', '--format', 'json']);
    cold.push(c.ms);
    coldCpu.push(c.cpuMs);
    last = JSON.parse(c.stdout);
    // A fresh state (the cache is keyed by the head commit): check, then the three plan commands.
    git(dir, 'commit', '-q', '--allow-empty', '-m', `bump ${i}`);
    let t = 0;
    let cpu = 0;
    for (const args of [['check', '--format', 'json'], ['checklist', '--format', 'json'], ['rollback-plan'], ['runbook', '--out', '-']]) {
      const r = await cmd(dir, args);
      parts[args[0]].push(r.ms);
      t += r.ms;
      cpu += r.cpuMs;
    }
    four.push(t);
    fourCpu.push(cpu);
    const again = await cmd(dir, ['check', '--format', 'json']);
    if (!JSON.parse(again.stdout).timing.cached) throw new Error('the second check of one state was not served from the cache');
    cached.push(again.ms);
  }
  const coldStats = stats(cold);
  const median = (xs) => stats(xs).median;
  report({
    area: 'engine',
    name: `${shape.label}: cached \`check\` (${tracked.toLocaleString('en')} files, unchanged state)`,
    ours: stats(cached),
    baseline: { label: 'the same check with --no-cache (cold analysis)', kind: 'floor', ...coldStats },
    target: { ratioAtMost: 0.5, text: '≤ 0.5× a cold check' },
    counts: { label: 'findings (cold)', ours: last.findings.length, baseline: last.findings.length },
    notes: `cold check ${Math.round(coldStats.median)} ms: ${last.timing.gitProcesses} git processes, summary ${JSON.stringify(last.summary)}; the cached run starts Node, walks the files, asks git what changed and reads the report`,
  });
  report({
    area: 'engine',
    name: `${shape.label}: \`check\` + \`checklist\` + \`rollback-plan\` + \`runbook\` on one new state`,
    ours: stats(four),
    baseline: { label: 'one cold check (--no-cache)', kind: 'floor', ...coldStats },
    target: { ratioAtMost: 1.2, text: '≤ 1.2× one check' },
    notes: `CPU time of the Node processes (git's own excluded): four commands ${Math.round(median(fourCpu))} ms vs one cold check ${Math.round(median(coldCpu))} ms (${Math.round((median(fourCpu) / median(coldCpu)) * 100) / 100}×), a figure the machine's load changes less; medians: check (analyses, writes the cache) ${Math.round(median(parts.check))} ms, checklist ${Math.round(median(parts.checklist))} ms, rollback-plan ${Math.round(median(parts['rollback-plan']))} ms, runbook ${Math.round(median(parts.runbook))} ms; each plan command is a cold Node process that loads dist/cli.js (not the analysis bundle), walks, runs 4 git processes and reads the cached report`,
  });
}
