import { createHash } from 'node:crypto';
import type { ColumnDef, ConstraintDef, DefaultExpr, Dialect, MigrationOp, MysqlAlgorithm, MysqlLockLevel, SchemaState, Span as OpSpan, TypeRef, Volatility } from '../migrations/ops';
import { boolOf, strListOf, strOf, type DslCall, type DslFile, type DslValue, type Span, type StaticString, type Unresolved } from './dsl';

/** Turns SQL text into ops with spans relative to that text (the SQL front end of the migration linter). */
export type SqlFrontEnd = (sql: string, dialect: Dialect) => Promise<{ ops: MigrationOp[]; errors: { message: string; offset: number }[] }>;

export interface MappedOps {
  ops: MigrationOp[];
  /** The DSL call each op came from. */
  origin: Map<MigrationOp, DslCall>;
  /** Ops parsed from an SQL string inside a call, with the string (offsets already mapped to the file). */
  embedded: Map<MigrationOp, StaticString>;
  unresolved: Unresolved[];
  /** Syntax errors inside embedded SQL, at their file offset. */
  sqlErrors: { message: string; span: Span }[];
  /** Django: model fields as written, for the "ORM default is not a database default" check. */
  ormDefaults: { call: DslCall; column: string; table: string; span: Span; how: string }[];
}

type Base = { stmt: number; span: OpSpan; label?: string };

