import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, codeOf, folderUri, ours, waitFor } from './common';

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
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const firstAt = await diagnosticsWhen(uri, (ds) => ds.some((d) => codeOf(d) === INDEX), 120_000);
    const firstDiagnosticMs = firstAt - opened;
    const analysingAtFirst = api.timings().folders[0].state === 'analysing';

    // 2. Type a statement while the analysis still runs: debounce, then the per-file lint.
    const editDuring = async (line: number, name: string): Promise<number> => {
      const t = performance.now();
      await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), `\nDROP INDEX ${name};\n`));
      const at = await diagnosticsWhen(uri, (ds) => ds.some((d) => codeOf(d) === INDEX && d.range.start.line >= line), 120_000);
      return at - t;
    };
    const editWhileAnalysingMs = await editDuring(doc.lineCount, 'orders_bench_a_idx');
    const analysingAtEdit = api.timings().folders[0].state === 'analysing';

    // 3. After the full report: the same edit.
    await refreshed;
    await api.whenIdle();
    const fullMs = performance.now() - t0;
    const editAfterMs = await editDuring(doc.lineCount, 'orders_bench_b_idx');
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const files = api.reports()[0]?.findings.length;
    const figures = {
      activationMs: Math.round(api.timings().activationMs * 10) / 10,
      workerReadyMs: Math.round(readyMs),
      firstDiagnosticMs: Math.round(firstDiagnosticMs),
      analysingAtFirst,
      editWhileAnalysingMs: Math.round(editWhileAnalysingMs),
      analysingAtEdit,
      editAfterReportMs: Math.round(editAfterMs),
      debounceMs,
      fullAnalysisMs: Math.round(fullMs),
      findings: files,
    };
    console.log(`EDITOR-BENCH ${JSON.stringify(figures)}`);
    assert.ok(files && files > 0, 'the full analysis reported');
  });
});
