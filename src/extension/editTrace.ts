/** Milliseconds since the epoch with sub-millisecond precision, comparable with the worker's (protocol WorkerTiming). */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * One per-file lint from the user's change to the diagnostics shown: where the edit latency goes
 * (the debounce, the request's way to the worker and back, the lint, publishing). Kept for the
 * last few lints and read by the editor bench through the extension's API (`timings().edits`).
 */
export interface EditTrace {
  file: string;
  kind: 'edit' | 'open' | 'save';
  /** onDidChangeTextDocument (or the open, the save). */
  changed: number;
  /** The debounce timer fired. */
  debounced?: number;
  /** The request was posted to the worker. */
  sent?: number;
  /** Which worker thread answered: the analysis worker, or the lint worker while a full analysis runs. */
  worker?: 'analysis' | 'lint';
  /** The worker took it off its queue. */
  workerReceived?: number;
  /** The worker posted the answer. */
  workerAnswered?: number;
  /** The host handled the answer. */
  received?: number;
  /** The file's diagnostics were set on the collection. */
  published?: number;
  /** The tree, the status bar and the badge were updated too. */
  rendered?: number;
  /** What became of it: shown, dropped for a newer edit, not linted. */
  outcome?: 'published' | 'stale' | 'skipped' | 'failed';
}

/** The last `max` traces, oldest first. */
export class EditTraces {
  private readonly list: EditTrace[] = [];
  constructor(private readonly max = 50) {}
  start(file: string, kind: EditTrace['kind']): EditTrace {
    const t: EditTrace = { file, kind, changed: now() };
    this.list.push(t);
    if (this.list.length > this.max) this.list.shift();
    return t;
  }
  all(): EditTrace[] {
    return this.list.map((t) => ({ ...t }));
  }
}
