import type { Fix, TextEdit } from '../model';
import { eolOf } from '../text';
import type { CheckContext, OpFacts } from './context';
import type { MigrationOp, OpOf } from './ops';
import { nextMigrationPath } from './transactions';

/**
 * Quick fixes that insert the whole safe pattern, in the file's own syntax and the migration tool's
 * own way of leaving a transaction. Built only for ops that came from SQL text (`input.sql`).
 * This module holds the builders several rules share (CONCURRENTLY, leaving the transaction, a new
 * migration file named for the tool, timeouts…); a fix only one rule has lives in that rule's module
 * under ./rules/. Every fix is applied to a real PostgreSQL or MariaDB server by
 * test/unit/migrations/fixes.db.test.ts, and linted again by examples.test.ts.
 */

export type F<K extends MigrationOp['kind']> = OpFacts & { op: OpOf<K> };

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

export function tableName(ctx: CheckContext, op: { table: string; schema?: string }): string {
  return op.schema ? `${ident(ctx, op.schema)}.${ident(ctx, op.table)}` : ident(ctx, op.table);
}

export function shortName(...parts: string[]): string {
  let n = parts.filter(Boolean).join('_').replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase();
  if (Buffer.byteLength(n) > 63) n = n.slice(0, 63);
  return n;
}

/** Statements can be added to this file without putting this one in a transaction. */
export function canAppend(ctx: CheckContext, f: OpFacts): boolean {
  return !f.inTx && !ctx.input.tx.singleStatementOutside;
}

export function stmtEnd(ctx: CheckContext, f: OpFacts): number {
  return f.op.anchors?.stmtEnd ?? f.op.span.end;
}

/** The statement's text including its semicolon. */
function stmtText(ctx: CheckContext, f: OpFacts): string {
  return ctx.input.text.slice(f.op.span.start, stmtEnd(ctx, f));
}

export function opsInStmt(ctx: CheckContext, f: OpFacts): OpFacts[] {
  return ctx.facts.filter((g) => g.op.stmt === f.op.stmt);
}

/** Removes the statement and the rest of its line break. */
export function removeStmt(ctx: CheckContext, f: OpFacts): TextEdit {
  let end = stmtEnd(ctx, f);
  const rest = /^[ \t]*\r?\n/.exec(ctx.input.text.slice(end));
  if (rest) end += rest[0].length;
  return edit(ctx, f.op.span.start, end, '');
}

export function eol(ctx: CheckContext, s: string): string {
  return eolOf(ctx.input.text) === '\r\n' ? s.replace(/\r?\n/g, '\r\n') : s;
}

/** The tool's own way of leaving the runner's transaction, as edits (none if it has none). */
export function optOutEdits(ctx: CheckContext): TextEdit[] {
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

export function newMigration(ctx: CheckContext, slug: string, body: string, outsideTx: boolean, after?: string): { path: string; edits: TextEdit[] } {
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

export function moveToNextMigration(ctx: CheckContext, f: OpFacts, slug: string, title: string): Fix[] | undefined {
  if (!ctx.input.sql || opsInStmt(ctx, f).length > 1) return undefined;
  const m = newMigration(ctx, slug, stmtText(ctx, f), false);
  return [{ title: `${title} (${m.path.replace(/^.*\//, '')})`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
}

export function postponeDrop(ctx: CheckContext, f: OpFacts, slug: string): Fix[] | undefined {
  if (!ctx.input.sql || opsInStmt(ctx, f).length > 1) return undefined;
  const m = newMigration(ctx, slug, `-- Contract step: ship this migration in a release after the code stops using it.\n${stmtText(ctx, f)}`, false);
  return [{ title: `Move the drop to a later migration (${m.path.replace(/^.*\//, '')}) to ship after the code stops using it`, isPreferred: true, edits: [removeStmt(ctx, f), ...m.edits] }];
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

export function mysqlAlgorithm(ctx: CheckContext, f: OpFacts, algorithm: string, replaceExisting: boolean): Fix[] | undefined {
  if (!ctx.input.sql) return undefined;
  const createIndex = f.op.label === 'CREATE INDEX';
  const clause = algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : createIndex ? 'ALGORITHM=INPLACE LOCK=NONE' : 'ALGORITHM=INPLACE, LOCK=NONE';
  if (replaceExisting && f.op.mysql?.span) return [{ title: `Use ${clause}`, isPreferred: true, edits: [edit(ctx, f.op.mysql.span.start, f.op.mysql.span.end, clause)] }];
  const at = f.op.anchors?.algorithm;
  if (at === undefined) return undefined;
  return [{ title: `Add ${clause} (fail instead of copying the table)`, isPreferred: true, edits: [edit(ctx, at, at, `${createIndex ? ' ' : ', '}${clause}`)] }];
}
