import type { Config } from './config';
import type { Area, Finding, Report } from './model';

/**
 * Messages between the editor and the analysis worker. Plain data only, so the same engine runs
 * in a worker thread (off the extension host's main thread) or in-process.
 */
export type Request =
  | { id: number; type: 'open'; root: string; config: Config; trusted: boolean; baseRef?: string; overlays: Record<string, string> }
  | { id: number; type: 'analyze' }
  | { id: number; type: 'analyzeFile'; rel: string; text: string }
  | { id: number; type: 'forget'; rel: string }
  | { id: number; type: 'abort' };

export type Response =
  | { id: number; ok: true; report?: Report; findings?: Finding[]; perFileAreas?: Area[]; affectsWorkspace?: boolean; gitInvocations?: number }
  | { id: number; ok: false; error: string }
  | { id: -1; log: 'info' | 'warn' | 'error' | 'debug'; message: string };
