/**
 * The operation model of migration linting.
 *
 * Front ends (the Postgres and MySQL SQL parsers here; the Rails/Django/Alembic/Knex/TypeORM/
 * Sequelize DSL front ends elsewhere) turn each statement or DSL call into one or more `MigrationOp`s.
 * Rules read ops, never SQL text. A new front end gets every rule for free by emitting these ops
 * and calling `lintOps` (./lint.ts).
 *
 * Conventions:
 * - Offsets (`Span`) are UTF-16 character offsets into the text of the file the ops came from.
 * - Identifiers are normalised the way the database does: unquoted Postgres identifiers lower-cased,
 *   quoted ones kept; MySQL names kept as written (without backticks).
 * - `stmt` numbers statements (or DSL calls) in file order from 0. Several ops may share one `stmt`
 *   (e.g. `ALTER TABLE t ADD COLUMN a int, ADD CONSTRAINT …` gives two ops with the same `stmt`).
 * - `lock` may be left undefined by a front end: `lintOps` fills it from `lockOf` (./locks.ts).
 *
 * This shape is a contract with the DSL front ends: extend it (new optional fields, new kinds),
 * do not rename or remove.
 */

import type { Finding, Fix } from '../model';

export type Dialect = 'postgres' | 'mysql';

/** Half-open range [start, end) of UTF-16 offsets into the file. */
export interface Span {
  start: number;
  end: number;
}

/** PostgreSQL table-level lock modes, weakest first. */
export type PgLockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

export const PG_LOCK_MODES: readonly PgLockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

/** MySQL/MariaDB online DDL algorithm (ALGORITHM=…). */
export type MysqlAlgorithm = 'INSTANT' | 'NOCOPY' | 'INPLACE' | 'COPY' | 'DEFAULT';
/** MySQL/MariaDB concurrency level during DDL (LOCK=…). */
export type MysqlLockLevel = 'NONE' | 'SHARED' | 'EXCLUSIVE' | 'DEFAULT';

/** What concurrent traffic waits for while the lock is held. */
export type Blocks = 'nothing' | 'ddl' | 'writes' | 'reads and writes';

/** How long the lock is held: a catalog change, a full scan, a table rewrite, an index build, or row by row. */
export type LockDuration = 'brief' | 'scan' | 'rewrite' | 'build' | 'rows';

export interface Lock {
  /** Postgres lock mode; for MySQL the `LOCK=` level in effect (a metadata lock is always taken too). */
  mode: PgLockMode | `MYSQL ${MysqlLockLevel}`;
  /** Objects locked (tables, usually); the referenced table too for a foreign key. */
  on: string[];
  blocks: Blocks;
  duration: LockDuration;
  /** MySQL: the algorithm the server uses (explicit or the one it would pick). */
  algorithm?: MysqlAlgorithm;
}

/** additive: only adds; transformative: changes existing data or shape; destructive: removes. */
export type ChangeClass = 'additive' | 'transformative' | 'destructive';

export interface TypeRef {
  /** Normalised base name: int4, int8, varchar, text, numeric, timestamptz, json, jsonb, my_enum… */
  name: string;
  /** Type modifiers, e.g. varchar(255) → [255], numeric(10,2) → [10, 2]. */
  args: number[];
  array: boolean;
  /** As written in the source. */
  text: string;
  span?: Span;
  /** ENUM/SET members (MySQL inline enums). */
  values?: string[];
}

export type Volatility = 'immutable' | 'stable' | 'volatile' | 'unknown';

export interface DefaultExpr {
  /** The expression as written. */
  text: string;
  /** `immutable` for constants; `volatile` for random()/gen_random_uuid()/clock_timestamp()/nextval(). */
  volatility: Volatility;
  /** DEFAULT NULL. */
  isNull?: boolean;
  span?: Span;
}

export interface ForeignKeyRef {
  table: string;
  schema?: string;
  columns: string[];
}

export interface ColumnDef {
  name: string;
  type?: TypeRef;
  notNull: boolean;
  default?: DefaultExpr;
  /** GENERATED … STORED / VIRTUAL, or an identity column. */
  generated?: 'stored' | 'virtual' | 'identity';
  /** serial/bigserial/smallserial or AUTO_INCREMENT. */
  serial?: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  references?: ForeignKeyRef;
  /** Inline CHECK expression text. */
  check?: string;
  span?: Span;
  /** The `NOT NULL` words, for fixes that drop them. */
  notNullSpan?: Span;
  /** The `DEFAULT …` clause, for fixes that move it. */
  defaultSpan?: Span;
}

