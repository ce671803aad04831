import type { Node as TSNode, Tree } from '@vscode/tree-sitter-wasm';
import { decodeEscape, emptyFile, errorSpans, spanOf, suppressionComments, StringBuilder, type DslCall, type DslFile, type DslValue, type Framework, type Section, type StaticString } from './dsl';
import { parseWith } from './parse';

/** Django migration operations the mapper understands. */
export const DJANGO_OPERATIONS = new Set([
  'CreateModel', 'DeleteModel', 'RenameModel', 'AlterModelTable', 'AddField', 'RemoveField', 'AlterField', 'RenameField',
  'AddIndex', 'RemoveIndex', 'RenameIndex', 'AddIndexConcurrently', 'RemoveIndexConcurrently', 'AddConstraint', 'RemoveConstraint',
  'AddConstraintNotValid', 'ValidateConstraint', 'AlterUniqueTogether', 'AlterIndexTogether', 'RunSQL', 'RunPython',
  'SeparateDatabaseAndState', 'IgnoreMigration', 'AlterModelOptions', 'AlterModelManagers', 'AlterOrderWithRespectTo',
  'CreateExtension', 'BtreeGinExtension', 'HStoreExtension', 'TrigramExtension', 'UnaccentExtension', 'CryptoExtension', 'CITextExtension',
  'AlterModelTableComment',
]);

/** Alembic `op.*` directives the mapper understands. */
export const ALEMBIC_OPS = new Set([
  'add_column', 'drop_column', 'alter_column', 'create_table', 'drop_table', 'rename_table', 'create_index', 'drop_index',
  'create_foreign_key', 'drop_constraint', 'create_check_constraint', 'create_unique_constraint', 'create_primary_key',
  'execute', 'bulk_insert', 'create_exclude_constraint', 'create_table_comment', 'drop_table_comment',
]);

function str(n: TSNode): StaticString | undefined {
  if (n.type === 'concatenated_string') {
    const b = new StringBuilder();
    for (const c of n.namedChildren) {
      if (!c) continue;
      const s = str(c);
      if (!s) return undefined;
      for (let i = 0; i < s.value.length; i++) b.decoded(s.value[i], s.map[i]);
    }
    return b.done(spanOf(n), n.endIndex);
  }
  if (n.type !== 'string') return undefined;
  const startTok = n.namedChildren.find((c) => c?.type === 'string_start');
  const prefix = (startTok?.text ?? '').replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('f') || prefix.includes('b')) {
    if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  }
  const raw = prefix.includes('r');
  const b = new StringBuilder();
  let end = n.endIndex;
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_end') end = c.startIndex;
    if (c.type !== 'string_content') continue;
    // string_content holds escape_sequence children; copy the text between them verbatim.
    let pos = c.startIndex;
    const text = c.text;
    for (const e of c.namedChildren) {
      if (!e) continue;
      if (e.type === 'interpolation') return undefined;
      if (e.type !== 'escape_sequence') continue;
      b.raw(text.slice(pos - c.startIndex, e.startIndex - c.startIndex), pos);
      if (raw) b.raw(e.text, e.startIndex);
      else b.decoded(decodeEscape(e.text), e.startIndex);
      pos = e.endIndex;
    }
    b.raw(text.slice(pos - c.startIndex), pos);
  }
  return b.done(spanOf(n), end);
}

