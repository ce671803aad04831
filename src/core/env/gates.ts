import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import { contentHash, FileMemo } from '../memo';
import { withParse, walkTree, type Parsed } from '../source/service';
import type { EnvRead } from './scanner';

/**
 * Feature gates: a read the code only reaches when another environment variable selects it is
 * optional, even where the read itself looks required (`String(env('AZURE_KEY'))`).
 *
 * - In the file: inside a branch taken only when a variable is set or equals a value
 *   (`if (previewBasePath)` where `previewBasePath` is only assigned under
 *   `if (process.env.PR_ID && process.env.HOST)`, `switch (transport) { case 'azure-blob': … }`).
 * - Across files, one level: a read inside a class or function that every use in the workspace
 *   (`new AzureBlobProvider()`, `sign()`, a destructured dynamic import) reaches only in such a
 *   branch, in the file that uses it or another one of the same language.
 * - In a feature folder: a read of a variable that a file in the same folder or a parent one (but
 *   deeper than the example file) tests for presence as a feature switch
 *   (`const enabled = Boolean(process.env.A && process.env.B)`): the code handles its absence there.
 *
 * A read at module top level, in a function used anywhere outside such a branch, or gated only by
 * the deployment stage (`NODE_ENV === 'production'`) stays as it is. JavaScript and TypeScript.
 */
export interface Gate {
  /** The variables that select the code (`NEXT_PUBLIC_UPLOAD_TRANSPORT`). */
  by: string[];
  /** Where the selecting branch or test is. */
  file: string;
  line: number;
  /** How: the class or function reached only from there, or a presence test in a parent folder. */
  how: 'branch' | 'caller' | 'folder' | 'import';
  /** The class or function the read is in (for `caller`). */
  unit?: string;
}

/** A read with the gate that made it optional (its kind before that is `gatedFrom`). */
export type GatedRead = EnvRead & { gate?: Gate; gatedFrom?: EnvRead['kind'] };

const JS = new Set<SourceLanguage>(['javascript', 'typescript', 'tsx']);
export const gateable = (lang: SourceLanguage): boolean => JS.has(lang);

/** Variables and values that name the deployment stage: a branch on them is the production path, not a feature. */
const STAGE_VAR = /^(?:NODE_ENV|ENV|ENVIRONMENT|STAGE|MODE|[A-Z0-9_]*_(?:ENV|ENVIRONMENT|STAGE|MODE))$/;
/**
 * Variables the runtime or platform sets on every deployment it runs (`NEXT_RUNTIME === 'nodejs'`
 * in a Next.js instrumentation file loads Sentry in production): a branch on them is not a feature.
 */
const ALWAYS_SET = /^(?:NEXT_RUNTIME|NEXT_PHASE|VERCEL|VERCEL_(?:URL|REGION|DEPLOYMENT_ID|PROJECT_ID|BRANCH_URL|PROJECT_PRODUCTION_URL)|NEXT_PUBLIC_VERCEL_(?:URL|REGION|DEPLOYMENT_ID)|AWS_REGION|AWS_DEFAULT_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_[A-Z0-9_]+|LAMBDA_TASK_ROOT|K_SERVICE|K_REVISION|K_CONFIGURATION|FUNCTION_TARGET|DYNO|FLY_APP_NAME|FLY_REGION|FLY_MACHINE_ID|RENDER|RENDER_SERVICE_[A-Z_]+|RAILWAY_[A-Z_]+|KUBERNETES_SERVICE_HOST|KUBERNETES_SERVICE_PORT|PORT|HOST|HOSTNAME|HOME|PATH|PWD|USER|TZ|LANG|SHELL|TMPDIR)$/;
const notFeature = (v: string) => STAGE_VAR.test(v) || ALWAYS_SET.test(v);
const STAGE_VALUE = /^(?:prod|production|staging|stage|dev|development|test|testing|preview|local|ci)$/i;
const UPPER = /^[A-Z][A-Z0-9_]*$/;

const FUNCTIONS = new Set(['function_declaration', 'generator_function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function']);

function unwrap(n: TSNode | null | undefined): TSNode | null {
  while (n && (n.type === 'parenthesized_expression' || n.type === 'non_null_expression' || n.type === 'as_expression' || n.type === 'satisfies_expression' || n.type === 'await_expression')) n = n.namedChild(0);
  return n ?? null;
}

function stringValue(n: TSNode | null): string | undefined {
  n = unwrap(n);
  if (n?.type !== 'string' && n?.type !== 'template_string') return undefined;
  if (n.type === 'template_string' && n.text.includes('${')) return undefined;
  return n.text.slice(1, -1);
}

/** What a file knows about env values: wrapper names and locals derived from the environment. */
interface FileEnv {
  wrappers: ReadonlySet<string>;
  /** local name → the variables its value comes from. */
  readonly locals: Map<string, EnvValue>;
}

interface EnvValue {
  vars: string[];
  /** Its truthiness means "set". */
  truthy: boolean;
  /**
   * The value it takes when unset (`env('X') ?? 'smtp-auth'`): comparing with it is not a gate.
   * `null` when the fallback is not a literal, so any comparison may hold without the variable.
   */
  fallback?: string | null;
}

