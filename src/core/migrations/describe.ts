import type { Range } from '../model';
import { LineIndex } from '../text';
import { describeBlocks, effectOf, lockOf, lockText } from './locks';
import type { Dialect, Lock, MigrationLintSettings, MigrationOp, SchemaState } from './ops';
import { loadPg } from './postgres';
import { inferDialect, sqlOps, upSection } from './sqlfile';

/**
 * What a statement does to a running system: the lock each of its operations takes, what that
 * blocks, the change class, backward compatibility, and the safe pattern. Feeds the editor hover.
 */

export interface OpDescription {
  kind: MigrationOp['kind'];
  table?: string;
  lock?: Lock;
  lockText?: string;
  blocks?: string;
  change: 'additive' | 'transformative' | 'destructive';
  backwardCompatible: boolean;
  why?: string;
  safePattern?: string;
}

export interface StatementDescription {
  /** The statement's range in the file. */
  range: Range;
  ops: OpDescription[];
  /** The same as Markdown, ready for a hover. */
  markdown: string;
}

export interface DescribeOptions {
  tool?: string;
  dialect?: Dialect;
  settings?: Partial<Omit<MigrationLintSettings, 'dialect'>>;
  schema?: SchemaState;
}

function safePattern(op: MigrationOp, dialect: Dialect, pgVersion: number): string | undefined {
  if (dialect === 'mysql') {
    switch (op.kind) {
      case 'add-column':
        return 'ALTER TABLE … ADD COLUMN …, ALGORITHM=INSTANT; after SET SESSION lock_wait_timeout = 5.';
      case 'create-index':
        return 'ALGORITHM=INPLACE, LOCK=NONE so the server fails rather than copying the table.';
      case 'modify-column':
      case 'alter-column-type':
        return 'An online schema change tool (gh-ost, pt-online-schema-change) for large tables.';
      case 'drop-column':
      case 'rename-column':
      case 'drop-table':
      case 'rename-table':
        return 'Expand-contract: stop using it in one release, change the schema in the next.';
      default:
        return undefined;
    }
  }
  switch (op.kind) {
    case 'create-index':
      return op.concurrently ? undefined : 'CREATE INDEX CONCURRENTLY, outside a transaction.';
    case 'drop-index':
      return op.concurrently ? undefined : 'DROP INDEX CONCURRENTLY, outside a transaction.';
    case 'reindex':
      return op.concurrently ? undefined : 'REINDEX … CONCURRENTLY (PostgreSQL 12+).';
    case 'add-constraint':
      if (op.constraint.type === 'check' || op.constraint.type === 'foreign-key') return op.constraint.notValid ? 'Then VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes continue).' : 'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.';
      if (op.constraint.type === 'unique' || op.constraint.type === 'primary-key') return op.constraint.usingIndex ? undefined : 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX.';
      return undefined;
    case 'set-not-null':
      return pgVersion >= 12 ? 'ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE it; then SET NOT NULL (no scan) and DROP the CHECK.' : undefined;
    case 'add-column':
      if (op.column.default && (op.column.default.volatility === 'volatile' || pgVersion < 11)) return 'ADD COLUMN without a default, SET DEFAULT, then backfill in batches.';
      if (op.column.notNull && !op.column.default) return 'Add the column nullable, backfill, then enforce NOT NULL through a CHECK … NOT VALID.';
      return undefined;
    case 'alter-column-type':
      return 'Expand-contract: new column, dual writes, batched backfill, switch reads, drop the old column.';
    case 'drop-column':
    case 'drop-table':
      return 'Stop using it in the code in one release; drop it in the next.';
    case 'rename-column':
      return 'Add the new column, keep both in sync (trigger), move the code, then drop the old one.';
    case 'rename-table':
      return 'Rename, and leave a view under the old name until the code has moved.';
    case 'detach-partition':
      return op.concurrently ? undefined : 'DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+).';
    case 'dml':
      return op.verb === 'insert' ? undefined : 'Backfill in batches, outside the schema migration.';
    default:
      return undefined;
  }
}

