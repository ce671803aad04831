import { defineRule } from '../rule';

/**
 * Pipeline gates: the deploy pipeline's own gaps, read from the repository's CI configuration.
 * Findings sit at the YAML node (job key, step, trigger) they are about.
 */
export const pipelineNoTests = defineRule({
  id: 'checklist/pipeline-no-tests',
  defaultSeverity: 'warning',
  summary: 'No CI job runs the test suite on pull requests or on the branch that deploys',
});

export const pipelineDeployNotGated = defineRule({
  id: 'checklist/pipeline-deploy-not-gated',
  defaultSeverity: 'warning',
  summary: 'A deploy job does not wait for the test job, so a red build can still deploy',
});

export const pipelineNoSecurityScan = defineRule({
  id: 'checklist/pipeline-no-security-scan',
  defaultSeverity: 'warning',
  summary: 'No dependency or image security scan (npm audit, pip-audit, osv-scanner, trivy, grype, snyk, CodeQL) runs in CI',
});

export const pipelineScanCannotFail = defineRule({
  id: 'checklist/pipeline-scan-cannot-fail',
  defaultSeverity: 'warning',
  summary: 'A security scan cannot fail the build (continue-on-error, `|| true`, exit code 0, allow_failure)',
});

export const pipelineNoMigrationLint = defineRule({
  id: 'checklist/pipeline-no-migration-lint',
  defaultSeverity: 'warning',
  summary: 'The repository has database migrations but no migration linter runs in CI',
  equivalents: { squawk: ['squawk-action'], strong_migrations: ['strong_migrations'], pgfence: ['pgfence'] },
});

export const pipelineNoStaging = defineRule({
  id: 'checklist/pipeline-no-staging',
  defaultSeverity: 'warning',
  summary: 'A production deploy does not come after a staging deploy',
});

export const pipelineNoSmokeTest = defineRule({
  id: 'checklist/pipeline-no-smoke-test',
  defaultSeverity: 'info',
  summary: 'Nothing checks the staging deploy (smoke test, health check) before production',
});

export const pipelineNoApproval = defineRule({
  id: 'checklist/pipeline-no-approval',
  defaultSeverity: 'warning',
  summary: 'A production deploy runs without an approval gate (protected environment, manual job, approval step)',
});

export const pipelineUntaggedDeploys = defineRule({
  id: 'checklist/pipeline-untagged-deploys',
  defaultSeverity: 'info',
  summary: 'Deploys are not tagged: no tag or release step in CI and no deploy-*/release-* tags in the repository',
});

export const pipelineSkipCi = defineRule({
  id: 'checklist/pipeline-skip-ci',
  defaultSeverity: 'warning',
  summary: 'Commits on this branch tell CI to skip them ([skip ci], [ci skip], skip-checks: true)',
  comparesBase: true,
});

export const pipelineNotAnalysed = defineRule({
  id: 'checklist/pipeline-not-analysed',
  defaultSeverity: 'info',
  summary: 'Part of the pipeline cannot be read statically (remote reusable workflow, remote include, generated child pipeline) and was not analysed',
});

export const pipelineDeployConcurrency = defineRule({
  id: 'checklist/pipeline-deploy-concurrency',
  defaultSeverity: 'warning',
  summary: 'A production deploy job has no concurrency control, so two deploys (and their migrations) can run at once',
});

export const pipelineUnpinnedAction = defineRule({
  id: 'checklist/pipeline-unpinned-action',
  defaultSeverity: 'info',
  summary: 'A deploy workflow uses a third-party action by a movable tag or branch instead of a full commit SHA',
});

export const pipelineRules = [
  pipelineNoTests,
  pipelineDeployNotGated,
  pipelineNoSecurityScan,
  pipelineScanCannotFail,
  pipelineNoMigrationLint,
  pipelineNoStaging,
  pipelineNoSmokeTest,
  pipelineNoApproval,
  pipelineUntaggedDeploys,
  pipelineSkipCi,
  pipelineNotAnalysed,
  pipelineDeployConcurrency,
  pipelineUnpinnedAction,
];
