import type { Range } from '../model';
import { describeBlocks, effectOf, lockOf, lockText } from '../migrations/locks';
import type { MigrationLintSettings, MigrationOp } from '../migrations/ops';
import { LineIndex } from '../text';
import { allCalls, type DslCall, type Framework } from './dsl';
import { extract, transactionModel } from './lint';
import { frameworkFromContent } from './detect';
import { dslToOps, type SqlFrontEnd } from './toOps';
import { sqlFrontEnd } from './sqlFront';

export interface DslCallDescription {
  /** The call the description is about. */
  range: Range;
  /** Markdown for a hover: the SQL each step runs, the lock it takes and what that blocks. */
  markdown: string;
  steps: { sql: string; lock?: string; blocks?: string; change: string }[];
}

const q = (s: string) => `"${s}"`;

/** A short SQL rendering of an op, for hovers. */
export function sqlOf(op: MigrationOp): string {
  switch (op.kind) {
    case 'create-table':
      return `CREATE TABLE ${q(op.table)} (${op.columns.map((c) => c.name).join(', ')})`;
    case 'drop-table':
      return `DROP TABLE ${op.tables.map((t) => q(t.table)).join(', ')}`;
    case 'rename-table':
      return `ALTER TABLE ${q(op.table)} RENAME TO ${q(op.newName)}`;
    case 'create-index':
      return `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX ${op.concurrently ? 'CONCURRENTLY ' : ''}${op.name ? q(op.name) + ' ' : ''}ON ${q(op.table)} (${op.columns.join(', ')})`;
    case 'drop-index':
      return `DROP INDEX ${op.concurrently ? 'CONCURRENTLY ' : ''}${op.names.map(q).join(', ')}`;
    case 'add-column':
      return `ALTER TABLE ${q(op.table)} ADD COLUMN ${q(op.column.name)}${op.column.type ? ' ' + op.column.type.name + (op.column.type.args.length ? `(${op.column.type.args.join(', ')})` : '') : ''}${op.column.notNull ? ' NOT NULL' : ''}${op.column.default ? ` DEFAULT ${op.column.default.text}` : ''}`;
    case 'drop-column':
      return `ALTER TABLE ${q(op.table)} DROP COLUMN ${q(op.column)}`;
    case 'rename-column':
      return `ALTER TABLE ${q(op.table)} RENAME COLUMN ${q(op.column)} TO ${q(op.newName)}`;
    case 'alter-column-type':
      return `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} TYPE ${op.type.name}${op.type.args.length ? `(${op.type.args.join(', ')})` : ''}`;
    case 'set-not-null':
      return `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} SET NOT NULL`;
    case 'drop-not-null':
      return `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} DROP NOT NULL`;
    case 'set-default':
      return `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} SET DEFAULT ${op.default.text}`;
    case 'drop-default':
      return `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} DROP DEFAULT`;
    case 'add-constraint': {
      const c = op.constraint;
      const what = c.type === 'foreign-key' ? `FOREIGN KEY (${c.columns.join(', ')}) REFERENCES ${q(c.references?.table ?? '?')}` : c.type === 'check' ? `CHECK (${c.expr ?? '…'})` : c.type === 'unique' ? `UNIQUE (${c.columns.join(', ')})` : c.type === 'primary-key' ? `PRIMARY KEY (${c.columns.join(', ')})` : 'EXCLUDE (…)';
      return `ALTER TABLE ${q(op.table)} ADD ${c.name ? `CONSTRAINT ${q(c.name)} ` : ''}${what}${c.notValid ? ' NOT VALID' : ''}`;
    }
    case 'validate-constraint':
      return `ALTER TABLE ${q(op.table)} VALIDATE CONSTRAINT ${q(op.name)}`;
    case 'drop-constraint':
      return `ALTER TABLE ${q(op.table)} DROP CONSTRAINT ${q(op.name)}`;
    case 'opaque':
      return op.what;
    case 'dml':
      return `${op.verb.toUpperCase()} ${q(op.table)}${op.hasWhere ? ' WHERE …' : ''}`;
    case 'other':
      return op.statement;
    default:
      return op.label ?? op.kind;
  }
}

