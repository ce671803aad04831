import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { Range } from '../model';
import { contentHash, type FileMemo } from '../memo';
import { walkTree, withParse, type Parsed } from '../source/service';

/**
 * The one feature-flag detector (the checklist's new-flags item, the rollback plan's "switch off
 * the new flags" step and the stale-flag rule all use it): a call of one of a flag SDK's evaluation
 * methods with a literal key, where the receiver comes from that SDK:
 *
 * - the receiver (or the called function itself, for hooks like `useFlag('x')`) is bound by the
 *   SDK's import/require, directly or through a variable initialised from it
 *   (`const client = LaunchDarkly.init(key)`, `client = UnleashClient(...)`);
 * - or it is not bound in the file (a parameter, `this.client`, a global) and the file imports
 *   the SDK whose method it is;
 * - or its name is a configured client name (`checklist.flagClients`), for clients created in
 *   another file.
 *
 * A receiver bound to something else (`import cache from './cache'`, `const cache = new Map()`) is
 * never a flag client, whatever the file imports: `cache.isEnabled('user-42')` is not a flag.
 */
export interface FlagSdkSpec {
  sdk: string;
  /** Import sources (JS/TS) or module names (Python) of the SDK. */
  modules: RegExp;
  /** Evaluation methods (JS/TS and Python names together). */
  methods: readonly string[];
  /**
   * Where the key is among the positional arguments: `first` (default); `last-of-two` when the
   * first of two strings is the user (Split's server SDK: `getTreatment('user-42', 'flag')`);
   * `after-subject` when a non-string subject may come first (Statsig's `checkGate(user, 'gate')`,
   * waffle's `flag_is_active(request, 'flag')`).
   */
  key?: 'first' | 'last-of-two' | 'after-subject';
}

/** The SDK table: data, not code. */
export const FLAG_SDKS: readonly FlagSdkSpec[] = [
  {
    sdk: 'LaunchDarkly',
    modules: /^(?:@launchdarkly\/|launchdarkly-|ldclient)/,
    methods: [
      'variation', 'variationDetail', 'boolVariation', 'boolVariationDetail', 'stringVariation', 'stringVariationDetail', 'numberVariation',
      'numberVariationDetail', 'jsonVariation', 'jsonVariationDetail', 'useFlag', 'variation_detail', 'bool_variation',
    ],
  },
  { sdk: 'Unleash', modules: /^(?:unleash-client|@unleash\/|unleash-proxy-client|UnleashClient)/, methods: ['isEnabled', 'getVariant', 'is_enabled', 'get_variant', 'useFlag', 'useVariant'] },
  {
    sdk: 'OpenFeature',
    modules: /^(?:@openfeature\/|openfeature)/,
    methods: [
      'getBooleanValue', 'getStringValue', 'getNumberValue', 'getObjectValue', 'getBooleanDetails', 'getStringDetails', 'getNumberDetails', 'getObjectDetails',
      'useBooleanFlagValue', 'useStringFlagValue', 'useNumberFlagValue', 'useObjectFlagValue', 'useBooleanFlagDetails', 'useFlag',
      'get_boolean_value', 'get_string_value', 'get_integer_value', 'get_float_value', 'get_object_value', 'get_boolean_details',
    ],
  },
  { sdk: 'Flagsmith', modules: /^(?:flagsmith|@flagsmith\/)/, methods: ['hasFeature', 'getValue', 'isFeatureEnabled', 'getFeatureValue', 'is_feature_enabled', 'get_feature_value', 'has_feature'] },
  {
    sdk: 'GrowthBook',
    modules: /^(?:@growthbook\/|growthbook)/,
    methods: ['isOn', 'isOff', 'getFeatureValue', 'evalFeature', 'feature', 'useFeatureIsOn', 'useFeatureValue', 'useFeature', 'is_on', 'is_off', 'get_feature_value', 'eval_feature'],
  },
  { sdk: 'Split', modules: /^(?:@splitsoftware\/|splitio)/, methods: ['getTreatment', 'getTreatmentWithConfig', 'get_treatment', 'get_treatment_with_config'], key: 'last-of-two' },
  {
    sdk: 'PostHog',
    modules: /^(?:posthog|@posthog\/)/,
    methods: [
      'isFeatureEnabled', 'getFeatureFlag', 'getFeatureFlagPayload', 'useFeatureFlagEnabled', 'useFeatureFlagVariantKey', 'useFeatureFlagPayload',
      'feature_enabled', 'get_feature_flag', 'get_feature_flag_payload', 'is_feature_enabled',
    ],
  },
  { sdk: 'ConfigCat', modules: /^(?:configcat|@configcat\/)/, methods: ['getValueAsync', 'getValue', 'getValueDetailsAsync', 'useFeatureFlag', 'get_value', 'get_value_details'] },
  { sdk: 'Statsig', modules: /^(?:statsig|@statsig\/)/, methods: ['checkGate', 'useGate', 'getFeatureGate', 'useFeatureGate', 'check_gate', 'get_feature_gate'], key: 'after-subject' },
  { sdk: 'Optimizely', modules: /^(?:@optimizely\/|optimizely)/, methods: ['isFeatureEnabled', 'getFeatureVariable', 'is_feature_enabled'] },
  { sdk: 'django-waffle', modules: /^waffle(?:\.|$)/, methods: ['flag_is_active', 'switch_is_active', 'sample_is_active'], key: 'after-subject' },
];

