import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, scratchDirs } from '../helpers';

/** The environment of a fresh shell: none of the outer npm's settings (npm test sets npm_config_*). */
function cleanNpmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Builds the example service (base on main, head on a feature branch) as a git repository. */
function exampleRepo(): string {
  const script = `import { buildExampleRepo } from ${JSON.stringify(path.join(REPO_ROOT, 'scripts', 'fixture-workspace.mjs'))}; process.stdout.write(buildExampleRepo('dr-pack-example-'));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
}

describe('npm package: npm pack, installed with no dev dependencies into an empty prefix', function () {
  this.timeout(240_000);
  const scratch = scratchDirs();
  let files: string[] = [];
  let prefix = '';
  let installLog = '';
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  before(() => {
    const work = scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-pack-')));
    const env = cleanNpmEnv({ npm_config_cache: path.join(work, 'cache') });
    // --ignore-scripts: pack the bundles this test run built (prepack would rebuild dist/ and out/).
    const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, env, encoding: 'utf8' }));
    files = packed[0].files.map((f: { path: string }) => f.path);
    prefix = path.join(work, 'prefix');
    mkdirSync(prefix);
    installLog = execFileSync(npm, ['install', '--global', '--prefix', prefix, '--offline', '--omit=dev', '--no-audit', '--no-fund', path.join(work, packed[0].filename)], {
      cwd: work,
      env,
      encoding: 'utf8',
    });
  });

  it('holds the CLI bundle and the analysis it loads on a cache miss, the Action bundle, their WASM parsers, the scan worker, the schema, README and licence, and nothing else', () => {
    for (const f of ['dist/cli.js', 'dist/analysis.js', 'dist/action.js', 'dist/scanWorker.js', 'dist/libpg-query.wasm', 'dist/wasm/tree-sitter.wasm', 'dist/wasm/tree-sitter-javascript.wasm', 'schemas/deploy-readiness.schema.json', 'README.md', 'LICENSE', 'package.json']) {
      assert.ok(files.includes(f), `tarball lacks ${f}: ${files.join(', ')}`);
    }
    // .npmignore is an allow-list: nothing else (no sources, tests, maps, the extension or its docs).
    const allowed = /^(dist\/(cli|analysis|action|scanWorker)\.js|dist\/libpg-query\.wasm|dist\/wasm\/[\w-]+\.wasm|schemas\/[\w.-]+\.json|action\.yml|README\.md|LICENSE|package\.json)$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
  });

  it('installs without the registry: one package, no runtime dependencies to fetch', () => {
    assert.match(installLog, /added 1 package/);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.private, undefined);
    assert.equal(pkg.dependencies, undefined, 'every runtime dependency is bundled into dist/cli.js');
    assert.ok(pkg.engines.node && pkg.repository.url && pkg.homepage && pkg.bugs.url && pkg.license);
    const installed = path.join(prefix, 'lib', 'node_modules', 'deploy-readiness');
    assert.ok(existsSync(installed), readdirSync(prefix).join(', '));
    assert.ok(!existsSync(path.join(installed, 'node_modules')));
    // The GitHub Action runs this binary (action.yml: npx --package deploy-readiness@<version>).
    assert.ok(existsSync(path.join(prefix, 'bin', 'deploy-readiness-action')));
  });

  it('its deploy-readiness binary runs `check` on the example repository: migrations (libpg-query), env reads (tree-sitter), API diff', () => {
    const repo = scratch.keep(exampleRepo());
    const bin = path.join(prefix, 'bin', 'deploy-readiness');
    const r = spawnSync(bin, ['check', '--base', 'main', '--format', 'json'], { cwd: repo, env: cleanNpmEnv(), encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.verdict, 'blocked');
    const rules = new Set(report.findings.map((f: { ruleId: string }) => f.ruleId));
    for (const id of ['migration/require-concurrent-index', 'env/missing-from-example', 'api/path-removed']) assert.ok(rules.has(id), [...rules].join(', '));
    const version = spawnSync(bin, ['--version'], { cwd: repo, env: cleanNpmEnv(), encoding: 'utf8' });
    assert.match(version.stdout, /0\.\d+\.\d+/);
  });
});
