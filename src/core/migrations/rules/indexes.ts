/** Index operations: building, dropping and rebuilding indexes, and what must run outside a transaction. */
import { defineMigrationRule } from './define';
import type { Check } from '../context';
import * as fx from '../fixes';
import { q, isPg, each, existing, txHint } from './helpers';

export const requireConcurrentIndex = defineMigrationRule({
  id: 'migration/require-concurrent-index',
  defaultSeverity: 'error',
  summary: 'Create and drop indexes CONCURRENTLY so writes to the table are not blocked while the index builds',
  equivalents: {
    squawk: ['require-concurrent-index-creation', 'require-concurrent-index-deletion'],
    strong_migrations: ['add_index', 'remove_index'],
    eugene: ['E6'],
    pgfence: ['create-index-not-concurrent', 'drop-index-not-concurrent'],
    atlas: ['PG101', 'PG102'],
    'django-migration-linter': ['CREATE_INDEX', 'DROP_INDEX'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`SHARE` (create) or `ACCESS EXCLUSIVE` (drop) on the table; with CONCURRENTLY `SHARE UPDATE EXCLUSIVE`',
    what: '`CREATE INDEX` or `DROP INDEX` without `CONCURRENTLY` on a table that existed before this migration.',
    why: 'A plain `CREATE INDEX` takes a `SHARE` lock for the whole build: every `INSERT`, `UPDATE` and `DELETE` waits, on a large table for minutes, while the old code is still serving traffic. A plain `DROP INDEX` takes `ACCESS EXCLUSIVE`: reads wait too. `CONCURRENTLY` does not block writes, at the cost of running outside a transaction block.',
    fix: 'The quick fix inserts `CONCURRENTLY` and leaves the runner\'s transaction in the tool\'s own way: `-- +goose NO TRANSACTION` (goose), `-- migrate:up transaction:false` (dbmate), a `V…__x.sql.conf` with `executeInTransaction=false` (Flyway), `-- atlas:txmode none` (Atlas), `-- no-transaction` (sqlx); for golang-migrate and Prisma, whose lone statement runs outside a transaction, it moves the statement into a new migration of its own, named for the tool. If a concurrent build fails it leaves an `INVALID` index: drop it and retry. Tables created earlier in the same migration are empty, so indexing them is not flagged.',
  },
  examples: {
    postgres: {
      flagged: ['CREATE INDEX users_email_idx ON users (email);'],
      safe: ['CREATE INDEX CONCURRENTLY users_email_idx ON users (email);'],
    },
  },
});

export const requireConcurrentReindex = defineMigrationRule({
  id: 'migration/require-concurrent-reindex',
  defaultSeverity: 'error',
  summary: 'REINDEX without CONCURRENTLY locks out reads that use the index and all writes',
  equivalents: { squawk: ['require-concurrent-reindex'], 'django-migration-linter': ['REINDEX'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` on the index, `SHARE` on the table',
    what: '`REINDEX` without `CONCURRENTLY`.',
    why: 'A plain REINDEX blocks writes to the table and every query that wants the index being rebuilt. `REINDEX … CONCURRENTLY` (PostgreSQL 12+) does not.',
    fix: 'The quick fix inserts `CONCURRENTLY` (and leaves the transaction the tool\'s way, as for indexes).',
  },
  examples: {
    postgres: {
      flagged: ['REINDEX INDEX users_email_idx;', 'REINDEX (CONCURRENTLY false) TABLE users;'],
      safe: ['REINDEX INDEX CONCURRENTLY users_email_idx;', 'REINDEX (CONCURRENTLY) TABLE users;'],
    },
  },
});

export const concurrentInTransaction = defineMigrationRule({
  id: 'migration/concurrent-in-transaction',
  defaultSeverity: 'error',
  summary: 'CONCURRENTLY cannot run inside a transaction block; the migration tool must run it outside one',
  equivalents: {
    squawk: ['ban-concurrent-index-creation-in-transaction'],
    pgfence: ['concurrent-in-transaction'],
    atlas: ['PG103'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'none: the statement fails',
    what: '`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `DETACH PARTITION … CONCURRENTLY` or `REFRESH MATERIALIZED VIEW CONCURRENTLY` that will run inside a transaction: the file\'s own `BEGIN`, or the runner\'s transaction (Flyway, goose, dbmate, Atlas, sqlx, Prisma and golang-migrate with several statements, Supabase, Drizzle, node-pg-migrate).',
    why: 'PostgreSQL refuses: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block". The migration fails during the deploy. A lone statement in a golang-migrate or Prisma file is fine: those tools send it alone, outside a transaction, so it is not flagged.',
    fix: 'The quick fix applies the tool\'s opt-out (directive, `.sql.conf`, or a migration of its own for golang-migrate/Prisma).',
  },
  examples: {
    postgres: {
      flagged: [{ tool: 'goose', sql: '-- +goose Up\nCREATE TABLE a (id bigint);\nCREATE INDEX CONCURRENTLY b_x_idx ON b (x);' }, 'BEGIN;\nCREATE INDEX CONCURRENTLY b_x_idx ON b (x);\nCOMMIT;'],
      safe: [{ tool: 'goose', sql: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY b_x_idx ON b (x);' }, { tool: 'golang-migrate', file: 'db/migrations/002_b_x.up.sql', sql: 'CREATE INDEX CONCURRENTLY b_x_idx ON b (x);' }],
    },
  },
});

export const concurrentIndexPg14 = defineMigrationRule({
  id: 'migration/concurrent-index-pg14-bug',
  defaultSeverity: 'warning',
  summary: 'CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can corrupt indexes on PostgreSQL 14.0 to 14.3',
  equivalents: { strong_migrations: ['add_index_corruption'] },
  doc: {
    dialect: 'PostgreSQL 14.0–14.3',
    lock: '`SHARE UPDATE EXCLUSIVE`',
    what: '`CREATE INDEX CONCURRENTLY` or `REINDEX CONCURRENTLY` when `migrations.postgresVersion` is set to 14.0–14.3 (e.g. `14.2`).',
    why: 'These releases can build corrupt indexes concurrently (fixed in 14.4). Set `postgresVersion` to the minor version you run to get this check.',
    fix: 'Upgrade the server.',
  },
  examples: {
    postgres: {
      flagged: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', postgresVersion: 14.2, shown: 'CREATE INDEX CONCURRENTLY i ON t (a);  -- on PostgreSQL 14.2' }],
      safe: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (a);', postgresVersion: 14.4, shown: 'CREATE INDEX CONCURRENTLY i ON t (a);  -- on PostgreSQL 14.4 or later' }],
    },
  },
});

const CONCURRENT_KINDS = ['create-index', 'drop-index', 'reindex', 'detach-partition', 'refresh-matview'] as const;

const indexConcurrency: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['create-index'], (f) => {
    if (f.op.concurrently || !existing(f)) return;
    ctx.report(requireConcurrentIndex, f, {
      message: `CREATE INDEX without CONCURRENTLY on ${q(f.op.table)}: INSERT, UPDATE and DELETE wait until the index is built. Use CREATE INDEX CONCURRENTLY, outside a transaction${f.inTx ? txHint(ctx) : ''}.`,
      fixes: fx.concurrently(ctx, f, 'Create the index CONCURRENTLY'),
    });
  });
  each(ctx, ['drop-index'], (f) => {
    if (f.op.concurrently) return;
    ctx.report(requireConcurrentIndex, f, {
      message: `DROP INDEX without CONCURRENTLY: reads and writes of the table wait behind it. Use DROP INDEX CONCURRENTLY, outside a transaction${f.inTx ? txHint(ctx) : ''}.`,
      fixes: fx.concurrently(ctx, f, 'Drop the index CONCURRENTLY'),
    });
  });
  each(ctx, ['reindex'], (f) => {
    if (f.op.concurrently || f.op.target === 'system') return;
    ctx.report(requireConcurrentReindex, f, {
      message: `REINDEX without CONCURRENTLY locks the index being rebuilt: queries that use it and every write wait.${ctx.input.settings.postgresVersion >= 12 ? ' Use REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction.' : ' On PostgreSQL before 12, build a new index CONCURRENTLY and drop the old one.'}`,
      fixes: ctx.input.settings.postgresVersion >= 12 ? fx.concurrently(ctx, f, 'Reindex CONCURRENTLY') : undefined,
    });
  });
};

const concurrentInTx: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, [...CONCURRENT_KINDS], (f) => {
    if (!('concurrently' in f.op) || !f.op.concurrently || !f.inTx) return;
    const how = f.implicitTx
      ? `${ctx.input.tx.source ?? `${ctx.input.tx.tool} runs this file in a transaction`}${ctx.input.tx.optOut ? `; ${ctx.input.tx.optOut.description}` : ''}`
      : 'it runs between BEGIN and COMMIT in this file; move it after COMMIT';
    ctx.report(concurrentInTransaction, f, {
      message: `${f.op.kind === 'create-index' ? 'CREATE INDEX' : f.op.kind === 'drop-index' ? 'DROP INDEX' : f.op.kind === 'reindex' ? 'REINDEX' : f.op.kind === 'detach-partition' ? 'DETACH PARTITION' : 'REFRESH MATERIALIZED VIEW'} CONCURRENTLY cannot run inside a transaction block and the migration will fail: ${how}.`,
      fixes: f.implicitTx ? fx.leaveTransaction(ctx, f) : undefined,
      noLock: true,
    });
  });
};

