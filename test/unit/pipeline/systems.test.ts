import * as assert from 'node:assert/strict';
import { removeTree, tempTree } from '../helpers';
import { analyze, brief, fixture, pipelineFindings } from './helpers';

/** Golden fixtures: one gapped and one complete pipeline per CI system, at the path the system reads. */
const CASES: { system: string; path: string; gapped: string[] }[] = [
  {
    system: 'circleci',
    path: '.circleci/config.yml',
    gapped: ['deploy-not-gated@.circleci/config.yml:24', 'no-approval@.circleci/config.yml:24', 'no-migration-lint@.circleci/config.yml:23', 'no-security-scan@.circleci/config.yml:23', 'no-staging@.circleci/config.yml:24'],
  },
  {
    system: 'azure',
    path: 'azure-pipelines.yml',
    gapped: ['no-approval@azure-pipelines.yml:14', 'no-migration-lint@azure-pipelines.yml:1', 'no-security-scan@azure-pipelines.yml:1', 'no-staging@azure-pipelines.yml:14', 'no-tests@azure-pipelines.yml:1'],
  },
  {
    system: 'bitbucket',
    path: 'bitbucket-pipelines.yml',
    gapped: ['no-approval@bitbucket-pipelines.yml:11', 'no-migration-lint@bitbucket-pipelines.yml:6', 'no-security-scan@bitbucket-pipelines.yml:6', 'no-staging@bitbucket-pipelines.yml:11', 'no-tests@bitbucket-pipelines.yml:6'],
  },
  {
    system: 'jenkins',
    path: 'Jenkinsfile',
    gapped: ['no-approval@Jenkinsfile:10', 'no-migration-lint@Jenkinsfile:4', 'no-staging@Jenkinsfile:10', 'no-tests@Jenkinsfile:4', 'scan-cannot-fail@Jenkinsfile:8'],
  },
];

describe('pipeline gates: CircleCI, Azure Pipelines, Bitbucket Pipelines, Jenkinsfile', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));
  const MIGRATION = { 'migrations/0001_init.sql': 'CREATE TABLE t (id int);\n' };

  for (const c of CASES) {
    const ext = c.system === 'jenkins' ? 'Jenkinsfile' : 'yml';
    it(`${c.system}: the gapped pipeline's gaps, each at its job`, async () => {
      const dir = tempTree({ [c.path]: fixture(`${c.system}/gapped.${ext}`), ...MIGRATION });
      dirs.push(dir);
      assert.deepEqual(brief(pipelineFindings(await analyze(dir))), c.gapped);
    });
    it(`${c.system}: the complete pipeline has no gaps`, async () => {
      const dir = tempTree({ [c.path]: fixture(`${c.system}/complete.${ext}`), ...MIGRATION });
      dirs.push(dir);
      assert.deepEqual(brief(pipelineFindings(await analyze(dir))), []);
    });
  }

  it('CircleCI dynamic configuration (setup: true) is not analysed rather than guessed', async () => {
    const dir = tempTree({ '.circleci/config.yml': 'version: 2.1\nsetup: true\norbs: { path-filtering: circleci/path-filtering@1 }\nworkflows: { generate: { jobs: [path-filtering/filter] } }\n' });
    dirs.push(dir);
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['not-analysed@.circleci/config.yml:2']);
  });

  it('a Jenkinsfile that only calls a shared library is not analysed', async () => {
    const dir = tempTree({ Jenkinsfile: "@Library('ci-lib@2') _\nbuildNodeService(deploy: true)\n" });
    dirs.push(dir);
    const fs = pipelineFindings(await analyze(dir));
    assert.deepEqual(brief(fs), ['not-analysed@Jenkinsfile:1', 'not-analysed@Jenkinsfile:1']);
    assert.ok(fs.some((f) => /shared library/.test(f.message)));
  });

  it('hostile input: 100,000-deep YAML and a 3,000-stage Jenkinsfile are each one finding naming the file; other CI files are still read', async () => {
    const dir = tempTree({
      '.github/workflows/deep.yml': 'on: push\njobs: ' + '['.repeat(100000) + ']'.repeat(100000) + '\n',
      '.github/workflows/ok.yml': 'on: push\njobs:\n  deploy:\n    runs-on: x\n    steps: [{ run: npm test }, { run: kubectl apply -f k8s/ }]\n',
      Jenkinsfile: "pipeline { stages {\n" + "stage('s') { steps { sh 'echo' } }\n".repeat(3000) + '} }\n',
    });
    dirs.push(dir);
    const fs = pipelineFindings(await analyze(dir));
    const byFile = (f: string) => fs.filter((x) => x.file === f);
    assert.equal(byFile('.github/workflows/deep.yml').length, 1);
    assert.match(byFile('.github/workflows/deep.yml')[0].message, /deep\.yml could not be read as a GitHub Actions pipeline/);
    assert.match(byFile('Jenkinsfile').map((f) => f.message).join('\n'), /3000 stages: more than the 1,000 read/);
    assert.ok(byFile('.github/workflows/ok.yml').some((f) => f.ruleId === 'checklist/pipeline-no-approval'));
  });
});