/** The variable a direct read names: `process.env.X`, `process?.env?.['X']`, `import.meta.env.X`, `env('X')`. */
function directRead(n: TSNode | null, fe: FileEnv): string | undefined {
  n = unwrap(n);
  if (!n) return undefined;
  if (n.type === 'member_expression' || n.type === 'subscript_expression') {
    const obj = n.childForFieldName('object')?.text ?? '';
    if (!/^(?:process|Bun)\??\.env$|^import\.meta\.env$/.test(obj)) return undefined;
    const name = n.type === 'member_expression' ? n.childForFieldName('property')?.text : stringValue(n.childForFieldName('index'));
    return name && UPPER.test(name) ? name : undefined;
  }
  if (n.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
    if (!name || !fe.wrappers.has(name)) return undefined;
    const a = n.childForFieldName('arguments')?.namedChildren.filter((x) => x && x.type !== 'comment') ?? [];
    const v = stringValue(a[0] ?? null);
    return v && UPPER.test(v) ? v : undefined;
  }
  return undefined;
}

/** The variables an expression's value is (a read, or a local derived from reads), and whether its truthiness means "set". */
function envValue(n: TSNode | null, fe: FileEnv): EnvValue | undefined {
  n = unwrap(n);
  if (!n) return undefined;
  const d = directRead(n, fe);
  if (d) return { vars: [d], truthy: true };
  if (n.type === 'identifier') return fe.locals.get(n.text);
  // `Boolean(x)`, `!!x`
  if (n.type === 'call_expression' && n.childForFieldName('function')?.text === 'Boolean') {
    const a = n.childForFieldName('arguments')?.namedChildren.filter((x) => x && x.type !== 'comment') ?? [];
    return a.length === 1 ? selector(a[0], fe) : undefined;
  }
  if (n.type === 'unary_expression' && n.text.startsWith('!!')) return selector(n.namedChild(0)?.namedChild(0) ?? null, fe);
  return undefined;
}

/**
 * The variables a condition requires set (or equal to a feature value) for it to hold: each conjunct
 * that is a truthy read or a comparison `=== 'value'` with a value that is not a stage name.
 */
function selector(cond: TSNode | null, fe: FileEnv, depth = 0): EnvValue | undefined {
  cond = unwrap(cond);
  if (!cond || depth > 40) return undefined;
  if (cond.type === 'binary_expression') {
    const op = cond.childForFieldName('operator')?.text;
    if (op === '&&') {
      const l = selector(cond.childForFieldName('left'), fe, depth + 1);
      const r = selector(cond.childForFieldName('right'), fe, depth + 1);
      if (!l && !r) return undefined;
      return { vars: [...(l?.vars ?? []), ...(r?.vars ?? [])], truthy: true };
    }
    if (op === '===' || op === '==') {
      const l = cond.childForFieldName('left');
      const r = cond.childForFieldName('right');
      for (const [a, b] of [[l, r], [r, l]] as const) {
        const v = envValue(a, fe);
        const lit = stringValue(b);
        if (v && lit && !STAGE_VALUE.test(lit) && !v.vars.some(notFeature) && !reachedUnset(v, lit)) return { vars: v.vars, truthy: true };
      }
    }
    return undefined;
  }
  const v = envValue(cond, fe);
  return v?.truthy && !v.vars.some(notFeature) ? v : undefined;
}

/** Whether a comparison with `lit` may hold while the variables are unset (the value's fallback). */
function reachedUnset(v: EnvValue, lit: string): boolean {
  return v.fallback === null || v.fallback === lit;
}

/** The switch a case belongs to, when the switch is on an env value and the case names a feature value. */
function switchGate(kase: TSNode, fe: FileEnv): string[] | undefined {
  if (kase.type !== 'switch_case') return undefined;
  const lit = stringValue(kase.childForFieldName('value'));
  if (lit === undefined || STAGE_VALUE.test(lit)) return undefined;
  const sw = kase.parent?.parent;
  if (sw?.type !== 'switch_statement') return undefined;
  const v = envValue(sw.childForFieldName('value'), fe);
  return v && !v.vars.some(notFeature) && !reachedUnset(v, lit) ? v.vars : undefined;
}

/**
 * The innermost branch around `n` taken only when env variables select it: the consequence of an
 * `if` or ternary, the right side of `&&`, a `case 'value':` of a switch on an env value.
 */
function branchGate(n: TSNode, fe: FileEnv): { vars: string[]; at: TSNode } | undefined {
  let child = n;
  for (let p = n.parent, depth = 0; p && depth < 400; depth++, child = p, p = p.parent) {
    let cond: TSNode | null = null;
    if ((p.type === 'if_statement' || p.type === 'ternary_expression') && p.childForFieldName('consequence')?.id === child.id) cond = p.childForFieldName('condition');
    else if (p.type === 'binary_expression' && p.childForFieldName('operator')?.text === '&&' && p.childForFieldName('right')?.id === child.id) cond = p.childForFieldName('left');
    else if (p.type === 'switch_case' && p.childForFieldName('value')?.id !== child.id) {
      const vars = switchGate(p, fe);
      if (vars) return { vars, at: p };
      continue;
    }
    // `...(flag && { … })`: the spread of a gated object
    if (cond) {
      const s = selector(cond, fe);
      if (s) return { vars: s.vars, at: p };
    }
  }
  return undefined;
}

const FALSY = new Set(['', "''", '""', '``', 'null', 'undefined', 'false', '0']);

/**
 * Locals whose value comes from the environment: `const transport = env('X')`,
 * `const PREVIEW = process.env.X === '1'`, `const enabled = Boolean(A && B)`, and a local declared
 * falsy that is only assigned inside env-selected branches (`let base = ''; if (process.env.X) base = …`).
 */
