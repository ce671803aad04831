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
}

export type Verdict = 'ready' | 'review' | 'blocked';

export interface Summary {
  error: number;
  warning: number;
  info: number;
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
  notices: Notice[];
  /** Facts for the rollback plan, runbook and checklist; filled by the analyzers. */
  facts: ReportFacts;
}

export interface ReportFacts {
  base?: { ref: string; commit: string };
  head?: { branch?: string; commit?: string };
  migrations: { file: string; tool: string; dialect: string; reversible?: boolean; isNew: boolean }[];
  envVars: { name: string; files: string[]; isNew: boolean; required: boolean; provider?: string }[];
  apiSchemas: { file: string; kind: string; hasBase: boolean }[];
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

export function summarize(findings: readonly Finding[]): Summary {
  const s: Summary = { error: 0, warning: 0, info: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}

/** blocked: any error; review: any warning; ready: otherwise. */
export function verdictOf(summary: Summary): Verdict {
  if (summary.error > 0) return 'blocked';
  if (summary.warning > 0) return 'review';
  return 'ready';
}

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