export function pyValue(v: TSNode): DslValue {
  const span = spanOf(v);
  switch (v.type) {
    case 'string':
    case 'concatenated_string': {
      const s = str(v);
      return s ? { t: 'str', value: s.value, s, span } : { t: 'dynamic', text: v.text, span };
    }
    case 'integer':
    case 'float':
      return { t: 'num', value: Number(v.text.replace(/_/g, '')), text: v.text, span };
    case 'true':
    case 'false':
      return { t: 'bool', value: v.type === 'true', span };
    case 'none':
      return { t: 'nil', span };
    case 'list':
    case 'tuple':
      return { t: 'list', items: v.namedChildren.filter((c): c is TSNode => !!c && c.type !== 'comment').map(pyValue), span };
    case 'dictionary': {
      const entries: Record<string, DslValue> = {};
      for (const p of v.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = p.childForFieldName('key');
        const val = p.childForFieldName('value');
        const ks = k ? str(k) : undefined;
        if (ks && val) entries[ks.value] = pyValue(val);
      }
      return { t: 'hash', entries, span };
    }
    case 'call': {
      const fn = v.childForFieldName('function');
      const { name, receiver } = splitName(fn);
      const { args, kwargs } = pyArgs(v.childForFieldName('arguments'));
      return { t: 'call', name, receiver, args, kwargs, span };
    }
    case 'identifier':
    case 'attribute':
      return { t: 'ref', path: v.text, span };
    case 'lambda':
      return { t: 'fn', span };
    case 'parenthesized_expression': {
      const inner = v.namedChildren.find((c) => c && c.type !== 'comment');
      return inner ? pyValue(inner) : { t: 'dynamic', text: v.text, span };
    }
    default:
      return { t: 'dynamic', text: v.text, span };
  }
}

function splitName(fn: TSNode | null): { name: string; receiver?: string } {
  if (!fn) return { name: '' };
  if (fn.type === 'attribute') return { name: fn.childForFieldName('attribute')?.text ?? '', receiver: fn.childForFieldName('object')?.text };
  return { name: fn.text };
}

function pyArgs(list: TSNode | null): { args: DslValue[]; kwargs: Record<string, DslValue> } {
  const args: DslValue[] = [];
  const kwargs: Record<string, DslValue> = {};
  for (const a of list?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name')?.text;
      const val = a.childForFieldName('value');
      if (k && val) kwargs[k] = pyValue(val);
    } else args.push(pyValue(a));
  }
  return { args, kwargs };
}

function toCall(n: TSNode, section: Section): DslCall {
  const fn = n.childForFieldName('function');
  const { name, receiver } = splitName(fn);
  const argList = n.childForFieldName('arguments');
  const { args, kwargs } = pyArgs(argList);
  const nameNode = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : fn;
  const c: DslCall = { name, args, kwargs, span: spanOf(n), nameSpan: spanOf(nameNode ?? n), section };
  if (receiver) c.receiver = receiver;
  if (argList) c.argsSpan = spanOf(argList);
  return c;
}

function indentOf(text: string, offset: number): string {
  const line = text.lastIndexOf('\n', offset - 1);
  return /^[ \t]*/.exec(text.slice(line + 1))![0];
}

/** Django: `class Migration(migrations.Migration)` with `operations = [...]`. */
function extractDjangoTree(tree: Tree, text: string): DslFile {
  const file = emptyFile('django');
  file.errors = errorSpans(tree.rootNode);
  file.comments = suppressionComments(tree.rootNode, text);
  const cls = tree.rootNode.namedChildren.find((c) => c?.type === 'class_definition' && /Migration/.test(c.childForFieldName('superclasses')?.text ?? ''))
    ?? tree.rootNode.namedChildren.find((c) => c?.type === 'class_definition' && c.childForFieldName('name')?.text === 'Migration');
  if (!cls) return file;
  file.anchor = spanOf(cls.childForFieldName('name') ?? cls);
  const body = cls.childForFieldName('body');
  if (!body) return file;
  const first = body.namedChildren.find((c) => c && c.type !== 'comment');
  if (first) file.classBodyInsert = { offset: first.startIndex - indentOf(text, first.startIndex).length, indent: indentOf(text, first.startIndex) };
  file.sections.up = spanOf(body);
  for (const st of body.namedChildren) {
    const asg = st?.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    if (!asg || (asg.type !== 'assignment' && asg.type !== 'augmented_assignment')) continue;
    const left = asg.childForFieldName('left')?.text;
    const right = asg.childForFieldName('right');
    if (!right) continue;
    if (left === 'atomic' && (right.type === 'true' || right.type === 'false')) {
      file.meta.atomic = { value: right.type === 'true', span: spanOf(st!) };
      if (right.type === 'false') file.txOptOut = spanOf(st!);
    } else if (left === 'dependencies') file.meta.dependencies = spanOf(right);
    else if (left === 'operations') {
      if (right.type !== 'list') {
        file.unresolved.push({ span: spanOf(right), what: 'operations built at run time' });
        continue;
      }
      file.meta.operations = spanOf(right);
      djangoOps(right, file, file.calls);
    }
  }
  if (file.meta.ignored) for (const c of file.calls) c.acknowledged = { by: 'IgnoreMigration' };
  return file;
}

