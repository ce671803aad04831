/** Columns: adding them (required, volatile defaults, rewriting types, json) and changing their type. */
import { defineMigrationRule } from './define';
import { type F, edit, eol, ident, newMigration, opsInStmt, stmtEnd, tableName } from '../fixes';
import type { Fix, TextEdit } from '../../model';
import type { Check, CheckContext, OpFacts } from '../context';
import * as fx from '../fixes';
import { classifyPgTypeChange } from '../typechanges';
import type { ColumnDef } from '../ops';
import { q, isPg, each, existing, addedInFile } from './helpers';

export const addColumnRequired = defineMigrationRule({
  id: 'migration/add-column-required',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a DEFAULT fails on a table with rows and breaks INSERTs from the running code',
  equivalents: {
    squawk: ['adding-required-field'],
    pgfence: ['add-column-not-null-no-default'],
    atlas: ['MF103', 'MY101'],
    'django-migration-linter': ['NOT_NULL'],
  },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` (PostgreSQL) or the ALTER\'s metadata lock',
    what: '`ADD COLUMN … NOT NULL` without a `DEFAULT` (and not generated or serial) on an existing table.',
    why: 'On PostgreSQL it fails as soon as the table has a row. On MySQL existing rows get the zero value (or it fails in strict mode). Either way the code still running inserts rows without the column, which fail.',
    fix: 'The quick fix removes `NOT NULL` so the column is added nullable; enforce it after the backfill (see migration/set-not-null).',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;'],
      safe: ['ALTER TABLE users ADD COLUMN tenant_id bigint;\n-- backfill, then enforce NOT NULL through a CHECK … NOT VALID', 'ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;', 'CREATE TABLE teams (id bigint PRIMARY KEY);\nALTER TABLE teams ADD COLUMN name text NOT NULL;'],
    },
    mysql: {
      flagged: ['ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;'],
      safe: ['ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0, ALGORITHM=INSTANT;'],
    },
  },
});

export const volatileDefault = defineMigrationRule({
  id: 'migration/volatile-default',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the table under ACCESS EXCLUSIVE',
  equivalents: {
    squawk: ['adding-field-with-default'],
    strong_migrations: ['add_column_default', 'add_column_default_callable'],
    pgfence: ['add-column-non-constant-default', 'add-column-default-pre-pg11'],
    atlas: ['PG302'],
  },
  doc: {
    dialect: 'PostgreSQL (version-aware)',
    lock: '`ACCESS EXCLUSIVE` during a table rewrite',
    what: '`ADD COLUMN … DEFAULT` with a volatile expression (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`…), or any non-NULL default when `migrations.postgresVersion` is below 11. Constants and stable functions such as `now()` and `CURRENT_TIMESTAMP` are not flagged on 11+.',
    why: 'Since PostgreSQL 11 a constant default is stored in the catalog and the ADD is instant; a volatile default still computes a value per row, rewriting the table while reads and writes wait.',
    fix: 'The quick fix adds the column without a default, sets the default in a second statement (new rows get it), and creates the next migration with a batched backfill loop.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();'],
      safe: ['ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- next migration: backfill NULLs in batches'],
    },
  },
});

export const rewritingColumn = defineMigrationRule({
  id: 'migration/rewriting-column',
  defaultSeverity: 'error',
  summary: 'Adding a serial, identity or stored generated column rewrites the whole table under ACCESS EXCLUSIVE',
  equivalents: {
    squawk: ['adding-serial-primary-key-field'],
    strong_migrations: ['add_column_auto_incrementing', 'add_column_generated_stored'],
    eugene: ['E11'],
    pgfence: ['add-column-serial', 'add-column-stored-generated'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during a table rewrite',
    what: '`ADD COLUMN` of a `serial`/`bigserial`, identity, or `GENERATED … STORED` column on an existing table.',
    why: 'Each existing row gets a computed value, so the table is rewritten under ACCESS EXCLUSIVE.',
    fix: 'No automatic fix; add a plain column and fill it in batches.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE events ADD COLUMN seq bigserial;'],
      safe: ['ALTER TABLE events ADD COLUMN seq bigint;\n-- fill in batches, then attach a sequence default'],
    },
  },
});

