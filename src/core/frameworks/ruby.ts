import type { Node as TSNode, Tree } from '@vscode/tree-sitter-wasm';
import { parseWith } from './parse';
import { decodeEscape, emptyFile, errorSpans, spanOf, suppressionComments, StringBuilder, type DslCall, type DslFile, type DslValue, type Section } from './dsl';

/** ActiveRecord migration methods the mapper understands (everything else in a migration body is "not analysed"). */
export const RAILS_METHODS = new Set([
  'create_table', 'create_join_table', 'drop_table', 'drop_join_table', 'change_table', 'rename_table',
  'add_column', 'add_columns', 'remove_column', 'remove_columns', 'change_column', 'change_column_null', 'change_column_default',
  'rename_column', 'add_index', 'remove_index', 'rename_index', 'add_reference', 'add_belongs_to', 'remove_reference', 'remove_belongs_to',
  'add_foreign_key', 'remove_foreign_key', 'validate_foreign_key', 'add_check_constraint', 'remove_check_constraint', 'validate_check_constraint',
  'add_timestamps', 'remove_timestamps', 'execute', 'exec_query', 'add_exclusion_constraint', 'add_unique_constraint', 'create_enum', 'add_enum_value', 'rename_enum_value',
  'change_column_comment', 'change_table_comment', 'enable_extension', 'disable_extension', 'create_schema', 'drop_schema', 'rename_schema',
]);

/** Calls that are harmless or only structure the migration. */
const RAILS_NEUTRAL = new Set([
  'say', 'say_with_time', 'puts', 'reset_column_information', 'reversible', 'revert', 'up_only', 'safety_assured', 'transaction',
  'raise', 'require', 'p', 'pp', 'connection', 'column_exists?', 'table_exists?', 'index_exists?', 'foreign_key_exists?',
  'check_constraint_exists?', 'index_name_exists?', 'disable_ddl_transaction!', 'puts', 'logger', 'select_value', 'select_all',
]);

/** Column-definition methods inside `create_table … do |t|` / `change_table`. */
export const RAILS_COLUMN_TYPES = new Set([
  'string', 'text', 'integer', 'bigint', 'float', 'decimal', 'numeric', 'datetime', 'timestamp', 'time', 'date', 'binary', 'blob',
  'boolean', 'json', 'jsonb', 'uuid', 'inet', 'cidr', 'macaddr', 'hstore', 'citext', 'bit', 'money', 'xml', 'virtual', 'enum',
  'daterange', 'tsrange', 'tstzrange', 'numrange', 'int4range', 'int8range', 'point', 'line', 'interval', 'serial', 'bigserial', 'column',
]);

/** ActiveRecord model methods that write rows. */
const MODEL_DML = new Set(['update_all', 'delete_all', 'destroy_all', 'find_each', 'find_in_batches', 'in_batches', 'update_column', 'update_columns', 'insert_all', 'upsert_all']);

const LOOP_METHODS = new Set(['each', 'each_with_index', 'times', 'map', 'each_pair', 'each_slice', 'upto', 'downto', 'find_each', 'in_batches']);

class RubyExtractor {
  private readonly heredocs = new Map<number, TSNode>();
  readonly file = emptyFile('rails');
  private readonly helpers = new Set<string>();

  constructor(
    private readonly tree: Tree,
    private readonly text: string,
  ) {
    if (!text.includes('<<')) return;
    // Heredoc bodies follow their line, not their call: pair beginnings and bodies in order.
    const begins = tree.rootNode.descendantsOfType('heredoc_beginning');
    const bodies = tree.rootNode.descendantsOfType('heredoc_body');
    begins.forEach((b, i) => {
      const body = bodies[i];
      if (b && body) this.heredocs.set(b.startIndex, body);
    });
  }

