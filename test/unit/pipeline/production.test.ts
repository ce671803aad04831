import * as assert from 'node:assert/strict';
import { githubWorkflow } from '../../../src/core/pipeline/initCi';
import { scratchDirs } from '../helpers';
import { analyze, pipelineFindings } from './helpers';

/**
 * Which jobs are production deploys. The production rules (approval gate, concurrency, staging
 * first) only apply to jobs with evidence of a production target; the workflows below are shaped
 * like those of public projects where a test cluster, a teardown job or our own lint job were
 * taken for production.
 */
describe('pipeline: a production deploy only from evidence', () => {
  const { tree } = scratchDirs();
  const prodRules = ['checklist/pipeline-no-approval', 'checklist/pipeline-deploy-concurrency', 'checklist/pipeline-no-staging'];
  const prodFindings = async (dir: string) => pipelineFindings(await analyze(dir)).filter((f) => prodRules.includes(f.ruleId));

  it('the workflow "Add to CI" writes is not a production deploy (no finding of ours on our own job)', async () => {
    const dir = tree({ '.github/workflows/deploy-readiness.yml': githubWorkflow('main') });
    assert.deepEqual(await prodFindings(dir), []);
  });

  it('a job that deploys a temporary test cluster on every push to main is not production', async () => {
    const dir = tree({
      '.github/workflows/ci-main.yaml': `name: "Continuous Integration - Main/Release"
on:
  push:
    branches: [main, release/*]
jobs:
  deployment-tests:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - name: Build + Deploy PR images to GKE
        run: |
          gcloud container clusters get-credentials $PR_CLUSTER --region $REGION
          skaffold run --namespace=$NAMESPACE
      - run: kubectl wait --for=condition=available deployment/frontend
`,
    });
    assert.deepEqual(await prodFindings(dir), []);
  });

  it('tearing a test environment down is not a deploy, even in an environment', async () => {
    const dir = tree({
      '.github/workflows/cleanup.yaml': `name: Clean up deployment
on:
  pull_request:
    types: [closed]
jobs:
  cleanup-namespace:
    runs-on: ubuntu-24.04
    environment: gke-staging
    steps:
      - run: kubectl delete namespace $NAMESPACE --ignore-not-found
  remove-test-env:
    name: Remove test environment deployment
    runs-on: ubuntu-24.04
    environment: testenvs-cleanup
    steps:
      - run: helm uninstall web
`,
    });
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(fs.filter((f) => prodRules.includes(f.ruleId) || f.ruleId === 'checklist/pipeline-no-smoke-test'), []);
  });

  it('a deploy to a preview or dev environment is not production; a job named only "deploy" with no target evidence is not guessed', async () => {
    const dir = tree({
      '.github/workflows/preview.yml': `on: pull_request
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: preview
    steps: [{ run: vercel deploy --prebuilt }]
  deploy-dev:
    runs-on: ubuntu-latest
    steps: [{ run: fly deploy --app web-dev }]
`,
      '.github/workflows/manual.yml': `on: workflow_dispatch
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ run: echo deploying }]
`,
    });
    assert.deepEqual(await prodFindings(dir), []);
  });

  it('evidence of production: the environment, a protected environment, the workflow name, the deploy branch, release tags', async () => {
    const dir = tree({
      '.github/workflows/env.yml': `on: push
jobs:
  ship:
    runs-on: ubuntu-latest
    environment: production
    steps: [{ run: kubectl apply -f k8s/ }]
`,
      '.github/workflows/named.yml': `name: Deploy to Production
on:
  push:
    tags: ['*']
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ run: git push origin release }]
`,
      '.github/workflows/branch.yml': `on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    steps: [{ run: fly deploy }]
`,
    });
    const fs = (await prodFindings(dir)).filter((f) => f.ruleId === 'checklist/pipeline-deploy-concurrency');
    assert.deepEqual(fs.map((f) => f.file).sort(), ['.github/workflows/branch.yml', '.github/workflows/env.yml', '.github/workflows/named.yml']);
    // "test-and-deploy" on main deploys production: a bare "test" in a job's name is not a test target.
    const both = tree({ '.github/workflows/ci.yml': 'on:\n  push:\n    branches: [main]\njobs:\n  test-and-deploy:\n    runs-on: x\n    steps: [{ run: npm test }, { run: fly deploy }]\n' });
    assert.ok((await prodFindings(both)).some((f) => f.ruleId === 'checklist/pipeline-no-approval'));
  });
});

describe('pipeline: package.json scripts run by CI steps', () => {
  const { tree } = scratchDirs();
  it('`npm run ci` counts as the tests its script runs (turbo run test:e2e), so "no CI job runs the tests" is not reported', async () => {
    const files = {
      '.github/workflows/e2e.yml': 'on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  e2e:\n    runs-on: x\n    steps: [{ run: npm ci }, { name: Run Playwright tests, run: npm run ci }]\n',
    };
    const withScript = tree({ ...files, 'package.json': JSON.stringify({ scripts: { ci: 'turbo run build && turbo run test:e2e' } }) });
    assert.ok(!pipelineFindings(await analyze(withScript)).some((f) => f.ruleId === 'checklist/pipeline-no-tests'));
    // Without the script's body there is no evidence of tests: the finding stays.
    const without = tree({ ...files, 'package.json': JSON.stringify({ scripts: { ci: 'turbo run build' } }) });
    assert.ok(pipelineFindings(await analyze(without)).some((f) => f.ruleId === 'checklist/pipeline-no-tests'));
  });
});
