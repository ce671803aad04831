import type { Job, Step } from './model';

/**
 * What a step or job does, recognised from the commands it runs and the actions it uses. Patterns
 * match whole words in shell commands (after comments are removed), never file contents elsewhere.
 */

/** Anything with `test(text)`: a linear-time regular expression or one of the matchers below. */
interface Matcher {
  test(text: string): boolean;
}

/**
 * `tool [link…] target`: a token ending in the tool's name, then whitespace-separated tokens each
 * matching `link`, then a token starting with `target`. One pass over the tokens (a regular
 * expression `tool\s+(link\s+)*target` backtracks quadratically on `tool x tool x …`).
 */
function toolThenArg(tool: RegExp, link: RegExp, target: RegExp): Matcher {
  return {
    test(text) {
      let inChain = false;
      for (const tok of text.split(/\s+/)) {
        if (inChain && target.test(tok)) return true;
        if (tool.test(tok)) inChain = true;
        else if (!inChain || !link.test(tok)) inChain = false;
      }
      return false;
    },
  };
}

/** `start`, then `then` later on the same line: only each line's first `start` is tried, so it is linear. */
function thenOnLine(start: RegExp, then: RegExp): Matcher {
  return {
    test(text) {
      for (const line of text.split('\n')) {
        const m = start.exec(line);
        if (m && then.test(line.slice(m.index + m[0].length))) return true;
      }
      return false;
    },
  };
}

const TEST_CMD: Matcher[] = [
  /\b(npm|pnpm|yarn|bun)\s+(run\s+)?(test|tests|test:[\w:-]+|ci-test|test-ci)\b/,
  /\b(npx\s+)?(jest|vitest|mocha|ava|tap|karma|playwright\s+test|cypress\s+run)\b/,
  /\b(turbo|nx|lerna)\s+(run|run-many\s+(-t|--targets?[= ]))\s*(test|tests|test:[\w:-]+|e2e)\b/,
  /\b(pytest|py\.test|tox|nox)\b|\bpython3?\s+-m\s+(pytest|unittest)\b|\bmanage\.py\s+test\b/,
  /\bgo\s+test\b/,
  /\bcargo\s+(test|nextest)\b/,
  toolThenArg(/(?:^|\W)mvnw?$/, /^[\w:.=-]+$/, /^(?:test|verify|install)\b/),
  toolThenArg(/(?:^|\W)gradlew?$/, /^[\w:.=-]+$/, /^(?:test|check|build)\b/),
  /\b(rspec|rake\s+(test|spec)|rails\s+test|bin\/rails\s+test)\b/,
  /\bdotnet\s+test\b/,
  /\bmake\s+(test|check)\b/,
  /\b(phpunit|pest|composer\s+test)\b/,
  /\bmix\s+test\b/,
  /\bswift\s+test\b/,
];

