/** Renames: columns, tables, schemas and enum values (what the running code still names), enum value order. */
import { defineMigrationRule } from './define';
import { type F, edit, eol, ident, newMigration, opsInStmt, shortName, stmtEnd, tableName } from '../fixes';
import type { Fix } from '../../model';
import type { Check, CheckContext } from '../context';
import { q, isPg, each, existing, addedInFile } from './helpers';

export const renameColumn = defineMigrationRule({
  id: 'migration/rename-column',
  defaultSeverity: 'error',
  summary: 'Renaming a column breaks the code still running during the deploy; add the new column and migrate instead',
  equivalents: {
    squawk: ['renaming-column'],
    strong_migrations: ['rename_column'],
    pgfence: ['rename-column'],
    atlas: ['BC102'],
    'django-migration-linter': ['RENAME_COLUMN'],
  },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`RENAME COLUMN` of an existing column.',
    why: 'The code still running uses the old name and fails as soon as the rename commits.',
    fix: 'When the column type is known (from earlier migrations), the quick fix replaces the rename with the expand step: add the new column, a trigger that keeps both columns in sync, and a backfill, with the contract step as a comment.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users RENAME COLUMN name TO full_name;', { before: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);', sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;' }],
      safe: ['ALTER TABLE users ADD COLUMN full_name text;\n-- trigger keeps both in sync, backfill; later: drop name', 'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users RENAME COLUMN nick TO nickname;'],
    },
    mysql: {
      flagged: ['ALTER TABLE users RENAME COLUMN name TO full_name;'],
      safe: ['ALTER TABLE users ADD COLUMN full_name varchar(255), ALGORITHM=INSTANT;'],
    },
  },
  // The expand step's sync trigger is created on the live table: its brief lock is reported, on purpose.
  fixMayRaise: ['migration/trigger-change'],
});

export const renameTable = defineMigrationRule({
  id: 'migration/rename-table',
  defaultSeverity: 'error',
  summary: 'Renaming a table breaks the code still running during the deploy; use a view or a new table',
  equivalents: {
    squawk: ['renaming-table'],
    strong_migrations: ['rename_table'],
    pgfence: ['rename-table'],
    atlas: ['BC101'],
    'django-migration-linter': ['RENAME_TABLE'],
  },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`ALTER TABLE … RENAME TO` of an existing table.',
    why: 'The code still running uses the old name.',
    fix: 'The quick fix (PostgreSQL) adds an updatable view under the old name right after the rename, so old code keeps reading and writing until it is gone.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER TABLE users RENAME TO accounts;'],
      safe: ['ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;  -- drop in a later release'],
    },
    mysql: {
      flagged: ['RENAME TABLE users TO accounts;', 'ALTER TABLE users RENAME TO accounts;'],
      safe: ['CREATE TABLE accounts (id bigint PRIMARY KEY);'],
    },
  },
});

export const renameSchema = defineMigrationRule({
  id: 'migration/rename-schema',
  defaultSeverity: 'error',
  summary: 'Renaming a schema breaks every query of the running code that names it',
  equivalents: { strong_migrations: ['rename_schema'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`ACCESS EXCLUSIVE` briefly',
    what: '`ALTER SCHEMA … RENAME TO`.',
    why: 'Every query of the running code that names the schema fails.',
    fix: 'No automatic fix.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER SCHEMA app RENAME TO core;'],
      safe: ['-- create the new schema, move objects, keep the old names working until the code has moved'],
    },
  },
});

