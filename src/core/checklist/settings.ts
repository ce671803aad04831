import { bool, list, num, obj, removed, str, type Schema } from '../schema';
import { pipelineDefaults, pipelineSchema, staleFlagDefaults, staleFlagSchema, type PipelineSettings, type StaleFlagSettings } from '../pipeline/settings';

/** When deploys are allowed. Times are "HH:MM" in `timezone` (an IANA name; default UTC). */
export interface DeployWindowSettings {
  timezone: string;
  /** Allowed weekdays: mon tue wed thu fri sat sun. */
  days: string[];
  /** Allowed hours, "HH:MM-HH:MM" (end exclusive). */
  hours: string;
  /** On Fridays, deploys after this time are warned about ("late Friday"); empty: no cut-off. */
  fridayCutoff: string;
  /** Freeze dates: "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" (inclusive). A deploy inside one fails the item. */
  freeze: string[];
}

export interface ManualItemSettings {
  id: string;
  title: string;
  required: boolean;
}

export interface RollbackSettings {
  /** Abort when the error rate exceeds this multiple of the baseline. */
  errorRateFactor: number;
  /** Abort when p99 latency exceeds this multiple of the baseline. */
  p99Factor: number;
  /** Who is told about a rollback (channels, handles, teams). */
  notify: string[];
  /** The rollback command, when the one detected from the repository is wrong or missing. */
  command: string;
  /** The target the code rollback path has to meet, in minutes (the seeds: under five). */
  targetMinutes: number;
  /** Measured minutes per step (0: not estimated). Nothing is invented when a figure is missing. */
  minutes: RollbackMinutes;
}

export interface RollbackMinutes {
  /** Switching the new flags off. */
  flags: number;
  /** Rolling the code back (the deploy tool's rollback). */
  code: number;
  /** Verifying (health checks, error rate back at baseline). */
  verify: number;
  /** Reversing one migration (down step). */
  migration: number;
  /** Restoring the database from backup (an irreversible migration). */
  restore: number;
}

export interface RunbookSettings {
  /** Output path; {date} and {branch} are replaced. */
  path: string;
  /** Traffic percentages of the staged rollout, in order. */
  stages: number[];
  /** Minutes to watch each stage before the next. */
  stageMinutes: number;
}

export interface ChecklistSettings {
  /** Report uncommitted changes in the working tree. */
  requireCleanTree: boolean;
  /** Items whose failure (or, for manual items, missing tick) blocks the deploy. */
  required: string[];
  window: DeployWindowSettings;
  /** Extra manual items (ticked by hand). */
  manual: ManualItemSettings[];
  rollback: RollbackSettings;
  runbook: RunbookSettings;
  pipeline: PipelineSettings;
  staleFlags: StaleFlagSettings;
  /**
   * Receiver names of feature-flag clients created in another file (`flags` for
   * `flags.isEnabled('x')`): their SDK method calls are flag reads without an SDK import in the file.
   */
  flagClients: string[];
}

export const DEFAULT_REQUIRED = ['ci-green', 'clean-tree', 'migrations-compatible', 'env-vars-set', 'rollback-plan', 'deploy-window'];