function envLocals(root: TSNode, wrappers: ReadonlySet<string>): FileEnv {
  // Computed on the first lookup of a local in a condition: most reads are in no branch at all.
  let locals: Map<string, EnvValue> | undefined;
  return {
    wrappers,
    get locals() {
      return (locals ??= computeLocals(root, wrappers));
    },
  };
}

function computeLocals(root: TSNode, wrappers: ReadonlySet<string>): Map<string, EnvValue> {
  // declarations are resolved in order: a local may be derived from one declared before it
  const fe: FileEnv = { wrappers, locals: new Map() };
  const falsy: { name: string }[] = [];
  const decls = root.descendantsOfType('variable_declarator').filter((d): d is TSNode => !!d && d.childForFieldName('name')?.type === 'identifier');
  // A name declared twice, or also a parameter, may be another variable where it is tested: not followed.
  const ambiguous = parameterNames(root);
  const seen = new Set<string>();
  for (const d of decls) {
    const name = d.childForFieldName('name')!.text;
    if (seen.has(name)) ambiguous.add(name);
    seen.add(name);
  }
  for (const d of decls) {
    const name = d.childForFieldName('name')!.text;
    if (ambiguous.has(name)) continue;
    const value = d.childForFieldName('value');
    if (!value || FALSY.has(value.text)) {
      if (d.parent?.type === 'lexical_declaration' && d.parent.child(0)?.text === 'let') falsy.push({ name });
      else if (d.parent?.type === 'variable_declaration') falsy.push({ name });
      continue;
    }
    const v = unwrap(value);
    if (!v) continue;
    const direct = envValue(v, fe);
    if (direct) {
      fe.locals.set(name, direct);
      continue;
    }
    const s = selector(v, fe);
    if (s) {
      fe.locals.set(name, s);
      continue;
    }
    // `process.env.X || 'default'`: derived, but its truthiness says nothing
    if (v.type === 'binary_expression' && /^(\|\||\?\?)$/.test(v.childForFieldName('operator')?.text ?? '')) {
      const l = envValue(v.childForFieldName('left'), fe);
      const right = v.childForFieldName('right');
      if (l) fe.locals.set(name, { vars: l.vars, truthy: false, fallback: stringValue(right) ?? (right && FALSY.has(right.text) ? undefined : null) });
    }
  }
  if (falsy.length) {
    const assigned = new Map<string, TSNode[]>();
    const wanted = new Set(falsy.map((f) => f.name));
    for (const a of root.descendantsOfType(['assignment_expression', 'augmented_assignment_expression'])) {
      const left = a?.childForFieldName('left');
      if (a && left?.type === 'identifier' && wanted.has(left.text)) {
        const list = assigned.get(left.text) ?? [];
        if (list.length < 50) list.push(a);
        assigned.set(left.text, list);
      }
    }
    for (const { name } of falsy) {
      const list = assigned.get(name);
      if (!list?.length || fe.locals.has(name)) continue;
      const gates = list.map((a) => branchGate(a, fe));
      if (gates.every((g) => !!g)) fe.locals.set(name, { vars: [...new Set(gates.flatMap((g) => g!.vars))], truthy: true });
    }
  }
  return fe.locals;
}

