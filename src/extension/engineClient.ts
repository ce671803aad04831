import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/analyzer';
import type { Checklist, Tick } from '../core/checklist/items';
import type { Method, Params, PlanReply, Progress, Request, Response, Result, WorkerEvent } from '../core/protocol';
import { now, type EditTrace } from './editTrace';

type Pending = { resolve: (r: unknown) => void; reject: (e: Error) => void; trace?: EditTrace };

/** One worker thread running dist/worker.js (an AnalysisService), started on first use. */
class WorkerChannel {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly name: 'analysis' | 'lint',
    private readonly script: string,
    private readonly onLog: (level: 'info' | 'warn' | 'error' | 'debug', message: string) => void,
    private readonly onProgress: (p: Progress) => void,
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script);
    w.on('message', (m: Response | WorkerEvent) => {
      if ('log' in m) {
        this.onLog(m.log, m.message);
        return;
      }
      if ('progress' in m) {
        this.onProgress(m.progress);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (p.trace) {
        p.trace.received = now();
        p.trace.workerReceived = m.timing?.received;
        p.trace.workerAnswered = m.timing?.answered;
      }
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.onLog('error', `analysis worker stopped: ${e.message}`);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && this.worker === w && fail(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }

  call<M extends Method>(method: M, params: Params<M>, trace?: EditTrace): Promise<Result<M>> {
    const id = this.nextId++;
    const w = this.ensure();
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, trace });
      if (trace) {
        trace.sent = now();
        trace.worker = this.name;
      }
      w.postMessage({ id, method, params } as Request);
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}

/**
 * Talks to the analysis workers (dist/worker.js): full scans, per-file lints, hovers and the rule
 * catalog run off the extension host's main thread, and the host bundle carries no analyzer.
 *
 * Two threads, started on first use (not during activation): the analysis worker runs the
 * whole-repository analysis and everything that reads its report; the lint worker opens the same
 * folder and answers per-file lints (and hovers) while a full analysis runs. A worker thread
 * handles one message at a time, and the full analysis keeps its thread busy for up to a second
 * between two awaits on a large repository: a per-file lint sent there waited for that (measured
 * 87-854 ms on a generated 10,000-file repository). Once the report is in, per-file lints go to the
 * analysis worker again (it lints every area against the report; the lint worker only the areas
 * that need no report: migrations, API schemas).
 */
export class EngineClient {
  private readonly main: WorkerChannel;
  private readonly lint: WorkerChannel;
  /** Full analyses running in the analysis worker: per-file requests go to the lint worker meanwhile. */
  private analysing = 0;
  /** The folder as last opened in the analysis worker (the lint worker opens the same). */
  private lastOpen: Params<'open'> | undefined;
  /** The lint worker's open of `lastOpen`: undefined until started; resolves false when it failed. */
  private lintOpening: Promise<boolean> | undefined;
  private lintReady = false;
  /** The running analysis' phase, as the worker reports it. */
  onProgress: ((p: Progress) => void) | undefined;
  /**
   * Set by the owner: is a file the user could edit open now? Then the lint worker opens the
   * folder with the analysis worker; otherwise on the first per-file lint during an analysis
   * (that one is answered by the analysis worker), so a folder nobody edits is walked once.
   */
  lintEagerly: () => boolean = () => true;

  constructor(extensionPath: string, log: Logger) {
    const script = path.join(extensionPath, 'dist', 'worker.js');
    this.main = new WorkerChannel('analysis', script, (level, m) => log[level](m), (p) => this.onProgress?.(p));
    // The lint worker repeats the analysis worker's walk: only its problems are worth a log line.
    this.lint = new WorkerChannel(
      'lint',
      script,
      (level, m) => (level === 'warn' || level === 'error') && log[level](`lint worker: ${m}`),
      () => undefined,
    );
  }

  /** True while per-file requests go to the lint worker. */
  get lintWorkerActive(): boolean {
    return this.analysing > 0 && this.lintReady;
  }

  /** Resolves when the lint worker has opened the folder (false: it is not opening it, or failed). */
  lintOpened(): Promise<boolean> {
    return this.lintOpening ?? Promise.resolve(false);
  }

  private openLint(): void {
    const params = this.lastOpen;
    if (this.lintOpening || !params) return;
    // Ready once it has also loaded the SQL parser and the base snapshot: its first lint would otherwise pay for them.
    const opening = this.lint
      .call('open', params)
      .then(() => this.lint.call('warm', {}))
      .then(
        () => true,
        () => false,
      );
    this.lintOpening = opening;
    void opening.then((ok) => {
      if (this.lintOpening === opening) this.lintReady = ok;
    });
  }

  /** One request; resolves with that method's result, rejects with the worker's error. `trace` gets the request's times. */
  call<M extends Method>(method: M, params: Params<M>, trace?: EditTrace): Promise<Result<M>> {
    switch (method) {
      case 'open': {
        this.lastOpen = params as Params<'open'>;
        this.lintOpening = undefined;
        this.lintReady = false;
        if (this.lintEagerly()) this.openLint();
        return this.main.call(method, params, trace);
      }
      case 'analyze': {
        this.analysing++;
        const done = () => void this.analysing--;
        const r = this.main.call(method, params, trace);
        r.then(done, done);
        return r;
      }
      case 'analyzeFile':
        if (this.lintWorkerActive) return this.lintFile(params as Params<'analyzeFile'>, trace) as Promise<Result<M>>;
        if (this.analysing > 0) {
          this.openLint();
          return this.race(params as Params<'analyzeFile'>, trace) as Promise<Result<M>>;
        }
        return this.main.call(method, params, trace);
      case 'hover':
      case 'rules':
        if (this.lintWorkerActive) return this.lint.call(method, params, trace).catch(() => this.main.call(method, params, trace));
        return this.main.call(method, params, trace);
      case 'forget':
        if (this.lintOpening) void this.lint.call('forget', params as Params<'forget'>).catch(() => undefined);
        return this.main.call(method, params, trace);
      default:
        return this.main.call(method, params, trace);
    }
  }

  /**
   * A per-file lint while the full analysis runs: answered by the lint worker; the analysis worker
   * gets the text too (it answers from the next report on), after its current step.
   */
  private async lintFile(params: Params<'analyzeFile'>, trace?: EditTrace): Promise<Result<'analyzeFile'>> {
    void this.main.call('overlay', params).catch(() => undefined);
    try {
      return await this.lint.call('analyzeFile', params, trace);
    } catch {
      return this.main.call('analyzeFile', params, trace);
    }
  }

  /**
   * A per-file lint while the full analysis runs and the lint worker is still opening the folder:
   * asked of both, the first answer wins (the analysis worker answers between two steps of its
   * analysis, the lint worker once it is ready; which is first depends on the repository).
   */
  private race(params: Params<'analyzeFile'>, trace?: EditTrace): Promise<Result<'analyzeFile'>> {
    const mainTrace = trace && { ...trace };
    const lintTrace = trace && { ...trace };
    const fromMain = this.main.call('analyzeFile', params, mainTrace);
    const fromLint = this.lintOpening!.then((ok) => (ok ? this.lint.call('analyzeFile', params, lintTrace) : Promise.reject(new Error('the lint worker did not open the folder'))));
    return new Promise((resolve, reject) => {
      let settled = false;
      let failed = 0;
      const win = (r: Result<'analyzeFile'>, t: EditTrace | undefined) => {
        if (settled) return;
        settled = true;
        // The trace shows the worker whose answer is the one shown.
        if (trace && t) Object.assign(trace, t);
        resolve(r);
      };
      const fail = (e: unknown) => ++failed === 2 && reject(e as Error);
      fromMain.then((r) => win(r, mainTrace), fail);
      fromLint.then((r) => win(r, lintTrace), fail);
    });
  }

  /** The checklist of the last analysis (GitHub is read only with a token). */
  checklist(token: string | undefined, ticks: Record<string, Tick>, enterpriseUrl?: string): Promise<{ checklist: Checklist; user?: string }> {
    return this.call('checklist', { token, enterpriseUrl, ticks });
  }

  /** The rollback plan; with `write`, also written into the branch's open pull request. */
  rollbackPlan(token: string | undefined, write: boolean, enterpriseUrl?: string): Promise<PlanReply> {
    return this.call('rollbackPlan', { token, enterpriseUrl, write });
  }

  runbook(token: string | undefined, ticks: Record<string, Tick>, enterpriseUrl?: string): Promise<{ markdown: string; path: string }> {
    return this.call('runbook', { token, enterpriseUrl, ticks });
  }

  dispose(): void {
    this.main.dispose();
    this.lint.dispose();
  }
}