export type ConstraintType = 'check' | 'foreign-key' | 'unique' | 'primary-key' | 'exclude';

export interface ConstraintDef {
  type: ConstraintType;
  name?: string;
  columns: string[];
  /** Added NOT VALID (Postgres CHECK/FK). */
  notValid: boolean;
  /** `… USING INDEX idx` (Postgres UNIQUE/PK from an existing index). */
  usingIndex?: string;
  references?: ForeignKeyRef;
  /** CHECK expression text. */
  expr?: string;
  /** For `CHECK (col IS NOT NULL)`: that column. */
  notNullColumn?: string;
  span?: Span;
}

export type TransactionAction = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to';

/** Common fields of every op. */
export interface OpBase {
  /** Index of the statement (or DSL call) in the file, from 0. */
  stmt: number;
  /** The whole statement (or DSL call). */
  span: Span;
  /** The offending clause, where narrower than the statement (e.g. `ADD COLUMN … DEFAULT now()`). */
  clause?: Span;
  /** The lock this op takes; filled by `lintOps` when a front end leaves it out. */
  lock?: Lock;
  /** MySQL `ALGORITHM=`/`LOCK=` given on the statement. */
  mysql?: { algorithm?: MysqlAlgorithm; lock?: MysqlLockLevel; span?: Span };
  /** A short description of the source statement for messages, e.g. "ALTER TABLE users". */
  label?: string;
  /**
   * Offsets SQL quick fixes edit at, set by SQL front ends: `concurrently` (where ` CONCURRENTLY`
   * goes), `notValid` (end of the constraint clause), `stmtEnd` (after the statement's semicolon),
   * `algorithm` (where MySQL `, ALGORITHM=…` goes). DSL front ends leave this out.
   */
  anchors?: Partial<Record<'concurrently' | 'notValid' | 'stmtEnd' | 'algorithm' | 'ifExists' | 'constraintName', number>>;
}

export interface TableTarget {
  table: string;
  schema?: string;
}

