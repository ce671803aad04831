import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceLanguage } from '../classify';
import { flagScannable, mayReadFlags } from '../flags/detect';
import { gateable } from './gates';
import { onForgetParses, recordParses } from '../source/service';
import { mayRead, scanSource, scanWrapperCalls, type EnvRead, type ScanResult } from './scanner';
import type { WrapperDef } from './wrappers';

/**
 * The environment scan on worker threads. Parsing is most of a large scan's time and tree-sitter
 * parses synchronously, so files with a read marker are scanned on a small pool of threads (one
 * per core beyond the analysis's own, at most four), each with its own grammars and its own kept
 * trees. A job's result is the same data the scanner returns on this thread (plain objects,
 * structured-cloned), so the analysis is the same whichever thread scanned a file; the analyzer
 * applies results in file order.
 *
 * - Small scans never start a thread: an analysis scans its first `INLINE_BYTES` of marker files
 *   here, and only then starts the pool (a thread's start and its grammar loads cost more than
 *   parsing a few hundred kilobytes; real applications have tens of files with a read marker, a
 *   large monorepo hundreds). Threads already running take the files after the first 64 KB, so
 *   the editor's re-scan of one edited file never waits for a thread.
 * - A file's later jobs (calls to project helpers) go to the thread that parsed it, whose kept tree
 *   serves them: each file is parsed once per analysis, wherever it was parsed. `forgetParses`
 *   (the engine, per analysis) makes every thread drop its trees.
 * - Idle threads do not keep the process alive (the CLI exits), and stop after `IDLE_MS`.
 * - A thread that fails (crash, out of memory) is dropped and its jobs run here.
 */

export type ScanJob =
  | { op: 'scan'; lang: SourceLanguage; text: string; file?: string }
  | { op: 'calls'; lang: SourceLanguage; text: string; defs: readonly WrapperDef[]; file?: string };

export type CallsResult = { reads: EnvRead[]; wrappers: WrapperDef[] };

/** Runs a job on this thread (the worker's and the fallback's code path). */
export function runJob(job: ScanJob): Promise<ScanResult | CallsResult> {
  return job.op === 'scan' ? scanSource(job.lang, job.text, job.file) : scanWrapperCalls(job.lang, job.text, job.defs, job.file);
}

/** Messages between the analysis and a scan thread. */
export type ToWorker = { id: number; job: ScanJob } | { forget: true };
export type FromWorker = { id: number; result: ScanResult | CallsResult; parses: number } | { id: number; error: string; stack?: string; parses: number };

const INLINE_BYTES = 1024 * 1024;
/** With threads running, the marker text an analysis scans here first (an edited file's re-scan stays here). */
const WARM_INLINE_BYTES = 64 * 1024;
const IDLE_MS = 60_000;
const MAX_THREADS = 4;

let threadsWanted: number | undefined;
let inlineLimit = INLINE_BYTES;
/**
 * Threads for the scan: 0 scans on this thread only. Default: one per core beyond this thread's
 * (up to 4): one on 2 cores, none on one. `inlineBytes` (tests) replaces the amount of marker text
 * scanned here before threads start.
 */
export function setScanThreads(n: number | undefined, opts: { inlineBytes?: number } = {}): void {
  threadsWanted = n;
  inlineLimit = opts.inlineBytes ?? INLINE_BYTES;
  if (n === 0) closeScanPool();
}

function threadCount(): number {
  if (threadsWanted !== undefined) return Math.max(0, Math.min(MAX_THREADS, Math.floor(threadsWanted)));
  const fromEnv = process.env.DEPLOY_READINESS_SCAN_THREADS;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Math.min(MAX_THREADS, Number(fromEnv));
  // The analysis's own thread reads every file meanwhile: it has a core of its own. (On a loaded
  // 2-core machine, two scan threads beside it were slower than one, and cost more CPU.)
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(MAX_THREADS, cores - 1));
}

/** The worker script, beside this module (dist/ when bundled, out/ in the tests); undefined when absent. */
function workerScript(): string | undefined {
  const p = path.join(__dirname, 'scanWorker.js');
  return existsSync(p) ? p : undefined;
}

interface Pending {
  job: ScanJob;
  resolve: (r: ScanResult | CallsResult) => void;
  reject: (e: Error) => void;
}

class Thread {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead = false;
  constructor(
    script: string,
    private readonly onDeath: (t: Thread) => void,
  ) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.answer(m));
    this.worker.on('error', () => this.die());
    this.worker.on('exit', () => this.die());
  }
  private answer(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (!this.pending.size) this.worker.unref();
    recordParses(p.job.file, m.parses);
    if ('error' in m) {
      const e = new Error(m.error);
      if (m.stack) e.stack = m.stack;
      p.reject(e);
    } else p.resolve(m.result);
  }
  send(id: number, p: Pending): void {
    if (!this.pending.size) this.worker.ref();
    this.pending.set(id, p);
    this.worker.postMessage({ id, job: p.job } satisfies ToWorker);
  }
  forget(): void {
    if (!this.dead) this.worker.postMessage({ forget: true } satisfies ToWorker);
  }
  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.onDeath(this);
  }
}