function guessFramework(path: string, text: string): Framework | undefined {
  if (/\.rb$/i.test(path)) return 'rails';
  if (/\.py$/i.test(path)) return frameworkFromContent(text, 'django');
  if (/\.(m|c)?(j|t)s$/i.test(path)) return frameworkFromContent(text, 'knex');
  return undefined;
}

function callAt(calls: readonly DslCall[], offset: number): DslCall | undefined {
  let best: DslCall | undefined;
  for (const c of allCalls(calls)) {
    if (offset < c.span.start || offset > c.span.end) continue;
    if (!best || c.span.end - c.span.start < best.span.end - best.span.start) best = c;
  }
  return best;
}

export interface DescribeInput {
  /** Default: from the path and content (`.rb` Rails; Python Django or Alembic; JS/TS Knex, TypeORM or Sequelize). */
  framework?: Framework;
  /** Workspace-relative path (Django table names come from the app folder). */
  path: string;
  text: string;
  /** UTF-16 offset of the mouse. */
  offset: number;
  settings?: Partial<MigrationLintSettings>;
  sql?: SqlFrontEnd;
}

/**
 * Hover text for the DSL call under the cursor: what SQL it runs, which lock that takes and what
 * it blocks, and whether it runs inside the migration's transaction. Undefined off a DSL call.
 */
export async function describeDslCall(input: DescribeInput): Promise<DslCallDescription | undefined> {
  const settings: MigrationLintSettings = { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0', ...input.settings };
  const framework = input.framework ?? guessFramework(input.path, input.text);
  if (!framework) return undefined;
  const file = await extract(framework, input.text, input.path);
  const call = callAt(file.calls, input.offset);
  if (!call) return undefined;
  const mapped = await dslToOps(file, input.path, settings.dialect, input.sql ?? sqlFrontEnd);
  const inCall = (c: DslCall | undefined): boolean => {
    for (let x = c; x; x = undefined) if (x === call || (call.children ?? []).includes(x) || [...allCalls(call.children ?? [])].includes(x)) return true;
    return false;
  };
  const newTables = new Set<string>();
  const steps: DslCallDescription['steps'] = [];
  for (const op of mapped.ops) {
    if (inCall(mapped.origin.get(op))) {
      const lock = lockOf(op, { settings, newTables });
      const eff = effectOf(op);
      steps.push({ sql: sqlOf(op), ...(lock ? { lock: lockText(lock) + (lock.on.length ? ` on ${lock.on.map(q).join(', ')}` : ''), blocks: describeBlocks(lock) } : {}), change: eff.change + (eff.backwardCompatible ? '' : `, not backward compatible: ${eff.why ?? ''}`) });
    }
    if (op.kind === 'create-table') newTables.add(op.table);
  }
  const index = new LineIndex(input.text);
  const tx = transactionModel(file, settings);
  const inTx = settings.dialect === 'postgres' && (file.framework === 'alembic' ? !call.autocommit : tx.wrapped);
  const lines = [`**${call.receiver ? call.receiver + '.' : ''}${call.name}** (${file.framework})`, ''];
  if (call.section === 'down') lines.push('_Runs on rollback._', '');
  if (!steps.length) {
    const u = mapped.unresolved.find((x) => x.span.start >= call.span.start && x.span.end <= call.span.end);
    lines.push(u ? `Not analysed: ${u.what}.` : 'No database change that the linter models.');
  }
  for (const s of steps) {
    lines.push('```sql', s.sql, '```');
    if (s.lock) lines.push(`Takes ${s.lock}: ${s.blocks}.`);
    lines.push(`Change: ${s.change}.`, '');
  }
  if (settings.dialect === 'postgres' && call.section !== 'down') lines.push(inTx ? `Runs inside the migration's transaction (${tx.source}).` : `Runs outside a transaction (${tx.source}).`);
  if (call.acknowledged) lines.push('', `Acknowledged with ${call.acknowledged.by}${call.acknowledged.reason ? `: ${call.acknowledged.reason}` : ''}.`);
  return { range: index.rangeOf(call.span.start, call.span.end), markdown: lines.join('\n').trim(), steps };
}
