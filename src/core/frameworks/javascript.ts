import type { Node as TSNode, Tree } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import { decodeEscape, emptyFile, errorSpans, spanOf, suppressionComments, StringBuilder, type DslCall, type DslFile, type DslValue, type Framework, type Section, type StaticString } from './dsl';
import { parseWith } from './parse';

/** `knex.schema.*` methods. */
export const KNEX_SCHEMA = new Set(['createTable', 'createTableIfNotExists', 'alterTable', 'table', 'dropTable', 'dropTableIfExists', 'renameTable', 'raw', 'createSchema', 'dropSchema', 'dropSchemaIfExists', 'createView', 'dropView', 'createExtension']);
/** TypeORM QueryRunner API. */
export const TYPEORM_API = new Set(['query', 'addColumn', 'addColumns', 'dropColumn', 'dropColumns', 'changeColumn', 'renameColumn', 'createIndex', 'dropIndex', 'createForeignKey', 'dropForeignKey', 'createTable', 'dropTable', 'renameTable', 'createUniqueConstraint', 'dropUniqueConstraint', 'createCheckConstraint', 'dropCheckConstraint', 'createPrimaryKey', 'clearTable']);
/** Sequelize queryInterface API. */
export const SEQUELIZE_API = new Set(['addColumn', 'removeColumn', 'changeColumn', 'renameColumn', 'addIndex', 'removeIndex', 'addConstraint', 'removeConstraint', 'createTable', 'dropTable', 'renameTable', 'bulkInsert', 'bulkUpdate', 'bulkDelete', 'query', 'sequelize']);

function jsString(n: TSNode): StaticString | undefined {
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const a = l ? jsString(l) : undefined;
    const b = r ? jsString(r) : undefined;
    if (!a || !b) return undefined;
    const sb = new StringBuilder();
    for (let i = 0; i < a.value.length; i++) sb.decoded(a.value[i], a.map[i]);
    for (let i = 0; i < b.value.length; i++) sb.decoded(b.value[i], b.map[i]);
    return sb.done(spanOf(n), b.map[b.value.length]);
  }
  if (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren[0];
    return inner ? jsString(inner) : undefined;
  }
  if (n.type !== 'string' && n.type !== 'template_string') return undefined;
  const b = new StringBuilder();
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'template_substitution') return undefined;
    if (c.type === 'string_fragment') b.raw(c.text, c.startIndex);
    else if (c.type === 'escape_sequence') b.decoded(decodeEscape(c.text), c.startIndex);
  }
  // Whitespace-only gaps between fragments (tree-sitter keeps them as text between nodes).
  const inner = n.text.slice(1, -1);
  if (b.value.length !== inner.length && !n.namedChildren.some((c) => c?.type === 'escape_sequence')) {
    const sb = new StringBuilder();
    sb.raw(inner, n.startIndex + 1);
    return sb.done(spanOf(n), n.endIndex - 1);
  }
  return b.done(spanOf(n), n.endIndex - 1);
}