/** Text without any of these cannot import a flag SDK (cheap pre-filter before parsing). */
const SDK_MARKER = /launchdarkly|ldclient|unleash|openfeature|flagsmith|growthbook|splitsoftware|splitio|posthog|configcat|statsig|optimizely|waffle/i;

const FLAG_LANGUAGES = new Set<SourceLanguage>(['javascript', 'typescript', 'tsx', 'python']);

export interface FlagUse {
  key: string;
  sdk: string;
  /** The method called, e.g. `isEnabled`. */
  method: string;
  file: string;
  /** 0-based line of the key (as the range's start). */
  line: number;
  /** The key's characters, inside the quotes. */
  range: Range;
}

export interface FlagOptions {
  /** Receiver names of clients created elsewhere (`checklist.flagClients`). */
  clients?: readonly string[];
  /** The analysis's per-file results (../memo): a file read before with the same text is not parsed again. */
  memo?: Pick<FileMemo, 'get'>;
}

export function flagScannable(lang: SourceLanguage): boolean {
  return FLAG_LANGUAGES.has(lang);
}

/** Whether the text may hold a flag read: it names a flag SDK or a configured client. */
export function mayReadFlags(text: string, clients: readonly string[] = []): boolean {
  return SDK_MARKER.test(text) || clients.some((c) => c && text.includes(c));
}

const KEY = /^[A-Za-z0-9][\w.:/-]{0,127}$/;

/** The literal value of a string node without interpolation (JS/TS and Python), with its content node. */
function stringLit(n: TSNode | undefined): { value: string; node: TSNode } | undefined {
  if (!n || n.type !== 'string') return undefined;
  const kids = n.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'string_start' && c.type !== 'string_end');
  if (kids.length !== 1 || (kids[0].type !== 'string_fragment' && kids[0].type !== 'string_content')) return undefined;
  return { value: kids[0].text, node: kids[0] };
}

/** What a name in the file is bound to: an import's module, or `local` (a value not from an import). */
type Origin = { module: string } | 'local';

function unwrap(n: TSNode | null | undefined): TSNode | undefined {
  let x = n ?? undefined;
  for (let i = 0; x && i < 50; i++) {
    switch (x.type) {
      case 'await_expression':
      case 'parenthesized_expression':
      case 'non_null_expression':
      case 'as_expression':
      case 'satisfies_expression':
      case 'await':
        x = x.namedChildren.find((c) => !!c) ?? undefined;
        continue;
      default:
        return x;
    }
  }
  return x;
}

/**
 * The identifier an expression starts from: `LaunchDarkly.init(k)` → LaunchDarkly,
 * `ldclient.get().variation` → ldclient, `new UnleashClient()` → UnleashClient.
 */
