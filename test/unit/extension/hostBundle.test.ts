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

/** As scripts/build.mjs: `./lazy` (src/extension/lazy.ts) stays out of the host bundle, in dist/extension-lazy.js. */
const lazyHostModules: esbuild.Plugin = {
  name: 'lazy-host-modules',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\/lazy$/ }, (args) => (args.resolveDir.includes(`${path.sep}src${path.sep}extension`) ? { path: './extension-lazy.js', external: true } : undefined));
  },
};

/** The same options as scripts/build.mjs's production bundles of the extension host. */
async function bundle(entry: string, plugins: esbuild.Plugin[] = []) {
  const r = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
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
    plugins,
  });
  return { inputs: Object.keys(r.metafile.inputs), bytes: r.outputFiles[0].contents.byteLength, text: r.outputFiles[0].text };
}

describe('the extension host bundle carries adapters only', function () {
  this.timeout(60_000);

  it('dist/extension.js imports no parser or analyzer, and what activation loads stays small', async () => {
    const host = await bundle('src/extension/extension.ts', [lazyHostModules]);
    const lazy = await bundle('src/extension/lazy.ts');
    for (const b of [host, lazy]) {
      const leaked = b.inputs.filter((i) => WORKER_ONLY.some((re) => re.test(i)));
      assert.deepEqual(leaked, [], 'these belong behind the worker (src/core/protocol.ts)');
    }
    // Activation reads and compiles only this: the YAML parser, picomatch and dotenv load on first use.
    const onFirstUse = [/^node_modules\/yaml\//, /^node_modules\/picomatch\//, /^node_modules\/dotenv\//, /^src\/core\/config\.ts$/, /^src\/core\/classify\.ts$/];
    assert.deepEqual(host.inputs.filter((i) => onFirstUse.some((re) => re.test(i))), [], 'loaded at activation');
    assert.ok(host.text.includes('require("./extension-lazy.js")'), 'the host loads the rest from dist/extension-lazy.js');
    // 60 KB today; with the parsers in it the host bundle was 233 KB (2 MB with the analyzers).
    assert.ok(host.bytes < 100_000, `the host bundle is ${host.bytes} bytes`);
    assert.ok(lazy.bytes < 300_000, `the lazily loaded part is ${lazy.bytes} bytes`);
  });
});
