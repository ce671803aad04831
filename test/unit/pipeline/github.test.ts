import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { DiskReader, OverlayReader } from '../../../src/core/reader';
import { applyEdits, branchRepo, git, scratchDirs } from '../helpers';
import { analyze, brief, fixture, pipelineFindings } from './helpers';

describe('pipeline gates: GitHub Actions', () => {
  const { tree, keep } = scratchDirs();

  it('reports every gap of a push-to-deploy workflow at the YAML node it is about', async () => {
    const dir = tree({
      '.github/workflows/deploy.yml': fixture('github/gapped.yml'),
      '.github/workflows/tests.yml': fixture('github/gapped-tests.yml'),
      'db/migrations/001_init.sql': 'CREATE TABLE t (id int);\n',
    });
    const r = await analyze(dir);
    const fs = pipelineFindings(r);
    assert.deepEqual(brief(fs), [
      'deploy-concurrency@.github/workflows/deploy.yml:21',
      'deploy-not-gated@.github/workflows/deploy.yml:21',
      'no-approval@.github/workflows/deploy.yml:21',
      'no-migration-lint@.github/workflows/deploy.yml:3',
      'no-staging@.github/workflows/deploy.yml:21',
      'no-tests@.github/workflows/tests.yml:5',
      'scan-cannot-fail@.github/workflows/deploy.yml:19',
    ]);
    const noTests = fs.find((f) => f.ruleId === 'checklist/pipeline-no-tests')!;
    assert.match(noTests.message, /"test" runs only when started by hand/);
    assert.match(noTests.message, /on main, the branch that deploys/);
    const scan = fs.find((f) => f.ruleId === 'checklist/pipeline-scan-cannot-fail')!;
    assert.match(scan.message, /"Audit dependencies" in job "audit" cannot fail the build: `\|\| true`/);
    // The range is ` || true` itself, inside the run command.
    assert.deepEqual(scan.range, { start: { line: 18, character: 41 }, end: { line: 18, character: 49 } });
  });

  it('reports nothing for a complete pipeline (tests on PRs, scan, staging, smoke test, approval, tag)', async () => {
    const dir = tree({ '.github/workflows/cicd.yml': fixture('github/complete.yml'), 'db/migrations/001_init.sql': 'CREATE TABLE t (id int);\n' });
    const r = await analyze(dir);
    assert.deepEqual(brief(pipelineFindings(r)), []);
  });

  it('quick fixes: applying them removes the findings they fix and keeps the workflow valid YAML', async () => {
    const text = fixture('github/gapped.yml') + '\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';
    const dir = tree({ '.github/workflows/deploy.yml': text });
    const before = pipelineFindings(await analyze(dir));
    const fixable = before.filter((f) => f.fixes?.length);
    assert.deepEqual(fixable.map((f) => f.ruleId).sort(), [
      'checklist/pipeline-deploy-concurrency',
      'checklist/pipeline-deploy-not-gated',
      'checklist/pipeline-no-approval',
      'checklist/pipeline-scan-cannot-fail',
    ]);
    for (const f of fixable) assert.equal(f.fixes!.filter((x) => x.isPreferred).length, 1);
    const fixed = applyEdits(text, fixable.flatMap((f) => f.fixes![0].edits));
    const doc = parse(fixed);
    assert.deepEqual(doc.jobs.deploy.needs, ['build', 'test']);
    assert.equal(doc.jobs.deploy.environment, 'production');
    assert.deepEqual(doc.jobs.deploy.concurrency, { group: 'deploy-production', 'cancel-in-progress': false });
    assert.equal(doc.jobs.audit.steps[1].run, 'npm audit --audit-level=high');
    writeFileSync(path.join(dir, '.github/workflows/deploy.yml'), fixed);
    const after = pipelineFindings(await analyze(dir));
    for (const id of ['deploy-concurrency', 'deploy-not-gated', 'no-approval', 'scan-cannot-fail']) {
      assert.ok(!after.some((f) => f.ruleId === `checklist/pipeline-${id}`), `${id} still reported after its fix`);
    }
  });

  it('continue-on-error and trivy exit-code 0 are scans that cannot fail; their fixes flip the value', async () => {
    const text = `on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: pytest
  scan:
    runs-on: ubuntu-latest
    steps:
      - run: pip-audit
        continue-on-error: true
      - uses: aquasecurity/trivy-action@0.28.0
        with:
          exit-code: 0
`;
    const dir = tree({ '.github/workflows/ci.yml': text });
    const fs = pipelineFindings(await analyze(dir)).filter((f) => f.ruleId === 'checklist/pipeline-scan-cannot-fail');
    assert.deepEqual(fs.map((f) => f.range.start.line), [10, 13]);
    const fixed = parse(applyEdits(text, fs.flatMap((f) => f.fixes![0].edits)));
    assert.equal(fixed.jobs.scan.steps[0]['continue-on-error'], false);
    assert.equal(fixed.jobs.scan.steps[1].with['exit-code'], '1');
  });

  it('a reusable workflow from another repository is "not analysed", and absence checks are not guessed', async () => {
    const dir = tree({
      '.github/workflows/deploy.yml': `on: push
jobs:
  deploy:
    uses: acme/platform/.github/workflows/deploy.yml@v3
    secrets: inherit
`,
    });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['not-analysed@.github/workflows/deploy.yml:4']);
    assert.match(fs[0].message, /acme\/platform\/\.github\/workflows\/deploy\.yml@v3 from another repository/);
  });

  it('third-party actions in a deploy workflow should be pinned to a commit SHA; actions/* and SHAs are fine', async () => {
    const dir = tree({
      '.github/workflows/deploy.yml': `on: pull_request
concurrency: deploy
jobs:
  deploy:
    environment: production
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: superfly/flyctl-actions/setup-flyctl@master
      - uses: aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2
      - run: flyctl deploy && npm test
`,
    });
    const fs = pipelineFindings(await analyze(dir)).filter((f) => f.ruleId === 'checklist/pipeline-unpinned-action');
    assert.deepEqual(fs.map((f) => [f.data?.action, f.range.start.line, f.range.start.character]), [['superfly/flyctl-actions/setup-flyctl', 8, 14]]);
  });

  it('an environment chosen by an expression is judged by the names it can yield; a production chain is reported once', async () => {
    const dir = tree({
      '.github/workflows/deploy.yml': `on:
  push: { branches: [main] }
  workflow_dispatch: { inputs: { stage: { type: choice, options: [dev, production] } } }
concurrency: deploy-\${{ inputs.stage || 'production' }}
jobs:
  migrate:
    environment: \${{ inputs.stage || 'production' }}
    runs-on: ubuntu-latest
    steps: [{ run: bun run db:migrate }]
  deploy:
    needs: [migrate]
    environment: \${{ inputs.stage || 'production' }}
    runs-on: ubuntu-latest
    steps: [{ run: bunx sst deploy --stage $SST_STAGE }]
`,
    });
    const fs = pipelineFindings(await analyze(dir)).filter((f) => ['checklist/pipeline-no-staging', 'checklist/pipeline-no-approval', 'checklist/pipeline-no-smoke-test'].includes(f.ruleId));
    assert.deepEqual(brief(fs), ['no-staging@.github/workflows/deploy.yml:6']);
  });

  it('a local reusable workflow is read: its deploy steps count as the caller job', async () => {
    const dir = tree({
      '.github/workflows/ci.yml': `on: [pull_request, push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{ run: go test ./... }, { run: govulncheck ./... }]
  release:
    needs: test
    uses: ./.github/workflows/deploy.yml
`,
      '.github/workflows/deploy.yml': `on: workflow_call
jobs:
  ship:
    runs-on: ubuntu-latest
    steps:
      - run: kubectl apply -f k8s/
`,
    });
    const fs = pipelineFindings(await analyze(dir));
    assert.ok(fs.some((f) => f.ruleId === 'checklist/pipeline-no-approval' && f.file === '.github/workflows/ci.yml' && f.range.start.line === 5));
    assert.ok(!fs.some((f) => f.ruleId === 'checklist/pipeline-deploy-not-gated' && f.file === '.github/workflows/ci.yml'));
  });

  it('a workflow that is not valid YAML is one finding naming the file; other workflows are still checked', async () => {
    const dir = tree({
      '.github/workflows/broken.yml': 'on: push\njobs:\n  a: [unclosed\n',
      '.github/workflows/ok.yml': 'on: pull_request\njobs:\n  t:\n    runs-on: x\n    steps: [{ run: cargo test }, { run: cargo audit }]\n',
    });
    const fs = pipelineFindings(await analyze(dir));
    const broken = fs.filter((f) => f.file === '.github/workflows/broken.yml');
    assert.equal(broken.length, 1);
    assert.equal(broken[0].ruleId, 'checklist/pipeline-not-analysed');
    assert.equal(broken[0].severity, 'warning');
    assert.match(broken[0].message, /broken\.yml could not be read as a GitHub Actions pipeline/);
  });

  it('no CI configuration at all: a notice that points at init-ci, no findings', async () => {
    const dir = tree({ 'src/a.ts': 'export {}\n' });
    const r = await analyze(dir);
    assert.deepEqual(pipelineFindings(r), []);
    assert.ok(r.notices.some((n) => /no CI configuration found.*init-ci/.test(n.message)));
  });

  it('git: commits that skip CI and untagged deploys (trusted workspace only)', async () => {
    const wf = fixture('github/complete.yml').replace(/\n\s+- run: git tag[^\n]*/, '');
    const dir = branchRepo({ '.github/workflows/cicd.yml': wf }, { 'a.txt': 'x' });
    keep(dir);
    writeFileSync(path.join(dir, 'b.txt'), 'y');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'docs: typo [skip ci]');
    const r = await analyze(dir, { trusted: true });
    assert.deepEqual(brief(pipelineFindings(r)), ['skip-ci@.github/workflows/cicd.yml:3', 'untagged-deploys@.github/workflows/cicd.yml:43']);
    assert.match(pipelineFindings(r).find((f) => f.ruleId.endsWith('skip-ci'))!.message, /"docs: typo \[skip ci\]" contains \[skip ci\]/);
    git(dir, 'tag', 'deploy-2026-01-01');
    const tagged = await analyze(dir, { trusted: true });
    assert.deepEqual(brief(pipelineFindings(tagged)), ['skip-ci@.github/workflows/cicd.yml:3']);
    const restricted = await analyze(dir, { trusted: false });
    assert.deepEqual(brief(pipelineFindings(restricted)), []);
  });

  it('as the user types in a workflow (unsaved buffer), its findings are recomputed for that file only', async () => {
    const text = fixture('github/gapped.yml');
    const dir = tree({ '.github/workflows/deploy.yml': text });
    const reader = new OverlayReader(new DiskReader(dir, 1 << 20));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader });
    const first = await ws.analyze();
    assert.ok(first.findings.some((f) => f.ruleId === 'checklist/pipeline-no-approval'));
    const notices = first.notices.length;
    reader.set('.github/workflows/deploy.yml', text.replace('  deploy:\n', '  deploy:\n    environment: production\n'));
    const now = await ws.analyzeFile('.github/workflows/deploy.yml');
    assert.ok(now.length > 0 && now.every((f) => f.file === '.github/workflows/deploy.yml'));
    assert.ok(!now.some((f) => f.ruleId === 'checklist/pipeline-no-approval'));
    assert.equal(ws.ctx.notices.length, notices, 'no duplicate notices from re-analysis');
  });

  it('a GitHub environment that only guards publishing secrets (npm, pypi) is not a deploy', async () => {
    const dir = tree({
      '.github/workflows/release.yml': `on: { push: { tags: ['v*'] } }
jobs:
  publish:
    environment: npm
    runs-on: ubuntu-latest
    steps: [{ run: npm publish }]
`,
      '.github/workflows/ci.yml': 'on: pull_request\njobs:\n  t:\n    runs-on: x\n    steps: [{ run: npm test }, { run: npm audit }]\n',
    });
    assert.deepEqual(brief(pipelineFindings(await analyze(dir))), []);
  });
});