function rootName(n: TSNode | null | undefined): string | undefined {
  let x = unwrap(n);
  for (let i = 0; x && i < 50; i++) {
    switch (x.type) {
      case 'identifier':
        return x.text;
      case 'this':
        return 'this';
      case 'call_expression':
      case 'call':
        x = unwrap(x.childForFieldName('function'));
        continue;
      case 'new_expression':
        x = unwrap(x.childForFieldName('constructor'));
        continue;
      case 'member_expression':
      case 'subscript_expression':
      case 'attribute':
        x = unwrap(x.childForFieldName('object'));
        continue;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** A require('m') or import('m') call's module (JS). */
function requiredModule(n: TSNode | undefined): string | undefined {
  const x = unwrap(n);
  if (x?.type !== 'call_expression') return undefined;
  const fn = x.childForFieldName('function');
  if (!fn || (fn.text !== 'require' && fn.type !== 'import')) return undefined;
  return stringLit(x.childForFieldName('arguments')?.namedChildren.find((c) => !!c) ?? undefined)?.value;
}

/** Names a JS binding pattern introduces (`x`, `{ a, b: c }`, `[d]`). */
function patternNames(p: TSNode | null): string[] {
  if (!p) return [];
  if (p.type === 'identifier' || p.type === 'shorthand_property_identifier_pattern') return [p.text];
  const out: string[] = [];
  for (const c of p.namedChildren) {
    if (!c) continue;
    if (c.type === 'pair_pattern') out.push(...patternNames(c.childForFieldName('value')));
    else if (c.type === 'object_assignment_pattern' || c.type === 'assignment_pattern') out.push(...patternNames(c.childForFieldName('left')));
    else out.push(...patternNames(c));
  }
  return out;
}

interface Bindings {
  names: Map<string, Origin>;
  /** Modules the file imports. */
  modules: string[];
}

const isSdkModule = (m: string) => FLAG_SDKS.some((s) => s.modules.test(m));

/** Origin of a value expression: an import's module (through `init()`, `new`, `.get()`…), `local`, or unknown. */
function originOf(value: TSNode | undefined, names: Map<string, Origin>): Origin | undefined {
  const x = unwrap(value);
  if (!x) return undefined;
  const req = requiredModule(x);
  if (req !== undefined) return { module: req };
  const root = rootName(x);
  const o = root !== undefined ? names.get(root) : undefined;
  if (o) return o;
  // a literal, object, array or `new` of something not imported: certainly not an SDK client
  if (/^(?:string|number|true|false|null|object|array|dictionary|list|integer|float|template_string|new_expression|arrow_function|function_expression|lambda)$/.test(x.type)) return 'local';
  return undefined;
}

function bindingsOf(root: TSNode, python: boolean): Bindings {
  const names = new Map<string, Origin>();
  const modules: string[] = [];
  const bind = (name: string | undefined, o: Origin | undefined) => {
    if (name && o && !names.has(name)) names.set(name, o);
  };
  walkTree(root, (n) => {
    if (!python) {
      if (n.type === 'import_statement') {
        const src = stringLit(n.childForFieldName('source') ?? undefined)?.value;
        if (src === undefined) return;
        modules.push(src);
        const clause = n.namedChildren.find((c) => c?.type === 'import_clause');
        for (const c of clause?.namedChildren ?? []) {
          if (!c) continue;
          if (c.type === 'identifier') bind(c.text, { module: src });
          else if (c.type === 'namespace_import') bind(c.namedChildren.find((x) => x?.type === 'identifier')?.text, { module: src });
          else if (c.type === 'named_imports') {
            for (const s of c.namedChildren) {
              if (s?.type !== 'import_specifier') continue;
              bind((s.childForFieldName('alias') ?? s.childForFieldName('name'))?.text, { module: src });
            }
          }
        }
      } else if (n.type === 'variable_declarator') {
        const value = n.childForFieldName('value') ?? undefined;
        const req = requiredModule(value);
        if (req !== undefined) modules.push(req);
        const o = originOf(value, names);
        for (const name of patternNames(n.childForFieldName('name'))) bind(name, o);
      } else if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left');
        if (left?.type === 'identifier' || left?.type === 'member_expression') bind(left.text, originOf(n.childForFieldName('right') ?? undefined, names));
      } else if (n.type === 'call_expression') {
        const req = requiredModule(n);
        if (req !== undefined && n.parent?.type !== 'variable_declarator') modules.push(req);
      }
    } else if (n.type === 'import_statement') {
      for (const c of n.namedChildren) {
        if (c?.type === 'dotted_name') {
          modules.push(c.text);
          bind(c.text.split('.')[0], { module: c.text });
        } else if (c?.type === 'aliased_import') {
          const mod = c.childForFieldName('name')?.text;
          if (!mod) continue;
          modules.push(mod);
          bind(c.childForFieldName('alias')?.text, { module: mod });
        }
      }
    } else if (n.type === 'import_from_statement') {
      const mod = n.childForFieldName('module_name')?.text;
      if (!mod) return;
      modules.push(mod);
      for (const c of n.namedChildren) {
        if (!c || c.id === n.childForFieldName('module_name')?.id) continue;
        if (c.type === 'dotted_name') bind(c.text, { module: mod });
        else if (c.type === 'aliased_import') bind(c.childForFieldName('alias')?.text, { module: mod });
      }
    } else if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier' || left?.type === 'attribute') bind(left.text, originOf(n.childForFieldName('right') ?? undefined, names));
    }
  });
  return { names, modules };
}

/** The SDK a receiver belongs to for `method`, or undefined when the call is not a flag read. */
function sdkFor(receiver: TSNode, rootId: string | undefined, method: string, b: Bindings, clients: readonly string[]): FlagSdkSpec | 'configured' | undefined {
  const withMethod = FLAG_SDKS.filter((s) => s.methods.includes(method));
  if (!withMethod.length) return undefined;
  const own = b.names.get(receiver.text) ?? (rootId !== undefined ? b.names.get(rootId) : undefined);
  if (own === 'local') return undefined;
  if (own) {
    const sdk = withMethod.find((s) => s.modules.test(own.module));
    if (sdk) return sdk;
    if (!clients.includes(receiver.text) && !(rootId && clients.includes(rootId))) return undefined;
  }
  if (clients.includes(receiver.text) || (rootId !== undefined && clients.includes(rootId))) {
    return withMethod.find((s) => b.modules.some((m) => s.modules.test(m))) ?? (withMethod.length === 1 ? withMethod[0] : 'configured');
  }
  // not bound in the file (a parameter, `this.client`, a global): the file's SDK import decides
  if (own === undefined) return withMethod.find((s) => b.modules.some((m) => s.modules.test(m)));
  return undefined;
}

function keyOf(spec: FlagSdkSpec | 'configured', positional: TSNode[]): { value: string; node: TSNode } | undefined {
  const a0 = stringLit(positional[0]);
  const a1 = stringLit(positional[1]);
  const mode = spec === 'configured' ? 'first' : (spec.key ?? 'first');
  if (mode === 'last-of-two' && a0 && a1) return a1;
  if (mode === 'after-subject' && !a0 && positional[0] && positional[0].type !== 'string') return a1;
  return a0;
}

function scanParsed(p: Parsed, file: string, clients: readonly string[]): FlagUse[] {
  const python = p.lang === 'python';
  const b = bindingsOf(p.root, python);
  const hasSdk = b.modules.some(isSdkModule);
  if (!hasSdk && !clients.length) return [];
  const out: FlagUse[] = [];
  walkTree(p.root, (n) => {
    if (n.type !== (python ? 'call' : 'call_expression')) return;
    const fn = unwrap(n.childForFieldName('function'));
    if (!fn) return;
    let method: string | undefined;
    let receiver: TSNode | undefined;
    if (fn.type === 'member_expression') {
      method = fn.childForFieldName('property')?.text;
      receiver = unwrap(fn.childForFieldName('object'));
    } else if (fn.type === 'attribute') {
      method = fn.childForFieldName('attribute')?.text;
      receiver = unwrap(fn.childForFieldName('object'));
    } else if (fn.type === 'identifier') {
      method = fn.text;
      receiver = fn;
    }
    if (!method || !receiver) return;
    const spec = sdkFor(receiver, rootName(receiver), method, b, clients);
    if (!spec) return;
    const positional = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is TSNode => !!a && a.type !== 'keyword_argument' && a.type !== 'comment');
    const key = keyOf(spec, positional);
    if (!key || !KEY.test(key.value)) return;
    const range = p.rangeOf(key.node);
    out.push({ key: key.value, sdk: spec === 'configured' ? 'configured client' : spec.sdk, method, file, line: range.start.line, range });
  });
  return out;
}

/**
 * Flag reads in one source file (JS/TS/Python). Files that name no flag SDK and no configured
 * client are not parsed; the parse is the source service's, shared with the environment scan.
 */
export async function findFlags(lang: SourceLanguage, file: string, text: string, opts: FlagOptions = {}): Promise<FlagUse[]> {
  const clients = (opts.clients ?? []).filter((c) => /^[A-Za-z_$][\w$.]*$/.test(c));
  if (!flagScannable(lang) || !mayReadFlags(text, clients)) return [];
  const scan = async () => (await withParse(lang, text, file, (p) => scanParsed(p, file, clients))) ?? [];
  return opts.memo ? opts.memo.get('flags:uses', file, contentHash(text), `${lang}\0${clients.join('\0')}`, scan) : scan();
}