export function jsValue(v: TSNode): DslValue {
  const span = spanOf(v);
  switch (v.type) {
    case 'string':
    case 'template_string':
    case 'binary_expression': {
      const s = jsString(v);
      return s ? { t: 'str', value: s.value, s, span } : { t: 'dynamic', text: v.text, span };
    }
    case 'number':
      return { t: 'num', value: Number(v.text.replace(/_/g, '')), text: v.text, span };
    case 'true':
    case 'false':
      return { t: 'bool', value: v.type === 'true', span };
    case 'null':
    case 'undefined':
      return { t: 'nil', span };
    case 'array':
      return { t: 'list', items: v.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment').map(jsValue), span };
    case 'object': {
      const entries: Record<string, DslValue> = {};
      for (const p of v.namedChildren) {
        if (!p) continue;
        if (p.type === 'pair') {
          const k = p.childForFieldName('key');
          const val = p.childForFieldName('value');
          const key = k?.type === 'string' ? jsString(k)?.value : k?.text;
          if (key !== undefined && val) entries[key] = jsValue(val);
        } else if (p.type === 'shorthand_property_identifier') entries[p.text] = { t: 'dynamic', text: p.text, span: spanOf(p) };
      }
      return { t: 'hash', entries, span };
    }
    case 'call_expression':
    case 'new_expression': {
      const fn = v.childForFieldName(v.type === 'new_expression' ? 'constructor' : 'function');
      const argList = v.childForFieldName('arguments');
      const args = (argList?.namedChildren ?? []).filter((c): c is TSNode => !!c && c.type !== 'comment').map(jsValue);
      const last = args[args.length - 1];
      const name = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : (fn?.text ?? '');
      const receiver = fn?.type === 'member_expression' ? fn.childForFieldName('object')?.text : undefined;
      return { t: 'call', name, receiver, args, kwargs: last?.t === 'hash' ? last.entries : {}, span };
    }
    case 'identifier':
    case 'member_expression':
      return { t: 'ref', path: v.text, span };
    case 'arrow_function':
    case 'function_expression':
    case 'function':
      return { t: 'fn', span };
    case 'parenthesized_expression':
    case 'as_expression':
    case 'satisfies_expression': {
      const inner = v.namedChildren[0];
      return inner ? jsValue(inner) : { t: 'dynamic', text: v.text, span };
    }
    default:
      return { t: 'dynamic', text: v.text, span };
  }
}

function argsOf(call: TSNode): { args: DslValue[]; kwargs: Record<string, DslValue>; list: TSNode | null } {
  const list = call.childForFieldName('arguments');
  const args = (list?.namedChildren ?? []).filter((c): c is TSNode => !!c && c.type !== 'comment').map(jsValue);
  const last = args[args.length - 1];
  return { args, kwargs: last?.t === 'hash' ? last.entries : {}, list };
}

interface Fn {
  section: Section;
  params: string[];
  body: TSNode;
  /** Names bound to the runner in the body: `const qr = queryRunner`, `const m = queryRunner.manager`. */
  aliases?: Set<string>;
}

function paramsOf(fn: TSNode): string[] {
  const p = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!p) return [];
  if (p.type === 'identifier') return [p.text];
  return p.namedChildren.map((c) => {
    if (!c) return '';
    const pat = c.childForFieldName('pattern') ?? c;
    return pat.type === 'identifier' ? pat.text : '';
  });
}

function isFunction(n: TSNode | null): n is TSNode {
  return !!n && (n.type === 'arrow_function' || n.type === 'function_expression' || n.type === 'function' || n.type === 'function_declaration' || n.type === 'method_definition' || n.type === 'generator_function');
}

function sectionName(name: string | undefined): Section | undefined {
  return name === 'up' ? 'up' : name === 'down' ? 'down' : undefined;
}

class JsExtractor {
  readonly file: DslFile;
  private readonly helpers = new Set<string>();
  constructor(private readonly tree: Tree, framework: Framework, private readonly text: string) {
    this.file = emptyFile(framework);
  }