export const columnTypeChange = defineMigrationRule({
  id: 'migration/column-type-change',
  defaultSeverity: 'error',
  summary: 'Changing a column type rewrites the table and its indexes under an exclusive lock, except for known safe casts',
  equivalents: {
    squawk: ['changing-column-type'],
    strong_migrations: ['change_column'],
    eugene: ['E5'],
    pgfence: ['alter-column-type'],
    atlas: ['PG301'],
    'django-migration-linter': ['ALTER_COLUMN'],
  },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` during a table and index rewrite',
    what: '`ALTER COLUMN … TYPE` on an existing column, except casts known not to rewrite: `varchar(n)` → larger `varchar` or `text`, `text` ↔ unbounded `varchar`, `numeric(p,s)` → larger precision with the same scale, removing a modifier, `cidr` → `inet`. The current type comes from earlier statements in the file or from the replayed earlier migrations.',
    why: 'Other type changes rewrite the table and rebuild every index on it while reads and writes wait, and the running code may write values the new type rejects.',
    fix: 'No automatic fix for a real rewrite; follow the expand-contract steps.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users ALTER COLUMN id TYPE bigint;', { before: 'CREATE TABLE users (id int PRIMARY KEY, name varchar(100));', sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;' }],
      safe: [
        '-- new column, dual writes, batched backfill, switch reads, drop the old column',
        { before: 'CREATE TABLE users (id int PRIMARY KEY, name varchar(100));', sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);' },
        { before: 'CREATE TABLE users (id int PRIMARY KEY, name varchar(100));', sql: 'ALTER TABLE users ALTER COLUMN name TYPE text;' },
      ],
    },
  },
});

export const preferJsonb = defineMigrationRule({
  id: 'migration/prefer-jsonb',
  defaultSeverity: 'warning',
  summary: 'Use jsonb rather than json: json has no equality operator, so SELECT DISTINCT and UNION on the table fail',
  equivalents: { strong_migrations: ['add_column_json'], eugene: ['E3'], pgfence: ['add-column-json'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'none',
    what: 'A `json` column in `CREATE TABLE` or `ADD COLUMN`.',
    why: '`json` has no equality operator, so `SELECT DISTINCT`, `UNION` and `GROUP BY` over a row containing it fail, and it is re-parsed on every access. `jsonb` has neither problem.',
    fix: 'The quick fix replaces the type with `jsonb`.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE events ADD COLUMN payload json;'],
      safe: ['ALTER TABLE events ADD COLUMN payload jsonb;'],
    },
  },
});

function jsonb(ctx: CheckContext, f: OpFacts, c: ColumnDef): void {
  ctx.report(preferJsonb, f, {
    message: `Column ${q(c.name)} is json: it has no equality operator, so SELECT DISTINCT, UNION and GROUP BY over it fail, and it is re-parsed on every read. Use jsonb.`,
    span: c.type?.span ?? c.span,
    fixes: c.type?.span && ctx.input.sql ? [{ title: 'Use jsonb', isPreferred: true, edits: [fx.edit(ctx, c.type.span.start, c.type.span.end, c.type.array ? 'jsonb[]' : 'jsonb')] }] : undefined,
    noLock: true,
  });
}

const addColumn: Check = (ctx) => {
  const pg = isPg(ctx);
  const v = ctx.input.settings.postgresVersion;
  each(ctx, ['add-column'], (f) => {
    if (!existing(f) && !f.newTableHasRows) return;
    const c = f.op.column;
    if (c.notNull && !c.default && !c.generated && !c.serial) {
      ctx.report(addColumnRequired, f, {
        message: pg
          ? `ADD COLUMN ${q(c.name)} NOT NULL without a DEFAULT fails if ${q(f.op.table)} has rows, and INSERTs from the code still running do not set it. Add it nullable (or with a DEFAULT), backfill, then enforce NOT NULL.`
          : `ADD COLUMN ${q(c.name)} NOT NULL without a DEFAULT fills existing rows with the type's zero value (or fails in strict mode), and INSERTs from the code still running that omit it fail. Give it a DEFAULT or add it nullable.`,
        fixes: addColumnNullableFirst(ctx, f),
      });
    }
    // A new table with rows: nothing else runs against it, so locks and rewrites do not matter.
    if (!existing(f)) return;
    if (pg && c.default && !c.default.isNull && !c.generated && (c.default.volatility === 'volatile' || c.default.volatility === 'unknown' || v < 11)) {
      ctx.report(volatileDefault, f, {
        message:
          c.default.volatility === 'volatile'
            ? `DEFAULT ${c.default.text} is volatile, so adding ${q(c.name)} rewrites every row of ${q(f.op.table)} under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches.`
            : c.default.volatility === 'unknown' && v >= 11
              ? `DEFAULT ${c.default.text} is not a constant or a known built-in function, so whether it is volatile cannot be told: if it is, adding ${q(c.name)} rewrites every row of ${q(f.op.table)} under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches (or ignore with a reason if the function is STABLE or IMMUTABLE).`
              : `On PostgreSQL ${v} (before 11) any DEFAULT on ADD COLUMN rewrites the whole table under ACCESS EXCLUSIVE. Add the column without a default, SET DEFAULT, then backfill in batches.`,
        fixes: defaultThenBackfill(ctx, f),
        data: { assumedPostgresVersion: v },
        // Not known to be volatile: a warning, not an error that blocks the deploy.
        ...(c.default.volatility === 'unknown' && v >= 11 ? { severity: 'warning' as const } : {}),
      });
    }
    if (pg && (c.serial || c.generated === 'stored' || c.generated === 'identity')) {
      const what = c.serial ? 'a serial column' : c.generated === 'stored' ? 'a GENERATED … STORED column' : 'an identity column';
      ctx.report(rewritingColumn, f, {
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

const TEXT_TYPES = new Set(['text', 'varchar']);

const typeChange: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['alter-column-type'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    const from = f.op.fromType;
    const { verdict, row } = classifyPgTypeChange(from, f.op.type, ctx.input.settings.postgresVersion);
    // `USING col::text` between the text types is a relabel PostgreSQL sees through: no rewrite of its own.
    const using = !!f.op.using && !(f.op.usingCasts && from && TEXT_TYPES.has(from.name) && TEXT_TYPES.has(f.op.type.name) && f.op.usingCasts.every((t) => TEXT_TYPES.has(t)));
    if (verdict === 'safe' && !using) return;
    const what = `${q(f.op.table)}.${q(f.op.column)}${from ? ` from ${from.text}` : ''} to ${f.op.type.text}`;
    if (verdict === 'safe-if-utc' && !using) {
      ctx.report(columnTypeChange, f, {
        message: `Changing ${what} is done without a rewrite on PostgreSQL 12+ only when the session TimeZone is UTC (${row!.why}); in any other time zone it rewrites the table under ACCESS EXCLUSIVE. Run the migration with SET TimeZone = 'UTC'.`,
        severity: 'warning',
        noLock: true,
        data: { lock: 'ACCESS EXCLUSIVE', requires: 'TimeZone=UTC' },
      });
      return;
    }
    // Without the current type this is a guess: a warning, not an error that blocks the deploy.
    ctx.report(columnTypeChange, f, {
      message: from
        ? `Changing ${what} rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE. Add a new column, write both, backfill, switch reads, then drop the old one.`
        : `Changing ${what}: the current type is unknown (not created by the migrations replayed here), so whether this rewrites the table cannot be told. Only some changes are free (varchar(n) → text or a larger n, numeric to a larger precision, a higher timestamp precision…); any other rewrites the table and its indexes under ACCESS EXCLUSIVE.`,
      ...(from ? {} : { severity: 'warning' as const }),
    });
  });
};


// ── Fixes ──
function addColumnNullableFirst(ctx: CheckContext, f: F<'add-column'>): Fix[] | undefined {
  const s = f.op.column.notNullSpan;
  if (!ctx.input.sql || !s) return undefined;
  // Remove " NOT NULL" with the space before it.
  let start = s.start;
  while (start > 0 && /[ \t]/.test(ctx.input.text[start - 1])) start--;
  return [{ title: 'Add the column nullable (backfill, then add NOT NULL through a CHECK … NOT VALID)', isPreferred: true, edits: [edit(ctx, start, s.end, '')] }];
}

function defaultThenBackfill(ctx: CheckContext, f: F<'add-column'>): Fix[] | undefined {
  const c = f.op.column;
  const ds = c.defaultSpan;
  if (!ctx.input.sql || !ds || !c.default || opsInStmt(ctx, f).length > 1) return undefined;
  let start = ds.start;
  while (start > 0 && /[ \t]/.test(ctx.input.text[start - 1])) start--;
  const t = tableName(ctx, f.op);
  const col = ident(ctx, c.name);
  const edits: TextEdit[] = [];
  // Drop NOT NULL too: it is enforced after the backfill.
  if (c.notNullSpan) {
    let ns = c.notNullSpan.start;
    while (ns > 0 && /[ \t]/.test(ctx.input.text[ns - 1])) ns--;
    edits.push(edit(ctx, ns, c.notNullSpan.end, ''));
  }
  edits.push(edit(ctx, start, ds.end, ''));
  const end = stmtEnd(ctx, f);
  edits.push(edit(ctx, end, end, eol(ctx, `\nALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${c.default.text};`)));
  const backfill = [
    `-- Backfill ${f.op.table}.${c.name} in batches of 10000 rows (each batch is a short UPDATE).`,
    'DO $$',
    'DECLARE n bigint;',
    'BEGIN',
    '  LOOP',
    `    UPDATE ${t} SET ${col} = ${c.default.text} WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${col} IS NULL LIMIT 10000);`,
    '    GET DIAGNOSTICS n = ROW_COUNT;',
    '    EXIT WHEN n = 0;',
    '  END LOOP;',
    'END $$;',
  ];
  if (c.notNull) backfill.push(`-- Then enforce NOT NULL: ADD CONSTRAINT … CHECK (${c.name} IS NOT NULL) NOT VALID, VALIDATE it, SET NOT NULL.`);
  const m = newMigration(ctx, `backfill_${f.op.table}_${c.name}`, backfill.join('\n'), false);
  return [{ title: `Add the column without a default, SET DEFAULT, and backfill in batches in ${m.path.replace(/^.*\//, '')}`, isPreferred: true, edits: [...edits, ...m.edits] }];
}

export const columnsChecks: readonly Check[] = [addColumn, typeChange];
