/** Constraints: NOT VALID and VALIDATE, unique and primary keys, NOT NULL, foreign-key indexes, domains. */
import { defineMigrationRule } from './define';
import { type F, canAppend, edit, eol, ident, newMigration, opsInStmt, optOutEdits, removeStmt, shortName, stmtEnd, tableName } from '../fixes';
import type { Fix, TextEdit } from '../../model';
import type { Check, CheckContext, OpFacts } from '../context';
import * as fx from '../fixes';
import { q, isPg, each, existing, addedInFile } from './helpers';

export const constraintNotValid = defineMigrationRule({
  id: 'migration/constraint-not-valid',
  defaultSeverity: 'error',
  summary: 'Add FOREIGN KEY and CHECK constraints NOT VALID, then VALIDATE them separately, to avoid a full scan under lock',
  equivalents: {
    squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
    strong_migrations: ['add_foreign_key', 'add_check_constraint'],
    eugene: ['E1'],
    pgfence: ['add-constraint-fk-no-not-valid', 'add-constraint-check-no-not-valid'],
    atlas: ['PG305', 'PG306'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` (CHECK) or `SHARE ROW EXCLUSIVE` on both tables (FOREIGN KEY) during a full scan',
    what: '`ADD CONSTRAINT … FOREIGN KEY` or `… CHECK` without `NOT VALID` on an existing table, and `ADD COLUMN … REFERENCES`.',
    why: 'Validating scans every row while the lock is held: writes (and for CHECK, reads) wait for the whole scan. Added `NOT VALID`, the constraint applies to new rows at once and the lock is brief; `VALIDATE CONSTRAINT` later takes only `SHARE UPDATE EXCLUSIVE`, which lets reads and writes continue.',
    fix: 'The quick fix adds `NOT VALID` (and a constraint name if there was none) and creates the next migration, named for the tool, with the `VALIDATE CONSTRAINT`. When the file runs outside a transaction, the VALIDATE goes right after the statement.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);'],
      safe: ['ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- next migration (another transaction):\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;'],
    },
  },
});

export const validateInSameTransaction = defineMigrationRule({
  id: 'migration/validate-in-same-transaction',
  defaultSeverity: 'error',
  summary: 'VALIDATE CONSTRAINT in the transaction that added it NOT VALID, or while writes are blocked, loses the benefit of NOT VALID',
  equivalents: {
    squawk: ['constraint-missing-not-valid'],
    strong_migrations: ['validate_foreign_key', 'validate_check_constraint'],
    pgfence: ['not-valid-validate-same-tx'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`SHARE UPDATE EXCLUSIVE` plus whatever the transaction already holds',
    what: '`VALIDATE CONSTRAINT` in the transaction that added the constraint `NOT VALID`, or after an `ACCESS EXCLUSIVE` lock on the table in the same transaction.',
    why: 'Locks are held until commit, so the ACCESS EXCLUSIVE of the ADD is still held during the validation scan: NOT VALID bought nothing.',
    fix: 'The quick fix moves the VALIDATE into a new migration after this one.',
  },
  examples: {
    postgres: {
      flagged: ['BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;'],
      safe: ['BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nCOMMIT;\n-- next migration:\nALTER TABLE t VALIDATE CONSTRAINT c;'],
    },
  },
});

export const uniqueWithoutIndex = defineMigrationRule({
  id: 'migration/unique-without-index',
  defaultSeverity: 'error',
  summary: 'Add UNIQUE and PRIMARY KEY constraints USING INDEX built CONCURRENTLY, not by building the index under an ACCESS EXCLUSIVE lock',
  equivalents: {
    squawk: ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
    strong_migrations: ['add_unique_constraint'],
    eugene: ['E7'],
    pgfence: ['add-constraint-unique', 'add-pk-without-using-index'],
    atlas: ['PG104', 'PG105', 'MF101'],
    'django-migration-linter': ['ADD_UNIQUE'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during the index build',
    what: '`ADD CONSTRAINT … UNIQUE` / `PRIMARY KEY` (or `ADD COLUMN … UNIQUE/PRIMARY KEY`) on an existing table without `USING INDEX`.',
    why: 'The unique index is built while reads and writes are blocked. Building it first with `CREATE UNIQUE INDEX CONCURRENTLY` and attaching it with `USING INDEX` makes the lock brief. It also fails if duplicates exist (Atlas MF101): the concurrent build tells you without blocking anything.',
    fix: 'The quick fix writes both statements; it leaves the transaction the tool\'s way, or for golang-migrate/Prisma splits them into migrations of their own.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);'],
      safe: ['CREATE UNIQUE INDEX CONCURRENTLY users_email_key_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key_idx;'],
    },
  },
});

export const exclusionConstraint = defineMigrationRule({
  id: 'migration/exclusion-constraint',
  defaultSeverity: 'warning',
  summary: 'An EXCLUDE constraint scans and indexes the table under ACCESS EXCLUSIVE and cannot be added NOT VALID',
  equivalents: { strong_migrations: ['add_exclusion_constraint'], eugene: ['E8'], pgfence: ['add-constraint-exclude'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during the build',
    what: '`ADD CONSTRAINT … EXCLUDE` on an existing table.',
    why: 'There is no `NOT VALID` or `USING INDEX` form: the index is built and every row checked under ACCESS EXCLUSIVE.',
    fix: 'No automatic fix; ignore with a reason when the table is small.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);'],
      safe: ['-- add it when the table is created, or in a maintenance window', 'CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));'],
    },
  },
});

export const setNotNull = defineMigrationRule({
  id: 'migration/set-not-null',
  defaultSeverity: 'error',
  summary: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists',
  equivalents: {
    squawk: ['adding-not-nullable-field'],
    strong_migrations: ['change_column_null_postgresql', 'change_column_null'],
    eugene: ['E2'],
    pgfence: ['alter-column-set-not-null'],
    atlas: ['PG303', 'MF104'],
    'django-migration-linter': ['NOT_NULL'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during a full scan',
    what: '`ALTER COLUMN … SET NOT NULL` on an existing column, unless a validated `CHECK (col IS NOT NULL)` exists earlier in the file or in an earlier migration (replayed) and the server is PostgreSQL 12+.',
    why: 'PostgreSQL scans the whole table to prove there are no NULLs while reads and writes wait. Since PostgreSQL 12 a validated CHECK constraint lets it skip the scan.',
    fix: 'The quick fix writes exactly this: the CHECK NOT VALID in place of the SET NOT NULL, and the rest in a new migration (or right after it when the file runs outside a transaction).',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ALTER COLUMN email SET NOT NULL;'],
      safe: ['ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;'],
    },
  },
});

export const foreignKeyWithoutIndex = defineMigrationRule({
  id: 'migration/foreign-key-without-index',
  defaultSeverity: 'warning',
  summary: 'A foreign key without an index on its referencing columns makes deletes and updates of the referenced rows scan the table',
  equivalents: { eugene: ['E15'], pgfence: ['fk-missing-index'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'none itself; later deletes on the referenced table scan',
    what: 'A foreign key whose referencing columns are not the leading columns of an index created in the file, a primary key or unique constraint, or an index known from earlier migrations.',
    why: 'PostgreSQL does not index referencing columns automatically. Every DELETE (or key UPDATE) of a referenced row scans the referencing table, and ON DELETE CASCADE becomes slow and lock-heavy.',
    fix: 'The quick fix adds the index (CONCURRENTLY, in a migration of its own, when the table already exists and the file runs in a transaction).',
  },
  examples: {
    postgres: {
      flagged: ['CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));'],
      safe: ['CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);'],
    },
  },
});

export const domainConstraint = defineMigrationRule({
  id: 'migration/domain-constraint',
  defaultSeverity: 'warning',
  summary: 'Constraints on a domain are checked against every column of that type, with no NOT VALID escape when added to an existing domain',
  equivalents: { squawk: ['ban-create-domain-with-constraint', 'ban-alter-domain-with-add-constraint'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`SHARE` on every table using the domain while they are checked',
    what: '`CREATE DOMAIN … CHECK/NOT NULL` and `ALTER DOMAIN … ADD CONSTRAINT` without `NOT VALID`.',
    why: 'Changing a domain constraint later checks every column of that type in every table. Constraints on columns are easier to change safely.',
    fix: 'No automatic fix.',
  },
  examples: {
    postgres: {
      flagged: ['CREATE DOMAIN email AS text CHECK (VALUE ~ \'@\');'],
      safe: ['CREATE DOMAIN email AS text;\n-- and CHECK constraints on the columns'],
    },
  },
});

const constraintsNotValid: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    const c = f.op.constraint;
    if ((c.type !== 'check' && c.type !== 'foreign-key') || c.notValid || !existing(f)) return;
    const what = c.type === 'foreign-key' ? `FOREIGN KEY to ${q(c.references?.table ?? '?')}` : 'CHECK constraint';
    ctx.report(constraintNotValid, f, {
      message: `Adding a ${what} without NOT VALID checks every existing row of ${q(f.op.table)} while holding the lock. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate transaction (VALIDATE takes only SHARE UPDATE EXCLUSIVE).`,
      fixes: notValidThenValidate(ctx, f),
    });
  });
  each(ctx, ['add-column'], (f) => {
    const r = f.op.column.references;
    if (!r || !existing(f)) return;
    ctx.report(constraintNotValid, f, {
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
    ctx.report(validateInSameTransaction, f, {
      message: added
        ? `VALIDATE CONSTRAINT ${q(f.op.name)} runs in the same transaction that added it NOT VALID, so the ACCESS EXCLUSIVE lock of the ADD is held during the whole scan. Validate in a separate migration.`
        : `VALIDATE CONSTRAINT ${q(f.op.name)} runs after an ACCESS EXCLUSIVE lock on ${q(f.op.table)} in the same transaction: the scan happens while reads and writes are blocked. Validate in a separate migration.`,
      related: [{ file: ctx.input.file, range: ctx.index.rangeOf((added ?? blocker)!.op.span.start, (added ?? blocker)!.op.span.end), message: 'lock taken here' }],
      fixes: fx.moveToNextMigration(ctx, f, `validate_${f.op.name}`, 'Move VALIDATE to a new migration'),
    });
  });
};

const uniqueWithoutIndexCheck: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    const c = f.op.constraint;
    if ((c.type !== 'unique' && c.type !== 'primary-key') || c.usingIndex || !existing(f)) return;
    const kw = c.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
    ctx.report(uniqueWithoutIndex, f, {
      message: `ADD ${kw} builds its index while holding ACCESS EXCLUSIVE on ${q(f.op.table)}. Build a unique index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … ${kw} USING INDEX (brief).${c.type === 'primary-key' ? ' The columns must already be NOT NULL.' : ''}`,
      fixes: uniqueUsingIndex(ctx, f),
    });
  });
  each(ctx, ['add-column'], (f) => {
    if (!(f.op.column.unique || f.op.column.primaryKey) || !existing(f)) return;
    ctx.report(uniqueWithoutIndex, f, {
      message: `ADD COLUMN … ${f.op.column.primaryKey ? 'PRIMARY KEY' : 'UNIQUE'} builds an index while holding ACCESS EXCLUSIVE on ${q(f.op.table)}. Add the column, then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT … USING INDEX.`,
    });
  });
};

const exclusion: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['add-constraint'], (f) => {
    if (f.op.constraint.type !== 'exclude' || !existing(f)) return;
    ctx.report(exclusionConstraint, f, {
      message: `An EXCLUDE constraint on ${q(f.op.table)} builds its index and checks every row under ACCESS EXCLUSIVE; it cannot be added NOT VALID or USING INDEX. Run it in a maintenance window or on an empty table.`,
    });
  });
};

const setNotNullCheck: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['set-not-null'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const v = ctx.input.settings.postgresVersion;
    if (v >= 12 && ctx.hasValidatedNotNullCheck(f.op.table, f.op.column, f.i)) return;
    ctx.report(setNotNull, f, {
      message:
        v >= 12
          ? `SET NOT NULL on ${q(f.op.table)}.${q(f.op.column)} scans the whole table under ACCESS EXCLUSIVE. Add CHECK (${f.op.column} IS NOT NULL) NOT VALID, VALIDATE it in another transaction, then SET NOT NULL (instant with the validated CHECK) and drop the CHECK.`
          : `SET NOT NULL on ${q(f.op.table)}.${q(f.op.column)} scans the whole table under ACCESS EXCLUSIVE, and before PostgreSQL 12 a CHECK does not help: keep a validated CHECK (${f.op.column} IS NOT NULL) NOT VALID constraint instead.`,
      fixes: v >= 12 ? setNotNullViaCheck(ctx, f) : undefined,
    });
  });
};

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
    ctx.report(foreignKeyWithoutIndex, k.f, {
      message: `No index on ${q(k.table)} (${k.cols.join(', ')}) supports the foreign key to ${q(k.ref)}: every DELETE or key UPDATE on ${q(k.ref)} scans ${q(k.table)}. Create an index on (${k.cols.join(', ')}), CONCURRENTLY if the table exists.`,
      fixes: fkIndexFix(ctx, k.f, k.table, k.cols),
      noLock: true,
    });
  }
};

const domains: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['create-domain'], (f) => {
    if (!f.op.hasConstraint) return;
    ctx.report(domainConstraint, f, {
      message: `Domain ${q(f.op.name)} has a constraint: changing it later checks every column of this type, across all tables, under lock. Prefer CHECK constraints on the columns.`,
      noLock: true,
    });
  });
  each(ctx, ['alter-domain-add-constraint'], (f) => {
    if (f.op.notValid) return;
    ctx.report(domainConstraint, f, {
      message: `ALTER DOMAIN ${q(f.op.name)} ADD CONSTRAINT checks every column of this type in every table. Add it NOT VALID, then VALIDATE separately.`,
    });
  });
};


// ── Fixes ──
function constraintNameFor(ctx: CheckContext, f: F<'add-constraint'>): { name: string; edits: TextEdit[] } | undefined {
  const c = f.op.constraint;
  if (c.name) return { name: c.name, edits: [] };
  const at = f.op.anchors?.constraintName;
  if (at === undefined) return undefined;
  const name = shortName(f.op.table, ...c.columns.slice(0, 2), c.type === 'foreign-key' ? 'fkey' : c.type === 'check' ? 'check' : c.type === 'unique' ? 'key' : 'pkey');
  return { name, edits: [edit(ctx, at, at, `CONSTRAINT ${ident(ctx, name)} `)] };
}

function notValidThenValidate(ctx: CheckContext, f: F<'add-constraint'>): Fix[] | undefined {
  const at = f.op.anchors?.notValid;
  if (!ctx.input.sql || at === undefined) return undefined;
  const n = constraintNameFor(ctx, f);
  if (!n) return undefined;
  const validate = `ALTER TABLE ${tableName(ctx, f.op)} VALIDATE CONSTRAINT ${ident(ctx, n.name)};`;
  const edits = [...n.edits, edit(ctx, at, at, ' NOT VALID')];
  if (canAppend(ctx, f)) {
    const end = stmtEnd(ctx, f);
    return [{ title: 'Add the constraint NOT VALID, then VALIDATE it', isPreferred: true, edits: [...edits, edit(ctx, end, end, eol(ctx, `\n${validate}`))] }];
  }
  const m = newMigration(ctx, `validate_${n.name}`, validate, false);
  return [{ title: `Add the constraint NOT VALID and VALIDATE it in ${m.path.replace(/^.*\//, '')}`, isPreferred: true, edits: [...edits, ...m.edits] }];
}

function setNotNullViaCheck(ctx: CheckContext, f: F<'set-not-null'>): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const clause = f.op.clause ?? f.op.span;
  const t = tableName(ctx, f.op);
  const col = ident(ctx, f.op.column);
  const name = ident(ctx, shortName(f.op.table, f.op.column, 'not_null'));
  const add = `ADD CONSTRAINT ${name} CHECK (${col} IS NOT NULL) NOT VALID`;
  const rest = `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${name};`;
  if (canAppend(ctx, f)) {
    const end = stmtEnd(ctx, f);
    return [{ title: 'SET NOT NULL through a CHECK … NOT VALID, VALIDATE, SET NOT NULL, DROP CHECK', isPreferred: true, edits: [edit(ctx, clause.start, clause.end, add), edit(ctx, end, end, eol(ctx, `\n${rest}`))] }];
  }
  const m = newMigration(ctx, `${f.op.table}_${f.op.column}_not_null`, rest, false);
  return [
    {
      title: `Add CHECK (${f.op.column} IS NOT NULL) NOT VALID here; VALIDATE, SET NOT NULL and DROP CHECK in ${m.path.replace(/^.*\//, '')}`,
      isPreferred: true,
      edits: [edit(ctx, clause.start, clause.end, add), ...m.edits],
    },
  ];
}

function uniqueUsingIndex(ctx: CheckContext, f: F<'add-constraint'>): Fix[] | undefined {
  if (!ctx.input.sql || opsInStmt(ctx, f).length > 1) return undefined;
  const c = f.op.constraint;
  if (!c.columns.length) return undefined;
  const kw = c.type === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
  const cname = c.name ?? shortName(f.op.table, ...(c.type === 'unique' ? [...c.columns, 'key'] : ['pkey']));
  const idx = shortName(cname, 'idx');
  const t = tableName(ctx, f.op);
  const create = `CREATE UNIQUE INDEX CONCURRENTLY ${ident(ctx, idx)} ON ${t} (${c.columns.map((x) => ident(ctx, x)).join(', ')});`;
  const attach = `ALTER TABLE ${t} ADD CONSTRAINT ${ident(ctx, cname)} ${kw} USING INDEX ${ident(ctx, idx)};`;
  const title = `Build the index CONCURRENTLY, then ADD CONSTRAINT … ${kw} USING INDEX`;
  const o = ctx.input.tx.optOut;
  if (canAppend(ctx, f)) return [{ title, isPreferred: true, edits: [edit(ctx, f.op.span.start, stmtEnd(ctx, f), eol(ctx, `${create}\n${attach}`))] }];
  if (f.inTx && !f.implicitTx) return undefined;
  if (o && (o.kind === 'directive' || o.kind === 'side-file')) {
    return [{ title: `${title} (and ${o.description})`, isPreferred: true, edits: [edit(ctx, f.op.span.start, stmtEnd(ctx, f), eol(ctx, `${create}\n${attach}`)), ...optOutEdits(ctx)] }];
  }
  // Split tools and others: the index in a migration of its own, the constraint in the one after it.
  if (ctx.statementCount <= 1 && o?.kind === 'split') {
    const m = newMigration(ctx, `${cname}_constraint`, attach, false);
    return [{ title: `${title} (constraint in ${m.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [edit(ctx, f.op.span.start, stmtEnd(ctx, f), create), ...m.edits] }];
  }
  if (o?.kind === 'split') {
    const a = newMigration(ctx, `${idx}`, create, true);
    const b = newMigration(ctx, `${cname}_constraint`, attach, false, a.path);
    return [{ title: `${title} (in ${a.path.replace(/^.*\//, '')} and ${b.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [removeStmt(ctx, f), ...a.edits, ...b.edits] }];
  }
  return undefined;
}

function fkIndexFix(ctx: CheckContext, f: OpFacts, table: string, cols: string[]): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const schema = 'schema' in f.op ? f.op.schema : undefined;
  const name = shortName(table, ...cols, 'idx');
  const isNew = ctx.newTables.has(table);
  const conc = !isNew && !f.inTx;
  const sql = `CREATE INDEX${conc ? ' CONCURRENTLY' : ''} ${ident(ctx, name)} ON ${tableName(ctx, { table, schema })} (${cols.map((c) => ident(ctx, c)).join(', ')});`;
  if (isNew || canAppend(ctx, f)) {
    const end = stmtEnd(ctx, f);
    return [{ title: `Index ${table} (${cols.join(', ')})`, isPreferred: true, edits: [edit(ctx, end, end, eol(ctx, `\n${sql}`))] }];
  }
  const m = newMigration(ctx, name, sql.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY'), true);
  return [{ title: `Index ${table} (${cols.join(', ')}) CONCURRENTLY in ${m.path.replace(/^.*\//, '')}`, isPreferred: true, edits: m.edits }];
}

export const constraintsChecks: readonly Check[] = [constraintsNotValid, validateSameTx, uniqueWithoutIndexCheck, exclusion, setNotNullCheck, fkIndex, domains];
