import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runAction as runActionInProcess } from '../../../src/cli/action';
import { TOOL_VERSION } from '../../../src/core/format';
import { branchRepo, git, REPO_ROOT, scratchDirs } from '../helpers';

interface ActionYml {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; env: Record<string, string>; run: string }[] };
}

const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const ACTION_JS = path.join(REPO_ROOT, 'dist', 'action.js');

/**
 * Runs the action's step as the runner would: its `env:` with `${{ inputs.* }}` replaced by the
 * given inputs (or their defaults), plus the variables Actions sets. `spawn`: the program its
 * `run:` line starts (the package's deploy-readiness-action binary, here dist/action.js) in a
 * child process; otherwise the same entry, runAction(), in this process (faster).
 */
async function runAction(workspace: string, inputs: Record<string, string>, githubEnv: Record<string, string>, spawn = false) {
  const step = action.runs.steps[0];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env)) {
    env[k] = v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '');
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), 'dr-runner-'));
  const files = { GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'), GITHUB_OUTPUT: path.join(temp, 'output.txt') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|INPUT_|RUNNER_|npm_)/.test(k)));
  const fullEnv = { ...clean, ...env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, ...files, ...githubEnv };
  let code: number | null;
  let stdout = '';
  let stderr = '';
  if (spawn) {
    const r = spawnSync(process.execPath, [ACTION_JS], { cwd: workspace, encoding: 'utf8', env: fullEnv });
    ({ status: code, stdout, stderr } = r);
  } else {
    code = await runActionInProcess({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: fullEnv });
  }
  const outputs = Object.fromEntries(
    readFileSync(files.GITHUB_OUTPUT, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code, stdout, stderr, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), outputs, temp };
}

function pullRequestEvent(dir: string, base: string): string {
  const p = path.join(dir, 'event.json');
  writeFileSync(p, JSON.stringify({ action: 'opened', number: 7, pull_request: { number: 7, base: { ref: base, sha: '0'.repeat(40) }, head: { ref: 'feature' } } }));
  return p;
}

const BASE = { 'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n', 'README.md': 'shop\n' };
const HEAD = { ...BASE, 'db/migrations/002_status_index.sql': 'CREATE INDEX orders_status ON orders (status);\n' };

