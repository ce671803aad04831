#!/usr/bin/env node
// Git and the report cache: git processes per `check` (must not grow with the number of changed
// files), a cached `check` against a cold one, and the four plan commands against one `check`.
// Standalone: `node bench/git.mjs [--quick]` after a build; bench/run.mjs runs it with the others.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, QUICK, report, runNode, stats, tempDir, writeFiles } from './common.mjs';

if (!existsSync(CLI)) {
  console.error('bench/git.mjs: dist/cli.js is missing; run `npm run build` first');
  process.exit(2);
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' };
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] });

/** A repository of `total` files on main, and a feature branch that changes `changed` of them. */
function branchRepo(total, changed) {
  const dir = tempDir('dr-bench-git-');
  const base = { '.env.example': 'A=1\n' };
  for (let i = 0; i < total; i++) base[`src/m${Math.floor(i / 50)}/f${i}.js`] = `export const v${i} = process.env.A;\n`;
  writeFiles(dir, base);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'checkout', '-qb', 'feature');
  const head = { 'db/migrations/002_idx.sql': 'CREATE INDEX a_idx ON a (b);\n' };
  for (let i = 0; i < changed; i++) head[`src/m${Math.floor(i / 50)}/f${i}.js`] = `export const v${i} = [process.env.A, process.env.NEW_${i}];\n`;
  writeFiles(dir, head);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head');
  return dir;
}

async function check(dir, extra = []) {
  const r = await runNode(CLI, ['check', '--base', 'main', '--format', 'json', '--fail-on', 'never', ...extra], { cwd: dir });
  if (r.code !== 0) throw new Error(`check exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  return { ms: r.ms, report: JSON.parse(r.stdout) };
}

const TOTAL = QUICK ? 1000 : 5000;
const small = QUICK ? 20 : 50;
const large = QUICK ? 200 : 1000;

// 1. Git processes per run, few vs many changed files.
{
  const counts = {};
  for (const n of [small, large]) {
    const dir = branchRepo(TOTAL, n);
    const { report: r } = await check(dir, ['--no-cache']);
    counts[n] = { processes: r.timing.gitProcesses, newOnBranch: r.findings.filter((f) => f.ruleId === 'env/new-on-branch').length };
  }
  report({
    area: 'git',
    name: `git processes per \`check\`, ${large} changed files (vs ${small})`,
    ours: { median: counts[large].processes, p95: counts[large].processes, runs: 1, unit: 'processes' },
    baseline: { label: `${small} changed files`, kind: 'floor', median: counts[small].processes, p95: counts[small].processes, runs: 1, unit: 'processes' },
    target: { ratioAtMost: 1, text: 'the same count whatever the number of changed files' },
    counts: { label: 'env/new-on-branch findings (each needs the base blob)', ours: counts[large].newOnBranch, baseline: counts[small].newOnBranch },
    notes: `${TOTAL}-file repository; one ls-tree and one cat-file --batch read every base file`,
  });
}

// 2. Cold vs cached check, and the four plan commands against one check.
{
  const dir = branchRepo(TOTAL, small);
  const runs = QUICK ? 3 : 5;
  const cold = [];
  const cached = [];
  const four = [];
  for (let i = 0; i < runs; i++) {
    cold.push((await check(dir, ['--no-cache'])).ms);
    await check(dir); // writes the cache for this state
    const c = await check(dir);
    if (!c.report.timing.cached) throw new Error('the second check was not served from the cache');
    cached.push(c.ms);
    // A fresh state (the cache is keyed by content): check, then the three plan commands reuse it.
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', `bump ${i}`], { cwd: dir, env: gitEnv });
    let t = 0;
    t += (await check(dir)).ms;
    for (const cmd of [['checklist', '--format', 'json'], ['rollback-plan'], ['runbook', '--out', '-']]) {
      const r = await runNode(CLI, [...cmd, '--base', 'main', '--fail-on', 'never'], { cwd: dir });
      if (r.code === 2) throw new Error(`${cmd[0]} failed: ${r.stderr.slice(0, 300)}`);
      t += r.ms;
    }
    four.push(t);
  }
  const coldStats = stats(cold);
  report({
    area: 'git',
    name: `cached \`check\` (${TOTAL}-file git repository, unchanged state)`,
    ours: stats(cached),
    baseline: { label: 'the same check with --no-cache (cold analysis)', kind: 'floor', ...coldStats },
    target: { ratioAtMost: 0.5, text: '≤ 0.5× a cold check' },
  });
  report({
    area: 'git',
    name: '`check` + `checklist` + `rollback-plan` + `runbook` on one state',
    ours: stats(four),
    baseline: { label: 'one cold check', kind: 'floor', ...coldStats },
    target: { ratioAtMost: 1.2, text: '≤ 1.2× one check' },
    notes: 'the plan commands reuse the cached report of check; they still start Node, walk and run git',
  });
}
