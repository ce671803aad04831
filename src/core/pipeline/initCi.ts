import { createTwoFilesPatch } from 'diff';
import { isMap, isSeq } from 'yaml';
import type { FileReader } from '../reader';
import { YamlDoc } from './yamlDoc';

/**
 * `deploy-readiness init-ci`: plans the CI file(s) that run Deploy Readiness (GitHub: the Action;
 * GitLab: `deploy-readiness check` from npm) for the CI system the repository uses. Pure: reads through the injected reader and returns the planned
 * changes; the CLI and the editor command show the diff and write.
 */
export type InitCiSystem = 'github' | 'gitlab';
export const INIT_CI_SYSTEMS: readonly InitCiSystem[] = ['github', 'gitlab'];

export const GITHUB_WORKFLOW = '.github/workflows/deploy-readiness.yml';
export const GITLAB_FRAGMENT = '.gitlab/deploy-readiness.gitlab-ci.yml';
export const GITLAB_ROOT = '.gitlab-ci.yml';

export interface PlannedFile {
  file: string;
  /** Current content; undefined when the file does not exist. */
  before?: string;
  after: string;
  /** create: new file; update: an edit of a file the user owns (include line); unchanged; conflict: the file exists with other content. */
  action: 'create' | 'update' | 'unchanged' | 'conflict';
}

export interface InitCiPlan {
  system: InitCiSystem;
  /** Why this system was chosen. */
  detectedFrom: string;
  baseBranch: string;
  files: PlannedFile[];
  /** Something the user must do by hand (e.g. an `include` the tool cannot edit safely). */
  manual?: string;
}

export interface InitCiOptions {
  system?: InitCiSystem;
  /** Default branch to compare with; default main. */
  baseBranch?: string;
  /** Names of top-level entries of the workspace (to detect `.github`, `.gitlab-ci.yml`). */
  exists: (rel: string) => Promise<boolean>;
  /** The repository's remote URL, when known (git config), to tell GitHub from GitLab. */
  remoteUrl?: string;
}

const HEADER = '# Written by `deploy-readiness init-ci`. Re-running it keeps this file as long as it is unchanged;\n# edit it freely (init-ci then asks before overwriting, or needs --force).\n';

/** The Action a written workflow uses (action.yml at the root of this repository; the major tag). */
export const ACTION_REF = 'deploy-readiness/deploy-readiness@v0';

export function githubWorkflow(base: string): string {
  return `${HEADER}name: Deploy Readiness
on:
  pull_request:
  push:
    branches: [${base}]
permissions:
  contents: read
  security-events: write
concurrency:
  group: deploy-readiness-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  deploy-readiness:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      # Annotations on the pull request, the report in the job summary, SARIF for code scanning.
      - name: Deploy Readiness
        id: deploy-readiness
        uses: ${ACTION_REF}
        with:
          # A pull request is compared with its target branch; a push with ${base}.
          base: \${{ github.base_ref || '${base.replace(/'/g, "''")}' }}
      - name: Upload to code scanning
        if: always() && steps.deploy-readiness.outputs.sarif-file != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: \${{ steps.deploy-readiness.outputs.sarif-file }}
          category: deploy-readiness
`;
}

export function gitlabJob(stage: string): string {
  return `${HEADER}deploy-readiness:
  stage: ${stage}
  image: node:20
  variables:
    GIT_DEPTH: 0
  script:
    - git fetch origin "$CI_DEFAULT_BRANCH"
    - npx --yes deploy-readiness@0 check --base "origin/$CI_DEFAULT_BRANCH" --format gitlab --fail-on never > gl-code-quality-report.json
    - npx --yes deploy-readiness@0 check --base "origin/$CI_DEFAULT_BRANCH" --format text
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
`;
}

async function readOpt(reader: FileReader, rel: string): Promise<string | undefined> {
  const r = await reader.read(rel);
  return r.kind === 'text' ? r.text : undefined;
}

function planFile(file: string, before: string | undefined, after: string): PlannedFile {
  if (before === undefined) return { file, after, action: 'create' };
  if (before.replace(/\r\n/g, '\n') === after) return { file, before, after: before, action: 'unchanged' };
  return { file, before, after, action: 'conflict' };
}