const VOLATILE = /\b(random|gen_random_uuid|uuid_generate_v[14]|uuid_generate_v1mc|clock_timestamp|timeofday|nextval|txid_current|uuid)\s*\(/i;
const STABLE = /\b(now|current_timestamp|current_date|current_time|localtimestamp|localtime|statement_timestamp|transaction_timestamp)\b/i;

export function volatilityOf(sqlExpr: string): Volatility {
  if (VOLATILE.test(sqlExpr)) return 'volatile';
  if (STABLE.test(sqlExpr)) return 'stable';
  if (/^('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)(?:\s*::\s*\w+(?: +\w+)*)?$/i.test(sqlExpr.trim())) return 'immutable';
  return 'unknown';
}

function lit(v: DslValue): string {
  switch (v.t) {
    case 'str':
    case 'sym':
      return `'${v.value.replace(/'/g, "''")}'`;
    case 'num':
      return v.text;
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'nil':
      return 'NULL';
    default:
      return 'text' in v ? v.text : '?';
  }
}

/** A DSL default value as a database default expression. */
function defaultExpr(v: DslValue | undefined, sqlIsRaw = false): DefaultExpr | undefined {
  if (!v) return undefined;
  if (v.t === 'nil') return { text: 'NULL', volatility: 'immutable', isNull: true, span: v.span };
  if (v.t === 'fn') return v.sql ? { text: v.sql, volatility: volatilityOf(v.sql), span: v.span } : { text: 'a function', volatility: 'volatile', span: v.span };
  if (sqlIsRaw && v.t === 'str') return { text: v.value, volatility: volatilityOf(v.value), span: v.span };
  if (v.t === 'call') {
    // knex.fn.now(), Sequelize.fn('NOW'), sa.text("now()"), sa.func.now(), knex.raw('gen_random_uuid()')
    const inner = strOf(v.args[0]);
    const sql = v.name === 'now' ? 'now()' : v.name === 'fn' && inner ? `${inner}()` : inner ?? `${v.name}()`;
    return { text: sql, volatility: volatilityOf(sql), span: v.span };
  }
  if (v.t === 'ref') {
    const sql = /NOW$/i.test(v.path) ? 'now()' : /UUIDV[14]$/i.test(v.path) ? 'uuid' : v.path;
    return { text: sql, volatility: /UUIDV/i.test(v.path) ? 'immutable' : volatilityOf(sql), span: v.span };
  }
  // `default: {}` / `default: []` (Rails jsonb, arrays): a constant, serialised once.
  if (v.t === 'hash') return { text: Object.keys(v.entries).length ? `'{…}'` : `'{}'`, volatility: 'immutable', span: v.span };
  if (v.t === 'list') return { text: v.items.length ? `'[…]'` : `'[]'`, volatility: 'immutable', span: v.span };
  if (v.t === 'dynamic') return { text: v.text, volatility: 'unknown', span: v.span };
  return { text: lit(v), volatility: 'immutable', span: v.span };
}

/** Django fields whose `empty_strings_allowed` is true: with blank=True and no default, Django fills existing rows with ''. */
const EMPTY_STRING_FIELDS = new Set(['CharField', 'TextField', 'EmailField', 'SlugField', 'URLField', 'FilePathField', 'FileField', 'ImageField', 'CommaSeparatedIntegerField', 'BinaryField']);

const TYPE_NAMES: Record<string, string> = {
  string: 'varchar', text: 'text', integer: 'int4', int: 'int4', int4: 'int4', bigint: 'int8', biginteger: 'int8', int8: 'int8', smallint: 'int2', smallinteger: 'int2',
  float: 'float8', double: 'float8', real: 'float4', decimal: 'numeric', numeric: 'numeric', datetime: 'timestamp', timestamp: 'timestamp', timestamptz: 'timestamptz',
  time: 'time', date: 'date', boolean: 'bool', bool: 'bool', json: 'json', jsonb: 'jsonb', uuid: 'uuid', binary: 'bytea', blob: 'bytea', bytea: 'bytea', inet: 'inet', cidr: 'cidr',
  citext: 'citext', hstore: 'hstore', serial: 'serial4', bigserial: 'serial8', increments: 'serial4', bigincrements: 'serial8', enum: 'enum', enu: 'enum', char: 'bpchar', character: 'bpchar', varchar: 'varchar',
  // Django fields
  charfield: 'varchar', textfield: 'text', integerfield: 'int4', bigintegerfield: 'int8', smallintegerfield: 'int2', positiveintegerfield: 'int4', positivebigintegerfield: 'int8',
  positivesmallintegerfield: 'int2', booleanfield: 'bool', nullbooleanfield: 'bool', datetimefield: 'timestamptz', datefield: 'date', timefield: 'time', durationfield: 'interval',
  decimalfield: 'numeric', floatfield: 'float8', jsonfield: 'jsonb', uuidfield: 'uuid', emailfield: 'varchar', slugfield: 'varchar', urlfield: 'varchar', binaryfield: 'bytea',
  autofield: 'serial4', bigautofield: 'serial8', smallautofield: 'serial2', foreignkey: 'int8', onetoonefield: 'int8', genericipaddressfield: 'inet', filefield: 'varchar', imagefield: 'varchar',
  // SQLAlchemy / Sequelize / TypeORM
  unicode: 'varchar', unicodetext: 'text', largebinary: 'bytea', interval: 'interval', 'character varying': 'varchar', 'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp', 'double precision': 'float8', number: 'int4', 'int unsigned': 'int4',
};

function typeRef(name: string, args: number[] = [], text?: string, span?: Span): TypeRef {
  const key = name.toLowerCase().replace(/\(.*$/, '').trim();
  const m = /\((\d+)(?:\s*,\s*(\d+))?\)/.exec(name);
  const a = args.length ? args : m ? [Number(m[1]), ...(m[2] ? [Number(m[2])] : [])] : [];
  return { name: TYPE_NAMES[key] ?? key, args: a, array: false, text: text ?? name, ...(span ? { span } : {}) };
}

/** Type of a DSL type expression: `:string`, `sa.String(255)`, `Sequelize.STRING`, `DataTypes.DECIMAL(10, 2)`, `"varchar"`. */
function typeOfValue(v: DslValue | undefined): TypeRef | undefined {
  if (!v) return undefined;
  if (v.t === 'sym' || v.t === 'str') return typeRef(v.value, [], v.value, v.span);
  if (v.t === 'ref') {
    const name = v.path.split('.').pop() ?? v.path;
    return typeRef(name, [], v.path, v.span);
  }
  if (v.t === 'call') {
    const nums = v.args.filter((a): a is Extract<DslValue, { t: 'num' }> => a.t === 'num').map((a) => a.value);
    const len = v.kwargs.length ?? v.kwargs.max_length;
    if (len?.t === 'num') nums.unshift(len.value);
    return typeRef(v.name, nums, v.name, v.span);
  }
  return undefined;
}

function notNullCheckColumn(expr: string): string | undefined {
  const m = /^(?:\(\s*)?"?(\w+)"?\s+IS\s+NOT\s+NULL(?:\s*\))?$/i.exec(expr.trim());
  return m ? m[1].toLowerCase() : undefined;
}

/** Postgres folds unquoted names to lower case; DSLs quote what they generate. */
const norm = (s: string) => s;

export class OpMapper {
  readonly out: MappedOps = { ops: [], origin: new Map(), embedded: new Map(), unresolved: [], sqlErrors: [], ormDefaults: [] };
  private stmt = 0;
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly file: DslFile,
    private readonly path: string,
    private readonly dialect: Dialect,
    private readonly sql: SqlFrontEnd,
  ) {
    this.out.unresolved.push(...file.unresolved);
  }

  async run(): Promise<MappedOps> {
    for (const c of this.file.calls) {
      if (c.section === 'down') continue;
      await this.call(c);
    }
    return this.out;
  }

  private base(c: DslCall, label?: string): Base {
    return { stmt: this.stmt, span: { start: c.span.start, end: c.span.end }, ...(label ? { label } : {}) };
  }

  private push(c: DslCall, ...ops: MigrationOp[]): void {
    for (const op of ops) {
      this.out.ops.push(op);
      this.out.origin.set(op, c);
    }
  }

  private unresolvedArg(c: DslCall, what: string): void {
    this.out.unresolved.push({ span: c.span, what: `\`${c.name}\` with ${what} computed at run time` });
  }

  /** Lints an SQL string argument with the SQL front end, mapping every offset back into the file. */
  private async embeddedSql(c: DslCall, v: DslValue | undefined): Promise<void> {
    if (!v) return;
    if (v.t === 'list') {
      for (const it of v.items) await this.embeddedSql(c, it.t === 'list' ? it.items[0] : it);
      return;
    }
    if (v.t === 'call' && (v.name === 'text' || v.name === 'raw') && v.args[0]) {
      await this.embeddedSql(c, v.args[0]);
      return;
    }
    if (v.t !== 'str') {
      this.out.unresolved.push({ span: v.span, what: `SQL built at run time in \`${c.name}\`` });
      this.push(c, { ...this.base(c), kind: 'opaque', what: `${c.name} with SQL built at run time` });
      this.stmt++;
      return;
    }
    const s = v.s;
    const parsed = await this.sql(s.value, this.dialect);
    const at = (o: number) => s.map[Math.max(0, Math.min(o, s.value.length))];
    for (const e of parsed.errors) {
      const rest = /^\S*/.exec(s.value.slice(e.offset))![0].length;
      this.out.sqlErrors.push({ message: e.message, span: { start: at(e.offset), end: at(e.offset + Math.max(1, rest)) } });
    }
    let last = -1;
    for (const op of parsed.ops) {
      const mapped = shiftSpans(op, at) as MigrationOp;
      if (op.stmt !== last) {
        if (last !== -1) this.stmt++;
        last = op.stmt;
      }
      mapped.stmt = this.stmt;
      this.push(c, mapped);
      this.out.embedded.set(mapped, s);
    }
    if (last !== -1) this.stmt++;
  }

  /** Whether a Rails adapter condition holds for the configured dialect. */
  private adapterMatches(c: DslCall): boolean {
    for (const t of c.adapterIf ?? []) {
      const pg = /postg|postgis|cockroach/.test(t.adapter);
      const my = /mysql|maria|trilogy/.test(t.adapter);
      const is = this.dialect === 'postgres' ? pg : my;
      if (is === t.negate) return false;
    }
    return true;
  }

  private async call(c: DslCall): Promise<void> {
    if (c.adapterIf && !this.adapterMatches(c)) return;
    const before = this.out.ops.length;
    switch (this.file.framework) {
      case 'rails':
        await this.rails(c);
        break;
      case 'django':
        await this.django(c);
        break;
      case 'alembic':
        await this.alembic(c, c.blockTable);
        break;
      case 'knex':
        await this.knex(c);
        break;
      case 'typeorm':
        await this.typeorm(c);
        break;
      case 'sequelize':
        await this.sequelize(c);
        break;
    }
    // Embedded SQL advanced `stmt` itself; any other call is one statement.
    if (this.out.ops.length > before && !this.out.embedded.has(this.out.ops[this.out.ops.length - 1])) this.stmt++;
  }

  // ───────────────────────────── Rails ─────────────────────────────

  private railsColumn(name: string, type: DslValue | undefined, kw: Record<string, DslValue>, span: Span): ColumnDef {
    const t = typeOfValue(type);
    if (t) {
      const limit = kw.limit ?? kw.precision;
      if (limit?.t === 'num') t.args = [limit.value, ...(kw.scale?.t === 'num' ? [kw.scale.value] : [])];
      if (t.name === 'int4' && limit?.t === 'num' && limit.value >= 8) t.name = 'int8';
      if (boolOf(kw.array)) t.array = true;
      if (type?.t === 'sym' && type.value === 'primary_key') t.name = 'serial8';
    }
    const col: ColumnDef = { name: norm(name), notNull: boolOf(kw.null) === false, span };
    if (t) col.type = t;
    // Rails passes `default: "gen_random_uuid()"` on a uuid column to the database as a function call.
    const fnDefault = t?.name === 'uuid' && kw.default?.t === 'str' && /^\w{1,60}\(\)$/.test(kw.default.value);
    const d = defaultExpr(kw.default, fnDefault);
    if (d && !d.isNull) col.default = d;
    if (t && /^serial/.test(t.name)) col.serial = true;
    if (boolOf(kw.primary_key)) col.primaryKey = true;
    if (kw.virtual || kw.as) col.generated = boolOf(kw.stored) ? 'stored' : 'virtual';
    return col;
  }

  private async rails(c: DslCall, table?: string): Promise<void> {
    const a = c.args;
    const kw = c.kwargs;
    const T = table ?? strOf(a[0]);
    const arg = (i: number) => strOf(a[table ? i - 1 : i]);
    const needTable = () => {
      if (!T) this.unresolvedArg(c, 'the table name');
      return T;
    };
    const b = (label?: string) => this.base(c, label);
    if (c.name.startsWith('model:') && c.receiver) {
      // A backfill through an ActiveRecord model: the table is the model's, tableized.
      const method = c.name.slice(6);
      const model = /^([A-Z][\w:]*)/.exec(c.receiver)![1].split('::').pop()!;
      const tableName = pluralize(model.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
      const batched = /\.(in_batches|find_each|find_in_batches)\b/.test(c.receiver) || ['find_each', 'find_in_batches', 'in_batches'].includes(method);
      const verb = /^(delete_all|destroy_all)$/.test(method) ? 'delete' : /^(insert_all|upsert_all)$/.test(method) ? 'insert' : 'update';
      this.push(c, { ...b(`${c.receiver}.${method}`), kind: 'dml', verb, table: tableName, hasWhere: batched || /\.where\(/.test(c.receiver) });
      return;
    }
    switch (c.name) {
      case 'execute':
      case 'exec_query':
        await this.embeddedSql(c, a[0]);
        return;
      case 'create_table':
      case 'create_join_table': {
        const name = c.name === 'create_join_table' ? [strOf(a[0]), strOf(a[1])].sort().join('_') : strOf(a[0]);
        if (!name) return this.unresolvedArg(c, 'the table name');
        const columns: ColumnDef[] = [];
        const constraints: ConstraintDef[] = [];
        const later: { call: DslCall }[] = [];
        const refIndexes: string[][] = [];
        if (kw.id === undefined || boolOf(kw.id) !== false) columns.push({ name: 'id', type: typeRef(strOf(kw.id) ?? 'bigserial'), notNull: true, primaryKey: true, serial: true });
        for (const ch of c.children ?? []) {
          const n = ch.name;
          if (n === 'timestamps') {
            for (const cn of ['created_at', 'updated_at']) columns.push({ name: cn, type: typeRef('timestamp'), notNull: boolOf(ch.kwargs.null) !== true, span: ch.span });
          } else if (n === 'references' || n === 'belongs_to') {
            const ref = strOf(ch.args[0]);
            if (!ref) continue;
            columns.push({ name: `${ref}_id`, type: typeRef(strOf(ch.kwargs.type) ?? 'bigint'), notNull: boolOf(ch.kwargs.null) === false, span: ch.span });
            if (ch.kwargs.foreign_key && boolOf(ch.kwargs.foreign_key) !== false) {
              const fk = ch.kwargs.foreign_key;
              const to = fk.t === 'hash' ? (strOf(fk.entries.to_table) ?? pluralize(ref)) : pluralize(ref);
              constraints.push({ type: 'foreign-key', name: railsFkName(name, `${ref}_id`), columns: [`${ref}_id`], notValid: false, references: { table: to, columns: ['id'] }, span: ch.span });
            }
            // Rails indexes references by default (index: false opts out); polymorphic ones on (type, id).
            if (ch.kwargs.index === undefined || boolOf(ch.kwargs.index) !== false) refIndexes.push(boolOf(ch.kwargs.polymorphic) ? [`${ref}_type`, `${ref}_id`] : [`${ref}_id`]);
            if (boolOf(ch.kwargs.polymorphic)) columns.push({ name: `${ref}_type`, type: typeRef('varchar'), notNull: boolOf(ch.kwargs.null) === false, span: ch.span });
          } else if (n === 'index' || n === 'check_constraint' || n === 'foreign_key' || n === 'unique_constraint' || n === 'exclusion_constraint') later.push({ call: ch });
          else if (n === 'column') {
            const cn = strOf(ch.args[0]);
            if (cn) columns.push(this.railsColumn(cn, ch.args[1], ch.kwargs, ch.span));
          } else {
            for (const arg0 of ch.args) {
              const cn = strOf(arg0);
              if (cn) columns.push(this.railsColumn(cn, { t: 'sym', value: n, span: ch.nameSpan }, ch.kwargs, ch.span));
            }
          }
        }
        // `force: true` / `force: :cascade` drops the table first: a loss only when it exists (as far as the replay knows).
        if (kw.force && boolOf(kw.force) !== false && (!this.schema || this.schema.tables.has(name))) this.push(c, { ...b(`create_table :${name}, force: ${strOf(kw.force) === 'cascade' ? ':cascade' : 'true'}`), kind: 'drop-table', tables: [{ table: name }], cascade: strOf(kw.force) === 'cascade', ifExists: true });
        this.push(c, { ...b(`create_table :${name}`), kind: 'create-table', table: name, columns, constraints, ifNotExists: !!boolOf(kw.if_not_exists) });
        for (const cols of refIndexes) this.push(c, { ...b(`create_table :${name} (index on ${cols.join(', ')})`), kind: 'create-index', table: name, columns: cols, unique: false, concurrently: false, ifNotExists: false });
        for (const l of later) await this.railsTableChild(l.call, name);
        return;
      }
      case 'change_table': {
        if (!needTable()) return;
        for (const ch of c.children ?? []) await this.railsTableChild(ch, T!);
        return;
      }
      case 'drop_table':
      case 'drop_join_table':
        if (!needTable()) return;
        this.push(c, { ...b(), kind: 'drop-table', tables: a.map(strOf).filter((x): x is string => !!x).map((t) => ({ table: t })), cascade: strOf(kw.force) === 'cascade', ifExists: !!boolOf(kw.if_exists) });
        return;
      case 'rename_table': {
        const to = arg(1);
        if (!needTable() || !to) return;
        this.push(c, { ...b(), kind: 'rename-table', table: T!, newName: to });
        return;
      }
      case 'add_column': {
        const col = arg(1);
        if (!needTable() || !col) return this.unresolvedArg(c, 'the column');
        this.push(c, { ...b(`add_column :${T}, :${col}`), kind: 'add-column', table: T!, column: this.railsColumn(col, a[table ? 1 : 2], kw, c.span), ifNotExists: !!boolOf(kw.if_not_exists) });
        return;
      }
      case 'add_timestamps':
        if (!needTable()) return;
        for (const cn of ['created_at', 'updated_at']) this.push(c, { ...b(), kind: 'add-column', table: T!, column: { name: cn, type: typeRef('timestamp'), notNull: boolOf(kw.null) !== true, span: c.span }, ifNotExists: false });
        return;
      case 'remove_column':
      case 'remove_columns':
      case 'remove_timestamps': {
        if (!needTable()) return;
        const cols = c.name === 'remove_timestamps' ? ['created_at', 'updated_at'] : c.name === 'remove_column' ? [arg(1)] : a.slice(table ? 0 : 1).map(strOf);
        for (const col of cols) if (col) this.push(c, { ...b(`remove_column :${T}, :${col}`), kind: 'drop-column', table: T!, column: col, cascade: false, ifExists: !!boolOf(kw.if_exists) });
        return;
      }
      case 'rename_column': {
        const from = arg(1);
        const to = arg(2);
        if (!needTable() || !from || !to) return;
        this.push(c, { ...b(), kind: 'rename-column', table: T!, column: from, newName: to });
        return;
      }
      case 'change_column': {
        const col = arg(1);
        const type = typeOfValue(a[table ? 1 : 2]);
        if (!needTable() || !col || !type) return;
        const def = this.railsColumn(col, a[table ? 1 : 2], kw, c.span);
        this.push(c, { ...b(`change_column :${T}, :${col}`), kind: 'alter-column-type', table: T!, column: col, type: def.type ?? type });
        if (boolOf(kw.null) === false) this.push(c, { ...b(), kind: 'set-not-null', table: T!, column: col });
        return;
      }
      case 'change_column_null': {
        const col = arg(1);
        const nullable = boolOf(a[table ? 1 : 2]);
        if (!needTable() || !col || nullable === undefined) return;
        if (a[table ? 2 : 3]) this.push(c, { ...b(), kind: 'dml', verb: 'update', table: T!, hasWhere: true });
        this.push(c, nullable ? { ...b(), kind: 'drop-not-null', table: T!, column: col } : { ...b(`change_column_null :${T}, :${col}, false`), kind: 'set-not-null', table: T!, column: col });
        return;
      }
      case 'change_column_default': {
        const col = arg(1);
        if (!needTable() || !col) return;
        const v = a[table ? 1 : 2]?.t === 'hash' ? (a[table ? 1 : 2] as Extract<DslValue, { t: 'hash' }>).entries.to : (kw.to ?? a[table ? 1 : 2]);
        const d = defaultExpr(v);
        this.push(c, !d || d.isNull ? { ...b(), kind: 'drop-default', table: T!, column: col } : { ...b(), kind: 'set-default', table: T!, column: col, default: d });
        return;
      }
      case 'add_index': {
        const cols = strListOf(a[table ? 0 : 1]);
        if (!needTable() || !cols) return this.unresolvedArg(c, 'the columns');
        this.push(c, { ...b(`add_index :${T}`), ...this.railsMysql(kw), kind: 'create-index', table: T!, name: strOf(kw.name), columns: cols, unique: !!boolOf(kw.unique), concurrently: strOf(kw.algorithm) === 'concurrently', ifNotExists: !!boolOf(kw.if_not_exists), ...(kw.where ? { where: true } : {}), ...(strOf(kw.using) ? { method: strOf(kw.using) } : {}) });
        return;
      }
      case 'remove_index': {
        if (!needTable()) return;
        const name = strOf(kw.name) ?? `index_${T}_on_${(strListOf(kw.column ?? a[table ? 0 : 1]) ?? ['?']).join('_and_')}`;
        this.push(c, { ...b(`remove_index :${T}`), ...this.railsMysql(kw), kind: 'drop-index', names: [name], table: T!, concurrently: strOf(kw.algorithm) === 'concurrently', ifExists: !!boolOf(kw.if_exists) });
        return;
      }
      case 'add_reference':
      case 'add_belongs_to': {
        const ref = arg(1);
        if (!needTable() || !ref) return;
        const col = `${ref}_id`;
        const colType = typeRef(strOf(kw.type) ?? 'bigint');
        this.push(c, { ...b(`${c.name} :${T}, :${ref}`), kind: 'add-column', table: T!, column: { name: col, type: colType, notNull: boolOf(kw.null) === false, span: c.span }, ifNotExists: false });
        const idx = kw.index;
        if (idx === undefined || boolOf(idx) !== false) {
          const conc = idx?.t === 'hash' && strOf(idx.entries.algorithm) === 'concurrently';
          this.push(c, { ...b(`${c.name} :${T}, :${ref} (index)`), kind: 'create-index', table: T!, columns: [col], unique: idx?.t === 'hash' && !!boolOf(idx.entries.unique), concurrently: conc, ifNotExists: false });
        }
        const fk = kw.foreign_key;
        if (fk && boolOf(fk) !== false) {
          const to = fk.t === 'hash' ? (strOf(fk.entries.to_table) ?? pluralize(ref)) : pluralize(ref);
          const nv = fk.t === 'hash' && boolOf(fk.entries.validate) === false;
          this.push(c, { ...b(`${c.name} :${T}, :${ref} (foreign key)`), kind: 'add-constraint', table: T!, constraint: { type: 'foreign-key', name: (fk.t === 'hash' ? strOf(fk.entries.name) : undefined) ?? railsFkName(T!, col), columns: [col], notValid: nv, references: { table: to, columns: ['id'] } } });
        }
        return;
      }
      case 'remove_reference':
      case 'remove_references':
      case 'remove_belongs_to': {
        const ref = arg(1);
        if (!needTable() || !ref) return;
        if (kw.foreign_key && boolOf(kw.foreign_key) !== false) this.push(c, { ...b(), kind: 'drop-constraint', table: T!, name: railsFkName(T!, `${ref}_id`), constraintType: 'foreign-key', ifExists: false });
        this.push(c, { ...b(`${c.name} :${T}, :${ref}`), kind: 'drop-column', table: T!, column: `${ref}_id`, cascade: false, ifExists: false });
        if (boolOf(kw.polymorphic)) this.push(c, { ...b(`${c.name} :${T}, :${ref}`), kind: 'drop-column', table: T!, column: `${ref}_type`, cascade: false, ifExists: false });
        return;
      }
      case 'rename_schema': {
        const from = strOf(a[0]);
        const to = strOf(a[1]);
        if (from && to) this.push(c, { ...b(), kind: 'rename-schema', name: from, newName: to });
        return;
      }
      case 'drop_schema': {
        const name = strOf(a[0]);
        if (name) this.push(c, { ...b(), kind: 'drop-schema', name, cascade: false });
        return;
      }
      case 'add_foreign_key': {
        const to = arg(1);
        if (!needTable() || !to) return;
        const col = strOf(kw.column) ?? `${singularize(to)}_id`;
        this.push(c, { ...b(`add_foreign_key :${T}, :${to}`), kind: 'add-constraint', table: T!, constraint: { type: 'foreign-key', name: strOf(kw.name) ?? railsFkName(T!, col), columns: [col], notValid: boolOf(kw.validate) === false, references: { table: to, columns: [strOf(kw.primary_key) ?? 'id'] } } });
        return;
      }
      case 'validate_foreign_key':
      case 'validate_check_constraint': {
        if (!needTable()) return;
        // Rails finds the foreign key by its column (`to_table` singular + _id, or column:) and names it fk_rails_<hash>.
        const fkCol = strOf(kw.column) ?? (arg(1) ? `${singularize(arg(1)!)}_id` : undefined);
        const name = strOf(kw.name) ?? (c.name === 'validate_foreign_key' ? (fkCol ? railsFkName(T!, fkCol) : 'fk_rails_?') : `chk_${T}`);
        this.push(c, { ...b(), kind: 'validate-constraint', table: T!, name });
        return;
      }
      case 'add_check_constraint': {
        const expr = arg(1);
        if (!needTable() || expr === undefined) return this.unresolvedArg(c, 'the expression');
        const nn = notNullCheckColumn(expr);
        this.push(c, { ...b(`add_check_constraint :${T}`), kind: 'add-constraint', table: T!, constraint: { type: 'check', name: strOf(kw.name), columns: nn ? [nn] : [], notValid: boolOf(kw.validate) === false, expr, ...(nn ? { notNullColumn: nn } : {}) } });
        return;
      }
      case 'add_unique_constraint': {
        if (!needTable()) return;
        this.push(c, { ...b(), kind: 'add-constraint', table: T!, constraint: { type: 'unique', name: strOf(kw.name), columns: strListOf(a[table ? 0 : 1]) ?? [], notValid: false, ...(strOf(kw.using_index) ? { usingIndex: strOf(kw.using_index) } : {}) } });
        return;
      }
      case 'add_exclusion_constraint':
        if (!needTable()) return;
        this.push(c, { ...b(), kind: 'add-constraint', table: T!, constraint: { type: 'exclude', name: strOf(kw.name), columns: [], notValid: false } });
        return;
      case 'remove_foreign_key':
      case 'remove_check_constraint':
        if (!needTable()) return;
        this.push(c, { ...b(), kind: 'drop-constraint', table: T!, name: strOf(kw.name) ?? arg(1) ?? '?', constraintType: c.name === 'remove_foreign_key' ? 'foreign-key' : 'check', ifExists: !!boolOf(kw.if_exists) });
        return;
      case 'create_enum': {
        const name = strOf(a[0]);
        if (name) this.push(c, { ...b(), kind: 'create-enum', name, values: strListOf(a[1]) ?? [] });
        return;
      }
      case 'add_enum_value': {
        const type = strOf(a[0]);
        const value = strOf(a[1]);
        if (type && value) this.push(c, { ...b(), kind: 'add-enum-value', type, value, before: strOf(kw.before), after: strOf(kw.after), ifNotExists: !!boolOf(kw.if_not_exists) });
        return;
      }
      case 'rename_enum_value': {
        const type = strOf(a[0]);
        if (type) this.push(c, { ...b(), kind: 'rename-enum-value', type, value: strOf(kw.from) ?? '?', newValue: strOf(kw.to) ?? '?' });
        return;
      }
      default:
        this.push(c, { ...b(), kind: 'other', statement: c.name, ...(T ? { table: T } : {}) });
    }
  }

  /** MySQL `algorithm: :inplace, lock: :none` on Rails index calls. */
  private railsMysql(kw: Record<string, DslValue>): { mysql?: { algorithm?: MysqlAlgorithm; lock?: MysqlLockLevel } } {
    if (this.dialect !== 'mysql') return {};
    const alg = strOf(kw.algorithm)?.toUpperCase();
    const lock = strOf(kw.lock)?.toUpperCase();
    const m: { algorithm?: MysqlAlgorithm; lock?: MysqlLockLevel } = {};
    if (alg && ['INSTANT', 'INPLACE', 'COPY', 'NOCOPY', 'DEFAULT'].includes(alg)) m.algorithm = alg as MysqlAlgorithm;
    if (lock && ['NONE', 'SHARED', 'EXCLUSIVE', 'DEFAULT'].includes(lock)) m.lock = lock as MysqlLockLevel;
    return m.algorithm || m.lock ? { mysql: m } : {};
  }

  /** `t.xxx` inside `change_table :t do |t|` (and index/constraints inside `create_table`). */
  private async railsTableChild(ch: DslCall, table: string): Promise<void> {
    const map: Record<string, string> = {
      index: 'add_index', remove: 'remove_columns', rename: 'rename_column', change: 'change_column', change_default: 'change_column_default', change_null: 'change_column_null',
      references: 'add_reference', belongs_to: 'add_reference', remove_references: 'remove_reference', foreign_key: 'add_foreign_key', check_constraint: 'add_check_constraint',
      remove_index: 'remove_index', timestamps: 'add_timestamps', remove_timestamps: 'remove_timestamps', column: 'add_column', unique_constraint: 'add_unique_constraint', exclusion_constraint: 'add_exclusion_constraint',
    };
    const as = map[ch.name];
    if (as) return this.rails({ ...ch, name: as }, table);
    // `t.string :a, :b, null: false` in change_table adds columns.
    for (const arg0 of ch.args) {
      const cn = strOf(arg0);
      if (cn) this.push(ch, { ...this.base(ch), kind: 'add-column', table, column: this.railsColumn(cn, { t: 'sym', value: ch.name, span: ch.nameSpan }, ch.kwargs, ch.span), ifNotExists: false });
    }
  }

  // ───────────────────────────── Django ─────────────────────────────

  private appLabel(): string {
    const parts = this.path.split('/');
    const i = parts.lastIndexOf('migrations');
    return i > 0 ? parts[i - 1] : 'app';
  }

  private djangoTable(model: string | undefined): string | undefined {
    return model ? `${this.appLabel()}_${model.toLowerCase()}` : undefined;
  }

  /** A Django field → the column Django's schema editor creates. */
  djangoColumn(name: string, field: DslValue | undefined, span: Span): { col: ColumnDef; fk?: string; index: boolean; unique: boolean; pyDefault?: DslValue; implicit?: 'blank' | 'auto_now' } | undefined {
    if (!field || field.t !== 'call') return undefined;
    const kw = field.kwargs;
    const isFk = /^(ForeignKey|OneToOneField)$/.test(field.name);
    if (field.name === 'ManyToManyField') return undefined;
    const t = typeOfValue(field);
    if (t && field.name === 'CharField' && kw.max_length?.t === 'num') t.args = [kw.max_length.value];
    if (t && field.name === 'DecimalField' && kw.max_digits?.t === 'num') t.args = [kw.max_digits.value, ...(kw.decimal_places?.t === 'num' ? [kw.decimal_places.value] : [])];
    const col: ColumnDef = { name: isFk ? `${name}_id` : name, notNull: boolOf(kw.null) !== true, span };
    if (t) col.type = t;
    if (kw.db_default) {
      const d = defaultExpr(kw.db_default.t === 'call' && kw.db_default.name === 'Now' ? { t: 'fn', span: kw.db_default.span, sql: 'now()' } : kw.db_default);
      if (d) col.default = d;
    }
    if (t && /^serial/.test(t.name)) col.serial = true;
    if (boolOf(kw.primary_key)) col.primaryKey = true;
    // `ForeignKey("shop.Customer", …)`, `ForeignKey(Customer, …)` or `ForeignKey(to="shop.customer", …)`; db_constraint=False creates none.
    const to = kw.to ?? field.args[0];
    const target = isFk && boolOf(kw.db_constraint) !== false ? (strOf(to) ?? (to?.t === 'ref' ? to.path : undefined)) : undefined;
    const unique = !!boolOf(kw.unique) || field.name === 'OneToOneField';
    const index = (isFk && boolOf(kw.db_index) !== false && !unique) || !!boolOf(kw.db_index) || (['SlugField'].includes(field.name) && boolOf(kw.db_index) !== false);
    // Django's effective default when none is given: '' for a blank string field, now() for auto_now(_add).
    let pyDefault = kw.default;
    let implicit: 'blank' | 'auto_now' | undefined;
    if (!pyDefault && boolOf(kw.null) !== true) {
      if (boolOf(kw.blank) === true && EMPTY_STRING_FIELDS.has(field.name)) {
        pyDefault = { t: 'str', value: '', s: { value: '', map: [kw.blank.span.start], span: kw.blank.span }, span: kw.blank.span };
        implicit = 'blank';
      } else if (boolOf(kw.auto_now) === true || boolOf(kw.auto_now_add) === true) {
        const k = kw.auto_now ?? kw.auto_now_add;
        pyDefault = { t: 'fn', span: k.span, sql: 'now()' };
        implicit = 'auto_now';
      }
    }
    return { col, fk: target, index, unique, pyDefault, ...(implicit ? { implicit } : {}) };
  }

  private djangoFkTable(target: string): string {
    const t = target.includes('.') ? target.split('.') : [this.appLabel(), target];
    return `${t[0]}_${t[t.length - 1].toLowerCase()}`;
  }

  private async django(c: DslCall): Promise<void> {
    const kw = c.kwargs;
    const a = c.args;
    const pick = (i: number, k: string) => kw[k] ?? a[i];
    const model = strOf(pick(0, 'model_name')) ?? (c.name === 'CreateModel' || c.name === 'DeleteModel' ? strOf(pick(0, 'name')) : undefined);
    const T = this.djangoTable(model);
    const b = (label?: string) => this.base(c, label);
    switch (c.name) {
      case 'SeparateDatabaseAndState':
        for (const ch of c.children ?? []) await this.call(ch);
        for (const ch of c.stateChildren ?? []) {
          const m = strOf(ch.kwargs.model_name ?? ch.args[0]) ?? strOf(ch.kwargs.name ?? ch.args[0]);
          const t = this.djangoTable(ch.name === 'DeleteModel' ? strOf(ch.kwargs.name ?? ch.args[0]) : m);
          if (!t) continue;
          if (ch.name === 'DeleteModel') this.push(ch, { ...this.base(ch, `state-only DeleteModel ${m}`), kind: 'state-remove', table: t });
          if (ch.name === 'RemoveField') {
            const f = strOf(ch.kwargs.name ?? ch.args[1]);
            if (f) this.push(ch, { ...this.base(ch, `state-only RemoveField ${m}.${f}`), kind: 'state-remove', table: t, column: f });
          }
        }
        return;
      case 'RunSQL':
        await this.embeddedSql(c, pick(0, 'sql'));
        return;
      case 'RunPython':
        this.push(c, { ...b('RunPython'), kind: 'opaque', what: 'RunPython: Python code run against the database' });
        return;
      case 'CreateModel': {
        if (!T) return this.unresolvedArg(c, 'the model name');
        const columns: ColumnDef[] = [];
        const constraints: ConstraintDef[] = [];
        const fields = pick(1, 'fields');
        let hasPk = false;
        if (fields?.t === 'list') {
          for (const f of fields.items) {
            if (f.t !== 'list') continue;
            const n = strOf(f.items[0]);
            const d = n ? this.djangoColumn(n, f.items[1], f.span) : undefined;
            if (!d) continue;
            if (d.col.primaryKey) hasPk = true;
            columns.push(d.col);
            if (d.fk) constraints.push({ type: 'foreign-key', columns: [d.col.name], notValid: false, references: { table: this.djangoFkTable(d.fk), columns: ['id'] } });
          }
        }
        if (!hasPk && !columns.some((x) => x.name === 'id')) columns.unshift({ name: 'id', type: typeRef('bigserial'), notNull: true, primaryKey: true, serial: true });
        this.push(c, { ...b(`CreateModel ${model}`), kind: 'create-table', table: T, columns, constraints, ifNotExists: false });
        return;
      }
      case 'DeleteModel':
        if (T) this.push(c, { ...b(`DeleteModel ${model}`), kind: 'drop-table', tables: [{ table: T }], cascade: false, ifExists: false });
        return;
      case 'RenameModel': {
        const from = this.djangoTable(strOf(pick(0, 'old_name')));
        const to = this.djangoTable(strOf(pick(1, 'new_name')));
        if (from && to) this.push(c, { ...b(), kind: 'rename-table', table: from, newName: to });
        return;
      }
      case 'AlterModelTable': {
        const to = strOf(pick(1, 'table'));
        if (T && to) this.push(c, { ...b(), kind: 'rename-table', table: T, newName: to });
        return;
      }
      case 'AddField':
      case 'AlterField': {
        const name = strOf(pick(1, 'name'));
        if (!T || !name) return this.unresolvedArg(c, 'the model or field name');
        const d = this.djangoColumn(name, pick(2, 'field'), c.span);
        if (!d) {
          const f = pick(2, 'field');
          if (!(f?.t === 'call' && f.name === 'ManyToManyField')) this.unresolvedArg(c, 'the field');
          return;
        }
        if (c.name === 'AddField') {
          const pyDefault = d.pyDefault && !d.col.default && d.col.notNull;
          // Django adds the column with the Python default as DEFAULT, backfills, then drops the DEFAULT.
          const col = pyDefault ? { ...d.col, default: defaultExpr(d.pyDefault) } : d.col;
          if (pyDefault) this.out.ormDefaults.push({ call: c, column: d.col.name, table: T, span: d.pyDefault!.span, how: d.implicit ? `django-${d.implicit}` : 'django' });
          this.push(c, { ...b(`AddField ${model}.${name}`), kind: 'add-column', table: T, column: col, ifNotExists: false });
          if (d.fk) this.push(c, { ...b(`AddField ${model}.${name} (foreign key)`), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', columns: [d.col.name], notValid: false, references: { table: this.djangoFkTable(d.fk), columns: ['id'] } } });
          if (d.unique) this.push(c, { ...b(`AddField ${model}.${name} (unique)`), kind: 'add-constraint', table: T, constraint: { type: 'unique', columns: [d.col.name], notValid: false } });
          else if (d.index) this.push(c, { ...b(`AddField ${model}.${name} (index)`), kind: 'create-index', table: T, columns: [d.col.name], unique: false, concurrently: false, ifNotExists: false });
        } else {
          const prev = this.schema?.tables.get(T)?.columns.get(d.col.name);
          if (!prev) {
            // Without the previous definition the safe assumption is what django-migration-linter reports: a type change.
            if (d.col.type) this.push(c, { ...b(`AlterField ${model}.${name}`), kind: 'alter-column-type', table: T, column: d.col.name, type: d.col.type });
            return;
          }
          const same = (x?: TypeRef, y?: TypeRef) => !!x && !!y && x.name === y.name && x.args.join(',') === y.args.join(',') && x.array === y.array;
          if (d.col.type && !same(prev.type, d.col.type)) this.push(c, { ...b(`AlterField ${model}.${name}`), kind: 'alter-column-type', table: T, column: d.col.name, type: d.col.type, ...(prev.type ? { fromType: prev.type } : {}) });
          // Only `db_default=` lives in the database (Python `default=` emits no SQL): compare that.
          if (prev.hasDefault && !d.col.default && !d.col.serial) this.push(c, { ...b(`AlterField ${model}.${name} (DROP DEFAULT)`), kind: 'drop-default', table: T, column: d.col.name });
          if (!prev.hasDefault && d.col.default) this.push(c, { ...b(`AlterField ${model}.${name} (SET DEFAULT)`), kind: 'set-default', table: T, column: d.col.name, default: d.col.default });
          if (d.col.notNull && !prev.notNull) this.push(c, { ...b(`AlterField ${model}.${name} (NOT NULL)`), kind: 'set-not-null', table: T, column: d.col.name });
          if (!d.col.notNull && prev.notNull) this.push(c, { ...b(`AlterField ${model}.${name} (NULL)`), kind: 'drop-not-null', table: T, column: d.col.name });
        }
        return;
      }
      case 'RemoveField': {
        const name = strOf(pick(1, 'name'));
        if (T && name) this.push(c, { ...b(`RemoveField ${model}.${name}`), kind: 'drop-column', table: T, column: name, cascade: false, ifExists: false });
        return;
      }
      case 'RenameField': {
        const from = strOf(pick(1, 'old_name'));
        const to = strOf(pick(2, 'new_name'));
        if (T && from && to) this.push(c, { ...b(), kind: 'rename-column', table: T, column: from, newName: to });
        return;
      }
      case 'AddIndex':
      case 'AddIndexConcurrently': {
        const idx = pick(1, 'index');
        if (!T || idx?.t !== 'call') return this.unresolvedArg(c, 'the index');
        const cols = strListOf(idx.kwargs.fields) ?? [];
        this.push(c, { ...b(`${c.name} ${model}`), kind: 'create-index', table: T, name: strOf(idx.kwargs.name), columns: cols.map((x) => x.replace(/^-/, '')), unique: false, concurrently: c.name === 'AddIndexConcurrently', ifNotExists: false, ...(idx.kwargs.condition ? { where: true } : {}) });
        return;
      }
      case 'RemoveIndex':
      case 'RemoveIndexConcurrently': {
        const name = strOf(pick(1, 'name'));
        if (T) this.push(c, { ...b(), kind: 'drop-index', names: [name ?? '?'], table: T, concurrently: c.name === 'RemoveIndexConcurrently', ifExists: false });
        return;
      }
      case 'AddConstraint':
      case 'AddConstraintNotValid': {
        const con = pick(1, 'constraint');
        if (!T || con?.t !== 'call') return this.unresolvedArg(c, 'the constraint');
        const type = con.name === 'CheckConstraint' ? 'check' : con.name === 'UniqueConstraint' ? 'unique' : con.name === 'ExclusionConstraint' ? 'exclude' : undefined;
        if (!type) return this.unresolvedArg(c, `a ${con.name}`);
        const cond = con.kwargs.condition ?? con.kwargs.check;
        const nn = cond?.t === 'call' && cond.name === 'Q' ? Object.keys(cond.kwargs).find((k) => /__isnull$/.test(k) && boolOf(cond.kwargs[k]) === false)?.replace(/__isnull$/, '') : undefined;
        this.push(c, { ...b(`${c.name} ${model}`), kind: 'add-constraint', table: T, constraint: { type, name: strOf(con.kwargs.name), columns: strListOf(con.kwargs.fields) ?? (nn ? [nn] : []), notValid: c.name === 'AddConstraintNotValid', ...(nn ? { notNullColumn: nn } : {}), ...(type === 'unique' && con.kwargs.condition ? {} : {}) } });
        if (type === 'unique' && con.kwargs.condition) {
          // A partial UniqueConstraint is created as a unique index.
          const op = this.out.ops.pop()!;
          this.out.origin.delete(op);
          this.push(c, { ...b(`${c.name} ${model}`), kind: 'create-index', table: T, name: strOf(con.kwargs.name), columns: strListOf(con.kwargs.fields) ?? [], unique: true, concurrently: false, ifNotExists: false, where: true });
        }
        return;
      }
      case 'ValidateConstraint': {
        const name = strOf(pick(1, 'name'));
        if (T && name) this.push(c, { ...b(), kind: 'validate-constraint', table: T, name });
        return;
      }
      case 'RemoveConstraint': {
        const name = strOf(pick(1, 'name'));
        if (T && name) this.push(c, { ...b(), kind: 'drop-constraint', table: T, name, ifExists: false });
        return;
      }
      case 'AlterUniqueTogether': {
        if (T) this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'unique', columns: [], notValid: false } });
        return;
      }
      default:
        this.push(c, { ...b(), kind: 'other', statement: c.name, ...(T ? { table: T } : {}) });
    }
  }

  /** The schema before this file (earlier migrations replayed): Django AlterField compares with it. */
  schema?: SchemaState;

  // ───────────────────────────── Alembic ─────────────────────────────

  private saColumn(v: DslValue | undefined, span: Span): { col: ColumnDef; pyDefault?: DslValue } | undefined {
    if (v?.t !== 'call' || v.name !== 'Column') return undefined;
    const name = strOf(v.args[0]);
    if (!name) return undefined;
    const typeArg = v.args.find((x, i) => i > 0 && (x.t === 'call' || x.t === 'ref'));
    const kw = v.kwargs;
    const pk = !!boolOf(kw.primary_key);
    const col: ColumnDef = { name, notNull: kw.nullable ? boolOf(kw.nullable) === false : pk, span };
    const t = typeOfValue(typeArg);
    if (t) col.type = t;
    const sd = kw.server_default;
    if (sd) {
      const d = sd.t === 'call' && (sd.name === 'text' || sd.name === 'literal_column') ? defaultExpr(sd.args[0], true) : sd.t === 'call' ? defaultExpr(sd) : defaultExpr(sd, true);
      if (d && !d.isNull) col.default = d;
    }
    if (pk) col.primaryKey = true;
    if (v.args.some((x) => x.t === 'call' && x.name === 'ForeignKey')) {
      const fk = v.args.find((x) => x.t === 'call' && x.name === 'ForeignKey') as Extract<DslValue, { t: 'call' }>;
      const target = strOf(fk.args[0]);
      if (target) col.references = { table: target.split('.')[0], columns: [target.split('.')[1] ?? 'id'] };
    }
    return { col, pyDefault: kw.default };
  }

  private async alembic(c: DslCall, batchTable?: string): Promise<void> {
    const a = c.args;
    const kw = c.kwargs;
    const b = (label?: string) => this.base(c, label);
    const off = batchTable ? 1 : 0;
    const T = batchTable ?? strOf(kw.table_name ?? a[0]);
    const arg = (i: number) => strOf(a[i - off]);
    switch (c.name) {
      case 'batch_alter_table':
        for (const ch of c.children ?? []) await this.alembic(ch, c.blockTable);
        return;
      case 'execute':
        await this.embeddedSql(c, a[0]);
        return;
      case 'add_column': {
        const col = this.saColumn(a[1 - off], c.span);
        if (!T || !col) return this.unresolvedArg(c, 'the column');
        if (col.pyDefault && !col.col.default && col.col.notNull) this.out.ormDefaults.push({ call: c, column: col.col.name, table: T, span: col.pyDefault.span, how: 'sqlalchemy' });
        this.push(c, { ...b(`op.add_column("${T}", "${col.col.name}")`), kind: 'add-column', table: T, column: col.col, ifNotExists: !!boolOf(kw.if_not_exists) });
        if (col.col.references) this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', columns: [col.col.name], notValid: false, references: col.col.references } });
        return;
      }
      case 'drop_column': {
        const col = arg(1);
        if (T && col) this.push(c, { ...b(`op.drop_column("${T}", "${col}")`), kind: 'drop-column', table: T, column: col, cascade: false, ifExists: !!boolOf(kw.if_exists) });
        return;
      }
      case 'alter_column': {
        const col = arg(1);
        if (!T || !col) return this.unresolvedArg(c, 'the column');
        if (kw.type_) {
          const t = typeOfValue(kw.type_);
          if (t) this.push(c, { ...b(`op.alter_column("${T}", "${col}", type_=…)`), kind: 'alter-column-type', table: T, column: col, type: t, ...(kw.existing_type ? { fromType: typeOfValue(kw.existing_type) } : {}) });
        }
        if (kw.nullable) {
          const n = boolOf(kw.nullable);
          if (n === false) this.push(c, { ...b(`op.alter_column("${T}", "${col}", nullable=False)`), kind: 'set-not-null', table: T, column: col });
          if (n === true) this.push(c, { ...b(), kind: 'drop-not-null', table: T, column: col });
        }
        if (kw.server_default) {
          const sd = kw.server_default;
          const d = sd.t === 'call' ? defaultExpr(sd.args[0], true) : defaultExpr(sd, true);
          this.push(c, !d || d.isNull || (sd.t === 'bool' && !sd.value) ? { ...b(), kind: 'drop-default', table: T, column: col } : { ...b(), kind: 'set-default', table: T, column: col, default: d });
        }
        const nn = strOf(kw.new_column_name);
        if (nn) this.push(c, { ...b(), kind: 'rename-column', table: T, column: col, newName: nn });
        return;
      }
      case 'create_table': {
        const name = strOf(a[0]);
        if (!name) return this.unresolvedArg(c, 'the table name');
        const columns: ColumnDef[] = [];
        for (const x of a.slice(1)) {
          const col = this.saColumn(x, x.span);
          if (col) columns.push(col.col);
        }
        this.push(c, { ...b(`op.create_table("${name}")`), kind: 'create-table', table: name, columns, constraints: [], ifNotExists: !!boolOf(kw.if_not_exists) });
        return;
      }
      case 'drop_table':
        if (T) this.push(c, { ...b(`op.drop_table("${T}")`), kind: 'drop-table', tables: [{ table: T }], cascade: false, ifExists: !!boolOf(kw.if_exists) });
        return;
      case 'rename_table': {
        const to = strOf(a[1]);
        if (T && to) this.push(c, { ...b(), kind: 'rename-table', table: T, newName: to });
        return;
      }
      case 'create_index': {
        const table = batchTable ?? strOf(kw.table_name ?? a[1]);
        const cols = strListOf(kw.columns ?? a[2 - off]);
        if (!table || !cols) return this.unresolvedArg(c, 'the table or columns');
        this.push(c, { ...b(`op.create_index("${strOf(a[0]) ?? ''}")`), kind: 'create-index', table, name: strOf(a[0]), columns: cols, unique: !!boolOf(kw.unique), concurrently: !!boolOf(kw.postgresql_concurrently), ifNotExists: !!boolOf(kw.if_not_exists), ...(kw.postgresql_where ? { where: true } : {}) });
        return;
      }
      case 'drop_index': {
        const name = strOf(a[0]);
        const table = batchTable ?? strOf(kw.table_name ?? a[1]);
        this.push(c, { ...b(`op.drop_index("${name ?? ''}")`), kind: 'drop-index', names: [name ?? '?'], ...(table ? { table } : {}), concurrently: !!boolOf(kw.postgresql_concurrently), ifExists: !!boolOf(kw.if_exists) });
        return;
      }
      case 'create_foreign_key': {
        const src = batchTable ?? strOf(a[1]);
        const ref = strOf(a[2 - off]);
        if (!src || !ref) return this.unresolvedArg(c, 'the tables');
        this.push(c, { ...b(`op.create_foreign_key("${strOf(a[0]) ?? ''}")`), kind: 'add-constraint', table: src, constraint: { type: 'foreign-key', name: strOf(a[0]), columns: strListOf(a[3 - off]) ?? [], notValid: !!boolOf(kw.postgresql_not_valid), references: { table: ref, columns: strListOf(a[4 - off]) ?? ['id'] } } });
        return;
      }
      case 'create_check_constraint': {
        const table = batchTable ?? strOf(a[1]);
        const cond = a[2 - off];
        const expr = cond?.t === 'str' ? cond.value : cond?.t === 'call' ? (strOf(cond.args[0]) ?? '') : '';
        if (!table) return this.unresolvedArg(c, 'the table');
        const nn = notNullCheckColumn(expr);
        this.push(c, { ...b(`op.create_check_constraint("${strOf(a[0]) ?? ''}")`), kind: 'add-constraint', table, constraint: { type: 'check', name: strOf(a[0]), columns: nn ? [nn] : [], notValid: !!boolOf(kw.postgresql_not_valid), expr, ...(nn ? { notNullColumn: nn } : {}) } });
        return;
      }
      case 'create_unique_constraint':
      case 'create_primary_key':
      case 'create_exclude_constraint': {
        const table = batchTable ?? strOf(a[1]);
        if (!table) return;
        const type = c.name === 'create_unique_constraint' ? 'unique' : c.name === 'create_primary_key' ? 'primary-key' : 'exclude';
        this.push(c, { ...b(), kind: 'add-constraint', table, constraint: { type, name: strOf(a[0]), columns: strListOf(a[2 - off]) ?? [], notValid: false } });
        return;
      }
      case 'drop_constraint': {
        const table = batchTable ?? strOf(a[1]);
        if (table) this.push(c, { ...b(), kind: 'drop-constraint', table, name: strOf(a[0]) ?? '?', ifExists: !!boolOf(kw.if_exists) });
        return;
      }
      case 'bulk_insert':
        this.push(c, { ...b(), kind: 'other', statement: 'bulk_insert' });
        return;
      default:
        this.push(c, { ...b(), kind: 'other', statement: c.name, ...(T ? { table: T } : {}) });
    }
  }

  // ───────────────────────────── Knex ─────────────────────────────

  private knexColumn(ch: DslCall): ColumnDef | undefined {
    const name = strOf(ch.args[0]);
    if (!name) return undefined;
    const chain = ch.chain ?? [];
    const has = (n: string) => chain.find((x) => x.name === n);
    const nums = ch.args.slice(1).filter((x): x is Extract<DslValue, { t: 'num' }> => x.t === 'num').map((x) => x.value);
    const t = typeRef(ch.name === 'specificType' ? (strOf(ch.args[1]) ?? 'unknown') : ch.name, nums, ch.name, ch.nameSpan);
    if (ch.name === 'string' && !nums.length) t.args = [255];
    const col: ColumnDef = { name, type: t, notNull: !!has('notNullable') || !!has('primary'), span: ch.span };
    const d = has('defaultTo');
    if (d) {
      const expr = defaultExpr(d.args[0]);
      if (expr && !expr.isNull) col.default = expr;
    }
    if (/^serial/.test(t.name)) col.serial = true;
    if (has('primary') || /increments/i.test(ch.name)) col.primaryKey = true;
    if (has('unique')) col.unique = true;
    const ref = has('references');
    if (ref) {
      const target = strOf(ref.args[0]) ?? '';
      const inTable = strOf(has('inTable')?.args[0]);
      col.references = { table: inTable ?? target.split('.')[0], columns: [inTable ? target : (target.split('.')[1] ?? 'id')] };
    }
    return col;
  }

  private async knex(c: DslCall): Promise<void> {
    const a = c.args;
    const b = (ch: DslCall, label?: string) => this.base(ch, label);
    switch (c.name) {
      case 'raw':
        await this.embeddedSql(c, a[0]);
        return;
      case 'createTable':
      case 'createTableIfNotExists': {
        const T = c.blockTable;
        if (!T) return this.unresolvedArg(c, 'the table name');
        const columns: ColumnDef[] = [];
        const rest: DslCall[] = [];
        for (const ch of c.children ?? []) {
          if (ch.name === 'timestamps') for (const cn of ['created_at', 'updated_at']) columns.push({ name: cn, type: typeRef('timestamptz'), notNull: boolOf(ch.args[1]) === true, span: ch.span });
          else if (['index', 'unique', 'foreign', 'primary', 'check'].includes(ch.name)) rest.push(ch);
          else {
            const col = this.knexColumn(ch);
            if (col) columns.push(col);
          }
        }
        this.push(c, { ...b(c, `createTable("${T}")`), kind: 'create-table', table: T, columns, constraints: [], ifNotExists: c.name === 'createTableIfNotExists' });
        for (const ch of rest) this.knexChild(ch, T);
        return;
      }
      case 'alterTable':
      case 'table': {
        const T = c.blockTable;
        if (!T) return this.unresolvedArg(c, 'the table name');
        for (const ch of c.children ?? []) {
          this.knexChild(ch, T);
          this.stmt++;
        }
        return;
      }
      case 'dropTable':
      case 'dropTableIfExists': {
        const T = strOf(a[0]);
        if (T) this.push(c, { ...b(c, `dropTable("${T}")`), kind: 'drop-table', tables: [{ table: T }], cascade: false, ifExists: c.name === 'dropTableIfExists' });
        return;
      }
      case 'renameTable': {
        const from = strOf(a[0]);
        const to = strOf(a[1]);
        if (from && to) this.push(c, { ...b(c), kind: 'rename-table', table: from, newName: to });
        return;
      }
      default:
        this.push(c, { ...b(c), kind: 'other', statement: c.name });
    }
  }

  private knexChild(ch: DslCall, T: string): void {
    const a = ch.args;
    const b = (label?: string) => this.base(ch, label);
    const chainHas = (n: string) => (ch.chain ?? []).some((x) => x.name === n);
    switch (ch.name) {
      case 'index':
      case 'unique': {
        const cols = strListOf(a[0]);
        if (!cols) return this.unresolvedArg(ch, 'the columns');
        const name = strOf(a[1]) ?? (a[1]?.t === 'hash' ? strOf(a[1].entries.indexName) : undefined);
        if (ch.name === 'unique') this.push(ch, { ...b(`table.unique(${cols.join(', ')})`), kind: 'add-constraint', table: T, constraint: { type: 'unique', name, columns: cols, notValid: false } });
        else this.push(ch, { ...b(`table.index(${cols.join(', ')})`), kind: 'create-index', table: T, name, columns: cols, unique: false, concurrently: false, ifNotExists: false });
        return;
      }
      case 'dropIndex':
      case 'dropUnique':
        this.push(ch, { ...b(), kind: 'drop-index', names: [strOf(a[1]) ?? `${T}_${(strListOf(a[0]) ?? []).join('_')}_${ch.name === 'dropIndex' ? 'index' : 'unique'}`], table: T, concurrently: false, ifExists: false });
        return;
      case 'dropColumn':
      case 'dropColumns':
        for (const x of a) {
          const n = strOf(x);
          if (n) this.push(ch, { ...b(`table.dropColumn("${n}")`), kind: 'drop-column', table: T, column: n, cascade: false, ifExists: false });
        }
        return;
      case 'renameColumn': {
        const from = strOf(a[0]);
        const to = strOf(a[1]);
        if (from && to) this.push(ch, { ...b(), kind: 'rename-column', table: T, column: from, newName: to });
        return;
      }
      case 'dropNullable':
      case 'setNullable': {
        const n = strOf(a[0]);
        if (n) this.push(ch, ch.name === 'dropNullable' ? { ...b(`table.dropNullable("${n}")`), kind: 'set-not-null', table: T, column: n } : { ...b(), kind: 'drop-not-null', table: T, column: n });
        return;
      }
      case 'foreign': {
        const cols = strListOf(a[0]);
        const ref = (ch.chain ?? []).find((x) => x.name === 'references');
        const inTable = strOf((ch.chain ?? []).find((x) => x.name === 'inTable')?.args[0]);
        const target = strOf(ref?.args[0]) ?? '';
        if (!cols) return;
        this.push(ch, { ...b(`table.foreign(${cols.join(', ')})`), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', name: strOf(a[1]), columns: cols, notValid: false, references: { table: inTable ?? target.split('.')[0], columns: [inTable ? target : (target.split('.')[1] ?? 'id')] } } });
        return;
      }
      case 'dropForeign':
        this.push(ch, { ...b(), kind: 'drop-constraint', table: T, name: strOf(a[1]) ?? '?', constraintType: 'foreign-key', ifExists: false });
        return;
      case 'check':
        this.push(ch, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'check', columns: [], notValid: false, expr: strOf(a[0]) } });
        return;
      case 'timestamps':
        for (const cn of ['created_at', 'updated_at']) this.push(ch, { ...b(), kind: 'add-column', table: T, column: { name: cn, type: typeRef('timestamptz'), notNull: boolOf(a[1]) === true }, ifNotExists: false });
        return;
      default: {
        const col = this.knexColumn(ch);
        if (!col) return;
        if (chainHas('alter')) {
          if (col.type) this.push(ch, { ...b(`table.${ch.name}("${col.name}").alter()`), kind: 'alter-column-type', table: T, column: col.name, type: col.type });
          if (col.notNull) this.push(ch, { ...b(), kind: 'set-not-null', table: T, column: col.name });
          return;
        }
        const { references, unique, ...plain } = col;
        this.push(ch, { ...b(`table.${ch.name}("${col.name}")`), kind: 'add-column', table: T, column: plain, ifNotExists: false });
        if (references) this.push(ch, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', columns: [col.name], notValid: false, references } });
        if (unique) this.push(ch, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'unique', columns: [col.name], notValid: false } });
        if (chainHas('index')) this.push(ch, { ...b(), kind: 'create-index', table: T, columns: [col.name], unique: false, concurrently: false, ifNotExists: false });
      }
    }
  }

  // ───────────────────────────── TypeORM ─────────────────────────────

  private ormColumn(v: DslValue | undefined, span: Span): ColumnDef | undefined {
    const h = v?.t === 'call' ? v.args[0] : v;
    if (h?.t !== 'hash') return undefined;
    const e = h.entries;
    const name = strOf(e.name);
    if (!name) return undefined;
    const t = strOf(e.type);
    const col: ColumnDef = { name, notNull: boolOf(e.isNullable) !== true && boolOf(e.allowNull) !== true, span };
    if (t) col.type = typeRef(t, e.length?.t === 'num' ? [e.length.value] : e.length?.t === 'str' ? [Number(e.length.value)] : [], t);
    const d = e.default;
    if (d) {
      // TypeORM passes `default` strings to SQL as written (`"'x'"`, `"now()"`).
      const expr = d.t === 'str' ? { text: d.value, volatility: volatilityOf(d.value), span: d.span } : defaultExpr(d);
      if (expr && !expr.isNull) col.default = expr;
    }
    if (boolOf(e.isPrimary)) col.primaryKey = true;
    if (boolOf(e.isUnique)) col.unique = true;
    if (strOf(e.generationStrategy) === 'increment') col.serial = true;
    return col;
  }

  private async typeorm(c: DslCall): Promise<void> {
    const a = c.args;
    const b = (label?: string) => this.base(c, label);
    const tableName = (v: DslValue | undefined) => strOf(v) ?? (v?.t === 'call' && v.args[0]?.t === 'hash' ? strOf(v.args[0].entries.name) : undefined);
    const T = tableName(a[0]);
    switch (c.name) {
      case 'query':
        await this.embeddedSql(c, a[0]);
        return;
      case 'addColumn':
      case 'addColumns': {
        const cols = c.name === 'addColumn' ? [a[1]] : a[1]?.t === 'list' ? a[1].items : [];
        if (!T) return this.unresolvedArg(c, 'the table');
        for (const v of cols) {
          const col = this.ormColumn(v, c.span);
          if (!col) {
            this.unresolvedArg(c, 'the column');
            continue;
          }
          const { unique, ...plain } = col;
          this.push(c, { ...b(`queryRunner.addColumn("${T}", "${col.name}")`), kind: 'add-column', table: T, column: plain, ifNotExists: false });
          if (unique) this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'unique', columns: [col.name], notValid: false } });
        }
        return;
      }
      case 'dropColumn':
      case 'dropColumns': {
        const cols = c.name === 'dropColumn' ? [a[1]] : a[1]?.t === 'list' ? a[1].items : [];
        for (const v of cols) {
          const n = strOf(v) ?? this.ormColumn(v, c.span)?.name;
          if (T && n) this.push(c, { ...b(`queryRunner.dropColumn("${T}", "${n}")`), kind: 'drop-column', table: T, column: n, cascade: false, ifExists: false });
        }
        return;
      }
      case 'changeColumn': {
        const old = strOf(a[1]) ?? this.ormColumn(a[1], c.span)?.name;
        const col = this.ormColumn(a[2], c.span);
        if (!T || !old || !col) return this.unresolvedArg(c, 'the column');
        if (col.name !== old) this.push(c, { ...b(), kind: 'rename-column', table: T, column: old, newName: col.name });
        if (col.type) this.push(c, { ...b(`queryRunner.changeColumn("${T}", "${old}")`), kind: 'alter-column-type', table: T, column: col.name, type: col.type });
        if (col.notNull) this.push(c, { ...b(), kind: 'set-not-null', table: T, column: col.name });
        return;
      }
      case 'renameColumn': {
        const from = strOf(a[1]);
        const to = strOf(a[2]);
        if (T && from && to) this.push(c, { ...b(), kind: 'rename-column', table: T, column: from, newName: to });
        return;
      }
      case 'createIndex': {
        const h = a[1]?.t === 'call' ? a[1].args[0] : a[1];
        if (!T || h?.t !== 'hash') return this.unresolvedArg(c, 'the index');
        this.push(c, { ...b(`queryRunner.createIndex("${T}")`), kind: 'create-index', table: T, name: strOf(h.entries.name), columns: strListOf(h.entries.columnNames) ?? [], unique: !!boolOf(h.entries.isUnique), concurrently: !!boolOf(h.entries.isConcurrent), ifNotExists: false, ...(h.entries.where ? { where: true } : {}) });
        return;
      }
      case 'dropIndex': {
        const name = strOf(a[1]) ?? (a[1]?.t === 'call' && a[1].args[0]?.t === 'hash' ? strOf(a[1].args[0].entries.name) : undefined);
        this.push(c, { ...b(), kind: 'drop-index', names: [name ?? '?'], ...(T ? { table: T } : {}), concurrently: false, ifExists: false });
        return;
      }
      case 'createForeignKey': {
        const h = a[1]?.t === 'call' ? a[1].args[0] : a[1];
        if (!T || h?.t !== 'hash') return this.unresolvedArg(c, 'the foreign key');
        this.push(c, { ...b(`queryRunner.createForeignKey("${T}")`), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', name: strOf(h.entries.name), columns: strListOf(h.entries.columnNames) ?? [], notValid: false, references: { table: strOf(h.entries.referencedTableName) ?? '?', columns: strListOf(h.entries.referencedColumnNames) ?? ['id'] } } });
        return;
      }
      case 'createTable': {
        const h = a[0]?.t === 'call' ? a[0].args[0] : a[0];
        const name = h?.t === 'hash' ? strOf(h.entries.name) : undefined;
        if (!name || h?.t !== 'hash') return this.unresolvedArg(c, 'the table');
        const columns = (h.entries.columns?.t === 'list' ? h.entries.columns.items : []).map((x) => this.ormColumn(x, x.span)).filter((x): x is ColumnDef => !!x);
        this.push(c, { ...b(`queryRunner.createTable("${name}")`), kind: 'create-table', table: name, columns, constraints: [], ifNotExists: !!boolOf(a[1]) });
        return;
      }
      case 'dropTable':
        if (T) this.push(c, { ...b(`queryRunner.dropTable("${T}")`), kind: 'drop-table', tables: [{ table: T }], cascade: false, ifExists: !!boolOf(a[1]) });
        return;
      case 'renameTable': {
        const to = strOf(a[1]);
        if (T && to) this.push(c, { ...b(), kind: 'rename-table', table: T, newName: to });
        return;
      }
      case 'createUniqueConstraint':
      case 'createCheckConstraint':
      case 'createPrimaryKey': {
        if (!T) return;
        const type = c.name === 'createUniqueConstraint' ? 'unique' : c.name === 'createCheckConstraint' ? 'check' : 'primary-key';
        const h = a[1]?.t === 'call' ? a[1].args[0] : undefined;
        const expr = h?.t === 'hash' ? strOf(h.entries.expression) : undefined;
        const nn = expr ? notNullCheckColumn(expr) : undefined;
        this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type, columns: h?.t === 'hash' ? (strListOf(h.entries.columnNames) ?? []) : (strListOf(a[1]) ?? []), notValid: false, ...(expr ? { expr } : {}), ...(nn ? { notNullColumn: nn } : {}) } });
        return;
      }
      case 'clearTable':
        if (T) this.push(c, { ...b(), kind: 'truncate', tables: [{ table: T }], cascade: false });
        return;
      default:
        this.push(c, { ...b(), kind: 'other', statement: c.name, ...(T ? { table: T } : {}) });
    }
  }

  // ───────────────────────────── Sequelize ─────────────────────────────

  private seqColumn(name: string, v: DslValue | undefined, span: Span): ColumnDef {
    const h = v?.t === 'hash' ? v.entries : undefined;
    const typeV = h ? h.type : v;
    const col: ColumnDef = { name, notNull: h ? boolOf(h.allowNull) === false || !!boolOf(h.primaryKey) : false, span };
    const t = typeOfValue(typeV);
    if (t) col.type = t;
    if (h?.defaultValue) {
      const d = defaultExpr(h.defaultValue);
      if (d && !d.isNull) col.default = d;
    }
    if (h && boolOf(h.autoIncrement)) col.serial = true;
    if (h && boolOf(h.primaryKey)) col.primaryKey = true;
    if (h?.references?.t === 'hash') {
      const m = h.references.entries;
      const table = strOf(m.model) ?? (m.model?.t === 'hash' ? strOf(m.model.entries.tableName) : undefined);
      if (table) col.references = { table, columns: [strOf(m.key) ?? 'id'] };
    }
    if (h && boolOf(h.unique)) col.unique = true;
    return col;
  }

  private async sequelize(c: DslCall): Promise<void> {
    const a = c.args;
    const kw = c.kwargs;
    const b = (label?: string) => this.base(c, label);
    const T = strOf(a[0]) ?? (a[0]?.t === 'hash' ? strOf(a[0].entries.tableName) : undefined);
    switch (c.name) {
      case 'query':
        await this.embeddedSql(c, a[0]);
        return;
      case 'addColumn': {
        const n = strOf(a[1]);
        if (!T || !n) return this.unresolvedArg(c, 'the table or column');
        const { references, unique, ...col } = this.seqColumn(n, a[2], c.span);
        this.push(c, { ...b(`queryInterface.addColumn("${T}", "${n}")`), kind: 'add-column', table: T, column: col, ifNotExists: false });
        if (references) this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'foreign-key', columns: [n], notValid: false, references } });
        if (unique) this.push(c, { ...b(), kind: 'add-constraint', table: T, constraint: { type: 'unique', columns: [n], notValid: false } });
        return;
      }
      case 'removeColumn': {
        const n = strOf(a[1]);
        if (T && n) this.push(c, { ...b(`queryInterface.removeColumn("${T}", "${n}")`), kind: 'drop-column', table: T, column: n, cascade: false, ifExists: false });
        return;
      }
      case 'changeColumn': {
        const n = strOf(a[1]);
        if (!T || !n) return this.unresolvedArg(c, 'the table or column');
        const col = this.seqColumn(n, a[2], c.span);
        if (col.type) this.push(c, { ...b(`queryInterface.changeColumn("${T}", "${n}")`), kind: 'alter-column-type', table: T, column: n, type: col.type });
        if (col.notNull) this.push(c, { ...b(), kind: 'set-not-null', table: T, column: n });
        return;
      }
      case 'renameColumn': {
        const from = strOf(a[1]);
        const to = strOf(a[2]);
        if (T && from && to) this.push(c, { ...b(), kind: 'rename-column', table: T, column: from, newName: to });
        return;
      }
      case 'addIndex': {
        const opts = a[2]?.t === 'hash' ? a[2].entries : a[1]?.t === 'hash' ? a[1].entries : kw;
        const cols = strListOf(a[1]?.t === 'list' ? a[1] : opts.fields);
        if (!T || !cols) return this.unresolvedArg(c, 'the table or fields');
        this.push(c, { ...b(`queryInterface.addIndex("${T}")`), kind: 'create-index', table: T, name: strOf(opts.name), columns: cols, unique: !!boolOf(opts.unique), concurrently: !!boolOf(opts.concurrently), ifNotExists: false, ...(opts.where ? { where: true } : {}) });
        return;
      }
      case 'removeIndex': {
        const name = strOf(a[1]) ?? `${T}_${(strListOf(a[1]) ?? []).join('_')}`;
        const opts = a[2]?.t === 'hash' ? a[2].entries : {};
        this.push(c, { ...b(`queryInterface.removeIndex("${T ?? ''}")`), kind: 'drop-index', names: [name], ...(T ? { table: T } : {}), concurrently: !!boolOf(opts.concurrently), ifExists: false });
        return;
      }
      case 'addConstraint': {
        const h = a[1]?.t === 'hash' ? a[1].entries : undefined;
        if (!T || !h) return this.unresolvedArg(c, 'the constraint');
        const ty = (strOf(h.type) ?? '').toLowerCase();
        const type = ty.startsWith('foreign') ? 'foreign-key' : ty === 'check' ? 'check' : ty === 'unique' ? 'unique' : ty.startsWith('primary') ? 'primary-key' : undefined;
        if (!type) return this.unresolvedArg(c, 'the constraint type');
        const ref = h.references?.t === 'hash' ? h.references.entries : undefined;
        this.push(c, { ...b(`queryInterface.addConstraint("${T}", ${ty})`), kind: 'add-constraint', table: T, constraint: { type, name: strOf(h.name), columns: strListOf(h.fields) ?? [], notValid: false, ...(ref ? { references: { table: strOf(ref.table) ?? '?', columns: [strOf(ref.field) ?? 'id'] } } : {}) } });
        return;
      }
      case 'removeConstraint':
        if (T) this.push(c, { ...b(), kind: 'drop-constraint', table: T, name: strOf(a[1]) ?? '?', ifExists: false });
        return;
      case 'createTable': {
        if (!T) return this.unresolvedArg(c, 'the table');
        const cols = a[1]?.t === 'hash' ? Object.entries(a[1].entries).map(([n, v]) => this.seqColumn(n, v, v.span)) : [];
        this.push(c, { ...b(`queryInterface.createTable("${T}")`), kind: 'create-table', table: T, columns: cols, constraints: [], ifNotExists: false });
        return;
      }
      case 'dropTable':
        if (T) this.push(c, { ...b(`queryInterface.dropTable("${T}")`), kind: 'drop-table', tables: [{ table: T }], cascade: false, ifExists: false });
        return;
      case 'renameTable': {
        const to = strOf(a[1]);
        if (T && to) this.push(c, { ...b(), kind: 'rename-table', table: T, newName: to });
        return;
      }
      case 'bulkUpdate':
      case 'bulkDelete':
        if (T) this.push(c, { ...b(), kind: 'dml', verb: c.name === 'bulkUpdate' ? 'update' : 'delete', table: T, hasWhere: !!a[c.name === 'bulkUpdate' ? 2 : 1] && !(a[c.name === 'bulkUpdate' ? 2 : 1]?.t === 'hash' && Object.keys((a[c.name === 'bulkUpdate' ? 2 : 1] as Extract<DslValue, { t: 'hash' }>).entries).length === 0) });
        return;
      default:
        this.push(c, { ...b(), kind: 'other', statement: c.name, ...(T ? { table: T } : {}) });
    }
  }
}

