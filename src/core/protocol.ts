import type { Config } from './config';
import type { Area, Finding, Range, Report } from './model';
import type { Checklist, Tick } from './checklist/items';
import type { InitCiPlan } from './pipeline/initCi';

/**
 * Messages between the editor and the analysis worker. Plain data only, so the same engine runs
 * in a worker thread (off the extension host's main thread) or in-process.
 *
 * One map from method to its parameters and its result: a request names its method, and the
 * answer to it has that method's result type (no bag of optional fields).
 */
export interface Methods {
  /** Walks the folder and reads the git state. Per-file requests can be answered once this is done. */
  open: {
    params: { root: string; config: Config; trusted: boolean; baseRef?: string; overlays: Record<string, string> };
    result: { perFileAreas: Area[]; files: number; gitInvocations: number };
  };
  /** The whole-repository analysis. Cancelled by `abort` (the answer is then an error "cancelled"). */
  analyze: { params: Record<string, never>; result: { report: Report; gitInvocations: number } };
  /**
   * One file's unsaved text, linted at once, whether or not a full analysis is running: `areas`
   * says which areas' findings `findings` replaces for that file. Before the first full report,
   * and while one runs, only the areas that need nothing of the rest of the repository
   * (migrations, API schemas) are linted; the others follow with the full report.
   */
  analyzeFile: { params: { rel: string; text: string }; result: { findings: Finding[]; areas: Area[]; affectsWorkspace: boolean } };
  forget: { params: { rel: string }; result: Record<string, never> };
  /** Loads what a first per-file lint would (the PostgreSQL parser, the base snapshot), so that lint answers at once. */
  warm: { params: Record<string, never>; result: Record<string, never> };
  /**
   * One file's unsaved text, kept for the next full analysis without linting it (the editor's lint
   * worker linted it while this worker was busy with a full analysis).
   */
  overlay: { params: { rel: string; text: string }; result: Record<string, never> };
  /**
   * The git state changed (the index, the working tree's changed files): reads `git status` again.
   * When only the set of uncommitted files changed, the report's uncommitted-changes finding is
   * recomputed and returned (`report`); when the head, the branch or the upstream moved, nothing
   * is recomputed and `full` says a whole analysis is due.
   */
  status: { params: Record<string, never>; result: { full: true } | { full: false; report: Report } };
  /** Stops the running full analysis at its next safe point. */
  abort: { params: Record<string, never>; result: Record<string, never> };
  checklist: { params: { token?: string; enterpriseUrl?: string; ticks: Record<string, Tick> }; result: { checklist: Checklist; user?: string } };
  rollbackPlan: { params: { token?: string; enterpriseUrl?: string; write: boolean }; result: PlanReply };
  runbook: { params: { token?: string; enterpriseUrl?: string; ticks: Record<string, Tick> }; result: { markdown: string; path: string } };
  /** Hover text for the migration statement or DSL call at `offset` (null elsewhere). */
  hover: { params: { rel: string; text: string; offset: number }; result: { markdown: string; range: Range } | null };
  /** Every rule's id, one-line summary and docs path (the rule picker, finding titles). */
  rules: { params: Record<string, never>; result: RuleInfo[] };
  /** The CI file(s) `init-ci` would write (nothing is written by the worker). */
  initCi: { params: { root: string; baseBranch?: string; trusted: boolean }; result: InitCiPlan };
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

export interface RuleInfo {
  id: string;
  summary: string;
  docs: string;
}

export type Request = { [M in Method]: { id: number; method: M; params: Params<M> } }[Method];

/**
 * When the worker took a request off its message queue and when it posted the answer, in
 * milliseconds since the epoch (`performance.timeOrigin + performance.now()`, comparable across
 * threads): the editor's edit-latency trace splits host, queue and worker time with them.
 */
export interface WorkerTiming {
  received: number;
  answered: number;
}

/** The answer to request `id`: its method's result, or why there is none. */
export type Response = ({ [M in Method]: { id: number; method: M; ok: true; result: Result<M> } }[Method] | { id: number; ok: false; error: string }) & { timing?: WorkerTiming };

/** What the analysis is doing now, for the progress shown in the view. */
export interface Progress {
  /** "Reading files", "Reading base tree", "Migrations", … */
  phase: string;
  done?: number;
  total?: number;
}

/** Unrequested messages from the worker: its log lines and the progress of the running analysis. */
export type WorkerEvent = { id: -1; log: 'info' | 'warn' | 'error' | 'debug'; message: string } | { id: -1; progress: Progress };

/** The rollback plan, and what happened when it was written to the pull request. */
export interface PlanReply {
  markdown: string;
  /** The markdown between the markers, as it goes into a PR body. */
  section: string;
  branch?: string;
  /** Host of the `origin` remote ("github.com"), when there is one. */
  remoteHost?: string;
  published?: { status: string; number?: number; url?: string; error?: string; status_code?: number; branch?: string };
}
