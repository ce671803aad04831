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

export const attachPartition = defineMigrationRule({
  id: 'migration/attach-partition',
  defaultSeverity: 'warning',
  summary: 'ATTACH PARTITION scans the partition under ACCESS EXCLUSIVE unless a validated CHECK constraint already implies its bounds',
  equivalents: { pgfence: ['attach-partition'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` on the partition during a scan; `SHARE UPDATE EXCLUSIVE` on the parent (PostgreSQL 12+; `ACCESS EXCLUSIVE` before)',
    what: '`ALTER TABLE … ATTACH PARTITION` of a table that was not created empty earlier in the migration and has no validated `CHECK` constraint (added earlier in the file, or known from the replayed migrations), which is taken as the bounds pattern below. A `DEFAULT` partition of the parent, if there is one, is scanned too.',
    why: 'PostgreSQL proves that every row of the table fits the partition bounds by scanning it while holding ACCESS EXCLUSIVE: the running code cannot read or write that table for the whole scan. A validated CHECK that implies the bounds lets it skip the scan (verified on PostgreSQL 15: "partition constraint … is implied by existing constraints").',
    fix: 'Add `CHECK (key IS NOT NULL AND key >= lower AND key < upper) NOT VALID` on the table, `VALIDATE CONSTRAINT` it (SHARE UPDATE EXCLUSIVE: reads and writes continue), then `ATTACH PARTITION`, and drop the CHECK afterwards. The `IS NOT NULL` matters: without it (or a NOT NULL column) PostgreSQL still scans.',
  },
  examples: {
    postgres: {
      flagged: ["ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"],
      safe: [
        "ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bounds CHECK (created_at IS NOT NULL AND created_at >= '2024-01-01' AND created_at < '2025-01-01') NOT VALID;\nALTER TABLE events_2024 VALIDATE CONSTRAINT events_2024_bounds;\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        "CREATE TABLE events_2025 (LIKE events);\nALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
      ],
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

const attach: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['attach-partition'], (f) => {
    const part = f.op.partition;
    // Created empty earlier in this migration (or by an earlier one on this branch): nothing to scan.
    const created = ctx.facts.find((g) => g.i < f.i && g.op.kind === 'create-table' && g.op.table === part);
    const filled = ctx.facts.some((g) => g.i < f.i && g.op.kind === 'dml' && g.op.table === part && (g.op.verb === 'insert' || g.op.verb === 'merge'));
    const branchNew = ctx.schema?.tables.get(part);
    if ((created || (branchNew?.newOnBranch && !branchNew.hasRows)) && !filled) return;
    if (f.lock?.duration !== 'scan') return;
    const v = ctx.input.settings.postgresVersion;
    ctx.report(attachPartition, f, {
      message: `ATTACH PARTITION ${q(part)} scans every row of ${q(part)} to prove it fits the partition bounds, holding ACCESS EXCLUSIVE on it${v >= 12 ? ` (the parent ${q(f.op.table)} takes only SHARE UPDATE EXCLUSIVE)` : ` and on the parent ${q(f.op.table)} (before PostgreSQL 12)`}. First add CHECK (<key> IS NOT NULL AND <bounds>) NOT VALID on ${q(part)} and VALIDATE it (no blocking): then the attach skips the scan.`,
    });
  });
};

export const rewritesChecks: readonly Check[] = [partitionsAndRewrites, attach];