const KIND_LABEL: Partial<Record<MigrationOp['kind'], string>> = {
  'create-table': 'CREATE TABLE',
  'create-index': 'CREATE INDEX',
  'drop-index': 'DROP INDEX',
  'add-column': 'ADD COLUMN',
  'drop-column': 'DROP COLUMN',
  'rename-column': 'RENAME COLUMN',
  'alter-column-type': 'ALTER COLUMN … TYPE',
  'set-not-null': 'SET NOT NULL',
  'drop-not-null': 'DROP NOT NULL',
  'add-constraint': 'ADD CONSTRAINT',
  'validate-constraint': 'VALIDATE CONSTRAINT',
  'drop-table': 'DROP TABLE',
  'rename-table': 'RENAME TABLE',
  'modify-column': 'MODIFY COLUMN',
  dml: 'Data change',
};

/**
 * Describes the statement at `offset` (UTF-16) in a migration's text, or undefined when the offset
 * is not inside a statement (comments, blank lines) or the file does not parse there.
 */
export async function describeStatement(text: string, offset: number, opts: DescribeOptions = {}): Promise<StatementDescription | undefined> {
  const pg = await loadPg();
  const tool = opts.tool ?? 'sql';
  const body = upSection(text, tool);
  const dialect = opts.dialect ?? inferDialect(body);
  const settings: MigrationLintSettings = { dialect, postgresVersion: opts.settings?.postgresVersion ?? 16, mysqlVersion: opts.settings?.mysqlVersion ?? '8.0', mariadb: opts.settings?.mariadb };
  const { ops, statements } = sqlOps(pg, body, dialect, settings.mariadb);
  const stmt = statements.findIndex((s) => offset >= s.start && offset <= s.end);
  if (stmt < 0) return undefined;
  const created = new Set<string>();
  for (const op of ops) {
    if (op.stmt >= stmt) break;
    if (op.kind === 'create-table') created.add(op.table);
  }
  const mine = ops.filter((o) => o.stmt === stmt);
  const descs: OpDescription[] = mine.map((op) => {
    const lock = lockOf(op, { settings, newTables: created, schema: opts.schema });
    const eff = effectOf(op);
    const d: OpDescription = { kind: op.kind, change: eff.change, backwardCompatible: eff.backwardCompatible };
    if ('table' in op && op.table) d.table = op.table;
    if (lock) {
      d.lock = lock;
      d.lockText = lockText(lock);
      d.blocks = describeBlocks(lock);
    }
    if (eff.why) d.why = eff.why;
    const sp = safePattern(op, dialect, settings.postgresVersion);
    if (sp && !(lock && lock.blocks === 'nothing')) d.safePattern = sp;
    return d;
  });
  const index = new LineIndex(text);
  const s = statements[stmt];
  const lines: string[] = [];
  for (const d of descs) {
    if (d.kind === 'other' || d.kind === 'set' || d.kind === 'transaction') continue;
    const head = `**${KIND_LABEL[d.kind] ?? d.kind}**${d.table ? ` on \`${d.table}\`` : ''}: ${d.change}, ${d.backwardCompatible ? 'backward-compatible' : '**not backward-compatible** with the running code'}${d.why ? ` (${d.why})` : ''}.`;
    lines.push(head);
    if (d.lock) lines.push(`Lock: \`${d.lockText}\`${d.lock.on.length ? ` on ${d.lock.on.map((t) => `\`${t}\``).join(', ')}` : ''}: ${d.blocks}.`);
    if (d.safePattern) lines.push(`Safe pattern: ${d.safePattern}`);
    lines.push('');
  }
  if (!lines.length) lines.push('Takes no lock that blocks traffic.');
  const assumed = dialect === 'mysql' ? `${settings.mariadb ? 'MariaDB' : 'MySQL'} ${settings.mysqlVersion}` : `PostgreSQL ${settings.postgresVersion}`;
  lines.push(`_Assuming ${assumed} (\`migrations.${dialect === 'mysql' ? 'mysqlVersion' : 'postgresVersion'}\` in .deploy-readiness.yaml)._`);
  return { range: index.rangeOf(s.start, s.end), ops: descs, markdown: lines.join('\n\n').replace(/\n{3,}/g, '\n\n') };
}
