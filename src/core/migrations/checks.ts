import type { Check, CheckContext, OpFacts } from './context';
import { isMariadb, mysqlDefault } from './locks';
import { classifyPgTypeChange } from './typechanges';
import type { ColumnDef, MigrationOp, OpOf, TypeRef } from './ops';
import * as fx from './fixes';
import * as R from './rules';


const q = (s: string) => `"${s}"`;
const isPg = (ctx: CheckContext) => ctx.input.settings.dialect === 'postgres';
const isMy = (ctx: CheckContext) => ctx.input.settings.dialect === 'mysql';

function each<K extends MigrationOp['kind']>(ctx: CheckContext, kinds: K[], fn: (f: OpFacts & { op: OpOf<K> }) => void): void {
  for (const f of ctx.facts) if ((kinds as string[]).includes(f.op.kind)) fn(f as OpFacts & { op: OpOf<K> });
}

/** An existing table: not created earlier in this file. */
const existing = (f: OpFacts) => !f.newTable;

function txHint(ctx: CheckContext): string {
  const o = ctx.input.tx.optOut;
  return o ? ` (${ctx.input.tx.tool}: ${o.description})` : '';
}

// ── Index operations ────────────────────────────────────────────────────────────────────────────
const indexConcurrency: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['create-index'], (f) => {
    if (f.op.concurrently || !existing(f)) return;
    ctx.report(R.requireConcurrentIndex, f, {
      message: `CREATE INDEX without CONCURRENTLY on ${q(f.op.table)}: INSERT, UPDATE and DELETE wait until the index is built. Use CREATE INDEX CONCURRENTLY, outside a transaction${f.inTx ? txHint(ctx) : ''}.`,
      fixes: fx.concurrently(ctx, f, 'Create the index CONCURRENTLY'),
    });
  });
  each(ctx, ['drop-index'], (f) => {
    if (f.op.concurrently) return;
    ctx.report(R.requireConcurrentIndex, f, {
      message: `DROP INDEX without CONCURRENTLY: reads and writes of the table wait behind it. Use DROP INDEX CONCURRENTLY, outside a transaction${f.inTx ? txHint(ctx) : ''}.`,
      fixes: fx.concurrently(ctx, f, 'Drop the index CONCURRENTLY'),
    });
  });
  each(ctx, ['reindex'], (f) => {
    if (f.op.concurrently || f.op.target === 'system') return;
    ctx.report(R.requireConcurrentReindex, f, {
      message: `REINDEX without CONCURRENTLY locks the index being rebuilt: queries that use it and every write wait.${ctx.input.settings.postgresVersion >= 12 ? ' Use REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction.' : ' On PostgreSQL before 12, build a new index CONCURRENTLY and drop the old one.'}`,
      fixes: ctx.input.settings.postgresVersion >= 12 ? fx.concurrently(ctx, f, 'Reindex CONCURRENTLY') : undefined,
    });
  });
};

const CONCURRENT_KINDS = ['create-index', 'drop-index', 'reindex', 'detach-partition', 'refresh-matview'] as const;

const concurrentInTx: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, [...CONCURRENT_KINDS], (f) => {
    if (!('concurrently' in f.op) || !f.op.concurrently || !f.inTx) return;
    const how = f.implicitTx
      ? `${ctx.input.tx.source ?? `${ctx.input.tx.tool} runs this file in a transaction`}${ctx.input.tx.optOut ? `; ${ctx.input.tx.optOut.description}` : ''}`
      : 'it runs between BEGIN and COMMIT in this file; move it after COMMIT';
    ctx.report(R.concurrentInTransaction, f, {
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
    ctx.report(R.concurrentInTransaction, f, {
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
    ctx.report(R.concurrentIndexPg14, f, {
      message: `PostgreSQL ${v} has a bug (fixed in 14.4) where CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can silently corrupt the index. Upgrade to 14.4 or later first.`,
      noLock: true,
    });
  });
};

// ── Constraints ─────────────────────────────────────────────────────────────────────────────────
const constraintsNotValid: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    const c = f.op.constraint;
    if ((c.type !== 'check' && c.type !== 'foreign-key') || c.notValid || !existing(f)) return;
    const what = c.type === 'foreign-key' ? `FOREIGN KEY to ${q(c.references?.table ?? '?')}` : 'CHECK constraint';
    ctx.report(R.constraintNotValid, f, {
      message: `Adding a ${what} without NOT VALID checks every existing row of ${q(f.op.table)} while holding the lock. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (VALIDATE takes only SHARE UPDATE EXCLUSIVE).`,
      fixes: fx.notValidThenValidate(ctx, f),
    });
  });
  each(ctx, ['add-column'], (f) => {
    const r = f.op.column.references;
    if (!r || !existing(f)) return;
    ctx.report(R.constraintNotValid, f, {
      message: `ADD COLUMN … REFERENCES ${q(r.table)} adds a validated foreign key, locking both tables against writes. Add the column, then the FOREIGN KEY NOT VALID, then VALIDATE it in a separate transaction.`,
    });
  });
};

