import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/analyzer';
import type { Checklist, Tick } from '../core/checklist/items';
import type { Method, Params, PlanReply, Progress, Request, Response, Result, WorkerEvent } from '../core/protocol';
import { now, type EditTrace } from './editTrace';

type Pending = { resolve: (r: unknown) => void; reject: (e: Error) => void; trace?: EditTrace };

/**
 * Talks to the analysis worker (dist/worker.js): full scans, per-file lints, hovers and the rule
 * catalog run off the extension host's main thread, and the host bundle carries no analyzer.
 * The worker is started on first use, not during activation.
 */
export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The running analysis' phase, as the worker reports it. */
  onProgress: ((p: Progress) => void) | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly log: Logger,
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'));
    w.on('message', (m: Response | WorkerEvent) => {
      if ('log' in m) {
        this.log[m.log](m.message);
        return;
      }
      if ('progress' in m) {
        this.onProgress?.(m.progress);
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
      this.log.error(`analysis worker stopped: ${e.message}`);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && this.worker === w && fail(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }

  /** One request; resolves with that method's result, rejects with the worker's error. `trace` gets the request's times. */
  call<M extends Method>(method: M, params: Params<M>, trace?: EditTrace): Promise<Result<M>> {
    const id = this.nextId++;
    const w = this.ensure();
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, trace });
      if (trace) trace.sent = now();
      w.postMessage({ id, method, params } as Request);
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
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