export const checklistDefaults: ChecklistSettings = {
  requireCleanTree: true,
  required: DEFAULT_REQUIRED,
  window: { timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00', fridayCutoff: '14:00', freeze: [] },
  manual: [{ id: 'stakeholders-notified', title: 'Stakeholders notified (support, on-call, dependent teams)', required: false }],
  rollback: { errorRateFactor: 2, p99Factor: 1.5, notify: [], command: '', targetMinutes: 5, minutes: { flags: 0, code: 0, verify: 0, migration: 0, restore: 0 } },
  runbook: { path: 'docs/runbooks/{date}-{branch}.md', stages: [1, 10, 25, 50, 100], stageMinutes: 15 },
  pipeline: pipelineDefaults,
  staleFlags: staleFlagDefaults,
  flagClients: [],
};

export const checklistSchema: Schema = obj('Pre-deploy checklist, rollback plan and runbook', {
  requireCleanTree: bool('Report uncommitted changes in the working tree'),
  required: list('Checklist items that block the deploy when failed or not ticked', str('item id')),
  window: obj('Deployment window', {
    timezone: str('IANA time zone of the window, e.g. Europe/Berlin'),
    days: list('Allowed weekdays (mon..sun)', str('weekday')),
    hours: str('Allowed hours, "HH:MM-HH:MM"'),
    fridayCutoff: str('Warn about Friday deploys after "HH:MM" (empty: never)'),
    freeze: list('Freeze dates "YYYY-MM-DD" or ranges "YYYY-MM-DD..YYYY-MM-DD"', str('date or range')),
  }),
  manual: list(
    'Extra manual items',
    obj('Manual item', { id: str('Item id (kebab-case)'), title: str('What to check'), required: bool('Blocks the deploy until ticked') }),
  ),
  githubApiUrl: removed(
    'Moved to user settings',
    'no longer read from the repository: a repository must not choose where your GitHub token is sent. Set a GitHub Enterprise API URL in the user setting deployReadiness.githubEnterpriseUrl, GITHUB_API_URL in the environment, or the CLI flag --github-api-url; github.com needs nothing',
  ),
  rollback: obj('Rollback plan', {
    errorRateFactor: num('Abort when the error rate exceeds this multiple of the baseline', { min: 1 }),
    p99Factor: num('Abort when p99 latency exceeds this multiple of the baseline', { min: 1 }),
    notify: list('Whom to notify about a rollback', str('channel, handle or team')),
    command: str('Rollback command (overrides the one detected from the repository)'),
    targetMinutes: num('Time the code rollback must fit in, in minutes', { min: 1 }),
    minutes: obj('Measured minutes per rollback step (0: not estimated)', {
      flags: num('Minutes to switch the new flags off', { min: 0 }),
      code: num('Minutes to roll the code back', { min: 0 }),
      verify: num('Minutes to verify after a rollback', { min: 0 }),
      migration: num('Minutes to reverse one migration with its down step', { min: 0 }),
      restore: num('Minutes to restore the database from backup', { min: 0 }),
    }),
  }),
  runbook: obj('Deployment runbook', {
    path: str('Output path; {date} and {branch} are replaced'),
    stages: list('Traffic percentages of the staged rollout', num('percent', { min: 0, max: 100 })),
    stageMinutes: num('Minutes to watch each stage', { min: 1 }),
  }),
  pipeline: pipelineSchema,
  staleFlags: staleFlagSchema,
  flagClients: list('Receiver names of feature-flag clients created in another file (e.g. "flags" for flags.isEnabled("x")): their SDK method calls count as flag reads', str('identifier')),
});

/**
 * Matches the files the runbook command generates (`checklist.runbook.path`, `{date}` and `{branch}`
 * filled in): they are not uncommitted work, so the clean-tree item and finding ignore them.
 * Placeholders match within one path segment; the match is anchored and linear in the path.
 */
export function generatedRunbookMatcher(pattern: string): (path: string) => boolean {
  const parts = pattern.split(/(\{date\}|\{branch\})/);
  const src = parts
    .map((p) => (p === '{date}' ? '\\d{4}-\\d{2}-\\d{2}' : p === '{branch}' ? '[^/]*' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  if (parts.filter((p) => p === '{branch}').length > 1) {
    // Two unbounded segments could backtrack: fall back to comparing the directory and extension only.
    const dir = pattern.includes('/') ? pattern.slice(0, pattern.lastIndexOf('/') + 1) : '';
    return (path) => !dir.includes('{') && path.startsWith(dir) && !path.slice(dir.length).includes('/') && path.endsWith('.md');
  }
  const re = new RegExp(`^${src}$`);
  return (path) => path.length <= 4096 && re.test(path);
}
