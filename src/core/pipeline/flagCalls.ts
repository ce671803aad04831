import type { Language as TSLanguage, Query as TSQuery } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { Range } from '../model';
import { parserFor, type Grammar } from '../treesitter';

/**
 * Feature-flag reads in source code, found with tree-sitter queries: a call to a known flag SDK
 * method (LaunchDarkly, Unleash, GrowthBook, PostHog, Flagsmith, Split, OpenFeature, Statsig,
 * ConfigCat, django-waffle…) whose first argument is a string literal: the flag key.
 * Self-contained on purpose (the stale-flag check needs only keys and places); the readiness panel's
 * flag detector may replace it.
 */
export interface FlagRead {
  key: string;
  /** The SDK method called, e.g. `isEnabled`. */
  method: string;
  range: Range;
}

const JS_METHODS = new Set([
  'variation', 'boolVariation', 'stringVariation', 'numberVariation', 'jsonVariation', 'variationDetail', 'boolVariationDetail',
  'isEnabled', 'getVariant', 'useFlag', 'useVariant',
  'isOn', 'isOff', 'getFeatureValue', 'useFeatureIsOn', 'useFeatureValue',
  'isFeatureEnabled', 'getFeatureFlag', 'getFeatureFlagPayload', 'useFeatureFlagEnabled', 'useFeatureFlagVariantKey', 'useFeatureFlagPayload',
  'hasFeature', 'getTreatment', 'getTreatmentWithConfig',
  'getBooleanValue', 'getStringValue', 'getNumberValue', 'getObjectValue', 'getBooleanDetails', 'useBooleanFlagValue', 'useStringFlagValue', 'useNumberFlagValue', 'useBooleanFlagDetails',
  'checkGate', 'useGate', 'getFeatureGate', 'getValueAsync', 'featureEnabled', 'useFeatureFlag', 'getFlag', 'flagEnabled', 'isFlagEnabled',
]);

const PY_METHODS = new Set([
  'variation', 'bool_variation', 'variation_detail', 'is_enabled', 'get_variant', 'is_on', 'is_off', 'get_feature_value',
  'is_feature_enabled', 'feature_enabled', 'get_feature_flag', 'has_feature', 'get_treatment', 'get_boolean_value',
  'get_string_value', 'check_gate', 'flag_is_active', 'switch_is_active', 'sample_is_active', 'is_active', 'get_value_async',
]);

const GRAMMAR: Partial<Record<SourceLanguage, Grammar>> = { javascript: 'javascript', typescript: 'typescript', tsx: 'tsx', python: 'python' };

const JS_QUERY = `
(call_expression
  function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]
  arguments: (arguments . (string (string_fragment) @key)))`;
const PY_QUERY = `
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list . (string (string_content) @key)))
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list . (identifier) . (string (string_content) @key)))`;

const KEY = /^[A-Za-z0-9][\w.:/-]{0,127}$/;
const queries = new Map<Grammar, Promise<{ lang: TSLanguage; query: TSQuery }>>();

export function flagScannable(lang: SourceLanguage): boolean {
  return lang in GRAMMAR;
}

async function queryFor(g: Grammar): Promise<TSQuery> {
  let q = queries.get(g);
  if (!q) {
    q = parserFor(g).then(({ parser, lang, mod }) => {
      parser.delete();
      return { lang, query: new mod.Query(lang, g === 'python' ? PY_QUERY : JS_QUERY) };
    });
    queries.set(g, q);
  }
  return (await q).query;
}

export async function findFlagReads(lang: SourceLanguage, text: string): Promise<FlagRead[]> {
  const g = GRAMMAR[lang];
  if (!g) return [];
  // A cheap pre-filter: most files call no flag SDK at all.
  const methods = g === 'python' ? PY_METHODS : JS_METHODS;
  if (![...methods].some((m) => text.includes(m))) return [];
  const query = await queryFor(g);
  const { parser } = await parserFor(g);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return [];
  try {
    const out: FlagRead[] = [];
    for (const m of query.matches(tree.rootNode)) {
      const fn = m.captures.find((c) => c.name === 'fn')?.node;
      const key = m.captures.find((c) => c.name === 'key')?.node;
      if (!fn || !key || !methods.has(fn.text) || !KEY.test(key.text)) continue;
      out.push({
        key: key.text,
        method: fn.text,
        range: { start: { line: key.startPosition.row, character: key.startPosition.column }, end: { line: key.endPosition.row, character: key.endPosition.column } },
      });
    }
    return out;
  } finally {
    tree.delete();
  }
}