/** Which thread scanned a file this analysis (its kept tree is there); -1: this thread. */
const owner = new Map<string, number>();

class Pool {
  private threads: Thread[] = [];
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;
  constructor(
    private readonly script: string,
    private readonly size: number,
  ) {}
  run(job: ScanJob): Promise<ScanResult | CallsResult> {
    this.touch();
    const known = job.file !== undefined ? owner.get(job.file) : undefined;
    if (known === -1) return runJob(job);
    while (this.threads.length < this.size) this.threads.push(new Thread(this.script, (t) => this.lost(t)));
    let i = known !== undefined && this.threads[known] && !this.threads[known].dead ? known : -1;
    if (i < 0) {
      // the least busy thread (ties: the first), deterministic for one sequence of jobs
      i = 0;
      for (let k = 1; k < this.threads.length; k++) if (this.threads[k].pending.size < this.threads[i].pending.size) i = k;
    }
    if (job.file !== undefined) owner.set(job.file, i);
    const t = this.threads[i];
    jobsSent++;
    return new Promise((resolve, reject) => t.send(this.nextId++, { job, resolve, reject }));
  }
  forget(): void {
    for (const t of this.threads) t.forget();
  }
  close(): void {
    clearTimeout(this.idle);
    const threads = this.threads;
    this.threads = [];
    for (const t of threads) {
      t.dead = true;
      void t.worker.terminate();
      for (const p of t.pending.values()) runJob(p.job).then(p.resolve, p.reject);
      t.pending.clear();
    }
  }
  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.threads.some((t) => t.pending.size)) return this.touch();
      this.close();
    }, IDLE_MS);
    this.idle.unref();
  }
  /** A thread died: its jobs run here, and the pool stops using threads in this process. */
  private lost(t: Thread): void {
    broken = true;
    this.threads = this.threads.filter((x) => x !== t);
    for (const p of t.pending.values()) runJob(p.job).then(p.resolve, p.reject);
    t.pending.clear();
    this.close();
    if (pool === this) pool = undefined;
  }
}

let pool: Pool | undefined;
let broken = false;
/** Text of the marker files scanned since the last `forgetParses` (one analysis). */
let inlineBytes = 0;

onForgetParses(() => {
  inlineBytes = 0;
  owner.clear();
  pool?.forget();
});

function poolFor(): Pool | undefined {
  if (pool) return pool;
  if (broken) return undefined;
  const n = threadCount();
  const script = n > 0 ? workerScript() : undefined;
  if (!script) return undefined;
  pool = new Pool(script, n);
  return pool;
}

/** Stops the scan threads (the next scan starts them again when needed). */
export function closeScanPool(): void {
  pool?.close();
  pool = undefined;
}

let jobsSent = 0;
/** Jobs handed to scan threads in this process so far (for tests and the benchmark). */
export function scanJobsSent(): number {
  return jobsSent;
}

/** Threads the pool runs now (for tests). */
export function scanThreadsRunning(): number {
  return pool ? (pool as unknown as { threads: Thread[] }).threads.length : 0;
}

/**
 * `scanSource`, on a scan thread once the analysis has scanned `INLINE_BYTES` of files with a read
 * marker here (or when the threads are already running); the same result either way.
 */
export async function scanSourceParallel(lang: SourceLanguage, text: string, file?: string): Promise<ScanResult> {
  if (lang === 'kotlin' || !mayRead(lang, text)) return scanSource(lang, text, file);
  inlineBytes += text.length;
  // A file the flag detector will parse too (it names a flag SDK) is scanned here, where its tree is
  // kept for the detector: one parse. (Files naming only a configured flag client get two.) So are
  // JavaScript and TypeScript files: the feature gates (./gates) walk their trees again after the
  // workspace's reads are known, and a tree parsed on a scan thread would be parsed twice.
  const shared = (flagScannable(lang) && mayReadFlags(text)) || gateable(lang);
  const p = shared ? undefined : inlineBytes > (pool ? Math.min(inlineLimit, WARM_INLINE_BYTES) : inlineLimit) ? poolFor() : undefined;
  if (!p) {
    // its later jobs run here too, on the tree kept here
    if (file !== undefined) owner.set(file, -1);
    return scanSource(lang, text, file);
  }
  return (await p.run({ op: 'scan', lang, text, file })) as ScanResult;
}

/** `scanWrapperCalls`, on the thread that scanned the file when it was scanned on one. */
export async function scanWrapperCallsParallel(lang: SourceLanguage, text: string, defs: readonly WrapperDef[], file?: string): Promise<CallsResult> {
  // threads only within a large analysis (an edited file's calls are scanned here)
  // (JavaScript and TypeScript stay here, as in `scanSourceParallel`: the feature gates walk them again)
  const p = pool && !gateable(lang) && inlineBytes > Math.min(inlineLimit, WARM_INLINE_BYTES) ? pool : undefined;
  if (!p) return scanWrapperCalls(lang, text, defs, file);
  return (await p.run({ op: 'calls', lang, text, defs, file })) as CallsResult;
}
