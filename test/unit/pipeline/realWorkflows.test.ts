import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, scratchDirs } from '../helpers';
import { analyze, brief, pipelineFindings } from './helpers';

/**
 * The production rules on a real project's workflows, unmodified (test/fixtures/pipeline/real/*,
 * each with its SOURCE.md): the jobs that were taken for production deploys in the issue.
 */
describe('pipeline: production deploys in real workflows', () => {
  const { tree } = scratchDirs();
  const PROD_RULES = ['checklist/pipeline-no-approval', 'checklist/pipeline-deploy-concurrency', 'checklist/pipeline-no-staging'];

  function workflowsOf(project: string): Record<string, string> {
    const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'pipeline', 'real', project);
    const files: Record<string, string> = {};
    for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) files[`.github/workflows/${f}`] = readFileSync(path.join(dir, f), 'utf8');
    return files;
  }

  it('microservices-demo: the GKE test-cluster deploys and the PR-namespace cleanup are not production deploys', async () => {
    const files = workflowsOf('microservices-demo');
    assert.ok(files['.github/workflows/ci-main.yaml'] && files['.github/workflows/cleanup.yaml'] && files['.github/workflows/deploy-pr.yaml']);
    const findings = pipelineFindings(await analyze(tree(files)));
    assert.deepEqual(brief(findings.filter((f) => PROD_RULES.includes(f.ruleId))), []);
    // Read, not skipped: every workflow parsed.
    assert.deepEqual(brief(findings.filter((f) => f.ruleId === 'checklist/pipeline-not-analysed')), []);
    assert.ok(!findings.some((f) => /[Pp]roduction deploy/.test(f.message)), findings.map((f) => f.message).join('\n'));
  });
});
