import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import { parserFor, type Grammar } from '../treesitter';

/**
 * Feature-flag keys read through the common flag SDKs, found with tree-sitter: a call of one of
 * the SDK's evaluation methods with a string literal key, in a file that imports that SDK (so a
 * random `isEnabled('x')` is not taken for a flag).
 */
export type FlagSdk = 'LaunchDarkly' | 'Unleash' | 'OpenFeature' | 'Flagsmith' | 'GrowthBook' | 'Split';

export interface FlagUse {
  key: string;
  sdk: FlagSdk;
  file: string;
  /** 0-based line of the key. */
  line: number;
}

interface SdkSpec {
  sdk: FlagSdk;
  /** Import sources (JS/TS) or module names (Python) that identify the SDK. */
  modules: RegExp;
  methods: Set<string>;
  /** Index of the key among the string arguments; Split's server SDK takes (userKey, splitName). */
  keyArg?: 'first' | 'last-of-two';
}

const SDKS: SdkSpec[] = [
  {
    sdk: 'LaunchDarkly',
    modules: /^(@launchdarkly\/|launchdarkly-|ldclient)/,
    methods: new Set(['variation', 'variationDetail', 'boolVariation', 'boolVariationDetail', 'stringVariation', 'stringVariationDetail', 'numberVariation', 'numberVariationDetail', 'jsonVariation', 'jsonVariationDetail', 'useFlag']),
  },
  { sdk: 'Unleash', modules: /^(unleash-client|@unleash\/|unleash-proxy-client|UnleashClient)/, methods: new Set(['isEnabled', 'getVariant', 'is_enabled', 'get_variant', 'useFlag', 'useVariant']) },
  {
    sdk: 'OpenFeature',
    modules: /^(@openfeature\/|openfeature)/,
    methods: new Set(['getBooleanValue', 'getStringValue', 'getNumberValue', 'getObjectValue', 'getBooleanDetails', 'getStringDetails', 'getNumberDetails', 'getObjectDetails', 'useBooleanFlagValue', 'useStringFlagValue', 'useNumberFlagValue', 'useObjectFlagValue', 'useFlag', 'get_boolean_value', 'get_string_value', 'get_integer_value', 'get_float_value', 'get_object_value', 'get_boolean_details']),
  },
  { sdk: 'Flagsmith', modules: /^(flagsmith|@flagsmith\/)/, methods: new Set(['hasFeature', 'getValue', 'isFeatureEnabled', 'getFeatureValue', 'is_feature_enabled', 'get_feature_value', 'useFlags']) },
  { sdk: 'GrowthBook', modules: /^(@growthbook\/|growthbook)/, methods: new Set(['isOn', 'isOff', 'getFeatureValue', 'evalFeature', 'feature', 'useFeatureIsOn', 'useFeatureValue', 'useFeature', 'is_on', 'is_off', 'get_feature_value', 'eval_feature']) },
  { sdk: 'Split', modules: /^(@splitsoftware\/|splitio)/, methods: new Set(['getTreatment', 'getTreatmentWithConfig', 'get_treatment', 'get_treatment_with_config', 'useTreatments']), keyArg: 'last-of-two' },
];

const GRAMMAR: Partial<Record<SourceLanguage, Grammar>> = { javascript: 'javascript', typescript: 'typescript', tsx: 'tsx', python: 'python' };

export function flagScannable(lang: SourceLanguage): boolean {
  return lang in GRAMMAR;
}

function walk(root: TSNode, visit: (n: TSNode) => void): void {
  const cursor = root.walk();
  try {
    for (;;) {
      visit(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  } finally {
    cursor.delete();
  }
}

/** The literal value of a string node (JS/TS `string`, Python `string`), or undefined. */
function stringValue(n: TSNode | null): string | undefined {
  if (!n || n.type !== 'string') return undefined;
  const parts = n.namedChildren.filter((c) => c && (c.type === 'string_fragment' || c.type === 'string_content'));
  if (n.namedChildren.some((c) => c?.type === 'interpolation' || c?.type === 'template_substitution')) return undefined;
  return parts.map((p) => p!.text).join('');
}

/** Module names a file imports (import/require in JS/TS, import/from in Python). */
function importsOf(root: TSNode, python: boolean): string[] {
  const out: string[] = [];
  walk(root, (n) => {
    if (!python) {
      if (n.type === 'import_statement') {
        const src = stringValue(n.childForFieldName('source'));
        if (src) out.push(src);
      } else if (n.type === 'call_expression') {
        const fn = n.childForFieldName('function');
        if (fn && (fn.text === 'require' || fn.type === 'import')) {
          const arg = n.childForFieldName('arguments')?.namedChildren[0] ?? null;
          const src = stringValue(arg);
          if (src) out.push(src);
        }
      }
    } else if (n.type === 'import_statement' || n.type === 'import_from_statement') {
      const mod = n.childForFieldName('module_name') ?? n.namedChildren.find((c) => c?.type === 'dotted_name' || c?.type === 'aliased_import') ?? null;
      if (mod) out.push(mod.text.split(/\s+as\s+/)[0]);
      if (n.type === 'import_statement') for (const c of n.namedChildren) if (c && c !== mod) out.push(c.text.split(/\s+as\s+/)[0]);
    }
  });
  return out;
}

/** Finds flag keys in one source file. Files that import no flag SDK give nothing. */
export async function scanFlags(lang: SourceLanguage, file: string, text: string): Promise<FlagUse[]> {
  const g = GRAMMAR[lang];
  if (!g) return [];
  const { parser } = await parserFor(g);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return [];
  try {
    const python = g === 'python';
    const imports = importsOf(tree.rootNode, python);
    const sdks = SDKS.filter((s) => imports.some((i) => s.modules.test(i)));
    if (!sdks.length) return [];
    const out: FlagUse[] = [];
    walk(tree.rootNode, (n) => {
      if (n.type !== (python ? 'call' : 'call_expression')) return;
      const fn = n.childForFieldName('function');
      if (!fn) return;
      const name = fn.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn.type === 'identifier' ? fn.text : undefined;
      if (!name) return;
      const sdk = sdks.find((s) => s.methods.has(name));
      if (!sdk) return;
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is TSNode => !!a);
      const strings = args.slice(0, 2).map((a) => ({ node: a, value: stringValue(a) }));
      let pick = strings[0];
      if (sdk.keyArg === 'last-of-two' && strings.length === 2 && strings[1].value !== undefined) pick = strings[1];
      if (!pick || pick.value === undefined || !pick.value) return;
      out.push({ key: pick.value, sdk: sdk.sdk, file, line: pick.node.startPosition.row });
    });
    return out;
  } finally {
    tree.delete();
  }
}
