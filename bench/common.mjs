// Shared helpers for every bench/<area>.mjs. See CONTRIBUTING.md ("Benchmarks") for the contract:
// a bench is a standalone script that prints human-readable lines and, for each comparison, one line
//   BENCH {"area":"...","name":"...","ours":{...},"baseline":{...},"target":{...}}
// which `report()` below writes. bench/run.mjs runs every bench, collects those lines, and writes
// bench/results.json and docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const require = createRequire(path.join(ROOT, 'package.json'));

/** `--quick` (or DR_BENCH_QUICK=1): fewer runs and smaller corpora, for a smoke check of the harness. */
export const QUICK = process.argv.includes('--quick') || process.env.DR_BENCH_QUICK === '1';

/** Facts about the machine, printed once per run beside the figures (absolute times are not the claim). */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function stats(samples, unit = 'ms') {
  return { median: round(median(samples)), p95: round(percentile(samples, 95)), min: round(Math.min(...samples)), runs: samples.length, unit };
}

export function round(x, digits = 3) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** Math.max(0, digits - Math.ceil(Math.log10(Math.abs(x) + 1e-12)));
  return Math.round(x * f) / f;
}

/**
 * Times `fn` (sync or async): `warmup` untimed runs, then `runs` timed ones. Returns stats in ms
 * plus the last result (so a bench can print finding counts beside the time).
 */
export async function measure(fn, { warmup = QUICK ? 1 : 2, runs = QUICK ? 3 : 7 } = {}) {
  let last;
  for (let i = 0; i < warmup; i++) last = await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    samples.push(performance.now() - t);
  }
  return { ...stats(samples), result: last };
}

/**
 * Measures several contenders interleaved (A B C A B C ...) so machine noise hits them alike.
 * `contenders` maps a label to a function; returns label -> stats (+ result).
 */
export async function compare(contenders, { warmup = QUICK ? 1 : 2, runs = QUICK ? 3 : 7 } = {}) {
  const labels = Object.keys(contenders);
  const samples = Object.fromEntries(labels.map((l) => [l, []]));
  const results = {};
  for (let i = 0; i < warmup; i++) for (const l of labels) results[l] = await contenders[l]();
  for (let i = 0; i < runs; i++) {
    for (const l of labels) {
      const t = performance.now();
      results[l] = await contenders[l]();
      samples[l].push(performance.now() - t);
    }
  }
  return Object.fromEntries(labels.map((l) => [l, { ...stats(samples[l]), result: results[l] }]));
}

const RSS_PRELOAD = path.join(ROOT, 'bench', 'lib', 'rss-preload.cjs');

/**
 * Runs a Node script in a child process (a cold start) and returns wall time, exit code, output,
 * its peak resident memory (maxRSS) and its own CPU time (`cpuMs`, user + system, without the
 * processes it starts), from a preload that reports `process.resourceUsage()`.
 */
export function runNode(script, args, { cwd = ROOT, env = {}, timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-bench-rss-'));
    const rssFile = path.join(dir, 'rss');
    const t = performance.now();
    const child = spawn(process.execPath, ['--require', RSS_PRELOAD, script, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', DR_BENCH_RSS_FILE: rssFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t;
      let maxRssKiB;
      let cpuMs;
      try {
        const [rss, cpu] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
        maxRssKiB = rss;
        cpuMs = Number.isFinite(cpu) ? round(cpu / 1000) : undefined;
      } catch {
        maxRssKiB = undefined;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, ms, stdout, stderr, maxRssMiB: maxRssKiB === undefined ? undefined : round(maxRssKiB / 1024), cpuMs });
    });
  });
}

/** Repeats a cold child-process run; returns time stats, peak memory stats and the last run. */
export async function measureProcess(script, args, opts = {}) {
  const runs = opts.runs ?? (QUICK ? 3 : 7);
  const warmup = opts.warmup ?? 1;
  let last;
  for (let i = 0; i < warmup; i++) last = await runNode(script, args, opts);
  const times = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    last = await runNode(script, args, opts);
    times.push(last.ms);
    if (last.maxRssMiB !== undefined) rss.push(last.maxRssMiB);
  }
  return { time: stats(times), rss: rss.length ? stats(rss, 'MiB') : undefined, last };
}

let bundleDir;
/**
 * Loads a TypeScript module of this repository (e.g. 'src/core/engine.ts') by bundling it with
 * esbuild into a temporary CommonJS file (dependencies stay external, resolved from node_modules).
 * Benches use the real engine code without a separate compile step.
 */
