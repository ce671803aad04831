// Bundles the extension and the CLI with esbuild and copies the WASM parsers beside them.
// Tests are bundled too (dependencies left external, resolved from node_modules).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
rmSync(path.join(root, 'out'), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// jsonc-parser's UMD build requires its modules dynamically, which a bundle cannot follow; bundles
// (not the unit tests, whose packages stay external) take its ESM build.
const bundleAlias = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };

/**
 * The host bundle leaves `./lazy` (src/extension/lazy.ts) out: `require('./lazy')` loads
 * dist/extension-lazy.js at first use, so activation does not read or compile it.
 */
const lazyHostModules = {
  name: 'lazy-host-modules',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\/lazy$/ }, (args) =>
      args.resolveDir.includes(`${path.sep}src${path.sep}extension`) ? { path: './extension-lazy.js', external: true } : undefined,
    );
  },
};

/**
 * `import * as vscode from 'vscode'` in each of the host's modules made esbuild copy the whole
 * `vscode` API object into a namespace object per module (`__toESM`: some 30 modules × a few
 * hundred properties), most of the host bundle's top-level time in a real extension host. The
 * host imports a module that takes the names the sources use (`vscode.<name>`) from one
 * `require('vscode')` instead; a name the sources use but this list lacks fails the build.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.resolveDir.includes(`${path.sep}src${path.sep}extension`) ? { path: 'vscode', namespace: 'vscode-once' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => {
      const names = new Set();
      const walk = (d) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(path.join(d, e.name));
          else if (e.name.endsWith('.ts')) for (const m of readFileSync(path.join(d, e.name), 'utf8').matchAll(/\bvscode\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
        }
      };
      walk(path.join(root, 'src', 'extension'));
      return { contents: `const api = require('vscode');\nexport const { ${[...names].sort().join(', ')} } = api;\n`, loader: 'js', resolveDir: root };
    });
  },
};

// The CLI's analysis (every analyzer and parser) is a second bundle, dist/analysis.js, which
// src/core/lazy.ts requires on first use: a plan command served from the report cache loads only
// dist/cli.js. The other bundles carry the analysis inline.
const lazyAnalysis = {
  name: 'lazy-analysis',
  setup(b) {
    b.onResolve({ filter: /^\.\/analysis$/ }, (args) => (path.basename(args.importer) === 'lazy.ts' ? { path: './analysis.js', external: true } : undefined));
  },
};

const bundles = [
  // The banner marks when the bundle starts evaluating, and how long VS Code takes to build its
  // `vscode` API object for the extension (the first require, paid by any extension that uses the
  // API); the footer marks the end of its modules' top-level code. The activation time the
  // extension logs is its own: top-level code plus the body of `activate` (src/extension/extension.ts).
  {
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
    banner: { js: 'globalThis.__deployReadinessLoad = { start: performance.now() }; try { require("vscode"); } catch {} globalThis.__deployReadinessLoad.api = performance.now();' },
    footer: { js: 'globalThis.__deployReadinessLoad.end = performance.now();' },
    plugins: [lazyHostModules, vscodeOnce],
    failOnWarning: true,
  },
  // What the host loads on first use (src/extension/lazy.ts), in its own file.
  { entryPoints: { 'extension-lazy': 'src/extension/lazy.ts' }, outdir: 'dist', external: ['vscode'] },
  { entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', plugins: [lazyAnalysis] },
  { entryPoints: { analysis: 'src/core/analysis.ts' }, outdir: 'dist' },
  // The GitHub Action's entry (action.yml runs it from the npm package; see action.yml).
  { entryPoints: { action: 'src/cli/action.ts' }, outdir: 'dist' },
  { entryPoints: { worker: 'src/core/worker.ts' }, outdir: 'dist', optional: true },
  // The environment scan's threads (src/core/env/parallel.ts starts dist/scanWorker.js from the bundle beside it).
  { entryPoints: { scanWorker: 'src/core/env/scanWorker.ts' }, outdir: 'dist' },
];

function testEntries(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== 'fixtures') walk(p); }
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path.relative(root, p));
    }
  };
  walk(abs);
  return out;
}

async function main() {
  for (const b of bundles) {
    const { optional, failOnWarning, ...opts } = b;
    const entry = Object.values(opts.entryPoints)[0];
    if (optional && !existsSync(path.join(root, entry))) continue;
    const r = await esbuild.build({ ...common, alias: bundleAlias, ...opts, absWorkingDir: root });
    if (failOnWarning && r.warnings.length) throw new Error(`${entry}: ${r.warnings.map((w) => w.text).join('; ')}`);
  }
  chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);
  chmodSync(path.join(root, 'dist', 'action.js'), 0o755);
  // WASM parsers: libpg-query finds its .wasm beside the bundle; tree-sitter grammars in dist/wasm.
  const pgWasm = path.join(path.dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
  cpSync(pgWasm, path.join(root, 'dist', 'libpg-query.wasm'));
  const tsDir = path.dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.js'));
  mkdirSync(path.join(root, 'dist', 'wasm'), { recursive: true });
  const grammars = ['tree-sitter.wasm', ...readdirSync(tsDir).filter((f) => /^tree-sitter-(javascript|typescript|tsx|python|ruby|go|rust|java|php|c-sharp|bash)\.wasm$/.test(f))];
  for (const g of grammars) cpSync(path.join(tsDir, g), path.join(root, 'dist', 'wasm', g));
  // Tests: unit tests run under mocha in Node; the integration suite runs inside VS Code's extension host.
  // Unit tests are transpiled file by file, not bundled: every test file then shares one copy of
  // src/ (out/src/...) in the mocha process instead of carrying its own, which keeps the process
  // small (each git the tests and the engine spawn forks it: time grows with its memory) and loads
  // each parser once. Linked source maps (node --enable-source-maps) keep the files small.
  const unit = testEntries('test/unit');
  if (unit.length) {
    const entryPoints = [...unit, ...testEntries('test/db'), ...testEntries('src')];
    await esbuild.build({ ...common, bundle: false, entryPoints, outdir: 'out', outbase: '.', absWorkingDir: root, sourcemap: 'linked' });
  }
  const integ = testEntries('test/integration');
  if (integ.length) await esbuild.build({ ...common, entryPoints: integ.filter((f) => !f.endsWith('common.ts')), outdir: 'out/test/integration', outbase: 'test/integration', external: ['vscode', 'mocha'], alias: bundleAlias, absWorkingDir: root, sourcemap: 'inline' });
  if (watch) console.log('watch mode is not implemented; run npm run build again');
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
