/** Partitions and table rewrites: DETACH PARTITION, VACUUM FULL, CLUSTER, SET LOGGED, REFRESH MATERIALIZED VIEW. */
import { defineMigrationRule } from './define';
import type { Check } from '../context';
import * as fx from '../fixes';
import { q, isPg, each, existing } from './helpers';

export const requireConcurrentDetach = defineMigrationRule({
  id: 'migration/require-concurrent-detach-partition',
  defaultSeverity: 'error',
  summary: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ can detach concurrently)',
  equivalents: { squawk: ['require-concurrent-partition-detach'] },
  doc: {
    dialect: 'PostgreSQL 14+',
    lock: '`ACCESS EXCLUSIVE` on the partitioned table; CONCURRENTLY: `SHARE UPDATE EXCLUSIVE`',
    what: '`ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY` (PostgreSQL 14+).',
    why: 'Detaching takes ACCESS EXCLUSIVE on the parent, blocking every query on every partition.',
    fix: 'The quick fix inserts `CONCURRENTLY` and leaves the transaction the tool\'s way.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE events DETACH PARTITION events_2023;'],
      safe: ['ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;'],
    },
  },
});

export const tableRewrite = defineMigrationRule({
  id: 'migration/table-rewrite-command',
  defaultSeverity: 'error',
  summary: 'VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED and non-concurrent REFRESH MATERIALIZED VIEW rewrite under ACCESS EXCLUSIVE',
  equivalents: { squawk: ['prefer-repack'], pgfence: ['vacuum-full', 'refresh-matview-blocking', 'set-logged-unlogged'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during a rewrite',
    what: '`VACUUM FULL`, `CLUSTER`, `ALTER TABLE … SET LOGGED/UNLOGGED`, and `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`.',
    why: 'Each rewrites the table (or view) while reads and writes wait.',
    fix: 'For `REFRESH MATERIALIZED VIEW` the quick fix inserts `CONCURRENTLY` (the view needs a unique index).',
  },
  examples: {
    postgres: {
      flagged: ['VACUUM FULL events;', 'CLUSTER events USING events_pkey;', 'ALTER TABLE events SET LOGGED;', 'REFRESH MATERIALIZED VIEW monthly_totals;'],
      safe: ['-- pg_repack / pg_squeeze, or REPACK (CONCURRENTLY) on PostgreSQL 19+', 'REFRESH MATERIALIZED VIEW CONCURRENTLY monthly_totals;', 'VACUUM (ANALYZE) events;', 'VACUUM (FULL false) events;'],
    },
  },
});

const partitionsAndRewrites: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['detach-partition'], (f) => {
    if (f.op.concurrently || ctx.input.settings.postgresVersion < 14) return;
    ctx.report(requireConcurrentDetach, f, {
      message: `DETACH PARTITION ${q(f.op.partition)} without CONCURRENTLY takes ACCESS EXCLUSIVE on ${q(f.op.table)}. Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), outside a transaction.`,
      fixes: fx.concurrently(ctx, f, 'Detach CONCURRENTLY'),
    });
  });
  each(ctx, ['rewrite-table'], (f) => {
    if (f.op.command === 'repack') return;
    const v = ctx.input.settings.postgresVersion;
    ctx.report(tableRewrite, f, {
      message: `${f.op.command === 'vacuum-full' ? 'VACUUM FULL' : 'CLUSTER'} rewrites ${f.op.tables.map((t) => q(t.table)).join(', ') || 'the tables'} under ACCESS EXCLUSIVE.${v >= 19 ? ' Use REPACK (CONCURRENTLY).' : ' Use pg_repack or pg_squeeze online.'}`,
    });
  });
  each(ctx, ['set-logged'], (f) => {
    if (!existing(f)) return;
    ctx.report(tableRewrite, f, { message: `SET ${f.op.logged ? 'LOGGED' : 'UNLOGGED'} rewrites ${q(f.op.table)} under ACCESS EXCLUSIVE.` });
  });
  each(ctx, ['refresh-matview'], (f) => {
    if (f.op.concurrently) return;
    ctx.report(tableRewrite, f, {
      message: `REFRESH MATERIALIZED VIEW ${q(f.op.name)} without CONCURRENTLY blocks reads of the view until it is rebuilt. Use CONCURRENTLY (needs a unique index on the view).`,
      fixes: fx.concurrently(ctx, f, 'Refresh CONCURRENTLY'),
    });
  });
};

export const rewritesChecks: readonly Check[] = [partitionsAndRewrites];