  run(): DslFile {
    const root = this.tree.rootNode;
    this.file.errors = errorSpans(root);
    this.file.comments = suppressionComments(root, this.text);
    const fns: Fn[] = [];
    const visit = (n: TSNode, depth: number) => {
      if (depth > 8) return;
      switch (n.type) {
        case 'function_declaration': {
          const name = n.childForFieldName('name')?.text;
          const s = sectionName(name);
          const body = n.childForFieldName('body');
          if (s && body) fns.push({ section: s, params: paramsOf(n), body });
          else if (name) this.helpers.add(name);
          return;
        }
        case 'variable_declarator': {
          const name = n.childForFieldName('name')?.text;
          const value = n.childForFieldName('value');
          const s = sectionName(name);
          if (s && isFunction(value)) this.pushFn(fns, s, value);
          else if (name === 'config' && value?.type === 'object') this.txConfig(value);
          else if (name && isFunction(value)) this.helpers.add(name);
          else if (value) visit(value, depth + 1);
          return;
        }
        case 'assignment_expression': {
          const left = n.childForFieldName('left')?.text ?? '';
          const right = n.childForFieldName('right');
          const m = /^(?:module\.)?exports\.(\w+)$/.exec(left);
          if (m && right) {
            const s = sectionName(m[1]);
            if (s && isFunction(right)) this.pushFn(fns, s, right);
            else if (m[1] === 'config' && right.type === 'object') this.txConfig(right);
            return;
          }
          if (right) visit(right, depth + 1);
          return;
        }
        case 'method_definition': {
          const s = sectionName(n.childForFieldName('name')?.text);
          if (s) this.pushFn(fns, s, n);
          return;
        }
        case 'pair': {
          const key = n.childForFieldName('key')?.text;
          const value = n.childForFieldName('value');
          const s = sectionName(key);
          if (s && isFunction(value)) this.pushFn(fns, s, value);
          else if (key === 'config' && value?.type === 'object') this.txConfig(value);
          else if (value) visit(value, depth + 1);
          return;
        }
        case 'public_field_definition':
        case 'field_definition': {
          const name = (n.childForFieldName('name') ?? n.childForFieldName('property'))?.text;
          const value = n.childForFieldName('value');
          if (name === 'transaction' && value?.type === 'false') this.file.txOptOut = spanOf(n);
          return;
        }
        case 'class_declaration':
        case 'class': {
          const name = n.childForFieldName('name');
          if (name) {
            this.file.meta.className = name.text;
            this.file.anchor ??= spanOf(name);
          }
          const body = n.childForFieldName('body');
          if (body) {
            const first = body.namedChildren.find((c) => c && c.type !== 'comment');
            if (first) this.file.classBodyInsert = { offset: lineStart(this.text, first.startIndex), indent: indentAt(this.text, first.startIndex) };
          }
          break;
        }
      }
      for (const c of n.namedChildren) if (c) visit(c, depth + 1);
    };
    visit(root, 0);
    for (const f of fns) {
      this.file.sections[f.section as 'up' | 'down'] ??= spanOf(f.body);
      if (this.file.framework === 'typeorm') f.aliases = runnerAliases(f);
      const calls = this.file.calls.length;
      const unresolved = this.file.unresolved.length;
      this.body(f.body, f, this.file.calls);
      // A TypeORM up() with statements of which none could be read: said once, never silently nothing.
      if (this.file.framework === 'typeorm' && f.section === 'up' && !this.file.unread && this.file.calls.length === calls && this.file.unresolved.length === unresolved && hasStatements(f.body)) this.file.unread = spanOf(f.body);
    }
    if (!this.file.anchor && fns.length) this.file.anchor = { start: fns[0].body.startIndex, end: fns[0].body.startIndex };
    return this.file;
  }

  private pushFn(fns: Fn[], section: Section, fn: TSNode): void {
    const body = fn.childForFieldName('body');
    if (body) fns.push({ section, params: paramsOf(fn), body });
  }

  private txConfig(obj: TSNode): void {
    for (const p of obj.namedChildren) {
      if (p?.type === 'pair' && p.childForFieldName('key')?.text === 'transaction' && p.childForFieldName('value')?.type === 'false') this.file.txOptOut = spanOf(p);
    }
  }

  /** Walks a function body for DSL calls, in source order. */
  private body(n: TSNode, fn: Fn, out: DslCall[]): void {
    if (n.type === 'for_statement' || n.type === 'for_in_statement' || n.type === 'while_statement') {
      if (this.hasDsl(n, fn)) this.file.unresolved.push({ span: spanOf(n), what: 'a loop that runs migration operations' });
      return;
    }
    if (n.type === 'call_expression') {
      if (this.call(n, fn, out)) return;
    }
    for (const c of n.namedChildren) if (c && !isFunction(c)) this.body(c, fn, out);
    // Callbacks (`transaction(async (t) => …)`, `Promise.all([...].map(...))`) run too.
    for (const c of n.namedChildren) if (c && isFunction(c)) this.callback(c, fn, out);
  }