  run(): DslFile {
    const root = this.tree.rootNode;
    this.file.errors = errorSpans(root);
    this.file.comments = suppressionComments(root, this.text);
    const cls = findMigrationClass(root);
    const body = cls ? cls.childForFieldName('body') : root;
    if (cls) {
      this.file.anchor = spanOf(cls.childForFieldName('name') ?? cls);
      this.file.meta.className = cls.childForFieldName('name')?.text;
      const line = this.text.lastIndexOf('\n', cls.startIndex);
      const indent = /^[ \t]*/.exec(this.text.slice(line + 1))![0];
      const headerEnd = this.text.indexOf('\n', cls.startIndex);
      this.file.classBodyInsert = { offset: headerEnd < 0 ? cls.endIndex : headerEnd + 1, indent: indent + '  ' };
    }
    if (!body) return this.file;
    for (const st of body.namedChildren) {
      if (st?.type === 'method') {
        const name = st.childForFieldName('name')?.text ?? '';
        if (!['up', 'down', 'change'].includes(name)) this.helpers.add(name);
      }
    }
    for (const st of body.namedChildren) {
      if (!st) continue;
      if (st.type === 'method' || st.type === 'singleton_method') {
        const name = st.childForFieldName('name')?.text ?? '';
        if (name === 'up' || name === 'down' || name === 'change') {
          const b = st.childForFieldName('body');
          this.file.sections[name] = spanOf(b ?? st);
          if (b) this.statements(b, name, undefined, this.file.calls);
        }
      } else if ((st.type === 'call' || st.type === 'identifier') && methodName(st) === 'disable_ddl_transaction!') {
        this.file.txOptOut = spanOf(st);
      } else if (!cls && st.type === 'call') {
        this.statements(body, 'other', undefined, this.file.calls);
        break;
      }
    }
    return this.file;
  }

  private statements(block: TSNode, section: Section, ack: DslCall['acknowledged'], out: DslCall[], blockTable?: string, blockParam?: string): void {
    for (const st of block.namedChildren) if (st) this.statement(st, section, ack, out, blockTable, blockParam);
  }

  private statement(st: TSNode, section: Section, ack: DslCall['acknowledged'], out: DslCall[], blockTable?: string, blockParam?: string): void {
    switch (st.type) {
      case 'call':
      case 'identifier':
        this.call(st, section, ack, out, blockTable, blockParam);
        return;
      case 'if':
      case 'unless':
      case 'if_modifier':
      case 'unless_modifier':
      case 'elsif': {
        const test = adapterTest(st.childForFieldName('condition')?.text);
        if (!test) {
          for (const c of st.namedChildren) if (c && c.type !== 'comment') this.statement(c, section, ack, out, blockTable, blockParam);
          return;
        }
        const negate = (st.type === 'unless' || st.type === 'unless_modifier') !== test.negate;
        const branch = (node: TSNode | null, neg: boolean) => {
          if (!node) return;
          const tmp: DslCall[] = [];
          this.statement(node, section, ack, tmp, blockTable, blockParam);
          for (const c of tmp) markAdapter(c, { adapter: test.adapter, negate: neg });
          out.push(...tmp);
        };
        branch(st.childForFieldName('consequence') ?? st.childForFieldName('body'), negate);
        branch(st.childForFieldName('alternative'), !negate);
        return;
      }
      case 'then':
      case 'else':
      case 'begin':
      case 'parenthesized_statements':
      case 'body_statement':
      case 'block_body':
        for (const c of st.namedChildren) if (c && c.type !== 'comment') this.statement(c, section, ack, out, blockTable, blockParam);
        return;
      case 'for':
      case 'while':
      case 'until':
        if (containsDslCall(st)) this.file.unresolved.push({ span: spanOf(st), what: 'a loop that runs migration methods' });
        return;
      case 'comment':
      default:
        return;
    }
  }

