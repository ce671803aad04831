/**
 * Everything that analyses, behind one module: the analyzers (and through them every parser:
 * libpg-query, node-sql-parser, tree-sitter, graphql, protobufjs), the rule catalog, the baseline
 * and the parse cache. Reached only through `analysis()` (src/core/lazy.ts), so that a run that
 * needs no analysis (the CLI serving a cached report) never loads it; the CLI ships it as a
 * second bundle, dist/analysis.js, required on first use.
 */
export { ANALYZERS, RULES, ruleById } from './catalog';
export { analyzeBaseRevision, fingerprint, indexBase, markFindings, TextMemo } from './baseline';
export { forgetParses } from './source/service';
export { apiDiffFiles } from './api/files';
