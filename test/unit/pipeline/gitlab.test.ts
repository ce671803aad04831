import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/core/config';
import { applyEdits, scratchDirs } from '../helpers';
import { analyze, brief, fixture, pipelineFindings } from './helpers';

describe('pipeline gates: GitLab CI', () => {
  const { tree } = scratchDirs();

  it('deploy in a stage before the tests, allow_failure on the audit, no approval', async () => {
    const dir = tree({ '.gitlab-ci.yml': fixture('gitlab/gapped.gitlab-ci.yml') });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), [
      'deploy-concurrency@.gitlab-ci.yml:9',
      'deploy-not-gated@.gitlab-ci.yml:9',
      'no-approval@.gitlab-ci.yml:9',
      'no-staging@.gitlab-ci.yml:9',
      'scan-cannot-fail@.gitlab-ci.yml:22',
    ]);
    const scan = fs.find((f) => f.ruleId.endsWith('scan-cannot-fail'))!;
    assert.match(scan.message, /"dependency_audit" is allowed to fail/);
    // Adding `needs` to a GitLab job changes its artifacts: no automatic fix for the gating.
    assert.equal(fs.find((f) => f.ruleId.endsWith('deploy-not-gated'))!.fixes, undefined);
    const approval = fs.find((f) => f.ruleId.endsWith('no-approval'))!;
    const text = fixture('gitlab/gapped.gitlab-ci.yml');
    const concurrency = fs.find((f) => f.ruleId.endsWith('deploy-concurrency'))!;
    const fixed = applyEdits(text, [...approval.fixes![0].edits, ...scan.fixes![0].edits, ...concurrency.fixes![0].edits]);
    const doc = parse(fixed);
    assert.equal(doc.deploy_production.when, 'manual');
    assert.equal(doc.deploy_production.resource_group, 'production');
    assert.equal(doc.dependency_audit.allow_failure, false);
    writeFileSync(path.join(dir, '.gitlab-ci.yml'), fixed);
    assert.deepEqual(brief(pipelineFindings(await analyze(dir))), ['deploy-not-gated@.gitlab-ci.yml:9', 'no-staging@.gitlab-ci.yml:9']);
  });

  it('a complete pipeline (stages, MR rules, template scan, smoke test, manual production, release) has no gaps', async () => {
    const dir = tree({ '.gitlab-ci.yml': fixture('gitlab/complete.gitlab-ci.yml'), 'db/migrate/20240101000000_add.rb': 'class Add < ActiveRecord::Migration[7.1]; end\n' });
    assert.deepEqual(brief(pipelineFindings(await analyze(dir))), []);
  });

  it('a protected environment listed in the config is an approval gate', async () => {
    const dir = tree({ '.gitlab-ci.yml': fixture('gitlab/gapped.gitlab-ci.yml') });
    const config = defaultConfig();
    config.checklist.pipeline.protectedEnvironments = ['production'];
    const fs = pipelineFindings(await analyze(dir, { config }));
    assert.ok(!fs.some((f) => f.ruleId.endsWith('no-approval')));
  });

  it('jobs from `include: local` files are read; remote includes and generated child pipelines are not analysed', async () => {
    const dir = tree({
      '.gitlab-ci.yml': `include:
  - local: ci/test.yml
  - remote: https://example.com/ci.yml
deploy:
  stage: deploy
  script: [kubectl apply -f k8s/]
generate:
  trigger:
    include:
      - artifact: generated.yml
        job: build-config
`,
      'ci/test.yml': 'unit:\n  stage: test\n  script: [go test ./...]\n',
    });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['deploy-concurrency@.gitlab-ci.yml:4', 'no-approval@.gitlab-ci.yml:4', 'no-staging@.gitlab-ci.yml:4', 'not-analysed@.gitlab-ci.yml:3', 'not-analysed@.gitlab-ci.yml:8']);
    assert.match(fs.find((f) => f.range.start.line === 7)!.message, /generated at run time/);
  });

  it('extends and anchors: the deploy job inherits its script and environment from a hidden job', async () => {
    const dir = tree({
      '.gitlab-ci.yml': `.deploy_template: &deploy
  script:
    - helm upgrade --install app chart/
  environment: production
test:
  stage: test
  script: [pytest, pip-audit]
deploy_prod:
  extends: .deploy_template
  stage: deploy
deploy_prod_2:
  <<: *deploy
  stage: deploy
`,
    });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['deploy-concurrency@.gitlab-ci.yml:11', 'deploy-concurrency@.gitlab-ci.yml:8', 'no-approval@.gitlab-ci.yml:11', 'no-approval@.gitlab-ci.yml:8', 'no-staging@.gitlab-ci.yml:11', 'no-staging@.gitlab-ci.yml:8']);
  });

  it('a "billion laughs" of merge keys is read within bounds: the jobs are still checked', async () => {
    const lines = ['.l0: &l0 { script: [kubectl apply -f k8s/], environment: production }'];
    for (let i = 1; i <= 40; i++) lines.push(`.l${i}: &l${i} { <<: [*l${i - 1}, *l${i - 1}] }`);
    // The merge is cut off at the bound, so the job's own keys are what says it deploys production.
    lines.push('deploy:', '  <<: *l40', '  stage: deploy', '  environment: production');
    const dir = tree({ '.gitlab-ci.yml': lines.join('\n') + '\n' });
    const fs = pipelineFindings(await analyze(dir));
    assert.ok(fs.some((f) => f.ruleId === 'checklist/pipeline-no-approval' && f.range.start.line === 41));
  });

  it('a chain of production jobs (per-branch environment) is reported once, at its first job', async () => {
    const dir = tree({
      '.gitlab-ci.yml': `stages: [infra, app]
infra:
  stage: infra
  environment: { name: "$CI_COMMIT_REF_NAME" }
  script: [helm upgrade -i db charts/db]
app:
  stage: app
  environment: { name: "$CI_COMMIT_REF_NAME" }
  script: [helm upgrade -i web charts/web]
  needs: [infra]
`,
    });
    const fs = pipelineFindings(await analyze(dir)).filter((f) => ['checklist/pipeline-no-approval', 'checklist/pipeline-no-staging', 'checklist/pipeline-deploy-concurrency'].includes(f.ruleId));
    assert.deepEqual(brief(fs), ['deploy-concurrency@.gitlab-ci.yml:2', 'no-approval@.gitlab-ci.yml:2', 'no-staging@.gitlab-ci.yml:2']);
    for (const f of fs) assert.match(f.message, /"infra" \(and 1 production job after it\)/);
  });

  it('a 400-job pipeline chained with needs is analysed, one finding per chain', async () => {
    const jobs = ['test:\n  stage: test\n  script: [go test ./..., govulncheck ./...]\n  resource_group: x'];
    for (let i = 0; i < 400; i++) jobs.push(`deploy_${i}:\n  stage: deploy\n  environment: production\n  when: manual\n  resource_group: prod\n  script: [helm upgrade -i app${i} charts/app]\n  needs: [${i ? `deploy_${i - 1}` : 'test'}]`);
    const dir = tree({ '.gitlab-ci.yml': jobs.join('\n') + '\n' });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['no-staging@.gitlab-ci.yml:5']);
    assert.match(fs[0].message, /"deploy_0" \(and 399 production jobs after it\)/);
  });
});
