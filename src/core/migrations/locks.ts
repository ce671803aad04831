import { classifyPgTypeChange } from './typechanges';
import { tableKey, type Blocks, type ChangeClass, type Lock, type MigrationLintSettings, type MigrationOp, type MysqlAlgorithm, type MysqlLockLevel, type PgLockMode, type SchemaState, type TypeRef } from './ops';

/**
 * The lock each operation takes and what it blocks, from the PostgreSQL documentation ("Explicit
 * Locking", per-command notes) and the MySQL/MariaDB "Online DDL Operations" tables.
 */

export function blocksOfPgMode(mode: PgLockMode): Blocks {
  switch (mode) {
    case 'ACCESS EXCLUSIVE':
      return 'reads and writes';
    case 'EXCLUSIVE':
    case 'SHARE ROW EXCLUSIVE':
    case 'SHARE':
      return 'writes';
    default:
      return 'ddl';
  }
}

export function describeBlocks(lock: Lock): string {
  if (lock.blocks === 'nothing') return 'blocks nothing that is running';
  if (lock.duration === 'rows') return lock.blocks === 'writes' ? 'blocks writes to the rows it changes until the transaction ends' : 'blocks reads and writes of the table until the transaction ends';
  const what =
    lock.blocks === 'reads and writes'
      ? 'blocks reads and writes (SELECT, INSERT, UPDATE, DELETE)'
      : lock.blocks === 'writes'
        ? 'blocks writes (INSERT, UPDATE, DELETE); reads continue'
        : 'blocks other schema changes, VACUUM and ANALYZE; reads and writes continue';
  const how =
    lock.duration === 'rewrite'
      ? ' while the whole table is rewritten'
      : lock.duration === 'scan'
        ? ' while the whole table is scanned'
        : lock.duration === 'build'
          ? ' while the index is built'
          : ' briefly, but queues behind running queries and blocks everything queued after it';
  return what + how;
}

export function lockText(lock: Lock): string {
  if (lock.mode.startsWith('MYSQL ')) {
    const level = lock.mode.slice(6);
    return `ALGORITHM=${lock.algorithm ?? 'DEFAULT'}, LOCK=${level} (plus an exclusive metadata lock at start and end)`;
  }
  return `${lock.mode} lock`;
}

const pg = (mode: PgLockMode, on: string[], duration: Lock['duration'], blocks?: Blocks): Lock => ({ mode, on, duration, blocks: blocks ?? blocksOfPgMode(mode) });

function tablesOf(op: MigrationOp): string[] {
  if ('table' in op && op.table) return [op.table];
  if ('tables' in op) return op.tables.map((t) => t.table);
  return [];
}

/** Casts Postgres does without a table rewrite (binary coercible or a relaxed modifier): see ./typechanges.ts. */
export function isSafePgTypeChange(from: TypeRef | undefined, to: TypeRef, pgVersion: number): boolean {
  return classifyPgTypeChange(from, to, pgVersion).verdict === 'safe';
}