const validateSameTx: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['validate-constraint'], (f) => {
    if (!f.inTx) return;
    const added = ctx.facts.find((g) => g.i < f.i && g.txId === f.txId && g.op.kind === 'add-constraint' && g.op.table === f.op.table && g.op.constraint.name === f.op.name && g.op.constraint.notValid);
    const blocker = ctx.facts.find((g) => g.i < f.i && g.txId === f.txId && g.lock?.mode === 'ACCESS EXCLUSIVE' && g.lock.on.includes(f.op.table) && !g.newTable && g.op.kind !== 'add-constraint');
    if (!added && !blocker) return;
    ctx.report(R.validateInSameTransaction, f, {
      message: added
        ? `VALIDATE CONSTRAINT ${q(f.op.name)} runs in the same transaction that added it NOT VALID, so the ACCESS EXCLUSIVE lock of the ADD is held during the whole scan. Validate in a separate migration.`
        : `VALIDATE CONSTRAINT ${q(f.op.name)} runs after an ACCESS EXCLUSIVE lock on ${q(f.op.table)} in the same transaction: the scan happens while reads and writes are blocked. Validate in a separate migration.`,
      related: [{ file: ctx.input.file, range: ctx.index.rangeOf((added ?? blocker)!.op.span.start, (added ?? blocker)!.op.span.end), message: 'lock taken here' }],
      fixes: fx.moveToNextMigration(ctx, f, `validate_${f.op.name}`, 'Move VALIDATE to a new migration'),
    });
  });
};

const uniqueWithoutIndex: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    const c = f.op.constraint;
    if ((c.type !== 'unique' && c.type !== 'primary-key') || c.usingIndex || !existing(f)) return;
    const kw = c.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
    ctx.report(R.uniqueWithoutIndex, f, {
      message: `ADD ${kw} builds its index while holding ACCESS EXCLUSIVE on ${q(f.op.table)}. Build a unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kw} USING INDEX (brief).${c.type === 'primary-key' ? ' The columns must already be NOT NULL.' : ''}`,
      fixes: fx.uniqueUsingIndex(ctx, f),
    });
  });
  each(ctx, ['add-column'], (f) => {
    if (!(f.op.column.unique || f.op.column.primaryKey) || !existing(f)) return;
    ctx.report(R.uniqueWithoutIndex, f, {
      message: `ADD COLUMN … ${f.op.column.primaryKey ? 'PRIMARY KEY' : 'UNIQUE'} builds an index while holding ACCESS EXCLUSIVE on ${q(f.op.table)}. Add the column, then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT … USING INDEX.`,
    });
  });
};

const exclusion: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    if (f.op.constraint.type !== 'exclude' || !existing(f)) return;
    ctx.report(R.exclusionConstraint, f, {
      message: `An EXCLUDE constraint on ${q(f.op.table)} builds its index and checks every row under ACCESS EXCLUSIVE; it cannot be added NOT VALID or USING INDEX. Run it in a maintenance window or on an empty table.`,
    });
  });
};

const setNotNull: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['set-not-null'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const v = ctx.input.settings.postgresVersion;
    if (v >= 12 && ctx.hasValidatedNotNullCheck(f.op.table, f.op.column, f.i)) return;
    ctx.report(R.setNotNull, f, {
      message:
        v >= 12
          ? `SET NOT NULL on ${q(f.op.table)}.${q(f.op.column)} scans the whole table under ACCESS EXCLUSIVE. Add CHECK (${f.op.column} IS NOT NULL) NOT VALID, VALIDATE it in another transaction, then SET NOT NULL (instant with the validated CHECK) and drop the CHECK.`
          : `SET NOT NULL on ${q(f.op.table)}.${q(f.op.column)} scans the whole table under ACCESS EXCLUSIVE, and before PostgreSQL 12 a CHECK does not help: keep a validated CHECK (${f.op.column} IS NOT NULL) NOT VALID constraint instead.`,
      fixes: v >= 12 ? fx.setNotNullViaCheck(ctx, f) : undefined,
    });
  });
};

function addedInFile(ctx: CheckContext, table: string, column: string, before: number): boolean {
  return ctx.facts.some((g) => g.i < before && g.op.kind === 'add-column' && g.op.table === table && g.op.column.name === column);
}

