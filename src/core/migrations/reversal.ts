import type { MigrationFact, Reversibility } from '../model';
import { effectOf, isSafePgTypeChange } from './locks';
import type { MigrationOp, TableTarget } from './ops';

/**
 * How a migration is undone, from its operations (the same ops the rules read) and what its
 * down step is. One place for SQL and framework migrations, so the report, the rollback plan,
 * the runbook and the tree agree.
 */
export interface DownStep {
  kind: 'file' | 'section' | 'method' | 'framework';
  file?: string;
  /** The reverse step exists but deliberately does nothing (Django `RunSQL.noop`). */
  noop?: boolean;
}

const qual = (t: TableTarget) => (t.schema ? `${t.schema}.${t.table}` : t.table);

/** The data an op destroys, or undefined when it keeps every row and value. */
export function dataLoss(op: MigrationOp): string | undefined {
  switch (op.kind) {
    case 'drop-table':
      return `DROP TABLE ${op.tables.map(qual).join(', ')}`;
    case 'drop-column':
      return `DROP COLUMN ${qual(op)}.${op.column}`;
    case 'truncate':
      return `TRUNCATE ${op.tables.map(qual).join(', ')}`;
    case 'drop-schema':
      return `DROP SCHEMA ${op.name}`;
    case 'drop-database':
      return `DROP DATABASE ${op.name}`;
    case 'dml':
      return op.verb === 'delete' ? `DELETE FROM ${qual(op)}` : undefined;
    case 'alter-column-type':
      return op.fromType && narrowing(op.fromType, op.type) ? `ALTER COLUMN ${qual(op)}.${op.column} TYPE ${op.type.text} (narrower than ${op.fromType.text})` : undefined;
    default:
      return undefined;
  }
}

function narrowing(from: NonNullable<Extract<MigrationOp, { kind: 'alter-column-type' }>['fromType']>, to: Extract<MigrationOp, { kind: 'alter-column-type' }>['type']): boolean {
  if (isSafePgTypeChange(from, to, 16)) return false;
  const INT = ['int2', 'int4', 'int8'];
  if (INT.includes(from.name) && INT.includes(to.name)) return INT.indexOf(to.name) < INT.indexOf(from.name);
  if (from.name === to.name && from.args.length && to.args.length) return to.args[0] < from.args[0];
  if (from.name === 'text' && (to.name === 'varchar' || to.name === 'bpchar') && to.args.length) return true;
  return false;
}

/** A type change whose old type is known and the new one holds every old value. */
function widening(op: MigrationOp): boolean {
  return op.kind === 'alter-column-type' && !!op.fromType && !narrowing(op.fromType, op.type) && (isSafePgTypeChange(op.fromType, op.type, 16) || ['int2', 'int4', 'int8'].indexOf(op.type.name) > ['int2', 'int4', 'int8'].indexOf(op.fromType.name));
}

/** Operations that change nothing a rollback cares about. */
const NEUTRAL = new Set(['transaction', 'set', 'lock-table']);

function label(op: MigrationOp): string {
  switch (op.kind) {
    case 'create-table':
      return `CREATE TABLE ${qual(op)}`;
    case 'add-column':
      return `ADD COLUMN ${qual(op)}.${op.column.name}`;
    case 'create-index':
      return `CREATE INDEX${op.table ? ` ON ${qual(op)}` : ''}`;
    case 'add-constraint':
      return `ADD CONSTRAINT ON ${qual(op)}`;
    case 'rename-column':
      return `RENAME COLUMN ${qual(op)}.${op.column} → ${op.newName}`;
    case 'rename-table':
      return `RENAME TABLE ${qual(op)} → ${op.newName}`;
    case 'alter-column-type':
      return `ALTER COLUMN ${qual(op)}.${op.column} TYPE ${op.type.text}`;
    case 'dml':
      return `${op.verb.toUpperCase()} ${qual(op)}`;
    case 'opaque':
      return op.what;
    case 'other':
      return op.statement;
    default:
      return op.label ?? op.kind.replace(/-/g, ' ').toUpperCase();
  }
}

/** What the migration does, one line per distinct operation with a count, at most `max` lines. */
export function summarizeOps(ops: readonly MigrationOp[], max = 8): string[] {
  const counts = new Map<string, number>();
  for (const op of ops) {
    if (NEUTRAL.has(op.kind)) continue;
    const l = label(op).replace(/\s+/g, ' ').slice(0, 120);
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  const lines = [...counts].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l));
  return lines.length > max ? [...lines.slice(0, max), `and ${lines.length - max} more`] : lines;
}

/** Distinct data-losing operations of the migration. */
export function destructiveOps(ops: readonly MigrationOp[]): string[] {
  return [...new Set(ops.map(dataLoss).filter((x): x is string => !!x))];
}

/**
 * The reversibility of a migration: data loss wins (a down step cannot bring the data back);
 * then the down step; an additive migration without one can stay in place.
 */
export function reversalOf(ops: readonly MigrationOp[], down: DownStep | undefined, blocked?: string): Pick<MigrationFact, 'reversibility' | 'destructive' | 'operations' | 'down' | 'why' | 'reversible'> {
  const destructive = destructiveOps(ops);
  const operations = summarizeOps(ops);
  const d = down ? { kind: down.kind, ...(down.file ? { file: down.file } : {}) } : undefined;
  const done = (reversibility: Reversibility, why: string) => ({ reversibility, destructive, operations, ...(d ? { down: d } : {}), why, reversible: reversibility === 'down' || reversibility === 'down-data-loss' });
  if (destructive.length) return done('irreversible', 'it destroys data a down step cannot bring back');
  if (blocked) return done('irreversible', blocked);
  const real = ops.filter((o) => !NEUTRAL.has(o.kind));
  const onlyAdds = real.every((o) => effectOf(o).change === 'additive' || widening(o) || o.kind === 'other');
  if (!down) return onlyAdds ? done('no-down', 'no down step; it only adds, so the previous code runs with it') : done('irreversible', 'no down step for a change to existing data or shape');
  if (down.noop) return onlyAdds || real.every((o) => o.kind === 'opaque' || o.kind === 'dml') ? done('no-op-reverse', 'its reverse step does nothing') : done('irreversible', 'its reverse step does nothing');
  const lossy = real.some((o) => (o.kind === 'dml' && o.verb !== 'delete') || o.kind === 'opaque' || (o.kind === 'alter-column-type' && !widening(o)) || o.kind === 'modify-column');
  return lossy ? done('down-data-loss', 'the down step runs, but data written in the new shape since the deploy is lost or converted') : done('down', 'its down step restores the previous schema');
}