function mysqlAtLeast(settings: MigrationLintSettings, mysql: string, mariadb: string): boolean {
  const v = settings.mysqlVersion.replace(/-mariadb.*/i, '');
  const want = settings.mariadb || /mariadb/i.test(settings.mysqlVersion) || /^1\d\./.test(v) ? mariadb : mysql;
  // "8.0" means the current 8.0 release: missing parts count as the latest.
  const a = v.split('.').map((x) => parseInt(x, 10) || 0);
  while (a.length < 3) a.push(999);
  const b = want.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export function isMariadb(settings: MigrationLintSettings): boolean {
  return !!settings.mariadb || /mariadb/i.test(settings.mysqlVersion) || /^1\d\./.test(settings.mysqlVersion);
}

/** The algorithm MySQL/MariaDB picks by default for an operation, and the concurrency it allows. */
export function mysqlDefault(op: MigrationOp, settings: MigrationLintSettings): { algorithm: MysqlAlgorithm; lock: MysqlLockLevel; duration: Lock['duration'] } | undefined {
  switch (op.kind) {
    case 'add-column': {
      const c = op.column;
      if (c.serial) return { algorithm: 'INPLACE', lock: 'SHARED', duration: 'rewrite' };
      if (c.generated === 'stored') return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
      if (c.primaryKey || c.unique) return { algorithm: 'INPLACE', lock: 'NONE', duration: 'build' };
      if (mysqlAtLeast(settings, '8.0.12', '10.3.2')) return { algorithm: 'INSTANT', lock: 'NONE', duration: 'brief' };
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'rewrite' };
    }
    case 'drop-column':
      if (mysqlAtLeast(settings, '8.0.29', '10.4')) return { algorithm: 'INSTANT', lock: 'NONE', duration: 'brief' };
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'rewrite' };
    case 'rename-column':
      if (mysqlAtLeast(settings, '8.0.28', '10.5.2')) return { algorithm: 'INSTANT', lock: 'NONE', duration: 'brief' };
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'brief' };
    case 'set-default':
    case 'drop-default':
    case 'rename-table':
    case 'rename-constraint':
      return { algorithm: 'INSTANT', lock: 'NONE', duration: 'brief' };
    case 'set-not-null':
    case 'drop-not-null':
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'rewrite' };
    case 'alter-column-type':
      return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
    case 'modify-column':
      return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
    case 'create-index':
      if (op.method === 'fulltext' || op.method === 'spatial') return { algorithm: 'INPLACE', lock: 'SHARED', duration: 'build' };
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'build' };
    case 'drop-index':
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'brief' };
    case 'add-constraint':
      if (op.constraint.type === 'primary-key') return { algorithm: 'INPLACE', lock: 'NONE', duration: 'rewrite' };
      if (op.constraint.type === 'unique') return { algorithm: 'INPLACE', lock: 'NONE', duration: 'build' };
      if (op.constraint.type === 'foreign-key') return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
      return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
    case 'drop-constraint':
      if (op.constraintType === 'primary-key') return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'brief' };
    case 'rewrite-table':
      return { algorithm: 'INPLACE', lock: 'NONE', duration: 'rewrite' };
    case 'alter-table-other':
      return { algorithm: 'COPY', lock: 'SHARED', duration: 'rewrite' };
    default:
      return undefined;
  }
}

function mysqlLockOf(op: MigrationOp, settings: MigrationLintSettings): Lock | undefined {
  const on = tablesOf(op);
  if (op.kind === 'drop-table' || op.kind === 'truncate' || op.kind === 'drop-database' || op.kind === 'drop-schema') {
    return { mode: 'MYSQL EXCLUSIVE', on, blocks: 'reads and writes', duration: 'brief' };
  }
  if (op.kind === 'create-table') return { mode: 'MYSQL EXCLUSIVE', on, blocks: 'nothing', duration: 'brief' };
  if (op.kind === 'dml') return { mode: 'MYSQL NONE', on, blocks: 'writes', duration: 'rows' };
  if (op.kind === 'lock-table') return { mode: 'MYSQL EXCLUSIVE', on, blocks: 'reads and writes', duration: 'rows' };
  const d = mysqlDefault(op, settings);
  if (!d) return undefined;
  const algorithm = op.mysql?.algorithm && op.mysql.algorithm !== 'DEFAULT' ? op.mysql.algorithm : d.algorithm;
  let level: MysqlLockLevel = op.mysql?.lock && op.mysql.lock !== 'DEFAULT' ? op.mysql.lock : d.lock;
  if (algorithm === 'COPY' && level === 'NONE') level = 'SHARED';
  const blocks: Blocks = level === 'EXCLUSIVE' ? 'reads and writes' : level === 'SHARED' ? 'writes' : 'ddl';
  return { mode: `MYSQL ${level}`, on, blocks, duration: algorithm === 'INSTANT' ? 'brief' : algorithm === 'COPY' ? 'rewrite' : d.duration, algorithm };
}

export interface LockContext {
  settings: MigrationLintSettings;
  /** Tables created earlier in the same file/transaction: their locks block nothing. */
  newTables?: Set<string>;
  schema?: SchemaState;
  /** A validated `CHECK (col IS NOT NULL)` exists for table.column (PG 12+ skips the scan). */
  hasNotNullCheck?(table: string, column: string): boolean;
  /** A validated CHECK constraint on the table, taken as implying its partition bounds (ATTACH PARTITION skips the scan). */
  hasImpliedPartitionCheck?(table: string): boolean;
}

/** The lock an operation takes, or undefined when it takes none worth reporting (SET, BEGIN…). */
export function lockOf(op: MigrationOp, ctx: LockContext): Lock | undefined {
  const lock = ctx.settings.dialect === 'mysql' ? mysqlLockOf(op, ctx.settings) : pgLockOf(op, ctx);
  if (lock && 'table' in op && op.table && ctx.newTables?.has(tableKey(op)) && op.kind !== 'create-table') return { ...lock, blocks: 'nothing', duration: 'brief' };
  return lock;
}

