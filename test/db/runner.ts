/**
 * Runs a migration file the way its tool does, on a real server: goose/dbmate run their Up section
 * in a transaction unless their directive opts out, Flyway unless the .sql.conf says so,
 * golang-migrate sends the whole file in one Exec (PostgreSQL then runs several statements in one
 * implicit transaction), plain SQL runs statement by statement.
 */
import type { Client } from 'pg';
import type { Connection } from 'mysql2/promise';
import { splitStatements } from '../../src/core/migrations/lexer';

function upOnly(text: string, tool: string): string {
  if (tool === 'goose') {
    const up = text.search(/^--\s*\+goose\s+Up/im);
    const down = text.search(/^--\s*\+goose\s+Down/im);
    return text.slice(Math.max(0, up), down > up ? down : undefined);
  }
  if (tool === 'dbmate') {
    const up = text.search(/^--\s*migrate:up/im);
    const down = text.search(/^--\s*migrate:down/im);
    return text.slice(Math.max(0, up), down > up ? down : undefined);
  }
  return text;
}

export function runsInTransaction(text: string, tool: string, conf?: string): boolean {
  if (tool === 'goose') return !/^--\s*\+goose\s+NO\s+TRANSACTION/im.test(text);
  if (tool === 'dbmate') return !/^--\s*migrate:up\s+transaction:false/im.test(text);
  if (tool === 'flyway') return !(conf && /executeInTransaction\s*=\s*false/i.test(conf));
  if (tool === 'atlas') return !/^--\s*atlas:txmode\s+none/im.test(text);
  if (tool === 'sqlx') return !/^--\s*no-transaction/i.test(text);
  return false;
}

function statements(text: string, mysql = false): string[] {
  return splitStatements(text, mysql).map((s) => text.slice(s.start, s.end));
}

export async function runPg(c: Client, text: string, tool: string, conf?: string): Promise<void> {
  const body = upOnly(text, tool);
  if (tool === 'golang-migrate' || tool === 'prisma') {
    await c.query(body);
    return;
  }
  const tx = runsInTransaction(text, tool, conf);
  if (tx) await c.query('BEGIN');
  try {
    for (const s of statements(body)) await c.query(s);
    if (tx) await c.query('COMMIT');
  } catch (e) {
    if (tx) await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export async function runMy(c: Connection, text: string): Promise<void> {
  for (const s of statements(text, true)) await c.query(s);
}
