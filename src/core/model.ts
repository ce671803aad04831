/**
 * The one finding model shared by every surface (CLI formatters, diagnostics, code actions,
 * tree view, rollback plan, runbook). Plain data only: serialisable as JSON unchanged.
 */

export type Area = 'migration' | 'env' | 'api' | 'checklist';
export const AREAS: readonly Area[] = ['migration', 'env', 'api', 'checklist'];

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** 0-based line and character (UTF-16 code units, as in VS Code and LSP). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  /** Workspace-relative path with forward slashes. */
  file: string;
  range: Range;
  message?: string;
  /** A location in another revision (for example the merge base), e.g. "main@3f2a1c0". */
  revision?: string;
}

/** A plain text edit. `file` is workspace-relative; `create` marks a file that does not exist yet. */
export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
  create?: boolean;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Exactly one fix of a finding should be preferred (the safe pattern). */
  isPreferred?: boolean;
}

export interface Finding {
  ruleId: string;
  area: Area;
  severity: Severity;
  message: string;
  /** Workspace-relative path with forward slashes. */
  file: string;
  range: Range;
  related?: Location[];
  fixes?: Fix[];
  /** Repository-relative path of the rule's documentation page, e.g. docs/rules/migration/require-concurrent-index.md */
  docs?: string;
  /** Extra structured facts a surface may show (lock taken, classification, fingerprint...). Never secret values. */
  data?: Record<string, string | number | boolean | string[]>;
  /**
   * Introduced by this change ("new") or already at the merge base ("existing"). Set by the engine
   * on every finding of a full analysis; "new" when there is no base to compare with.
   */
  baseline?: BaselineState;
  /** Stable identity across revisions (rule, file following renames, normalised anchor): hex digest. */
  fingerprint?: string;
}

export type BaselineState = 'new' | 'existing';

/** Which findings decide the verdict and the exit code: the ones this change introduces, or all. */
export type Scope = 'new' | 'all';

export type Verdict = 'ready' | 'review' | 'blocked';

/** Counts of the findings that decide the verdict (see `Report.baseline.scope`), and the baseline split. */
export interface Summary {
  error: number;
  warning: number;
  info: number;
  /** Findings introduced by this change (all of them without a base). */
  new: number;
  /** Findings already present at the merge base. */
  existing: number;
  /** Findings at the merge base that this change removes. */
  fixed: number;
}

/** A finding at the merge base that is gone at head (file and range at the base). */
export interface FixedFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
}

export interface BaselineInfo {
  /** False without a base to compare with (no git, Restricted Mode, explicit files): everything is "new". */
  compared: boolean;
  scope: Scope;
  /** "main@3f2a1c0" when compared. */
  base?: string;
  /** Why there was no comparison. */
  reason?: string;
  /** Base findings gone at head (at most 200 listed; `summary.fixed` has the count). */
  fixed: FixedFinding[];
}

/** A note about the analysis itself (skipped file, git unavailable...): shown in the tree and on stderr. */
export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
  file?: string;
  area?: Area;
}

export interface Report {
  version: 1;
  verdict: Verdict;
  summary: Summary;
  findings: Finding[];
  /** How findings were split into new and existing; absent in reports not made by the engine (api-diff of two files). */
  baseline?: BaselineInfo;
  notices: Notice[];
  /** Facts for the rollback plan, runbook and checklist; filled by the analyzers. */
  facts: ReportFacts;
  /** How the run went: wall time, git processes started, whether the report came from the cache. */
  timing?: Timing;
}

export interface Timing {
  /** Milliseconds from opening the workspace to the report (of the run that analysed, when cached). */
  ms: number;
  /** Git processes started for this report (0 in Restricted Mode; a small constant otherwise). */
  gitProcesses: number;
  /** True when the report was read from the on-disk cache instead of analysed again. */
  cached: boolean;
  /**
   * Files whose per-file results (environment reads, parsed migration operations, API paths) were
   * computed in this analysis, head and merge base together; the others' were reused from an
   * earlier analysis of the same content (the CLI's saved per-file results, the editor's memory).
   */
  reanalysed?: number;
  /** Per-file results reused instead of computed. */
  reused?: number;
}

export interface ReportFacts {
  base?: { ref: string; commit: string };
  head?: { branch?: string; commit?: string };
  migrations: MigrationFact[];
  envVars: { name: string; files: string[]; isNew: boolean; required: boolean; provider?: string }[];
  apiSchemas: { file: string; kind: string; hasBase: boolean }[];
  // ---- Facts for the rollback plan, runbook, checklist and tree (filled by the analyzers; plan/ renders only these) ----
  /** Where production runs and how it was found; undefined when the checklist area did not run. */
  deploy?: DeployFacts;
  /** Feature-flag keys read by source files this branch changes and not read on the base. */
  flags?: FlagFact[];
  /** False when flags could not be compared with the base (no base): `flags` is then empty. */
  flagsCompared?: boolean;
  /** The branch changes application source files. */
  sourceChanged?: boolean;
  smoke?: { command: string; source: string }[];
  health?: { path: string; file: string }[];
}