const fkIndex: Check = (ctx) => {
  if (!isPg(ctx)) return;
  const indexed = (table: string, cols: string[], upTo: number): boolean => {
    const starts = (ic: string[]) => cols.every((c, i) => ic[i] === c);
    for (const g of ctx.facts) {
      if (g.op.kind === 'create-index' && g.op.table === table && starts(g.op.columns)) return true;
      if (g.op.kind === 'create-table' && g.op.table === table) {
        for (const c of g.op.constraints) if ((c.type === 'primary-key' || c.type === 'unique') && starts(c.columns)) return true;
        for (const c of g.op.columns) if ((c.primaryKey || c.unique) && cols.length === 1 && cols[0] === c.name) return true;
      }
      if (g.op.kind === 'add-constraint' && g.op.table === table && (g.op.constraint.type === 'primary-key' || g.op.constraint.type === 'unique') && starts(g.op.constraint.columns)) return true;
    }
    void upTo;
    if (ctx.input.laterIndexes?.some((ix) => ix.table === table && starts(ix.columns))) return true;
    const t = ctx.schema?.tables.get(table);
    if (t) for (const ix of t.indexes.values()) if (starts(ix.columns)) return true;
    return false;
  };
  const fks: { f: OpFacts; table: string; cols: string[]; ref: string }[] = [];
  for (const f of ctx.facts) {
    const op = f.op;
    if (op.kind === 'add-constraint' && op.constraint.type === 'foreign-key' && op.constraint.columns.length) fks.push({ f, table: op.table, cols: op.constraint.columns, ref: op.constraint.references?.table ?? '?' });
    if (op.kind === 'create-table') {
      for (const c of op.constraints) if (c.type === 'foreign-key' && c.columns.length) fks.push({ f, table: op.table, cols: c.columns, ref: c.references?.table ?? '?' });
      for (const c of op.columns) if (c.references) fks.push({ f, table: op.table, cols: [c.name], ref: c.references.table });
    }
    if (op.kind === 'add-column' && op.column.references) fks.push({ f, table: op.table, cols: [op.column.name], ref: op.column.references.table });
  }
  for (const k of fks) {
    if (indexed(k.table, k.cols, k.f.i)) continue;
    ctx.report(R.foreignKeyWithoutIndex, k.f, {
      message: `No index on ${q(k.table)} (${k.cols.join(', ')}) supports the foreign key to ${q(k.ref)}: every DELETE or key UPDATE on ${q(k.ref)} scans ${q(k.table)}. Create an index on (${k.cols.join(', ')}), CONCURRENTLY if the table exists.`,
      fixes: fx.fkIndex(ctx, k.f, k.table, k.cols),
      noLock: true,
    });
  }
};

const domains: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['create-domain'], (f) => {
    if (!f.op.hasConstraint) return;
    ctx.report(R.domainConstraint, f, {
      message: `Domain ${q(f.op.name)} has a constraint: changing it later checks every column of this type, across all tables, under lock. Prefer CHECK constraints on the columns.`,
      noLock: true,
    });
  });
  each(ctx, ['alter-domain-add-constraint'], (f) => {
    if (f.op.notValid) return;
    ctx.report(R.domainConstraint, f, {
      message: `ALTER DOMAIN ${q(f.op.name)} ADD CONSTRAINT checks every column of this type in every table. Add it NOT VALID, then VALIDATE separately.`,
    });
  });
};

// ── Columns ─────────────────────────────────────────────────────────────────────────────────────
const addColumn: Check = (ctx) => {
  const pg = isPg(ctx);
  const v = ctx.input.settings.postgresVersion;
  each(ctx, ['add-column'], (f) => {
    if (!existing(f) && !f.newTableHasRows) return;
    const c = f.op.column;
    if (c.notNull && !c.default && !c.generated && !c.serial) {
      ctx.report(R.addColumnRequired, f, {
        message: pg
          ? `ADD COLUMN ${q(c.name)} NOT NULL without a DEFAULT fails if ${q(f.op.table)} has rows, and INSERTs from the code still running do not set it. Add it nullable (or with a DEFAULT), backfill, then enforce NOT NULL.`
          : `ADD COLUMN ${q(c.name)} NOT NULL without a DEFAULT fills existing rows with the type's zero value (or fails in strict mode), and INSERTs from the code still running that omit it fail. Give it a DEFAULT or add it nullable.`,
        fixes: fx.addColumnNullableFirst(ctx, f),
      });
    }
    // A new table with rows: nothing else runs against it, so locks and rewrites do not matter.
    if (!existing(f)) return;
    if (pg && c.default && !c.default.isNull && !c.generated && (c.default.volatility === 'volatile' || c.default.volatility === 'unknown' || v < 11)) {
      ctx.report(R.volatileDefault, f, {
        message:
          c.default.volatility === 'volatile'
            ? `DEFAULT ${c.default.text} is volatile, so adding ${q(c.name)} rewrites every row of ${q(f.op.table)} under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches.`
            : c.default.volatility === 'unknown' && v >= 11
              ? `DEFAULT ${c.default.text} is not a constant or a known built-in function, so whether it is volatile cannot be told: if it is, adding ${q(c.name)} rewrites every row of ${q(f.op.table)} under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches (or ignore with a reason if the function is STABLE or IMMUTABLE).`
              : `On PostgreSQL ${v} (before 11) any DEFAULT on ADD COLUMN rewrites the whole table under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches.`,
        fixes: fx.defaultThenBackfill(ctx, f),
        data: { assumedPostgresVersion: v },
        // Not known to be volatile: a warning, not an error that blocks the deploy.
        ...(c.default.volatility === 'unknown' && v >= 11 ? { severity: 'warning' as const } : {}),
      });
    }
    if (pg && (c.serial || c.generated === 'stored' || c.generated === 'identity')) {
      const what = c.serial ? 'a serial column' : c.generated === 'stored' ? 'a GENERATED … STORED column' : 'an identity column';
      ctx.report(R.rewritingColumn, f, {
        message: `Adding ${what} ${q(c.name)} computes a value for every existing row, rewriting ${q(f.op.table)} under ACCESS EXCLUSIVE. Add a plain column, fill it in batches, and set the default or trigger afterwards.`,
      });
    }
    if (pg && c.type?.name === 'json') jsonb(ctx, f, c);
  });
  each(ctx, ['create-table'], (f) => {
    if (!isPg(ctx)) return;
    for (const c of f.op.columns) if (c.type?.name === 'json') jsonb(ctx, f, c);
  });
};

