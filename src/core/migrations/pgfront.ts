import { lex, type Tok } from './lexer';
import type { ColumnDef, ConstraintDef, DefaultExpr, MigrationOp, OpBase, PgLockMode, Span, TableTarget, TransactionAction, TypeRef, Volatility } from './ops';
import type { PgStatement } from './postgres';

/**
 * The PostgreSQL front end: libpg-query ASTs → MigrationOps with exact clause spans and the
 * anchors quick fixes edit at. Statement and node offsets come from the parser; the tokenizer only
 * finds where a clause ends.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Node = any;

const str = (n: Node): string => n?.String?.sval ?? n?.sval ?? '';
const names = (list: Node[] | undefined): string[] => (list ?? []).map(str);

function rel(r: Node): TableTarget {
  const t: TableTarget = { table: r?.relname ?? '' };
  if (r?.schemaname) t.schema = r.schemaname;
  return t;
}

const SERIALS: Record<string, string> = { serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8', smallserial: 'int2', serial2: 'int2' };

const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'gen_random_bytes',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
  'setseed',
]);
const STABLE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'to_timestamp',
  'to_char',
  'to_date',
  'age',
  'date_trunc',
  'timezone',
  'current_database',
  'current_schema',
]);
const IMMUTABLE = new Set([
  'lower',
  'upper',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'length',
  'concat',
  'md5',
  'abs',
  'round',
  'trim',
  'btrim',
  'make_interval',
  'make_date',
  'jsonb_build_object',
  'jsonb_build_array',
  'json_build_object',
  'json_build_array',
  'to_jsonb',
  'array_length',
  'array_fill',
  'int4range',
  'int8range',
  'tstzrange',
  'daterange',
  'numrange',
]);

const VRANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };
const worst = (a: Volatility, b: Volatility): Volatility => (VRANK[a] >= VRANK[b] ? a : b);

/** Volatility of a default expression, from the built-in functions it calls. */
export function volatilityOf(n: Node): Volatility {
  if (n === null || n === undefined || typeof n !== 'object') return 'immutable';
  if (Array.isArray(n)) return n.reduce((v: Volatility, x: Node) => worst(v, volatilityOf(x)), 'immutable');
  if (n.FuncCall) {
    const fn = names(n.FuncCall.funcname).pop()!.toLowerCase();
    const own: Volatility = VOLATILE.has(fn) ? 'volatile' : STABLE.has(fn) ? 'stable' : IMMUTABLE.has(fn) ? 'immutable' : 'unknown';
    return worst(own, volatilityOf(n.FuncCall.args));
  }
  if (n.SQLValueFunction) return 'stable';
  if (n.SubLink) return 'unknown';
  let v: Volatility = 'immutable';
  for (const k of Object.keys(n)) if (k !== 'location' && typeof n[k] === 'object') v = worst(v, volatilityOf(n[k]));
  return v;
}