export async function detectSystem(opts: InitCiOptions): Promise<{ system: InitCiSystem; from: string }> {
  if (opts.system) return { system: opts.system, from: '--system' };
  if (await opts.exists(GITLAB_ROOT)) return { system: 'gitlab', from: GITLAB_ROOT };
  if (await opts.exists('.github/workflows')) return { system: 'github', from: '.github/workflows' };
  if (opts.remoteUrl && /gitlab/i.test(opts.remoteUrl)) return { system: 'gitlab', from: 'the git remote' };
  if (opts.remoteUrl && /github\.com/i.test(opts.remoteUrl)) return { system: 'github', from: 'the git remote' };
  if (await opts.exists('.gitlab')) return { system: 'gitlab', from: '.gitlab/' };
  return { system: 'github', from: 'the default (no CI configuration found)' };
}

export async function planInitCi(reader: FileReader, opts: InitCiOptions): Promise<InitCiPlan> {
  const { system, from } = await detectSystem(opts);
  const baseBranch = opts.baseBranch ?? 'main';
  if (system === 'github') {
    return { system, detectedFrom: from, baseBranch, files: [planFile(GITHUB_WORKFLOW, await readOpt(reader, GITHUB_WORKFLOW), githubWorkflow(baseBranch))] };
  }
  const root = await readOpt(reader, GITLAB_ROOT);
  const plan: InitCiPlan = { system, detectedFrom: from, baseBranch, files: [] };
  if (root === undefined) {
    plan.files.push(planFile(GITLAB_ROOT, undefined, gitlabJob('test').replace(HEADER, `${HEADER}# The default stages (build, test, deploy) apply; add your own jobs below.\n`)));
    return plan;
  }
  const y = new YamlDoc(root);
  if (y.errors.length) {
    plan.manual = `${GITLAB_ROOT} is not valid YAML (${y.errors[0].message}); fix it, then add \`include: [{ local: ${GITLAB_FRAGMENT} }]\``;
  }
  // Does the root file already run deploy-readiness (directly or through the fragment)?
  if (/deploy-readiness(?:@[\w.^~-]+)?\s+check/.test(root) && !root.includes(GITLAB_FRAGMENT)) {
    plan.files.push({ file: GITLAB_ROOT, before: root, after: root, action: 'unchanged' });
    return plan;
  }
  const stages = y.root ? y.strings(y.get(y.root, 'stages')) : [];
  const stage = !stages.length || stages.includes('test') ? 'test' : stages[0];
  plan.files.push(planFile(GITLAB_FRAGMENT, await readOpt(reader, GITLAB_FRAGMENT), gitlabJob(stage)));
  if (plan.manual) return plan;
  if (root.includes(GITLAB_FRAGMENT)) {
    plan.files.push({ file: GITLAB_ROOT, before: root, after: root, action: 'unchanged' });
    return plan;
  }
  const eol = root.includes('\r\n') ? '\r\n' : '\n';
  const inc = y.root ? y.pair(y.root, 'include') : undefined;
  let after: string | undefined;
  if (!inc) {
    after = `include:${eol}  - local: ${GITLAB_FRAGMENT}${eol}${eol}${root}`;
  } else {
    const v = y.resolve(inc.value);
    if (isSeq(v) && !v.flow && v.items.length) {
      const last = y.range(v.items[v.items.length - 1]);
      const itemCol = y.range(v.items[0]).start.character;
      const dashCol = Math.max(0, itemCol - 2);
      const lineEnd = y.lines.lineEnd(last.end.character === 0 ? last.end.line - 1 : last.end.line);
      after = `${root.slice(0, lineEnd)}${eol}${' '.repeat(dashCol)}- local: ${GITLAB_FRAGMENT}${root.slice(lineEnd)}`;
    } else if (!isMap(v) && y.str(v) !== undefined) {
      const r = y.range(v);
      const a = y.lines.offsetAt(r.start);
      const b = y.lines.offsetAt(r.end);
      after = `${root.slice(0, a)}[${JSON.stringify(y.str(v))}, { local: ${GITLAB_FRAGMENT} }]${root.slice(b)}`;
    }
  }
  if (after === undefined) plan.manual = `add \`- local: ${GITLAB_FRAGMENT}\` to the \`include\` of ${GITLAB_ROOT}`;
  else plan.files.push({ file: GITLAB_ROOT, before: root, after, action: 'update' });
  return plan;
}

/** A unified diff of the plan (what `--dry-run` prints and the editor previews). */
export function planDiff(plan: InitCiPlan): string {
  return plan.files
    .filter((f) => f.action !== 'unchanged')
    .map((f) => createTwoFilesPatch(f.before === undefined ? '/dev/null' : `a/${f.file}`, `b/${f.file}`, f.before ?? '', f.after, undefined, undefined, { context: 3 }).replace(/^=+\n/m, ''))
    .join('');
}
