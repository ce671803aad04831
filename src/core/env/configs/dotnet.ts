import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import { getNodePath, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { Range } from '../../model';
import { LineIndex } from '../../text';
import type { ProvidedVar } from '../deploy';
import type { EnvRead, ReadKind } from '../scanner';

/**
 * .NET IConfiguration reads: `configuration["A:B"]`, `GetValue<T>("A:B")`, `GetSection("A")["B"]`,
 * `GetSection("A:B").Value`, `GetConnectionString("Db")` (ConnectionStrings:Db). The environment
 * provider maps key A:B to the variable A__B. The receiver is anything named …config or
 * …configuration (`_config`, `builder.Configuration`). Every such read is optional (null when
 * absent; appsettings.json usually supplies it), or has a default (`?? x`, `GetValue<T>(key, x)`).
 * `GetSection("A").Get<T>()` / `Bind` read a whole section: its keys are not known here.
 */
export function dotnetConfigReads(root: TSNode): EnvRead[] {
  const out: EnvRead[] = [];
  for (const n of root.descendantsOfType(['element_access_expression', 'invocation_expression', 'member_access_expression'])) {
    if (!n) continue;
    if (n.type === 'element_access_expression') {
      const sect = sectionOf(n.childForFieldName('expression'));
      const key = bracketKey(n);
      if (sect && key) add(out, [...sect, ...key.text.split(':')], kindOfUse(n, false), key.node, 'IConfiguration[]');
    } else if (n.type === 'invocation_expression') {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'member_access_expression') continue;
      const name = methodName(fn);
      if (name !== 'GetValue' && name !== 'GetConnectionString') continue;
      const sect = sectionOf(fn.childForFieldName('expression'));
      const a = argsOf(n);
      const key = str(a[0]);
      if (!sect || !key) continue;
      const path = name === 'GetConnectionString' ? [...sect, 'ConnectionStrings', key.text] : [...sect, ...key.text.split(':')];
      add(out, path, kindOfUse(n, name === 'GetValue' && a.length >= 2), key.node, `IConfiguration.${name}`);
    } else if (n.childForFieldName('name')?.text === 'Value') {
      // GetSection("A:B").Value
      const inner = n.childForFieldName('expression');
      if (inner?.type !== 'invocation_expression') continue;
      const fn = inner.childForFieldName('function');
      if (fn?.type !== 'member_access_expression' || !/^Get(?:Required)?Section$/.test(methodName(fn) ?? '')) continue;
      const sect = sectionOf(fn.childForFieldName('expression'));
      const key = str(argsOf(inner)[0]);
      if (sect && key) add(out, [...sect, ...key.text.split(':')], kindOfUse(n, false), key.node, 'IConfiguration.GetSection');
    }
  }
  return out;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function add(out: EnvRead[], path: string[], kind: ReadKind, node: TSNode, via: string): void {
  const name = path.join('__');
  if (!path.every((p) => /^[A-Za-z0-9_]+$/.test(p)) || !ENV_NAME.test(name)) return;
  out.push({ name, kind, range: rangeOf(node), via });
}

function methodName(fn: TSNode): string | undefined {
  const n = fn.childForFieldName('name');
  if (!n) return undefined;
  return n.type === 'generic_name' ? n.namedChildren.find((c) => c?.type === 'identifier')?.text : n.text;
}

/** The section path an expression denotes: [] for a configuration root, the keys for GetSection chains. */
function sectionOf(e: TSNode | null | undefined, depth = 0): string[] | undefined {
  if (!e || depth > 8) return undefined;
  if (e.type === 'identifier' || e.type === 'member_access_expression') {
    const last = e.type === 'identifier' ? e.text : (e.childForFieldName('name')?.text ?? '');
    const l = last.toLowerCase();
    return l.endsWith('config') || l.endsWith('configuration') ? [] : undefined;
  }
  if (e.type === 'invocation_expression') {
    const fn = e.childForFieldName('function');
    if (fn?.type !== 'member_access_expression' || !/^Get(?:Required)?Section$/.test(methodName(fn) ?? '')) return undefined;
    const parent = sectionOf(fn.childForFieldName('expression'), depth + 1);
    const key = str(argsOf(e)[0]);
    return parent && key ? [...parent, ...key.text.split(':')] : undefined;
  }
  return undefined;
}

function argsOf(call: TSNode): TSNode[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => x?.type === 'argument').map((x) => x.namedChild(0) ?? x);
}

function bracketKey(n: TSNode): { text: string; node: TSNode } | undefined {
  const sub = n.childForFieldName('subscript');
  const a = (sub?.namedChildren ?? []).filter((x): x is TSNode => x?.type === 'argument');
  return a.length === 1 ? str(a[0].namedChild(0) ?? undefined) : undefined;
}

function str(n: TSNode | undefined | null): { text: string; node: TSNode } | undefined {
  if (n?.type !== 'string_literal') return undefined;
  const parts = n.namedChildren.filter((c): c is TSNode => !!c);
  if (parts.length !== 1 || parts[0].type !== 'string_literal_content') return undefined;
  return { text: parts[0].text, node: parts[0] };
}

function kindOfUse(n: TSNode, hasDefault: boolean): ReadKind {
  if (hasDefault) return 'default';
  const p = n.parent;
  if (p?.type === 'binary_expression' && p.childForFieldName('left')?.id === n.id && p.childForFieldName('operator')?.text === '??') {
    return p.childForFieldName('right')?.type === 'throw_expression' ? 'required' : 'default';
  }
  return 'optional';
}

function rangeOf(n: TSNode): Range {
  return { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } };
}

/** `appsettings.json`, `appsettings.Production.json`: configuration the app ships with. */
export function isAppSettings(path: string): boolean {
  return /^appsettings(?:\.[\w-]+)?\.json$/.test(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * Keys appsettings*.json gives a value, as the variable names that would override them (A__B):
 * a read of one of them is supplied by the file. Values are not kept.
 */
export function appSettingsProvides(path: string, text: string): ProvidedVar[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return [];
  const idx = new LineIndex(text);
  const out: ProvidedVar[] = [];
  const base = path.slice(path.lastIndexOf('/') + 1);
  const stack: JsonNode[] = [root];
  while (stack.length && out.length < 10_000) {
    const n = stack.pop()!;
    if (n.type === 'object' || n.type === 'array') {
      for (const c of n.children ?? []) stack.push(c.type === 'property' ? (c.children?.[1] ?? c) : c);
      continue;
    }
    if (n.type === 'property' || n.value === null || n.value === '') continue;
    const path = getNodePath(n).map(String);
    if (!path.length || !path.every((p) => /^[A-Za-z0-9_]+$/.test(p))) continue;
    const keyNode = n.parent?.type === 'property' ? n.parent.children?.[0] : n;
    const at = keyNode ?? n;
    out.push({ name: path.join('__'), range: idx.rangeOf(at.offset, at.offset + at.length), source: base, literal: true });
  }
  return out;
}