function jsonb(ctx: CheckContext, f: OpFacts, c: ColumnDef): void {
  ctx.report(R.preferJsonb, f, {
    message: `Column ${q(c.name)} is json: it has no equality operator, so SELECT DISTINCT, UNION and GROUP BY over it fail, and it is re-parsed on every read. Use jsonb.`,
    span: c.type?.span ?? c.span,
    fixes: c.type?.span && ctx.input.sql ? [{ title: 'Use jsonb', isPreferred: true, edits: [fx.edit(ctx, c.type.span.start, c.type.span.end, c.type.array ? 'jsonb[]' : 'jsonb')] }] : undefined,
    noLock: true,
  });
}

const typeChange: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['alter-column-type'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const from = f.op.fromType;
    const { verdict, row } = classifyPgTypeChange(from, f.op.type, ctx.input.settings.postgresVersion);
    if (verdict === 'safe' && !f.op.using) return;
    const what = `${q(f.op.table)}.${q(f.op.column)}${from ? ` from ${from.text}` : ''} to ${f.op.type.text}`;
    if (verdict === 'safe-if-utc' && !f.op.using) {
      ctx.report(R.columnTypeChange, f, {
        message: `Changing ${what} is done without a rewrite on PostgreSQL 12+ only when the session TimeZone is UTC (${row!.why}); in any other time zone it rewrites the table under ACCESS EXCLUSIVE. Run the migration with SET TimeZone = 'UTC'.`,
        severity: 'warning',
        noLock: true,
        data: { lock: 'ACCESS EXCLUSIVE', requires: 'TimeZone=UTC' },
      });
      return;
    }
    // Without the current type this is a guess: a warning, not an error that blocks the deploy.
    ctx.report(R.columnTypeChange, f, {
      message: from
        ? `Changing ${what} rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE. Add a new column, write both, backfill, switch reads, then drop the old one.`
        : `Changing ${what}: the current type is unknown (not created by the migrations replayed here), so whether this rewrites the table cannot be told. Only some changes are free (varchar(n) → text or a larger n, numeric to a larger precision, a higher timestamp precision…); any other rewrites the table and its indexes under ACCESS EXCLUSIVE.`,
      ...(from ? {} : { severity: 'warning' as const }),
    });
  });
};

