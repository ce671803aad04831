import type { Analyzer } from './analyzer';
import { migrationAnalyzer } from './migrations/analyzer';
import { frameworkAnalyzer } from './frameworks/analyzer';
import { envAnalyzer } from './env/analyzer';
import { apiAnalyzer } from './api/analyzer';
import { checklistAnalyzer } from './checklist/analyzer';
import { pipelineAnalyzer } from './pipeline/analyzer';
import type { Rule } from './rule';
import { ENGINE_RULES } from './failure';

/** Every analyzer, in report order. */
export const ANALYZERS: readonly Analyzer[] = [migrationAnalyzer, frameworkAnalyzer, envAnalyzer, apiAnalyzer, checklistAnalyzer, pipelineAnalyzer];

/** The one rule catalog: every rule of every area, sorted by id. */
export const RULES: readonly Rule[] = [...ENGINE_RULES, ...ANALYZERS.flatMap((a) => a.rules)].sort((a, b) => a.id.localeCompare(b.id));

const byId = new Map(RULES.map((r) => [r.id, r]));
export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