  private call(n: TSNode, section: Section, ack: DslCall['acknowledged'], out: DslCall[], blockTable?: string, blockParam?: string): void {
    const name = methodName(n);
    if (!name) return;
    const recvNode = n.type === 'call' ? n.childForFieldName('receiver') : null;
    const receiver = recvNode?.text;
    const blockNode = n.type === 'call' ? n.childForFieldName('block') : null;
    const blockBody = blockNode ? (blockNode.childForFieldName('body') ?? blockNode.namedChildren.find((c) => c?.type === 'block_body' || c?.type === 'body_statement') ?? null) : null;
    const param = blockNode ? blockParamOf(blockNode) : undefined;
    if (name === 'disable_ddl_transaction!') {
      this.file.txOptOut = spanOf(n);
      return;
    }
    if (name === 'safety_assured' && !receiver) {
      const reason = reasonBefore(this.text, n) ?? reasonInside(blockBody);
      if (blockBody) this.statements(blockBody, section, { by: 'safety_assured', reason }, out, blockTable, blockParam);
      return;
    }
    if (name === 'reversible' && blockBody) {
      this.statements(blockBody, section, ack, out, blockTable, param);
      return;
    }
    if (param === undefined && blockParam && receiver === blockParam && (name === 'up' || name === 'down') && blockBody) {
      this.statements(blockBody, name, ack, out, blockTable, blockParam);
      return;
    }
    if (blockParam && receiver === blockParam && (name === 'up' || name === 'down') && blockBody) {
      this.statements(blockBody, name, ack, out, blockTable, blockParam);
      return;
    }
    if (name === 'up_only' && blockBody) {
      this.statements(blockBody, 'up', ack, out, blockTable, blockParam);
      return;
    }
    if (name === 'revert') {
      this.file.unresolved.push({ span: spanOf(n), what: '`revert` (the reverted migration is defined elsewhere)' });
      return;
    }
    if (receiver && LOOP_METHODS.has(name) && blockNode) {
      if (containsDslCall(blockNode)) this.file.unresolved.push({ span: spanOf(n), what: 'a loop that runs migration methods' });
      return;
    }
    // Builder block calls: `t.string :email`, `t.index :email`, `t.remove :name`.
    if (blockParam && receiver === blockParam) {
      out.push(this.dslCall(n, name, receiver, section, ack));
      return;
    }
    // Backfills through a model: `User.where(plan: nil).update_all(plan: "free")`, `Account.find_each { … }`.
    if (receiver && /^[A-Z]/.test(receiver) && MODEL_DML.has(name)) {
      out.push(this.dslCall(n, `model:${name}`, receiver, section, ack));
      return;
    }
    if (receiver && receiver !== 'self') return;
    if (RAILS_METHODS.has(name)) {
      const c = this.dslCall(n, name, receiver, section, ack);
      if ((name === 'create_table' || name === 'change_table' || name === 'create_join_table') && blockBody) {
        c.children = [];
        const table = c.args[0];
        c.blockTable = table && (table.t === 'sym' || table.t === 'str') ? table.value : undefined;
        this.statements(blockBody, section, ack, c.children, c.blockTable, param);
      }
      out.push(c);
      return;
    }
    if (RAILS_NEUTRAL.has(name)) {
      if (blockBody && name === 'transaction') this.statements(blockBody, section, ack, out, blockTable, blockParam);
      return;
    }
    if (this.helpers.has(name) || /^(add|remove|change|rename|create|drop|update|backfill|migrate|with)_/.test(name)) {
      this.file.unresolved.push({ span: spanOf(n), what: `\`${name}\` (a helper whose migration steps are defined elsewhere)` });
    }
  }