const SCAN_CMD: Matcher[] = [
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

const MIGRATION_LINT_CMD: Matcher[] = [
  /\bdeploy-readiness(?:@[\w.^~-]+)?\s+check\b/,
  /\bsquawk\b/,
  /\bpgfence\b/,
  /\beugene\s+(lint|trace)\b/,
  /\bstrong_migrations\b|\brake\s+strong_migrations/,
  /\blintmigrations\b|django-migration-linter/,
  /\batlas\s+migrate\s+lint\b/,
];
const MIGRATION_LINT_USES = /^(sbdchd\/squawk-action|deploy-readiness\/|ariga\/atlas-action\/migrate\/lint)/i;

const DEPLOY_CMD: Matcher[] = [
  /\bkubectl\s+(apply|set\s+image|rollout\s+restart|replace)\b/,
  /\bhelm\s+(upgrade|install)\b/,
  /\bhelmfile\s+(apply|sync)\b/,
  /\bterraform\s+apply\b/,
  /\b(flyctl|fly)\s+deploy\b/,
  /\bheroku\s+(container:release|releases|deploy)|git\s+push\s+\S*heroku/,
  thenOnLine(/\bvercel\b/, /--prod\b/),
  thenOnLine(/\bnetlify\s+deploy\b/, /--prod\b/),
  /\b(serverless|sls)\s+deploy\b/,
  /\baws\s+(ecs\s+update-service|deploy\s+create-deployment|lambda\s+update-function-code|elasticbeanstalk|cloudformation\s+deploy)\b/,
  /\bsam\s+deploy\b|\bcdk\s+deploy\b/,
  /\bgcloud\s+(run\s+deploy|app\s+deploy|functions\s+deploy)\b/,
  /\baz\s+(webapp|containerapp|functionapp)\s+(up|deploy|update)\b/,
  /\b(cap|capistrano)\s+\w+\s+deploy\b|\bkamal\s+deploy\b/,
  /\bargocd\s+app\s+sync\b/,
  thenOnLine(/\bansible-playbook\b/, /deploy/),
  /\bskaffold\s+(run|deploy)\b/,
  /\bwrangler\s+(deploy|publish)\b/,
  /\brailway\s+up\b|\brender\s+deploy\b/,
  /\bsst\s+deploy\b|\bpulumi\s+up\b|\bdokku\b|\bcopilot\s+(svc|job)\s+deploy\b/,
];
const DEPLOY_USES = /^(azure\/(webapps-deploy|k8s-deploy|functions-action|container-apps-deploy-action)|aws-actions\/amazon-ecs-deploy-task-definition|google-github-actions\/deploy-(cloudrun|appengine)|superfly\/flyctl-actions|akhileshns\/heroku-deploy|amondnet\/vercel-action|cloudflare\/wrangler-action|appleboy\/ssh-action|aws-ecs\/deploy|aws-ecr\/|kubernetes\/|heroku\/deploy|AzureWebApp|AzureRmWebAppDeployment|KubernetesManifest|HelmDeploy|AzureFunctionApp|atlassian\/(aws-ecs-deploy|aws-elasticbeanstalk-deploy|aws-lambda-deploy|kubectl-run|helm-deploy|heroku-deploy|azure-web-apps-deploy|google-cloud-run-deploy|ssh-run|scp-deploy|aws-code-deploy|aws-s3-deploy|firebase-deploy))/i;
/** Deploys of a documentation site, not of the service. */
const PAGES = /^(actions\/deploy-pages|peaceiris\/actions-gh-pages|JamesIves\/github-pages-deploy-action)/i;

const SMOKE_WORDS = /\b(smoke|healthcheck|health-check|health_check|synthetic|e2e|end-to-end|sanity|verify[-_ ]deploy)\b/i;
const CURL_FAIL = toolThenArg(/curl$/i, /^-\S+$/, /^(?:--fail|-f\b)/i);
const SMOKE: Matcher = { test: (text) => SMOKE_WORDS.test(text) || CURL_FAIL.test(text) };

const TAG_CMD: Matcher[] = [/\bgit\s+tag\b/, thenOnLine(/\bgit\s+push\s/, /--tags\b/), /\bgh\s+release\s+create\b/, /\bsemantic-release\b/, /\brelease-cli\s+create\b/, /\bchangesets?\s+(publish|tag)\b/, /\bgoreleaser\b/];
const TAG_USES = /^(softprops\/action-gh-release|actions\/create-release|ncipollo\/release-action|mathieudutour\/github-tag-action|anothrNick\/github-tag-action|rickstaa\/action-create-tag|googleapis\/release-please-action|google-github-actions\/release-please-action|cycjimmy\/semantic-release-action|goreleaser\/goreleaser-action|changesets\/action|GitHubRelease|gitlab-release)/i;

/** Shell text without `#` comments (so a commented-out command does not count). */
export function stripComments(script: string): string {
  return script
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');
}

function runs(step: Step, patterns: Matcher[]): boolean {
  if (!step.run) return false;
  const s = stripComments(step.run) + (step.expands ? `\n${step.expands}` : '');
  return patterns.some((p) => p.test(s));
}

/** `npm run ci`, `yarn ci`, `pnpm ci`, `bun run ci`: the names of package.json scripts a command runs. */
const PKG_SCRIPT = /\b(?:npm|pnpm|bun)\s+run(?:-script)?\s+([\w:.-]+)|\byarn\s+(?:run\s+)?([\w:.-]+)|\bpnpm\s+([\w:.-]+)/g;

/** Fills `expands` on each step that runs a script of the root package.json, so `npm run ci` counts as what `ci` runs. */
export function expandPackageScripts(steps: Step[], scripts: ReadonlyMap<string, string>): void {
  if (!scripts.size) return;
  for (const step of steps) {
    if (!step.run) continue;
    const bodies = [...stripComments(step.run).matchAll(PKG_SCRIPT)].map((m) => scripts.get(m[1] ?? m[2] ?? m[3] ?? '')).filter((b): b is string => !!b);
    if (bodies.length) step.expands = bodies.join('\n');
  }
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
/** Words of a job, workflow or environment name, split on `-`, `_`, `.` and `/`. */
const words = (s: string): string => s.replace(/[-_./]/g, ' ');
/** Our own gate (`deploy-readiness check`, the action, the `deploy-readiness` job of init-ci) is not a deploy. */
const OURS = /\bdeploy readiness\b/gi;
/** Jobs that remove an environment rather than deploy one. */
const TEARDOWN = /\b(?:clean ?up|teardown|tear down|destroy|remove|delete|uninstall|decommission)\b/i;
/** Short-lived or non-production targets named in job, workflow and step names and in commands: test clusters, pull-request previews, dev environments. A bare "test" is not enough there ("test-and-deploy" deploys production). */
const TEST_TARGET = /\b(?:preview|previews|review apps?|pr|prs|pull request|dev|development|ephemeral|temp|temporary|testenvs?|test env(?:ironment)?s?|test clusters?|testing|deploy(?:ment)? tests?)\b/i;
/** Environment names are names of a target only, so a bare "test" there is evidence. */
const TEST_ENV = /\b(?:tests?|ci|e2e|review)\b/i;
const labelOf = (j: Job): string => words(label(j)).replace(OURS, ' ');

export function isDeployJob(j: Job): boolean {
  if (j.isApprovalGate) return false;
  if (j.steps.some((s) => PAGES.test(s.uses ?? '')) || /github-pages/i.test(j.environment?.name ?? '')) return false;
  const hasDeployStep = j.steps.some(isDeployStep);
  const name = labelOf(j);
  // "Remove test environment deployment", `cleanup-namespace`: tearing an environment down is not a deploy.
  if (!hasDeployStep && (TEARDOWN.test(name) || TEARDOWN.test(words(j.environment?.name ?? '')))) return false;
  if (hasDeployStep) return true;
  // An environment is a deploy target when it is named like one (or chosen at run time); GitHub
  // environments also guard secrets for publishing (\`npm\`, \`pypi\`), which are not deploys.
  if (j.environment && !/\b(test|ci|preview|review|dev)\b/i.test(j.environment.name)) {
    const env = words(j.environment.name);
    if (/\$/.test(env) || STAGING.test(env) || PRODUCTION.test(env)) return true;
  }
  return /\b(deploy|deployment|release to|rollout|promote)\b/i.test(name) && !/\b(docs?|pages|preview)\b/i.test(name);
}

/**
 * Where a deploy job deploys. `test` covers test clusters, previews and dev environments;
 * `other` means there is no evidence either way, and is never treated as production.
 */
export type Target = 'production' | 'staging' | 'test' | 'other';
const STAGING = /\b(stg|staging|preprod|pre prod|uat|qa|sandbox)\b/i;
const PRODUCTION = /\b(prod|production|live|prd)\b/i;

export interface TargetEvidence {
  /** The workflow's own name (GitHub `name:`), e.g. "Deploy to Production". */
  workflowName?: string;
  /** `checklist.pipeline.protectedEnvironments`, lower-cased: environments the team says guard production. */
  protectedEnvironments?: ReadonlySet<string>;
  /** Branches production deploys from (`checklist.pipeline.deployBranch`, else the base branch, main, master). */
  deployBranches?: readonly string[];
}

function classifyText(text: string, env = false): Target | undefined {
  if (TEARDOWN.test(text) || TEST_TARGET.test(text) || (env && TEST_ENV.test(text))) return 'test';
  if (STAGING.test(text)) return 'staging';
  if (PRODUCTION.test(text)) return 'production';
  return undefined;
}

/**
 * Where a deploy job deploys, from evidence only, strongest first: its environment (a protected one
 * is production), the job's and workflow's names, the deploy commands, then the branch or tags it
 * deploys from. A job with none of these is `other`: never guessed to be production.
 */
export function deployTarget(j: Job, ev: TargetEvidence = {}): Target {
  let env = j.environment?.name ?? '';
  if (env && ev.protectedEnvironments?.has(env.replace(/ \(.*\)$/, '').toLowerCase())) return 'production';
  // An expression (`\${{ inputs.stage || 'production' }}`): judge by the names it can yield.
  if (/\$\{\{|\$\(|\$[A-Z_]/.test(env)) env = [...env.matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]).join(' ');
  const byEnv = env ? classifyText(words(env), true) : undefined;
  if (byEnv) return byEnv;
  const byName = classifyText(labelOf(j)) ?? (ev.workflowName ? classifyText(words(ev.workflowName).replace(OURS, ' ')) : undefined);
  if (byName) return byName;
  const deploySteps = j.steps.filter(isDeployStep);
  const cmds = words(deploySteps.map((s) => `${s.name ?? ''} ${s.run ? stripComments(s.run) : ''} ${Object.values(s.inputs).map((i) => i.value).join(' ')}`).join(' '));
  const byCmd = classifyText(cmds);
  if (byCmd) return byCmd;
  // Deploying on every push to the deploy branch, or on release tags, is the production deploy.
  // (A push trigger without a branch filter runs on the deploy branch too.)
  if (deploySteps.length && !j.triggers.manualOnly) {
    if (j.triggers.tagsOnly) return 'production';
    const branches = ev.deployBranches ?? ['main', 'master'];
    const push = j.triggers.pushBranches;
    if (push === undefined || push.some((b) => branches.includes(b))) return 'production';
  }
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
  if (s.run && thenOnLine(/\b(trivy|grype)\b/, /--exit-code[ =]0\b/).test(s.run)) return { reason: '--exit-code 0 never fails on vulnerabilities', at: 'exit-code' };
  return undefined;
}