const drops: Check = (ctx) => {
  const separated = (table: string, column?: string): string | undefined => {
    const m = ctx.schema?.separated;
    if (!m) return undefined;
    if (column === undefined) return m.get(table);
    return m.get(`${table}.${column}`) ?? m.get(`${table}.${column.replace(/_id$/, '')}`) ?? m.get(table);
  };
  const contract = (f: OpFacts, rule: typeof R.dropColumn, what: string, from: string) =>
    ctx.report(rule, f, {
      message: `Dropping ${what} is the contract step of expand-contract: ${from || 'an earlier migration'} removed it from Django's state, so the code deployed since then no longer uses it, and the running code is not broken. It still deletes the data for good: back it up first; this migration cannot be reversed.`,
      severity: 'warning',
      data: { contractStep: true, separatedIn: from, irreversible: true },
    });
  each(ctx, ['drop-column'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const sep = separated(f.op.table, f.op.column);
    if (sep !== undefined) return contract(f, R.dropColumn, `${q(f.op.table)}.${q(f.op.column)}`, sep);
    ctx.report(R.dropColumn, f, {
      message: `Dropping ${q(f.op.table)}.${q(f.op.column)} breaks the code still running during the deploy (ORMs select and insert every column they know). First deploy code that no longer uses it, then drop it in a later release.`,
      fixes: fx.postponeDrop(ctx, f, `drop_${f.op.table}_${f.op.column}`),
    });
  });
  each(ctx, ['drop-table'], (f) => {
    const old = f.op.tables.filter((t) => !ctx.facts.some((g) => g.i < f.i && g.op.kind === 'create-table' && g.op.table === t.table));
    if (!old.length) return;
    const sep = old.map((t) => separated(t.table));
    if (sep.every((x) => x !== undefined)) return contract(f, R.dropTable, old.map((t) => q(t.table)).join(', '), sep[0]!);
    ctx.report(R.dropTable, f, {
      message: `Dropping ${old.map((t) => q(t.table)).join(', ')} breaks the code still running during the deploy and deletes the data${f.op.cascade ? '; CASCADE also drops views and foreign keys that depend on it' : ''}. Stop using it in a release first, then drop it.`,
      fixes: fx.postponeDrop(ctx, f, `drop_${old[0].table}`),
    });
  });
  each(ctx, ['drop-schema', 'drop-database', 'drop-type'], (f) => {
    const what = f.op.kind === 'drop-schema' ? 'schema' : f.op.kind === 'drop-database' ? 'database' : 'type';
    ctx.report(R.dropSchema, f, { message: `Dropping ${what} ${q(f.op.name)} removes what the running code and stored data depend on${f.op.kind === 'drop-schema' && f.op.cascade ? ', with everything in it (CASCADE)' : ''}.` });
  });
  each(ctx, ['drop-not-null'], (f) => {
    if (!existing(f)) return;
    ctx.report(R.dropNotNull, f, { message: `DROP NOT NULL on ${q(f.op.table)}.${q(f.op.column)}: the code still running may read NULLs it does not expect.` });
  });
  each(ctx, ['truncate'], (f) => {
    const old = f.op.tables.filter((t) => !ctx.newTables.has(t.table));
    if (!old.length) return;
    ctx.report(R.truncateTable, f, {
      message: `TRUNCATE ${old.map((t) => q(t.table)).join(', ')} deletes every row under ACCESS EXCLUSIVE${f.op.cascade ? ', and CASCADE silently empties every table with a foreign key to it' : ''}.`,
    });
  });
};

const renames: Check = (ctx) => {
  each(ctx, ['rename-column'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    ctx.report(R.renameColumn, f, {
      message: `Renaming ${q(f.op.table)}.${q(f.op.column)} to ${q(f.op.newName)} breaks the code still running, which uses the old name. Expand-contract: add ${q(f.op.newName)}, keep both in sync, move the code, then drop ${q(f.op.column)}.`,
      fixes: fx.renameExpand(ctx, f),
    });
  });
  each(ctx, ['rename-table'], (f) => {
    if (!existing(f)) return;
    // Renamed with a view under the old name for the running code: compatible.
    if (ctx.facts.some((g) => g.i > f.i && g.op.kind === 'other' && g.op.statement === 'CREATE VIEW' && g.op.table === f.op.table)) return;
    ctx.report(R.renameTable, f, {
      message: `Renaming ${q(f.op.table)} to ${q(f.op.newName)} breaks the code still running, which uses the old name. Rename it and leave a view under the old name until the code has moved.`,
      fixes: isPg(ctx) ? fx.renameTableWithView(ctx, f) : undefined,
    });
  });
  each(ctx, ['rename-schema'], (f) => ctx.report(R.renameSchema, f, { message: `Renaming schema ${q(f.op.name)} to ${q(f.op.newName)} breaks every query of the running code that names it.` }));
  each(ctx, ['rename-enum-value'], (f) =>
    ctx.report(R.renameEnumValue, f, { message: `Renaming ${q(f.op.type)} value ${q(f.op.value)} to ${q(f.op.newValue)} makes the running code's writes of ${q(f.op.value)} fail. Add the new value, support both, backfill, then stop using the old one.` }),
  );
  each(ctx, ['add-enum-value'], (f) => {
    if (f.op.before || f.op.after) return;
    ctx.report(R.enumValueOrdering, f, {
      message: `ADD VALUE ${q(f.op.value)} without BEFORE or AFTER appends it to ${q(f.op.type)}: ORDER BY on the enum sorts it last. Say where it goes if the order matters.`,
      noLock: true,
    });
  });
};

