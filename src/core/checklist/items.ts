import type { WorkingTreeStatus } from '../git';
import type { CiResult } from '../github/client';
import { decidingFindings, type FlagFact, type Report, type Verdict } from '../model';
import { extractSection } from '../plan/section';
import { generatedRunbookMatcher, type ChecklistSettings, type DeployWindowSettings } from './settings';

/**
 * The pre-deploy checklist: items computed from the report, git and GitHub where they can be,
 * ticked by hand where they cannot. `computeChecklist` is pure: every input is passed in.
 */
export type ItemState = 'pass' | 'fail' | 'unknown' | 'manual';

export interface Tick {
  by: string;
  /** ISO 8601 time of the tick. */
  at: string;
  /** What was ticked (e.g. the set of variables); a tick for another set does not count. */
  fingerprint?: string;
}

export interface ChecklistItem {
  id: string;
  title: string;
  state: ItemState;
  reason: string;
  /** A failed (or, when manual, unticked) required item blocks the deploy. */
  required: boolean;
  /** A failed advisory item asks for review but never blocks (e.g. outside deploy hours). */
  advisory?: boolean;
  /** Manual items can be ticked; `tick` says who ticked and when. */
  tickable: boolean;
  tick?: Tick;
  /** Names (variables, migrations, flags, checks) behind the reason. */
  details?: string[];
  fingerprint?: string;
}

export interface Checklist {
  items: ChecklistItem[];
  /** The findings' verdict combined with the checklist's. */
  verdict: Verdict;
  branch?: string;
}

export type Lookup<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ChecklistInput {
  report: Report;
  settings: ChecklistSettings;
  trusted: boolean;
  now: Date;
  status?: WorkingTreeStatus;
  /** Commits on the base branch that HEAD does not have; undefined when unknown. */
  behindBase?: number;
  ci?: Lookup<CiResult>;
  /** The open PR's body; `value: null` when there is no open PR. */
  pr?: Lookup<{ number: number; url: string; body: string } | null>;
  /** Flag keys new on this branch, and whether the branch changes source code at all; undefined without a base. */
  flags?: { added: FlagFact[]; sourceChanged: boolean };
  /** Whether the branch changes code other than migrations. */
  codeChanged?: boolean;
  /** Data-losing operations in the branch's migrations (from the plan facts). */
  destructive?: { file: string; ops: string[] }[];
  ticks: Record<string, Tick>;
}

const TITLES: Record<string, string> = {
  'ci-green': 'CI green on the exact HEAD commit',
  'clean-tree': 'Working tree clean',
  'branch-pushed': 'Branch pushed',
  'up-to-date-with-base': 'Branch not behind its base',
  'migrations-compatible': 'Migrations backward-compatible',
  'migrations-first': 'Migrations deployed before the code',
  'env-vars-set': 'New environment variables set in production',
  'feature-flags': 'Risky changes behind feature flags',
  'rollback-plan': 'Rollback plan in the pull request description',
  'deploy-window': 'Inside the deployment window',
};

export const BUILT_IN_ITEMS = Object.keys(TITLES);