/** Maps every span of an op produced from SQL text to file offsets. */
function shiftSpans(v: unknown, at: (o: number) => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shiftSpans(x, at));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const isSpan = typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2;
  if (isSpan) return { start: at(o.start as number), end: at(o.end as number) };
  for (const [k, x] of Object.entries(o)) {
    if (k === 'anchors' && x && typeof x === 'object') {
      out[k] = Object.fromEntries(Object.entries(x).map(([ak, av]) => [ak, typeof av === 'number' ? at(av) : av]));
    } else out[k] = shiftSpans(x, at);
  }
  return out;
}

/** The name Rails gives a foreign key it creates: `fk_rails_` + the first 10 hex digits of SHA-256("<table>_<column>_fk"). */
export function railsFkName(table: string, column: string): string {
  return `fk_rails_${createHash('sha256').update(`${table}_${column}_fk`).digest('hex').slice(0, 10)}`;
}

function pluralize(s: string): string {
  if (/(s|x|z|ch|sh)$/.test(s)) return s + 'es';
  if (/[^aeiou]y$/.test(s)) return s.slice(0, -1) + 'ies';
  return s + 's';
}

function singularize(s: string): string {
  if (/ies$/.test(s)) return s.slice(0, -3) + 'y';
  if (/(ses|xes|zes|ches|shes)$/.test(s)) return s.slice(0, -2);
  if (/s$/.test(s)) return s.slice(0, -1);
  return s;
}

export async function dslToOps(file: DslFile, path: string, dialect: Dialect, sql: SqlFrontEnd, schema?: SchemaState): Promise<MappedOps> {
  const m = new OpMapper(file, path, dialect, sql);
  if (schema) m.schema = schema;
  return m.run();
}