export type MigrationOp =
  | (OpBase & TableTarget & { kind: 'create-table'; columns: ColumnDef[]; constraints: ConstraintDef[]; ifNotExists: boolean; partitionOf?: string; asSelect?: boolean })
  | (OpBase & { kind: 'drop-table'; tables: TableTarget[]; cascade: boolean; ifExists: boolean })
  | (OpBase & TableTarget & { kind: 'rename-table'; newName: string })
  | (OpBase & TableTarget & { kind: 'create-index'; name?: string; columns: string[]; unique: boolean; concurrently: boolean; ifNotExists: boolean; method?: string; where?: boolean })
  | (OpBase & { kind: 'drop-index'; names: string[]; table?: string; concurrently: boolean; ifExists: boolean })
  | (OpBase & { kind: 'reindex'; target: 'index' | 'table' | 'schema' | 'database' | 'system'; name: string; concurrently: boolean; table?: string })
  | (OpBase & TableTarget & { kind: 'add-column'; column: ColumnDef; ifNotExists: boolean })
  | (OpBase & TableTarget & { kind: 'drop-column'; column: string; cascade: boolean; ifExists: boolean })
  | (OpBase & TableTarget & { kind: 'rename-column'; column: string; newName: string })
  | (OpBase & TableTarget & { kind: 'alter-column-type'; column: string; type: TypeRef; using?: string; usingCasts?: string[]; fromType?: TypeRef })
  | (OpBase & TableTarget & { kind: 'set-not-null'; column: string })
  | (OpBase & TableTarget & { kind: 'drop-not-null'; column: string })
  | (OpBase & TableTarget & { kind: 'set-default'; column: string; default: DefaultExpr })
  | (OpBase & TableTarget & { kind: 'drop-default'; column: string })
  | (OpBase & TableTarget & { kind: 'add-constraint'; constraint: ConstraintDef })
  | (OpBase & TableTarget & { kind: 'validate-constraint'; name: string })
  | (OpBase & TableTarget & { kind: 'drop-constraint'; name: string; constraintType?: ConstraintType; ifExists: boolean })
  | (OpBase & TableTarget & { kind: 'rename-constraint'; name: string; newName: string })
  /** MySQL `MODIFY`/`CHANGE COLUMN`: a full redefinition (type, nullability, default, position). */
  | (OpBase & TableTarget & { kind: 'modify-column'; column: string; newName?: string; def: ColumnDef; positioned?: boolean })
  | (OpBase & TableTarget & { kind: 'detach-partition'; partition: string; concurrently: boolean })
  | (OpBase & TableTarget & { kind: 'attach-partition'; partition: string })
  | (OpBase & TableTarget & { kind: 'set-logged'; logged: boolean })
  | (OpBase & TableTarget & { kind: 'alter-table-other'; action: string })
  | (OpBase & { kind: 'create-enum'; name: string; values: string[] })
  | (OpBase & { kind: 'add-enum-value'; type: string; value: string; before?: string; after?: string; ifNotExists: boolean })
  | (OpBase & { kind: 'rename-enum-value'; type: string; value: string; newValue: string })
  | (OpBase & { kind: 'create-domain'; name: string; hasConstraint: boolean })
  | (OpBase & { kind: 'alter-domain-add-constraint'; name: string; notValid: boolean })
  | (OpBase & { kind: 'truncate'; tables: TableTarget[]; cascade: boolean })
  | (OpBase & { kind: 'drop-schema'; name: string; cascade: boolean })
  | (OpBase & { kind: 'rename-schema'; name: string; newName: string })
  | (OpBase & { kind: 'drop-database'; name: string })
  | (OpBase & { kind: 'drop-type'; name: string; cascade?: boolean })
  /** UPDATE/DELETE/INSERT … SELECT in a migration (a backfill, or worse). */
  | (OpBase & TableTarget & { kind: 'dml'; verb: 'update' | 'delete' | 'insert' | 'merge'; hasWhere: boolean; fromSelect?: boolean })
  /** SET [LOCAL] name = value, or a runner's equivalent. `lock_timeout`, `statement_timeout`, `lock_wait_timeout`… */
  | (OpBase & { kind: 'set'; name: string; value: string; local: boolean })
  /** `implicit`: inserted by a front end for a runner's own unit (a Liquibase changeset), not written in the file. */
  | (OpBase & { kind: 'transaction'; action: TransactionAction; implicit?: boolean })
  /** VACUUM FULL, CLUSTER, OPTIMIZE TABLE: table rewrites. */
  | (OpBase & { kind: 'rewrite-table'; command: 'vacuum-full' | 'cluster' | 'optimize' | 'repack'; tables: TableTarget[] })
  | (OpBase & { kind: 'refresh-matview'; name: string; concurrently: boolean })
  | (OpBase & TableTarget & { kind: 'create-trigger'; name: string })
  | (OpBase & TableTarget & { kind: 'drop-trigger'; name: string; ifExists: boolean })
  | (OpBase & { kind: 'lock-table'; tables: TableTarget[]; mode: PgLockMode })
  /** The framework stops knowing a table or column (Django state-only DeleteModel/RemoveField); no SQL runs. */
  | (OpBase & TableTarget & { kind: 'state-remove'; column?: string })
  /** A DSL call or SQL statement the front end could not see into (raw SQL it did not parse, a RunPython…). */
  | (OpBase & { kind: 'opaque'; what: string })
  /** Anything else (CREATE VIEW, CREATE FUNCTION, COMMENT, GRANT…): kept for statement counting and transactions. */
  | (OpBase & { kind: 'other'; statement: string; table?: string });

export type OpKind = MigrationOp['kind'];
export type OpOf<K extends OpKind> = Extract<MigrationOp, { kind: K }>;

/**
 * How the migration runner executes a file: this decides what "inside a transaction" means.
 * Built by `transactionModelFor` (./transactions.ts) from the tool and the file's directives;
 * DSL front ends build their own (e.g. Rails `disable_ddl_transaction!` → `wrapped: false`).
 */
export interface TransactionModel {
  tool: string;
  /** The runner wraps the file (or migration) in one transaction. */
  wrapped: boolean;
  /** A file with a single statement runs outside any transaction even when `wrapped` (golang-migrate, Prisma). */
  singleStatementOutside?: boolean;
  /** DDL commits implicitly (MySQL): there is no transactional DDL at all. */
  implicitCommit?: boolean;
  /** How this tool lets a file leave the transaction, for messages and quick fixes. */
  optOut?: TransactionOptOut;
  /** Runner-level settings already applied to every migration (so no SET is needed in the file). */
  runnerSettings?: { lockTimeout?: boolean; statementTimeout?: boolean };
  /** Where the model came from, for messages: "goose directive", "Flyway default"… */
  source?: string;
}

