import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { Range } from '../../model';
import { baseType, splitWords, tagValue, targetType } from '../goconfig';
import type { DynamicRead, EnvRead, ReadKind } from '../scanner';

/**
 * Go structs read with `env:"X"` tags: caarlos0/env (`envPrefix:"P_"` on a nested struct field,
 * `envDefault`, `,required`/`,notEmpty`, `env.Parse(&c)`, `env.ParseWithOptions(&c, env.Options{Prefix:
 * "APP_"})`), and the same shape in ilyakaznacheev/cleanenv (`env-prefix`, `env-default`,
 * `env-required`) and sethvargo/go-envconfig (`env:"X, required"`, `env:", prefix=P_"`).
 *
 * A nested struct's fields are read under its parent's prefix plus its own, so a struct used as
 * `Primary DB envPrefix:"PRIMARY_"` and `Replica DB envPrefix:"REPLICA_"` yields both names. A struct
 * the file parses with a literal Options prefix is read under it; a struct nothing in the file nests
 * or parses is read without one (its Parse call is in another file). Returns undefined when no
 * struct in the file has an `env` tag.
 */
export function goEnvStructReads(root: TSNode): { reads: EnvRead[]; dynamic: DynamicRead[] } | undefined {
  const structs = new Map<string, TSNode>();
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec?.childForFieldName('name')?.text;
    const type = spec?.childForFieldName('type');
    if (name && type?.type === 'struct_type') structs.set(name, type);
  }
  if (!structs.size) return undefined;
  const nested = new Set<string>();
  for (const st of structs.values()) for (const f of fieldsOf(st)) if (f.type && structs.has(f.type)) nested.add(f.type);

  const alias = importAlias(root);
  const roots: Root[] = [];
  const dynamic: DynamicRead[] = [];
  const parsed = new Set<string>();
  if (alias) {
    // `env.ParseAsWithOptions[T](opts)` parses as a type conversion: both shapes are calls here.
    for (const call of root.descendantsOfType(['call_expression', 'type_conversion_expression'])) {
      if (!call) continue;
      const r = parseCall(call, alias);
      if (!r) continue;
      if (r.unknown) dynamic.push({ range: rangeOf(call), via: `${alias}.${r.fn} (Options not literal: the prefix of its variables cannot be derived)` });
      if (!r.type || !structs.has(r.type)) continue;
      parsed.add(r.type);
      if (!r.unknown) roots.push({ type: r.type, prefix: r.prefix, requiredIfNoDef: r.requiredIfNoDef, useFieldName: r.useFieldName });
    }
  }
  for (const t of structs.keys()) if (!nested.has(t) && !parsed.has(t)) roots.push({ type: t, prefix: '', requiredIfNoDef: false, useFieldName: false });

  const reads: EnvRead[] = [];
  let tagged = false;
  const walk = (type: string, prefix: string, r: Root, depth: number) => {
    const st = structs.get(type);
    if (!st || depth > 6) return;
    for (const f of fieldsOf(st)) {
      const env = tagValue(f.tag, 'env');
      if (env !== undefined) tagged = true;
      if (env === '-') continue;
      const [rawName, ...rest] = (env ?? '').split(',');
      const name = rawName.trim();
      const opts = rest.map((o) => o.trim());
      if (f.type && structs.has(f.type)) {
        const own = tagValue(f.tag, 'envPrefix') ?? tagValue(f.tag, 'env-prefix') ?? opts.find((o) => o.startsWith('prefix='))?.slice(7) ?? '';
        if (own) tagged = true;
        walk(f.type, prefix + own, r, depth + 1);
        continue;
      }
      const names = name ? [{ text: name, node: f.tagNode, col: f.tag.indexOf(`env:"${rawName}`) + 5 + (rawName.length - rawName.trimStart().length) }] : r.useFieldName ? f.names.map((n) => ({ text: splitWords(n.text), node: n, col: 0 })) : [];
      for (const n of names) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n.text)) continue;
        const hasDefault = tagValue(f.tag, 'envDefault') !== undefined || tagValue(f.tag, 'env-default') !== undefined || opts.some((o) => o.startsWith('default='));
        const required = opts.includes('required') || opts.includes('notEmpty') || tagValue(f.tag, 'env-required') === 'true';
        const kind: ReadKind = required ? 'required' : hasDefault ? 'default' : r.requiredIfNoDef ? 'required' : 'optional';
        const range = n.node && n.col > 0 && n.node.startPosition.row === n.node.endPosition.row ? at(n.node, n.col, n.text.length) : rangeOf(n.node ?? f.decl);
        reads.push({ name: prefix + n.text, kind, range, via: 'env tag' });
      }
    }
  };
  for (const r of roots) walk(r.type, r.prefix, r, 0);
  return tagged || dynamic.length ? { reads, dynamic } : undefined;
}

interface Root {
  type: string;
  prefix: string;
  requiredIfNoDef: boolean;
  useFieldName: boolean;
}

interface Field {
  decl: TSNode;
  names: TSNode[];
  type?: string;
  tag: string;
  tagNode?: TSNode;
}

function fieldsOf(st: TSNode): Field[] {
  const list = st.namedChildren.find((c) => c?.type === 'field_declaration_list');
  const out: Field[] = [];
  for (const f of list?.namedChildren ?? []) {
    if (f?.type !== 'field_declaration') continue;
    const tagNode = f.childForFieldName('tag') ?? undefined;
    out.push({ decl: f, names: f.namedChildren.filter((c): c is TSNode => c?.type === 'field_identifier'), type: baseType(f.childForFieldName('type')?.text), tag: tagNode?.text ?? '', tagNode });
  }
  return out;
}

