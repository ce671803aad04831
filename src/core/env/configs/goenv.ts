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
 * parsed with a literal Options prefix is read under it; a struct nothing nests or parses is read
 * without one (its Parse call is elsewhere). One file alone is resolved here; the analysis resolves
 * a Go package's files together (`goPackageReads`), since a config struct and its sections are
 * often declared in sibling files. Returns undefined when no struct in the file has an `env` tag.
 */
export function goEnvStructReads(root: TSNode): { reads: EnvRead[]; dynamic: DynamicRead[]; table: GoEnvTable } | undefined {
  const table = goEnvTable(root);
  if (!table) return undefined;
  // the scanner resolves a file's own envconfig.Process (goconfig.ts); across files, the analysis does
  return { reads: goPackageReads([table])[0].filter((r) => r.via === 'env tag'), dynamic: table.dynamic, table };
}

/** What one Go file declares for env-tagged structs: plain data, kept with the file's facts. */
export interface GoEnvTable {
  structs: { name: string; fields: TableField[] }[];
  /** Structs parsed in this file, with their options. */
  roots: Root[];
  /** Structs parsed with options it cannot read (not read under a guessed prefix). */
  skipped: string[];
  /** kelseyhightower/envconfig `Process("PREFIX", &c)` calls here (prefix upper-cased). */
  envconfig?: { type: string; prefix: string }[];
  /** Struct types here that decode themselves from one value (a Decode/UnmarshalText/Set method). */
  decoders?: string[];
  dynamic: DynamicRead[];
}

interface TableField {
  names: { text: string; range: Range }[];
  type?: string;
  tag: string;
  /** Start of the tag when it is on one line (names inside it are positioned from there). */
  tagAt?: { line: number; character: number };
  range: Range;
}

