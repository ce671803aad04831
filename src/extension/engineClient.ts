import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/analyzer';
import type { Checklist, Tick } from '../core/checklist/items';
import type { PlanReply, Request, Response } from '../core/protocol';

type Pending = { resolve: (r: Extract<Response, { ok: boolean }>) => void; reject: (e: Error) => void };
type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Talks to the analysis worker (dist/worker.js): full scans and per-file lints run off the
 * extension host's main thread. The worker is started on first use, not during activation.
 */
export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: Logger,
  ) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'));
    w.on('message', (m: Response) => {
      if ('log' in m) {
        this.log[m.log](m.message);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve(m);
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

  request(body: Body): Promise<Extract<Response, { ok: boolean }>> {
    const id = this.nextId++;
    const w = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...body, id } as Request);
    });
  }

  /** The checklist of the last analysis (GitHub is read only with a token). */
  async checklist(token: string | undefined, ticks: Record<string, Tick>, enterpriseUrl?: string): Promise<{ checklist: Checklist; user?: string }> {
    const r = await this.request({ type: 'checklist', token, enterpriseUrl, ticks });
    if (!r.ok || !r.checklist) throw new Error(r.ok ? 'no checklist' : r.error);
    return { checklist: r.checklist, user: r.user };
  }

  /** The rollback plan; with `write`, also written into the branch's open pull request. */
  async rollbackPlan(token: string | undefined, write: boolean, enterpriseUrl?: string): Promise<PlanReply> {
    const r = await this.request({ type: 'rollbackPlan', token, enterpriseUrl, write });
    if (!r.ok || !r.plan) throw new Error(r.ok ? 'no rollback plan' : r.error);
    return r.plan;
  }

  async runbook(token: string | undefined, ticks: Record<string, Tick>, enterpriseUrl?: string): Promise<{ markdown: string; path: string }> {
    const r = await this.request({ type: 'runbook', token, enterpriseUrl, ticks });
    if (!r.ok || !r.runbook) throw new Error(r.ok ? 'no runbook' : r.error);
    return r.runbook;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
