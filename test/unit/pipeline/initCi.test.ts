import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { formatGitlab } from '../../../src/core/format/gitlab';
import type { Report } from '../../../src/core/model';
import { emptyFacts } from '../../../src/core/model';
import { git, removeTree, cli, tempTree, writeTree } from '../helpers';
import { analyze, pipelineFindings } from './helpers';

describe('init-ci: one command to gate CI', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));
  const repo = (files: Record<string, string>, branch = 'main') => {
    const d = tempTree(files);
    dirs.push(d);
    git(d, 'init', '-q', '-b', branch);
    git(d, 'add', '-A');
    git(d, 'commit', '-qm', 'init');
    return d;
  };

  it('GitHub: writes a workflow with SARIF upload, summary and gate against the default branch; a second run changes nothing', async () => {
    const dir = repo({ '.github/workflows/ci.yml': 'on: push\njobs: { t: { runs-on: x, steps: [{ run: npm test }] } }\n', 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, 'trunk');
    const before = pipelineFindings(await analyze(dir));
    assert.ok(before.some((f) => f.ruleId === 'checklist/pipeline-no-migration-lint'));
    const r = await cli(['init-ci'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created \.github\/workflows\/deploy-readiness\.yml/);
    assert.match(r.stderr, /GitHub Actions \(from \.github\/workflows\), base branch trunk/);
    const text = readFileSync(path.join(dir, '.github/workflows/deploy-readiness.yml'), 'utf8');
    const wf = parse(text);
    assert.deepEqual(wf.on.push.branches, ['trunk']);
    assert.ok('pull_request' in wf.on);
    assert.equal(wf.permissions['security-events'], 'write');
    const steps = wf.jobs['deploy-readiness'].steps as { uses?: string; run?: string; with?: Record<string, unknown> }[];
    assert.equal(steps[0].uses, 'actions/checkout@v4');
    assert.equal(steps[0].with?.['fetch-depth'], 0, 'full history so the merge base exists');
    // The Action (action.yml in this repository): annotations, job summary and SARIF in one step.
    const run = steps.find((s) => s.uses === 'deploy-readiness/deploy-readiness@v0');
    assert.ok(run, 'a step that uses the Deploy Readiness action');
    assert.equal(run.with?.base, "${{ github.base_ref || 'trunk' }}", 'a pull request compares with its target, a push with the default branch');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    assert.ok(steps.indexOf(upload!) > steps.indexOf(run));
    assert.equal(upload?.with?.sarif_file, `\${{ steps.${(run as { id?: string }).id}.outputs.sarif-file }}`);
    assert.ok(!steps.some((s) => /npx/.test(s.run ?? '')), 'no npx of an unpinned package');
    // The repository's own pipeline now lints migrations, and the job is not taken for a deploy
    // (no "production deploy without approval/staging" or "unpinned action in a deploy" about it).
    const after = pipelineFindings(await analyze(dir));
    assert.ok(!after.some((f) => f.ruleId === 'checklist/pipeline-no-migration-lint'));
    assert.deepEqual(after.filter((f) => f.file === '.github/workflows/deploy-readiness.yml' && /approval|staging|unpinned|untagged/.test(f.ruleId)).map((f) => f.ruleId), []);

    const again = await cli(['init-ci'], dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /deploy-readiness\.yml is up to date/);
    assert.equal(readFileSync(path.join(dir, '.github/workflows/deploy-readiness.yml'), 'utf8'), text);
  });

  it('never overwrites an edited file without --force; --dry-run prints the diff and writes nothing', async () => {
    const dir = repo({ '.github/workflows/ci.yml': 'on: push\njobs: {}\n' });
    assert.equal((await cli(['init-ci'], dir)).code, 0);
    const p = path.join(dir, '.github/workflows/deploy-readiness.yml');
    const edited = readFileSync(p, 'utf8').replace('node-version: 20', 'node-version: 22');
    writeFileSync(p, edited);
    const refused = await cli(['init-ci'], dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists and differs .* not overwritten/);
    assert.equal(readFileSync(p, 'utf8'), edited);
    const dry = await cli(['init-ci', '--dry-run'], dir);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /^-\s+node-version: 22$/m);
    assert.match(dry.stdout, /^\+\s+node-version: 20$/m);
    assert.equal(readFileSync(p, 'utf8'), edited);
    assert.equal((await cli(['init-ci', '--force'], dir)).code, 0);
    assert.match(readFileSync(p, 'utf8'), /node-version: 20/);
  });

  it('--dry-run on a fresh repository shows the whole file as added and creates nothing', async () => {
    const dir = repo({ 'README.md': '# x\n' });
    const dry = await cli(['init-ci', '--dry-run', '--system', 'github', '--base', 'develop'], dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+\+\+ b\/\.github\/workflows\/deploy-readiness\.yml/m);
    assert.match(dry.stdout, /^\+\s+branches: \[develop\]$/m);
    assert.equal((await cli(['init-ci', '--system', 'jenkins'], dir)).code, 2);
  });

  it('GitLab: adds a job file with a Code Quality report and includes it from .gitlab-ci.yml, once', async () => {
    const root = 'stages: [build, verify, deploy]\ninclude:\n  - template: Jobs/Dependency-Scanning.gitlab-ci.yml\n\nbuild:\n  stage: build\n  script: [make]\n';
    const dir = repo({ '.gitlab-ci.yml': root });
    const r = await cli(['init-ci'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /GitLab CI \(from \.gitlab-ci\.yml\)/);
    const updated = readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
    const doc = parse(updated);
    assert.deepEqual(doc.include, [{ template: 'Jobs/Dependency-Scanning.gitlab-ci.yml' }, { local: '.gitlab/deploy-readiness.gitlab-ci.yml' }]);
    assert.equal(doc.build.stage, 'build', 'the rest of the file is untouched');
    const job = parse(readFileSync(path.join(dir, '.gitlab/deploy-readiness.gitlab-ci.yml'), 'utf8'))['deploy-readiness'];
    assert.equal(job.stage, 'build', 'a stage the pipeline has (no "test" stage here)');
    assert.equal(job.artifacts.reports.codequality, 'gl-code-quality-report.json');
    assert.ok(job.script.some((s: string) => /--format gitlab .*> gl-code-quality-report\.json/.test(s)));
    assert.equal(job.variables.GIT_DEPTH, 0);
    assert.ok(job.script.every((s: string) => !/npx/.test(s) || /npx --yes deploy-readiness@0 check /.test(s)), 'npx of the package pinned to the major version');
    const again = await cli(['init-ci'], dir);
    assert.equal(again.code, 0);
    assert.equal(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8'), updated);
    // The included job is read as part of the pipeline: it counts as migration lint.
    writeTree(dir, { 'db/migrations/0001.sql': 'CREATE TABLE t (id int);\n' });
    const fs = pipelineFindings(await analyze(dir));
    assert.ok(!fs.some((f) => f.ruleId === 'checklist/pipeline-not-analysed' || f.ruleId === 'checklist/pipeline-no-migration-lint'), JSON.stringify(fs));
  });
});

describe('gitlab formatter (Code Quality report)', () => {
  const report: Report = {
    version: 1,
    verdict: 'blocked',
    summary: { error: 1, warning: 1, info: 0, new: 2, existing: 0, fixed: 0 },
    notices: [],
    facts: emptyFacts(),
    findings: [
      { ruleId: 'migration/require-concurrent-index', area: 'migration', severity: 'error', message: 'm', file: 'db/1.sql', range: { start: { line: 2, character: 0 }, end: { line: 3, character: 4 } } },
      { ruleId: 'migration/require-concurrent-index', area: 'migration', severity: 'warning', message: 'm', file: 'db/1.sql', range: { start: { line: 9, character: 0 }, end: { line: 9, character: 4 } } },
    ],
  };
  it('maps severities, 1-based lines and gives each issue a distinct fingerprint that ignores the line', () => {
    const out = JSON.parse(formatGitlab(report));
    assert.equal(out.length, 2);
    assert.deepEqual(out.map((i: { severity: string }) => i.severity), ['critical', 'major']);
    assert.deepEqual(out[0].location, { path: 'db/1.sql', lines: { begin: 3, end: 4 } });
    assert.equal(out[0].check_name, 'migration/require-concurrent-index');
    assert.notEqual(out[0].fingerprint, out[1].fingerprint);
    const moved = JSON.parse(formatGitlab({ ...report, findings: [{ ...report.findings[0], range: { start: { line: 40, character: 0 }, end: { line: 40, character: 1 } } }] }));
    assert.equal(moved[0].fingerprint, out[0].fingerprint);
  });

  it('check --format gitlab prints a Code Quality report the CLI test can parse', async () => {
    const dir = tempTree({ 'db/migrations/002.sql': 'CREATE INDEX i ON t (a);\n' });
    try {
      const r = await cli(['check', '--format', 'gitlab'], dir);
      assert.equal(r.code, 1);
      const issues = JSON.parse(r.stdout);
      assert.ok(issues.some((i: { check_name: string; location: { path: string } }) => i.check_name === 'migration/require-concurrent-index' && i.location.path === 'db/migrations/002.sql'));
    } finally {
      removeTree(dir);
    }
  });
});
