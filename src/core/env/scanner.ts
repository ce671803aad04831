import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { Range } from '../model';
import { literalOffsets, markOffsets, parseable, walkTree, withParse, type Parsed } from '../source/service';
import { configReads } from './configs';
import type { GoEnvTable } from './configs/goenv';
import { envconfigReads } from './goconfig';
import { scanKotlin } from './kotlin';
import { familyOf, mergeWrappers, wrapperFromDynamic, wrapperOfWrapper, type WrapperDef } from './wrappers';

/**
 * How a read treats absence: `required` throws, fails startup or the build; `optional` yields
 * null/""/undefined and the code carries on; `default` supplies a fallback value.
 */
export type ReadKind = 'required' | 'optional' | 'default';

export interface EnvRead {
  name: string;
  kind: ReadKind;
  /** Range of the variable's name at the read site. */
  range: Range;
  /** The syntax that reads it, for messages: "process.env", "os.getenv", "ENV.fetch"... */
  via: string;
  /** The code's own fallback when it is a number or boolean literal (`?? 5000`). */
  fallback?: string;
  /** Set when the read is a call to a project's helper (wrapper) of this name. */
  wrapper?: string;
}

export interface DynamicRead {
  range: Range;
  via: string;
}

export interface ScanResult {
  reads: EnvRead[];
  dynamic: DynamicRead[];
  /** Set when the grammar reported errors: the file was still scanned where it parsed. */
  hasErrors: boolean;
  /** Functions defined here that read the environment by a name they are given. */
  wrappers?: WrapperDef[];
  /** Go env-tagged structs declared or parsed here, resolved across a package by the analysis. */
  goEnv?: GoEnvTable;
}

/**
 * Substrings without which a file cannot contain a read: files lacking all of them are not parsed
 * (most source files of a large repository). Every syntax the visitors recognise contains one.
 */
