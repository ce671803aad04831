import type { Job, Step } from './model';

/**
 * What a step or job does, recognised from the commands it runs and the actions it uses. Patterns
 * match whole words in shell commands (after comments are removed), never file contents elsewhere.
 */

const TEST_CMD: RegExp[] = [
  /\b(npm|pnpm|yarn|bun)\s+(run\s+)?(test|tests|test:[\w:-]+|ci-test|test-ci)\b/,
  /\b(npx\s+)?(jest|vitest|mocha|ava|tap|karma|playwright\s+test|cypress\s+run)\b/,
  /\b(pytest|py\.test|tox|nox)\b|\bpython3?\s+-m\s+(pytest|unittest)\b|\bmanage\.py\s+test\b/,
  /\bgo\s+test\b/,
  /\bcargo\s+(test|nextest)\b/,
  /\b(mvn|mvnw|\.\/mvnw)\s+([\w:.=-]+\s+)*(test|verify|install)\b/,
  /\b(gradle|gradlew|\.\/gradlew)\s+([\w:.=-]+\s+)*(test|check|build)\b/,
  /\b(rspec|rake\s+(test|spec)|rails\s+test|bin\/rails\s+test)\b/,
  /\bdotnet\s+test\b/,
  /\bmake\s+(test|check)\b/,
  /\b(phpunit|pest|composer\s+test)\b/,
  /\bmix\s+test\b/,
  /\bswift\s+test\b/,
];

const SCAN_CMD: RegExp[] = [
  /\b(npm|pnpm|yarn)\s+audit\b/,
  /\bpip-audit\b/,
  /\bosv-scanner\b/,
  /\btrivy\b/,
  /\bgrype\b/,
  /\bsnyk\s+(test|container|iac|code)\b/,
  /\bcodeql\b/,
  /\bbundle[\s-]audit\b|\bbundler-audit\b/,
  /\bgovulncheck\b/,
  /\bcargo\s+audit\b/,
  /\bsafety\s+check\b/,
  /\bdependency-check\b/,
  /\bdocker\s+scout\s+cves\b/,
];

const SCAN_USES = /^(github\/codeql-action\/(analyze|init)|aquasecurity\/trivy-action|anchore\/scan-action|snyk\/actions|google\/osv-scanner-action|actions\/dependency-review-action|pypa\/gh-action-pip-audit|docker\/scout-action|golang\/govulncheck-action|rustsec\/audit-check|snyk\/|circleci\/trivy|trivy|SnykSecurityScan|DependencyCheck|atlassian\/(snyk|trivy))/i;

const MIGRATION_LINT_CMD: RegExp[] = [
  /\bdeploy-readiness(?:@[\w.^~-]+)?\s+check\b/,
  /\bsquawk\b/,
  /\bpgfence\b/,
  /\beugene\s+(lint|trace)\b/,
  /\bstrong_migrations\b|\brake\s+strong_migrations/,
  /\blintmigrations\b|django-migration-linter/,
  /\batlas\s+migrate\s+lint\b/,
];
const MIGRATION_LINT_USES = /^(sbdchd\/squawk-action|deploy-readiness\/|ariga\/atlas-action\/migrate\/lint)/i;