const partitionsAndRewrites: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['detach-partition'], (f) => {
    if (f.op.concurrently || ctx.input.settings.postgresVersion < 14) return;
    ctx.report(R.requireConcurrentDetach, f, {
      message: `DETACH PARTITION ${q(f.op.partition)} without CONCURRENTLY takes ACCESS EXCLUSIVE on ${q(f.op.table)}. Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), outside a transaction.`,
      fixes: fx.concurrently(ctx, f, 'Detach CONCURRENTLY'),
    });
  });
  each(ctx, ['rewrite-table'], (f) => {
    if (f.op.command === 'repack') return;
    const v = ctx.input.settings.postgresVersion;
    ctx.report(R.tableRewrite, f, {
      message: `${f.op.command === 'vacuum-full' ? 'VACUUM FULL' : 'CLUSTER'} rewrites ${f.op.tables.map((t) => q(t.table)).join(', ') || 'the tables'} under ACCESS EXCLUSIVE.${v >= 19 ? ' Use REPACK (CONCURRENTLY).' : ' Use pg_repack or pg_squeeze online.'}`,
    });
  });
  each(ctx, ['set-logged'], (f) => {
    if (!existing(f)) return;
    ctx.report(R.tableRewrite, f, { message: `SET ${f.op.logged ? 'LOGGED' : 'UNLOGGED'} rewrites ${q(f.op.table)} under ACCESS EXCLUSIVE.` });
  });
  each(ctx, ['refresh-matview'], (f) => {
    if (f.op.concurrently) return;
    ctx.report(R.tableRewrite, f, {
      message: `REFRESH MATERIALIZED VIEW ${q(f.op.name)} without CONCURRENTLY blocks reads of the view until it is rebuilt. Use CONCURRENTLY (needs a unique index on the view).`,
      fixes: fx.concurrently(ctx, f, 'Refresh CONCURRENTLY'),
    });
  });
};