  private dslCall(n: TSNode, name: string, receiver: string | undefined, section: Section, ack: DslCall['acknowledged']): DslCall {
    const argList = n.type === 'call' ? n.childForFieldName('arguments') : null;
    const nameNode = n.type === 'call' ? n.childForFieldName('method') : n;
    const args: DslValue[] = [];
    const kwargs: Record<string, DslValue> = {};
    for (const a of argList?.namedChildren ?? []) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'pair') {
        const k = keyOf(a.childForFieldName('key'));
        const v = a.childForFieldName('value');
        if (k !== undefined && v) kwargs[k] = this.value(v);
      } else if (a.type === 'hash' && a === argList?.lastNamedChild) {
        for (const p of a.namedChildren) {
          if (p?.type !== 'pair') continue;
          const k = keyOf(p.childForFieldName('key'));
          const v = p.childForFieldName('value');
          if (k !== undefined && v) kwargs[k] = this.value(v);
        }
      } else args.push(this.value(a));
    }
    const c: DslCall = { name, args, kwargs, span: spanOf(n), nameSpan: spanOf(nameNode ?? n), section };
    if (receiver) c.receiver = receiver;
    if (argList) c.argsSpan = spanOf(argList);
    if (ack) c.acknowledged = ack;
    return c;
  }

  value(v: TSNode): DslValue {
    const span = spanOf(v);
    switch (v.type) {
      case 'simple_symbol':
        return { t: 'sym', value: v.text.slice(1), span };
      case 'hash_key_symbol':
        return { t: 'sym', value: v.text, span };
      case 'delimited_symbol': {
        const s = this.string(v);
        return s ? { t: 'sym', value: s.value, span } : { t: 'dynamic', text: v.text, span };
      }
      case 'string':
      case 'heredoc_beginning': {
        const s = this.string(v);
        return s ? { t: 'str', value: s.value, s, span } : { t: 'dynamic', text: v.text, span };
      }
      case 'integer':
      case 'float':
        return { t: 'num', value: Number(v.text.replace(/_/g, '')), text: v.text, span };
      case 'true':
      case 'false':
        return { t: 'bool', value: v.type === 'true', span };
      case 'nil':
        return { t: 'nil', span };
      case 'array':
        return { t: 'list', items: v.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment').map((c) => this.value(c)), span };
      case 'string_array':
      case 'symbol_array':
        return { t: 'list', items: v.namedChildren.filter((c): c is TSNode => !!c).map((c) => ({ t: v.type === 'symbol_array' ? 'sym' : 'str', value: c.text, span: spanOf(c), s: { value: c.text, map: [...Array(c.text.length + 1).keys()].map((i) => c.startIndex + i), span: spanOf(c) } }) as DslValue), span };
      case 'hash': {
        const entries: Record<string, DslValue> = {};
        for (const p of v.namedChildren) {
          if (p?.type !== 'pair') continue;
          const k = keyOf(p.childForFieldName('key'));
          const val = p.childForFieldName('value');
          if (k !== undefined && val) entries[k] = this.value(val);
        }
        return { t: 'hash', entries, span };
      }
      case 'lambda': {
        // `-> { "now()" }`: Rails passes the string to the database as an SQL expression.
        const body = v.childForFieldName('body');
        const inner = body?.namedChildren.find((c) => c?.type === 'block_body' || c?.type === 'body_statement')?.namedChildren[0] ?? body?.namedChildren[0];
        const s = inner?.type === 'string' ? this.string(inner) : undefined;
        return s ? { t: 'fn', span, sql: s.value } : { t: 'fn', span };
      }
      case 'constant':
      case 'scope_resolution':
        return { t: 'ref', path: v.text, span };
      case 'call': {
        const m = v.childForFieldName('method')?.text;
        const r = v.childForFieldName('receiver');
        // `<<~SQL.squish`, `"…".freeze`
        if (r && m && ['squish', 'strip', 'freeze', 'strip_heredoc', 'dup', 'chomp'].includes(m) && (r.type === 'string' || r.type === 'heredoc_beginning')) return this.value(r);
        if (m === 'proc' || m === 'lambda') return { t: 'fn', span };
        return { t: 'dynamic', text: v.text, span };
      }
      default:
        return { t: 'dynamic', text: v.text, span };
    }
  }

  /** Static value of a Ruby string or heredoc, or undefined when it interpolates. */
  private string(n: TSNode) {
    let body: TSNode | null | undefined = n;
    if (n.type === 'heredoc_beginning') body = this.heredocs.get(n.startIndex);
    if (!body) return undefined;
    const b = new StringBuilder();
    const singleQuoted = n.type === 'heredoc_beginning' ? /<<[~-]?'/.test(n.text) : n.text.startsWith("'");
    let end = body.endIndex;
    for (const c of body.namedChildren) {
      if (!c) continue;
      if (c.type === 'interpolation') return undefined;
      if (c.type === 'string_content' || c.type === 'heredoc_content') b.raw(c.text, c.startIndex);
      else if (c.type === 'escape_sequence') {
        if (singleQuoted) b.raw(c.text, c.startIndex);
        else b.decoded(decodeEscape(c.text), c.startIndex);
      } else if (c.type === 'heredoc_end') end = c.startIndex;
    }
    if (n.type === 'string' && body.namedChildren.length === 0) return b.done(spanOf(n), n.startIndex + 1);
    const last = b.map.length ? b.map[b.map.length - 1] + 1 : end;
    return b.done(spanOf(n.type === 'heredoc_beginning' ? body : n), Math.max(last, 0));
  }
}

