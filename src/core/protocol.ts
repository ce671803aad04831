import type { Config } from './config';
import type { Area, Finding, Report } from './model';
import type { Checklist, Tick } from './checklist/items';

/**
 * Messages between the editor and the analysis worker. Plain data only, so the same engine runs
 * in a worker thread (off the extension host's main thread) or in-process.
 */
export type Request =
  | { id: number; type: 'open'; root: string; config: Config; trusted: boolean; baseRef?: string; overlays: Record<string, string> }
  | { id: number; type: 'analyze' }
  | { id: number; type: 'analyzeFile'; rel: string; text: string }
  | { id: number; type: 'forget'; rel: string }
  | { id: number; type: 'abort' }
  | { id: number; type: 'checklist'; token?: string; enterpriseUrl?: string; ticks: Record<string, Tick> }
  | { id: number; type: 'rollbackPlan'; token?: string; enterpriseUrl?: string; write: boolean }
  | { id: number; type: 'runbook'; token?: string; enterpriseUrl?: string; ticks: Record<string, Tick> };

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

export type Response =
  | {
      id: number;
      ok: true;
      report?: Report;
      findings?: Finding[];
      perFileAreas?: Area[];
      affectsWorkspace?: boolean;
      gitInvocations?: number;
      checklist?: Checklist;
      /** git config user.name, for who ticked an item. */
      user?: string;
      plan?: PlanReply;
      runbook?: { markdown: string; path: string };
    }
  | { id: number; ok: false; error: string }
  | { id: -1; log: 'info' | 'warn' | 'error' | 'debug'; message: string };
