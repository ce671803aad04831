/** Drops: columns, tables, schemas and types, NOT NULL, TRUNCATE (what the running code still uses). */
import { defineMigrationRule } from './define';
import type { Check, OpFacts } from '../context';
import * as fx from '../fixes';
import { q, each, existing, addedInFile } from './helpers';
import type { OpOf } from '../ops';

export const dropColumn = defineMigrationRule({
  id: 'migration/drop-column',
  defaultSeverity: 'error',
  summary: 'Dropping a column breaks the code still running during the deploy; stop using it first (expand-contract)',
  equivalents: {
    squawk: ['ban-drop-column'],
    strong_migrations: ['remove_column'],
    pgfence: ['drop-column'],
    atlas: ['DS103'],
    'django-migration-linter': ['DROP_COLUMN'],
  },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly (PostgreSQL); INSTANT or INPLACE (MySQL)',
    what: '`DROP COLUMN` of a column that existed before this migration.',
    why: 'The lock is brief, but the code still running during a rolling deploy selects and inserts the column (ORMs cache the column list), so it errors until every instance runs the new code.',
    fix: 'The quick fix moves the drop into a later migration file marked as the contract step, to ship after the code no longer uses the column.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users DROP COLUMN legacy_flag;'],
      safe: ['-- release 1: stop using legacy_flag in the code (Rails: ignored_columns)\n-- release 2: ALTER TABLE users DROP COLUMN legacy_flag;', 'ALTER TABLE users ADD COLUMN scratch text;\nALTER TABLE users DROP COLUMN scratch;'],
    },
    mysql: {
      flagged: ['ALTER TABLE users DROP COLUMN legacy_flag;'],
      safe: ['CREATE TABLE scratch (id bigint PRIMARY KEY, note text);\nALTER TABLE scratch DROP COLUMN note;'],
    },
  },
});

export const dropTable = defineMigrationRule({
  id: 'migration/drop-table',
  defaultSeverity: 'error',
  summary: 'Dropping a table breaks the code still running during the deploy and loses its data',
  equivalents: { squawk: ['ban-drop-table'], pgfence: ['drop-table'], atlas: ['DS102'], 'django-migration-linter': ['DROP_TABLE'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`DROP TABLE` of a table not created in the same migration.',
    why: 'The running code still reads and writes the table, and the data is gone for good.',
    fix: 'The quick fix moves the drop into a later migration file marked as the contract step.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['DROP TABLE legacy_sessions;', 'DROP TABLE IF EXISTS legacy_sessions CASCADE;'],
      safe: ['-- release 1: stop using legacy_sessions\n-- release 2: DROP TABLE legacy_sessions;', 'CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;'],
    },
    mysql: {
      flagged: ['DROP TABLE legacy_sessions;'],
      safe: ['CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;'],
    },
  },
});