function methodName(n: TSNode): string | undefined {
  if (n.type === 'identifier') return n.text;
  if (n.type === 'call') return n.childForFieldName('method')?.text;
  return undefined;
}

function keyOf(k: TSNode | null): string | undefined {
  if (!k) return undefined;
  if (k.type === 'hash_key_symbol') return k.text;
  if (k.type === 'simple_symbol') return k.text.slice(1);
  if (k.type === 'string') return k.text.slice(1, -1);
  return undefined;
}

function blockParamOf(block: TSNode): string | undefined {
  const params = block.childForFieldName('parameters') ?? block.namedChildren.find((c) => c?.type === 'block_parameters');
  const first = params?.namedChildren.find((c) => c?.type === 'identifier');
  return first?.text;
}

function findMigrationClass(root: TSNode): TSNode | undefined {
  const stack: TSNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'class') {
      const sup = n.childForFieldName('superclass');
      if (sup && /Migration/.test(sup.text)) return n;
    }
    if (n.type === 'program' || n.type === 'module' || n.type === 'body_statement' || n.type === 'class') {
      for (let i = n.namedChildCount - 1; i >= 0; i--) {
        const c = n.namedChild(i);
        if (c) stack.push(c);
      }
    }
  }
  return undefined;
}

function containsDslCall(n: TSNode): boolean {
  if (n.type === 'call' || n.type === 'identifier') {
    const name = methodName(n);
    if (name && RAILS_METHODS.has(name)) return true;
  }
  for (const c of n.namedChildren) if (c && containsDslCall(c)) return true;
  return false;
}

/** Comment lines right above `safety_assured` give its reason. */
function reasonBefore(text: string, n: TSNode): string | undefined {
  const lines = text.slice(0, text.lastIndexOf('\n', n.startIndex - 1) + 1).split('\n');
  lines.pop();
  const out: string[] = [];
  while (lines.length && /^\s*#/.test(lines[lines.length - 1])) out.unshift(lines.pop()!.replace(/^\s*#\s?/, '').trim());
  const r = out.join(' ').trim();
  return r || undefined;
}

function reasonInside(body: TSNode | null): string | undefined {
  const first = body?.namedChildren[0];
  if (first?.type === 'comment') return first.text.replace(/^#\s?/, '').trim() || undefined;
  return undefined;
}

/** Parses a Rails migration with tree-sitter-ruby and extracts its DSL calls. */
export async function extractRails(text: string): Promise<DslFile> {
  return parseWith('ruby', text, (tree) => new RubyExtractor(tree, text).run(), 'rails');
}

/**
 * `connection.adapter_name == "SQLServer"`, `adapter_name =~ /postg/i`, `ActiveRecord::Base.connection.adapter_name.downcase == 'mysql2'`:
 * the adapter a condition tests. Only short conditions that are one comparison are read.
 */
function adapterTest(cond: string | undefined): { adapter: string; negate: boolean } | undefined {
  if (!cond || cond.length > 160 || !cond.includes('adapter_name') || /&&|\|\||\band\b|\bor\b/.test(cond)) return undefined;
  const m = /adapter_name(?:\.\w+)?\s*(==|!=|=~|!~|\.match\?|\.include\?|\.start_with\?)\s*(?:\(\s*)?(?:"([^"]{1,40})"|'([^']{1,40})'|:(\w{1,40})|\/([^/]{1,40})\/i?)/.exec(cond);
  if (!m) return undefined;
  const neg = /^\s*!|\bnot\b/.test(cond.slice(0, cond.indexOf('adapter_name'))) !== (m[1] === '!=' || m[1] === '!~');
  return { adapter: (m[2] ?? m[3] ?? m[4] ?? m[5]).toLowerCase(), negate: neg };
}

function markAdapter(c: DslCall, t: { adapter: string; negate: boolean }): void {
  c.adapterIf = [...(c.adapterIf ?? []), t];
  for (const ch of c.children ?? []) markAdapter(ch, t);
}
