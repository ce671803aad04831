import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { Range } from '../../model';
import type { DynamicRead, EnvRead, ReadKind } from '../scanner';

/**
 * pydantic settings classes (`BaseSettings`, v1 `pydantic` and v2 `pydantic_settings`), in one file.
 *
 * Each field is read as env_prefix + field name, upper-cased unless `case_sensitive`. The prefix
 * comes from `class Config: env_prefix = "…"` (v1), `model_config = SettingsConfigDict(env_prefix=…)`
 * or a dict (v2), or the class keywords (`class S(BaseSettings, env_prefix="…")`). A v2 `alias` /
 * `validation_alias` (and `AliasChoices`) or a v1 `Field(env=…)` names the variable itself, with no
 * prefix. No default → required (v2 also for `Optional[X]`; v1 makes that optional), `None` →
 * optional, any other default or `default_factory` → default. With `env_nested_delimiter`, a field
 * typed as a model of the same file is read as its sub-fields (`APP_DB__HOST`), each optional.
 *
 * Only leaf classes are read (a base class that others extend is read through them, under their
 * config). A prefix that is not a literal is said once (a dynamic read) and its class is not read.
 */
export function pydanticReads(root: TSNode): { reads: EnvRead[]; dynamic: DynamicRead[] } | undefined {
  const classes = new Map<string, TSNode>();
  for (const c of root.descendantsOfType('class_definition')) {
    const n = c?.childForFieldName('name')?.text;
    if (c && n) classes.set(n, c);
  }
  const supers = (c: TSNode) => (c.childForFieldName('superclasses')?.namedChildren ?? []).filter((x): x is TSNode => !!x && x.type !== 'keyword_argument' && x.type !== 'comment').map((x) => x.text.replace(/^.*\./, ''));
  const isSettings = (name: string, depth = 0): boolean => {
    if (name === 'BaseSettings') return true;
    const c = classes.get(name);
    return !!c && depth < 10 && supers(c).some((s) => isSettings(s, depth + 1));
  };
  const extended = new Set<string>();
  for (const c of classes.values()) for (const s of supers(c)) extended.add(s);
  // v2 moved BaseSettings to pydantic_settings; importing anything from pydantic alone in a file with settings is v1.
  const version = /\bpydantic_settings\b/.test(root.text) ? 2 : /\bfrom\s+pydantic\s+import\b/.test(root.text) ? 1 : 0;

  const reads: EnvRead[] = [];
  const dynamic: DynamicRead[] = [];
  const seen = new Set<string>();
  for (const [name, c] of classes) {
    if (name === 'BaseSettings' || extended.has(name) || !isSettings(name)) continue;
    // The class and its same-file ancestors, nearest first: config from the nearest that sets it.
    const chain: TSNode[] = [];
    for (let cur: TSNode | undefined = c; cur && chain.length < 10; ) {
      chain.push(cur);
      cur = supers(cur).map((s) => classes.get(s)).find((x) => !!x && x !== cur);
    }
    const cfg: Config = { prefix: '', caseSensitive: false };
    for (const k of [...chain].reverse()) readConfig(k, cfg);
    if (cfg.unknown) {
      dynamic.push({ range: rangeOf(c.childForFieldName('name') ?? c), via: `pydantic BaseSettings ${name} (env_prefix not literal: the names of its variables cannot be derived)` });
      continue;
    }
    const fields = new Map<string, FieldInfo>();
    for (const k of [...chain].reverse()) for (const f of fieldsOf(k)) fields.set(f.name, f);
    const norm = (s: string) => (cfg.caseSensitive ? s : s.toUpperCase());
    for (const f of fields.values()) {
      const kind = kindOf(f, version);
      const own = explicitNames(f, version);
      if (own.length) {
        for (const o of own) add(reads, seen, norm(o.text), kind, o.node);
        continue;
      }
      const sub = cfg.nested !== undefined ? classes.get(f.typeName ?? '') : undefined;
      if (sub && !isSettings(f.typeName ?? '')) {
        for (const s of fieldsOf(sub)) add(reads, seen, norm(`${cfg.prefix}${f.name}${cfg.nested}${s.name}`), 'optional', s.nameNode);
        continue;
      }
      add(reads, seen, norm(cfg.prefix + f.name), kind, f.nameNode);
    }
  }
  return reads.length || dynamic.length ? { reads, dynamic } : undefined;
}

interface Config {
  prefix: string;
  caseSensitive: boolean;
  nested?: string;
  unknown?: boolean;
}

interface FieldInfo {
  name: string;
  nameNode: TSNode;
  type: TSNode;
  typeName?: string;
  value?: TSNode;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function add(reads: EnvRead[], seen: Set<string>, name: string, kind: ReadKind, node: TSNode): void {
  const key = `${name}@${node.startIndex}`;
  if (!ENV_NAME.test(name) || seen.has(key)) return;
  seen.add(key);
  reads.push({ name, kind, range: rangeOf(node), via: 'pydantic BaseSettings' });
}

function str(n: TSNode | null | undefined): { text: string; node: TSNode } | undefined {
  if (n?.type !== 'string') return undefined;
  const parts = n.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'string_start' && c.type !== 'string_end');
  if (!parts.length) return { text: '', node: n };
  if (parts.length !== 1 || parts[0].type !== 'string_content') return undefined;
  return { text: parts[0].text, node: parts[0] };
}