  private callback(f: TSNode, fn: Fn, out: DslCall[]): void {
    const body = f.childForFieldName('body');
    if (body) this.body(body, fn, out);
  }

  private hasDsl(n: TSNode, fn: Fn): boolean {
    const probe: DslCall[] = [];
    const saved = this.file.unresolved.length;
    this.body(n.type === 'for_statement' || n.type === 'for_in_statement' || n.type === 'while_statement' ? (n.childForFieldName('body') ?? n) : n, fn, probe);
    this.file.unresolved.length = saved;
    return probe.length > 0;
  }

  /** Returns true when `n` was consumed as a DSL call. */
  private call(n: TSNode, fn: Fn, out: DslCall[]): boolean {
    const f = n.childForFieldName('function');
    if (!f) return false;
    if (f.type === 'identifier' && this.helpers.has(f.text)) {
      this.file.unresolved.push({ span: spanOf(n), what: `\`${f.text}()\` (a helper whose operations are defined elsewhere)` });
      return true;
    }
    if (f.type !== 'member_expression') return false;
    const name = f.childForFieldName('property')?.text ?? '';
    const obj = f.childForFieldName('object');
    if (!obj) return false;
    const recv = obj.text;
    const p0 = fn.params[0];
    const fw = this.file.framework;
    // Loops over lists: `['a','b'].forEach((c) => knex.schema…)`.
    if ((name === 'forEach' || name === 'map') && this.hasDsl(n.childForFieldName('arguments') ?? n, fn)) {
      this.file.unresolved.push({ span: spanOf(n), what: 'a loop that runs migration operations' });
      return true;
    }
    let kind: 'schema' | 'sql' | 'api' | undefined;
    if (fw === 'knex') {
      if (name === 'raw' && (recv === p0 || recv === 'knex' || /\.schema$/.test(recv))) kind = 'sql';
      else if (KNEX_SCHEMA.has(name) && (/(^|\.)schema$/.test(recv) || schemaChain(obj))) kind = 'schema';
    } else if (fw === 'typeorm') {
      if (isRunner(recv, fn) && TYPEORM_API.has(name)) kind = name === 'query' ? 'sql' : 'api';
      // `queryRunner.manager.query(sql)` (the EntityManager runs it on the same runner).
      else if (name === 'query' && recv.endsWith('.manager') && isRunner(recv.slice(0, -'.manager'.length), fn)) kind = 'sql';
    } else if (fw === 'sequelize') {
      if (name === 'query' && (/(^|\.)sequelize$/.test(recv))) kind = 'sql';
      else if (name === 'transaction' && /(^|\.)sequelize$/.test(recv)) {
        this.file.txOptIn = spanOf(n);
        return false;
      } else if ((recv === p0 || recv === 'queryInterface') && SEQUELIZE_API.has(name)) kind = name === 'query' ? 'sql' : 'api';
    }
    if (!kind) return false;
    // Knex chains: `knex.schema.createTable(...).alterTable(...)`: the inner call first.
    if (obj.type === 'call_expression') this.call(obj, fn, out);
    const { args, kwargs, list } = argsOf(n);
    const c: DslCall = { name, receiver: recv, args, kwargs, span: spanOf(n), nameSpan: spanOf(f.childForFieldName('property') ?? f), section: fn.section };
    if (list) c.argsSpan = spanOf(list);
    if (kind === 'schema' && (name === 'createTable' || name === 'alterTable' || name === 'table' || name === 'createTableIfNotExists')) {
      const t = args[0];
      c.blockTable = t?.t === 'str' ? t.value : undefined;
      const cb = list?.namedChildren.find((x) => isFunction(x));
      if (cb) {
        c.children = [];
        const param = paramsOf(cb)[0];
        const body = cb.childForFieldName('body');
        if (param && body) this.builder(body, param, fn.section, c.children, c.blockTable);
      }
    }
    out.push(c);
    return true;
  }