function djangoOps(list: TSNode, file: DslFile, out: DslCall[]): void {
  for (const item of list.namedChildren) {
    if (!item || item.type === 'comment') continue;
    if (item.type !== 'call') {
      file.unresolved.push({ span: spanOf(item), what: `operation \`${item.text.slice(0, 40)}\` built at run time` });
      continue;
    }
    const c = toCall(item, 'up');
    if (c.name === 'IgnoreMigration') {
      file.meta.ignored = spanOf(item);
      continue;
    }
    if (c.name === 'SeparateDatabaseAndState') {
      const db = item.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'database_operations')
        ?? item.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'list');
      const v = db?.type === 'keyword_argument' ? db.childForFieldName('value') : db;
      c.children = [];
      if (v?.type === 'list') djangoOps(v, file, c.children);
      else if (v) file.unresolved.push({ span: spanOf(v), what: 'database operations built at run time' });
      const st = item.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'state_operations')?.childForFieldName('value');
      if (st?.type === 'list') {
        c.stateChildren = [];
        djangoOps(st, { ...file, unresolved: [] }, c.stateChildren);
      }
      out.push(c);
      continue;
    }
    if (!DJANGO_OPERATIONS.has(c.name)) file.unresolved.push({ span: spanOf(item), what: `custom operation \`${c.name}\`` });
    out.push(c);
  }
}

/** Alembic: module-level `revision`/`down_revision`, `def upgrade()`/`downgrade()` with `op.*` calls. */
function extractAlembicTree(tree: Tree, text: string): DslFile {
  const file = emptyFile('alembic');
  file.errors = errorSpans(tree.rootNode);
  file.comments = suppressionComments(tree.rootNode, text);
  const helpers = new Set<string>();
  for (const st of tree.rootNode.namedChildren) {
    if (st?.type === 'function_definition') {
      const name = st.childForFieldName('name')?.text ?? '';
      if (!/^(upgrade|downgrade)/.test(name)) helpers.add(name);
    }
    const asg = st?.type === 'expression_statement' ? st.namedChildren[0] : undefined;
    if (asg?.type === 'assignment') {
      const left = asg.childForFieldName('left')?.text?.replace(/:.*/, '').trim();
      const right = asg.childForFieldName('right');
      const v = right ? pyValue(right) : undefined;
      if (left === 'revision' && v?.t === 'str') file.meta.revision = v.value;
      if (left === 'down_revision' && v?.t === 'str') file.meta.downRevision = v.value;
    }
  }
  for (const st of tree.rootNode.namedChildren) {
    const fn = st?.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (fn?.type !== 'function_definition') continue;
    const name = fn.childForFieldName('name')?.text ?? '';
    const section: Section | undefined = /^upgrade/.test(name) ? 'up' : /^downgrade/.test(name) ? 'down' : undefined;
    if (!section) continue;
    const body = fn.childForFieldName('body');
    if (!body) continue;
    // A downgrade that only passes (or raises) is no rollback.
    const meaningful = body.namedChildren.some((c) => c && c.type !== 'pass_statement' && c.type !== 'comment' && c.type !== 'raise_statement' && !(c.type === 'expression_statement' && c.namedChildren[0]?.type === 'string'));
    if (section === 'up' || meaningful) file.sections[section] = spanOf(body);
    if (section === 'up') file.anchor = spanOf(fn.childForFieldName('name') ?? fn);
    alembicBlock(body, section, file, file.calls, helpers, false, undefined, text);
  }
  return file;
}

