import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { ReadKind } from './scanner';

/**
 * A project's own helper that reads the environment by a name it is given: `env('X')`,
 * `get_bool_from_env("X", False)`, `envStr(&c.Addr, "ADDR")`. Calls to it with a literal name
 * (at `arg`) are reads, in every file of the same language family.
 */
export interface WrapperDef {
  name: string;
  /** Position of the name among the call's arguments. */
  arg: number;
  family: Family;
  /** The helper throws/raises/panics (on absence): its reads are required. */
  throws: boolean;
  /** How the helper's own read treats absence (`os.environ[name]` raises; `.get` yields None). */
  inner: ReadKind;
  /** The helper takes parameters after the name (a default value). */
  extraParams: boolean;
  /** Where it is defined, for messages. */
  file?: string;
  /** 2 for a wrapper of a wrapper (found by resolving calls, not by scanning its file alone). */
  level?: number;
}

export type Family = 'js' | 'python' | 'go' | 'ruby' | 'php' | 'any';

export function familyOf(lang: SourceLanguage): Family | undefined {
  switch (lang) {
    case 'javascript':
    case 'typescript':
    case 'tsx':
      return 'js';
    case 'python':
      return 'python';
    case 'go':
      return 'go';
    case 'ruby':
      return 'ruby';
    case 'php':
      return 'php';
    default:
      return undefined;
  }
}

const FUNCTION_TYPES: Record<Exclude<Family, 'any'>, Set<string>> = {
  js: new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration']),
  python: new Set(['function_definition']),
  go: new Set(['function_declaration', 'method_declaration']),
  ruby: new Set(['method', 'singleton_method']),
  php: new Set(['function_definition', 'method_declaration']),
};

const THROWS: Record<Exclude<Family, 'any'>, RegExp> = {
  js: /\bthrow\b/,
  python: /\braise\b/,
  go: /\bpanic\(|\blog\.Fatal|\bos\.Exit\(/,
  ruby: /\braise\b|\bfail\b/,
  php: /\bthrow\b/,
};

/** The name a function is called by: its own name, or the variable it is assigned to. */
function functionName(fn: TSNode): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const p = fn.parent;
  if (p?.type === 'variable_declarator') {
    const n = p.childForFieldName('name');
    return n?.type === 'identifier' ? n.text : undefined;
  }
  if (p?.type === 'pair') {
    const k = p.childForFieldName('key');
    return k?.type === 'property_identifier' ? k.text : undefined;
  }
  return undefined;
}

/** Parameter names in order (Go `a, b string` counts as two). */
export function parameterNames(fn: TSNode): string[] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  const out: string[] = [];
  for (const c of list.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'identifier' || c.type === 'variable_name') out.push(c.text);
    else if (c.type === 'parameter_declaration' || c.type === 'variadic_parameter_declaration') {
      const names = c.namedChildren.filter((x) => x?.type === 'identifier');
      if (!names.length) out.push('');
      for (const x of names) out.push(x!.text);
    } else {
      const n = c.childForFieldName('pattern') ?? c.childForFieldName('name') ?? c.childForFieldName('left') ?? c.namedChildren.find((x) => x?.type === 'identifier' || x?.type === 'variable_name');
      out.push(n?.text ?? '');
    }
  }
  return out.map((x) => x.replace(/^\$/, ''));
}

export function enclosingFunction(n: TSNode, family: Family): TSNode | undefined {
  if (family === 'any') return undefined;
  const types = FUNCTION_TYPES[family];
  for (let p = n.parent; p; p = p.parent) if (types.has(p.type)) return p;
  return undefined;
}

const ARG_PARENTS = new Set(['arguments', 'argument_list', 'argument', 'subscript', 'subscript_expression', 'element_reference', 'index_expression']);

/** The parameter index when `n`'s name argument is exactly one of the enclosing function's parameters. */
export function paramArgument(n: TSNode, fn: TSNode): number | undefined {
  const params = parameterNames(fn);
  if (!params.length) return undefined;
  const ids: TSNode[] = [];
  const stack: TSNode[] = [n];
  while (stack.length && ids.length < 64) {
    const x = stack.pop()!;
    if ((x.type === 'identifier' || x.type === 'variable_name') && x.parent && ARG_PARENTS.has(x.parent.type)) ids.push(x);
    else {
      // Pushed last child first, so identifiers come out in source order: in `os.getenv(s, default)`
      // the name is `s` (argument 0), not the default after it.
      const kids = x.namedChildren;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i]) stack.push(kids[i]!);
    }
  }
  for (const id of ids) {
    const i = params.indexOf(id.text.replace(/^\$/, ''));
    if (i >= 0) return i;
  }
  return undefined;
}

/**
 * When a dynamic read (`process.env[name]`, `os.getenv(key)`…) reads a parameter of the function
 * around it, that function is a wrapper.
 */
export function wrapperFromDynamic(n: TSNode, lang: SourceLanguage, inner: ReadKind): WrapperDef | undefined {
  const family = familyOf(lang);
  if (!family || family === 'any') return undefined;
  const fn = enclosingFunction(n, family);
  if (!fn) return undefined;
  const name = functionName(fn);
  if (!name) return undefined;
  const arg = paramArgument(n, fn);
  if (arg === undefined) return undefined;
  const params = parameterNames(fn);
  return { name, arg, family, throws: THROWS[family].test(fn.childForFieldName('body')?.text ?? ''), inner, extraParams: params.length > arg + 1 };
}

/** A function passing its own parameter to a known wrapper, at the wrapper's name position: a wrapper of the wrapper. */
export function wrapperOfWrapper(call: TSNode, argNode: TSNode, lang: SourceLanguage, inner: WrapperDef): WrapperDef | undefined {
  const family = familyOf(lang);
  if (!family || family === 'any' || (argNode.type !== 'identifier' && argNode.type !== 'variable_name')) return undefined;
  const fn = enclosingFunction(call, family);
  if (!fn) return undefined;
  const name = functionName(fn);
  const params = parameterNames(fn);
  const arg = params.indexOf(argNode.text.replace(/^\$/, ''));
  if (!name || arg < 0 || name === inner.name) return undefined;
  return {
    name,
    arg,
    family,
    throws: inner.throws || THROWS[family].test(fn.childForFieldName('body')?.text ?? ''),
    inner: inner.inner,
    extraParams: params.length > arg + 1,
    level: 2,
  };
}

/** Keyed by family and name; the first definition wins (a required one over an optional one). */
export function mergeWrappers(into: Map<string, WrapperDef>, defs: Iterable<WrapperDef>): WrapperDef[] {
  const added: WrapperDef[] = [];
  for (const d of defs) {
    const k = `${d.family}:${d.name}`;
    const old = into.get(k);
    if (old && (old.arg !== d.arg || old.throws || !d.throws)) continue;
    into.set(k, d);
    added.push(d);
  }
  return added;
}

/** Names as they appear before `(` at a call: a cheap test of whether a file may call one. */
export function mayCall(text: string, names: Iterable<string>): boolean {
  for (const n of names) {
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) {
      const before = i > 0 ? text.charCodeAt(i - 1) : 32;
      if ((before >= 48 && before <= 57) || (before >= 65 && before <= 90) || (before >= 97 && before <= 122) || before === 95) continue;
      let j = i + n.length;
      while (text.charCodeAt(j) === 32) j++;
      if (text.charCodeAt(j) === 40) return true;
    }
  }
  return false;
}