function list(names: string[], max = 5): string {
  return names.slice(0, max).join(', ') + (names.length > max ? `, and ${names.length - max} more` : '');
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function computeChecklist(input: ChecklistInput): ChecklistItem[] {
  const { report, settings, trusted } = input;
  const required = new Set(settings.required);
  const items: ChecklistItem[] = [];
  const add = (id: string, state: ItemState, reason: string, extra: Partial<ChecklistItem> = {}) =>
    items.push({ id, title: TITLES[id] ?? id, state, reason, required: required.has(id), tickable: state === 'manual', ...extra });
  const noGit = trusted ? 'git is not available or this is not a repository' : 'Restricted Mode: git is not run in an untrusted workspace';
  const noNet = 'Restricted Mode: GitHub is not contacted in an untrusted workspace';

  // CI on the exact head commit.
  const head = report.facts.head?.commit;
  if (!trusted) add('ci-green', 'unknown', noNet);
  else if (!head) add('ci-green', 'unknown', 'no HEAD commit known (git unavailable)');
  else if (!input.ci) add('ci-green', 'unknown', `not signed in to GitHub: CI of ${head.slice(0, 7)} is not known`);
  else if (!input.ci.ok) add('ci-green', 'unknown', input.ci.reason);
  else {
    const ci = input.ci.value;
    const at = head.slice(0, 7);
    if (ci.state === 'success') add('ci-green', 'pass', `${plural(ci.total, 'check')} passed on ${at}`);
    else if (ci.state === 'failure') add('ci-green', 'fail', `failing on ${at}: ${list(ci.failing)}`, { details: ci.failing });
    else if (ci.state === 'pending') add('ci-green', 'unknown', `still running on ${at}: ${list(ci.pending)}`, { details: ci.pending });
    else add('ci-green', 'unknown', `no checks or statuses reported for ${at} (is the commit pushed?)`);
  }

  // Working tree and branch.
  const st = input.status;
  const runbook = generatedRunbookMatcher(settings.runbook.path);
  const dirty = st?.dirty.filter((d) => !runbook(d.path)) ?? [];
  if (!st) add('clean-tree', 'unknown', noGit);
  else if (dirty.length) add('clean-tree', 'fail', `${plural(dirty.length, 'file')} with uncommitted changes: ${list(dirty.map((d) => d.path))}`, { details: dirty.map((d) => d.path) });
  else add('clean-tree', 'pass', 'nothing uncommitted');
  if (!st) add('branch-pushed', 'unknown', noGit);
  else if (!st.tracking) add('branch-pushed', 'fail', `${st.branch ?? 'HEAD'} has no upstream: push it (git push -u origin ${st.branch ?? 'HEAD'})`);
  else if (st.ahead > 0) add('branch-pushed', 'fail', `${plural(st.ahead, 'commit')} not pushed to ${st.tracking}`);
  else add('branch-pushed', 'pass', `in sync with ${st.tracking}${st.behind ? ` (${st.behind} behind: pull first)` : ''}`);
  const base = report.facts.base;
  if (input.behindBase === undefined || !base) add('up-to-date-with-base', 'unknown', base ? 'could not count the commits on the base branch' : trusted ? 'no base branch to compare with' : noGit);
  else if (input.behindBase > 0) add('up-to-date-with-base', 'fail', `${plural(input.behindBase, 'commit')} on ${base.ref} are not in this branch: merge or rebase, then test again`);
  else add('up-to-date-with-base', 'pass', `contains everything on ${base.ref}`);

  // Migrations.
  // Findings that decide the verdict: the ones this change introduces, unless the scope is all.
  const migFindings = decidingFindings(report).filter((f) => f.area === 'migration' && (f.severity === 'error' || f.data?.backwardCompatible === false));
  const migrations = report.facts.migrations.filter((m) => m.direction !== 'down' && !/\.down\.sql$/i.test(m.file) && (m.isNew || !base));
  if (migFindings.length) {
    const files = [...new Set(migFindings.map((f) => f.file))];
    add('migrations-compatible', 'fail', `${plural(migFindings.length, 'unacknowledged destructive or blocking finding')} in ${list(files)}`, { details: files });
  } else if (input.destructive?.some((d) => d.ops.length)) {
    const ds = input.destructive.filter((d) => d.ops.length);
    const ops = ds.flatMap((d) => d.ops);
    add('migrations-compatible', 'manual', `destructive: ${list(ops)}. The running code must no longer use what is dropped (drop it in a later deploy than the code change); tick once confirmed`, {
      details: ds.map((d) => d.file),
      fingerprint: ops.join(';'),
    });
  } else add('migrations-compatible', 'pass', migrations.length ? `${plural(migrations.length, 'migration')} without blocking findings` : 'no migrations on this branch');
  if (!migrations.length) add('migrations-first', 'pass', 'no migrations on this branch');
  else if (input.codeChanged === false) add('migrations-first', 'pass', 'only migrations change: nothing to order');
  else
    add('migrations-first', 'manual', `deploy ${list(migrations.map((m) => m.file))} before the code that needs ${migrations.length === 1 ? 'it' : 'them'}`, {
      details: migrations.map((m) => m.file),
      fingerprint: migrations.map((m) => m.file).sort().join(','),
    });

  // Environment variables new on this branch.
  const newVars = report.facts.envVars.filter((v) => v.isNew).map((v) => v.name).sort();
  if (!base && trusted) add('env-vars-set', 'unknown', 'no base branch: which variables are new is not known');
  else if (!base) add('env-vars-set', 'unknown', noGit);
  else if (!newVars.length) add('env-vars-set', 'pass', 'no new variables on this branch');
  else add('env-vars-set', 'manual', `set before deploy: ${list(newVars, 10)}`, { details: newVars, fingerprint: newVars.join(',') });

  // Feature flags.
  if (!input.flags) add('feature-flags', 'unknown', base ? 'flags were not scanned' : trusted ? 'no base branch: new flags are not known' : noGit);
  else if (input.flags.added.length) {
    const keys = [...new Set(input.flags.added.map((f) => `${f.key} (${f.sdk})`))].sort();
    add('feature-flags', 'pass', `new flags to switch the change off: ${list(keys)}`, { details: keys });
  } else if (!input.flags.sourceChanged) add('feature-flags', 'pass', 'no source code changes');
  else add('feature-flags', 'manual', 'no new flag key on this branch: confirm nothing risky needs a kill switch', { fingerprint: 'none' });

  // Rollback plan in the PR.
  if (!trusted) add('rollback-plan', 'unknown', noNet);
  else if (!input.pr) add('rollback-plan', 'unknown', 'not signed in to GitHub: the pull request was not read');
  else if (!input.pr.ok) add('rollback-plan', 'unknown', input.pr.reason);
  else if (input.pr.value === null) add('rollback-plan', 'fail', 'no open pull request for this branch: open one and scaffold the rollback plan into it');
  else {
    const section = extractSection(input.pr.value.body);
    if (section && section.trim()) add('rollback-plan', 'pass', `present in #${input.pr.value.number}`);
    else add('rollback-plan', 'fail', `#${input.pr.value.number} has no rollback plan section: run "Scaffold Rollback Plan in PR Description" (or deploy-readiness rollback-plan --write-pr)`);
  }

  // Deployment window.
  const w = windowState(settings.window, input.now);
  add('deploy-window', w.state, w.reason, { advisory: w.state === 'fail' && !w.freeze });

  // Configured manual items.
  for (const m of settings.manual) {
    items.push({ id: m.id, title: m.title, state: 'manual', reason: 'tick when done', required: m.required || required.has(m.id), tickable: true });
  }

  // Ticks turn manual items into passes (when they tick the same thing).
  for (const item of items) {
    if (!item.tickable) continue;
    const t = input.ticks[item.id];
    if (!t) continue;
    if (item.fingerprint !== undefined && t.fingerprint !== undefined && t.fingerprint !== item.fingerprint) {
      item.reason += ` (an older tick by ${t.by} covered something else: tick again)`;
      continue;
    }
    item.tick = t;
    item.state = 'pass';
    item.reason = `ticked by ${t.by} at ${t.at}${item.reason && item.reason !== 'tick when done' ? ` — ${item.reason}` : ''}`;
  }
  return items;
}

/** Blocked: findings blocked, or a required item failed or unticked. Review: anything else not passing. */
export function checklistVerdict(items: readonly ChecklistItem[], findings: Verdict): Verdict {
  const blocking = items.some((i) => i.required && !i.advisory && (i.state === 'fail' || i.state === 'manual'));
  if (findings === 'blocked' || blocking) return 'blocked';
  if (findings === 'review' || items.some((i) => i.state !== 'pass')) return 'review';
  return 'ready';
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function minutesOf(hhmm: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) return undefined;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Local date, weekday and minutes of `now` in a time zone. */
export function localTime(now: Date, timezone: string): { date: string; day: string; minutes: number; label: string } {
  let tz = timezone || 'UTC';
  if (tz === 'UTC') {
    // The default zone without Intl (whose first use loads the time zone data: ~50 ms per run).
    const p2 = (n: number) => String(n).padStart(2, '0');
    const date = `${now.getUTCFullYear()}-${p2(now.getUTCMonth() + 1)}-${p2(now.getUTCDate())}`;
    const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][now.getUTCDay()];
    return { date, day: weekday.toLowerCase(), minutes: now.getUTCHours() * 60 + now.getUTCMinutes(), label: `${weekday} ${date} ${p2(now.getUTCHours())}:${p2(now.getUTCMinutes())} UTC` };
  }
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    tz = 'UTC';
    parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(now);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  const minutes = (Number(get('hour')) % 24) * 60 + Number(get('minute'));
  const day = get('weekday').slice(0, 3).toLowerCase();
  return { date, day, minutes, label: `${get('weekday')} ${date} ${get('hour')}:${get('minute')} ${tz}` };
}

export function windowState(w: DeployWindowSettings, now: Date): { state: ItemState; reason: string; freeze?: boolean } {
  const t = localTime(now, w.timezone);
  for (const f of w.freeze) {
    const [from, to = from] = f.split('..').map((s) => s.trim());
    if (t.date >= from && t.date <= to) return { state: 'fail', reason: `${t.label} is inside the freeze ${f}`, freeze: true };
  }
  const days = w.days.map((d) => d.slice(0, 3).toLowerCase()).filter((d) => DAYS.includes(d));
  if (days.length && !days.includes(t.day)) return { state: 'fail', reason: `${t.label}: deploys are allowed on ${days.join(', ')} only` };
  const [a, b] = w.hours.split('-').map((s) => minutesOf(s));
  if (a !== undefined && b !== undefined && !(t.minutes >= a && t.minutes < b)) return { state: 'fail', reason: `${t.label} is outside the deploy hours ${w.hours}` };
  const cut = w.fridayCutoff ? minutesOf(w.fridayCutoff) : undefined;
  if (t.day === 'fri' && cut !== undefined && t.minutes >= cut) return { state: 'fail', reason: `${t.label}: late Friday (after ${w.fridayCutoff}); a problem would land on the weekend` };
  return { state: 'pass', reason: `${t.label} is inside the window (${days.join(', ')} ${w.hours})` };
}