export async function importTs(rel) {
  const esbuild = require('esbuild');
  // Inside the repository so the bundle resolves node_modules (and WASM files) as the sources do.
  if (!bundleDir) {
    mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
    bundleDir = mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'dr-bench-ts-'));
  }
  const out = path.join(bundleDir, rel.replace(/[\\/]/g, '_').replace(/\.ts$/, '.cjs'));
  if (!existsSync(out)) {
    await esbuild.build({ entryPoints: [path.join(ROOT, rel)], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT });
  }
  // the environment scan's threads start scanWorker.js from beside the bundle, as in dist/
  const scanWorker = path.join(bundleDir, 'scanWorker.js');
  if (!existsSync(scanWorker)) {
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/core/env/scanWorker.ts')], outfile: scanWorker, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT });
  }
  return createRequire(out)(out);
}
process.on('exit', () => bundleDir && rmSync(bundleDir, { recursive: true, force: true }));

/** A temporary folder removed when the process exits. */
export function tempDir(prefix = 'dr-bench-') {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFiles(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A small deterministic PRNG (mulberry32) so generated corpora are the same on every run. */
export function rng(seed = 42) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

/**
 * Prints one measurement as a `BENCH {...}` line (the contract bench/run.mjs reads) and a human line.
 *
 * record = {
 *   area: 'migration' | 'env' | 'api' | 'extension' | 'engine' | ...,
 *   name: 'lint 2,000 migrations',            // what was measured (one table row)
 *   ours: { median, p95?, unit },             // our figure (time in ms, size in MB, memory in MiB...)
 *   baseline?: { label, kind: 'floor' | 'peer', median, p95?, unit },  // measured in the same run
 *   target?: { ratioAtMost?: n, speedupAtLeast?: n, atMost?: n, overheadAtMost?: n, text },
 *       ratioAtMost: ours/baseline <= n   (e.g. "within 1.5x of the parse floor")
 *       speedupAtLeast: baseline/ours >= n (e.g. "at least 3x faster than pgfence")
 *       atMost: ours.median <= n in ours.unit (e.g. ".vsix under 10 MB")
 *       overheadAtMost: ours.median - baseline.median <= n (e.g. "activation under 20 ms of our own time")
 *   counts?: { ours: n, baseline: n, label },  // findings side by side, when it applies
 *   notes?: 'free text (corpus size, caveats)',
 *   skipped?: 'reason'                         // could not be measured here: the table says why
 * }
 */
export function report(record) {
  const r = { ...record };
  for (const k of ['ours', 'baseline']) if (r[k] && 'result' in r[k]) r[k] = Object.fromEntries(Object.entries(r[k]).filter(([key]) => key !== 'result'));
  if (r.baseline && r.ours && !r.skipped) r.ratio = round(r.ours.median / r.baseline.median);
  r.met = targetMet(r);
  const human = r.skipped
    ? `  ${r.area} · ${r.name}: skipped (${r.skipped})`
    : `  ${r.area} · ${r.name}: ours ${fmt(r.ours)}${r.baseline ? ` vs ${r.baseline.label} ${fmt(r.baseline)} → ratio ${r.ratio}` : ''}${r.target ? ` · target ${r.target.text}: ${r.met ? 'met' : 'MISSED'}` : ''}`;
  console.log(human);
  console.log('BENCH ' + JSON.stringify(r));
  return r;
}

/** true / false, or null when there is no target or nothing was measured. */
export function targetMet(r) {
  if (!r.target || r.skipped || !r.ours) return null;
  const t = r.target;
  let ok = true;
  if (t.ratioAtMost !== undefined) ok &&= r.baseline ? r.ours.median / r.baseline.median <= t.ratioAtMost : false;
  if (t.speedupAtLeast !== undefined) ok &&= r.baseline ? r.baseline.median / r.ours.median >= t.speedupAtLeast : false;
  if (t.atMost !== undefined) ok &&= r.ours.median <= t.atMost;
  if (t.overheadAtMost !== undefined) ok &&= r.baseline ? r.ours.median - r.baseline.median <= t.overheadAtMost : false;
  return ok;
}

export function fmt(s) {
  if (!s) return '—';
  return `${s.median} ${s.unit ?? 'ms'}${s.p95 !== undefined && s.runs > 1 ? ` (p95 ${s.p95})` : ''}`;
}

/** Resolves a package's installed version, or undefined when it is not installed. */
export function versionOf(pkg) {
  try {
    return require(`${pkg}/package.json`).version;
  } catch {
    return undefined;
  }
}
