import type { Range } from '../model';

/**
 * A CI configuration read into one shape, whatever the CI system: jobs with their steps, what
 * triggers them, what they wait for and where each piece sits in the file. Rules read this model;
 * each reader (GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Bitbucket, Jenkinsfile)
 * only fills it.
 */
export type CiSystem = 'github-actions' | 'gitlab' | 'circleci' | 'azure' | 'bitbucket' | 'jenkins';

export const CI_SYSTEM_NAMES: Record<CiSystem, string> = {
  'github-actions': 'GitHub Actions',
  gitlab: 'GitLab CI',
  circleci: 'CircleCI',
  azure: 'Azure Pipelines',
  bitbucket: 'Bitbucket Pipelines',
  jenkins: 'Jenkins',
};

export interface Step {
  /** Display name (step name, or the command's first line). */
  name?: string;
  /** Shell commands the step runs (all script lines joined with newlines). */
  run?: string;
  /** The bodies of the root package.json scripts the step runs (`npm run ci` → `turbo run test:e2e`), one level. */
  expands?: string;
  /** Action/orb/task reference: `actions/checkout@v4`, `Docker@2`, `snyk/scan`. */
  uses?: string;
  usesRange?: Range;
  /** Inputs of the action/task (`with:`/`inputs:`), scalar values only. */
  inputs: Record<string, { value: string; range: Range; keyRange: Range }>;
  range: Range;
  /** The `run`/`script` scalar (for edits of the command). */
  runRange?: Range;
  /** A failure of this step does not fail the job. */
  continueOnError?: { range: Range; keyRange: Range };
}

export interface Job {
  /** The job's key (GitHub/GitLab/CircleCI id, Azure job name, Bitbucket/Jenkins step/stage name). */
  id: string;
  name?: string;
  /** The job's key in the file: findings about the job point here. */
  keyRange: Range;
  /** The whole job (key and body). */
  range: Range;
  /** Column at which the job's own keys are written (for inserted lines); undefined when not a block mapping. */
  bodyIndent?: number;
  steps: Step[];
  /** File the job is written in when it is not the pipeline's own file (GitLab local include). */
  file?: string;
  /** A local reusable workflow / template this job calls (its jobs count as this job's). */
  calls?: string;
  /** Job-level concurrency control (GitHub `concurrency`, GitLab `resource_group`). */
  concurrency?: Range;
  /** Jobs this one waits for (GitHub `needs`, CircleCI `requires`, Azure `dependsOn`, GitLab `needs`). */
  needs: string[];
  needsRange?: Range;
  /** GitLab stage / Azure stage / Jenkins position, for implicit ordering. */
  stage?: string;
  /** Index of the stage in the pipeline's stage order (earlier stages finish first). */
  stageIndex?: number;
  environment?: { name: string; range: Range };
  /** Needs a person to start or approve it (manual job, approval job, `input` step, protected env). */
  manual?: { range: Range; how: string };
  /** The job may fail without failing the pipeline. */
  allowFailure?: { range: Range; keyRange: Range };
  /** Events/branches this job runs on, when known. */
  triggers: Triggers;
  /** Set when the job's logic lives elsewhere (reusable workflow from another repository, remote template). */
  opaque?: { reason: string; range: Range };
  /** CircleCI approval job / GitLab manual gate job: only a gate. */
  isApprovalGate?: boolean;
}

export interface Triggers {
  /** Runs for pull/merge requests. undefined: unknown (not restricted). */
  pullRequest?: boolean;
  /** Branches a push runs on; undefined: every branch; [] : never on push. */
  pushBranches?: string[];
  /** Runs on tags only. */
  tagsOnly?: boolean;
  /** Only on manual dispatch / schedule. */
  manualOnly?: boolean;
}

export interface Pipeline {
  file: string;
  /** The workflow's display name (GitHub `name:`), when it has one. */
  name?: string;
  system: CiSystem;
  jobs: Job[];
  /** Workflow-level triggers (jobs inherit them). */
  triggers: Triggers;
  triggersRange?: Range;
  /** Parse errors or shape problems: the file could not be read as a pipeline. */
  problems: { message: string; range: Range }[];
  /** The reader threw (an engine bug, not a bad file): reported as engine/analysis-failed. */
  failed?: unknown;
  /** Parts whose logic cannot be read statically (remote includes, generated child pipelines, dynamic config). */
  opaque: { reason: string; range: Range }[];
  /** Local files this pipeline includes (GitLab `include: local`). */
  includes: { path: string; range: Range }[];
  /** Security scans enabled by a CI-provided template (GitLab `Security/*.gitlab-ci.yml`). */
  templateScans: { name: string; range: Range }[];
  /** Workflow-level `concurrency` (GitHub) or equivalent. */
  concurrency?: Range;
  /** The document's text, for edits. */
  text: string;
}
