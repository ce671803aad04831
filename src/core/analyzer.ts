import type { Classification, Classifier } from './classify';
import type { FileMemo } from './memo';
import type { Config } from './config';
import type { BaseSnapshot, Git, WorkingTreeStatus } from './git';
import type { Area, Finding, Notice, ReportFacts } from './model';
import type { FileReader } from './reader';
import type { Rule } from './rule';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface WorkspaceFile {
  path: string;
  cls: Classification;
  /** Passed explicitly on the command line: analyse as what it is, whatever the conventions say. */
  explicit?: boolean;
}

/** Everything an analyzer may read. Plain data: no editor types. */
export interface AnalysisContext {
  /** Absolute path of the workspace (repository) root. */
  root: string;
  config: Config;
  classifier: Classifier;
  /** Head content: disk, with unsaved editor buffers laid over it. */
  reader: FileReader;
  files: WorkspaceFile[];
  /** Undefined when git is not allowed (Restricted Mode), absent, or the base cannot be found. */
  base?: BaseSnapshot;
  git?: Git;
  status?: WorkingTreeStatus;
  /** False in an untrusted workspace: no git, nothing executed. */
  trusted: boolean;
  /**
   * True while the engine analyses the merge base itself (to tell new findings from existing
   * ones): `reader` and `files` are the base's, and `base` is that same revision, so comparisons
   * of base with head find nothing and are skipped.
   */
  baseRun?: boolean;
  signal: AbortSignal;
  log: Logger;
  notices: Notice[];
  facts: ReportFacts;
  /** Per-analyzer memo that lives as long as the workspace session (editor) or the run (CLI). */
  cache: Map<string, unknown>;
  /**
   * Per-file results by content hash (outlives the session: the worker keeps one, the CLI saves
   * one): a pure per-file step (a scan, a parse) asks it before computing.
   */
  memo: FileMemo;
}

/** An analysis area: its rules and how to run them over the workspace or one file. */
export interface Analyzer {
  area: Area;
  rules: readonly Rule[];
  /** Whole-workspace analysis. */
  analyze(ctx: AnalysisContext): Promise<Finding[]>;
  /**
   * One file, as the user types (the reader already holds the unsaved buffer). Returns the
   * findings of this area located in that file. Absent when the area has no per-file findings.
   */
  analyzeFile?(ctx: AnalysisContext, file: WorkspaceFile): Promise<Finding[]>;
  /** Files whose change invalidates findings elsewhere (e.g. .env.example): the editor re-runs `analyze`. */
  affectsWorkspace?(file: WorkspaceFile): boolean;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}
