import type { Finding, Report, Severity, Verdict } from './model';

/**
 * Wording and ordering the editor shows, decided here (no `vscode`) so it is unit-tested and every
 * surface (tree, status bar, quick-fix menu) agrees.
 */

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface ActionCandidate<T> {
  value: T;
  /** Severity of the diagnostic the action belongs to. */
  severity: Severity;
  /** An edit that fixes the finding (not "ignore", "accept" or "show docs"). */
  fix: boolean;
  /** The finding's own choice among its fixes (the safe pattern). */
  preferred?: boolean;
}

/**
 * Quick-fix menu order: actions of the most severe diagnostic first (stable within a diagnostic),
 * and exactly one preferred action when any fix exists: the most severe diagnostic's preferred fix,
 * else its first fix. Ctrl+. then Enter applies the error's safe pattern, never an info's advice.
 */
export function orderActions<T>(candidates: readonly ActionCandidate<T>[]): { value: T; isPreferred: boolean }[] {
  const sorted = candidates.map((c, i) => ({ c, i })).sort((a, b) => RANK[a.c.severity] - RANK[b.c.severity] || a.i - b.i);
  const fixes = sorted.filter((x) => x.c.fix);
  const chosen = fixes.find((x) => x.c.preferred && x.c.severity === fixes[0].c.severity) ?? fixes[0];
  return sorted.map((x) => ({ value: x.c.value, isPreferred: x === chosen }));
}

/** "1 error", "2 errors", "3 info". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 errors, 1 warning, 0 info". */
export function severityCounts(c: { error: number; warning: number; info: number }): string {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info', 'info')}`;
}

/** The one wording of a verdict, on every surface: "Blocked", "Review", "Ready". */
export function verdictLabel(v: Verdict): string {
  return v === 'blocked' ? 'Blocked' : v === 'review' ? 'Review' : 'Ready';
}

const MAX_TITLE = 64;

/**
 * A finding's short title for a tree row: the first clause of its message ("CREATE INDEX without
 * CONCURRENTLY on "orders"") — the rule's words with the object the finding names — cut at a word
 * to stay short. The whole message goes in the tooltip. Linear in the message.
 */
export function findingTitle(f: Pick<Finding, 'message'>, summary?: string): string {
  let title = firstClause(f.message);
  if (title.length < 8 && summary) title = firstClause(summary);
  return shorten(title, MAX_TITLE);
}

function firstClause(s: string): string {
  const text = s.trim();
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === '`') {
      quote = ch;
      continue;
    }
    if ((ch === ':' || ch === ';' || ch === '.') && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\n')) return text.slice(0, i);
    if (ch === ' ' && text[i + 1] === '—' && text[i + 2] === ' ') return text.slice(0, i);
  }
  return text;
}

function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.lastIndexOf(' ', max - 1);
  return `${s.slice(0, cut > max / 2 ? cut : max - 1).replace(/[\s,;:]+$/, '')}…`;
}

/** The row's description: "L4 · migration/require-concurrent-index". */
export function findingDescription(f: Pick<Finding, 'ruleId' | 'range'>): string {
  return `L${f.range.start.line + 1} · ${f.ruleId}`;
}

/** A time in words relative to now: "just now", "5 minutes ago", "3 days ago", "in 2 hours". */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ];
  let [size, unit] = units[0];
  for (const [sz, u] of units) if (abs >= sz * 0.75 || u === 'minute') [size, unit] = [sz, u];
  const n = Math.max(1, Math.round(abs / size));
  const words = plural(n, unit);
  return s >= 0 ? `${words} ago` : `in ${words}`;
}

/** A checklist state in words for a tooltip (never the raw `fail:` / `unknown:` token). */
export function checkStateWords(state: string): string {
  switch (state) {
    case 'pass':
      return 'Done';
    case 'fail':
      return 'Failing';
    case 'manual':
      return 'To do by hand';
    case 'unknown':
      return 'Could not be checked';
    default:
      return state;
  }
}

/** Files where "ignore here" can write a suppression comment in the file's own syntax. */
export function canIgnoreHere(file: string, area: string): boolean {
  return /\.sql$/i.test(file) || (area === 'migration' && /\.(rb|py|[cm]?[jt]s)$/i.test(file));
}

export type CheckLook = 'pass' | 'blocking' | 'advisory' | 'manual' | 'unknown';

/**
 * One state, one icon on every surface (tree, runbook): a failed required item blocks (error), a
 * failed advisory or optional item asks for review (warning, e.g. outside deploy hours).
 */
export function checkLook(i: { state: string; required: boolean; advisory?: boolean }): CheckLook {
  if (i.state === 'pass') return 'pass';
  if (i.state === 'fail') return i.required && !i.advisory ? 'blocking' : 'advisory';
  if (i.state === 'manual') return 'manual';
  return 'unknown';
}

/** "required", "advisory: asks for review, does not block", or nothing. */
export function checkRequirement(i: { state: string; required: boolean; advisory?: boolean }): string | undefined {
  if (i.advisory) return 'advisory: asks for review, does not block';
  return i.required ? 'required' : undefined;
}

/** Rules about git state (the working tree), not about a line of a file: shown in the checklist, never as a squiggle. */
const NOT_DIAGNOSTICS: ReadonlySet<string> = new Set(['checklist/uncommitted-changes']);

/** Whether the editor publishes the finding as a diagnostic. */
export function isDiagnostic(f: Pick<Finding, 'ruleId'>): boolean {
  return !NOT_DIAGNOSTICS.has(f.ruleId);
}

/** The counts part of a verdict line, with the baseline split when there was one. */
export function verdictCounts(report: Report): string {
  const { error, warning, info } = report.summary;
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(info, 'info', 'info')}`;
  const b = report.baseline;
  if (!b?.compared) return counts;
  const split = `${report.summary.existing} existing on ${b.base}, ${report.summary.fixed} fixed`;
  return b.scope === 'new' ? `${counts} introduced by this change; ${split}` : `${counts} in the repository (--scope all); ${report.summary.new} new, ${split}`;
}
