/** Transactions and session settings: lock and statement timeouts, statements after ACCESS EXCLUSIVE, repeated ALTERs, BEGIN/COMMIT. */
import { defineMigrationRule } from './define';
import type { Check, OpFacts } from '../context';
import * as fx from '../fixes';
import { q, isPg, ALTER_KINDS } from './helpers';

export const requireLockTimeout = defineMigrationRule({
  id: 'migration/require-lock-timeout',
  defaultSeverity: 'warning',
  summary: 'Set lock_timeout (MySQL: lock_wait_timeout) before a statement that takes a blocking lock, so it fails fast instead of queueing traffic behind it',
  equivalents: { squawk: ['require-lock-timeout'], eugene: ['E9'], pgfence: ['missing-lock-timeout', 'lock-timeout-too-long'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'any lock that blocks reads or writes',
    what: 'The first statement that takes a lock blocking writes or reads on an existing table, when no `SET lock_timeout` (or `SET LOCAL`) precedes it and the runner does not set one (`migrations.lockTimeoutSetByRunner: true` says it does).',
    why: 'A DDL statement waiting for its lock behind a long-running query makes every later query on the table queue behind it: a brief lock becomes an outage. With lock_timeout it fails fast and can be retried.',
    fix: 'The quick fix inserts `SET LOCAL lock_timeout = \'2s\';` before the first statement when the tool runs the file in a transaction (so it does not leak to the next migration), or `SET lock_timeout` otherwise.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ADD COLUMN note text;', "SET lock_timeout = '10min';\nALTER TABLE users ADD COLUMN note text;"],
      safe: ["SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;", { tool: 'goose', sql: "-- +goose Up\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;" }],
    },
  },
});

export const requireStatementTimeout = defineMigrationRule({
  id: 'migration/require-statement-timeout',
  defaultSeverity: 'info',
  summary: 'Set statement_timeout before statements that scan or rewrite a table under a blocking lock',
  equivalents: { squawk: ['require-statement-timeout'], pgfence: ['missing-statement-timeout'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'locks held during a scan, rewrite or index build',
    what: 'The first statement that scans, rewrites or indexes an existing table under a blocking lock, with no `statement_timeout` set.',
    why: 'It bounds how long traffic can be blocked if the operation is slower than expected.',
    fix: 'The quick fix inserts `SET [LOCAL] statement_timeout` before the first statement.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);'],
      safe: ['SET statement_timeout = \'5min\';\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);'],
    },
  },
});

