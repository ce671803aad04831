import type { RuleInfo } from '../core/protocol';
import type { EngineClient } from './engineClient';

/**
 * The rule catalog as the host needs it (id, one-line summary, docs page), asked of the analysis
 * worker once: the host bundle carries no analyzer, so it cannot import the catalog itself.
 */
const byId = new Map<string, RuleInfo>();
let loading: Promise<RuleInfo[]> | undefined;

/** Every rule, sorted by id (asked of the worker the first time). */
export function loadRules(engine: EngineClient): Promise<RuleInfo[]> {
  loading ??= engine.call('rules', {}).then(
    (rules) => {
      for (const r of rules) byId.set(r.id, r);
      return rules;
    },
    (e: Error) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** A rule's one-line summary, once the catalog is loaded (finding titles fall back to the message). */
export function ruleSummary(id: string): string | undefined {
  return byId.get(id)?.summary;
}

export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