// ── Transactions and timeouts ───────────────────────────────────────────────────────────────────
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
      ctx.report(lock ? R.requireLockTimeout : R.requireStatementTimeout, f, {
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
    ctx.report(pg ? R.requireLockTimeout : R.mysqlLockWaitTimeout, first, {
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
    ctx.report(R.requireStatementTimeout, slow, {
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
    ctx.report(R.statementAfterAccessExclusive, next, {
      message: `This statement runs while the ACCESS EXCLUSIVE lock on ${holder.lock.on.map(q).join(', ')} (taken on line ${ctx.index.positionAt(holder.op.span.start).line + 1}) is still held: reads and writes of that table wait until the transaction commits. Move the statements that take the strongest lock to the end, or into their own migration.`,
      related: [{ file: ctx.input.file, range: ctx.index.rangeOf(holder.op.span.start, holder.op.span.end), message: 'ACCESS EXCLUSIVE taken here' }],
    });
  }
};

const ALTER_KINDS = new Set<MigrationOp['kind']>([
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

const multipleAlters: Check = (ctx) => {
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
    ctx.report(R.multipleAlters, f, {
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
      if (open) ctx.report(R.transactionNesting, f, { message: 'BEGIN while a transaction is already open in this file: PostgreSQL warns and ignores it, and the first COMMIT ends both.', noLock: true });
      else if (f.implicitTx || (ctx.input.tx.wrapped && !f.inTx)) {
        ctx.report(R.transactionNesting, f, { message: `${ctx.input.tx.source ?? `${ctx.input.tx.tool} already runs the migration in a transaction`}: this BEGIN is redundant, and its COMMIT ends the runner's transaction early.`, noLock: true });
      }
      open = f;
    } else if (a === 'commit' || a === 'rollback') {
      if (!open && ctx.input.tx.wrapped) {
        const reopened = ctx.facts.some((g) => g.i > f.i && g.op.kind === 'transaction' && g.op.action === 'begin');
        if (!reopened) ctx.report(R.transactionNesting, f, { message: `${a.toUpperCase()} without BEGIN ends the transaction the migration tool opened: the statements after it run outside it.`, noLock: true });
        runnerClosed = true;
      }
      open = undefined;
    }
  }
  if (open) {
    ctx.report(R.uncommittedTransaction, open, {
      message: 'This BEGIN has no COMMIT: the statements after it are rolled back when the connection closes, but the migration is recorded as applied.',
      noLock: true,
      fixes: ctx.input.sql ? [{ title: 'Add COMMIT at the end', isPreferred: true, edits: [fx.edit(ctx, ctx.input.text.length, ctx.input.text.length, `${ctx.input.text.endsWith('\n') ? '' : '\n'}COMMIT;\n`)] }] : undefined,
    });
  }
};

// ── Data changes ────────────────────────────────────────────────────────────────────────────────
const dml: Check = (ctx) => {
  each(ctx, ['dml'], (f) => {
    if (f.op.verb === 'insert' || f.newTable) return;
    if (!f.op.hasWhere) {
      ctx.report(R.dataInSchemaMigration, f, {
        message: `${f.op.verb.toUpperCase()} on ${q(f.op.table)} without WHERE touches every row in one statement${f.inTx ? ', holding every row lock until the migration commits' : ''}. Backfill in batches (by primary key ranges), outside the schema migration.`,
        fixes: f.op.verb === 'update' ? fx.batchedUpdate(ctx, f) : undefined,
      });
    } else {
      ctx.report(R.dataInSchemaMigration, f, {
        message: `${f.op.verb.toUpperCase()} on ${q(f.op.table)} in a schema migration: a backfill of unknown size holds row locks${f.inTx ? ' until the migration commits' : ''} and slows the deploy. Run it in batches as a separate data migration or job.`,
      });
    }
  });
};

// ── MySQL / MariaDB ─────────────────────────────────────────────────────────────────────────────
const mysql: Check = (ctx) => {
  if (!isMy(ctx)) return;
  const settings = ctx.input.settings;
  const stmtsWithAlgorithm = new Set<number>();
  for (const f of ctx.facts) {
    if (!f.lock || f.newTable || !ALTER_KINDS.has(f.op.kind) && f.op.kind !== 'create-index' && f.op.kind !== 'drop-index') continue;
    const blockingMy = f.lock.algorithm === 'COPY' || f.lock.mode === 'MYSQL SHARED' || f.lock.mode === 'MYSQL EXCLUSIVE';
    if (blockingMy) {
      const d = mysqlDefault(f.op, settings);
      const explicitCopy = f.op.mysql?.algorithm === 'COPY' || f.op.mysql?.lock === 'SHARED' || f.op.mysql?.lock === 'EXCLUSIVE';
      const why =
        f.op.kind === 'modify-column' || f.op.kind === 'alter-column-type'
          ? 'changing a column definition (type, charset, or anything but appending ENUM values or growing a VARCHAR within its length byte) copies the table'
          : f.op.kind === 'add-constraint' && f.op.constraint.type === 'foreign-key'
            ? 'adding a FOREIGN KEY copies the table unless foreign_key_checks=0'
            : f.op.kind === 'add-constraint' && f.op.constraint.type === 'check'
              ? 'adding a CHECK constraint copies the table to validate it'
              : explicitCopy
                ? `the statement asks for ${f.op.mysql?.algorithm ? `ALGORITHM=${f.op.mysql.algorithm}` : ''}${f.op.mysql?.lock ? ` LOCK=${f.op.mysql.lock}` : ''}`
                : 'this change cannot be done in place';
      ctx.report(R.mysqlCopyAlgorithm, f, {
        message: `This ALTER blocks writes to ${q((f.op as { table?: string }).table ?? '?')} for its whole duration: ${why}. Use an online schema change tool (gh-ost, pt-online-schema-change) for large tables${explicitCopy && d && d.algorithm !== 'COPY' ? `, or ALGORITHM=${d.algorithm}, LOCK=${d.lock}` : ''}.`,
        fixes: explicitCopy && d && d.algorithm !== 'COPY' && d.lock === 'NONE' ? fx.mysqlAlgorithm(ctx, f, d.algorithm, true) : undefined,
      });
    }
    if (!f.op.mysql?.algorithm && !stmtsWithAlgorithm.has(f.op.stmt) && (f.op.kind !== 'create-index' || true)) {
      stmtsWithAlgorithm.add(f.op.stmt);
      const ops = ctx.facts.filter((g) => g.op.stmt === f.op.stmt);
      const algos = ops.map((g) => mysqlDefault(g.op, settings));
      if (algos.some((a) => !a || a.algorithm === 'COPY' || a.lock !== 'NONE')) continue;
      const algo = algos.every((a) => a!.algorithm === 'INSTANT') ? 'INSTANT' : 'INPLACE';
      ctx.report(R.mysqlExplicitAlgorithm, f, {
        message: `No ALGORITHM/LOCK clause: if ${isMariadb(settings) ? 'MariaDB' : 'MySQL'} cannot do this ${algo === 'INSTANT' ? 'instantly' : 'in place'} (row format, version, a FULLTEXT index…), it silently copies the table and blocks writes. Add ALGORITHM=${algo}${algo === 'INPLACE' ? ', LOCK=NONE' : ''} so it fails instead.`,
        fixes: fx.mysqlAlgorithm(ctx, f, algo, false),
        noLock: true,
      });
    }
  }
  each(ctx, ['modify-column'], (f) => {
    const t = f.op.def.type;
    if (!t || !(t.name === 'enum' || t.name === 'set') || !t.values) return;
    const before = ctx.schema?.tables.get(f.op.table)?.columns.get(f.op.column)?.type;
    if (!before?.values) return;
    const appended = before.values.every((v, i) => t.values![i] === v) && t.values.length >= before.values.length;
    if (appended && !(t.name === 'enum' && before.values.length <= 255 && t.values.length > 255)) return;
    ctx.report(R.mysqlEnumReorder, f, {
      message: `${t.name.toUpperCase()} ${q(f.op.column)} changes from (${before.values.join(', ')}) to (${t.values.join(', ')}): only appending values at the end is instant; removing, reordering or inserting copies the table and blocks writes.`,
    });
  });
};

// ── Type hygiene (opt-in) and identifiers ───────────────────────────────────────────────────────
const hygiene: Check = (ctx) => {
  if (!isPg(ctx)) return;
  const cols: { f: OpFacts; c: ColumnDef }[] = [];
  const optIn = ctx.input.optIn ?? [];
  const typeRules = [R.preferBigint, R.preferText, R.preferTimestamptz, R.preferIdentity].some((r) => optIn.includes(r.id));
  for (const f of typeRules ? ctx.facts : []) {
    if (f.op.kind === 'create-table') for (const c of f.op.columns) cols.push({ f, c });
    if (f.op.kind === 'add-column') cols.push({ f, c: f.op.column });
  }
  const typeFix = (f: OpFacts, t: TypeRef | undefined, to: string, title: string) =>
    t?.span && ctx.input.sql ? [{ title, isPreferred: true, edits: [fx.edit(ctx, t.span.start, t.span.end, to + (t.array ? '[]' : ''))] }] : undefined;
  for (const { f, c } of cols) {
    const t = c.type;
    if (!t) continue;
    if (t.name === 'int4' || t.name === 'int2' || (c.serial && (t.name === 'serial' || t.name === 'smallserial'))) {
      ctx.report(R.preferBigint, f, { message: `Column ${q(c.name)} is ${t.text}: running out of 32-bit values later needs a table rewrite. Use bigint.`, span: t.span ?? c.span, fixes: typeFix(f, t, c.serial ? 'bigserial' : 'bigint', 'Use bigint'), noLock: true });
    }
    if ((t.name === 'varchar' && t.args.length) || t.name === 'bpchar') {
      ctx.report(R.preferText, f, { message: `Column ${q(c.name)} is ${t.text}: changing the length later takes an exclusive lock (and char pads with spaces). Use text, with a CHECK on length if needed.`, span: t.span ?? c.span, fixes: typeFix(f, t, 'text', 'Use text'), noLock: true });
    }
    if (t.name === 'timestamp') {
      ctx.report(R.preferTimestamptz, f, { message: `Column ${q(c.name)} is timestamp without time zone: values are ambiguous across time zones. Use timestamptz.`, span: t.span ?? c.span, fixes: typeFix(f, t, 'timestamptz', 'Use timestamptz'), noLock: true });
    }
    if (c.serial) {
      ctx.report(R.preferIdentity, f, { message: `Column ${q(c.name)} is ${t.text}: prefer bigint GENERATED BY DEFAULT AS IDENTITY (owned sequence, standard SQL, simpler permissions).`, span: t.span ?? c.span, fixes: typeFix(f, t, 'bigint GENERATED BY DEFAULT AS IDENTITY', 'Use an identity column'), noLock: true });
    }
  }
  const long = (n: string | undefined) => !!n && n.length > 21 && (n.length > 63 || Buffer.byteLength(n, 'utf8') > 63);
  for (const f of ctx.facts) {
    const names: string[] = [];
    const op = f.op;
    if (op.kind === 'create-table') names.push(op.table, ...op.columns.map((c) => c.name), ...op.constraints.map((c) => c.name ?? ''));
    if (op.kind === 'create-index' && op.name) names.push(op.name);
    if (op.kind === 'add-column') names.push(op.column.name);
    if (op.kind === 'add-constraint' && op.constraint.name) names.push(op.constraint.name);
    if (op.kind === 'rename-column' || op.kind === 'rename-table') names.push(op.newName);
    for (const n of names.filter(long)) {
      ctx.report(R.identifierTooLong, f, { message: `${q(n)} is ${Buffer.byteLength(n, 'utf8')} bytes; PostgreSQL truncates identifiers to 63 bytes, so it is created under a different name than the one the code uses.`, noLock: true });
    }
  }
};

export const CHECKS: readonly Check[] = [
  indexConcurrency,
  concurrentInTx,
  enumInTx,
  pg14Bug,
  constraintsNotValid,
  validateSameTx,
  uniqueWithoutIndex,
  exclusion,
  setNotNull,
  fkIndex,
  domains,
  addColumn,
  typeChange,
  drops,
  renames,
  partitionsAndRewrites,
  timeouts,
  afterAccessExclusive,
  multipleAlters,
  transactions,
  dml,
  mysql,
  hygiene,
];