function alembicBlock(block: TSNode, section: Section, file: DslFile, out: DslCall[], helpers: Set<string>, autocommit: boolean, batch: { param: string; table?: string } | undefined, text: string): void {
  for (const st of block.namedChildren) {
    if (!st || st.type === 'comment') continue;
    if (st.type === 'with_statement') {
      const item = st.namedChildren.find((c) => c?.type === 'with_clause')?.namedChildren[0];
      const value = item?.childForFieldName('value');
      const target = value?.type === 'as_pattern' ? value : undefined;
      const call = target ? target.namedChildren[0] : value;
      const alias = target?.namedChildren.find((c) => c?.type === 'as_pattern_target')?.text;
      const body = st.childForFieldName('body');
      if (!body) continue;
      if (call?.type === 'call' && /autocommit_block$/.test(call.childForFieldName('function')?.text ?? '')) {
        alembicBlock(body, section, file, out, helpers, true, batch, text);
      } else if (call?.type === 'call' && /batch_alter_table$/.test(call.childForFieldName('function')?.text ?? '')) {
        const c = toCall(call, section);
        c.children = [];
        const t = c.args[0];
        c.blockTable = t?.t === 'str' ? t.value : undefined;
        if (autocommit) c.autocommit = true;
        alembicBlock(body, section, file, c.children, helpers, autocommit, { param: alias ?? 'batch_op', table: c.blockTable }, text);
        out.push(c);
      } else alembicBlock(body, section, file, out, helpers, autocommit, batch, text);
      continue;
    }
    if (st.type === 'if_statement' || st.type === 'try_statement' || st.type === 'block' || st.type === 'else_clause' || st.type === 'elif_clause' || st.type === 'except_clause' || st.type === 'finally_clause') {
      for (const c of st.namedChildren) if (c && (c.type === 'block' || c.type.endsWith('_clause'))) alembicBlock(c, section, file, out, helpers, autocommit, batch, text);
      continue;
    }
    if (st.type === 'for_statement' || st.type === 'while_statement') {
      if (/\bop\.\w+\(/.test(st.text)) file.unresolved.push({ span: spanOf(st), what: 'a loop that runs migration operations' });
      continue;
    }
    if (st.type !== 'expression_statement') continue;
    const expr = st.namedChildren[0];
    const call = expr?.type === 'call' ? expr : expr?.type === 'assignment' && expr.childForFieldName('right')?.type === 'call' ? expr.childForFieldName('right') : undefined;
    if (!call) continue;
    const c = toCall(call, section);
    if (autocommit) c.autocommit = true;
    if (c.receiver === 'op' && ALEMBIC_OPS.has(c.name)) out.push(c);
    else if (batch && c.receiver === batch.param) {
      c.blockTable = batch.table;
      out.push(c);
    } else if (c.name === 'execute' && c.receiver) out.push(c);
    else if (c.receiver === 'op' && !['get_bind', 'get_context', 'f', 'inline_literal'].includes(c.name)) file.unresolved.push({ span: c.span, what: `\`op.${c.name}\`` });
    else if (!c.receiver && helpers.has(c.name)) file.unresolved.push({ span: c.span, what: `\`${c.name}()\` (a helper whose operations are defined elsewhere)` });
  }
}

export async function extractPython(framework: Extract<Framework, 'django' | 'alembic'>, text: string): Promise<DslFile> {
  return parseWith('python', text, (tree) => (framework === 'django' ? extractDjangoTree(tree, text) : extractAlembicTree(tree, text)), framework);
}
