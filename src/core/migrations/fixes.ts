import type { Fix, TextEdit } from '../model';
import { eolOf } from '../text';
import type { CheckContext, OpFacts } from './context';
import type { MigrationOp, OpOf } from './ops';
import { nextMigrationPath } from './transactions';

/**
 * Quick fixes that insert the whole safe pattern, in the file's own syntax and the migration tool's
 * own way of leaving a transaction. Built only for ops that came from SQL text (`input.sql`).
 * Every fix here is applied to a real PostgreSQL or MariaDB server by test/db.
 */

type F<K extends MigrationOp['kind']> = OpFacts & { op: OpOf<K> };

export function edit(ctx: CheckContext, start: number, end: number, newText: string): TextEdit {
  return { file: ctx.input.file, range: ctx.index.rangeOf(start, end), newText };
}

const PG_RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with'.split(
    ' ',
  ),
);

export function ident(ctx: CheckContext, name: string): string {
  if (ctx.input.settings.dialect === 'mysql') return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !PG_RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function tableName(ctx: CheckContext, op: { table: string; schema?: string }): string {
  return op.schema ? `${ident(ctx, op.schema)}.${ident(ctx, op.table)}` : ident(ctx, op.table);
}

export function shortName(...parts: string[]): string {
  let n = parts.filter(Boolean).join('_').replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase();
  if (Buffer.byteLength(n) > 63) n = n.slice(0, 63);
  return n;
}

/** Statements can be added to this file without putting this one in a transaction. */
function canAppend(ctx: CheckContext, f: OpFacts): boolean {
  return !f.inTx && !ctx.input.tx.singleStatementOutside;
}

function stmtEnd(ctx: CheckContext, f: OpFacts): number {
  return f.op.anchors?.stmtEnd ?? f.op.span.end;
}

/** The statement's text including its semicolon. */
function stmtText(ctx: CheckContext, f: OpFacts): string {
  return ctx.input.text.slice(f.op.span.start, stmtEnd(ctx, f));
}

function opsInStmt(ctx: CheckContext, f: OpFacts): OpFacts[] {
  return ctx.facts.filter((g) => g.op.stmt === f.op.stmt);
}

/** Removes the statement and the rest of its line break. */
function removeStmt(ctx: CheckContext, f: OpFacts): TextEdit {
  let end = stmtEnd(ctx, f);
  const rest = /^[ \t]*\r?\n/.exec(ctx.input.text.slice(end));
  if (rest) end += rest[0].length;
  return edit(ctx, f.op.span.start, end, '');
}

function eol(ctx: CheckContext, s: string): string {
  return eolOf(ctx.input.text) === '\r\n' ? s.replace(/\r?\n/g, '\r\n') : s;
}

/** The tool's own way of leaving the runner's transaction, as edits (none if it has none). */
function optOutEdits(ctx: CheckContext): TextEdit[] {
  const o = ctx.input.tx.optOut;
  if (!o) return [];
  if (o.kind === 'directive') {
    if (o.replace) return [edit(ctx, o.replace.start, o.replace.end, o.text)];
    return [edit(ctx, o.at ?? 0, o.at ?? 0, eol(ctx, o.text))];
  }
  if (o.kind === 'side-file') return [{ file: o.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: o.text, create: true }];
  return [];
}

/** Headers a new migration file needs in the tool's format; `outsideTx` adds the tool's opt-out. */
function wrapNewMigration(ctx: CheckContext, body: string, outsideTx: boolean, path: string): TextEdit[] {
  const tool = ctx.input.tx.tool;
  let text = body.trimEnd() + '\n';
  const extra: TextEdit[] = [];
  const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  switch (tool) {
    case 'goose':
      text = `${outsideTx ? '-- +goose NO TRANSACTION\n' : ''}-- +goose Up\n${text}\n-- +goose Down\n`;
      break;
    case 'dbmate':
      text = `-- migrate:up${outsideTx ? ' transaction:false' : ''}\n${text}\n-- migrate:down\n`;
      break;
    case 'atlas':
      text = `${outsideTx ? '-- atlas:txmode none\n\n' : ''}${text}`;
      break;
    case 'sqlx':
      text = `${outsideTx ? '-- no-transaction\n' : ''}${text}`;
      break;
    case 'node-pg-migrate':
      text = `-- Up Migration\n${text}\n-- Down Migration\n`;
      break;
    case 'liquibase':
      text = `--liquibase formatted sql\n\n--changeset deploy-readiness:${path.replace(/^.*\//, '').replace(/\.sql$/, '')}${outsideTx ? ' runInTransaction:false' : ''}\n${text}`;
      break;
    case 'flyway':
      if (outsideTx) extra.push({ file: `${path}.conf`, range: zero, newText: 'executeInTransaction=false\n', create: true });
      break;
    default:
      break;
  }
  return [{ file: path, range: zero, newText: eol(ctx, text), create: true }, ...extra];
}

function newMigration(ctx: CheckContext, slug: string, body: string, outsideTx: boolean, after?: string): { path: string; edits: TextEdit[] } {
  const path = nextMigrationPath(after ?? ctx.input.file, ctx.input.tx.tool, shortName(slug));
  return { path, edits: wrapNewMigration(ctx, body, outsideTx, path) };
}

// ── Fix builders ────────────────────────────────────────────────────────────────────────────────

export function concurrently(ctx: CheckContext, f: OpFacts, title: string): Fix[] | undefined {
  const at = f.op.anchors?.concurrently;
  if (!ctx.input.sql || at === undefined) return undefined;
  const ins = edit(ctx, at, at, ' CONCURRENTLY');
  if (!f.inTx) return [{ title, isPreferred: true, edits: [ins] }];
  if (!f.implicitTx) return undefined; // inside the file's own BEGIN … COMMIT: the user must move it
  const o = ctx.input.tx.optOut;
  if (!o || o.kind === 'dsl') return undefined;
  if (o.kind === 'split') {
    // Move the statement, made concurrent, to a migration of its own (a lone statement runs outside a transaction).
    const text = stmtText(ctx, f);
    const rel = at - f.op.span.start;
    const moved = text.slice(0, rel) + ' CONCURRENTLY' + text.slice(rel);
    const m = newMigration(ctx, `${f.op.kind === 'create-index' ? 'create' : f.op.kind === 'drop-index' ? 'drop' : 'alter'}_${'name' in f.op && f.op.name ? f.op.name : 'concurrently'}`, moved, true);
    return [{ title: `${title} in a migration of its own (${m.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
  }
  return [{ title: `${title} and ${o.description}`, isPreferred: true, edits: [ins, ...optOutEdits(ctx)] }];
}

export function leaveTransaction(ctx: CheckContext, f: OpFacts): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const o = ctx.input.tx.optOut;
  if (!o || o.kind === 'dsl') return undefined;
  if (o.kind === 'split') {
    const m = newMigration(ctx, 'concurrently', stmtText(ctx, f), true);
    return [{ title: `Move the statement to a migration of its own (${m.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
  }
  return [{ title: o.description.replace(/^./, (c) => c.toUpperCase()), isPreferred: true, edits: optOutEdits(ctx) }];
}

function constraintNameFor(ctx: CheckContext, f: F<'add-constraint'>): { name: string; edits: TextEdit[] } | undefined {
  const c = f.op.constraint;
  if (c.name) return { name: c.name, edits: [] };
  const at = f.op.anchors?.constraintName;
  if (at === undefined) return undefined;
  const name = shortName(f.op.table, ...c.columns.slice(0, 2), c.type === 'foreign-key' ? 'fkey' : c.type === 'check' ? 'check' : c.type === 'unique' ? 'key' : 'pkey');
  return { name, edits: [edit(ctx, at, at, `CONSTRAINT ${ident(ctx, name)} `)] };
}

export function notValidThenValidate(ctx: CheckContext, f: F<'add-constraint'>): Fix[] | undefined {
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

export function moveToNextMigration(ctx: CheckContext, f: OpFacts, slug: string, title: string): Fix[] | undefined {
  if (!ctx.input.sql || opsInStmt(ctx, f).length > 1) return undefined;
  const m = newMigration(ctx, slug, stmtText(ctx, f), false);
  return [{ title: `${title} (${m.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
}

export function setNotNullViaCheck(ctx: CheckContext, f: F<'set-not-null'>): Fix[] | undefined {
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

export function uniqueUsingIndex(ctx: CheckContext, f: F<'add-constraint'>): Fix[] | undefined {
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

export function fkIndex(ctx: CheckContext, f: OpFacts, table: string, cols: string[]): Fix[] | undefined {
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

export function addColumnNullableFirst(ctx: CheckContext, f: F<'add-column'>): Fix[] | undefined {
  const s = f.op.column.notNullSpan;
  if (!ctx.input.sql || !s) return undefined;
  // Remove " NOT NULL" with the space before it.
  let start = s.start;
  while (start > 0 && /[ \t]/.test(ctx.input.text[start - 1])) start--;
  return [{ title: 'Add the column nullable (backfill, then add NOT NULL through a CHECK … NOT VALID)', isPreferred: true, edits: [edit(ctx, start, s.end, '')] }];
}

export function defaultThenBackfill(ctx: CheckContext, f: F<'add-column'>): Fix[] | undefined {
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

export function postponeDrop(ctx: CheckContext, f: OpFacts, slug: string): Fix[] | undefined {
  if (!ctx.input.sql || opsInStmt(ctx, f).length > 1) return undefined;
  const m = newMigration(ctx, slug, `-- Contract step: ship this migration in a release after the code stops using it.\n${stmtText(ctx, f)}`, false);
  return [{ title: `Move the drop to a later migration (${m.path.replace(/^.*\//, '')}) to ship after the code stops using it`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
}

export function renameExpand(ctx: CheckContext, f: F<'rename-column'>): Fix[] | undefined {
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

export function renameTableWithView(ctx: CheckContext, f: F<'rename-table'>): Fix[] | undefined {
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

export function setTimeout(ctx: CheckContext, f: OpFacts, which: 'lock' | 'statement'): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  // Before the first statement of the file (after the tool's header comments).
  const first = ctx.facts.find((g) => g.op.kind !== 'transaction' || g.op.action === 'begin');
  const at = first?.op.kind === 'transaction' && first.op.action === 'begin' ? stmtEnd(ctx, first) : (first ?? f).op.span.start;
  const pad = first?.op.kind === 'transaction' ? '\n' : '';
  let sql: string;
  if (ctx.input.settings.dialect === 'mysql') sql = which === 'lock' ? 'SET SESSION lock_wait_timeout = 5;' : 'SET SESSION max_execution_time = 60000;';
  else {
    const local = f.inTx ? 'LOCAL ' : '';
    sql = which === 'lock' ? `SET ${local}lock_timeout = '2s';` : `SET ${local}statement_timeout = '5min';`;
  }
  return [{ title: `Set ${which === 'lock' ? (ctx.input.settings.dialect === 'mysql' ? 'lock_wait_timeout' : 'lock_timeout') : 'statement_timeout'} first (${sql})`, isPreferred: true, edits: [edit(ctx, at, at, eol(ctx, pad ? `${pad}${sql}` : `${sql}\n`))] }];
}

export function batchedUpdate(ctx: CheckContext, f: F<'dml'>): Fix[] | undefined {
  void ctx;
  void f;
  return undefined;
}

export function mysqlAlgorithm(ctx: CheckContext, f: OpFacts, algorithm: string, replaceExisting: boolean): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const createIndex = f.op.label === 'CREATE INDEX';
  const clause = algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : createIndex ? 'ALGORITHM=INPLACE LOCK=NONE' : 'ALGORITHM=INPLACE, LOCK=NONE';
  if (replaceExisting && f.op.mysql?.span) return [{ title: `Use ${clause}`, isPreferred: true, edits: [edit(ctx, f.op.mysql.span.start, f.op.mysql.span.end, clause)] }];
  const at = f.op.anchors?.algorithm;
  if (at === undefined) return undefined;
  return [{ title: `Add ${clause} (fail instead of copying the table)`, isPreferred: true, edits: [edit(ctx, at, at, `${createIndex ? ' ' : ', '}${clause}`)] }];
}
