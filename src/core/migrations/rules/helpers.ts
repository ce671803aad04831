/** Helpers the rule checks share. */
import type { CheckContext, OpFacts } from '../context';
import type { MigrationOp, OpOf } from '../ops';

export const q = (s: string) => `"${s}"`;

export const isPg = (ctx: CheckContext) => ctx.input.settings.dialect === 'postgres';

export const isMy = (ctx: CheckContext) => ctx.input.settings.dialect === 'mysql';

export function each<K extends MigrationOp['kind']>(ctx: CheckContext, kinds: K[], fn: (f: OpFacts & { op: OpOf<K> }) => void): void {
  for (const f of ctx.facts) if ((kinds as string[]).includes(f.op.kind)) fn(f as OpFacts & { op: OpOf<K> });
}

/** An existing table: not created earlier in this file. */
export const existing = (f: OpFacts) => !f.newTable;

export function txHint(ctx: CheckContext): string {
  const o = ctx.input.tx.optOut;
  return o ? ` (${ctx.input.tx.tool}: ${o.description})` : '';
}

export function addedInFile(ctx: CheckContext, table: string, column: string, before: number): boolean {
  return ctx.facts.some((g) => g.i < before && g.op.kind === 'add-column' && g.op.table === table && g.op.column.name === column);
}

export const ALTER_KINDS = new Set<MigrationOp['kind']>([
  'add-column',
  'drop-column',
  'rename-column',
  'alter-column-type',
  'set-not-null',
  'drop-not-null',
  'set-default',
  'drop-default',
  'add-constraint',
  'validate-constraint',
  'drop-constraint',
  'modify-column',
  'alter-table-other',
]);