/** The local name of the caarlos0/env package (`env` unless imported under another name). */
function importAlias(root: TSNode): string | undefined {
  for (const spec of root.descendantsOfType('import_spec')) {
    const path = spec?.childForFieldName('path')?.text ?? '';
    if (!/^"github\.com\/caarlos0\/env(?:\/v\d+)?"$/.test(path)) continue;
    return spec?.childForFieldName('name')?.text ?? 'env';
  }
  return undefined;
}

interface ParseCall {
  fn: string;
  type?: string;
  prefix: string;
  requiredIfNoDef: boolean;
  useFieldName: boolean;
  unknown: boolean;
}

/** `env.Parse(&c)`, `env.ParseWithOptions(&c, opts)`, `env.ParseAs[T]()`, `env.ParseAsWithOptions[T](opts)`. */
function parseCall(call: TSNode, alias: string): ParseCall | undefined {
  const conversion = call.type === 'type_conversion_expression';
  let fn = conversion ? call.childForFieldName('type') : call.childForFieldName('function');
  let typeArg: string | undefined;
  const targs = call.childForFieldName('type_arguments');
  if (targs) typeArg = baseType(targs.namedChildren.find((c) => !!c)?.text);
  if (fn?.type === 'index_expression') {
    typeArg = baseType(fn.childForFieldName('index')?.text);
    fn = fn.childForFieldName('operand');
  } else if (fn?.type === 'generic_type') {
    typeArg = baseType(fn.childForFieldName('type_arguments')?.namedChildren.find((c) => !!c)?.text);
    fn = fn.childForFieldName('type');
  }
  if (!fn) return undefined;
  const m = /^(\w+)\.(Parse|ParseWithOptions|Must|ParseAs|ParseAsWithOptions)$/.exec(fn.text.replace(/\s+/g, ''));
  if (!m || m[1] !== alias || m[2] === 'Must') return undefined;
  const operand = call.childForFieldName('operand');
  const a = conversion ? (operand ? [operand] : []) : (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'comment');
  const generic = m[2].startsWith('ParseAs');
  const type = generic ? typeArg : a[0] ? targetType(a[0], call) : undefined;
  const optsArg = m[2] === 'ParseWithOptions' ? a[1] : m[2] === 'ParseAsWithOptions' ? a[0] : undefined;
  const out: ParseCall = { fn: m[2], type, prefix: '', requiredIfNoDef: false, useFieldName: false, unknown: false };
  if (!optsArg) return out;
  const lit = optionsLiteral(optsArg, call, alias);
  if (!lit) {
    out.unknown = true;
    return out;
  }
  for (const el of lit.descendantsOfType('keyed_element')) {
    if (!el || el.parent?.parent?.id !== lit.id) continue;
    const kids = el.namedChildren.filter((c): c is TSNode => !!c).map((c) => (c.type === 'literal_element' && c.namedChild(0) ? c.namedChild(0)! : c));
    const key = kids[0]?.text;
    const value = kids[1];
    if (!key || !value) continue;
    if (key === 'Prefix') {
      const s = value.type === 'interpreted_string_literal' || value.type === 'raw_string_literal' ? value.text.slice(1, -1) : undefined;
      if (s === undefined || !/^[A-Za-z0-9_]*$/.test(s)) out.unknown = true;
      else out.prefix = s;
    } else if (key === 'RequiredIfNoDef') out.requiredIfNoDef = value.text === 'true';
    else if (key === 'UseFieldNameByDefault') out.useFieldName = value.text === 'true';
  }
  return out;
}

/** The `env.Options{…}` literal: inline, or the value of a local declared in the same function. */
function optionsLiteral(arg: TSNode, call: TSNode, alias: string): TSNode | undefined {
  const isOpts = (n: TSNode | null | undefined): boolean => n?.type === 'composite_literal' && n.childForFieldName('type')?.text === `${alias}.Options`;
  let x: TSNode | null = arg;
  if (x.type === 'unary_expression' && x.text.startsWith('&')) x = x.childForFieldName('operand');
  if (!x) return undefined;
  if (isOpts(x)) return x;
  if (x.type !== 'identifier') return undefined;
  let scope: TSNode | null = call.parent;
  while (scope && scope.type !== 'function_declaration' && scope.type !== 'method_declaration' && scope.type !== 'func_literal') scope = scope.parent;
  for (const v of (scope ?? call.tree.rootNode).descendantsOfType(['short_var_declaration', 'var_spec'])) {
    if (!v || v.startIndex > call.startIndex) continue;
    const left = v.type === 'short_var_declaration' ? v.childForFieldName('left')?.text : v.childForFieldName('name')?.text;
    if (left !== x.text) continue;
    let val = v.type === 'short_var_declaration' ? v.childForFieldName('right')?.namedChild(0) : v.childForFieldName('value')?.namedChild(0);
    if (val?.type === 'unary_expression') val = val.childForFieldName('operand');
    return val && isOpts(val) ? val : undefined;
  }
  return undefined;
}

function rangeOf(n: TSNode): Range {
  return { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } };
}

function at(n: TSNode, col: number, len: number): Range {
  const c = n.startPosition.column + col;
  return { start: { line: n.startPosition.row, character: c }, end: { line: n.startPosition.row, character: c + len } };
}
