import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Parsers and analyzers that belong in the analysis worker (dist/worker.js), never in the extension host. */
const WORKER_ONLY = [
  /^node_modules\/graphql\//,
  /^node_modules\/@graphql-inspector\//,
  /^node_modules\/protobufjs\//,
  /^node_modules\/libpg-query\//,
  /^node_modules\/node-sql-parser\//,
  /^node_modules\/@vscode\/tree-sitter-wasm\//,
  /^src\/core\/catalog\.ts$/,
  /^src\/core\/engine\.ts$/,
  /^src\/core\/[a-z]+\/analyzer\.ts$/,
];

describe('the extension host bundle carries adapters only', function () {
  this.timeout(60_000);

  it('dist/extension.js imports no parser or analyzer, and stays small', async () => {
    // The same options as scripts/build.mjs's production extension bundle.
    const r = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['src/extension/extension.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
      minify: true,
      write: false,
      metafile: true,
      outfile: 'extension.js',
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    const leaked = inputs.filter((i) => WORKER_ONLY.some((re) => re.test(i)));
    assert.deepEqual(leaked, [], 'these belong behind the worker (src/core/protocol.ts)');
    const bytes = r.outputFiles[0].contents.byteLength;
    // 230 KB today (yaml for the config file's diagnostics is most of it); the analyzers made it 2 MB.
    assert.ok(bytes < 400_000, `the host bundle is ${bytes} bytes`);
  });
});