const WORD_RE = new Map<string, RegExp>();
const LEAD_WORDS = /^[A-Za-z_\s]*/;
const NOT_NULL = /NOT\s+NULL/iy;
const TYPE_STOP = new Set(['NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'REFERENCES', 'UNIQUE', 'CHECK', 'CONSTRAINT', 'GENERATED', 'COLLATE', 'USING', 'COMPRESSION', 'STORAGE']);
const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;

/** State shared while converting one file. */
export class PgFront {
  private toks?: Tok[];
  private tokStmt?: PgStatement;
  constructor(private readonly text: string) {}

  private tokens(s: PgStatement): Tok[] {
    if (this.tokStmt !== s) {
      this.toks = lex(this.text, s.start, s.end);
      this.tokStmt = s;
    }
    return this.toks!;
  }

  /** Index of the first token at or after offset. */
  private tokAt(toks: Tok[], offset: number): number {
    let lo = 0;
    let hi = toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (toks[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private word(t: Tok | undefined): string {
    return t && t.kind === 'word' ? this.text.slice(t.start, t.end).toUpperCase() : '';
  }

  /** Offset just after the first word `w` (upper case) in the statement, from token `from`. */
  private after(s: PgStatement, w: string, from = 0): number | undefined {
    // Fast path: the word among the statement's first plain words (no comment or string before it).
    const head = LEAD_WORDS.exec(this.text.slice(s.start, Math.min(s.end, s.start + 200)));
    if (head) {
      let re = WORD_RE.get(w);
      if (!re) WORD_RE.set(w, (re = new RegExp(`\\b${w}\\b`, 'i')));
      const m = re.exec(head[0]);
      if (m) return s.start + m.index + w.length;
    }
    const toks = this.tokens(s);
    for (let i = from; i < toks.length; i++) if (this.word(toks[i]) === w) return toks[i].end;
    return undefined;
  }

  /** The one subcommand of `ALTER TABLE name <clause>`: from after the table name to the end. */
  private singleClause(s: PgStatement, relation: Node): Span[] | undefined {
    const at = s.loc(relation?.location);
    if (at === undefined) return this.alterClauses(s, 1);
    const t = this.text;
    let i = at;
    for (;;) {
      if (t.charCodeAt(i) === 34) {
        const q = t.indexOf('"', i + 1);
        i = q < 0 ? s.end : q + 1;
      } else while (i < s.end && isWordChar(t.charCodeAt(i))) i++;
      if (t.charCodeAt(i) === 46) i++;
      else break;
    }
    while (i < s.end && /[\s*]/.test(t[i])) i++;
    if (t.startsWith('--', i) || t.startsWith('/*', i)) return this.alterClauses(s, 1);
    return i < s.end ? [{ start: i, end: s.end }] : undefined;
  }

  /** The ALTER TABLE subcommand spans (split at top-level commas after the table name). */
  private alterClauses(s: PgStatement, count: number): Span[] | undefined {
    const toks = this.tokens(s);
    let i = 0;
    while (i < toks.length && ['ALTER', 'TABLE', 'IF', 'EXISTS', 'ONLY', 'FOREIGN'].includes(this.word(toks[i]))) i++;
    // Qualified name
    i++;
    while (toks[i]?.kind === '.') i += 2;
    if (toks[i]?.kind === 'op' && this.text.slice(toks[i].start, toks[i].end) === '*') i++;
    const spans: Span[] = [];
    let depth = 0;
    let start = toks[i]?.start;
    let last = start;
    for (; i < toks.length; i++) {
      const t = toks[i];
      if (t.kind === 'comment') continue;
      if (t.kind === '(') depth++;
      else if (t.kind === ')') depth--;
      if (t.kind === ',' && depth === 0) {
        spans.push({ start: start!, end: last! });
        start = toks[i + 1]?.start;
        continue;
      }
      last = t.end;
    }
    if (start !== undefined && last !== undefined) spans.push({ start, end: last });
    return spans.length === count ? spans : undefined;
  }

  /** End offset of a type name starting at `start` (words, dotted names, (mods), [] and multi-word types). */
  private typeEnd(s: PgStatement, start: number): number {
    // Words (and dotted or quoted names), (modifiers) and [] after the type's first word, up to a
    // column-constraint keyword or a comma/closing parenthesis. Strings cannot occur in a type name.
    const t = this.text;
    const limit = s.end;
    let i = start;
    let end = start;
    let first = true;
    while (i < limit) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
        continue;
      }
      if (isWordChar(c) || c === 34) {
        const w0 = i;
        if (c === 34) {
          i = t.indexOf('"', i + 1);
          i = i < 0 ? limit : i + 1;
        } else while (i < limit && isWordChar(t.charCodeAt(i))) i++;
        if (!first && c !== 34 && TYPE_STOP.has(t.slice(w0, i).toUpperCase())) break;
        end = i;
      } else if (c === 46) i++;
      else if (c === 40 || c === 91) {
        const close = c === 40 ? 41 : 93;
        let d = 0;
        for (; i < limit; i++) {
          const x = t.charCodeAt(i);
          if (x === c) d++;
          else if (x === close && --d === 0) break;
        }
        i++;
        end = Math.min(i, limit);
      } else break;
      first = false;
    }
    return end;
  }

  private typeRef(s: PgStatement, tn: Node): TypeRef | undefined {
    if (!tn) return undefined;
    const parts = names(tn.names);
    const base = parts[parts.length - 1]?.toLowerCase() ?? '';
    const args: number[] = (tn.typmods ?? []).map((m: Node) => m?.A_Const?.ival?.ival ?? 0).filter((x: number) => typeof x === 'number');
    const start = s.loc(tn.location);
    const span = start !== undefined ? { start, end: this.typeEnd(s, start) } : undefined;
    const text = span ? this.text.slice(span.start, span.end) : parts.join('.');
    return { name: base, args, array: !!tn.arrayBounds, text, span };
  }

  private column(s: PgStatement, cd: Node, clauseEnd: number): ColumnDef {
    const type = this.typeRef(s, cd.typeName);
    const col: ColumnDef = { name: cd.colname ?? '', type, notNull: false };
    if (type && SERIALS[type.name]) col.serial = true;
    const cons: Node[] = (cd.constraints ?? []).map((c: Node) => c.Constraint);
    const locs = cons.map((c) => s.loc(c.location) ?? clauseEnd).concat([clauseEnd]).sort((a, b) => a - b);
    const nextAfter = (o: number) => {
      const n = locs.find((x) => x > o) ?? clauseEnd;
      let e = n;
      while (e > o && /\s/.test(this.text[e - 1])) e--;
      return e;
    };
    const cstart = s.loc(cd.location);
    if (cstart !== undefined) col.span = { start: cstart, end: clauseEnd };
    for (const c of cons) {
      const at = s.loc(c.location);
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          col.notNull = true;
          if (at !== undefined) {
            NOT_NULL.lastIndex = at;
            const m = NOT_NULL.exec(this.text);
            if (m) col.notNullSpan = { start: at, end: at + m[0].length };
          }
          break;
        case 'CONSTR_DEFAULT': {
          const isNull = !!c.raw_expr?.A_Const?.isnull;
          const span = at !== undefined ? { start: at, end: nextAfter(at) } : undefined;
          const textAll = span ? this.text.slice(span.start, span.end) : '';
          const expr = textAll.replace(/^DEFAULT\s+/i, '');
          const d: DefaultExpr = { text: expr, volatility: volatilityOf(c.raw_expr), isNull };
          if (span) d.span = { start: span.end - expr.length, end: span.end };
          col.default = d;
          col.defaultSpan = span;
          break;
        }
        case 'CONSTR_GENERATED':
          col.generated = c.generated_kind === 'v' ? 'virtual' : 'stored';
          break;
        case 'CONSTR_IDENTITY':
          col.generated = 'identity';
          break;
        case 'CONSTR_PRIMARY':
          col.primaryKey = true;
          col.notNull = true;
          break;
        case 'CONSTR_UNIQUE':
          col.unique = true;
          break;
        case 'CONSTR_FOREIGN':
          col.references = { table: c.pktable?.relname ?? '', columns: names(c.pk_attrs), ...(c.pktable?.schemaname ? { schema: c.pktable.schemaname } : {}) };
          break;
        case 'CONSTR_CHECK':
          col.check = at !== undefined ? this.text.slice(at, nextAfter(at)) : 'CHECK (…)';
          break;
        default:
          break;
      }
    }
    return col;
  }

  private constraint(s: PgStatement, c: Node, clause?: Span): ConstraintDef {
    const map: Record<string, ConstraintDef['type']> = {
      CONSTR_CHECK: 'check',
      CONSTR_FOREIGN: 'foreign-key',
      CONSTR_UNIQUE: 'unique',
      CONSTR_PRIMARY: 'primary-key',
      CONSTR_EXCLUSION: 'exclude',
    };
    const type = map[c.contype] ?? 'check';
    const def: ConstraintDef = {
      type,
      columns: type === 'foreign-key' ? names(c.fk_attrs) : type === 'exclude' ? (c.exclusions ?? []).map((e: Node) => e?.List?.items?.[0]?.IndexElem?.name ?? '') : names(c.keys),
      notValid: !!c.skip_validation,
    };
    if (c.conname) def.name = c.conname;
    if (c.indexname) def.usingIndex = c.indexname;
    if (type === 'foreign-key') def.references = { table: c.pktable?.relname ?? '', columns: names(c.pk_attrs), ...(c.pktable?.schemaname ? { schema: c.pktable.schemaname } : {}) };
    if (type === 'check') {
      const nt = c.raw_expr?.NullTest;
      if (nt && nt.nulltesttype === 'IS_NOT_NULL') {
        const f = nt.arg?.ColumnRef?.fields;
        if (f?.length === 1) def.notNullColumn = str(f[0]);
      }
      if (clause) def.expr = this.text.slice(clause.start, clause.end);
    }
    if (clause) def.span = clause;
    return def;
  }

  /** Converts one parsed statement into ops. */
  ops(s: PgStatement, stmt: number): MigrationOp[] {
    const n = s.node[s.kind] as Node;
    const base: OpBase = { stmt, span: { start: s.start, end: s.end }, anchors: { stmtEnd: s.semicolon ?? s.end } };
    // Builds the op on the fresh `extra` literal (no object spreads: this runs for every statement).
    const mk = <T extends object>(extra: T, clause?: Span, anchors?: OpBase['anchors']): OpBase & T => {
      const o = extra as T & OpBase;
      o.stmt = stmt;
      o.span = base.span;
      if (clause) o.clause = clause;
      o.anchors = anchors ? Object.assign({ stmtEnd: base.anchors!.stmtEnd }, anchors) : { stmtEnd: base.anchors!.stmtEnd };
      return o;
    };
    switch (s.kind) {
      case 'CreateStmt': {
        const t = rel(n.relation);
        const columns: ColumnDef[] = [];
        const constraints: ConstraintDef[] = [];
        for (const e of n.tableElts ?? []) {
          if (e.ColumnDef) columns.push(this.column(s, e.ColumnDef, s.end));
          else if (e.Constraint) constraints.push(this.constraint(s, e.Constraint));
        }
        // Column-level constraints as table constraints too, for FK/index reasoning.
        return [mk({ kind: 'create-table' as const, ...t, columns, constraints, ifNotExists: !!n.if_not_exists, ...(n.partbound ? { partitionOf: n.inhRelations?.[0]?.RangeVar?.relname } : {}) })];
      }
      case 'CreateTableAsStmt': {
        const into = n.into?.rel;
        if (n.objtype === 'OBJECT_MATVIEW') return [mk({ kind: 'other' as const, statement: 'CREATE MATERIALIZED VIEW' })];
        return [mk({ kind: 'create-table' as const, ...rel(into), columns: [], constraints: [], ifNotExists: !!n.if_not_exists, asSelect: true })];
      }
      case 'IndexStmt': {
        const conc = this.after(s, 'INDEX');
        const columns = (n.indexParams ?? []).map((p: Node) => p.IndexElem?.name ?? '(expr)');
        return [
          mk(
            {
              kind: 'create-index' as const,
              ...rel(n.relation),
              ...(n.idxname ? { name: n.idxname } : {}),
              columns,
              unique: !!n.unique,
              concurrently: !!n.concurrent,
              ifNotExists: !!n.if_not_exists,
              method: n.accessMethod,
              where: !!n.whereClause,
            },
            conc !== undefined ? { start: s.start, end: conc } : undefined,
            conc !== undefined ? { concurrently: conc } : undefined,
          ),
        ];
      }
      case 'DropStmt': {
        const cascade = n.behavior === 'DROP_CASCADE';
        const ifExists = !!n.missing_ok;
        const objs: string[][] = (n.objects ?? []).map((o: Node) => (o.List ? names(o.List.items) : o.TypeName ? names(o.TypeName.names) : [str(o)]));
        switch (n.removeType) {
          case 'OBJECT_TABLE':
            return [mk({ kind: 'drop-table' as const, tables: objs.map((p) => (p.length > 1 ? { schema: p[0], table: p[p.length - 1] } : { table: p[0] })), cascade, ifExists })];
          case 'OBJECT_INDEX': {
            const conc = this.after(s, 'INDEX');
            return [mk({ kind: 'drop-index' as const, names: objs.map((p) => p[p.length - 1]), concurrently: !!n.concurrent, ifExists }, conc !== undefined ? { start: s.start, end: conc } : undefined, conc !== undefined ? { concurrently: conc } : undefined)];
          }
          case 'OBJECT_SCHEMA':
            return objs.map((p) => mk({ kind: 'drop-schema' as const, name: p[p.length - 1], cascade }));
          case 'OBJECT_TYPE':
          case 'OBJECT_DOMAIN':
            return objs.map((p) => mk({ kind: 'drop-type' as const, name: p[p.length - 1], cascade }));
          case 'OBJECT_TRIGGER':
            // [schema,] table, trigger
            return objs.map((p) => mk({ kind: 'drop-trigger' as const, ...(p.length > 2 ? { schema: p[p.length - 3] } : {}), table: p[p.length - 2] ?? '', name: p[p.length - 1], ifExists }));
          default:
            return [mk({ kind: 'other' as const, statement: `DROP ${String(n.removeType).replace('OBJECT_', '')}` })];
        }
      }
      case 'DropdbStmt':
        return [mk({ kind: 'drop-database' as const, name: n.dbname })];
      case 'RenameStmt': {
        const t = rel(n.relation);
        switch (n.renameType) {
          case 'OBJECT_TABLE':
            return [mk({ kind: 'rename-table' as const, ...t, newName: n.newname })];
          case 'OBJECT_COLUMN':
            if (n.relationType !== 'OBJECT_TABLE') return [mk({ kind: 'other' as const, statement: 'RENAME COLUMN', table: t.table })];
            return [mk({ kind: 'rename-column' as const, ...t, column: n.subname, newName: n.newname })];
          case 'OBJECT_SCHEMA':
            return [mk({ kind: 'rename-schema' as const, name: n.subname, newName: n.newname })];
          case 'OBJECT_TABCONSTRAINT':
            return [mk({ kind: 'rename-constraint' as const, ...t, name: n.subname, newName: n.newname })];
          default:
            return [mk({ kind: 'other' as const, statement: `RENAME ${String(n.renameType).replace('OBJECT_', '')}` })];
        }
      }
      case 'AlterTableStmt':
        return this.alterTable(s, n, mk);
      case 'ReindexStmt': {
        const kindWord = String(n.kind ?? '').replace('REINDEX_OBJECT_', '');
        const target = kindWord.toLowerCase() as 'index' | 'table' | 'schema' | 'database' | 'system';
        const conc = (n.params ?? []).some((p: Node) => p.DefElem?.defname === 'concurrently' && defOn(p.DefElem));
        const at = this.after(s, kindWord);
        return [mk({ kind: 'reindex' as const, target, name: n.relation?.relname ?? n.name ?? '', concurrently: conc, ...(target === 'table' ? { table: n.relation?.relname } : {}) }, undefined, at !== undefined ? { concurrently: at } : undefined)];
      }
      case 'CreateEnumStmt':
        return [mk({ kind: 'create-enum' as const, name: names(n.typeName).pop()!, values: names(n.vals) })];
      case 'AlterEnumStmt': {
        const type = names(n.typeName).pop()!;
        if (n.oldVal) return [mk({ kind: 'rename-enum-value' as const, type, value: n.oldVal, newValue: n.newVal })];
        return [
          mk({
            kind: 'add-enum-value' as const,
            type,
            value: n.newVal,
            ifNotExists: !!n.skipIfNewValExists,
            ...(n.newValNeighbor ? (n.newValIsAfter ? { after: n.newValNeighbor } : { before: n.newValNeighbor }) : {}),
          }),
        ];
      }
      case 'CreateDomainStmt':
        return [mk({ kind: 'create-domain' as const, name: names(n.domainname).pop()!, hasConstraint: (n.constraints ?? []).some((c: Node) => ['CONSTR_CHECK', 'CONSTR_NOTNULL'].includes(c.Constraint?.contype)) })];
      case 'AlterDomainStmt':
        if (n.subtype === 'C') return [mk({ kind: 'alter-domain-add-constraint' as const, name: names(n.typeName).pop()!, notValid: !!n.def?.Constraint?.skip_validation })];
        return [mk({ kind: 'other' as const, statement: 'ALTER DOMAIN' })];
      case 'TruncateStmt':
        return [mk({ kind: 'truncate' as const, tables: (n.relations ?? []).map((r: Node) => rel(r.RangeVar)), cascade: n.behavior === 'DROP_CASCADE' })];
      case 'UpdateStmt':
        return [mk({ kind: 'dml' as const, verb: 'update' as const, ...rel(n.relation), hasWhere: !!n.whereClause })];
      case 'DeleteStmt':
        return [mk({ kind: 'dml' as const, verb: 'delete' as const, ...rel(n.relation), hasWhere: !!n.whereClause })];
      case 'InsertStmt':
        return [mk({ kind: 'dml' as const, verb: 'insert' as const, ...rel(n.relation), hasWhere: false, fromSelect: !!n.selectStmt?.SelectStmt?.fromClause })];
      case 'MergeStmt':
        return [mk({ kind: 'dml' as const, verb: 'merge' as const, ...rel(n.relation), hasWhere: true })];
      case 'VariableSetStmt': {
        if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') return [mk({ kind: 'set' as const, name: n.name ?? '', value: 'default', local: !!n.is_local })];
        if (n.kind !== 'VAR_SET_VALUE') return [mk({ kind: 'other' as const, statement: 'SET' })];
        const a = n.args?.[0]?.A_Const;
        const value = a ? String(a.sval?.sval ?? a.ival?.ival ?? a.fval?.fval ?? 0) : '';
        return [mk({ kind: 'set' as const, name: n.name ?? '', value, local: !!n.is_local })];
      }
      case 'TransactionStmt': {
        const k: Record<string, TransactionAction> = {
          TRANS_STMT_BEGIN: 'begin',
          TRANS_STMT_START: 'begin',
          TRANS_STMT_COMMIT: 'commit',
          TRANS_STMT_ROLLBACK: 'rollback',
          TRANS_STMT_SAVEPOINT: 'savepoint',
          TRANS_STMT_RELEASE: 'release',
          TRANS_STMT_ROLLBACK_TO: 'rollback-to',
        };
        const action = k[n.kind];
        if (!action) return [mk({ kind: 'other' as const, statement: 'TRANSACTION' })];
        return [mk({ kind: 'transaction' as const, action })];
      }
      case 'VacuumStmt': {
        const full = (n.options ?? []).some((o: Node) => o.DefElem?.defname === 'full' && defOn(o.DefElem));
        if (!full || !n.is_vacuumcmd) return [mk({ kind: 'other' as const, statement: n.is_vacuumcmd ? 'VACUUM' : 'ANALYZE' })];
        return [mk({ kind: 'rewrite-table' as const, command: 'vacuum-full' as const, tables: (n.rels ?? []).map((r: Node) => rel(r.VacuumRelation?.relation)) })];
      }
      case 'ClusterStmt':
        return [mk({ kind: 'rewrite-table' as const, command: 'cluster' as const, tables: n.relation ? [rel(n.relation)] : [] })];
      case 'RefreshMatViewStmt': {
        const at = this.after(s, 'VIEW');
        return [mk({ kind: 'refresh-matview' as const, name: n.relation?.relname ?? '', concurrently: !!n.concurrent }, undefined, at !== undefined ? { concurrently: at } : undefined)];
      }
      case 'CreateTrigStmt':
        return [mk({ kind: 'create-trigger' as const, ...rel(n.relation), name: n.trigname ?? '' })];
      case 'LockStmt': {
        const modes: PgLockMode[] = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
        return [mk({ kind: 'lock-table' as const, tables: (n.relations ?? []).map((r: Node) => rel(r.RangeVar)), mode: modes[(n.mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE' })];
      }
      case 'ViewStmt':
        return [mk({ kind: 'other' as const, statement: 'CREATE VIEW', table: n.view?.relname ?? '' })];
      case 'DoStmt':
        return [mk({ kind: 'opaque' as const, what: 'DO block (its PL/pgSQL body is not analysed)' })];
      default:
        return [mk({ kind: 'other' as const, statement: s.kind.replace(/Stmt$/, '') })];
    }
  }

  private alterTable(s: PgStatement, n: Node, mk: <T extends object>(extra: T, clause?: Span, anchors?: OpBase['anchors']) => OpBase & T): MigrationOp[] {
    const t = rel(n.relation);
    if (n.objtype && n.objtype !== 'OBJECT_TABLE') return [mk({ kind: 'other' as const, statement: `ALTER ${String(n.objtype).replace('OBJECT_', '')}`, table: t.table })];
    const cmds: Node[] = (n.cmds ?? []).map((c: Node) => c.AlterTableCmd);
    const clauses = cmds.length === 1 ? this.singleClause(s, n.relation) : this.alterClauses(s, cmds.length);
    const out: MigrationOp[] = [];
    cmds.forEach((c, i) => {
      const clause = clauses?.[i];
      const end = clause?.end ?? s.end;
      const col = c.name as string;
      switch (c.subtype) {
        case 'AT_AddColumn':
        case 'AT_AddColumnToView':
          out.push(mk({ kind: 'add-column' as const, ...t, column: this.column(s, c.def?.ColumnDef ?? {}, end), ifNotExists: !!c.missing_ok }, clause));
          break;
        case 'AT_DropColumn':
          out.push(mk({ kind: 'drop-column' as const, ...t, column: col, cascade: c.behavior === 'DROP_CASCADE', ifExists: !!c.missing_ok }, clause));
          break;
        case 'AT_AlterColumnType': {
          const cd = c.def?.ColumnDef ?? {};
          const type = this.typeRef(s, cd.typeName) ?? { name: '?', args: [], array: false, text: '?' };
          const using = cd.raw_default ? 'USING' : undefined;
          const casts = using ? columnThroughCasts(cd.raw_default, col) : undefined;
          out.push(mk({ kind: 'alter-column-type' as const, ...t, column: col, type, ...(using ? { using } : {}), ...(casts ? { usingCasts: casts } : {}) }, clause));
          break;
        }
        case 'AT_SetNotNull':
          out.push(mk({ kind: 'set-not-null' as const, ...t, column: col }, clause));
          break;
        case 'AT_DropNotNull':
          out.push(mk({ kind: 'drop-not-null' as const, ...t, column: col }, clause));
          break;
        case 'AT_ColumnDefault':
          if (c.def) {
            const txt = clause ? this.text.slice(clause.start, clause.end).replace(/^[\s\S]*?\bDEFAULT\s+/i, '') : '';
            out.push(mk({ kind: 'set-default' as const, ...t, column: col, default: { text: txt, volatility: volatilityOf(c.def) } }, clause));
          } else out.push(mk({ kind: 'drop-default' as const, ...t, column: col }, clause));
          break;
        case 'AT_AddConstraint': {
          const con = c.def?.Constraint ?? {};
          const name = con.conname ? undefined : s.loc(con.location);
          out.push(
            mk({ kind: 'add-constraint' as const, ...t, constraint: this.constraint(s, con, clause) }, clause, {
              ...(clause ? { notValid: clause.end } : {}),
              ...(name !== undefined ? { constraintName: name } : {}),
            }),
          );
          break;
        }
        case 'AT_ValidateConstraint':
          out.push(mk({ kind: 'validate-constraint' as const, ...t, name: col }, clause));
          break;
        case 'AT_DropConstraint':
          out.push(mk({ kind: 'drop-constraint' as const, ...t, name: col, ifExists: !!c.missing_ok }, clause));
          break;
        case 'AT_DetachPartition':
        case 'AT_DetachPartitionFinalize': {
          const pc = c.def?.PartitionCmd ?? {};
          out.push(mk({ kind: 'detach-partition' as const, ...t, partition: pc.name?.relname ?? '', concurrently: !!pc.concurrent || c.subtype === 'AT_DetachPartitionFinalize' }, clause, clause ? { concurrently: clause.end } : undefined));
          break;
        }
        case 'AT_AttachPartition':
          out.push(mk({ kind: 'attach-partition' as const, ...t, partition: c.def?.PartitionCmd?.name?.relname ?? '' }, clause));
          break;
        case 'AT_SetLogged':
        case 'AT_SetUnLogged':
          out.push(mk({ kind: 'set-logged' as const, ...t, logged: c.subtype === 'AT_SetLogged' }, clause));
          break;
        default:
          out.push(mk({ kind: 'alter-table-other' as const, ...t, action: String(c.subtype).replace(/^AT_/, '') }, clause));
      }
    });
    return out;
  }
}

/** A boolean option (`FULL`, `CONCURRENTLY false`, `FULL 0`, `FULL off`): on unless its value says off. */
function defOn(d: Node): boolean {
  const a = d?.arg;
  if (!a) return true;
  const v = String(a.String?.sval ?? a.Integer?.ival ?? a.Boolean?.boolval ?? (a.A_Const ? (a.A_Const.boolval?.boolval ?? a.A_Const.ival?.ival ?? a.A_Const.sval?.sval) : 'true')).toLowerCase();
  return !['false', 'off', '0', 'no', 'undefined'].includes(v);
}

/**
 * `USING col` or `USING col::text::varchar`: the column itself through casts without a length.
 * The cast types, innermost first; undefined for any other expression (or a cast with a typmod,
 * which is a length coercion, not a relabel).
 */
function columnThroughCasts(e: Node, col: string): string[] | undefined {
  const casts: string[] = [];
  let n = e;
  for (let depth = 0; n?.TypeCast && depth < 16; depth++) {
    const tn = n.TypeCast.typeName;
    if (!tn || tn.typmods?.length || tn.arrayBounds) return undefined;
    const parts = names(tn.names);
    casts.unshift((parts[parts.length - 1] ?? '').toLowerCase());
    n = n.TypeCast.arg;
  }
  const fields = n?.ColumnRef?.fields;
  if (!Array.isArray(fields) || fields.length !== 1 || fields[0]?.String?.sval !== col) return undefined;
  return casts;
}