export const statementAfterAccessExclusive = defineMigrationRule({
  id: 'migration/statement-after-access-exclusive',
  defaultSeverity: 'warning',
  summary: 'Statements that run after an ACCESS EXCLUSIVE lock in the same transaction keep the table locked for their whole duration',
  equivalents: { eugene: ['E4'], pgfence: ['statement-after-access-exclusive'], 'django-migration-linter': ['CREATE_INDEX_EXCLUSIVE'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` held until commit',
    what: 'A statement that runs, in the same transaction, after one that took `ACCESS EXCLUSIVE` on an existing table. Reported once per transaction.',
    why: 'Locks are held until the transaction commits: everything after the ACCESS EXCLUSIVE statement (index builds, backfills…) extends the time during which nobody can read or write the table.',
    fix: 'No automatic fix; reorder or split.',
  },
  examples: {
    postgres: {
      flagged: ['BEGIN;\nALTER TABLE users ADD COLUMN note text;\nUPDATE users SET note = \'\' WHERE id < 1000;\nCOMMIT;'],
      safe: ['BEGIN;\nUPDATE users SET note = \'\' WHERE id < 1000;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;'],
    },
  },
});

export const multipleAlters = defineMigrationRule({
  id: 'migration/multiple-alters',
  defaultSeverity: 'info',
  summary: 'Several ALTER TABLE statements on one table in a transaction take its lock several times; combine them into one',
  equivalents: { eugene: ['W12'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: 'the table lock, taken again for each statement',
    what: 'Several `ALTER TABLE` statements on the same existing table in one transaction (MySQL: one file).',
    why: 'Each statement queues for the lock again; MySQL may rebuild the table for each. One ALTER TABLE with comma-separated actions does it once.',
    fix: 'No automatic fix.',
  },
  examples: {
    postgres: {
      flagged: ['BEGIN;\nALTER TABLE users ADD COLUMN a bigint;\nALTER TABLE users ADD COLUMN b bigint;\nCOMMIT;'],
      safe: ['BEGIN;\nALTER TABLE users ADD COLUMN a bigint, ADD COLUMN b bigint;\nCOMMIT;'],
    },
    mysql: {
      flagged: ['ALTER TABLE users ADD COLUMN a bigint;\nALTER TABLE users ADD COLUMN b bigint;'],
      safe: ['ALTER TABLE users ADD COLUMN a bigint, ADD COLUMN b bigint;'],
    },
  },
});

export const uncommittedTransaction = defineMigrationRule({
  id: 'migration/uncommitted-transaction',
  defaultSeverity: 'error',
  summary: 'A BEGIN without COMMIT: the migration reports success but nothing is applied',
  equivalents: { squawk: ['ban-uncommitted-transaction'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'whatever the open transaction holds',
    what: 'A `BEGIN` with no `COMMIT` after it.',
    why: 'When the connection closes the work is rolled back, but the migration tool records the migration as applied.',
    fix: 'The quick fix appends `COMMIT;`.',
  },
  examples: {
    postgres: {
      flagged: ['BEGIN;\nALTER TABLE t ADD COLUMN a int;'],
      safe: ['BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;'],
    },
  },
});

export const transactionNesting = defineMigrationRule({
  id: 'migration/transaction-nesting',
  defaultSeverity: 'warning',
  summary: 'BEGIN or COMMIT inside a migration the tool already runs in a transaction',
  equivalents: { squawk: ['transaction-nesting'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'none',
    what: '`BEGIN` inside an open transaction, or `BEGIN`/`COMMIT` in a file the tool already runs in a transaction.',
    why: 'A nested BEGIN is ignored with a warning, and the first COMMIT ends the runner\'s transaction early, so the rest runs outside it and cannot roll back.',
    fix: 'Remove the BEGIN/COMMIT, or opt out of the runner\'s transaction.',
  },
  examples: {
    postgres: {
      flagged: [{ tool: 'flyway', file: 'db/migration/V3__x.sql', sql: 'BEGIN;\nALTER TABLE t ADD COLUMN a bigint;\nCOMMIT;', shown: '-- Flyway V3__x.sql\nBEGIN;\nALTER TABLE t ADD COLUMN a bigint;\nCOMMIT;' }],
      safe: [{ tool: 'flyway', file: 'db/migration/V3__x.sql', sql: 'ALTER TABLE t ADD COLUMN a bigint;' }],
    },
  },
});

export const mysqlLockWaitTimeout = defineMigrationRule({
  id: 'migration/mysql-lock-wait-timeout',
  defaultSeverity: 'warning',
  summary: 'Set lock_wait_timeout before MySQL/MariaDB DDL: the metadata lock otherwise queues every query on the table behind a long transaction',
  doc: {
    dialect: 'MySQL, MariaDB',
    lock: 'the exclusive metadata lock every ALTER takes',
    what: 'DDL on an existing table with no `SET [SESSION] lock_wait_timeout` before it.',
    why: 'Every ALTER, even INSTANT, needs an exclusive metadata lock; behind a long transaction it waits (default: a year) and every query on the table queues behind it.',
    fix: 'The quick fix inserts `SET SESSION lock_wait_timeout = 5;` before the first statement.',
  },
  examples: {
    mysql: {
      flagged: ['ALTER TABLE users ADD COLUMN note text;'],
      safe: ['SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN note text;'],
    },
  },
});

const blocking = (f: OpFacts) => !!f.lock && !f.newTable && (f.lock.blocks === 'writes' || f.lock.blocks === 'reads and writes');

/** A Postgres duration setting in milliseconds: `'5s'`, `5000`, `'2min'`, `'1h'`; undefined when unreadable. */
export function durationMs(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?$/i.exec(value.trim().replace(/^'/, '').replace(/'$/, '').trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'ms').toLowerCase();
  const k: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(m[1]) * k[unit];
}

const timeouts: Check = (ctx) => {
  const pg = isPg(ctx);
  if (pg) {
    for (const f of ctx.facts) {
      if (f.op.kind !== 'set') continue;
      const n = f.op.name.toLowerCase();
      if (n !== 'lock_timeout' && n !== 'statement_timeout') continue;
      const ms = durationMs(f.op.value);
      const lock = n === 'lock_timeout';
      // lock_timeout: seconds; statement_timeout: up to the few minutes a scan under lock may take.
      if (ms === undefined || ms < (lock ? 60_000 : 15 * 60_000)) continue;
      ctx.report(lock ? requireLockTimeout : requireStatementTimeout, f, {
        message: lock
          ? `lock_timeout = ${f.op.value} protects nothing: while the migration waits that long for its lock, every query on the table queues behind it. Use a few seconds (e.g. '5s') and retry on timeout.`
          : `statement_timeout = ${f.op.value} bounds nothing useful: a statement holding its lock that long is already an outage. Use the time the statement may block traffic (a few minutes at most), or run long work outside the lock.`,
        noLock: true,
        data: { setting: n, milliseconds: ms },
      });
    }
  }
  const first = ctx.facts.find((f) => (pg ? blocking(f) : !!f.lock && !f.newTable && f.lock.blocks !== 'nothing') && !f.lockTimeout && f.op.kind !== 'dml' && f.op.kind !== 'lock-table');
  if (first) {
    ctx.report(pg ? requireLockTimeout : mysqlLockWaitTimeout, first, {
      message: pg
        ? `No lock_timeout is set before this statement: if a long query holds ${first.lock!.on.map(q).join(', ') || 'the table'}, it waits for the lock while every later query queues behind it. SET lock_timeout first (or in the runner) and retry on timeout.`
        : `No lock_wait_timeout is set before this DDL: waiting for the metadata lock behind a long transaction queues every query on ${first.lock!.on.map(q).join(', ') || 'the table'}. SET SESSION lock_wait_timeout first.`,
      fixes: fx.setTimeout(ctx, first, 'lock'),
      noLock: false,
    });
  }
  if (!pg) return;
  const slow = ctx.facts.find((f) => blocking(f) && !f.statementTimeout && (f.lock!.duration === 'scan' || f.lock!.duration === 'rewrite' || f.lock!.duration === 'build'));
  if (slow) {
    ctx.report(requireStatementTimeout, slow, {
      message: `No statement_timeout is set before this statement, which ${slow.lock!.duration === 'rewrite' ? 'rewrites' : slow.lock!.duration === 'scan' ? 'scans' : 'builds an index on'} the table while holding its lock. SET statement_timeout to bound how long traffic can be blocked.`,
      fixes: fx.setTimeout(ctx, slow, 'statement'),
    });
  }
};

const afterAccessExclusive: Check = (ctx) => {
  if (!isPg(ctx)) return;
  const reported = new Set<number>();
  for (const holder of ctx.facts) {
    if (!holder.inTx || reported.has(holder.txId)) continue;
    if (holder.lock?.mode !== 'ACCESS EXCLUSIVE' || holder.newTable || holder.lock.blocks === 'nothing' || holder.lock.blocks === 'ddl') continue;
    const next = ctx.facts.find((g) => g.i > holder.i && g.txId === holder.txId && g.op.stmt !== holder.op.stmt && g.op.kind !== 'transaction' && g.op.kind !== 'set' && !(g.lock && g.newTable));
    if (!next) continue;
    reported.add(holder.txId);
    ctx.report(statementAfterAccessExclusive, next, {
      message: `This statement runs while the ACCESS EXCLUSIVE lock on ${holder.lock.on.map(q).join(', ')} (taken on line ${ctx.index.positionAt(holder.op.span.start).line + 1}) is still held: reads and writes of that table wait until the transaction commits. Move the statements that take the strongest lock to the end, or into their own migration.`,
      related: [{ file: ctx.input.file, range: ctx.index.rangeOf(holder.op.span.start, holder.op.span.end), message: 'ACCESS EXCLUSIVE taken here' }],
    });
  }
};

const multipleAltersCheck: Check = (ctx) => {
  const seen = new Map<string, OpFacts>();
  const done = new Set<string>();
  for (const f of ctx.facts) {
    if (!ALTER_KINDS.has(f.op.kind) || f.newTable || !('table' in f.op) || !f.op.table) continue;
    if (f.op.kind === 'validate-constraint') continue;
    const key = `${isPg(ctx) ? f.txId : 0}:${f.op.table}`;
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, f);
      continue;
    }
    if (prev.op.stmt === f.op.stmt || done.has(key)) continue;
    if (isPg(ctx) && !f.inTx) continue;
    done.add(key);
    ctx.report(multipleAlters, f, {
      message: `Another ALTER TABLE on ${q(f.op.table)} (the first is on line ${ctx.index.positionAt(prev.op.span.start).line + 1}): each statement waits for the lock again${isPg(ctx) ? '' : ' and MySQL may rebuild the table again'}. Combine them into one ALTER TABLE with comma-separated actions.`,
      related: [{ file: ctx.input.file, range: ctx.index.rangeOf(prev.op.span.start, prev.op.span.end), message: 'first ALTER TABLE' }],
      noLock: true,
    });
  }
};

const transactions: Check = (ctx) => {
  if (!isPg(ctx)) return;
  let open: OpFacts | undefined;
  // A COMMIT that ended the runner's transaction, so a later BEGIN hands a new one back to it.
  let runnerClosed = false;
  for (const f of ctx.facts) {
    if (f.op.kind !== 'transaction' || f.op.implicit) continue;
    const a = f.op.action;
    if (a === 'begin' && runnerClosed && !open) {
      runnerClosed = false;
      continue;
    }
    if (a === 'begin') {
      if (open) ctx.report(transactionNesting, f, { message: 'BEGIN while a transaction is already open in this file: PostgreSQL warns and ignores it, and the first COMMIT ends both.', noLock: true });
      else if (f.runnerOpen || (ctx.input.tx.wrapped && !f.inTx)) {
        ctx.report(transactionNesting, f, { message: `${ctx.input.tx.source ?? `${ctx.input.tx.tool} already runs the migration in a transaction`}: this BEGIN is redundant, and its COMMIT ends the runner's transaction early.`, noLock: true });
      }
      open = f;
    } else if (a === 'commit' || a === 'rollback') {
      if (!open && ctx.input.tx.wrapped) {
        const reopened = ctx.facts.some((g) => g.i > f.i && g.op.kind === 'transaction' && g.op.action === 'begin');
        if (!reopened) ctx.report(transactionNesting, f, { message: `${a.toUpperCase()} without BEGIN ends the transaction the migration tool opened: the statements after it run outside it.`, noLock: true });
        runnerClosed = true;
      }
      open = undefined;
    }
  }
  if (open) {
    ctx.report(uncommittedTransaction, open, {
      message: 'This BEGIN has no COMMIT: the statements after it are rolled back when the connection closes, but the migration is recorded as applied.',
      noLock: true,
      fixes: ctx.input.sql ? [{ title: 'Add COMMIT at the end', isPreferred: true, edits: [fx.edit(ctx, ctx.input.text.length, ctx.input.text.length, `${ctx.input.text.endsWith('\n') ? '' : '\n'}COMMIT;\n`)] }] : undefined,
    });
  }
};

export const sessionChecks: readonly Check[] = [timeouts, afterAccessExclusive, multipleAltersCheck, transactions];
