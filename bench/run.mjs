#!/usr/bin/env node
// `npm run bench`: builds the production bundles, runs every bench/*.mjs (except this file and
// common.mjs) one after the other, collects their `BENCH {...}` lines (contract: CONTRIBUTING.md,
// "Benchmarks"), writes bench/results.json and docs/benchmarks.md, and prints a summary table.
//
//   node bench/run.mjs [--quick] [--only name,name] [--skip name,name] [--no-build] [--no-write]
//   node bench/run.mjs --render      (docs/benchmarks.md again from the last bench/results.json)
//
// Exit code: 0 when every bench ran (missed targets are reported, not failures), 1 when a bench
// crashed or printed no BENCH line, 2 on a harness error.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, QUICK, fmt, machine, targetMet } from './common.mjs';

const args = process.argv.slice(2);
const listArg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1].split(',').map((s) => s.trim().replace(/\.mjs$/, '')) : undefined;
};
const only = listArg('--only');
const skip = listArg('--skip') ?? [];
const write = !args.includes('--no-write');
const PER_BENCH_TIMEOUT_MS = Number(process.env.DR_BENCH_TIMEOUT ?? 30 * 60) * 1000;

// --render: rewrite docs/benchmarks.md from the last bench/results.json without measuring again.
const RENDER = args.includes('--render');
if (!RENDER && !args.includes('--no-build')) {
  console.log('━━ build (production bundles, as shipped)');
  const b = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) process.exit(2);
}

const previous = RENDER ? JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8')) : undefined;
const benches = RENDER ? [] : readdirSync(path.join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f !== 'common.mjs')
  .map((f) => f.replace(/\.mjs$/, ''))
  .filter((n) => (!only || only.includes(n)) && !skip.includes(n))
  .sort();

const facts = previous?.machine ?? machine();
console.log(`machine: ${facts.cores} cores (${facts.cpu}), ${facts.memoryGiB} GiB, Node ${facts.node}, load ${facts.loadAverage.join(' ')}`);
console.log(`benches: ${benches.join(', ') || '(none)'}${QUICK ? ' (quick)' : ''}`);

