import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineRequest, EngineResult } from './engine-worker';
import type { Finding } from '../../../src/core/model';
import { LineIndex } from '../../../src/core/text';

/** The bundled worker script sits beside the bundled test files (out/test/unit/robustness/). */
export const WORKER_JS = path.join(__dirname, 'engine-worker.js');

/** Fixed default seed; `DR_FUZZ_SEED=<n>` replays another. Printed by every fuzz suite. */
export const SEED = Number(process.env.DR_FUZZ_SEED ?? 20261129);

/**
 * Runs engine requests in a worker thread with a watchdog: an input that takes longer than the
 * bound (catastrophic backtracking, an endless loop) terminates the worker and fails with the
 * input named, instead of hanging the test run. A crash of the worker itself is a failure too.
 */
export class Sandbox {
  private worker: Worker | undefined;
  private next = 1;
  private pending = new Map<number, { resolve: (r: EngineResult) => void; reject: (e: Error) => void }>();

  private start(): Worker {
    const w = new Worker(WORKER_JS, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    w.on('message', (m: { id: number; res: EngineResult }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.res);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (this.worker === w) this.worker = undefined;
    };
    w.on('error', (e) => fail(new Error(`engine worker crashed: ${e.message}`)));
    w.on('exit', (code) => fail(new Error(`engine worker exited (${code})`)));
    return w;
  }

  run(req: EngineRequest, label: string, timeoutMs = 10_000): Promise<EngineResult> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = this.next++;
    return new Promise<EngineResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.worker = undefined;
        void w.terminate();
        reject(new Error(`watchdog: ${label} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          if (r.error) reject(new Error(`${label}: the engine threw: ${r.error}`));
          else resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(new Error(`${label}: ${e.message}`));
        },
      });
      w.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/** Problems with a finding's location: outside the text, inverted, or in another file. */
export function rangeProblems(findings: readonly Finding[], file: string, text: string | undefined): string[] {
  const out: string[] = [];
  const index = text === undefined ? undefined : new LineIndex(text);
  for (const f of findings) {
    const where = `${f.ruleId} ${JSON.stringify(f.range)}`;
    if (f.file !== file) out.push(`${where}: file "${f.file}" is not "${file}"`);
    const { start, end } = f.range;
    const nums = [start.line, start.character, end.line, end.character];
    if (!nums.every((n) => Number.isInteger(n) && n >= 0)) {
      out.push(`${where}: not non-negative integers`);
      continue;
    }
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) out.push(`${where}: end before start`);
    if (!index) {
      if (start.line !== 0 || end.line !== 0) out.push(`${where}: unreadable file but range past line 0`);
      continue;
    }
    for (const p of [start, end]) {
      if (p.line >= index.lineCount) out.push(`${where}: line ${p.line} past the last line ${index.lineCount - 1}`);
      else if (p.character > index.lineText(p.line).length) out.push(`${where}: character ${p.character} past the end of line ${p.line} (length ${index.lineText(p.line).length})`);
    }
  }
  return out;
}