  /** Knex table builder: `t.string('email').notNullable()` → a call `string` with a chain. */
  private builder(n: TSNode, param: string, section: Section, out: DslCall[], table: string | undefined): void {
    if (n.type === 'call_expression') {
      const links: TSNode[] = [];
      let cur: TSNode | null = n;
      while (cur?.type === 'call_expression') {
        links.unshift(cur);
        const fnode: TSNode | null = cur.childForFieldName('function');
        cur = fnode?.type === 'member_expression' ? fnode.childForFieldName('object') : null;
      }
      if (cur?.type === 'identifier' && cur.text === param && links.length) {
        const head = links[0];
        const hf = head.childForFieldName('function')!;
        const { args, kwargs, list } = argsOf(head);
        const c: DslCall = { name: hf.childForFieldName('property')?.text ?? '', receiver: param, args, kwargs, span: spanOf(n), nameSpan: spanOf(hf.childForFieldName('property') ?? hf), section, blockTable: table };
        if (list) c.argsSpan = spanOf(list);
        c.chain = links.slice(1).map((l) => {
          const lf = l.childForFieldName('function')!;
          return { name: lf.childForFieldName('property')?.text ?? '', args: argsOf(l).args, span: spanOf(lf.childForFieldName('property') ?? lf) };
        });
        out.push(c);
        return;
      }
    }
    for (const c of n.namedChildren) if (c) this.builder(c, param, section, out, table);
  }
}

/** The runner parameter, `queryRunner`, or a name bound to either in the function body. */
function isRunner(recv: string, fn: Fn): boolean {
  return recv === fn.params[0] || recv === 'queryRunner' || !!fn.aliases?.has(recv);
}

/**
 * Names bound to the query runner (or its manager, which has `query` too) in a TypeORM up/down:
 * `const qr = queryRunner`, `const m = qr.manager`, in declaration order, nested blocks included.
 */
function runnerAliases(fn: Fn): Set<string> {
  const out = new Set<string>();
  const visit = (n: TSNode, depth: number) => {
    if (depth > 40) return;
    if (n.type === 'variable_declarator') {
      const name = n.childForFieldName('name');
      let value = n.childForFieldName('value');
      while (value && (value.type === 'as_expression' || value.type === 'parenthesized_expression' || value.type === 'non_null_expression' || value.type === 'satisfies_expression')) value = value.namedChildren[0];
      if (name?.type === 'identifier' && value) {
        const v = value.text;
        if ((value.type === 'identifier' || value.type === 'member_expression') && (isRunner(v, { ...fn, aliases: out }) || (v.endsWith('.manager') && isRunner(v.slice(0, -'.manager'.length), { ...fn, aliases: out })))) out.add(name.text);
      }
    }
    for (const c of n.namedChildren) if (c && !isFunction(c)) visit(c, depth + 1);
  };
  visit(fn.body, 0);
  return out;
}

function hasStatements(body: TSNode): boolean {
  if (body.type !== 'statement_block') return true;
  return body.namedChildren.some((c) => !!c && c.type !== 'comment' && c.type !== 'empty_statement');
}

function schemaChain(n: TSNode): boolean {
  let cur: TSNode | null = n;
  while (cur?.type === 'call_expression') {
    const f: TSNode | null = cur.childForFieldName('function');
    if (f?.type !== 'member_expression') return false;
    cur = f.childForFieldName('object');
  }
  return !!cur && /(^|\.)schema$/.test(cur.text);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}

export function grammarFor(path: string): SourceLanguage {
  return /\.(ts|mts|cts)$/i.test(path) ? 'typescript' : 'javascript';
}

export async function extractJs(framework: Extract<Framework, 'knex' | 'typeorm' | 'sequelize'>, text: string, path = 'x.js'): Promise<DslFile> {
  return parseWith(grammarFor(path), text, (tree) => new JsExtractor(tree, framework, text).run(), framework);
}
