import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { Range } from '../../model';
import type { DynamicRead, EnvRead, ReadKind } from '../scanner';

/**
 * spf13/viper, per instance (the package's global one, or a local from `viper.New()`), in one file:
 * - `BindEnv("key", "X", "Y")` reads X and Y; `BindEnv("key")` reads PREFIX_KEY;
 * - with `AutomaticEnv()`, `GetString("db.host")` (every `Get*` and `IsSet`) reads
 *   PREFIX_DB.HOST passed through the `SetEnvKeyReplacer(strings.NewReplacer(".", "_"))` pairs:
 *   APP_DB_HOST. Viper upper-cases prefix and key and joins them with "_".
 * A prefix or replacer that is not a literal makes the automatic names underivable: said once per
 * instance (a dynamic read), and no name is guessed. Every read through viper is optional (a config
 * file or default may supply the key); a key given `SetDefault` reads with a default.
 */
export function viperReads(root: TSNode): { reads: EnvRead[]; dynamic: DynamicRead[] } | undefined {
  const alias = importAlias(root);
  if (!alias) return undefined;
  // Receivers: the package itself, and whatever is assigned `viper.New()`.
  const receivers = new Set([alias]);
  for (const call of root.descendantsOfType('call_expression')) {
    if (call?.childForFieldName('function')?.text !== `${alias}.New`) continue;
    const p = call.parent?.type === 'expression_list' ? call.parent.parent : call.parent;
    const left = p?.type === 'short_var_declaration' || p?.type === 'assignment_statement' ? p.childForFieldName('left') : p?.type === 'var_spec' ? p.childForFieldName('name') : undefined;
    if (left) receivers.add(left.text);
  }
  const inst = new Map<string, Instance>();
  const of = (r: string) => {
    let i = inst.get(r);
    if (!i) inst.set(r, (i = { prefix: '', replacer: [], unknown: [], gets: [], binds: [], defaults: new Set() }));
    return i;
  };
  for (const call of root.descendantsOfType('call_expression')) {
    const fn = call?.childForFieldName('function');
    if (!call || fn?.type !== 'selector_expression') continue;
    const recv = fn.childForFieldName('operand')?.text ?? '';
    if (!receivers.has(recv)) continue;
    const method = fn.childForFieldName('field')?.text ?? '';
    const a = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'comment');
    const i = of(recv);
    if (method === 'SetEnvPrefix') {
      const s = str(a[0]);
      if (s === undefined) i.unknown.push('the prefix');
      else i.prefix = s;
    } else if (method === 'SetEnvKeyReplacer') {
      const pairs = replacerPairs(a[0]);
      if (pairs) i.replacer = pairs;
      else i.unknown.push('the key replacer');
    } else if (method === 'AutomaticEnv') i.automatic = call;
    else if (method === 'SetDefault') {
      const k = str(a[0]);
      if (k !== undefined) i.defaults.add(k.toLowerCase());
    } else if (method === 'BindEnv') {
      const k = str(a[0]);
      if (k === undefined || !a[0]) continue;
      if (a.length === 1) i.binds.push({ key: k, node: a[0], explicit: false });
      for (const x of a.slice(1)) {
        const s = str(x);
        if (s !== undefined) i.binds.push({ key: k, name: s, node: x, explicit: true });
      }
    } else if (/^(?:Get(?:String|Int|Int32|Int64|Uint|Uint8|Uint16|Uint32|Uint64|Float64|Bool|Duration|Time|SizeInBytes|StringSlice|IntSlice|StringMap|StringMapString|StringMapStringSlice)?|IsSet)$/.test(method) && a[0]) {
      const k = str(a[0]);
      if (k !== undefined) i.gets.push({ key: k, node: a[0] });
    }
  }
  const reads: EnvRead[] = [];
  const dynamic: DynamicRead[] = [];
  const name = (i: Instance, key: string) => replace(`${i.prefix ? `${i.prefix}_` : ''}${key}`.toUpperCase(), i.replacer);
  for (const [recv, i] of inst) {
    const kindOf = (key: string): ReadKind => (i.defaults.has(key.toLowerCase()) ? 'default' : 'optional');
    const derivable = !i.unknown.length;
    for (const b of i.binds) {
      if (b.explicit) push(reads, replace(b.name!, i.replacer), kindOf(b.key), b.node, 'viper.BindEnv');
      else if (derivable) push(reads, name(i, b.key), kindOf(b.key), b.node, 'viper.BindEnv');
    }
    if (!i.automatic) continue;
    if (!derivable) {
      dynamic.push({ range: rangeOf(i.automatic), via: `${recv}.AutomaticEnv (${i.unknown.join(' and ')} not literal: the names of the variables it reads cannot be derived)` });
      continue;
    }
    for (const g of i.gets) push(reads, name(i, g.key), kindOf(g.key), g.node, 'viper.AutomaticEnv');
  }
  return reads.length || dynamic.length ? { reads, dynamic } : undefined;
}

interface Instance {
  prefix: string;
  replacer: [string, string][];
  unknown: string[];
  automatic?: TSNode;
  gets: { key: string; node: TSNode }[];
  binds: { key: string; name?: string; node: TSNode; explicit: boolean }[];
  defaults: Set<string>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function push(reads: EnvRead[], name: string, kind: ReadKind, node: TSNode, via: string): void {
  // `db.host` with no replacer is APP_DB.HOST: no shell can set it, so it is not reported.
  if (!ENV_NAME.test(name)) return;
  const r = rangeOf(node);
  // the name's range is inside the quotes when the literal is on one line
  const inner = r.start.line === r.end.line ? { start: { line: r.start.line, character: r.start.character + 1 }, end: { line: r.end.line, character: r.end.character - 1 } } : r;
  reads.push({ name, kind, range: inner, via });
}

/** Go's strings.Replacer: at each position the first old string (in argument order) that matches is replaced. */
function replace(s: string, pairs: [string, string][]): string {
  if (!pairs.length) return s;
  let out = '';
  for (let i = 0; i < s.length; ) {
    const p = pairs.find(([o]) => o !== '' && s.startsWith(o, i));
    if (p) {
      out += p[1];
      i += p[0].length;
    } else out += s[i++];
  }
  return out;
}

/** `strings.NewReplacer(".", "_", "-", "_")` with literal arguments only. */
function replacerPairs(n: TSNode | undefined): [string, string][] | undefined {
  if (n?.type !== 'call_expression' || n.childForFieldName('function')?.text !== 'strings.NewReplacer') return undefined;
  const a = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'comment');
  if (a.length % 2) return undefined;
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) {
    const o = str(a[i]);
    const w = str(a[i + 1]);
    if (o === undefined || w === undefined) return undefined;
    out.push([o, w]);
  }
  return out;
}

function str(n: TSNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1);
  if (n.type !== 'interpreted_string_literal') return undefined;
  // escapes other than none are rare in keys: decline rather than mis-decode
  const body = n.text.slice(1, -1);
  return body.includes('\\') ? undefined : body;
}

function importAlias(root: TSNode): string | undefined {
  for (const spec of root.descendantsOfType('import_spec')) {
    if (spec?.childForFieldName('path')?.text !== '"github.com/spf13/viper"') continue;
    const n = spec.childForFieldName('name')?.text;
    return n && n !== '_' && n !== '.' ? n : 'viper';
  }
  return undefined;
}

function rangeOf(n: TSNode): Range {
  return { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } };
}