describe('GitHub Action (action.yml and its entry point)', function () {
  this.timeout(120_000);
  const scratch = scratchDirs();

  it('declares the inputs base, fail-on, format, config, working-directory and passes each to the entry through the environment', () => {
    assert.equal(action.runs.using, 'composite');
    for (const name of ['base', 'fail-on', 'format', 'config', 'working-directory']) {
      assert.ok(action.inputs[name], `input ${name}`);
      assert.ok(Object.values(action.runs.steps[0].env).some((v) => v.includes(`inputs.${name} `)), `input ${name} reaches the program`);
    }
    // Inputs never spliced into the shell script (script injection through a ref name).
    assert.doesNotMatch(action.runs.steps[0].run, /\$\{\{/);
    assert.match(action.outputs['sarif-file'].value, /steps\.run\.outputs\.sarif-file/);
  });

  it('runs the npm package at exactly this version, through the bin that package.json declares', () => {
    const step = action.runs.steps[0];
    assert.equal(step.env.DEPLOY_READINESS_VERSION, pkg.version);
    assert.equal(TOOL_VERSION, pkg.version, 'the version the CLI reports (--version, SARIF) is the package version');
    const m = /npx --yes --package "deploy-readiness@\$\{DEPLOY_READINESS_VERSION\}" -- ([\w-]+)$/.exec(step.run);
    assert.ok(m, step.run);
    assert.equal(pkg.bin[m[1]], './dist/action.js');
  });

  it('on a pull_request event: base from GITHUB_BASE_REF as the checkout knows it (origin/main), annotations, job summary, SARIF and outputs', async () => {
    const origin = scratch.keep(branchRepo(BASE, HEAD));
    const work = scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-checkout-')));
    git(work, 'clone', '-q', '--branch', 'feature', origin, 'repo');
    const ws = path.join(work, 'repo');
    const r = await runAction(ws, {}, { GITHUB_BASE_REF: 'main', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: pullRequestEvent(work, 'main') }, true);
    scratch.keep(r.temp);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^::error file=db\/migrations\/002_status_index\.sql,line=1[^\n]*::/m);
    assert.match(r.summary, /migration\/require-concurrent-index/);
    assert.match(r.summary, /^#+ .*Deploy Readiness/m);
    assert.equal(r.outputs.verdict, 'blocked');
    assert.equal(r.outputs.base, 'origin/main');
    assert.equal(r.outputs['sarif-file'], path.join(r.temp, 'deploy-readiness.sarif'));
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file'], 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'migration/require-concurrent-index'));
    // The working tree is not written to.
    assert.equal(git(ws, 'status', '--porcelain'), '');
  });

  it('a single-branch checkout: fetches the base named by the pull_request event (no GITHUB_BASE_REF)', async () => {
    const origin = scratch.keep(branchRepo(BASE, HEAD));
    const work = scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-checkout-')));
    git(work, 'clone', '-q', '--single-branch', '--branch', 'feature', origin, 'repo');
    const ws = path.join(work, 'repo');
    const r = await runAction(ws, {}, { GITHUB_EVENT_PATH: pullRequestEvent(work, 'main') });
    scratch.keep(r.temp);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.outputs.base, 'origin/main');
    assert.match(r.stdout, /002_status_index\.sql/);
  });

  it('a base input naming a branch the checkout only has on origin (or not at all) compares with origin/<branch>', async () => {
    const origin = scratch.keep(branchRepo(BASE, HEAD));
    const work = scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-checkout-')));
    git(work, 'clone', '-q', '--single-branch', '--branch', 'feature', origin, 'repo');
    const r = await runAction(path.join(work, 'repo'), { base: 'main' }, {});
    scratch.keep(r.temp);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.outputs.base, 'origin/main');
  });

  it('a base branch name that git would read as an option is not used', async () => {
    const repo = scratch.keep(branchRepo(BASE, HEAD));
    const r = await runAction(repo, {}, { GITHUB_BASE_REF: '--upload-pack=touch pwned', GITHUB_EVENT_PATH: pullRequestEvent(repo, '--upload-pack=touch pwned') });
    scratch.keep(r.temp);
    assert.ok(!existsSync(path.join(repo, 'pwned')));
    // Falls back to the engine's choice (main).
    assert.equal(r.outputs.base, 'main', r.stderr);
  });

  it('inputs: fail-on never passes, format text prints text, working-directory picks a subfolder, config names a file', async () => {
    const repo = scratch.keep(
      branchRepo(
        { 'services/shop/db/migrations/001.sql': BASE['db/migrations/001_orders.sql'], 'services/shop/ci.yaml': 'failOn: never\n' },
        { 'services/shop/db/migrations/001.sql': BASE['db/migrations/001_orders.sql'], 'services/shop/db/migrations/002.sql': HEAD['db/migrations/002_status_index.sql'], 'services/shop/ci.yaml': 'failOn: never\n' },
      ),
    );
    const never = await runAction(repo, { base: 'main', 'fail-on': 'never', format: 'text', 'working-directory': 'services/shop' }, {});
    scratch.keep(never.temp);
    assert.equal(never.code, 0, never.stderr);
    assert.match(never.stdout, /services\/shop\/db\/migrations\/002\.sql/);
    assert.doesNotMatch(never.stdout, /^::error/m);
    const viaConfig = await runAction(repo, { base: 'main', config: 'ci.yaml', 'working-directory': 'services/shop' }, {});
    scratch.keep(viaConfig.temp);
    assert.equal(viaConfig.code, 0, viaConfig.stderr);
    // Annotations name files from the repository root, where GitHub looks for them.
    assert.match(viaConfig.stdout, /^::error file=services\/shop\/db\/migrations\/002\.sql/m);
    const sarif = JSON.parse(readFileSync(viaConfig.outputs['sarif-file'], 'utf8'));
    assert.ok(JSON.stringify(sarif.runs[0].results).includes('services/shop/db/migrations/002.sql'));
  });

  it('a wrong input fails the step with a message and an error annotation', async () => {
    const repo = scratch.keep(branchRepo(BASE, HEAD));
    const r = await runAction(repo, { 'fail-on': 'sometimes' }, {});
    scratch.keep(r.temp);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /fail-on must be error, warning or never/);
    assert.match(r.stdout, /^::error title=Deploy Readiness::fail-on must be/m);
  });
});