function pgLockOf(op: MigrationOp, ctx: LockContext): Lock | undefined {
  const on = tablesOf(op);
  const v = ctx.settings.postgresVersion;
  switch (op.kind) {
    case 'create-table':
      return pg('ACCESS EXCLUSIVE', on, 'brief', 'nothing');
    case 'drop-table':
    case 'rename-table':
    case 'drop-column':
    case 'rename-column':
    case 'drop-not-null':
    case 'set-default':
    case 'drop-default':
    case 'truncate':
    case 'rename-constraint':
      return pg('ACCESS EXCLUSIVE', on, 'brief');
    case 'drop-constraint':
      return pg('ACCESS EXCLUSIVE', on, 'brief');
    case 'drop-schema':
    case 'drop-type':
    case 'rename-schema':
      return pg('ACCESS EXCLUSIVE', [op.name], 'brief');
    case 'drop-database':
      return pg('ACCESS EXCLUSIVE', [op.name], 'brief');
    case 'create-index':
      return op.concurrently ? pg('SHARE UPDATE EXCLUSIVE', on, 'build') : pg('SHARE', on, 'build');
    case 'drop-index':
      return op.concurrently ? pg('SHARE UPDATE EXCLUSIVE', op.table ? [op.table] : op.names, 'brief') : pg('ACCESS EXCLUSIVE', op.table ? [op.table] : op.names, 'brief');
    case 'reindex':
      return op.concurrently ? pg('SHARE UPDATE EXCLUSIVE', [op.name], 'build') : pg('ACCESS EXCLUSIVE', [op.name], 'build', 'reads and writes');
    case 'add-column': {
      const c = op.column;
      const rewrite =
        c.generated === 'stored' ||
        c.serial ||
        (c.default && !c.default.isNull && (c.default.volatility === 'volatile' || v < 11)) ||
        c.generated === 'identity';
      const extra = c.references ? [c.references.table] : [];
      if (c.primaryKey || c.unique) return pg('ACCESS EXCLUSIVE', [...on, ...extra], rewrite ? 'rewrite' : 'build');
      return pg('ACCESS EXCLUSIVE', [...on, ...extra], rewrite ? 'rewrite' : 'brief');
    }
    case 'alter-column-type':
      return pg('ACCESS EXCLUSIVE', on, isSafePgTypeChange(op.fromType, op.type, v) ? 'brief' : 'rewrite');
    case 'modify-column':
      return pg('ACCESS EXCLUSIVE', on, 'rewrite');
    case 'set-not-null':
      return pg('ACCESS EXCLUSIVE', on, v >= 12 && ctx.hasNotNullCheck?.(op.table, op.column) ? 'brief' : 'scan');
    case 'add-constraint': {
      const c = op.constraint;
      if (c.type === 'foreign-key') return pg('SHARE ROW EXCLUSIVE', [...on, ...(c.references ? [c.references.table] : [])], c.notValid ? 'brief' : 'scan');
      if (c.type === 'check') return pg('ACCESS EXCLUSIVE', on, c.notValid ? 'brief' : 'scan');
      if (c.usingIndex) return pg('ACCESS EXCLUSIVE', on, 'brief');
      return pg('ACCESS EXCLUSIVE', on, 'build');
    }
    case 'validate-constraint':
      return pg('SHARE UPDATE EXCLUSIVE', on, 'scan');
    case 'detach-partition':
      return op.concurrently ? pg('SHARE UPDATE EXCLUSIVE', on, 'brief') : pg('ACCESS EXCLUSIVE', on, 'brief');
    case 'attach-partition':
      // The partition is locked ACCESS EXCLUSIVE and scanned (unless a CHECK implies its bounds);
      // the parent takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12, ACCESS EXCLUSIVE before.
      return pg('ACCESS EXCLUSIVE', v >= 12 ? [op.partition] : [...on, op.partition], ctx.hasImpliedPartitionCheck?.(op.partition) ? 'brief' : 'scan');
    case 'set-logged':
      return pg('ACCESS EXCLUSIVE', on, 'rewrite');
    case 'alter-table-other':
      // ENABLE/DISABLE TRIGGER (and RULE) take SHARE ROW EXCLUSIVE: reads continue.
      return /^(Enable|Disable)(Always|Replica)?(Trig|Rule)/.test(op.action) ? pg('SHARE ROW EXCLUSIVE', on, 'brief') : pg('ACCESS EXCLUSIVE', on, 'brief');
    case 'add-enum-value':
    case 'rename-enum-value':
      return pg('ACCESS EXCLUSIVE', [op.type], 'brief', 'ddl');
    case 'alter-domain-add-constraint':
      return op.notValid ? pg('SHARE', [op.name], 'brief') : pg('SHARE', [op.name], 'scan');
    case 'dml':
      return pg('ROW EXCLUSIVE', on, 'rows', 'writes');
    case 'rewrite-table':
      return op.command === 'repack' ? pg('SHARE UPDATE EXCLUSIVE', on, 'rewrite') : pg('ACCESS EXCLUSIVE', on, 'rewrite');
    case 'refresh-matview':
      return op.concurrently ? pg('EXCLUSIVE', [op.name], 'rewrite') : pg('ACCESS EXCLUSIVE', [op.name], 'rewrite');
    case 'create-trigger':
      return pg('SHARE ROW EXCLUSIVE', on, 'brief');
    case 'drop-trigger':
      // Verified on PostgreSQL 15: DROP TRIGGER takes ACCESS EXCLUSIVE on the table (CREATE takes SHARE ROW EXCLUSIVE).
      return pg('ACCESS EXCLUSIVE', on, 'brief');
    case 'lock-table':
      return pg(op.mode, on, 'rows');
    default:
      return undefined;
  }
}

