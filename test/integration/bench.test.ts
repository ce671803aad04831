import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, codeOf, folderUri, ours, waitFor } from './common';
import type { DeployReadinessApi } from '../../src/extension/extension';

/** Resolves at the diagnostics event that makes `pred` true (not at the next poll): the time it fired. */
function diagnosticsWhen(uri: vscode.Uri, pred: (d: vscode.Diagnostic[]) => boolean, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    if (pred(ours(uri))) return resolve(performance.now());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching diagnostics on ${uri.path} within ${timeoutMs} ms: ${JSON.stringify(ours(uri).map((d) => [codeOf(d), d.range.start.line]))}`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      if (!pred(ours(uri))) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(performance.now());
    });
  });
}

const INDEX = 'migration/require-concurrent-index';

/**
 * With DR_BENCH_PROFILE=<dir>: a CPU profile of the extension host (this thread) around `fn`,
 * written to <dir>/<name>.cpuprofile (open it in Chrome DevTools or VS Code).
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.DR_BENCH_PROFILE;
  if (!dir) return fn();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inspector = require('node:inspector') as typeof import('node:inspector');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/** Milliseconds since the epoch, as the extension's edit traces record them. */
const epoch = (): number => performance.timeOrigin + performance.now();

type Trace = ReturnType<DeployReadinessApi['timings']>['edits'][number];

/** Where one edit's time went, in ms from the bench's `editor.edit` call (the trace's stages, then the diagnostics event). */
function stages(t0: number, edited: number, trace: Trace | undefined, eventAt: number): Record<string, number | string | undefined> {
  const ms = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : Math.round((b - a) * 10) / 10);
  if (!trace) return { edited: ms(t0, edited), trace: 'none' };
  return {
    editResolved: ms(t0, edited),
    changeEvent: ms(t0, trace.changed),
    debounce: ms(trace.changed, trace.debounced),
    toRequest: ms(trace.debounced, trace.sent),
    toWorker: ms(trace.sent, trace.workerReceived),
    worker: ms(trace.workerReceived, trace.workerAnswered),
    fromWorker: ms(trace.workerAnswered, trace.received),
    publish: ms(trace.received, trace.published),
    render: ms(trace.published, trace.rendered),
    toEvent: ms(trace.published, eventAt),
    total: ms(t0, eventAt),
    // What the extension controls: from the change reaching it to the diagnostics handed to VS Code.
    changeToPublished: ms(trace.changed, trace.published),
    outcome: trace.outcome,
    answeredBy: trace.worker,
  };
}

/**
 * The editor bench of issue 18, in a real VS Code on a generated 10,000-file repository (run by
 * `node scripts/integration.mjs --bench`). Speed is never asserted: the figures are printed as
 * one `EDITOR-BENCH {json}` line for docs/benchmarks.md.
 */
describe('editor bench: a generated 10,000-file repository', function () {
  this.timeout(900_000);

  it('first diagnostic of an opened migration, and after an edit, while the full analysis runs and after it', async () => {
    const api = await activateExtension();
    const uri = folderUri('packages', 'p1', 'db', 'migrations', '999999_bench.sql');
    const debounceMs = vscode.workspace.getConfiguration('deployReadiness').get<number>('debounceMs') ?? 300;
    const t0 = performance.now();
    const refreshed = vscode.commands.executeCommand('deployReadiness.refresh');
    await waitFor('the worker to open the folder', () => api.timings().folders[0]?.readyAt, 600_000);
    const readyMs = performance.now() - t0;

    // 1. Open the migration as soon as the worker is ready: the full analysis is still running.
    const opened = performance.now();
    const openedEpoch = epoch();
    // Listening before the open: the diagnostics may arrive before showTextDocument resolves.
    const first = diagnosticsWhen(uri, (ds) => ds.some((d) => codeOf(d) === INDEX), 120_000);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const firstAt = await first;
    const firstDiagnosticMs = firstAt - opened;
    const openTrace = api.timings().edits.filter((e) => e.kind === 'open' && e.file.endsWith('999999_bench.sql') && e.outcome === 'published').pop();
    const openStages = stages(openedEpoch, openedEpoch, openTrace, performance.timeOrigin + firstAt);
    const analysingAtFirst = api.timings().folders[0].state === 'analysing';

    // 2. Type a statement while the analysis still runs: debounce, then the per-file lint.
    const traces: Record<string, unknown>[] = [];
    const editDuring = async (line: number, name: string): Promise<number> => {
      const t = performance.now();
      const tEpoch = epoch();
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), `\nDROP INDEX ${name};\n`));
      const edited = epoch();
      const at = await diagnosticsWhen(uri, (ds) => ds.some((d) => codeOf(d) === INDEX && d.range.start.line >= line), 120_000);
      const atEpoch = performance.timeOrigin + at;
      const trace = api.timings().edits.filter((e) => e.kind === 'edit' && e.file.endsWith('999999_bench.sql') && e.changed >= tEpoch && e.outcome === 'published').pop();
      traces.push(stages(tEpoch, edited, trace, atEpoch));
      return at - t;
    };
    const editWhileAnalysingMs = await profiled('edit-while-analysing', () => editDuring(doc.lineCount, 'orders_bench_a_idx'));
    const analysingAtEdit = api.timings().folders[0].state === 'analysing';

    // 3. After the full report: the same edit.
    await refreshed;
    await api.whenIdle();
    const fullMs = performance.now() - t0;
    const editAfterMs = await profiled('edit-after-report', () => editDuring(doc.lineCount, 'orders_bench_b_idx'));
    // The same once the window has taken in the report (its diagnostics in every file): how much of
    // the edit above was VS Code still busy with them.
    await new Promise((r) => setTimeout(r, 8000));
    const editSettledMs = await editDuring(doc.lineCount, 'orders_bench_c_idx');
    const filesWithDiagnostics = vscode.languages.getDiagnostics().filter(([, ds]) => ds.some((d) => d.source === 'Deploy Readiness')).length;
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const files = api.reports()[0]?.findings.length;
    const figures = {
      activationMs: Math.round(api.timings().activationMs * 10) / 10,
      activationMarks: api.timings().activationMarks,
      workerReadyMs: Math.round(readyMs),
      firstDiagnosticMs: Math.round(firstDiagnosticMs),
      analysingAtFirst,
      editWhileAnalysingMs: Math.round(editWhileAnalysingMs),
      analysingAtEdit,
      editAfterReportMs: Math.round(editAfterMs),
      editSettledMs: Math.round(editSettledMs),
      filesWithDiagnostics,
      debounceMs,
      fullAnalysisMs: Math.round(fullMs),
      findings: files,
      openStages,
      editStages: traces,
    };
    console.log(`EDITOR-BENCH ${JSON.stringify(figures)}`);
    assert.ok(files && files > 0, 'the full analysis reported');
  });
});
