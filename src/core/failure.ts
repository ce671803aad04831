import type { Area, Finding } from './model';
import { defineRule } from './rule';

/**
 * Fail closed: an analyzer that throws never lets a run pass unchecked. Every place that catches an
 * analyzer's exception turns it into this error finding on the file (so `--fail-on error` blocks and
 * the editor shows it), never into a notice only.
 */
export const analysisFailed = defineRule({
  id: 'engine/analysis-failed',
  defaultSeverity: 'error',
  summary: 'An analyzer failed on this file, so it was not checked: the run blocks instead of passing unchecked',
});

export const ENGINE_RULES = [analysisFailed] as const;

const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** First line of an error's message, bounded (an exception may quote file content). */
export function errorText(e: unknown): string {
  const name = e instanceof Error ? e.name : 'Error';
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
  return `${name}: ${msg}`;
}

/** The error finding for an analyzer exception on one file (or on the whole area when `file` is `.`). */
export function failureFinding(area: Area, file: string, e: unknown): Finding {
  const where = file === '.' ? `the ${area} analysis` : `${area} analysis of ${file}`;
  return analysisFailed.finding({
    area,
    file,
    range: zero,
    message: `${where} failed (${errorText(e)}), so ${file === '.' ? 'this area' : 'this file'} was not checked; the run cannot be called ready until it is`,
    data: { failedArea: area },
  });
}

/** An exception that knows which file it was analysing (rethrown by helpers that wrap per-file work). */
export function fileOfError(e: unknown): string | undefined {
  const f = (e as { analysisFile?: unknown } | null)?.analysisFile;
  return typeof f === 'string' ? f : undefined;
}