function kwargs(call: TSNode | null | undefined): Map<string, TSNode> {
  const out = new Map<string, TSNode>();
  for (const a of call?.childForFieldName('arguments')?.namedChildren ?? call?.namedChildren ?? []) {
    if (a?.type !== 'keyword_argument') continue;
    const k = a.childForFieldName('name')?.text;
    const v = a.childForFieldName('value');
    if (k && v) out.set(k, v);
  }
  return out;
}

/** Settings from one class of the chain (applied base first, so the nearest wins). */
function readConfig(c: TSNode, cfg: Config): void {
  const apply = (key: string, v: TSNode) => {
    if (key === 'env_prefix') {
      const s = str(v);
      if (s) {
        cfg.prefix = s.text;
        cfg.unknown = false;
      } else cfg.unknown = true;
    } else if (key === 'case_sensitive') cfg.caseSensitive = v.text === 'True';
    else if (key === 'env_nested_delimiter') {
      const s = str(v);
      cfg.nested = s && s.text ? s.text : undefined;
    }
  };
  for (const [k, v] of kwargs(c.childForFieldName('superclasses'))) apply(k, v);
  for (const stmt of c.childForFieldName('body')?.namedChildren ?? []) {
    if (stmt?.type === 'class_definition' && stmt.childForFieldName('name')?.text === 'Config') {
      for (const s of stmt.childForFieldName('body')?.namedChildren ?? []) {
        const asg = s?.type === 'expression_statement' ? s.namedChild(0) : undefined;
        const left = asg?.type === 'assignment' ? asg.childForFieldName('left')?.text : undefined;
        const right = asg?.childForFieldName('right');
        if (left && right) apply(left, right);
      }
      continue;
    }
    const asg = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
    if (asg?.type !== 'assignment' || asg.childForFieldName('left')?.text !== 'model_config') continue;
    const right = asg.childForFieldName('right');
    if (right?.type === 'call') for (const [k, v] of kwargs(right)) apply(k, v);
    else if (right?.type === 'dictionary') {
      for (const p of right.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = str(p.childForFieldName('key'))?.text;
        const v = p.childForFieldName('value');
        if (k && v) apply(k, v);
      }
    }
  }
}

function fieldsOf(c: TSNode): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const stmt of c.childForFieldName('body')?.namedChildren ?? []) {
    const asg = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
    if (asg?.type !== 'assignment') continue;
    const left = asg.childForFieldName('left');
    const type = asg.childForFieldName('type');
    if (left?.type !== 'identifier' || !type || left.text === 'model_config' || left.text.startsWith('_') || /^\s*(?:typing\.)?ClassVar\b/.test(type.text)) continue;
    const t = type.text.replace(/^Optional\[(.*)\]$/s, '$1').replace(/\s*\|\s*None$/, '');
    out.push({ name: left.text, nameNode: left, type, typeName: /^\w+$/.test(t) ? t : undefined, value: asg.childForFieldName('right') ?? undefined });
  }
  return out;
}

/** The `Field(…)` call of a field: its value, or inside `Annotated[…]`. */
function fieldCall(f: FieldInfo): TSNode | undefined {
  const isField = (n: TSNode | null | undefined) => n?.type === 'call' && /^(?:pydantic\.)?Field$/.test(n.childForFieldName('function')?.text ?? '');
  if (isField(f.value)) return f.value;
  if (/^\s*(?:typing\.)?Annotated\[/.test(f.type.text)) return f.type.descendantsOfType('call').find((c) => isField(c)) ?? undefined;
  return undefined;
}

function explicitNames(f: FieldInfo, version: number): { text: string; node: TSNode }[] {
  const kw = kwargs(fieldCall(f));
  const out: { text: string; node: TSNode }[] = [];
  const names = (v: TSNode | undefined) => {
    if (!v) return;
    const s = str(v);
    if (s) out.push(s);
    else if (v.type === 'call' && /AliasChoices$/.test(v.childForFieldName('function')?.text ?? '')) {
      for (const a of v.childForFieldName('arguments')?.namedChildren ?? []) {
        const x = str(a);
        if (x) out.push(x);
      }
    } else if (v.type === 'list' || v.type === 'tuple' || v.type === 'set') {
      for (const a of v.namedChildren) {
        const x = str(a);
        if (x) out.push(x);
      }
    }
  };
  if (version !== 1) names(kw.get('validation_alias') ?? kw.get('alias'));
  if (!out.length && version !== 2) names(kw.get('env'));
  return out;
}

function kindOf(f: FieldInfo, version: number): ReadKind {
  const optionalType = /^\s*(?:typing\.)?Optional\[|\|\s*None\s*$|^\s*None\s*\|/.test(f.type.text);
  const call = fieldCall(f);
  if (call) {
    const kw = kwargs(call);
    const first = (call.childForFieldName('arguments')?.namedChildren ?? []).find((a) => !!a && a.type !== 'keyword_argument' && a.type !== 'comment');
    const d = first ?? kw.get('default');
    if (kw.has('default_factory')) return 'default';
    if (d && d.type !== 'ellipsis') return d.type === 'none' ? 'optional' : 'default';
    if (f.value && f.value !== call) return f.value.type === 'none' ? 'optional' : 'default';
    return version === 1 && optionalType && !d ? 'optional' : 'required';
  }
  if (!f.value) return version === 1 && optionalType ? 'optional' : 'required';
  return f.value.type === 'none' ? 'optional' : 'default';
}

function rangeOf(n: TSNode): Range {
  return { start: { line: n.startPosition.row, character: n.startPosition.column }, end: { line: n.endPosition.row, character: n.endPosition.column } };
}
