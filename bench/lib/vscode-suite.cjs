// Loaded by test/vscode-offline/run.mjs inside the real VS Code extension host (code-server):
// measures the extension's activation and the time to the first diagnostic after opening a
// migration, then the time to an updated diagnostic after an edit. Prints one
// `BENCH-VSCODE {json}` line and `DR-RESULT passed=N failed=M` for the runner.
'use strict';
const vscode = require('vscode');
const { performance } = require('node:perf_hooks');

const ID = process.env.DR_BENCH_EXTENSION_ID || 'deploy-readiness.deploy-readiness';
/** Activation only (the empty floor extension has no diagnostics to wait for). */
const ACTIVATION_ONLY = process.env.DR_BENCH_ACTIVATION_ONLY === '1';
const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Deploy Readiness');

async function waitFor(what, fn, timeoutMs = 120000) {
  const start = performance.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

exports.run = async function run() {
  try {
    const ext = vscode.extensions.getExtension(ID);
    if (!ext) throw new Error(`${ID} is not installed`);
    const activeBefore = ext.isActive;
    const t0 = performance.now();
    await ext.activate();
    const activateMs = performance.now() - t0;
    if (ACTIVATION_ONLY) {
      console.log('BENCH-VSCODE ' + JSON.stringify({ activeBefore, activateMs, vscode: vscode.version, node: process.version }));
      console.log('DR-RESULT passed=1 failed=0');
      return;
    }

    const folder = vscode.workspace.workspaceFolders[0].uri;
    const uri = vscode.Uri.joinPath(folder, 'schema-migrations', '001_users_email.sql');
    const t1 = performance.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitFor('the first diagnostic', () => ours(uri).length > 0);
    const firstDiagnosticMs = performance.now() - t1;

    // Typing: a second CREATE INDEX; the debounce (deployReadiness.debounceMs) is part of this time.
    const before = ours(uri).length;
    const editor = vscode.window.activeTextEditor;
    const t2 = performance.now();
    await editor.edit((e) => e.insert(doc.lineAt(doc.lineCount - 1).range.end, '\nCREATE INDEX users_created_idx ON users (created_at);\n'));
    await waitFor('the updated diagnostics', () => ours(uri).length > before);
    const updateMs = performance.now() - t2;
    const debounceMs = vscode.workspace.getConfiguration('deployReadiness', uri).get('debounceMs');

    console.log('BENCH-VSCODE ' + JSON.stringify({ activeBefore, activateMs, firstDiagnosticMs, updateMs, debounceMs, vscode: vscode.version, node: process.version }));
    console.log('DR-RESULT passed=1 failed=0');
  } catch (e) {
    console.log(`bench failed: ${e && e.stack ? e.stack : e}`);
    console.log('DR-RESULT passed=0 failed=1');
    throw e;
  }
};