/** Names bound as function parameters anywhere in the file (`(url) => …`, `function f({ key }, b = 1)`). */
function parameterNames(root: TSNode): Set<string> {
  const out = new Set<string>();
  for (const list of root.descendantsOfType('formal_parameters')) {
    for (const c of list?.namedChildren ?? []) {
      if (!c) continue;
      const pat = c.type === 'required_parameter' || c.type === 'optional_parameter' ? c.childForFieldName('pattern') : c;
      const id = pat?.type === 'assignment_pattern' ? pat.childForFieldName('left') : pat;
      if (id?.type === 'identifier') out.add(id.text);
      else if (id) for (const x of id.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern'])) if (x) out.add(x.text);
    }
  }
  // `(url) => …` without parentheses: the arrow's single parameter
  for (const a of root.descendantsOfType('arrow_function')) {
    const p = a?.childForFieldName('parameter');
    if (p?.type === 'identifier') out.add(p.text);
  }
  return out;
}

/** The top-level class or function a node is inside (its body, not module code around it), by name. */
function unitOf(n: TSNode): string | undefined {
  let child = n;
  let inFunction = false;
  for (let p = n.parent, depth = 0; p && depth < 400; depth++, child = p, p = p.parent) {
    if (FUNCTIONS.has(p.type) && p.childForFieldName('body')?.id === child.id) inFunction = true;
    // A static field initializer or static block runs when the module loads.
    if ((p.type === 'public_field_definition' || p.type === 'field_definition') && /^static\b/.test(p.text) && !inFunction) return undefined;
    if (p.type === 'class_static_block' && !inFunction) return undefined;
    const parent = p.parent;
    if (parent?.type !== 'program' && parent?.type !== 'export_statement') continue;
    if (parent.type === 'export_statement' && parent.parent?.type !== 'program') continue;
    // `export default class …`: importers name it as they like, so its uses cannot be found by name
    if (parent.type === 'export_statement' && parent.children.some((c) => c?.type === 'default')) return undefined;
    if (p.type === 'class_declaration' || p.type === 'abstract_class_declaration') return p.childForFieldName('name')?.text;
    if ((p.type === 'function_declaration' || p.type === 'generator_function_declaration') && inFunction) return p.childForFieldName('name')?.text;
    if ((p.type === 'lexical_declaration' || p.type === 'variable_declaration') && inFunction) {
      const decls = p.namedChildren.filter((x) => x?.type === 'variable_declarator');
      const d = decls.find((x) => x && x.startIndex <= n.startIndex && n.endIndex <= x.endIndex);
      const v = unwrap(d?.childForFieldName('value'));
      const name = d?.childForFieldName('name');
      // the function must be the declarator's value itself (`const f = () => …`), not something built from it
      if (name?.type === 'identifier' && v && (v.type === 'arrow_function' || v.type === 'function_expression' || v.type === 'function') && v.startIndex <= n.startIndex) return name.text;
    }
    return undefined;
  }
  return undefined;
}

const DECLARATION_PARENTS = new Set(['class_declaration', 'abstract_class_declaration', 'function_declaration', 'generator_function_declaration']);
const NEUTRAL_PARENTS = new Set(['import_specifier', 'import_clause', 'namespace_import', 'export_specifier', 'named_imports']);

/**
 * How one occurrence of a unit's name is used: not a use (its declaration, an import or export
 * specifier, a type), a use in an env-selected branch (with the branch), or a use anywhere else.
 */
function useOf(id: TSNode, fe: FileEnv): 'none' | { vars: string[]; at: TSNode } | 'open' {
  const p = id.parent;
  if (!p) return 'open';
  // `import { X as Y }`, `export { X as Y }`: uses under another name, which we cannot follow
  if ((p.type === 'import_specifier' || p.type === 'export_specifier') && p.childForFieldName('alias')) return 'open';
  if (NEUTRAL_PARENTS.has(p.type)) return 'none';
  if (DECLARATION_PARENTS.has(p.type) && p.childForFieldName('name')?.id === id.id) return 'none';
  if (p.type === 'variable_declarator' && p.childForFieldName('name')?.id === id.id) return 'none';
  // `module.exports = { startQueue }`, `exports.startQueue = startQueue`: CommonJS's export
  const obj = p.type === 'object' ? p : p.type === 'pair' && p.childForFieldName('value')?.id === id.id && p.parent?.type === 'object' ? p.parent : undefined;
  const asg = obj ? obj.parent : p;
  const rightSide = obj ?? id;
  if (asg?.type === 'assignment_expression' && asg.childForFieldName('right')?.id === rightSide.id && /^(?:module\.exports|exports)\b/.test(asg.childForFieldName('left')?.text ?? '')) return 'none';
  // `const { S3Provider } = require('./s3')`: CommonJS's import
  const pattern = p.type === 'object_pattern' ? p : p.type === 'pair_pattern' && p.parent?.type === 'object_pattern' ? p.parent : undefined;
  const decl = pattern?.parent;
  if (decl?.type === 'variable_declarator' && decl.childForFieldName('name')?.id === pattern!.id && decl.parent?.parent?.type === 'program') {
    const v = unwrap(decl.childForFieldName('value'));
    if (v?.type === 'call_expression' && v.childForFieldName('function')?.text === 'require') return 'none';
  }
  // `export default X;` re-exports under another name: uses we cannot follow
  return branchGate(id, fe) ?? 'open';
}

// Type positions (`type_identifier`) do not run: not uses.
const IDENT_TYPES = new Set(['identifier', 'property_identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern']);

export interface GateFile {
  path: string;
  lang: SourceLanguage;
  text: string;
}

/** What the workspace says about gates, kept between runs for single-file updates. */
export interface GateIndex {
  /** unit name (class/function) → its gate, when every use of it is in an env-selected branch. */
  units: Map<string, Gate>;
  /** variable → presence tests that act as a feature switch (file, line, directory). */
  presence: Map<string, { file: string; line: number }[]>;
  /** module path → its gate, when it is only ever imported by a dynamic `import()` in an env-selected branch. */
  modules: Map<string, Gate>;
}

export const emptyGates = (): GateIndex => ({ units: new Map(), presence: new Map(), modules: new Map() });

const dirOf = (p: string) => (p.lastIndexOf('/') < 0 ? '' : p.slice(0, p.lastIndexOf('/')));

/** The node of a read's name (its range start, in the parse). */
function nodeOfRead(p: Parsed, r: EnvRead): TSNode | undefined {
  const start = p.lines.offsetAt(r.range.start);
  const end = p.lines.offsetAt(r.range.end);
  return p.root.descendantForIndex(start, Math.max(start, end - 1)) ?? undefined;
}

/**
 * A read tested as a feature switch: a conjunct of a condition made only of presence tests, that
 * is a flag local (`const enabled = Boolean(process.env.A && process.env.B)`, `!!process.env.X`)
 * or a condition of two variables or more (`if (process.env.A && process.env.B)`). An assertion
 * (`if (!X) throw`) or a one-off use (`process.env.X ? new URL(process.env.X) : d`) is not one.
 */
function presenceTest(n: TSNode, fe: FileEnv): boolean {
  // up from the name to the whole read (`process.env.X`, `env('X')`)
  let cur: TSNode | null = n;
  for (let i = 0; i < 4 && cur && !directRead(cur, fe); i++) cur = cur.parent;
  if (!cur) return false;
  let top = cur;
  for (let depth = 0; top.parent && depth < 40; depth++) {
    const p: TSNode = top.parent;
    if (p.type === 'parenthesized_expression' || p.type === 'non_null_expression' || (p.type === 'binary_expression' && p.childForFieldName('operator')?.text === '&&')) top = p;
    else break;
  }
  const conj = conjunctsOf(top);
  if (!conj.every((c) => !!directRead(c, fe))) return false;
  const p = top.parent;
  if (!p) return false;
  const flag = (x: TSNode | null | undefined) => x?.type === 'variable_declarator' && x.childForFieldName('name')?.type === 'identifier';
  // `Boolean(…)` / `!!…` held in a local
  if (p.type === 'arguments' && p.namedChildren.length === 1 && p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.text === 'Boolean') return flag(p.parent.parent);
  if (p.type === 'unary_expression' && p.text.startsWith('!!')) return flag(p.parent?.type === 'unary_expression' ? p.parent.parent : p.parent);
  if (p.type === 'unary_expression' && p.parent?.type === 'unary_expression' && p.parent.text.startsWith('!!')) return flag(p.parent.parent);
  if (conj.length < 2) return false;
  if (flag(p)) return true;
  return (p.type === 'if_statement' || p.type === 'ternary_expression') && p.childForFieldName('condition')?.id === top.id;
}

function conjunctsOf(n: TSNode, out: TSNode[] = [], depth = 0): TSNode[] {
  const u = unwrap(n);
  if (!u) return out;
  if (depth < 40 && u.type === 'binary_expression' && u.childForFieldName('operator')?.text === '&&') {
    conjunctsOf(u.childForFieldName('left')!, out, depth + 1);
    conjunctsOf(u.childForFieldName('right')!, out, depth + 1);
  } else out.push(u);
  return out;
}

/** A unit named in more files than this is shared code: not followed (its reads stay as they are). */
const MAX_FILES_PER_UNIT = 40;

/** Identifier-like tokens of a text (linear: one pass of a simple pattern). */
function tokensIn(text: string, wanted: ReadonlySet<string>): { at: number; name: string }[] {
  const out: { at: number; name: string }[] = [];
  const re = /[A-Za-z_$][\w$]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (wanted.has(m[0])) out.push({ at: m.index, name: m[0] });
  return out;
}

type GateSource = { path: string; lang: SourceLanguage; text: () => Promise<string | undefined> };

/*
 * Incremental: every step that needs a file's parse is a per-file result memoised in the analysis's
 * `FileMemo` (by path, content hash, language, the JS wrapper names and the file's reads, whatever
 * else it depends on), holding nothing that depends on other files; the workspace join (which
 * names are required somewhere, which units and modules are used only under a gate, where the
 * specifiers resolve) runs every time on those results without parsing. After an edit to one file
 * only that file is parsed again, and the join still sees its new gates.
 */

/** The memo's version of what a file's gate facts depend on beyond its text. */
function gateInputs(lang: SourceLanguage, wrappers: ReadonlySet<string>, more: Record<string, unknown> = {}): string {
  return JSON.stringify({ lang, w: [...wrappers].sort(), ...more });
}

/** A fingerprint of a file's reads (their names and ranges, and their kinds when `kinds`): per-read results are by index. */
function readsKey(reads: readonly EnvRead[], kinds: boolean): string {
  return contentHash(JSON.stringify(reads.map((r) => (kinds ? [r.name, r.range, ungatedKind(r)] : [r.name, r.range]))));
}

const ungatedKind = (r: EnvRead): EnvRead['kind'] => (r as GatedRead).gatedFrom ?? r.kind;

/** Per read of a file, in its order: null when the parse has no node there, else the unit it is in and whether it is a presence test. */
type ReadGateFacts = { unit?: string; presence: boolean } | null;

/** A gated `import('./x')` of a file, its specifier not yet resolved (that needs the workspace's files). */
interface RawImport {
  spec: string;
  at: number;
  by: string[];
  line: number;
}

interface FileGateFacts {
  reads: ReadGateFacts[];
  imports: RawImport[];
}

/** Step 1's parse of one file: every read's unit and presence test, and its gated relative `import()`s (memoised). */
async function fileGateFacts(memo: FileMemo, f: GateSource, text: string, hash: string, reads: readonly EnvRead[], wrappers: ReadonlySet<string>): Promise<FileGateFacts | null> {
  return memo.get('env:gates:file', f.path, hash, gateInputs(f.lang, wrappers, { r: readsKey(reads, false) }), async () => {
    const r = await withParse(f.lang, text, f.path, (p): FileGateFacts => {
      const fe: FileEnv = { wrappers, locals: new Map() };
      return {
        reads: reads.map((read) => {
          const n = nodeOfRead(p, read);
          return n ? { unit: unitOf(n), presence: presenceTest(n, fe) } : null;
        }),
        imports: text.includes('import(') ? gatedImports(p, envLocals(p.root, wrappers)) : [],
      };
    });
    return r ?? null;
  });
}

/** Step 3's parse of one file: each of `names` (the wanted units it names) → whether a use is open, and its first gated use (memoised). */
async function fileUses(memo: FileMemo, f: GateSource, text: string, hash: string, names: readonly string[], wrappers: ReadonlySet<string>): Promise<[string, boolean, { by: string[]; line: number } | null][] | null> {
  return memo.get('env:gates:uses', f.path, hash, gateInputs(f.lang, wrappers, { names }), async () => {
    const wanted = new Set(names);
    const marks = tokensIn(text, wanted).map((t) => t.at);
    const r = await withParse(f.lang, text, f.path, (p) => {
      const fe = envLocals(p.root, wrappers);
      const uses = new Map<string, { open: boolean; gate: { by: string[]; line: number } | null }>();
      walkTree(
        p.root,
        (n) => {
          if (!IDENT_TYPES.has(n.type) || !wanted.has(n.text)) return;
          const use = useOf(n, fe);
          if (use === 'none') return;
          const u = uses.get(n.text) ?? { open: false, gate: null };
          if (use === 'open') u.open = true;
          else u.gate ??= { by: [...new Set(use.vars)], line: p.positionAt(use.at.startIndex).line };
          uses.set(n.text, u);
        },
        marks,
      );
      return [...uses].map(([name, u]): [string, boolean, { by: string[]; line: number } | null] => [name, u.open, u.gate]);
    });
    return r ?? null;
  });
}

/**
 * Builds the workspace's gate index: the units (classes, functions) holding required reads, and
 * each file that names one classified use by use. `files` are every JS/TS source file of the
 * workspace (uses may be in files that read nothing); `readsOf` gives the reads found in a file.
 * Per-file parse results go through `memo` (the analysis's, so a later run reuses them).
 */
export async function buildGates(
  files: readonly GateSource[],
  readsOf: (path: string) => readonly EnvRead[] | undefined,
  wrappers: ReadonlySet<string>,
  signal?: AbortSignal,
  opaque: readonly { path: string; text: () => Promise<string | undefined> }[] = [],
  memo: FileMemo = new FileMemo(),
): Promise<GateIndex> {
  const index = emptyGates();
  const units = new Map<string, string[]>(); // unit name → files defining it
  const texts = new Map<string, string>();
  const hashes = new Map<string, string>();
  const hashOf = (path: string, text: string) => {
    let h = hashes.get(path);
    if (h === undefined) hashes.set(path, (h = contentHash(text)));
    return h;
  };
  const known = new Set(files.map((f) => f.path));
  const required = new Set<string>();
  const dynamic: DynamicImport[] = [];
  const isRequired = (r: EnvRead) => (r as GatedRead).gatedFrom === 'required' || r.kind === 'required';
  // only variables read as required somewhere can be made optional: presence tests of others do not matter
  const requiredNames = new Set<string>();
  for (const f of files) for (const r of readsOf(f.path) ?? []) if (isRequired(r)) requiredNames.add(r.name);
  if (!requiredNames.size) return index;
  // 1. units of required reads, presence tests, gated `import()`s
  for (const f of files) {
    if (signal?.aborted) break;
    const all = readsOf(f.path);
    if (!all) continue;
    const text = await f.text();
    if (text === undefined) continue;
    texts.set(f.path, text);
    const picked = all.map((_, i) => i).filter((i) => requiredNames.has(all[i].name));
    if (!picked.length && !text.includes('import(')) continue;
    const facts = await fileGateFacts(memo, f, text, hashOf(f.path, text), all, wrappers);
    if (!facts) continue;
    let n = 0;
    for (const d of facts.imports) {
      const target = resolveRelative(f.path, d.spec, known);
      if (!target || target === f.path) continue;
      dynamic.push({ target, file: f.path, at: d.at, gate: { by: d.by, file: f.path, line: d.line, how: 'import' } });
      if (++n >= 200) break;
    }
    for (const i of picked) {
      const r = all[i];
      const x = facts.reads[i];
      if (!x) continue;
      if (isRequired(r)) {
        required.add(f.path);
        if (x.unit) units.set(x.unit, [...(units.get(x.unit) ?? []), f.path]);
      } else if (x.presence) {
        const list = index.presence.get(r.name) ?? [];
        if (list.length < 20) list.push({ file: f.path, line: r.range.start.line });
        index.presence.set(r.name, list);
      }
    }
  }
  await moduleGates(index, dynamic.filter((d) => required.has(d.target)), files, opaque, texts, memo, hashOf, signal);
  if (!units.size) return index;
  // 2. the files naming a unit (one token pass each); a name in many files is a shared helper, not a feature's
  const wanted = new Set(units.keys());
  const namedIn = new Map<string, number>();
  const candidates: { f: (typeof files)[number]; text: string; names: Set<string> }[] = [];
  for (const f of files) {
    if (signal?.aborted) break;
    const text = texts.get(f.path) ?? (await f.text());
    if (text === undefined) continue;
    const names = new Set(tokensIn(text, wanted).map((t) => t.name));
    if (!names.size) continue;
    for (const n of names) namedIn.set(n, (namedIn.get(n) ?? 0) + 1);
    candidates.push({ f, text, names });
  }
  for (const [n, count] of namedIn) if (count > MAX_FILES_PER_UNIT) wanted.delete(n);
  // Components whose script is not parsed here (.vue, .svelte, .astro, .mdx): a name there is a use we cannot classify.
  for (const f of opaque) {
    if (signal?.aborted || !wanted.size) break;
    const text = await f.text();
    if (text !== undefined) for (const t of tokensIn(text, wanted)) wanted.delete(t.name);
  }
  // 3. every use of the remaining names, classified (per file, by the names it holds)
  const uses = new Map<string, { open: boolean; gate?: Gate }>();
  for (const { f, text, names } of candidates) {
    if (signal?.aborted) break;
    const here = [...names].filter((n) => wanted.has(n)).sort();
    if (!here.length) continue;
    for (const [name, open, gate] of (await fileUses(memo, f, text, hashOf(f.path, text), here, wrappers)) ?? []) {
      const u = uses.get(name) ?? { open: false };
      if (open) u.open = true;
      if (gate) u.gate ??= { by: gate.by, file: f.path, line: gate.line, how: 'caller', unit: name };
      uses.set(name, u);
    }
  }
  for (const [name, u] of uses) if (!u.open && u.gate) index.units.set(name, u.gate);
  return index;
}

// ───────────────────────────── modules imported only under a gate ─────────────────────────────

interface DynamicImport {
  target: string;
  /** the importing file and the offset of its `import(…)` call */
  file: string;
  at: number;
  gate: Gate;
}

const MAX_GATED_MODULES = 50;
const JS_EXTS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

/** The workspace file a relative specifier names (`./azure` → `src/azure.ts`, `./x.js` → `src/x.ts`, `./dir` → `src/dir/index.ts`). */
function resolveRelative(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const parts = dirOf(from) ? dirOf(from).split('/') : [];
  for (const seg of spec.split('/')) {
    if (seg === '.' || seg === '') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  const base = parts.join('/');
  const stripped = base.replace(/\.[cm]?jsx?$/, '');
  for (const b of [base, stripped]) {
    if (known.has(b)) return b;
    for (const e of JS_EXTS) if (known.has(b + e)) return b + e;
    for (const e of JS_EXTS) if (known.has(`${b}/index${e}`)) return `${b}/index${e}`;
  }
  return undefined;
}

/** The name importers use for a module: its file name without extension, or its folder's for an index file. */
function stemOf(path: string): string {
  const segs = path.split('/');
  const last = segs[segs.length - 1].replace(/\.[^.]*$/, '');
  return last === 'index' && segs.length > 1 ? segs[segs.length - 2] : last;
}

function specStem(spec: string): string {
  const segs = spec.split('/').filter((x) => x && x !== '.' && x !== '..');
  const last = (segs[segs.length - 1] ?? '').replace(/\.[cm]?[jt]sx?$/, '');
  return last === 'index' && segs.length > 1 ? segs[segs.length - 2] : last;
}

/** Relative `import('./x')` calls inside env-selected branches, with their specifiers as written (resolved by the caller). */
function gatedImports(p: Parsed, fe: FileEnv): RawImport[] {
  const out: RawImport[] = [];
  for (const c of p.root.descendantsOfType('call_expression')) {
    if (!c || c.childForFieldName('function')?.type !== 'import') continue;
    const a = c.childForFieldName('arguments')?.namedChildren.filter((x) => x && x.type !== 'comment') ?? [];
    const spec = stringValue(a[0] ?? null);
    // only a relative specifier resolves to a workspace file
    if (spec === undefined || (!spec.startsWith('./') && !spec.startsWith('../'))) continue;
    const b = branchGate(c, fe);
    if (b) out.push({ spec, at: c.startIndex, by: [...new Set(b.vars)], line: p.positionAt(b.at.startIndex).line });
  }
  return out;
}

/** Every module specifier of a file: static imports, re-exports, `require()`, `import()` (with the call's offset). */
function specifiers(root: TSNode): { spec: string; at: number }[] {
  const out: { spec: string; at: number }[] = [];
  for (const n of root.descendantsOfType(['import_statement', 'export_statement', 'call_expression'])) {
    if (!n) continue;
    if (n.type === 'call_expression') {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'import' && fn?.text !== 'require') continue;
      const a = n.childForFieldName('arguments')?.namedChildren.filter((x) => x && x.type !== 'comment') ?? [];
      const spec = stringValue(a[0] ?? null);
      // a computed specifier may name anything
      out.push({ spec: spec ?? '*', at: n.startIndex });
    } else {
      const spec = stringValue(n.childForFieldName('source'));
      if (spec !== undefined) out.push({ spec, at: n.startIndex });
    }
  }
  return out;
}

/**
 * Modules reached only through gated `import()`: every specifier in the workspace that may name the
 * module (same stem, resolving to it or not resolvable: an alias) is one of those gated calls.
 */
async function moduleGates(
  index: GateIndex,
  dynamic: readonly DynamicImport[],
  files: readonly { path: string; lang: SourceLanguage; text: () => Promise<string | undefined> }[],
  opaque: readonly { path: string; text: () => Promise<string | undefined> }[],
  texts: ReadonlyMap<string, string>,
  memo: FileMemo,
  hashOf: (path: string, text: string) => string,
  signal?: AbortSignal,
): Promise<void> {
  if (!dynamic.length) return;
  const known = new Set(files.map((f) => f.path));
  const byTarget = new Map<string, DynamicImport[]>();
  for (const d of dynamic) {
    // a bounded number of modules; a stem too short to search for (`a.ts`) is not followed
    if ((!byTarget.has(d.target) && byTarget.size >= MAX_GATED_MODULES) || stemOf(d.target).length < 3) continue;
    byTarget.set(d.target, [...(byTarget.get(d.target) ?? []), d]);
  }
  if (!byTarget.size) return;
  const open = new Set<string>();
  const stems = new Map<string, string[]>(); // stem → targets
  for (const t of byTarget.keys()) stems.set(stemOf(t), [...(stems.get(stemOf(t)) ?? []), t]);
  // a component file (.vue, .svelte…) naming the module may import it: not followed
  for (const f of opaque) {
    if (signal?.aborted) return;
    const text = await f.text();
    if (text !== undefined) for (const [st, ts] of stems) if (text.includes(st)) for (const t of ts) open.add(t);
  }
  for (const f of files) {
    if (signal?.aborted) return;
    const text = texts.get(f.path) ?? (await f.text());
    if (text === undefined || ![...stems.keys()].some((st) => text.includes(st))) continue;
    // the file's specifiers are memoised (no other input); resolving them needs the workspace's files
    const specs = await memo.get('env:gates:specs', f.path, hashOf(f.path, text), f.lang, async () => (await withParse(f.lang, text, f.path, (p) => specifiers(p.root))) ?? null);
    for (const { spec, at } of specs ?? []) {
      const st = spec === '*' ? undefined : specStem(spec);
      for (const t of spec === '*' ? [...byTarget.keys()] : (stems.get(st!) ?? [])) {
        const resolved = spec === '*' ? undefined : resolveRelative(f.path, spec, known);
        if (resolved !== undefined && resolved !== t) continue;
        if (byTarget.get(t)!.some((d) => d.file === f.path && d.at === at)) continue;
        open.add(t);
      }
    }
  }
  for (const [t, list] of byTarget) if (!open.has(t)) index.modules.set(t, list[0].gate);
}

/**
 * The reads of one file with gates applied: required reads in an env-selected branch of this file,
 * in a unit the index says is only reached from one, or of a variable a file of the feature's
 * folder tests for presence, become optional with their gate. `exampleDir` is the folder of the
 * file's nearest example (presence tests at that level or above are app-wide, not a feature's).
 * The parse-dependent part (each required read's branch and unit) goes through `memo`; the index
 * is looked up every time.
 */
export async function gateReads(
  file: GateFile,
  reads: readonly EnvRead[],
  index: GateIndex,
  wrappers: ReadonlySet<string>,
  exampleDir: string | undefined,
  memo: FileMemo = new FileMemo(),
): Promise<EnvRead[]> {
  const own = reads.map(ungated);
  if (!gateable(file.lang) || !own.some((r) => r.kind === 'required')) return own;
  type ReadFacts = { by: string[]; line: number } | { unit?: string } | null;
  const facts = await memo.get('env:gates:reads', file.path, contentHash(file.text), gateInputs(file.lang, wrappers, { r: readsKey(own, true) }), async () => {
    const r = await withParse(file.lang, file.text, file.path, (p) => {
      const fe = envLocals(p.root, wrappers);
      return own.map((read): ReadFacts => {
        if (read.kind !== 'required') return null;
        const n = nodeOfRead(p, read);
        if (!n) return null;
        const b = branchGate(n, fe);
        return b ? { by: [...new Set(b.vars)], line: p.positionAt(b.at.startIndex).line } : { unit: unitOf(n) };
      });
    });
    return r ?? null;
  });
  if (!facts) return own;
  return own.map((read, i): EnvRead => {
    const x = facts[i];
    if (read.kind !== 'required' || !x) return read;
    if ('by' in x) return gated(read, { by: x.by, file: file.path, line: x.line, how: 'branch' });
    const ug = x.unit !== undefined ? index.units.get(x.unit) : undefined;
    if (ug) return gated(read, ug);
    const mg = index.modules.get(file.path);
    if (mg) return gated(read, mg);
    const pt = folderTest(index, read.name, file.path, exampleDir);
    if (pt) return gated(read, { by: [read.name], file: pt.file, line: pt.line, how: 'folder' });
    return read;
  });
}

function folderTest(index: GateIndex, name: string, path: string, exampleDir: string | undefined): { file: string; line: number } | undefined {
  const dir = dirOf(path);
  for (const t of index.presence.get(name) ?? []) {
    if (t.file === path) continue;
    const td = dirOf(t.file);
    if (exampleDir !== undefined && (td === exampleDir || !td.startsWith(exampleDir === '' ? '' : `${exampleDir}/`))) continue;
    if (dir === td || dir.startsWith(`${td}/`)) return t;
  }
  return undefined;
}

function gated(read: EnvRead, gate: Gate): GatedRead {
  return { ...read, kind: 'optional', gate, gatedFrom: read.kind };
}

/** A read as the scanner found it (a previous run's gate removed). */
export function ungated(read: EnvRead): EnvRead {
  const g = read as GatedRead;
  if (!g.gate) return read;
  const { gate: _gate, gatedFrom, ...rest } = g;
  return { ...rest, kind: gatedFrom ?? rest.kind };
}

/** The words a message adds for a gated read: "only reached when NEXT_PUBLIC_UPLOAD_TRANSPORT selects it (providers/index.ts:15)". */
export function gateNote(read: EnvRead): string {
  const g = (read as GatedRead).gate;
  if (!g) return '';
  const by = g.by.slice(0, 4).join(', ');
  const at = `${g.file}:${g.line + 1}`;
  if (g.how === 'folder') return ` ${read.name} is tested for presence as a feature switch in ${at}, so its absence is handled.`;
  if (g.how === 'import') return ` This module is only imported by \`import()\` where ${by} ${g.by.length > 1 ? 'select' : 'selects'} it (${at}).`;
  if (g.how === 'caller') return ` ${g.unit} is only used where ${by} ${g.by.length > 1 ? 'select' : 'selects'} it (${at}).`;
  return ` ${read.range.start.line === g.line ? 'It is' : `The read on line ${read.range.start.line + 1} is`} only reached when ${by} ${g.by.length > 1 ? 'select' : 'selects'} the branch at ${at}.`;
}
