import { identOf, lex, splitStatements, type Tok } from './lexer';
import type { ColumnDef, ConstraintDef, MigrationOp, MysqlAlgorithm, MysqlLockLevel, OpBase, Span, TableTarget, TypeRef } from './ops';

/**
 * The MySQL/MariaDB front end. node-sql-parser (the per-dialect builds) validates each statement
 * and reports syntax errors at its location; the operations, their clause spans and the
 * ALGORITHM=/LOCK= options are read from the statement's tokens, because the parser's AST has no
 * statement offsets and misses valid DDL (ALTER COLUMN … SET DEFAULT, CONVERT TO, RENAME INDEX,
 * ALGORITHM=NOCOPY), which must not be reported as syntax errors.
 */

interface SqlParser {
  astify(sql: string, opt?: { database?: string }): unknown;
}
let mysqlParser: SqlParser | undefined;
let mariaParser: SqlParser | undefined;

function parserFor(mariadb: boolean): SqlParser {
  if (mariadb) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mariaParser ??= new (require('node-sql-parser/build/mariadb').Parser)() as SqlParser;
    return mariaParser;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mysqlParser ??= new (require('node-sql-parser/build/mysql').Parser)() as SqlParser;
  return mysqlParser;
}

/** Valid DDL node-sql-parser 5.4 rejects: a parse error inside such a clause is not a syntax error. */
const PARSER_GAPS = [
  /^ALTER\s+(COLUMN\s+)?[`\w]+\s+(SET|DROP)\s+(DEFAULT|VISIBLE|INVISIBLE)\b/i,
  /^ALTER\s+INDEX\b/i,
  /^CONVERT\s+TO\b/i,
  /^RENAME\s+(INDEX|KEY)\b/i,
  /^ALGORITHM\s*(?:=\s*)?(NOCOPY|INSTANT|INPLACE|COPY|DEFAULT)\b/i,
  /^LOCK\s*(?:=\s*)?(NONE|SHARED|EXCLUSIVE|DEFAULT)\b/i,
  /^(FORCE|ORDER\s+BY|DISCARD|IMPORT|ADD\s+PARTITION|DROP\s+PARTITION|REORGANIZE|COALESCE|EXCHANGE|TRUNCATE\s+PARTITION)\b/i,
  /^(ADD|DROP)\s+(CHECK|CONSTRAINT)\b/i,
  /^DROP\s+FOREIGN\s+KEY\b/i,
];
const STMT_GAPS = /^(OPTIMIZE|ANALYZE|CHECK|REPAIR)\s+TABLE\b|^LOCK\s+TABLES?\b|^UNLOCK\s+TABLES?\b|^DELIMITER\b|^CREATE\s+(DEFINER|TRIGGER|PROCEDURE|FUNCTION|EVENT)\b/i;

class Toks {
  i = 0;
  constructor(
    readonly text: string,
    readonly t: Tok[],
  ) {}
  peek(k = 0): Tok | undefined {
    return this.t[this.i + k];
  }
  w(k = 0): string {
    const t = this.peek(k);
    return t && t.kind === 'word' ? this.text.slice(t.start, t.end).toUpperCase() : '';
  }
  is(...words: string[]): boolean {
    return words.every((w, k) => this.w(k) === w);
  }
  eat(...words: string[]): boolean {
    if (!this.is(...words)) return false;
    this.i += words.length;
    return true;
  }
  ident(): string {
    const t = this.t[this.i++];
    if (!t) return '';
    let name = identOf(this.text, t);
    if (t.kind === 'word') name = this.text.slice(t.start, t.end);
    // schema.table: keep the last part
    while (this.peek()?.kind === '.') {
      this.i++;
      const n = this.t[this.i++];
      if (n) name = n.kind === 'qident' ? identOf(this.text, n) : this.text.slice(n.start, n.end);
    }
    return name;
  }
  /** Identifier list in parentheses: (a, b(10), c DESC) → [a, b, c]. */
  parenNames(): string[] {
    const out: string[] = [];
    if (this.peek()?.kind !== '(') return out;
    this.i++;
    let depth = 1;
    let expectName = true;
    while (this.i < this.t.length && depth > 0) {
      const t = this.t[this.i++];
      if (t.kind === '(') depth++;
      else if (t.kind === ')') depth--;
      else if (t.kind === ',' && depth === 1) expectName = true;
      else if (expectName && depth === 1 && (t.kind === 'word' || t.kind === 'qident')) {
        out.push(t.kind === 'qident' ? identOf(this.text, t) : this.text.slice(t.start, t.end));
        expectName = false;
      }
    }
    return out;
  }
  skipParens(): void {
    if (this.peek()?.kind !== '(') return;
    let depth = 0;
    while (this.i < this.t.length) {
      const t = this.t[this.i++];
      if (t.kind === '(') depth++;
      else if (t.kind === ')' && --depth === 0) return;
    }
  }
}

/** Splits tokens at top-level commas. */
function splitCommas(t: Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  let depth = 0;
  for (const x of t) {
    if (x.kind === 'comment') continue;
    if (x.kind === '(') depth++;
    else if (x.kind === ')') depth--;
    if (x.kind === ',' && depth === 0) {
      out.push(cur);
      cur = [];
      continue;
    }
    cur.push(x);
  }
  if (cur.length) out.push(cur);
  return out;
}

const COL_STOP = new Set(['NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'REFERENCES', 'UNIQUE', 'CHECK', 'CONSTRAINT', 'GENERATED', 'AS', 'AUTO_INCREMENT', 'COMMENT', 'COLLATE', 'CHARACTER', 'CHARSET', 'FIRST', 'AFTER', 'ON', 'INVISIBLE', 'VISIBLE', 'KEY', 'STORED', 'VIRTUAL', 'SRID']);

/** A column definition from its tokens: `name type [(args)] [UNSIGNED] [NOT NULL] [DEFAULT x] …`. */
function columnDef(text: string, ts: Tok[], named = true): ColumnDef {
  const p = new Toks(text, ts);
  const name = named ? p.ident() : '';
  const typeStart = p.peek();
  const typeWord = p.w();
  p.i++;
  let args: number[] = [];
  let values: string[] | undefined;
  if (p.peek()?.kind === '(') {
    const open = p.i;
    p.skipParens();
    const inner = ts.slice(open + 1, p.i - 1);
    if (typeWord === 'ENUM' || typeWord === 'SET') values = inner.filter((x) => x.kind === 'str').map((x) => text.slice(x.start + 1, x.end - 1).replace(/''/g, "'"));
    else args = inner.filter((x) => x.kind === 'num').map((x) => Number(text.slice(x.start, x.end)));
  }
  while (p.w() && !COL_STOP.has(p.w())) p.i++; // UNSIGNED, ZEROFILL, PRECISION…
  const typeEnd = ts[p.i - 1];
  const type: TypeRef | undefined = typeStart
    ? { name: typeWord.toLowerCase(), args, array: false, text: text.slice(typeStart.start, typeEnd?.end ?? typeStart.end), span: { start: typeStart.start, end: typeEnd?.end ?? typeStart.end }, ...(values ? { values } : {}) }
    : undefined;
  const col: ColumnDef = { name, type, notNull: false };
  if (ts.length) col.span = { start: ts[0].start, end: ts[ts.length - 1].end };
  while (p.i < ts.length) {
    const t = p.peek()!;
    const w = p.w();
    if (w === 'NOT' && p.w(1) === 'NULL') {
      col.notNull = true;
      col.notNullSpan = { start: t.start, end: p.peek(1)!.end };
      p.i += 2;
    } else if (w === 'DEFAULT') {
      p.i++;
      const start = p.peek();
      if (p.peek()?.kind === '(') p.skipParens();
      else {
        p.i++;
        if (p.peek()?.kind === '(') p.skipParens();
      }
      const last = ts[p.i - 1];
      const exprText = start ? text.slice(start.start, last.end) : '';
      col.default = { text: exprText, volatility: /^(uuid|rand|uuid_short|sysdate)\s*\(/i.test(exprText) ? 'volatile' : /^\(/.test(exprText) ? 'unknown' : 'immutable', isNull: /^null$/i.test(exprText) };
      col.defaultSpan = { start: t.start, end: last.end };
    } else if (w === 'AUTO_INCREMENT') {
      col.serial = true;
      p.i++;
    } else if (w === 'PRIMARY' && p.w(1) === 'KEY') {
      col.primaryKey = true;
      col.notNull = true;
      p.i += 2;
    } else if (w === 'UNIQUE') {
      col.unique = true;
      p.i++;
      p.eat('KEY');
    } else if (w === 'REFERENCES') {
      p.i++;
      const table = p.ident();
      col.references = { table, columns: p.parenNames() };
    } else if (w === 'AS' || (w === 'GENERATED' && p.w(1) === 'ALWAYS')) {
      if (w === 'GENERATED') p.i += 2;
      p.eat('AS');
      p.skipParens();
      col.generated = p.eat('STORED') || p.eat('PERSISTENT') ? 'stored' : 'virtual';
      p.eat('VIRTUAL');
    } else if (w === 'CHECK') {
      p.i++;
      const s = p.i;
      p.skipParens();
      col.check = text.slice(ts[s]?.start ?? 0, ts[p.i - 1]?.end ?? 0);
    } else p.i++;
  }
  return col;
}

function option<T extends string>(ts: Tok[], text: string, word: string): { value: T; span: Span } | undefined {
  const p = new Toks(text, ts);
  if (p.w() !== word) return undefined;
  p.i++;
  if (p.peek()?.kind === 'op' && text.slice(p.peek()!.start, p.peek()!.end) === '=') p.i++;
  const v = p.peek();
  if (!v) return undefined;
  return { value: text.slice(v.start, v.end).toUpperCase() as T, span: { start: ts[0].start, end: v.end } };
}

function alterTableOps(text: string, ts: Tok[], base: OpBase, target: TableTarget): MigrationOp[] {
  const clauses = splitCommas(ts);
  const ops: MigrationOp[] = [];
  const my: NonNullable<OpBase['mysql']> = {};
  const spans: Span[] = [];
  for (const c of clauses) {
    const a = option<MysqlAlgorithm>(c, text, 'ALGORITHM');
    if (a) {
      my.algorithm = a.value;
      my.span = my.span ? { start: Math.min(my.span.start, a.span.start), end: Math.max(my.span.end, a.span.end) } : a.span;
      continue;
    }
    const l = option<MysqlLockLevel>(c, text, 'LOCK');
    if (l) {
      my.lock = l.value;
      my.span = my.span ? { start: Math.min(my.span.start, l.span.start), end: Math.max(my.span.end, l.span.end) } : l.span;
      continue;
    }
    spans.push({ start: c[0].start, end: c[c.length - 1].end });
  }
  const lastTok = ts.filter((t) => t.kind !== 'comment').pop();
  const anchors = { ...base.anchors, algorithm: lastTok?.end ?? base.span.end };
  const mk = <T extends object>(extra: T, clause: Span): OpBase & T => ({ ...base, clause, anchors, ...(my.algorithm || my.lock ? { mysql: my } : {}), ...extra });
  for (const c of clauses) {
    const clause = { start: c[0].start, end: c[c.length - 1].end };
    if (!spans.some((s) => s.start === clause.start)) continue;
    const p = new Toks(text, c);
    if (p.eat('ADD')) {
      const isConstraint = p.is('CONSTRAINT') || p.is('PRIMARY') || p.is('UNIQUE') || p.is('FOREIGN') || p.is('CHECK');
      const isIndex = p.is('INDEX') || p.is('KEY') || p.is('FULLTEXT') || p.is('SPATIAL');
      if (isIndex) {
        const method = p.w() === 'FULLTEXT' ? 'fulltext' : p.w() === 'SPATIAL' ? 'spatial' : undefined;
        p.i++;
        if (!p.eat('INDEX')) p.eat('KEY');
        const name = p.peek()?.kind === '(' ? undefined : p.ident();
        ops.push(mk({ kind: 'create-index' as const, ...target, ...(name ? { name } : {}), columns: p.parenNames(), unique: false, concurrently: false, ifNotExists: false, ...(method ? { method } : {}) }, clause));
      } else if (isConstraint) {
        let name: string | undefined;
        if (p.eat('CONSTRAINT') && !['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(p.w())) name = p.ident();
        let def: ConstraintDef;
        if (p.eat('PRIMARY', 'KEY')) def = { type: 'primary-key', columns: p.parenNames(), notValid: false };
        else if (p.eat('UNIQUE')) {
          if (!p.eat('KEY')) p.eat('INDEX');
          if (p.peek()?.kind !== '(') name ??= p.ident();
          def = { type: 'unique', columns: p.parenNames(), notValid: false };
        } else if (p.eat('FOREIGN', 'KEY')) {
          if (p.peek()?.kind !== '(') name ??= p.ident();
          const cols = p.parenNames();
          p.eat('REFERENCES');
          const table = p.ident();
          def = { type: 'foreign-key', columns: cols, notValid: false, references: { table, columns: p.parenNames() } };
        } else {
          p.eat('CHECK');
          def = { type: 'check', columns: [], notValid: false, expr: text.slice(clause.start, clause.end) };
        }
        if (name) def.name = name;
        ops.push(mk({ kind: 'add-constraint' as const, ...target, constraint: def }, clause));
      } else {
        p.eat('COLUMN');
        const ifNotExists = p.eat('IF', 'NOT', 'EXISTS');
        if (p.peek()?.kind === '(') {
          ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: 'ADD COLUMNS' }, clause));
          continue;
        }
        ops.push(mk({ kind: 'add-column' as const, ...target, column: columnDef(text, c.slice(p.i)), ifNotExists }, clause));
      }
    } else if (p.eat('DROP')) {
      if (p.eat('PRIMARY', 'KEY')) ops.push(mk({ kind: 'drop-constraint' as const, ...target, name: 'PRIMARY', constraintType: 'primary-key' as const, ifExists: false }, clause));
      else if (p.eat('FOREIGN', 'KEY')) ops.push(mk({ kind: 'drop-constraint' as const, ...target, name: p.ident(), constraintType: 'foreign-key' as const, ifExists: false }, clause));
      else if (p.eat('INDEX') || p.eat('KEY')) ops.push(mk({ kind: 'drop-index' as const, names: [p.ident()], table: target.table, concurrently: false, ifExists: false }, clause));
      else if (p.eat('CHECK') || p.eat('CONSTRAINT')) ops.push(mk({ kind: 'drop-constraint' as const, ...target, name: p.ident(), ifExists: false }, clause));
      else if (p.is('PARTITION')) ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: 'DROP PARTITION' }, clause));
      else {
        p.eat('COLUMN');
        const ifExists = p.eat('IF', 'EXISTS');
        ops.push(mk({ kind: 'drop-column' as const, ...target, column: p.ident(), cascade: false, ifExists }, clause));
      }
    } else if (p.eat('MODIFY')) {
      p.eat('COLUMN');
      const def = columnDef(text, c.slice(p.i));
      ops.push(mk({ kind: 'modify-column' as const, ...target, column: def.name, def, positioned: /\b(FIRST|AFTER)\b/i.test(text.slice(clause.start, clause.end)) }, clause));
    } else if (p.eat('CHANGE')) {
      p.eat('COLUMN');
      const old = p.ident();
      const def = columnDef(text, c.slice(p.i));
      if (def.name && def.name !== old) ops.push(mk({ kind: 'rename-column' as const, ...target, column: old, newName: def.name }, clause));
      ops.push(mk({ kind: 'modify-column' as const, ...target, column: old, newName: def.name, def, positioned: /\b(FIRST|AFTER)\b/i.test(text.slice(clause.start, clause.end)) }, clause));
    } else if (p.eat('ALTER')) {
      if (p.eat('INDEX')) {
        ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: 'ALTER INDEX' }, clause));
        continue;
      }
      p.eat('COLUMN');
      const col = p.ident();
      if (p.eat('SET', 'DEFAULT')) ops.push(mk({ kind: 'set-default' as const, ...target, column: col, default: { text: text.slice(p.peek()?.start ?? clause.end, clause.end), volatility: 'immutable' as const } }, clause));
      else if (p.eat('DROP', 'DEFAULT')) ops.push(mk({ kind: 'drop-default' as const, ...target, column: col }, clause));
      else ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: 'ALTER COLUMN' }, clause));
    } else if (p.eat('RENAME')) {
      if (p.eat('COLUMN')) {
        const from = p.ident();
        p.eat('TO');
        ops.push(mk({ kind: 'rename-column' as const, ...target, column: from, newName: p.ident() }, clause));
      } else if (p.eat('INDEX') || p.eat('KEY')) ops.push(mk({ kind: 'rename-constraint' as const, ...target, name: p.ident(), newName: (p.eat('TO'), p.ident()) }, clause));
      else {
        if (!p.eat('TO')) p.eat('AS');
        ops.push(mk({ kind: 'rename-table' as const, ...target, newName: p.ident() }, clause));
      }
    } else if (p.is('CONVERT', 'TO')) ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: 'CONVERT' }, clause));
    else if (p.is('FORCE') || (p.w() === 'ENGINE' && !p.is('ENGINE_ATTRIBUTE'))) ops.push(mk({ kind: 'rewrite-table' as const, command: 'optimize' as const, tables: [target] }, clause));
    else ops.push(mk({ kind: 'alter-table-other' as const, ...target, action: p.w() || 'OPTION' }, clause));
  }
  if (!ops.length) ops.push({ ...base, kind: 'alter-table-other', ...target, action: 'OPTIONS', ...(my.algorithm || my.lock ? { mysql: my } : {}) });
  return ops;
}

function createTableOps(text: string, ts: Tok[], base: OpBase): MigrationOp[] {
  const p = new Toks(text, ts);
  p.eat('CREATE');
  p.eat('TEMPORARY');
  p.eat('TABLE');
  const ifNotExists = p.eat('IF', 'NOT', 'EXISTS');
  const table = p.ident();
  const columns: ColumnDef[] = [];
  const constraints: ConstraintDef[] = [];
  const indexes: MigrationOp[] = [];
  if (p.peek()?.kind === '(') {
    const open = p.i;
    p.skipParens();
    for (const el of splitCommas(ts.slice(open + 1, p.i - 1))) {
      const q = new Toks(text, el);
      let name: string | undefined;
      if (q.eat('CONSTRAINT') && !['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(q.w())) name = q.ident();
      if (q.eat('PRIMARY', 'KEY')) constraints.push({ type: 'primary-key', columns: q.parenNames(), notValid: false, ...(name ? { name } : {}) });
      else if (q.eat('UNIQUE')) {
        if (!q.eat('KEY')) q.eat('INDEX');
        if (q.peek()?.kind !== '(') name = q.ident();
        constraints.push({ type: 'unique', columns: q.parenNames(), notValid: false, ...(name ? { name } : {}) });
      } else if (q.eat('FOREIGN', 'KEY')) {
        if (q.peek()?.kind !== '(') name ??= q.ident();
        const cols = q.parenNames();
        q.eat('REFERENCES');
        const rt = q.ident();
        constraints.push({ type: 'foreign-key', columns: cols, notValid: false, references: { table: rt, columns: q.parenNames() }, ...(name ? { name } : {}) });
      } else if (q.eat('CHECK')) constraints.push({ type: 'check', columns: [], notValid: false, ...(name ? { name } : {}) });
      else if (q.is('KEY') || q.is('INDEX') || q.is('FULLTEXT') || q.is('SPATIAL')) {
        q.i++;
        if (!q.eat('INDEX')) q.eat('KEY');
        const iname = q.peek()?.kind === '(' ? undefined : q.ident();
        indexes.push({ ...base, kind: 'create-index', table, ...(iname ? { name: iname } : {}), columns: q.parenNames(), unique: false, concurrently: false, ifNotExists: false });
      } else columns.push(columnDef(text, el));
    }
  }
  const asSelect = p.t.slice(p.i).some((t) => t.kind === 'word' && /^select$/i.test(text.slice(t.start, t.end)));
  return [{ ...base, kind: 'create-table', table, columns, constraints, ifNotExists, ...(asSelect ? { asSelect } : {}) }, ...indexes];
}

function hasTopLevelWord(text: string, ts: Tok[], word: string): boolean {
  let depth = 0;
  for (const t of ts) {
    if (t.kind === '(') depth++;
    else if (t.kind === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && text.slice(t.start, t.end).toUpperCase() === word) return true;
  }
  return false;
}

function statementOps(text: string, ts: Tok[], base: OpBase): MigrationOp[] {
  const p = new Toks(text, ts);
  if (p.eat('ALTER')) {
    p.eat('ONLINE');
    p.eat('IGNORE');
    if (!p.eat('TABLE')) return [{ ...base, kind: 'other', statement: `ALTER ${p.w()}` }];
    const table = p.ident();
    return alterTableOps(text, ts.slice(p.i), base, { table });
  }
  if (p.is('CREATE')) {
    if (p.is('CREATE', 'TABLE') || p.is('CREATE', 'TEMPORARY', 'TABLE')) return createTableOps(text, ts, base);
    p.i++;
    p.eat('OR', 'REPLACE');
    const unique = p.eat('UNIQUE');
    const method = p.eat('FULLTEXT') ? 'fulltext' : p.eat('SPATIAL') ? 'spatial' : undefined;
    if (p.eat('INDEX')) {
      const name = p.ident();
      p.eat('USING');
      if (p.w() === 'BTREE' || p.w() === 'HASH') p.i++;
      p.eat('ON');
      const table = p.ident();
      const columns = p.parenNames();
      const rest = ts.slice(p.i);
      const a = rest.map((_, k) => option<MysqlAlgorithm>(rest.slice(k), text, 'ALGORITHM')).find(Boolean);
      const l = rest.map((_, k) => option<MysqlLockLevel>(rest.slice(k), text, 'LOCK')).find(Boolean);
      const my = a || l ? { ...(a ? { algorithm: a.value } : {}), ...(l ? { lock: l.value } : {}), span: a?.span ?? l?.span } : undefined;
      base = { ...base, label: 'CREATE INDEX' };
      if (unique) {
        return [{ ...base, kind: 'add-constraint', table, constraint: { type: 'unique', name, columns, notValid: false }, ...(my ? { mysql: my } : {}), anchors: { ...base.anchors, algorithm: base.span.end } }];
      }
      return [{ ...base, kind: 'create-index', table, name, columns, unique, concurrently: false, ifNotExists: false, ...(method ? { method } : {}), ...(my ? { mysql: my } : {}), anchors: { ...base.anchors, algorithm: base.span.end } }];
    }
    if (p.is('DATABASE') || p.is('SCHEMA')) return [{ ...base, kind: 'other', statement: 'CREATE DATABASE' }];
    return [{ ...base, kind: 'other', statement: `CREATE ${p.w()}` }];
  }
  if (p.eat('DROP')) {
    p.eat('TEMPORARY');
    if (p.eat('TABLE') || p.eat('TABLES')) {
      const ifExists = p.eat('IF', 'EXISTS');
      const tables: TableTarget[] = splitCommas(ts.slice(p.i))
        .filter((c) => c.length)
        .map((c) => ({ table: new Toks(text, c).ident() }))
        .filter((t) => !/^(CASCADE|RESTRICT)$/i.test(t.table));
      return [{ ...base, kind: 'drop-table', tables, cascade: false, ifExists }];
    }
    if (p.eat('INDEX')) {
      const name = p.ident();
      p.eat('ON');
      const table = p.ident();
      return [{ ...base, kind: 'drop-index', names: [name], table, concurrently: false, ifExists: false }];
    }
    if (p.eat('DATABASE') || p.eat('SCHEMA')) {
      p.eat('IF', 'EXISTS');
      return [{ ...base, kind: 'drop-database', name: p.ident() }];
    }
    return [{ ...base, kind: 'other', statement: `DROP ${p.w()}` }];
  }
  if (p.eat('RENAME', 'TABLE')) {
    return splitCommas(ts.slice(p.i)).map((c) => {
      const q = new Toks(text, c);
      const from = q.ident();
      q.eat('TO');
      return { ...base, kind: 'rename-table' as const, table: from, newName: q.ident() };
    });
  }
  if (p.eat('TRUNCATE')) {
    p.eat('TABLE');
    return [{ ...base, kind: 'truncate', tables: [{ table: p.ident() }], cascade: false }];
  }
  if (p.eat('UPDATE')) {
    p.eat('LOW_PRIORITY');
    p.eat('IGNORE');
    return [{ ...base, kind: 'dml', verb: 'update', table: p.ident(), hasWhere: hasTopLevelWord(text, ts, 'WHERE') }];
  }
  if (p.eat('DELETE')) {
    while (['LOW_PRIORITY', 'QUICK', 'IGNORE'].includes(p.w())) p.i++;
    p.eat('FROM');
    return [{ ...base, kind: 'dml', verb: 'delete', table: p.ident(), hasWhere: hasTopLevelWord(text, ts, 'WHERE') }];
  }
  if (p.eat('INSERT') || p.eat('REPLACE')) {
    p.eat('IGNORE');
    p.eat('INTO');
    return [{ ...base, kind: 'dml', verb: 'insert', table: p.ident(), hasWhere: false, fromSelect: hasTopLevelWord(text, ts, 'SELECT') }];
  }
  if (p.eat('SET')) {
    const local = !p.is('GLOBAL');
    if (['SESSION', 'LOCAL', 'GLOBAL', 'PERSIST'].includes(p.w())) p.i++;
    const t = p.peek();
    let name = t ? text.slice(t.start, t.end) : '';
    if (t?.kind === 'op') {
      // @@session.name
      p.i++;
      while (p.peek() && p.peek()!.kind !== 'op') {
        const n = p.peek()!;
        if (n.kind === 'word') name = text.slice(n.start, n.end);
        p.i++;
      }
    } else p.i++;
    if (p.peek()?.kind === 'op') p.i++;
    const v = p.peek();
    return [{ ...base, kind: 'set', name: name.toLowerCase(), value: v ? text.slice(v.start, v.end) : '', local }];
  }
  if (p.is('START', 'TRANSACTION') || p.is('BEGIN')) return [{ ...base, kind: 'transaction', action: 'begin' }];
  if (p.is('COMMIT')) return [{ ...base, kind: 'transaction', action: 'commit' }];
  if (p.is('ROLLBACK')) return [{ ...base, kind: 'transaction', action: 'rollback' }];
  if (p.eat('OPTIMIZE')) {
    if (!p.eat('NO_WRITE_TO_BINLOG')) p.eat('LOCAL');
    p.eat('TABLE');
    return [{ ...base, kind: 'rewrite-table', command: 'optimize', tables: splitCommas(ts.slice(p.i)).map((c) => ({ table: new Toks(text, c).ident() })) }];
  }
  if (p.eat('LOCK', 'TABLES') || p.eat('LOCK', 'TABLE')) return [{ ...base, kind: 'lock-table', tables: [{ table: p.ident() }], mode: 'ACCESS EXCLUSIVE' }];
  return [{ ...base, kind: 'other', statement: p.w() || 'statement' }];
}

/** MySQL/MariaDB text → ops, statement spans and syntax errors (at node-sql-parser's location). */
export function mysqlOps(text: string, mariadb: boolean): { ops: MigrationOp[]; statements: Span[]; errors: { message: string; offset: number }[] } {
  const ops: MigrationOp[] = [];
  const statements: Span[] = [];
  const errors: { message: string; offset: number }[] = [];
  const parser = parserFor(mariadb);
  let stmt = 0;
  for (const s of splitStatements(text, true)) {
    const body = text.slice(s.start, s.end);
    const ts = lex(text, s.start, s.end, true).filter((t) => t.kind !== 'comment');
    const open = ts.find((t) => t.open);
    if (open) {
      errors.push({ message: `unterminated ${open.kind === 'comment' ? 'comment' : open.kind === 'qident' ? 'quoted identifier' : 'string'}`, offset: open.start });
      continue;
    }
    try {
      parser.astify(body, { database: mariadb ? 'MariaDB' : 'MySQL' });
    } catch (e) {
      const loc = (e as { location?: { start?: { offset?: number } } }).location?.start?.offset;
      const at = s.start + (loc ?? 0);
      if (!STMT_GAPS.test(body) && !inParserGap(text, ts, at)) {
        errors.push({ message: `${((e as Error).message ?? String(e)).split('\n')[0].replace(/^Expected .*? but (.*) found\.$/, 'unexpected $1')}`, offset: at });
        continue;
      }
    }
    const base: OpBase = { stmt, span: { start: s.start, end: s.end }, anchors: { stmtEnd: s.semicolon !== undefined ? s.semicolon + 1 : s.end } };
    statements.push({ start: s.start, end: s.end });
    ops.push(...statementOps(text, ts, base));
    stmt++;
  }
  return { ops, statements, errors };
}

/** Is `at` inside an ALTER TABLE clause of a kind node-sql-parser does not know? */
function inParserGap(text: string, ts: Tok[], at: number): boolean {
  const p = new Toks(text, ts);
  if (!p.eat('ALTER')) return false;
  p.eat('ONLINE');
  p.eat('IGNORE');
  if (!p.eat('TABLE')) return false;
  p.ident();
  for (const c of splitCommas(ts.slice(p.i))) {
    if (!c.length) continue;
    const start = c[0].start;
    const end = c[c.length - 1].end;
    if (at >= start && at <= end) return PARSER_GAPS.some((g) => g.test(text.slice(start, end)));
  }
  return false;
}