/**
 * How a migration can be undone:
 * - `down`: its down step (file, section, method, or the framework's own reversal) restores the previous schema;
 * - `down-data-loss`: its down step runs, but data written in the new shape since the deploy is lost or converted;
 * - `irreversible`: it destroys data (a drop, a truncate, a delete, a narrowing change) or has no way back: restore from backup;
 * - `no-op-reverse`: its reverse step deliberately does nothing (Django `RunSQL.noop`, an empty `downgrade()`) and nothing it does destroys data;
 * - `no-down`: no down step, and it only adds (the previous code runs with it: leave it in place).
 */
export type Reversibility = 'down' | 'down-data-loss' | 'irreversible' | 'no-op-reverse' | 'no-down';

export interface MigrationFact {
  file: string;
  tool: string;
  dialect: string;
  /** @deprecated read `reversibility`; kept for consumers of the JSON report. */
  reversible?: boolean;
  isNew: boolean;
  /** A down-only file (`*.down.sql`, a Flyway undo): the reversal of another migration. */
  direction?: 'up' | 'down';
  /** What the migration does, one entry per kind of operation with a count ("ADD COLUMN users.note", "CREATE INDEX ×3"). */
  operations?: string[];
  /** The operations that lose data (drop, truncate, delete, narrowing type change). */
  destructive?: string[];
  reversibility?: Reversibility;
  /** Where the down step is. */
  down?: { kind: 'file' | 'section' | 'method' | 'framework'; file?: string };
  /** Why the reversibility is what it is, in a few words. */
  why?: string;
}

export type DeploySystem = 'kubernetes' | 'helm' | 'cloud-run' | 'heroku' | 'fly' | 'compose';

/** One production workload (or release/app) and what rolls it back. */
export interface DeployTargetFact {
  system: DeploySystem;
  /** The name as written in the repository (validated and quoted when rendered). */
  name: string;
  /** Kubernetes workload kind: deployment, statefulset, daemonset. */
  kind?: string;
  /** Only when the repository states it (CI flag, manifest, kustomization); never guessed. */
  namespace?: string;
  /** kubectl/helm context from the CI deploy job. */
  context?: string;
  /** The file it was found in (manifest, chart, compose file, CI config). */
  file: string;
  /** Compose: the stateless services to recreate (stateful ones are left running). */
  services?: string[];
  /** Compose/Kubernetes: stateful services that are never restarted by the plan. */
  stateful?: string[];
  /** How it was found: the CI deploy job, a production overlay, or a platform file (fly.toml…). */
  source: 'ci' | 'production-overlay' | 'platform';
  /** Minutes one rollback of this target took, when configured. */
  minutes?: number;
}

export interface DeployFacts {
  targets: DeployTargetFact[];
  /** Progressive delivery tooling found: Argo Rollouts, Flagger. */
  progressive?: 'argo-rollouts' | 'flagger';
  /** Two production environments exist (blue/green), e.g. two production overlays or a blue/green deploy job. */
  blueGreen?: boolean;
  /** When no production target was found: what was found instead (for the placeholder). */
  candidates?: string[];
}

export interface FlagFact {
  key: string;
  sdk: string;
  file: string;
  /** 0-based line. */
  line: number;
}

export function emptyFacts(): ReportFacts {
  return { migrations: [], envVars: [], apiSchemas: [] };
}

export const zeroRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

/** Severity counts of the findings in scope, and the new / existing split of all of them. */
export function summarize(findings: readonly Finding[], scope: Scope = 'all', fixed = 0): Summary {
  const s: Summary = { error: 0, warning: 0, info: 0, new: 0, existing: 0, fixed };
  for (const f of findings) {
    if (f.baseline === 'existing') s.existing++;
    else s.new++;
    if (inScope(f, scope)) s[f.severity]++;
  }
  return s;
}

/** Does this finding decide the verdict under `scope`? (A finding without a baseline mark counts as new.) */
export function inScope(f: Finding, scope: Scope): boolean {
  return scope === 'all' || f.baseline !== 'existing';
}

/** The findings that decide a report's verdict and exit code. */
export function decidingFindings(report: Report): Finding[] {
  const scope = report.baseline?.scope ?? 'all';
  return report.findings.filter((f) => inScope(f, scope));
}

/** blocked: any error; review: any warning; ready: otherwise. */
export function verdictOf(summary: Summary): Verdict {
  if (summary.error > 0) return 'blocked';
  if (summary.warning > 0) return 'review';
  return 'ready';
}

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * `all` (sorted by compareFindings) with file `file`'s findings of `areas` replaced by `fresh`, in
 * order, without sorting the whole list again: a binary search and a small sort of that file's findings.
 */
export function replaceFileFindings(all: readonly Finding[], file: string, areas: readonly Area[], fresh: readonly Finding[]): Finding[] {
  // The file's findings are one run of the sorted list: found by binary search, not by comparing
  // every finding's file (on the editor's report of 8,761 findings, localeCompare per finding
  // took 16-65 ms of each edit in the extension host).
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid].file !== file && all[mid].file.localeCompare(file) < 0) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  const group: Finding[] = [...fresh];
  while (end < all.length && all[end].file === file) {
    if (!areas.includes(all[end].area)) group.push(all[end]);
    end++;
  }
  group.sort(compareFindings);
  return [...all.slice(0, lo), ...group, ...all.slice(end)];
}
