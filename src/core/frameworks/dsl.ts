import type { Node as TSNode } from '@vscode/tree-sitter-wasm';

/**
 * The framework-neutral shape of a DSL migration file, as the tree-sitter front ends
 * (ruby.ts, python.ts, javascript.ts) extract it. Mapping to the operation model of the SQL
 * linter happens in ./toOps.ts; nothing here knows about rules.
 */

export type Framework = 'rails' | 'django' | 'alembic' | 'knex' | 'typeorm' | 'sequelize';
export const FRAMEWORKS: readonly Framework[] = ['rails', 'django', 'alembic', 'knex', 'typeorm', 'sequelize'];

/** Half-open range of UTF-16 offsets into the file. */
export interface Span {
  start: number;
  end: number;
}

/** A string literal whose value is fully static, with each value character mapped back to the file. */
export interface StaticString {
  value: string;
  /** `map[i]` is the file offset of value character i; `map[value.length]` the end of the last one. */
  map: number[];
  span: Span;
}

/** A literal argument, as far as it can be known without running the code. */
export type DslValue =
  | { t: 'str'; value: string; s: StaticString; span: Span }
  | { t: 'sym'; value: string; span: Span }
  | { t: 'num'; value: number; text: string; span: Span }
  | { t: 'bool'; value: boolean; span: Span }
  | { t: 'nil'; span: Span }
  | { t: 'list'; items: DslValue[]; span: Span }
  | { t: 'hash'; entries: Record<string, DslValue>; span: Span }
  /** A call used as a value: `models.IntegerField(default=0)`, `sa.Column(...)`, `new TableIndex({...})`, `-> { "now()" }`. */
  | { t: 'call'; name: string; receiver?: string; args: DslValue[]; kwargs: Record<string, DslValue>; span: Span }
  /** A name or attribute path: `Sequelize.STRING`, `sa.Integer`, `migrations.RunSQL.noop`. */
  | { t: 'ref'; path: string; span: Span }
  /** A lambda / proc / function (a callable default, RunPython code). */
  | { t: 'fn'; span: Span; sql?: string }
  /** Anything computed: a variable, an interpolated string, an expression. */
  | { t: 'dynamic'; text: string; span: Span };

/** Where in the migration a call runs. */
export type Section = 'up' | 'down' | 'change' | 'other';

export interface DslCall {
  /** Method or operation name: `add_index`, `AddField`, `create_index`, `alterTable`, `query`. */
  name: string;
  /** Receiver as written (`op`, `migrations`, `queryInterface`, `knex.schema`, `t`), if any. */
  receiver?: string;
  args: DslValue[];
  /** Keyword arguments (Ruby `key: v`, Python `key=v`, or a trailing JS options object). */
  kwargs: Record<string, DslValue>;
  span: Span;
  nameSpan: Span;
  /** The argument list including its parentheses, when written with them. */
  argsSpan?: Span;
  section: Section;
  /** Inside a strong_migrations `safety_assured { }` (Rails) or an ignored migration (Django `IgnoreMigration`). */
  acknowledged?: { by: string; reason?: string };
  /** Alembic: inside `with op.get_context().autocommit_block():`. */
  autocommit?: boolean;
  /** Builder calls in a block: Rails `create_table … do |t|`, `change_table`; Knex `alterTable(name, (t) => {…})`. */
  children?: DslCall[];
  /**
   * Rails `if connection.adapter_name == "SQLServer"`: the call runs only when the adapter matches
   * (`negate`: only when it does not). Evaluated against the configured dialect.
   */
  adapterIf?: { adapter: string; negate: boolean }[];
  /** Django `SeparateDatabaseAndState(state_operations=[…])`: operations on Django's state only, no SQL. */
  stateChildren?: DslCall[];
  /** Table name a builder block acts on (children of `create_table :users do |t|`). */
  blockTable?: string;
  /** Knex column chains: `t.string('email').notNullable().defaultTo('x')` → ['notNullable', 'defaultTo']. */
  chain?: { name: string; args: DslValue[]; span: Span }[];
}

/** Something the front end saw but cannot resolve statically (a loop, a helper defined elsewhere, dynamic SQL). */
export interface Unresolved {
  span: Span;
  what: string;
}

