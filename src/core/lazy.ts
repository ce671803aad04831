import type * as Analysis from './analysis';

let loaded: typeof Analysis | undefined;

/**
 * The analysis modules (src/core/analysis.ts), loaded on first use. The CLI's bundle resolves this
 * require to dist/analysis.js beside it (scripts/build.mjs), so a command served from the report
 * cache starts without compiling or initialising any parser; the other bundles carry it inline.
 */
export function analysis(): typeof Analysis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('./analysis') as typeof Analysis);
}

/** Whether the analysis modules were loaded in this process (tests: a cached run loads none). */
export function analysisLoaded(): boolean {
  return loaded !== undefined;
}