function goEnvTable(root: TSNode): GoEnvTable | undefined {
  const structs: GoEnvTable['structs'] = [];
  let tagged = false;
  for (const spec of root.descendantsOfType('type_spec')) {
    const name = spec?.childForFieldName('name')?.text;
    const type = spec?.childForFieldName('type');
    if (!name || type?.type !== 'struct_type') continue;
    const fields = fieldsOf(type).map((f): TableField => {
      if (/(?:^|[\s`])(?:env|envPrefix|env-prefix):"/.test(f.tag)) tagged = true;
      const one = f.tagNode && f.tagNode.startPosition.row === f.tagNode.endPosition.row;
      return { names: f.names.map((n) => ({ text: n.text, range: rangeOf(n) })), type: f.type, tag: f.tag, ...(one ? { tagAt: { line: f.tagNode!.startPosition.row, character: f.tagNode!.startPosition.column } } : {}), range: rangeOf(f.decl) };
    });
    structs.push({ name, fields });
  }
  const alias = importAlias(root);
  const roots: Root[] = [];
  const skipped: string[] = [];
  const dynamic: DynamicRead[] = [];
  if (alias) {
    // `env.ParseAsWithOptions[T](opts)` parses as a type conversion: both shapes are calls here.
    for (const call of root.descendantsOfType(['call_expression', 'type_conversion_expression'])) {
      if (!call) continue;
      const r = parseCall(call, alias);
      if (!r) continue;
      if (r.unknown) dynamic.push({ range: rangeOf(call), via: `${alias}.${r.fn} (Options not literal: the prefix of its variables cannot be derived)` });
      if (!r.type) continue;
      if (r.unknown) skipped.push(r.type);
      else roots.push({ type: r.type, prefix: r.prefix, requiredIfNoDef: r.requiredIfNoDef, useFieldName: r.useFieldName });
    }
  }
  const envconfig: { type: string; prefix: string }[] = [];
  for (const call of root.descendantsOfType('call_expression')) {
    if (!call || !/^envconfig\.(?:Must)?Process$/.test(call.childForFieldName('function')?.text ?? '')) continue;
    const a = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'comment');
    const p = a[0];
    const prefix = p && (p.type === 'interpreted_string_literal' || p.type === 'raw_string_literal') ? p.text.slice(1, -1) : undefined;
    const type = a[1] ? targetType(a[1], call) : undefined;
    if (prefix !== undefined && /^[A-Za-z0-9_]*$/.test(prefix) && type) envconfig.push({ type, prefix: prefix.toUpperCase() });
  }
  const decoders: string[] = [];
  for (const m of root.descendantsOfType('method_declaration')) {
    if (!m || !/^(?:Decode|UnmarshalText|UnmarshalBinary|Set)$/.test(m.childForFieldName('name')?.text ?? '')) continue;
    const recv = m.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
    if (recv) decoders.push(recv);
  }
  const envconfigTags = structs.some((st) => st.fields.some((f) => /(?:^|[\s`])(?:envconfig|split_words):"/.test(f.tag)));
  if (!(tagged || roots.length || skipped.length || dynamic.length || envconfig.length || envconfigTags)) return undefined;
  return { structs, roots, skipped, dynamic, ...(envconfig.length ? { envconfig } : {}), ...(decoders.length ? { decoders } : {}) };
}

/**
 * The env-tag reads of every Go file that has a table, resolved across files: the files of one
 * folder (a Go package) share their struct names; a struct another package parses (`env.Parse(&cfg)`
 * in cmd/ for config.Config) is matched by name when one package alone declares it.
 */
export function goWorkspaceReads(tables: ReadonlyMap<string, GoEnvTable>): Map<string, EnvRead[]> {
  const byDir = new Map<string, string[]>();
  for (const file of tables.keys()) {
    const dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
    const list = byDir.get(dir) ?? [];
    list.push(file);
    byDir.set(dir, list);
  }
  // struct name → the folders declaring it
  const declared = new Map<string, Set<string>>();
  for (const [dir, files] of byDir) for (const f of files) for (const st of tables.get(f)!.structs) declared.set(st.name, (declared.get(st.name) ?? new Set()).add(dir));
  const foreign = new Map<string, { roots: Root[]; skipped: string[]; envconfig: { type: string; prefix: string }[] }>();
  const foreignOf = (dir: string) => {
    let x = foreign.get(dir);
    if (!x) foreign.set(dir, (x = { roots: [], skipped: [], envconfig: [] }));
    return x;
  };
  for (const files of byDir.values()) {
    const own = new Set(files.flatMap((f) => tables.get(f)!.structs.map((s) => s.name)));
    for (const f of files) {
      const t = tables.get(f)!;
      for (const r of t.roots) {
        const dirs = declared.get(r.type);
        if (own.has(r.type) || dirs?.size !== 1) continue;
        foreignOf([...dirs][0]).roots.push(r);
      }
      for (const r of t.envconfig ?? []) {
        const dirs = declared.get(r.type);
        if (own.has(r.type) || dirs?.size !== 1) continue;
        foreignOf([...dirs][0]).envconfig.push(r);
      }
      for (const k of t.skipped) {
        const dirs = declared.get(k);
        if (own.has(k) || dirs?.size !== 1) continue;
        foreignOf([...dirs][0]).skipped.push(k);
      }
    }
  }
  const out = new Map<string, EnvRead[]>();
  for (const [dir, files] of byDir) {
    const list = files.map((f) => tables.get(f)!);
    const extra = foreign.get(dir);
    const reads = goPackageReads(extra ? [...list, { structs: [], roots: extra.roots, skipped: extra.skipped, dynamic: [], envconfig: extra.envconfig }] : list);
    files.forEach((f, i) => out.set(f, reads[i]));
  }
  return out;
}

/** Table ranges re-mapped through `map` (the scanner's lone-CR position fix). */
export function remapTable(t: GoEnvTable, map: (r: Range) => Range): GoEnvTable {
  const at = (p: { line: number; character: number }) => map({ start: p, end: p }).start;
  return {
    ...t,
    structs: t.structs.map((s) => ({ ...s, fields: s.fields.map((f) => ({ ...f, names: f.names.map((n) => ({ ...n, range: map(n.range) })), range: map(f.range), ...(f.tagAt ? { tagAt: at(f.tagAt) } : {}) })) })),
  };
}

/**
 * Reads of a Go package's env-tagged structs, given each file's table: per file (same order), the
 * reads positioned in that file. Struct names resolve across the files; a struct is a root when
 * some file parses it, or when no struct of the package nests it and nothing parses it.
 */
export function goPackageReads(tables: readonly GoEnvTable[]): EnvRead[][] {
  const structs = new Map<string, { fields: TableField[]; file: number }>();
  tables.forEach((t, file) => {
    for (const st of t.structs) if (!structs.has(st.name)) structs.set(st.name, { fields: st.fields, file });
  });
  // a struct that decodes itself from one value is a variable, not a section
  for (const t of tables) for (const d of t.decoders ?? []) structs.delete(d);
  const nested = new Set<string>();
  for (const st of structs.values()) for (const f of st.fields) if (f.type && structs.has(f.type)) nested.add(f.type);
  const roots: Root[] = [];
  const parsed = new Set<string>();
  for (const t of tables) {
    for (const s of t.skipped) parsed.add(s);
    for (const r of t.roots) {
      if (!structs.has(r.type)) continue;
      parsed.add(r.type);
      roots.push(r);
    }
  }
  for (const t of structs.keys()) if (!nested.has(t) && !parsed.has(t)) roots.push({ type: t, prefix: '', requiredIfNoDef: false, useFieldName: false });

  const out: EnvRead[][] = tables.map(() => []);
  const seen = tables.map(() => new Set<string>());
  const walk = (type: string, prefix: string, r: Root, depth: number) => {
    const st = structs.get(type);
    if (!st || depth > 6) return;
    for (const f of st.fields) {
      const env = tagValue(f.tag, 'env');
      if (env === '-') continue;
      const [rawName, ...rest] = (env ?? '').split(',');
      const name = rawName.trim();
      const opts = rest.map((o) => o.trim());
      const own = tagValue(f.tag, 'envPrefix') ?? tagValue(f.tag, 'env-prefix') ?? opts.find((o) => o.startsWith('prefix='))?.slice(7);
      // A struct-typed field is a section unless it names a variable of its own (a type parsed from
      // text, e.g. one with UnmarshalText) and gives no prefix.
      if (f.type && structs.has(f.type) && (own !== undefined || !name)) {
        walk(f.type, prefix + (own ?? ''), r, depth + 1);
        continue;
      }
      const col = f.tag.indexOf(`env:"${rawName}`) + 5 + (rawName.length - rawName.trimStart().length);
      const names: { text: string; range: Range }[] = name
        ? [{ text: name, range: f.tagAt ? { start: { line: f.tagAt.line, character: f.tagAt.character + col }, end: { line: f.tagAt.line, character: f.tagAt.character + col + name.length } } : f.range }]
        : r.useFieldName
          ? f.names.map((n) => ({ text: splitWords(n.text), range: n.range }))
          : [];
      for (const n of names) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n.text)) continue;
        const hasDefault = tagValue(f.tag, 'envDefault') !== undefined || tagValue(f.tag, 'env-default') !== undefined || opts.some((o) => o.startsWith('default='));
        const required = opts.includes('required') || opts.includes('notEmpty') || tagValue(f.tag, 'env-required') === 'true';
        const kind: ReadKind = required ? 'required' : hasDefault ? 'default' : r.requiredIfNoDef ? 'required' : 'optional';
        const key = `${prefix}${n.text}@${n.range.start.line}:${n.range.start.character}`;
        if (seen[st.file].has(key)) continue;
        seen[st.file].add(key);
        out[st.file].push({ name: prefix + n.text, kind, range: n.range, via: 'env tag' });
      }
    }
  };
  for (const r of roots) walk(r.type, r.prefix, r, 0);

  // kelseyhightower/envconfig: PREFIX_NAME, NAME the envconfig tag, split_words, or the field name;
  // a struct field is a prefix for its own fields (as goconfig.ts does within one file).
  const ecWalk = (type: string, prefix: string, depth: number) => {
    const st = structs.get(type);
    if (!st || depth > 6) return;
    for (const f of st.fields) {
      if (tagValue(f.tag, 'ignored') === 'true') continue;
      const own = tagValue(f.tag, 'envconfig');
      if (own === '-') continue;
      if (!f.names.length) {
        if (f.type) ecWalk(f.type, prefix, depth + 1);
        continue;
      }
      for (const n of f.names) {
        const part = own ? own.toUpperCase() : tagValue(f.tag, 'split_words') === 'true' ? splitWords(n.text) : n.text.toUpperCase();
        const key = prefix ? `${prefix}_${part}` : part;
        if (f.type && structs.has(f.type)) {
          ecWalk(f.type, key, depth + 1);
          continue;
        }
        let kind: ReadKind = tagValue(f.tag, 'required') === 'true' ? 'required' : tagValue(f.tag, 'default') !== undefined ? 'default' : 'optional';
        const col = own ? f.tag.indexOf(`envconfig:"${own}"`) + 11 : -1;
        const range = own && f.tagAt && col >= 11 ? { start: { line: f.tagAt.line, character: f.tagAt.character + col }, end: { line: f.tagAt.line, character: f.tagAt.character + col + own.length } } : n.range;
        // envconfig falls back to the bare tag name (DATABASE_URL) when PREFIX_…_DATABASE_URL is unset:
        // either satisfies a required field, so neither alone is required.
        const names = own && prefix ? [key, own.toUpperCase()] : [key];
        if (names.length > 1 && kind === 'required') kind = 'optional';
        for (const name of names) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
          const k = `${name}@${range.start.line}:${range.start.character}`;
          if (seen[st.file].has(k)) continue;
          seen[st.file].add(k);
          out[st.file].push({ name, kind, range, via: 'envconfig.Process' });
        }
      }
    }
  };
  for (const t of tables) for (const r of t.envconfig ?? []) if (structs.has(r.type)) ecWalk(r.type, r.prefix, 0);
  return out;
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