export interface DslFile {
  framework: Framework;
  calls: DslCall[];
  /** Sections present in the file (their bodies). */
  sections: Partial<Record<Exclude<Section, 'other'>, Span>>;
  /** The migration leaves the runner's transaction: where it says so. */
  txOptOut?: Span;
  /** The migration asks for a transaction it would otherwise not get (Sequelize `sequelize.transaction`). */
  txOptIn?: Span;
  unresolved: Unresolved[];
  /** The up method has statements but none of them could be read as migration operations (TypeORM). */
  unread?: Span;
  /** Comments that may be suppressions (`# deploy-readiness-ignore rule: reason`). */
  comments: Span[];
  /** The file did not parse cleanly: spans of the syntax errors tree-sitter reported. */
  errors: Span[];
  /** Where a class-level statement (`disable_ddl_transaction!`, `atomic = False`, `transaction = false`) goes. */
  classBodyInsert?: { offset: number; indent: string };
  /** Start of the migration class/module, for messages. */
  anchor?: Span;
  /** Django: the `atomic = …` assignment; Alembic revision ids; TypeORM class name. */
  meta: {
    atomic?: { value: boolean; span: Span };
    dependencies?: Span;
    revision?: string;
    downRevision?: string;
    className?: string;
    /** Django: the operations list span (for inserting operations). */
    operations?: Span;
    /** Django `IgnoreMigration()` present. */
    ignored?: Span;
  };
}

export function spanOf(n: TSNode): Span {
  return { start: n.startIndex, end: n.endIndex };
}

export function emptyFile(framework: Framework): DslFile {
  return { framework, calls: [], sections: {}, unresolved: [], errors: [], comments: [], meta: {} };
}

/** Collects the spans of ERROR and MISSING nodes (at most `limit`). */
export function errorSpans(root: TSNode, limit = 20): Span[] {
  const out: Span[] = [];
  if (!root.hasError) return out;
  const visit = (n: TSNode) => {
    if (out.length >= limit) return;
    if (n.type === 'ERROR' || n.isMissing) {
      out.push(spanOf(n));
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return out;
}

/** Comment nodes that look like suppressions (only looked for when the text mentions one). */
export function suppressionComments(root: TSNode, text: string): Span[] {
  if (!/-ignore/.test(text)) return [];
  return root.descendantsOfType('comment').filter((c): c is TSNode => !!c && /-ignore/.test(c.text)).map(spanOf);
}

/** Builds a StaticString from pieces of literal text and decoded escapes. */
export class StringBuilder {
  value = '';
  map: number[] = [];
  /** Verbatim source text starting at `offset`. */
  raw(text: string, offset: number): void {
    for (let i = 0; i < text.length; i++) this.map.push(offset + i);
    this.value += text;
  }
  /** One decoded character (or several) standing for the source escape at `offset`. */
  decoded(chars: string, offset: number): void {
    for (let i = 0; i < chars.length; i++) this.map.push(offset);
    this.value += chars;
  }
  done(span: Span, end: number): StaticString {
    return { value: this.value, map: [...this.map, end], span };
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v', s: ' ', e: '\x1b', a: '\x07' };

/** Decodes a backslash escape the way the three languages agree on; unknown escapes keep the character. */
export function decodeEscape(src: string): string {
  if (src.length < 2 || src[0] !== '\\') return src;
  const c = src[1];
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
  if (c === 'x' || c === 'u' || c === 'U') {
    const hex = src.slice(2).replace(/[{}]/g, '');
    const code = parseInt(hex, 16);
    if (!isNaN(code)) return String.fromCodePoint(code);
  }
  if (c === '\n' || c === '\r') return '';
  return src.slice(1);
}

/** Value of a literal as a plain string: strings and symbols only. */
export function strOf(v: DslValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.t === 'str' || v.t === 'sym') return v.value;
  return undefined;
}

export function boolOf(v: DslValue | undefined): boolean | undefined {
  if (!v) return undefined;
  if (v.t === 'bool') return v.value;
  if (v.t === 'nil') return false;
  return undefined;
}

/** Strings of a list (or a single string) literal; undefined when any item is not static. */
export function strListOf(v: DslValue | undefined): string[] | undefined {
  if (!v) return undefined;
  const one = strOf(v);
  if (one !== undefined) return [one];
  if (v.t !== 'list') return undefined;
  const out: string[] = [];
  for (const it of v.items) {
    const s = strOf(it);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/** Walks every call, builder children included, in file order. */
export function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c;
    if (c.children) yield* allCalls(c.children);
  }
}