const DEPLOY_CMD: RegExp[] = [
  /\bkubectl\s+(apply|set\s+image|rollout\s+restart|replace)\b/,
  /\bhelm\s+(upgrade|install)\b/,
  /\bhelmfile\s+(apply|sync)\b/,
  /\bterraform\s+apply\b/,
  /\b(flyctl|fly)\s+deploy\b/,
  /\bheroku\s+(container:release|releases|deploy)|git\s+push\s+\S*heroku/,
  /\bvercel\b[^\n]*--prod\b/,
  /\bnetlify\s+deploy\b[^\n]*--prod\b/,
  /\b(serverless|sls)\s+deploy\b/,
  /\baws\s+(ecs\s+update-service|deploy\s+create-deployment|lambda\s+update-function-code|elasticbeanstalk|cloudformation\s+deploy)\b/,
  /\bsam\s+deploy\b|\bcdk\s+deploy\b/,
  /\bgcloud\s+(run\s+deploy|app\s+deploy|functions\s+deploy)\b/,
  /\baz\s+(webapp|containerapp|functionapp)\s+(up|deploy|update)\b/,
  /\b(cap|capistrano)\s+\w+\s+deploy\b|\bkamal\s+deploy\b/,
  /\bargocd\s+app\s+sync\b/,
  /\bansible-playbook\b[^\n]*deploy/,
  /\bskaffold\s+(run|deploy)\b/,
  /\bwrangler\s+(deploy|publish)\b/,
  /\brailway\s+up\b|\brender\s+deploy\b/,
  /\bsst\s+deploy\b|\bpulumi\s+up\b|\bdokku\b|\bcopilot\s+(svc|job)\s+deploy\b/,
];
const DEPLOY_USES = /^(azure\/(webapps-deploy|k8s-deploy|functions-action|container-apps-deploy-action)|aws-actions\/amazon-ecs-deploy-task-definition|google-github-actions\/deploy-(cloudrun|appengine)|superfly\/flyctl-actions|akhileshns\/heroku-deploy|amondnet\/vercel-action|cloudflare\/wrangler-action|appleboy\/ssh-action|aws-ecs\/deploy|aws-ecr\/|kubernetes\/|heroku\/deploy|AzureWebApp|AzureRmWebAppDeployment|KubernetesManifest|HelmDeploy|AzureFunctionApp|atlassian\/(aws-ecs-deploy|aws-elasticbeanstalk-deploy|aws-lambda-deploy|kubectl-run|helm-deploy|heroku-deploy|azure-web-apps-deploy|google-cloud-run-deploy|ssh-run|scp-deploy|aws-code-deploy|aws-s3-deploy|firebase-deploy))/i;
/** Deploys of a documentation site, not of the service. */
const PAGES = /^(actions\/deploy-pages|peaceiris\/actions-gh-pages|JamesIves\/github-pages-deploy-action)/i;

const SMOKE = /\b(smoke|healthcheck|health-check|health_check|synthetic|e2e|end-to-end|sanity|verify[-_ ]deploy)\b|curl\s+(-\S+\s+)*--fail|curl\s+(-\S+\s+)*-f\b/i;

const TAG_CMD: RegExp[] = [/\bgit\s+tag\b/, /\bgit\s+push\s+[^\n]*--tags\b/, /\bgh\s+release\s+create\b/, /\bsemantic-release\b/, /\brelease-cli\s+create\b/, /\bchangesets?\s+(publish|tag)\b/, /\bgoreleaser\b/];
const TAG_USES = /^(softprops\/action-gh-release|actions\/create-release|ncipollo\/release-action|mathieudutour\/github-tag-action|anothrNick\/github-tag-action|rickstaa\/action-create-tag|googleapis\/release-please-action|google-github-actions\/release-please-action|cycjimmy\/semantic-release-action|goreleaser\/goreleaser-action|changesets\/action|GitHubRelease|gitlab-release)/i;

/** Shell text without `#` comments (so a commented-out command does not count). */
export function stripComments(script: string): string {
  return script
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');
}

function runs(step: Step, patterns: RegExp[]): boolean {
  if (!step.run) return false;
  const s = stripComments(step.run);
  return patterns.some((p) => p.test(s));
}

export const isTestStep = (s: Step): boolean => runs(s, TEST_CMD) || /(^|\/)(test|run-tests)(@|$)/i.test(s.uses ?? '');
export const isScanStep = (s: Step): boolean => runs(s, SCAN_CMD) || SCAN_USES.test(s.uses ?? '');
export const isMigrationLintStep = (s: Step): boolean => runs(s, MIGRATION_LINT_CMD) || MIGRATION_LINT_USES.test(s.uses ?? '');
export const isDeployStep = (s: Step): boolean => !PAGES.test(s.uses ?? '') && (runs(s, DEPLOY_CMD) || DEPLOY_USES.test(s.uses ?? ''));
export const isTagStep = (s: Step): boolean => runs(s, TAG_CMD) || TAG_USES.test(s.uses ?? '');
export const isSmokeStep = (s: Step): boolean => SMOKE.test(`${s.name ?? ''}\n${s.run ? stripComments(s.run) : ''}\n${s.uses ?? ''}`);

const label = (j: Job) => `${j.id} ${j.name ?? ''} ${j.stage ?? ''}`;