export interface Effect {
  change: ChangeClass;
  /** Does the code still running during a rolling deploy keep working with the new schema? */
  backwardCompatible: boolean;
  /** Why not, when not. */
  why?: string;
}

/** Classifies an operation as additive/transformative/destructive and backward-compatible or not. */
export function effectOf(op: MigrationOp): Effect {
  switch (op.kind) {
    case 'create-table':
    case 'create-index':
    case 'create-enum':
    case 'create-domain':
    case 'create-trigger':
    case 'add-enum-value':
    case 'attach-partition':
    case 'set-default':
      return { change: 'additive', backwardCompatible: true };
    case 'add-constraint':
      return { change: 'additive', backwardCompatible: true };
    case 'add-column':
      if (op.column.notNull && !op.column.default && !op.column.generated && !op.column.serial)
        return { change: 'additive', backwardCompatible: false, why: 'INSERTs from the running code do not set the new NOT NULL column and fail' };
      return { change: 'additive', backwardCompatible: true };
    case 'drop-table':
      return { change: 'destructive', backwardCompatible: false, why: 'the running code still reads and writes the table' };
    case 'drop-column':
      return { change: 'destructive', backwardCompatible: false, why: 'the running code still selects or writes the column (ORMs list every column)' };
    case 'drop-schema':
    case 'drop-database':
    case 'drop-type':
      return { change: 'destructive', backwardCompatible: false, why: 'the running code may still use it' };
    case 'truncate':
      return { change: 'destructive', backwardCompatible: true };
    case 'drop-index':
    case 'drop-constraint':
    case 'drop-trigger':
      return { change: 'destructive', backwardCompatible: true };
    case 'detach-partition':
      return { change: 'destructive', backwardCompatible: false, why: 'rows of the partition disappear from queries on the parent table' };
    case 'rename-table':
    case 'rename-column':
    case 'rename-schema':
    case 'rename-enum-value':
      return { change: 'transformative', backwardCompatible: false, why: 'the running code still uses the old name' };
    case 'alter-column-type':
    case 'modify-column':
      return { change: 'transformative', backwardCompatible: false, why: 'the running code may write values the new type rejects or read a type it does not expect' };
    case 'set-not-null':
      return { change: 'transformative', backwardCompatible: false, why: 'the running code may still write NULL into the column' };
    case 'drop-not-null':
      return { change: 'transformative', backwardCompatible: false, why: 'the running code may assume the column is never NULL' };
    case 'drop-default':
      return { change: 'transformative', backwardCompatible: false, why: 'INSERTs from the running code that rely on the default get NULL or fail' };
    case 'dml':
      return op.verb === 'delete' ? { change: 'destructive', backwardCompatible: true } : { change: 'transformative', backwardCompatible: true };
    default:
      return { change: 'transformative', backwardCompatible: true };
  }
}