const enumInTx: Check = (ctx) => {
  if (!isPg(ctx) || ctx.input.settings.postgresVersion >= 12) return;
  each(ctx, ['add-enum-value'], (f) => {
    if (!f.inTx) return;
    ctx.report(concurrentInTransaction, f, {
      message: `ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12 (configured: ${ctx.input.settings.postgresVersion}): the migration fails. Run it outside a transaction${f.implicitTx ? txHint(ctx) : ''}, or upgrade.`,
      fixes: f.implicitTx ? fx.leaveTransaction(ctx, f) : undefined,
      noLock: true,
      data: { lock: 'ACCESS EXCLUSIVE' },
    });
  });
};

const pg14Bug: Check = (ctx) => {
  const v = ctx.input.settings.postgresVersion;
  if (!isPg(ctx) || !(v > 14 && v < 14.4)) return;
  each(ctx, ['create-index', 'reindex'], (f) => {
    if (!f.op.concurrently) return;
    ctx.report(concurrentIndexPg14, f, {
      message: `PostgreSQL ${v} has a bug (fixed in 14.4) where CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can silently corrupt the index. Upgrade to 14.4 or later first.`,
      noLock: true,
    });
  });
};

export const indexesChecks: readonly Check[] = [indexConcurrency, concurrentInTx, enumInTx, pg14Bug];
