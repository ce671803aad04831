import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { Parsed } from '../source/service';
import type { EnvRead, ReadKind } from './scanner';

/**
 * kelseyhightower/envconfig: `envconfig.Process("GOTRUE", &c)` reads each field of c's struct as
 * GOTRUE_<NAME>, where NAME is the `envconfig` tag or the field name (`split_words:"true"` turns
 * ClientID into CLIENT_ID); a nested struct field is a prefix for its own fields, not a variable.
 * Returns undefined when the file has no Process call whose struct type it can resolve.
 */
export function envconfigReads(p: Parsed): EnvRead[] | undefined {
  const root = p.root;
  const structs = new Map<string, TSNode>();
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec?.childForFieldName('name')?.text;
    const type = spec?.childForFieldName('type');
    if (name && type?.type === 'struct_type') structs.set(name, type);
  }
  const roots: { type: string; prefix: string }[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call || !/^envconfig\.(?:Must)?Process$/.test(call.childForFieldName('function')?.text ?? '')) continue;
    const a = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'comment');
    if (a.length < 2) continue;
    const p = a[0];
    const prefix = p.type === 'interpreted_string_literal' || p.type === 'raw_string_literal' ? p.text.slice(1, -1) : undefined;
    if (prefix === undefined || !/^[A-Za-z0-9_]*$/.test(prefix)) continue;
    const type = targetType(a[1], call);
    if (type && structs.has(type)) roots.push({ type, prefix: prefix.toUpperCase() });
  }
  if (!roots.length) return undefined;
  const out: EnvRead[] = [];
  for (const r of roots) walk(p, structs, r.type, r.prefix, out, 0);
  return out;
}

/** The struct type behind `&c` (declared `var c T`, `c := T{}`, `c := &T{}`) or `&T{}`. */
export function targetType(arg: TSNode, call: TSNode): string | undefined {
  let x = arg;
  if (x.type === 'unary_expression' && x.text.startsWith('&')) x = x.childForFieldName('operand') ?? x;
  if (x.type === 'composite_literal') return baseType(x.childForFieldName('type')?.text);
  if (x.type !== 'identifier') return undefined;
  let scope: TSNode | null = call.parent;
  while (scope && scope.type !== 'function_declaration' && scope.type !== 'method_declaration' && scope.type !== 'func_literal') scope = scope.parent;
  const body = scope ?? call.tree.rootNode;
  for (const v of body.descendantsOfType(['var_spec', 'short_var_declaration', 'parameter_declaration'])) {
    if (!v) continue;
    if (v.type === 'short_var_declaration') {
      if (v.childForFieldName('left')?.text !== x.text) continue;
      const right = v.childForFieldName('right')?.namedChild(0);
      const lit = right?.type === 'unary_expression' ? right.childForFieldName('operand') : right;
      if (lit?.type === 'composite_literal') return baseType(lit.childForFieldName('type')?.text);
      if (lit?.type === 'call_expression' && lit.childForFieldName('function')?.text === 'new') return baseType(lit.childForFieldName('arguments')?.namedChild(0)?.text);
    } else if (v.namedChildren.some((c) => c?.type === 'identifier' && c.text === x.text)) return baseType(v.childForFieldName('type')?.text);
  }
  return undefined;
}

export const baseType = (t: string | undefined) => t?.replace(/^\*/, '').replace(/^\w+\./, '');

/** envconfig's split_words: ClientID → CLIENT_ID, APIKey → API_KEY. */
export function splitWords(name: string): string {
  const words: string[] = [];
  for (const m of name.matchAll(/([^A-Z]+|[A-Z]+[^A-Z]+|[A-Z]+)/g)) {
    const acr = /^([A-Z]+)([A-Z][^A-Z]+)$/.exec(m[0]);
    if (acr) words.push(acr[1], acr[2]);
    else words.push(m[0]);
  }
  return words.join('_').toUpperCase();
}

export function tagValue(tag: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s\`])${key}:"([^"]*)"`).exec(tag);
  return m ? m[1] : undefined;
}

function walk(p: Parsed, structs: Map<string, TSNode>, type: string, prefix: string, out: EnvRead[], depth: number): void {
  const st = structs.get(type);
  if (!st || depth > 5) return;
  const list = st.namedChildren.find((c) => c?.type === 'field_declaration_list');
  for (const f of list?.namedChildren ?? []) {
    if (f?.type !== 'field_declaration') continue;
    const names = f.namedChildren.filter((c): c is TSNode => c?.type === 'field_identifier');
    const ftype = baseType(f.childForFieldName('type')?.text);
    const tagNode = f.childForFieldName('tag');
    const tag = tagNode?.text ?? '';
    if (tagValue(tag, 'ignored') === 'true') continue;
    const own = tagValue(tag, 'envconfig');
    if (own === '-') continue;
    if (!names.length) {
      // embedded struct: its fields are read with the same prefix
      if (ftype) walk(p, structs, ftype, prefix, out, depth + 1);
      continue;
    }
    for (const n of names) {
      const part = own ? own.toUpperCase() : tagValue(tag, 'split_words') === 'true' ? splitWords(n.text) : n.text.toUpperCase();
      const key = prefix ? `${prefix}_${part}` : part;
      if (ftype && structs.has(ftype)) {
        walk(p, structs, ftype, key, out, depth + 1);
        continue;
      }
      const kind: ReadKind = tagValue(tag, 'required') === 'true' ? 'required' : tagValue(tag, 'default') !== undefined ? 'default' : 'optional';
      const inTag = own && tagNode ? tag.indexOf(`envconfig:"${own}"`) : -1;
      const at = inTag >= 0 ? p.rangeAt(tagNode!.startIndex + inTag + 11, tagNode!.startIndex + inTag + 11 + own!.length) : p.rangeOf(n);
      out.push({ name: key, kind, range: at, via: 'envconfig.Process' });
    }
  }
}
