'use strict';
// Activation cost without a VS Code: `require` + `activate` of a bundle with a stub `vscode`, in a
// fresh Node process per sample, against the empty extension (bench/lib/empty-extension) measured
// the same way. Usage: node bench/lib/activation-node.cjs [runs=5] [bundle=dist/extension.js]
// Prints one line per sample and the medians; `--one <bundle>` is the child's mode (one sample).
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const Module = require('node:module');

/** Any property is a callable, constructible stub returning another stub; a few are plain values. */
function stub(name) {
  const plain = {
    workspaceFolders: undefined,
    textDocuments: [],
    visibleTextEditors: [],
    isTrusted: true,
    visible: false,
    then: undefined,
  };
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, p) {
      if (p in plain) return plain[p];
      if (p === Symbol.toPrimitive) return () => name;
      if (p === Symbol.iterator) return function* () {};
      return stub(`${name}.${String(p)}`);
    },
    set: () => true,
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

/** The `vscode` names the extension uses (a bundle copies the module's own keys: a bare Proxy has none). */
const NAMES = 'CancellationToken CodeAction CodeActionKind Diagnostic DiagnosticRelatedInformation DiagnosticSeverity Disposable EventEmitter Hover Location MarkdownString Position ProgressLocation Range RelativePattern StatusBarAlignment TabInputTextDiff ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Uri WorkspaceEdit authentication commands env extensions l10n languages window workspace'.split(' ');

function one(bundle) {
  const root = stub('vscode');
  const vscode = Object.fromEntries(NAMES.map((n) => [n, root[n]]));
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
  const ctx = { subscriptions: [], extensionUri: vscode.Uri.file('/x'), extensionPath: '/x', globalState: vscode.Memento, workspaceState: vscode.Memento, secrets: vscode.secrets };
  // Node's own modules an extension host has loaded long before any extension: not ours to count.
  for (const m of ['fs', 'path', 'os', 'url', 'buffer', 'crypto', 'net', 'child_process', 'stream', 'util', 'events', 'worker_threads', 'zlib']) require(m);
  const t0 = performance.now();
  const ext = require(path.resolve(bundle));
  const t1 = performance.now();
  ext.activate(ctx);
  const t2 = performance.now();
  // The bundle's own marks (scripts/build.mjs): its top-level code alone, without reading and compiling the file.
  const load = globalThis.__deployReadinessLoad;
  const topLevelMs = load?.end !== undefined ? load.end - load.start : NaN;
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, topLevelMs }) + '\n');
  process.exit(0);
}

if (process.argv[2] === '--one') one(process.argv[3]);
else {
  const runs = Number(process.argv[2] ?? 5);
  const bundle = process.argv[3] ?? path.join(__dirname, '..', '..', 'dist', 'extension.js');
  const empty = path.join(__dirname, 'empty-extension', 'extension.js');
  const sample = (b) => JSON.parse(spawnSync(process.execPath, [__filename, '--one', b], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
  const ours = [];
  const floor = [];
  const fmt = (x) => (typeof x === 'number' && !Number.isNaN(x) ? x.toFixed(1) : '?');
  for (let i = 0; i < runs; i++) {
    floor.push(sample(empty));
    ours.push(sample(bundle));
    console.log(`run ${i + 1}: ours ${ours.at(-1).totalMs.toFixed(1)} ms (require ${ours.at(-1).requireMs.toFixed(1)} of which top-level code ${fmt(ours.at(-1).topLevelMs)}, activate ${ours.at(-1).activateMs.toFixed(1)}), empty ${floor.at(-1).totalMs.toFixed(1)} ms`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const m = (k, xs) => median(xs.map((x) => x[k]));
  console.log(`median of ${runs}: ours ${m('totalMs', ours).toFixed(1)} ms (require ${m('requireMs', ours).toFixed(1)} of which top-level code ${fmt(m('topLevelMs', ours))}, activate ${m('activateMs', ours).toFixed(1)}), empty ${m('totalMs', floor).toFixed(1)} ms, over the empty extension ${(m('totalMs', ours) - m('totalMs', floor)).toFixed(1)} ms; load ${require('node:os').loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