export function isTestJob(j: Job): boolean {
  return j.steps.some(isTestStep) || (j.steps.length === 0 && /\b(tests?|specs?|unit|integration)\b/i.test(label(j).replace(/[-_]/g, ' ')));
}
export function isScanJob(j: Job): boolean {
  return j.steps.some(isScanStep) || (j.steps.length === 0 && /\b(audit|codeql|trivy|snyk|grype|security[ -]scan|vulnerabilit)/i.test(label(j)));
}
export function isDeployJob(j: Job): boolean {
  if (j.isApprovalGate) return false;
  if (j.steps.some((s) => PAGES.test(s.uses ?? '')) || /github-pages/i.test(j.environment?.name ?? '')) return false;
  if (j.steps.some(isDeployStep)) return true;
  // An environment is a deploy target when it is named like one (or chosen at run time); GitHub
  // environments also guard secrets for publishing (\`npm\`, \`pypi\`), which are not deploys.
  if (j.environment && !/\b(test|ci|preview|review|dev)\b/i.test(j.environment.name)) {
    const env = j.environment.name;
    if (/\$/.test(env) || STAGING.test(env.replace(/[-_.]/g, ' ')) || PRODUCTION.test(env.replace(/[-_.]/g, ' '))) return true;
  }
  // This tool's own job ("deploy-readiness", what init-ci writes) reviews a deploy; it is not one.
  const name = label(j).replace(/[-_]/g, ' ').replace(/\bdeploy readiness\b/gi, '');
  return /\b(deploy|deployment|release to|rollout|promote)\b/i.test(name) && !/\b(docs?|pages|preview)\b/i.test(name);
}

export type Target = 'production' | 'staging' | 'other';
const STAGING = /\b(stg|staging|preprod|pre prod|uat|qa|sandbox)\b/i;
const PRODUCTION = /\b(prod|production|live|prd)\b/i;

/** Where a deploy job deploys: its environment name first, then its name and commands. */
export function deployTarget(j: Job): Target {
  let env = j.environment?.name ?? '';
  // An expression (`\${{ inputs.stage || 'production' }}`): judge by the names it can yield.
  if (/\$\{\{|\$\(|\$[A-Z_]/.test(env)) env = [...env.matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]).join(' ');
  env = env.replace(/[-_.]/g, ' ');
  if (env) {
    if (STAGING.test(env)) return 'staging';
    if (PRODUCTION.test(env)) return 'production';
  }
  const text = `${label(j)}`.replace(/[-_.]/g, ' ');
  if (STAGING.test(text)) return 'staging';
  if (PRODUCTION.test(text)) return 'production';
  const cmds = j.steps.map((s) => `${s.run ?? ''} ${Object.values(s.inputs).map((i) => i.value).join(' ')}`).join(' ').replace(/[-_.]/g, ' ');
  if (STAGING.test(cmds)) return 'staging';
  if (PRODUCTION.test(cmds)) return 'production';
  return 'other';
}

export function isSmokeJob(j: Job): boolean {
  return /\b(smoke|health|synthetic|e2e|sanity|verify)\b/i.test(label(j).replace(/[-_]/g, ' ')) || j.steps.some(isSmokeStep);
}

/** Commit messages that tell CI to skip the commit. */
export const SKIP_CI = /\[(skip ci|ci skip|no ci|skip actions|actions skip)\]|\*\*\*NO_CI\*\*\*|^skip-checks:\s*true\s*$/im;

/** Does a scan step's own configuration make it unable to fail the build? Returns the reason. */
export function scanCannotFail(s: Step): { reason: string; at?: 'continue-on-error' | 'or-true' | 'exit-code' } | undefined {
  if (s.continueOnError) return { reason: 'continue-on-error is set, so its failure does not fail the job', at: 'continue-on-error' };
  if (s.run && /\|\|\s*(true|:|exit\s+0)\b/.test(stripComments(s.run))) return { reason: '`|| true` swallows its exit code', at: 'or-true' };
  const exit = s.inputs['exit-code'] ?? s.inputs['exitCode'] ?? s.inputs['fail-build'];
  if (exit && /^(0|false)$/i.test(exit.value.trim())) return { reason: `${s.inputs['fail-build'] ? 'fail-build' : 'exit-code'} is ${exit.value}, so vulnerabilities do not fail it`, at: 'exit-code' };
  if (s.run && /\b(trivy|grype)\b[^\n]*--exit-code[ =]0\b/.test(s.run)) return { reason: '--exit-code 0 never fails on vulnerabilities', at: 'exit-code' };
  return undefined;
}