export const renameEnumValue = defineMigrationRule({
  id: 'migration/rename-enum-value',
  defaultSeverity: 'error',
  summary: 'Renaming an enum value breaks the running code that still writes the old value',
  equivalents: { strong_migrations: ['rename_enum_value'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'brief lock on the type',
    what: '`ALTER TYPE … RENAME VALUE`.',
    why: 'The code still running writes the old value, which no longer exists.',
    fix: 'No automatic fix.',
    compat: true,
  },
  examples: {
    postgres: {
      flagged: ['ALTER TYPE status RENAME VALUE \'done\' TO \'completed\';'],
      safe: ['ALTER TYPE status ADD VALUE \'completed\' AFTER \'done\';\n-- support both, backfill, then stop writing \'done\''],
    },
  },
});

export const enumValueOrdering = defineMigrationRule({
  id: 'migration/enum-value-ordering',
  defaultSeverity: 'info',
  summary: 'ALTER TYPE … ADD VALUE without BEFORE/AFTER appends the value, which may not be the order the code sorts by',
  equivalents: { squawk: ['require-enum-value-ordering'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: 'brief lock on the type',
    what: '`ALTER TYPE … ADD VALUE` without `BEFORE` or `AFTER`.',
    why: 'The value is appended, so `ORDER BY` on the enum sorts it last, which may not be what the code expects.',
    fix: 'No automatic fix: only you know where it belongs.',
  },
  examples: {
    postgres: {
      flagged: ['ALTER TYPE status ADD VALUE \'paused\';'],
      safe: ['ALTER TYPE status ADD VALUE \'paused\' AFTER \'active\';'],
    },
  },
});

const renames: Check = (ctx) => {
  each(ctx, ['rename-column'], (f) => {
    if (!existing(f) || addedInFile(ctx, f.op.table, f.op.column, f.i)) return;
    ctx.report(renameColumn, f, {
      message: `Renaming ${q(f.op.table)}.${q(f.op.column)} to ${q(f.op.newName)} breaks the code still running, which uses the old name. Expand-contract: add ${q(f.op.newName)}, keep both in sync, move the code, then drop ${q(f.op.column)}.`,
      fixes: renameExpand(ctx, f),
    });
  });
  each(ctx, ['rename-table'], (f) => {
    if (!existing(f)) return;
    // Renamed with a view under the old name for the running code: compatible.
    if (ctx.facts.some((g) => g.i > f.i && g.op.kind === 'other' && g.op.statement === 'CREATE VIEW' && g.op.table === f.op.table)) return;
    ctx.report(renameTable, f, {
      message: `Renaming ${q(f.op.table)} to ${q(f.op.newName)} breaks the code still running, which uses the old name. Rename it and leave a view under the old name until the code has moved.`,
      fixes: isPg(ctx) ? renameTableWithView(ctx, f) : undefined,
    });
  });
  each(ctx, ['rename-schema'], (f) => ctx.report(renameSchema, f, { message: `Renaming schema ${q(f.op.name)} to ${q(f.op.newName)} breaks every query of the running code that names it.` }));
  each(ctx, ['rename-enum-value'], (f) =>
    ctx.report(renameEnumValue, f, { message: `Renaming ${q(f.op.type)} value ${q(f.op.value)} to ${q(f.op.newValue)} makes the running code's writes of ${q(f.op.value)} fail. Add the new value, support both, backfill, then stop using the old one.` }),
  );
  each(ctx, ['add-enum-value'], (f) => {
    if (f.op.before || f.op.after) return;
    ctx.report(enumValueOrdering, f, {
      message: `ADD VALUE ${q(f.op.value)} without BEFORE or AFTER appends it to ${q(f.op.type)}: ORDER BY on the enum sorts it last. Say where it goes if the order matters.`,
      noLock: true,
    });
  });
};


// ── Fixes ──
function renameExpand(ctx: CheckContext, f: F<'rename-column'>): Fix[] | undefined {
  if (!ctx.input.sql || ctx.input.settings.dialect !== 'postgres' || opsInStmt(ctx, f).length > 1) return undefined;
  const type = ctx.schema?.tables.get(f.op.table)?.columns.get(f.op.column)?.type;
  if (!type) return undefined;
  const t = tableName(ctx, f.op);
  const o = ident(ctx, f.op.column);
  const n = ident(ctx, f.op.newName);
  const fn = ident(ctx, shortName(f.op.table, f.op.newName, 'sync'));
  const sql = [
    `-- Expand: add ${f.op.newName} beside ${f.op.column} and keep them in sync, both ways, until the code uses only ${f.op.newName}.`,
    `ALTER TABLE ${t} ADD COLUMN ${n} ${type.text};`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$`,
    'BEGIN',
    "  IF TG_OP = 'INSERT' THEN",
    `    IF NEW.${n} IS NULL THEN NEW.${n} := NEW.${o}; ELSIF NEW.${o} IS NULL THEN NEW.${o} := NEW.${n}; END IF;`,
    `  ELSIF NEW.${n} IS DISTINCT FROM OLD.${n} THEN`,
    `    NEW.${o} := NEW.${n};  -- the new code wrote ${f.op.newName}`,
    `  ELSIF NEW.${o} IS DISTINCT FROM OLD.${o} THEN`,
    `    NEW.${n} := NEW.${o};  -- the old code wrote ${f.op.column}`,
    '  END IF;',
    '  RETURN NEW;',
    'END $$;',
    `CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    `-- Contract, in a later release: DROP TRIGGER ${fn} ON ${t}; DROP FUNCTION ${fn}(); ALTER TABLE ${t} DROP COLUMN ${o};`,
  ].join('\n');
  const backfill = [
    `-- Backfill ${f.op.table}.${f.op.newName} from ${f.op.column} in batches of 10000 rows (each batch is a short UPDATE).`,
    'DO $$',
    'DECLARE n bigint;',
    'BEGIN',
    '  LOOP',
    `    UPDATE ${t} SET ${n} = ${o} WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${n} IS NULL AND ${o} IS NOT NULL LIMIT 10000);`,
    '    GET DIAGNOSTICS n = ROW_COUNT;',
    '    EXIT WHEN n = 0;',
    '  END LOOP;',
    'END $$;',
  ].join('\n');
  const m = newMigration(ctx, `backfill_${f.op.table}_${f.op.newName}`, backfill, false);
  return [
    {
      title: `Expand: add ${f.op.newName}, keep it in sync with ${f.op.column} both ways, backfill in batches in ${m.path.replace(/^.*\//, '')} (drop the old column later)`,
      isPreferred: true,
      edits: [edit(ctx, f.op.span.start, stmtEnd(ctx, f), eol(ctx, sql)), ...m.edits],
    },
  ];
}

function renameTableWithView(ctx: CheckContext, f: F<'rename-table'>): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const end = stmtEnd(ctx, f);
  const oldName = tableName(ctx, f.op);
  const newName = f.op.schema ? `${ident(ctx, f.op.schema)}.${ident(ctx, f.op.newName)}` : ident(ctx, f.op.newName);
  return [
    {
      title: `Keep a view named ${f.op.table} until the code uses ${f.op.newName}`,
      isPreferred: true,
      edits: [edit(ctx, end, end, eol(ctx, `\n-- Old code reads and writes through this view (simple views are updatable); drop it in a later release.\nCREATE VIEW ${oldName} AS SELECT * FROM ${newName};`))],
    },
  ];
}

export const renamesChecks: readonly Check[] = [renames];