export type TransactionOptOut =
  /** Insert this line at `at` (the start of the file or after a marker). */
  | { kind: 'directive'; text: string; description: string; replace?: Span; at?: number }
  /** Create or edit a side file (Flyway `V1__x.sql.conf`). */
  | { kind: 'side-file'; file: string; text: string; description: string }
  /** The DSL's own call (`disable_ddl_transaction!`, `atomic = False`…): the DSL front end inserts it. */
  | { kind: 'dsl'; description: string }
  /** Split into a separate migration file holding only the statement. */
  | { kind: 'split'; description: string };

/** `-- deploy-readiness-ignore rule: reason` (or a peer's form) found in the file. */
export interface Suppression {
  /** Rule ids (full or short: `require-concurrent-index`), or `*` for all. */
  rules: string[];
  reason?: string;
  scope: 'file' | 'statement';
  /** The comment itself (for the unused-suppression finding). */
  span: Span;
  /** For statement scope: the statement index it covers. */
  stmt?: number;
  /** For statement scope: the text range it covers (the next statement), for findings without an op. */
  covers?: Span;
  /** The tool whose syntax this is: deploy-readiness, squawk, eugene, pgfence, atlas. */
  from: string;
}

/** What is known of the database before this migration, from replaying earlier migrations. */
export interface SchemaState {
  tables: Map<string, TableState>;
  /** Enum types with their values in order. */
  enums: Map<string, string[]>;
  /**
   * Tables ("t") and columns ("t.c") an earlier migration removed from the framework's state only
   * (Django `SeparateDatabaseAndState`): the code stopped using them then, so dropping them now is
   * the contract step of expand-contract. Value: the file that separated them.
   */
  separated?: Map<string, string>;
}

export interface TableState {
  name: string;
  columns: Map<string, { type?: TypeRef; notNull: boolean; hasDefault: boolean }>;
  /** Constraints by name, with validity. */
  constraints: Map<string, ConstraintDef & { validated: boolean }>;
  /** Index name → columns. */
  indexes: Map<string, { columns: string[]; unique: boolean }>;
  /** File the table was created in. */
  createdIn?: string;
  /** Created by a migration file this branch adds: still empty and unused by the running code, unless rows were inserted. */
  newOnBranch?: boolean;
  /** A migration inserted rows into it. */
  hasRows?: boolean;
}

export interface MigrationLintSettings {
  dialect: Dialect;
  postgresVersion: number;
  /** "8.0", "8.4", "10.11-mariadb"… */
  mysqlVersion: string;
  /** MariaDB rather than MySQL. */
  mariadb?: boolean;
}

export interface LintOpsInput {
  /** Workspace-relative path of the file the ops came from. */
  file: string;
  /** The file's text: ranges are computed from it; SQL quick fixes are built only when `sql` is true. */
  text: string;
  ops: MigrationOp[];
  tx: TransactionModel;
  settings: MigrationLintSettings;
  /** Ops came from SQL text (so SQL quick fixes can edit it). DSL front ends leave this false. */
  sql?: boolean;
  suppressions?: Suppression[];
  /** Schema before this file (from replaying earlier migrations); tables missing from it count as existing and unknown. */
  schema?: SchemaState;
  /** Opt-in rules (ids) enabled in the config; other opt-in rules are not evaluated. */
  optIn?: string[];
  /** Indexes that later migrations of the same sequence create (an FK's index may come in the next file). */
  laterIndexes?: { table: string; columns: string[] }[];
  /** Extra findings the front end already made (syntax errors…): suppressions apply to them too. */
  extra?: Finding[];
  /** DSL front ends: fixes in the DSL's own syntax for a finding on an op (SQL fixes are built here when `sql`). */
  fixer?: (ruleId: string, op: MigrationOp) => Fix[] | undefined;
}

/** A table's key for "created here" comparisons: `archive.t` differs from `t` (`public.t` is `t`). */
export function tableKey(t: { table?: string; schema?: string }): string {
  return t.schema && t.schema !== 'public' ? `${t.schema}.${t.table ?? ''}` : (t.table ?? '');
}