const MARKERS: Partial<Record<SourceLanguage, RegExp>> = {
  javascript: /process\??\.env|import\.meta\.env|Bun\.env|Deno\.env|\$env\/|cleanEnv|createEnv/,
  typescript: /process\??\.env|import\.meta\.env|Bun\.env|Deno\.env|\$env\/|cleanEnv|createEnv/,
  tsx: /process\??\.env|import\.meta\.env|Bun\.env|Deno\.env|\$env\/|cleanEnv|createEnv/,
  python: /environ|getenv|BaseSettings/,
  ruby: /\bENV\b/,
  go: /os\.Getenv|os\.LookupEnv|env:"|envconfig:"|envconfig\.(?:Must)?Process|caarlos0\/env|spf13\/viper|split_words:"/,
  rust: /env::var|env!|dotenvy::var|dotenv::var/,
  java: /System\.getenv|@Value/,
  php: /getenv|\$_ENV|\$_SERVER|\benv\(/,
  csharp: /GetEnvironmentVariable|onfig/,
  // only upper-case names are reported in shell
  shell: /\$\{?#?[A-Z_]/,
};

/**
 * For each language, strings of which a text must contain one for its marker to match: found with
 * `indexOf` (a native substring search), they keep the marker expression off most files.
 */
const GATES: Partial<Record<SourceLanguage, readonly string[]>> = {
  javascript: ['.env', '$env/', 'cleanEnv', 'createEnv'],
  typescript: ['.env', '$env/', 'cleanEnv', 'createEnv'],
  tsx: ['.env', '$env/', 'cleanEnv', 'createEnv'],
  python: ['environ', 'getenv', 'BaseSettings'],
  ruby: ['ENV'],
  go: ['os.Getenv', 'os.LookupEnv', 'env:"', 'envconfig', 'caarlos0/env', 'spf13/viper', 'split_words:"'],
  rust: ['env::var', 'env!', 'dotenvy::var', 'dotenv::var'],
  java: ['System.getenv', '@Value'],
  php: ['getenv', '$_ENV', '$_SERVER', 'env('],
  csharp: ['GetEnvironmentVariable', 'onfig'],
  shell: ['$'],
};

export function scannable(lang: SourceLanguage): boolean {
  // Kotlin has no grammar in @vscode/tree-sitter-wasm: a lexer reads it (./kotlin.ts).
  return parseable(lang) || lang === 'kotlin';
}

/** True when the text may contain a read in this language (cheap pre-filter before parsing). */
export function mayRead(lang: SourceLanguage, text: string): boolean {
  const m = MARKERS[lang];
  if (!m) return false;
  const gates = GATES[lang];
  return (!gates || gates.some((g) => text.includes(g))) && m.test(text);
}

/** The marker expression alone, without the gates (for the test that the gates never hide a match). */
export function markerMatches(lang: SourceLanguage, text: string): boolean {
  return !!MARKERS[lang]?.test(text);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The literal content of a string node when it has no interpolation; undefined otherwise. */
function literal(n: TSNode | null | undefined): { text: string; node: TSNode } | undefined {
  if (!n) return undefined;
  const t = n.type;
  if (t === 'string' || t === 'string_literal' || t === 'interpreted_string_literal' || t === 'raw_string_literal' || t === 'encapsed_string' || t === 'template_string') {
    const kids = n.namedChildren.filter((c): c is TSNode => !!c);
    const parts = kids.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
    if (parts.length === 0) return { text: '', node: n };
    if (parts.length !== 1) return undefined;
    const p = parts[0];
    if (!/(string_content|string_fragment|string_literal_content|interpreted_string_literal_content|raw_string_literal_content)$/.test(p.type)) return undefined;
    return { text: p.text, node: p };
  }
  return undefined;
}

function args(n: TSNode | null): TSNode[] {
  if (!n) return [];
  return n.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment').map((c) => (c.type === 'argument' && c.namedChildCount === 1 ? c.namedChild(0)! : c));
}

interface Sink {
  /** The parse: ranges come from its one position mapping. */
  p: Parsed;
  reads: EnvRead[];
  dynamic: DynamicRead[];
  /** The node of each dynamic read, and how its read treats absence (for wrapper detection). */
  dynNodes?: { node: TSNode; kind: ReadKind; index: number }[];
}

function addDynamic(sink: Sink, node: TSNode, via: string, kind: ReadKind): void {
  sink.dynNodes?.push({ node, kind, index: sink.dynamic.length });
  sink.dynamic.push({ range: sink.p.rangeOf(node), via });
}

function addRead(sink: Sink, name: string, kind: ReadKind, node: TSNode, via: string, fallback?: string): void {
  if (ENV_NAME.test(name)) sink.reads.push({ name, kind, range: sink.p.rangeOf(node), via, ...(fallback !== undefined ? { fallback } : {}) });
}

/** The number or boolean after `??`/`||` when the read is its left side: `process.env.PORT ?? 3000` → "3000". */
function jsFallback(n: TSNode): string | undefined {
  let cur = n;
  let parent = cur.parent;
  while (parent && (parent.type === 'parenthesized_expression' || parent.type === 'non_null_expression' || parent.type === 'as_expression')) {
    cur = parent;
    parent = parent.parent;
  }
  if (parent?.type !== 'binary_expression' || parent.childForFieldName('left')?.id !== cur.id) return undefined;
  if (!/^(\?\?|\|\|)$/.test(parent.childForFieldName('operator')?.text ?? '')) return undefined;
  const right = parent.childForFieldName('right');
  if (!right) return undefined;
  // Numbers and booleans only: a string default in code can be a credential, and outputs never carry values.
  return right.type === 'number' || right.type === 'true' || right.type === 'false' ? right.text : undefined;
}

/** A read through a call's first argument: literal name, or dynamic. */
function readArg(sink: Sink, arg: TSNode | undefined, kind: ReadKind, via: string, whole: TSNode): void {
  const lit = literal(arg);
  if (lit) addRead(sink, lit.text, kind, lit.node, via);
  else if (arg) addDynamic(sink, whole, via, kind);
}

// ───────────────────────────── JavaScript / TypeScript ─────────────────────────────

interface JsState {
  /** Local identifiers bound to an env object (SvelteKit `$env/dynamic/*` `env`). */
  envIdents: Set<string>;
  /** The file is a dev tool's config (vite.config.*…): its dev-server options are not deploy settings. */
  devConfig?: boolean;
}

/** Config files of dev tools whose `server` / `preview` / `devServer` options only the local dev or preview server uses. */
const DEV_TOOL_CONFIG = /(?:^|\/)(?:vite|astro|nuxt|webpack)\.config\.[cm]?[jt]s$/;
const DEV_SERVER_KEYS = new Set(['server', 'preview', 'devServer']);

/**
 * `server: { host: process.env.HOST }` in a vite.config.*: the value of a property (at any depth of
 * object literals) under a dev-server key. Left unset, the dev server uses its own default.
 */
function jsDevServerOption(n: TSNode): boolean {
  let cur = n;
  let parent = cur.parent;
  while (parent && (parent.type === 'parenthesized_expression' || parent.type === 'as_expression' || parent.type === 'non_null_expression')) {
    cur = parent;
    parent = cur.parent;
  }
  if (parent?.type !== 'pair' || parent.childForFieldName('value')?.id !== cur.id) return false;
  for (let p: TSNode | null = parent, depth = 0; p && depth < 40; depth++) {
    if (p.type !== 'pair') return false;
    const key = p.childForFieldName('key');
    const k = key?.type === 'string' ? literal(key)?.text : key?.text;
    if (k && DEV_SERVER_KEYS.has(k)) return true;
    const obj: TSNode | null = p.parent;
    if (obj?.type !== 'object') return false;
    p = obj.parent;
  }
  return false;
}

function jsEnvObject(n: TSNode | null, st: JsState): string | undefined {
  if (!n) return undefined;
  if (n.type === 'identifier' && st.envIdents.has(n.text)) return '$env';
  if (n.type !== 'member_expression') return undefined;
  const obj = n.childForFieldName('object');
  const prop = n.childForFieldName('property');
  if (!obj || !prop || prop.text !== 'env') return undefined;
  if (obj.type === 'identifier' && (obj.text === 'process' || obj.text === 'Bun')) return `${obj.text}.env`;
  if (obj.type === 'meta_property' || obj.text === 'import.meta') return 'import.meta.env';
  return undefined;
}

/** With a `??`/`||` fallback, or tested in a condition, a read has a default. */
function jsKindOfUse(n: TSNode, name?: string): ReadKind {
  let cur = n;
  let parent = cur.parent;
  while (parent && (parent.type === 'parenthesized_expression' || parent.type === 'non_null_expression' || parent.type === 'as_expression')) {
    cur = parent;
    parent = parent.parent;
  }
  if (parent?.type === 'binary_expression') {
    const op = parent.childForFieldName('operator')?.text;
    if ((op === '??' || op === '||') && parent.childForFieldName('left')?.id === cur.id) return 'default';
  }
  if (parent?.type === 'ternary_expression' && parent.childForFieldName('condition')?.id === cur.id) return 'optional';
  if (parent?.type === 'unary_expression' && parent.text.startsWith('!')) return 'optional';
  if ((parent?.type === 'if_statement' || parent?.type === 'while_statement') && parent.childForFieldName('condition')?.id === cur.id) return 'optional';
  if (parent?.type === 'augmented_assignment_expression' && parent.text.includes('??=')) return 'default';
  // `process.env.DEBUG === '1'`: an absent variable is simply not equal.
  if (parent?.type === 'binary_expression' && /^[!=]==?$/.test(parent.childForFieldName('operator')?.text ?? '')) return 'optional';
  if (parent?.type === 'binary_expression' && parent.childForFieldName('operator')?.text === '&&' && parent.childForFieldName('left')?.id === cur.id) return 'optional';
  if (inCondition(cur)) return 'optional';
  if (name && jsGuarded(cur, name)) return 'optional';
  if (jsFeatureGated(cur)) return 'optional';
  return 'required';
}

/** A bare truthiness read of a variable: `process.env.X`, `process?.env?.X`, `env['X']`, `env('X')`. */
function jsBareEnvRead(n: TSNode | null): boolean {
  while (n?.type === 'parenthesized_expression') n = n.namedChildren[0];
  if (!n) return false;
  if (n.type === 'member_expression' || n.type === 'subscript_expression') {
    const obj = n.childForFieldName('object')?.text ?? '';
    return /^(?:process|Bun)\??\.env$|^import\.meta\.env$/.test(obj);
  }
  if (n.type === 'call_expression') {
    const fn = n.childForFieldName('function')?.text ?? '';
    const a = args(n.childForFieldName('arguments'));
    return /^(?:[A-Za-z_$][\w$]*\.)?(?:env|getEnv|getenv)$/.test(fn) && a.length === 1 && /^[A-Z][A-Z0-9_]*$/.test(literal(a[0])?.text ?? '');
  }
  return false;
}

/** The conjuncts of a condition (`a && (b && c)` → a, b, c). */
function conjuncts(n: TSNode | null, out: TSNode[] = [], depth = 0): TSNode[] {
  while (n?.type === 'parenthesized_expression') n = n.namedChildren[0];
  if (!n) return out;
  if (depth < 50 && n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '&&') {
    conjuncts(n.childForFieldName('left'), out, depth + 1);
    conjuncts(n.childForFieldName('right'), out, depth + 1);
  } else out.push(n);
  return out;
}

/**
 * `if (env('CDN_DOMAIN')) { sign(env('CDN_KEY_ID')) }`: a read reached only when another variable
 * is set (a conjunct of the condition is its bare read, not negated or compared) belongs to an
 * optional feature, so it is optional. `if (process.env.NODE_ENV === 'production')` gates nothing.
 */
function jsFeatureGated(n: TSNode): boolean {
  let child = n;
  let p = n.parent;
  for (let depth = 0; p && depth < 200; depth++, child = p, p = p.parent) {
    let cond: TSNode | null = null;
    if ((p.type === 'if_statement' || p.type === 'ternary_expression') && p.childForFieldName('consequence')?.id === child.id) cond = p.childForFieldName('condition');
    else if (p.type === 'binary_expression' && p.childForFieldName('operator')?.text === '&&' && p.childForFieldName('right')?.id === child.id) cond = p.childForFieldName('left');
    if (cond && conjuncts(cond).some(jsBareEnvRead)) return true;
    if (p.type === 'function_declaration' || p.type === 'method_definition' || p.type === 'arrow_function' || p.type === 'function_expression') return false;
  }
  return false;
}

/**
 * `if (typeof process !== 'undefined' && process?.env?.X)`: an operand of an `&&`/`||` chain that
 * is itself a condition (of `if`, `while`, a ternary, or `!`) is only tested for truthiness.
 */
function inCondition(n: TSNode): boolean {
  let cur = n;
  let parent = cur.parent;
  for (let depth = 0; parent && depth < 200; depth++) {
    if (parent.type === 'parenthesized_expression') {
      // fall through: walk up
    } else if (parent.type === 'binary_expression' && /^(&&|\|\|)$/.test(parent.childForFieldName('operator')?.text ?? '')) {
      // fall through
    } else break;
    cur = parent;
    parent = cur.parent;
  }
  if (cur.id === n.id || !parent) return false;
  if ((parent.type === 'if_statement' || parent.type === 'while_statement' || parent.type === 'ternary_expression') && parent.childForFieldName('condition')?.id === cur.id) return true;
  // `Boolean(a && process.env.X)`: converted to a flag
  if (parent.type === 'arguments' && parent.namedChildren.length === 1 && parent.parent?.type === 'call_expression' && parent.parent.childForFieldName('function')?.text === 'Boolean') return true;
  return parent.type === 'unary_expression' && parent.text.startsWith('!');
}

/** Whether a condition's text reads the variable (`env.NAME`, `env['NAME']`), with a word boundary after the name. */
function mentionsEnv(cond: TSNode | null, name: string): boolean {
  if (!cond) return false;
  const t = cond.text;
  // `('NAME')`: a helper's read of the same variable, `if (env('NAME'))`.
  for (const probe of [`env.${name}`, `env['${name}']`, `env["${name}"]`, `env?.${name}`, `('${name}')`, `("${name}")`]) {
    for (let i = t.indexOf(probe); i >= 0; i = t.indexOf(probe, i + 1)) {
      const next = t.charCodeAt(i + probe.length);
      if (!(next >= 48 && next <= 57) && !(next >= 65 && next <= 90) && !(next >= 97 && next <= 122) && next !== 95) return true;
    }
  }
  return false;
}

/** A block that always leaves: ends with `return` or `throw` (or is one). */
function exits(n: TSNode | null): boolean {
  if (!n) return false;
  if (n.type === 'return_statement' || n.type === 'throw_statement') return true;
  if (n.type === 'statement_block') {
    const last = n.namedChildren[n.namedChildren.length - 1];
    return !!last && (last.type === 'return_statement' || last.type === 'throw_statement');
  }
  return false;
}

/**
 * A read the code only reaches when it has tested the same variable: inside `if (env.X) { … }`,
 * `env.X ? … : …`, `env.X && …`, or after `if (!env.X) return …` in the same block. The code
 * handles the variable's absence, so the read is optional.
 */
function jsGuarded(n: TSNode, name: string): boolean {
  let child = n;
  let p = n.parent;
  for (let depth = 0; p && depth < 200; depth++, child = p, p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'ternary_expression') && p.childForFieldName('condition')?.id !== child.id && mentionsEnv(p.childForFieldName('condition'), name)) return true;
    if (p.type === 'binary_expression' && p.childForFieldName('right')?.id === child.id && /^(&&|\|\||\?\?)$/.test(p.childForFieldName('operator')?.text ?? '') && mentionsEnv(p.childForFieldName('left'), name)) return true;
    if (p.type === 'statement_block' || p.type === 'program') {
      for (const s of p.namedChildren) {
        if (!s) continue;
        if (s.startIndex >= child.startIndex) break;
        if (s.type === 'if_statement' && exits(s.childForFieldName('consequence')) && mentionsEnv(s.childForFieldName('condition'), name)) return true;
      }
    }
  }
  return false;
}

/** `const x = <n>;` (through parentheses and TypeScript casts): the local's name, its statement and the enclosing block. */
function keptInLocal(n: TSNode): { id: TSNode; stmt: TSNode; block: TSNode } | undefined {
  let cur = n;
  while (cur.parent && (cur.parent.type === 'parenthesized_expression' || cur.parent.type === 'as_expression' || cur.parent.type === 'non_null_expression')) cur = cur.parent;
  const decl = cur.parent;
  if (decl?.type !== 'variable_declarator' || decl.childForFieldName('value')?.id !== cur.id) return undefined;
  const id = decl.childForFieldName('name');
  if (id?.type !== 'identifier') return undefined;
  const stmt = decl.parent;
  const block = stmt?.parent;
  if (!stmt || !block) return undefined;
  return { id, stmt, block };
}

/**
 * `const token = process.env.X; if (!token) return null;`, `const url = env('X'); … url ?? fallback`:
 * a read (direct, or through a helper) kept in a local that later code in the same block tests for
 * absence. The first test decides: `!v`, `v ? … : …`, `v ??`/`||`/`&&`, or an `if` whose condition
 * mentions `v`, is optional, unless it is an `if` ending in `throw` (`if (!token) throw …` keeps
 * the read required). Bounded (the next 20 statements, a few thousand characters and nodes), so
 * linear in the number of reads.
 */
function jsLocalTested(n: TSNode): boolean {
  const kept = keptInLocal(n);
  if (!kept) return false;
  const { id, stmt, block } = kept;
  const siblings = block.namedChildren;
  const i = siblings.findIndex((x) => x?.id === stmt.id);
  if (i < 0) return false;
  const budget = { nodes: 4000 };
  for (let seen = 0, j = i + 1; j < siblings.length && seen < 20; j++, seen++) {
    const x = siblings[j];
    if (!x || x.startIndex > stmt.endIndex + 4000) break;
    const test = firstTest(x, id.text, budget);
    if (test) return !(test.parent && endsInThrow(test.parent.childForFieldName('consequence')));
    if (budget.nodes <= 0) break;
  }
  return false;
}

/** The last statement of a block (or the statement) is `throw`. */
function endsInThrow(n: TSNode | null): boolean {
  const last = n?.type === 'statement_block' ? n.namedChildren[n.namedChildren.length - 1] : n;
  return last?.type === 'throw_statement';
}

/**
 * The first place in `root` (source order) that tests the identifier `name` for absence; `parent` is
 * the `if` statement when the test is (in) an `if` condition.
 */
function firstTest(root: TSNode, name: string, budget: { nodes: number }): { parent?: TSNode } | undefined {
  const stack: TSNode[] = [root];
  while (stack.length && budget.nodes-- > 0) {
    const n = stack.pop()!;
    if (n.type === 'if_statement') {
      const cond = n.childForFieldName('condition');
      if (cond?.descendantsOfType('identifier').some((d) => d?.text === name)) return { parent: n };
    }
    if (n.type === 'identifier' && n.text === name && testsAbsence(n)) return {};
    for (let k = n.namedChildCount - 1; k >= 0; k--) {
      const c = n.namedChild(k);
      if (c) stack.push(c);
    }
  }
  return undefined;
}

/** `!v`, `v ? … : …`, `v ?? …`, `v || …`, `v && …`: an identifier tested for absence where it is used. */
function testsAbsence(id: TSNode): boolean {
  let cur = id;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const p = cur.parent;
  if (!p) return false;
  if (p.type === 'unary_expression') return p.childForFieldName('operator')?.text === '!';
  if (p.type === 'ternary_expression') return p.childForFieldName('condition')?.id === cur.id;
  if (p.type === 'binary_expression') return /^(?:\?\?|\|\||&&)$/.test(p.childForFieldName('operator')?.text ?? '') && p.childForFieldName('left')?.id === cur.id;
  return false;
}

/** Keys of a schema object (envalid, t3-env, zod): required unless the validator says optional or default. */
function jsSchemaKeys(sink: Sink, obj: TSNode | null, via: string): void {
  if (!obj || obj.type !== 'object') return;
  for (const pair of obj.namedChildren) {
    if (!pair || pair.type !== 'pair') continue;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    if (!key) continue;
    const name = key.type === 'string' ? literal(key)?.text : key.text;
    if (!name) continue;
    const v = value?.text ?? '';
    const kind: ReadKind = /\.default\s*\(|\bdefault\s*:|\bdevDefault\s*:/.test(v) ? 'default' : /\.optional\s*\(|\.nullish\s*\(/.test(v) ? 'optional' : 'required';
    addRead(sink, name, kind, key.type === 'string' ? (literal(key)?.node ?? key) : key, via);
  }
}

function visitJs(n: TSNode, sink: Sink, st: JsState): void {
  switch (n.type) {
    case 'import_statement': {
      const src = literal(n.childForFieldName('source'))?.text;
      if (!src?.startsWith('$env/')) return;
      const isStatic = src.startsWith('$env/static/');
      for (const spec of n.descendantsOfType('import_specifier')) {
        if (!spec) continue;
        const name = spec.childForFieldName('name');
        const alias = spec.childForFieldName('alias');
        if (!name) continue;
        if (isStatic) addRead(sink, name.text, 'required', name, src);
        else if (name.text === 'env') st.envIdents.add((alias ?? name).text);
      }
      return;
    }
    case 'member_expression': {
      const via = jsEnvObject(n.childForFieldName('object'), st);
      if (!via) return;
      const prop = n.childForFieldName('property');
      if (!prop) return;
      // process.env.hasOwnProperty(...), Deno-style methods: not a variable
      const parent = n.parent;
      if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id) return;
      // `process.env.X = …` sets the variable for the rest of the process: a write, not a read.
      if (parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.id === n.id) return;
      let kind = jsKindOfUse(n, prop.text);
      if (kind === 'required' && ((st.devConfig && jsDevServerOption(n)) || jsLocalTested(n))) kind = 'optional';
      addRead(sink, prop.text, kind, prop, via, kind === 'default' ? jsFallback(n) : undefined);
      return;
    }
    case 'subscript_expression': {
      const via = jsEnvObject(n.childForFieldName('object'), st);
      if (!via) return;
      const idx = n.childForFieldName('index');
      const lit = literal(idx);
      if (n.parent?.type === 'assignment_expression' && n.parent.childForFieldName('left')?.id === n.id) return;
      if (lit && (idx!.type !== 'template_string' || !idx!.text.includes('${'))) {
        const kind = jsKindOfUse(n, lit.text);
        addRead(sink, lit.text, kind === 'required' && ((st.devConfig && jsDevServerOption(n)) || jsLocalTested(n)) ? 'optional' : kind, lit.node, via, jsFallback(n));
      }
      else addDynamic(sink, n, via, jsKindOfUse(n) === 'default' ? 'default' : 'optional');
      return;
    }
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const a = args(n.childForFieldName('arguments'));
      if (fn?.type === 'member_expression') {
        const obj = fn.childForFieldName('object');
        const method = fn.childForFieldName('property')?.text;
        // Deno.env.get("X")
        if (obj?.text === 'Deno.env' && (method === 'get' || method === 'has')) {
          readArg(sink, a[0], 'optional', 'Deno.env.get', n);
          return;
        }
        // z.object({...}).parse(process.env)
        if ((method === 'parse' || method === 'safeParse') && a[0] && jsEnvObject(a[0], st) && obj?.type === 'call_expression') {
          const inner = args(obj.childForFieldName('arguments'));
          jsSchemaKeys(sink, inner[0] ?? null, 'zod schema');
          return;
        }
      }
      const fname = fn?.text;
      // envalid cleanEnv(process.env, { X: str() })
      if ((fname === 'cleanEnv' || fname === 'envalid.cleanEnv') && a.length >= 2) {
        jsSchemaKeys(sink, a[1], 'envalid');
        return;
      }
      // t3-env createEnv({ server: {...}, client: {...}, shared: {...} })
      if (fname === 'createEnv' && a[0]?.type === 'object') {
        for (const pair of a[0].namedChildren) {
          if (pair?.type !== 'pair') continue;
          const k = pair.childForFieldName('key')?.text;
          if (k === 'server' || k === 'client' || k === 'shared') jsSchemaKeys(sink, pair.childForFieldName('value'), 't3-env');
        }
      }
      return;
    }
    case 'variable_declarator': {
      const via = jsEnvObject(n.childForFieldName('value'), st);
      const pattern = n.childForFieldName('name');
      if (!via || pattern?.type !== 'object_pattern') return;
      for (const c of pattern.namedChildren) {
        if (!c) continue;
        if (c.type === 'shorthand_property_identifier_pattern') addRead(sink, c.text, 'required', c, via);
        else if (c.type === 'pair_pattern') {
          const key = c.childForFieldName('key');
          const value = c.childForFieldName('value');
          if (!key) continue;
          const lit = key.type === 'string' ? literal(key) : undefined;
          addRead(sink, lit ? lit.text : key.text, value?.type === 'assignment_pattern' ? 'default' : 'required', lit ? lit.node : key, via);
        } else if (c.type === 'object_assignment_pattern') {
          const left = c.childForFieldName('left');
          if (left) addRead(sink, left.text, 'default', left, via);
        } else if (c.type === 'rest_pattern') sink.dynamic.push({ range: sink.p.rangeOf(c), via: `...rest of ${via}` });
      }
      return;
    }
  }
}

// ───────────────────────────── Python ─────────────────────────────

function pyIsEnviron(n: TSNode | null): boolean {
  return !!n && (n.text === 'os.environ' || (n.type === 'identifier' && n.text === 'environ'));
}

function pyBaseSettings(n: TSNode, sink: Sink): void {
  const supers = n.childForFieldName('superclasses');
  if (!supers || !supers.namedChildren.some((c) => c && /(^|\.)BaseSettings$/.test(c.text))) return;
  const body = n.childForFieldName('body');
  if (!body) return;
  let prefix = '';
  const m = /env_prefix\s*=\s*["']([^"']*)["']/.exec(body.text);
  if (m) prefix = m[1];
  for (const stmt of body.namedChildren) {
    if (stmt?.type !== 'expression_statement') continue;
    const asg = stmt.namedChild(0);
    if (asg?.type !== 'assignment') continue;
    const left = asg.childForFieldName('left');
    const type = asg.childForFieldName('type');
    if (left?.type !== 'identifier' || !type || left.text === 'model_config') continue;
    const right = asg.childForFieldName('right');
    const kind: ReadKind = !right ? 'required' : right.text === 'None' ? 'optional' : 'default';
    addRead(sink, (prefix + left.text).toUpperCase(), kind, left, 'pydantic BaseSettings');
  }
}

function visitPython(n: TSNode, sink: Sink): void {
  if (n.type === 'subscript') {
    if (!pyIsEnviron(n.childForFieldName('value'))) return;
    const sub = n.childForFieldName('subscript');
    // Assignment target (os.environ["X"] = ...) defines, does not read.
    if (n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.id === n.id) return;
    readArg(sink, sub ?? undefined, 'required', 'os.environ[]', n);
  } else if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    if (!fn) return;
    const a = args(n.childForFieldName('arguments')).filter((x) => x.type !== 'keyword_argument' || x.text.startsWith('default'));
    const hasDefault = a.length >= 2;
    if (fn.type === 'attribute' && pyIsEnviron(fn.childForFieldName('object'))) {
      const method = fn.childForFieldName('attribute')?.text;
      if (method === 'get') readArg(sink, a[0], hasDefault ? 'default' : 'optional', 'os.environ.get', n);
      else if (method === 'setdefault') readArg(sink, a[0], 'default', 'os.environ.setdefault', n);
    } else if (fn.text === 'os.getenv' || (fn.type === 'identifier' && fn.text === 'getenv')) {
      readArg(sink, a[0], hasDefault ? 'default' : 'optional', 'os.getenv', n);
    }
  } else if (n.type === 'class_definition') pyBaseSettings(n, sink);
}

// ───────────────────────────── Ruby ─────────────────────────────

function visitRuby(n: TSNode, sink: Sink): void {
  if (n.type === 'element_reference') {
    const obj = n.childForFieldName('object');
    if (obj?.text !== 'ENV') return;
    if (n.parent?.type === 'assignment' && n.parent.childForFieldName('left')?.id === n.id) return;
    const arg = n.namedChildren.find((c) => c && c.id !== obj.id) ?? undefined;
    const p = n.parent;
    const kind: ReadKind = p?.type === 'binary' && p.childForFieldName('left')?.id === n.id && /^(\|\||or)$/.test(p.childForFieldName('operator')?.text ?? '') ? 'default' : 'optional';
    readArg(sink, arg, kind, 'ENV[]', n);
  } else if (n.type === 'call') {
    if (n.childForFieldName('receiver')?.text !== 'ENV') return;
    const method = n.childForFieldName('method')?.text;
    const a = args(n.childForFieldName('arguments'));
    if (method === 'fetch') readArg(sink, a[0], a.length >= 2 || n.childForFieldName('block') ? 'default' : 'required', 'ENV.fetch', n);
    else if (method === 'key?' || method === 'has_key?' || method === 'include?') readArg(sink, a[0], 'optional', `ENV.${method}`, n);
  }
}

// ───────────────────────────── Go ─────────────────────────────

function goTags(n: TSNode, sink: Sink): void {
  const tag = n.childForFieldName('tag');
  if (!tag) return;
  const t = tag.text;
  const envconfig = /envconfig:"([^"]*)"/.exec(t);
  const env = /(?:^|[\s`])env:"([^"]*)"/.exec(t);
  if (envconfig && envconfig[1] && envconfig[1] !== '-') {
    const kind: ReadKind = /required:"true"/.test(t) ? 'required' : /default:"/.test(t) ? 'default' : 'optional';
    const col = t.indexOf(envconfig[1], envconfig.index);
    sink.reads.push({ name: envconfig[1], kind, range: offsetRange(sink, tag, col, envconfig[1].length), via: 'envconfig tag' });
  }
  if (env && env[1]) {
    const [name, ...opts] = env[1].split(',');
    if (!name || !ENV_NAME.test(name)) return;
    const kind: ReadKind = opts.includes('required') || opts.includes('notEmpty') ? 'required' : /envDefault:"/.test(t) ? 'default' : 'optional';
    const col = t.indexOf(name, env.index);
    sink.reads.push({ name, kind, range: offsetRange(sink, tag, col, name.length), via: 'env tag' });
  }
}

/** A range inside a node, `col` characters from its start. */
function offsetRange(sink: Sink, n: TSNode, col: number, len: number): Range {
  return sink.p.rangeAt(n.startIndex + col, n.startIndex + col + len);
}

function visitGo(n: TSNode, sink: Sink): void {
  if (n.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'selector_expression' || fn.childForFieldName('operand')?.text !== 'os') return;
    const f = fn.childForFieldName('field')?.text;
    if (f === 'Getenv' || f === 'LookupEnv') readArg(sink, args(n.childForFieldName('arguments'))[0], 'optional', `os.${f}`, n);
  } else if (n.type === 'field_declaration') goTags(n, sink);
}

// ───────────────────────────── Rust ─────────────────────────────

function rustKind(call: TSNode): ReadKind {
  const p = call.parent;
  if (p?.type === 'try_expression') return 'required';
  if (p?.type === 'field_expression') {
    const m = p.childForFieldName('field')?.text ?? '';
    if (m === 'unwrap' || m === 'expect') return 'required';
    if (m.startsWith('unwrap_or')) return 'default';
  }
  return 'optional';
}

function visitRust(n: TSNode, sink: Sink): void {
  if (n.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'scoped_identifier') return;
    const name = fn.childForFieldName('name')?.text;
    const path = fn.childForFieldName('path')?.text ?? '';
    if ((name === 'var' || name === 'var_os') && /(^|::)(env|dotenvy|dotenv)$/.test(path)) {
      readArg(sink, args(n.childForFieldName('arguments'))[0], rustKind(n), `${path}::${name}`, n);
    }
  } else if (n.type === 'macro_invocation') {
    const m = n.childForFieldName('macro')?.text;
    if (m !== 'env' && m !== 'option_env') return;
    const tt = n.namedChildren.find((c) => c?.type === 'token_tree');
    const first = tt?.namedChildren.find((c) => c?.type === 'string_literal');
    const lit = literal(first);
    if (lit) addRead(sink, lit.text, m === 'env' ? 'required' : 'optional', lit.node, `${m}!`);
  }
}

// ───────────────────────────── Java (and Spring placeholders) ─────────────────────────────

const PLACEHOLDER = /\$\{([A-Z][A-Z0-9_]*)(:[^}]*)?\}/g;

function placeholders(sink: Sink, lit: { text: string; node: TSNode }, via: string): void {
  if (/[\r\n]/.test(lit.text)) return;
  for (const m of lit.text.matchAll(PLACEHOLDER)) {
    sink.reads.push({ name: m[1], kind: m[2] ? 'default' : 'required', range: offsetRange(sink, lit.node, m.index! + 2, m[1].length), via });
  }
}

function visitJava(n: TSNode, sink: Sink): void {
  if (n.type === 'method_invocation') {
    if (n.childForFieldName('object')?.text !== 'System' || n.childForFieldName('name')?.text !== 'getenv') return;
    const a = args(n.childForFieldName('arguments'));
    if (a.length) readArg(sink, a[0], 'optional', 'System.getenv', n);
  } else if (n.type === 'annotation') {
    if (n.childForFieldName('name')?.text !== 'Value') return;
    for (const s of n.descendantsOfType('string_literal')) {
      const lit = literal(s);
      if (lit) placeholders(sink, lit, '@Value');
    }
  }
}

// ───────────────────────────── PHP ─────────────────────────────

const PHP_SERVER_BUILTIN = /^(HTTP_|REQUEST_|SERVER_|REMOTE_|SCRIPT_|PHP_|DOCUMENT_|CONTENT_|GATEWAY_|REDIRECT_|ORIG_|AUTH_TYPE$|QUERY_STRING$|PATH_INFO$|PATH_TRANSLATED$|HTTPS$|argv$|argc$)/;

function visitPhp(n: TSNode, sink: Sink): void {
  if (n.type === 'function_call_expression') {
    const fn = n.childForFieldName('function')?.text;
    if (fn !== 'getenv' && fn !== 'env' && fn !== '\\getenv') return;
    const a = args(n.childForFieldName('arguments'));
    if (!a.length) return;
    readArg(sink, a[0], fn === 'env' && a.length >= 2 ? 'default' : 'optional', fn === 'env' ? 'env()' : 'getenv', n);
  } else if (n.type === 'subscript_expression') {
    const v = n.namedChild(0);
    if (v?.type !== 'variable_name' || (v.text !== '$_ENV' && v.text !== '$_SERVER')) return;
    if (n.parent?.type === 'assignment_expression' && n.parent.childForFieldName('left')?.id === n.id) return;
    const idx = n.namedChild(1) ?? undefined;
    const lit = literal(idx);
    if (v.text === '$_SERVER' && (!lit || PHP_SERVER_BUILTIN.test(lit.text))) return;
    const p = n.parent;
    const kind: ReadKind = p?.type === 'binary_expression' && p.childForFieldName('left')?.id === n.id && /\?\?|\?:/.test(p.childForFieldName('operator')?.text ?? '') ? 'default' : 'optional';
    readArg(sink, idx, kind, v.text, n);
  }
}

// ───────────────────────────── C# ─────────────────────────────

function visitCsharp(n: TSNode, sink: Sink): void {
  if (n.type !== 'invocation_expression') return;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'member_access_expression' || fn.childForFieldName('name')?.text !== 'GetEnvironmentVariable') return;
  if (!/(^|\.)Environment$/.test(fn.childForFieldName('expression')?.text ?? '')) return;
  const p = n.parent;
  const kind: ReadKind = p?.type === 'binary_expression' && p.childForFieldName('left')?.id === n.id && p.childForFieldName('operator')?.text === '??' ? 'default' : 'optional';
  readArg(sink, args(n.childForFieldName('arguments'))[0], kind, 'Environment.GetEnvironmentVariable', n);
}

// ───────────────────────────── Shell ─────────────────────────────

/** Shell and bash built-ins that are never configuration. */
export const SHELL_BUILTINS = new Set([
  'IFS', 'OPTARG', 'OPTIND', 'PPID', 'UID', 'EUID', 'RANDOM', 'LINENO', 'SECONDS', 'PS1', 'PS2', 'PS4', 'OLDPWD', 'REPLY', 'PIPESTATUS',
  'FUNCNAME', 'BASH_SOURCE', 'BASH_VERSION', 'BASH_REMATCH', 'HOSTTYPE', 'OSTYPE', 'MACHTYPE', 'SHLVL', 'GROUPS', 'DIRSTACK', 'COLUMNS', 'LINES',
]);

const SHELL_EXPANSION = /^\$\{#?([A-Za-z_][A-Za-z0-9_]*)(:?[-=?+])?/;

interface ShellState {
  assigned: Set<string>;
  nounset: boolean;
}

function shellCollect(root: TSNode): ShellState {
  const assigned = new Set<string>();
  for (const a of root.descendantsOfType('variable_assignment')) {
    const name = a?.childForFieldName('name');
    if (name) assigned.add(name.text);
  }
  for (const f of root.descendantsOfType('for_statement')) {
    const v = f?.childForFieldName('variable');
    if (v) assigned.add(v.text);
  }
  for (const c of root.descendantsOfType('command')) {
    if (!c) continue;
    const name = c.childForFieldName('name')?.text;
    if (name === 'read' || name === 'local' || name === 'declare' || name === 'export' || name === 'readonly' || name === 'getopts') {
      for (const arg of c.namedChildren) if (arg?.type === 'word' && ENV_NAME.test(arg.text)) assigned.add(arg.text);
    }
  }
  // Line by line (a pattern spanning `(^|\n)\s*` rescans runs of blank lines from every newline).
  const nounset = root.text.split('\n').some((l) => {
    const m = /^\s*set\s+(?:-o\s+nounset\b|(-[a-zA-Z]+)\b)/.exec(l);
    return !!m && (m[1] === undefined || m[1].includes('u'));
  });
  return { assigned, nounset };
}

function inOwnAssignment(n: TSNode, name: string): boolean {
  let p = n.parent;
  for (let depth = 0; p && depth < 6; depth++, p = p.parent) {
    if (p.type === 'variable_assignment') return p.childForFieldName('name')?.text === name;
  }
  return false;
}

function visitShell(n: TSNode, sink: Sink, st: ShellState): void {
  if (n.type !== 'expansion' && n.type !== 'simple_expansion') return;
  const v = n.namedChildren.find((c) => c?.type === 'variable_name');
  if (!v) return;
  const name = v.text;
  // `PUID=${PUID:-1000}`: the assignment's own value reads the variable from the environment.
  if (!/^[A-Z][A-Z0-9_]*$/.test(name) || (st.assigned.has(name) && !inOwnAssignment(n, name)) || SHELL_BUILTINS.has(name)) return;
  let kind: ReadKind = st.nounset ? 'required' : 'optional';
  if (n.type === 'expansion') {
    const op = SHELL_EXPANSION.exec(n.text.trimStart())?.[2];
    if (op === ':?' || op === '?') kind = 'required';
    else if (op === ':-' || op === '-' || op === ':=' || op === '=') kind = 'default';
    else if (op === ':+' || op === '+') kind = 'optional';
  }
  addRead(sink, name, kind, v, n.type === 'expansion' ? '${}' : '$');
}

// ───────────────────────────── driver ─────────────────────────────

/** Offsets of every marker match: the walk only descends where one lies. */
function marksOf(lang: SourceLanguage, text: string): number[] | undefined {
  const m = MARKERS[lang];
  return m ? markOffsets(m, text) : undefined;
}

const NOTHING: ScanResult = { reads: [], dynamic: [], hasErrors: false };

/**
 * Finds environment reads, in every language with a tree-sitter grammar. Files without a read
 * marker are not parsed; the parse comes from the source service (shared with the wrapper-call
 * resolution and the flag detector, once per analysis). `file` labels the parse counter.
 */
export async function scanSource(lang: SourceLanguage, text: string, file?: string): Promise<ScanResult> {
  if (lang === 'kotlin') return scanKotlin(text);
  if (!parseable(lang) || !mayRead(lang, text)) return { ...NOTHING };
  const r = await withParse(lang, text, file, (p) => scanParsed(p, file));
  return r ?? { reads: [], dynamic: [], hasErrors: true };
}

function scanParsed(p: Parsed, file?: string): ScanResult {
  const { lang, text, root } = p;
  const sink: Sink = { p, reads: [], dynamic: [], dynNodes: [] };
  // SvelteKit's dynamic `env` import makes plain `env.X` a read, which no marker shows: walk everything.
  const marks = /\$env\/dynamic/.test(text) ? undefined : marksOf(lang, text);
  switch (lang) {
    case 'javascript':
    case 'typescript':
    case 'tsx': {
      const st: JsState = { envIdents: new Set(), devConfig: file !== undefined && DEV_TOOL_CONFIG.test(file) };
      walkTree(root, (n) => visitJs(n, sink, st), marks);
      break;
    }
    case 'python':
      walkTree(root, (n) => visitPython(n, sink), marks);
      break;
    case 'ruby':
      walkTree(root, (n) => visitRuby(n, sink), marks);
      break;
    case 'go': {
      walkTree(root, (n) => visitGo(n, sink), marks);
      // envconfig.Process("PREFIX", &c): the struct's fields, prefixed, replace the bare tag names.
      const cfg = text.includes('envconfig.') ? envconfigReads(p) : undefined;
      if (cfg) sink.reads = [...sink.reads.filter((r) => r.via !== 'envconfig tag'), ...cfg];
      break;
    }
    case 'rust':
      walkTree(root, (n) => visitRust(n, sink), marks);
      break;
    case 'java':
      walkTree(root, (n) => visitJava(n, sink), marks);
      break;
    case 'php':
      walkTree(root, (n) => visitPhp(n, sink), marks);
      break;
    case 'csharp':
      walkTree(root, (n) => visitCsharp(n, sink), marks);
      break;
    case 'shell': {
      const st = shellCollect(root);
      walkTree(root, (n) => visitShell(n, sink, st), marks);
      break;
    }
    default:
      break;
  }
  const own = new Set<object>([...sink.reads, ...sink.dynamic]);
  const cfg = configReads(lang, root, text, sink.reads, sink.dynamic);
  sink.reads = cfg.reads;
  sink.dynamic = cfg.dynamic;
  fromTreeRows(p, own, sink);
  const wrappers = wrappersOf(lang, sink);
  return { reads: sink.reads, dynamic: sink.dynamic, hasErrors: root.hasError, ...(wrappers.length ? { wrappers } : {}), ...(cfg.goEnv ? { goEnv: cfg.goEnv } : {}) };
}

/**
 * The configuration readers (./configs) give tree-sitter rows, which count LF only: their entries
 * (those not in `own`) are mapped to the one position mapping, so a lone CR moves them like the rest.
 */
function fromTreeRows(p: Parsed, own: Set<object>, sink: { reads: EnvRead[]; dynamic: DynamicRead[] }): void {
  const text = p.text;
  if (!/\r(?!\n)/.test(text)) return;
  const nl = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) nl.push(i + 1);
  const at = (x: { line: number; character: number }) => p.positionAt((nl[x.line] ?? text.length) + x.character);
  const map = (g: Range): Range => ({ start: at(g.start), end: at(g.end) });
  sink.reads = sink.reads.map((x) => (own.has(x) ? x : { ...x, range: map(x.range) }));
  sink.dynamic = sink.dynamic.map((x) => (own.has(x) ? x : { ...x, range: map(x.range) }));
}

/** Reads in a shell command line embedded in another file (Dockerfile RUN, Procfile, compose command). */
export async function scanShellSnippet(text: string, assigned: Iterable<string> = []): Promise<ScanResult> {
  if (!text.includes('$')) return { ...NOTHING };
  const r = await withParse('shell', text, undefined, (p) => {
    const sink: Sink = { p, reads: [], dynamic: [] };
    const st = shellCollect(p.root);
    for (const a of assigned) st.assigned.add(a);
    walkTree(p.root, (n) => visitShell(n, sink, st));
    return { reads: sink.reads, dynamic: sink.dynamic, hasErrors: p.root.hasError };
  });
  return r ?? { reads: [], dynamic: [], hasErrors: true };
}

// ───────────────────────────── wrappers (project helpers) ─────────────────────────────

/** Dynamic reads of a function's own parameter make it a wrapper; those reads are not reported as dynamic. */
function wrappersOf(lang: SourceLanguage, sink: Sink): WrapperDef[] {
  const out: WrapperDef[] = [];
  if (!sink.dynNodes?.length) return out;
  const drop = new Set<number>();
  for (const { node, kind, index } of sink.dynNodes) {
    const def = wrapperFromDynamic(node, lang, kind);
    if (!def) continue;
    out.push(def);
    drop.add(index);
  }
  sink.dynamic = sink.dynamic.filter((_, i) => !drop.has(i));
  return out;
}

const WRAPPED_NAME = /^[A-Z][A-Z0-9_]*$/;

const CALL_TYPES = new Set(['call_expression', 'call', 'function_call_expression', 'member_call_expression', 'scoped_call_expression', 'method_invocation']);

function calleeName(n: TSNode): string | undefined {
  const f = n.childForFieldName('function') ?? n.childForFieldName('method') ?? n.childForFieldName('name');
  if (!f) return undefined;
  const last = f.childForFieldName('property') ?? f.childForFieldName('field') ?? f.childForFieldName('attribute') ?? f.childForFieldName('name');
  const t = (last ?? f).text;
  return /^[A-Za-z_$][\w$]*$/.test(t) ? t : undefined;
}

/** The kind of a read through a wrapper: from the wrapper's shape, then from the call site's use. */
function wrappedKind(lang: SourceLanguage, call: TSNode, def: WrapperDef, a: TSNode[], name: string): ReadKind {
  const family = familyOf(lang);
  const extra = a.length > def.arg + 1 || a.some((x) => x.type === 'keyword_argument' && /^default/.test(x.text));
  // The helper passes its own default parameter on (`os.getenv(s, default)`): a call that gives no
  // default gets the parameter's (healthchecks' `envsecret("X")`: None), so the read is optional.
  if (def.inner === 'default') return def.extraParams && !extra ? 'optional' : 'default';
  if (extra && def.extraParams) return 'default';
  if (def.throws) return 'required';
  const p = call.parent;
  if (family === 'js') {
    const k = jsKindOfUse(call, name);
    return k === 'required' && jsLocalTested(call) ? 'optional' : k;
  }
  if (family === 'python' && p?.type === 'boolean_operator' && p.childForFieldName('left')?.id === call.id && p.childForFieldName('operator')?.text === 'or') return 'default';
  if (family === 'ruby' && p?.type === 'binary' && p.childForFieldName('left')?.id === call.id && /^(\|\||or)$/.test(p.childForFieldName('operator')?.text ?? '')) return 'default';
  if (def.family === 'any') return 'optional';
  return def.inner;
}

/**
 * Calls to wrappers with a literal name, in one file: each is a read. A function that passes its own
 * parameter to a wrapper is returned as a new wrapper (the caller resolves one more level with it).
 */
export async function scanWrapperCalls(lang: SourceLanguage, text: string, defs: readonly WrapperDef[], file?: string): Promise<{ reads: EnvRead[]; wrappers: WrapperDef[] }> {
  const family = familyOf(lang);
  const byName = new Map<string, WrapperDef>();
  for (const d of defs) if (d.family === family || d.family === 'any') byName.set(d.name, d);
  if (!parseable(lang) || !byName.size) return { reads: [], wrappers: [] };
  const r = await withParse(lang, text, file, (p) => {
    const reads: EnvRead[] = [];
    const found = new Map<string, WrapperDef>();
    // A call to a wrapper holds its name: the walk enters only subtrees where a name occurs.
    const marks = literalOffsets(text, byName.keys());
    walkTree(p.root, (n) => {
      if (!CALL_TYPES.has(n.type)) return;
      const name = calleeName(n);
      const def = name !== undefined ? byName.get(name) : undefined;
      if (!def) return;
      const a = args(n.childForFieldName('arguments'));
      const at = a.filter((x) => x.type !== 'keyword_argument')[def.arg];
      if (!at) return;
      const lit = literal(at);
      if (lit) {
        if (WRAPPED_NAME.test(lit.text)) reads.push({ name: lit.text, kind: wrappedKind(lang, n, def, a, lit.text), range: p.rangeOf(lit.node), via: `${def.name}()`, wrapper: def.name });
        return;
      }
      const w = wrapperOfWrapper(n, at, lang, def);
      if (w) mergeWrappers(found, [w]);
    }, marks);
    return { reads, wrappers: [...found.values()] };
  });
  return r ?? { reads: [], wrappers: [] };
}