export const dropSchema = defineMigrationRule({
  id: 'migration/drop-schema',
  defaultSeverity: 'error',
  summary: 'DROP SCHEMA, DROP DATABASE and DROP TYPE remove what running code and data depend on',
  equivalents: { squawk: ['ban-drop-database'], atlas: ['DS101'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` on every object dropped',
    what: '`DROP SCHEMA`, `DROP DATABASE`, `DROP TYPE`.',
    why: 'Everything in it, data included, disappears, and running code that uses it fails.',
    fix: 'No automatic fix.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['DROP SCHEMA reporting CASCADE;', 'DROP TYPE mood;'],
      safe: ['-- stop using it first; drop in a later release'],
    },
    mysql: {
      flagged: ['DROP DATABASE reporting;'],
      safe: ['CREATE DATABASE reporting;'],
    },
  },
});

export const dropNotNull = defineMigrationRule({
  id: 'migration/drop-not-null',
  defaultSeverity: 'warning',
  summary: 'DROP NOT NULL lets NULLs into a column the running code assumes is never NULL',
  equivalents: { squawk: ['ban-drop-not-null'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`ALTER COLUMN … DROP NOT NULL`.',
    why: 'The code still running may assume the column is never NULL; once new code writes NULLs, old readers can break.',
    fix: 'No automatic fix; ignore with a reason once readers handle NULL.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ALTER COLUMN email DROP NOT NULL;'],
      safe: ['-- make sure every reader handles NULL first'],
    },
  },
});

export const truncateTable = defineMigrationRule({
  id: 'migration/truncate',
  defaultSeverity: 'error',
  summary: 'TRUNCATE deletes every row under ACCESS EXCLUSIVE; with CASCADE it also empties every table that references it',
  equivalents: { squawk: ['ban-truncate-cascade'], pgfence: ['truncate', 'truncate-cascade'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`TRUNCATE` of a table not created in the same migration.',
    why: 'It deletes every row, with no WHERE; `CASCADE` silently empties every table with a foreign key to it.',
    fix: 'No automatic fix.',
  },
  examples: {
    postgres: {
      flagged: ['TRUNCATE audit_log CASCADE;', 'TRUNCATE audit_log;'],
      safe: ['-- delete in batches, or ignore with a reason', 'CREATE TABLE staging (id bigint);\nTRUNCATE staging;'],
    },
    mysql: {
      flagged: ['TRUNCATE TABLE audit_log;'],
      safe: ['DELETE FROM audit_log WHERE id < 1000;'],
    },
  },
});

export const dropDefaultNotNull = defineMigrationRule({
  id: 'migration/drop-default-not-null',
  defaultSeverity: 'error',
  summary: 'DROP DEFAULT on a NOT NULL column breaks the INSERTs of the running code that leave the column out',
  equivalents: { 'django-migration-linter': ['NOT_NULL'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly (PostgreSQL); a metadata lock, INSTANT (MySQL)',
    what: '`ALTER COLUMN … DROP DEFAULT` on a column of an existing table that is `NOT NULL`: added `NOT NULL DEFAULT …` earlier in the same migration (the pattern Django emits for `AddField(default=…)`, the SQL equivalent of `migration/orm-default-not-in-database`): an error; or known `NOT NULL` from the replayed earlier migrations: a warning, since only code that leaves the column out breaks (ORMs that know the column, such as Rails and Django, send a value). Columns whose nullability is not known are not reported.',
    why: 'The code still running during a rolling deploy was written against a column with a default: its INSERTs that leave the column out now violate NOT NULL (PostgreSQL, MySQL in strict mode) and fail until every instance runs the new code. A column added in the same migration is unknown to the old code, so every one of its INSERTs leaves it out.',
    fix: 'Keep the default until no running code omits the column, and drop it in a later release; or keep it for good (a default costs nothing since PostgreSQL 11).',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: [{ before: "CREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');", sql: 'ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;' }, "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan DROP DEFAULT;", "ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0, ADD COLUMN b int NOT NULL DEFAULT 0;\nALTER TABLE users ALTER COLUMN a DROP DEFAULT, ALTER COLUMN b DROP DEFAULT;"],
      safe: [
        { before: "CREATE TABLE users (id bigint PRIMARY KEY, plan text DEFAULT 'free');", sql: 'ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;' },
        { before: "CREATE TABLE users (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');", sql: 'ALTER TABLE users ALTER COLUMN plan DROP NOT NULL;\nALTER TABLE users ALTER COLUMN plan DROP DEFAULT;' },
        "CREATE TABLE teams (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');\nALTER TABLE teams ALTER COLUMN plan DROP DEFAULT;",
        'ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;',
      ],
    },
    mysql: {
      flagged: [{ before: "CREATE TABLE users (id bigint PRIMARY KEY, plan varchar(20) NOT NULL DEFAULT 'free');", sql: 'ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;' }],
      safe: [{ before: "CREATE TABLE users (id bigint PRIMARY KEY, plan varchar(20) DEFAULT 'free');", sql: 'ALTER TABLE users ALTER COLUMN plan DROP DEFAULT;' }],
    },
  },
});

const drops: Check = (ctx) => {
  const separated = (table: string, column?: string): string | undefined => {
    const m = ctx.schema?.separated;
    if (!m) return undefined;
    if (column === undefined) return m.get(table);
    return m.get(`${table}.${column}`) ?? m.get(`${table}.${column.replace(/_id$/, '')}`) ?? m.get(table);
  };
  const contract = (f: OpFacts, rule: typeof dropColumn, what: string, from: string) =>
    ctx.report(rule, f, {
      message: `Dropping ${what} is the contract step of expand-contract: ${from || 'an earlier migration'} removed it from Django's state, so the code deployed since then no longer uses it, and the running code is not broken. It still deletes the data for good: back it up first; this migration cannot be reversed.`,
      severity: 'warning',
      data: { contractStep: true, separatedIn: from, irreversible: true },
    });
  each(ctx, ['drop-column'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const sep = separated(f.op.table, f.op.column);
    if (sep !== undefined) return contract(f, dropColumn, `${q(f.op.table)}.${q(f.op.column)}`, sep);
    ctx.report(dropColumn, f, {
      message: `Dropping ${q(f.op.table)}.${q(f.op.column)} breaks the code still running during the deploy (ORMs select and insert every column they know). First deploy code that no longer uses it, then drop it in a later release.`,
      fixes: fx.postponeDrop(ctx, f, `drop_${f.op.table}_${f.op.column}`),
    });
  });
  each(ctx, ['drop-table'], (f) => {
    const old = f.op.tables.filter((t) => !ctx.facts.some((g) => g.i < f.i && g.op.kind === 'create-table' && g.op.table === t.table));
    if (!old.length) return;
    const sep = old.map((t) => separated(t.table));
    if (sep.every((x) => x !== undefined)) return contract(f, dropTable, old.map((t) => q(t.table)).join(', '), sep[0]!);
    ctx.report(dropTable, f, {
      message: `Dropping ${old.map((t) => q(t.table)).join(', ')} breaks the code still running during the deploy and deletes the data${f.op.cascade ? '; CASCADE also drops views and foreign keys that depend on it' : ''}. Stop using it in a release first, then drop it.`,
      fixes: fx.postponeDrop(ctx, f, `drop_${old[0].table}`),
    });
  });
  each(ctx, ['drop-schema', 'drop-database', 'drop-type'], (f) => {
    if (f.op.kind === 'drop-type' && !f.op.cascade) {
      // Without CASCADE PostgreSQL refuses while a column, a domain or a function still uses the
      // type: when it succeeds no stored data depended on it; only SQL that names the type breaks.
      ctx.report(dropSchema, f, {
        severity: 'warning',
        message: `Dropping type ${q(f.op.name)}: PostgreSQL refuses while a column or function still uses it, so no stored data is lost; running code that names the type in SQL (casts such as '…'::${f.op.name}) fails afterwards. Check that the running code no longer does.`,
      });
      return;
    }
    const what = f.op.kind === 'drop-schema' ? 'schema' : f.op.kind === 'drop-database' ? 'database' : 'type';
    ctx.report(dropSchema, f, { message: `Dropping ${what} ${q(f.op.name)} removes what the running code and stored data depend on${f.op.kind === 'drop-schema' && f.op.cascade ? ', with everything in it (CASCADE)' : ''}.` });
  });
  each(ctx, ['drop-not-null'], (f) => {
    if (!existing(f)) return;
    ctx.report(dropNotNull, f, { message: `DROP NOT NULL on ${q(f.op.table)}.${q(f.op.column)}: the code still running may read NULLs it does not expect.` });
  });
  each(ctx, ['truncate'], (f) => {
    const old = f.op.tables.filter((t) => !ctx.newTables.has(t.table));
    if (!old.length) return;
    ctx.report(truncateTable, f, {
      message: `TRUNCATE ${old.map((t) => q(t.table)).join(', ')} deletes every row under ACCESS EXCLUSIVE${f.op.cascade ? ', and CASCADE silently empties every table with a foreign key to it' : ''}.`,
    });
  });
};

const dropDefault: Check = (ctx) => {
  // One finding per statement and kind (new columns / existing ones), naming every column.
  const groups = new Map<string, { f: OpFacts & { op: OpOf<'drop-default'> }; columns: string[]; added?: OpFacts }>();
  each(ctx, ['drop-default'], (f) => {
    if (!existing(f)) return;
    const { table, column } = f.op;
    const before = ctx.facts.filter((g) => g.i < f.i);
    const added = before.find((g): g is OpFacts & { op: OpOf<'add-column'> } => g.op.kind === 'add-column' && g.op.table === table && g.op.column.name === column);
    // Nullability at this point: the replayed schema, then this file's changes in order.
    let notNull = !!ctx.schema?.tables.get(table)?.columns.get(column)?.notNull;
    for (const g of before) {
      const o = g.op;
      if (!('table' in o) || o.table !== table) continue;
      if (o.kind === 'add-column' && o.column.name === column) notNull = o.column.notNull;
      else if (o.kind === 'set-not-null' && o.column === column) notNull = true;
      else if (o.kind === 'drop-not-null' && o.column === column) notNull = false;
      else if (o.kind === 'modify-column' && o.column === column) notNull = o.def.notNull;
    }
    if (!notNull || added?.op.column.generated || added?.op.column.serial) return;
    const key = `${f.op.stmt}:${added ? 'new' : 'old'}`;
    const g = groups.get(key);
    if (g) g.columns.push(column);
    else groups.set(key, { f, columns: [column], added });
  });
  const pg = ctx.input.settings.dialect === 'postgres';
  for (const { f, columns, added } of groups.values()) {
    const cols = columns.map((c) => `${q(f.op.table)}.${q(c)}`).join(', ');
    const one = columns.length === 1;
    ctx.report(dropDefaultNotNull, f, {
      message: `DROP DEFAULT on ${cols}, which ${one ? 'is' : 'are'} NOT NULL: ${added ? `the code still running does not know ${one ? 'the column' : 'the columns'} added above: its INSERTs leave ${one ? 'it' : 'them'} out` : `INSERTs of the code still running that leave ${one ? 'it' : 'them'} out relied on the default`} and now fail${pg ? '' : ' in strict mode'} until every instance runs the new code. Keep the default and drop it in a later release.`,
      ...(columns.length > 1 ? { span: { start: f.op.clause?.start ?? f.op.span.start, end: f.op.span.end } } : {}),
      ...(added ? { related: [{ file: ctx.input.file, range: ctx.index.rangeOf(added.op.span.start, added.op.span.end), message: 'column added NOT NULL here' }] } : {}),
      data: { columns },
      // An existing column: ORMs that know it send a value anyway (Rails from its schema cache, Django
      // from the field); only code that leaves it out breaks. A column added above: every INSERT does.
      ...(added ? {} : { severity: 'warning' as const }),
    });
  }
};

export const dropsChecks: readonly Check[] = [drops, dropDefault];