function runBench(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(ROOT, 'bench', `${name}.mjs`), ...(QUICK ? ['--quick'] : [])], {
      cwd: ROOT,
      env: { ...process.env, DR_BENCH_QUICK: QUICK ? '1' : '', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let buffered = '';
    child.stdout.on('data', (d) => {
      out += d;
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const l of lines) if (!l.startsWith('BENCH ')) console.log(`  [${name}] ${l}`);
    });
    child.stderr.on('data', (d) => process.stderr.write(String(d).replace(/^(?=.)/gm, `  [${name}] `)));
    const timer = setTimeout(() => {
      console.error(`  [${name}] timed out after ${PER_BENCH_TIMEOUT_MS / 1000}s; killing it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, PER_BENCH_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (buffered && !buffered.startsWith('BENCH ')) console.log(`  [${name}] ${buffered}`);
      const records = [];
      const problems = [];
      for (const line of out.split('\n')) {
        if (!line.startsWith('BENCH ')) continue;
        try {
          const r = JSON.parse(line.slice(6));
          if (!r.name || !r.area) throw new Error('needs "area" and "name"');
          r.met = targetMet(r);
          r.bench = name;
          records.push(r);
        } catch (e) {
          problems.push(`unreadable BENCH line (${e.message}): ${line.slice(0, 120)}`);
        }
      }
      const ok = code === 0 && records.length > 0 && problems.length === 0;
      resolve({ name, ok, code, signal, seconds: Math.round((Date.now() - started) / 100) / 10, records, problems });
    });
  });
}

const runs = previous ? previous.benches.map((b) => ({ ...b, records: [] })) : [];
for (const name of benches) {
  console.log(`\n━━ bench/${name}.mjs`);
  runs.push(await runBench(name));
}
if (!previous) facts.loadAverageEnd = machine().loadAverage;

let rows = previous ? previous.results : runs.flatMap((r) => r.records);
// A partial run (--only/--skip) keeps the other benches' rows from the last results.json.
let kept = [];
if (!previous && (only || skip.length)) {
  try {
    const last = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8'));
    kept = last.results.filter((r) => r.bench && !benches.includes(r.bench));
    for (const b of last.benches ?? []) if (!benches.includes(b.name)) runs.push({ ...b, records: [], kept: true });
  } catch {
    /* no previous results */
  }
  rows = [...kept, ...rows].sort((a, b) => (a.bench ?? '').localeCompare(b.bench ?? ''));
}
const crashed = runs.filter((r) => !r.ok && !r.kept);
for (const r of previous ? [] : crashed) {
  rows.push({ bench: r.name, area: r.name, name: `bench/${r.name}.mjs`, skipped: r.problems[0] ?? (r.records.length ? `exited with ${r.signal ?? r.code}` : `printed no BENCH line (exit ${r.signal ?? r.code})`), met: false });
}

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
function ratioText(r) {
  if (r.ratio === undefined) return '—';
  const speedup = r.ratio > 0 ? Math.round((1 / r.ratio) * 100) / 100 : undefined;
  return r.ratio < 1 && speedup ? `${r.ratio}× (${speedup}× faster)` : `${r.ratio}×`;
}
const metText = (r) => (r.skipped ? (r.met === false ? '**failed**' : 'not measured') : r.met === null || r.met === undefined ? '—' : r.met ? 'yes' : '**no**');
function tableLines(list) {
  const lines = ['| area | measurement | ours | floor / peer | ratio | target | met? |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of list) {
    const base = r.baseline ? `${cell(r.baseline.label)} (${r.baseline.kind ?? 'peer'}): ${fmt(r.baseline)}` : '—';
    const ours = r.skipped ? `not measured: ${cell(r.skipped)}` : fmt(r.ours);
    lines.push(`| ${cell(r.area)} | ${cell(r.name)} | ${ours} | ${base} | ${ratioText(r)} | ${cell(r.target?.text ?? '—')} | ${metText(r)} |`);
  }
  return lines;
}

const missed = rows.filter((r) => r.met === false);
const md = [
  '# Benchmarks',
  '',
  'Generated by `npm run bench` (`bench/run.mjs`); do not edit by hand. Every comparison is measured',
  'side by side in the same run, interleaved where it runs in-process, and reported as a ratio of',
  'medians (ours ÷ floor or peer: below 1 is faster). Absolute times depend on the machine below and',
  'are not the claim. "p95" is the nearest-rank 95th percentile of the runs.',
  '',
  `Machine: ${facts.cores} cores (${facts.cpu}), ${facts.memoryGiB} GiB memory, Node ${facts.node}, ${facts.platform}; load average (1/5/15 min) at start ${facts.loadAverage.join(' / ')}${facts.loadAverageEnd ? `, at the end ${facts.loadAverageEnd.join(' / ')}` : ''}. Run ${facts.date}${(previous?.quick ?? QUICK) ? ' with `--quick` (fewer runs, smaller corpora)' : ''}.`,
  '',
  ...(Math.max(...facts.loadAverage, ...(facts.loadAverageEnd ?? [])) > facts.cores
    ? [`> **The machine was busy** (load average above its ${facts.cores} cores: other work was running). Absolute times are inflated several-fold and ratios are noisier than on a quiet machine; compare ratios, and re-run \`npm run bench\` on a quiet machine before drawing conclusions from a narrow miss.`, '']
    : []),
  ...tableLines(rows),
  '',
  missed.length ? `**Targets missed (${missed.length}):**` : 'Every target that was measured was met.',
  ...missed.map((r) => `- ${r.area} · ${r.name}: ${r.skipped ? r.skipped : `ratio ${r.ratio ?? '—'}, ours ${fmt(r.ours)}, target ${r.target?.text}`}`),
  '',
  '## Notes',
  '',
  ...rows.filter((r) => r.notes || r.counts).map((r) => `- ${r.area} · ${r.name}: ${[r.counts ? `${r.counts.label ?? 'findings'}: ours ${r.counts.ours}, ${r.baseline?.label ?? 'peer'} ${r.counts.baseline}` : '', r.notes ?? ''].filter(Boolean).join('; ')}`),
  '',
  `Benches run: ${runs.map((r) => `\`bench/${r.name}.mjs\` (${r.seconds} s${r.ok ? '' : ', FAILED'}${r.kept ? ', rows kept from an earlier run' : ''})`).join(', ') || 'none'}.`,
  '',
];
// The hand-written sections (the plan-command analysis, the editor figures from the real VS Code
// suite) follow a marker line and are kept as they are.
const HAND_WRITTEN = '<!-- Hand-written sections below: bench/run.mjs keeps everything from this line on as it is. -->';
function withHandWritten(generated) {
  let old = '';
  try {
    old = readFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
  } catch {
    /* first run */
  }
  const at = old.indexOf(HAND_WRITTEN);
  return at < 0 ? generated : `${generated}${old.slice(at)}`;
}
if (write && previous) {
  writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), withHandWritten(md.join('\n')));
} else if (write) {
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), withHandWritten(md.join('\n')));
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify({ version: 1, machine: facts, quick: QUICK, benches: runs.map(({ records: _r, kept: _k, ...b }) => b), results: rows }, null, 2) + '\n');
}

console.log('\n━━ summary');
console.log(tableLines(rows).join('\n'));
console.log(`\n${rows.length - missed.length} measurements without a missed target, ${missed.length} missed or failed${write ? '; wrote docs/benchmarks.md and bench/results.json' : ''}`);
process.exit(crashed.length ? 1 : 0);
