import type { AnalysisContext } from '../analyzer';

/** Adds a notice once (the editor re-runs the analysis on each change of a CI file). */
export function notice(ctx: AnalysisContext, n: AnalysisContext['notices'][number]): void {
  if (!ctx.notices.some((x) => x.message === n.message && x.file === n.file)) ctx.notices.push(n);
}
