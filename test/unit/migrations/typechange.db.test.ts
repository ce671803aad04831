import * as assert from 'node:assert/strict';
import type { Client } from 'pg';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import { loadPg } from '../../../src/core/migrations/postgres';
import { sqlOps } from '../../../src/core/migrations/sqlfile';
import { classifyPgTypeChange, PG_REWRITE_EXAMPLES, PG_TYPE_CHANGES } from '../../../src/core/migrations/typechanges';
import type { TypeRef } from '../../../src/core/migrations/ops';
import { SKIP_DB, startPostgres, type PgServer } from '../../db/servers';

/**
 * The type-change catalogue against a real server: for every row, a table with rows and an index
 * on the column is altered, and `pg_relation_filenode` before and after says whether PostgreSQL
 * rewrote it. The catalogue must say "rewrite" exactly when the server rewrites.
 */

async function typeOf(sql: string): Promise<TypeRef> {
  const { ops } = sqlOps(await loadPg(), `CREATE TABLE t (c ${sql});`, 'postgres');
  const op = ops[0];
  assert.ok(op.kind === 'create-table' && op.columns[0].type, sql);
  return op.columns[0].type;
}

async function rewrites(c: Client, from: string, to: string, tz: string): Promise<boolean> {
  await c.query('DROP TABLE IF EXISTS tc');
  await c.query(`CREATE TABLE tc (id int, c ${from})`);
  const value = /interval/.test(from) ? "'1 day'" : /^int/.test(from) ? '1' : /inet|cidr/.test(from) ? "'10.0.0.0/8'" : /^(timestamp|timestamptz)/.test(from) ? "'2024-01-01 10:00:00'" : /^time/.test(from) ? "'10:00:00'" : /interval/.test(from) ? "'1 day'" : /numeric/.test(from) ? '1.5' : /varbit/.test(from) ? "B'101'" : "'ab'";
  await c.query(`INSERT INTO tc SELECT g, ${value} FROM generate_series(1, 50) g`);
  const before = (await c.query("SELECT pg_relation_filenode('tc') AS n")).rows[0].n;
  await c.query(`SET TimeZone = '${tz}'`);
  await c.query(`ALTER TABLE tc ALTER COLUMN c TYPE ${to}${/^int/.test(to) && !/int/.test(from) ? ' USING 1' : ''}`);
  const after = (await c.query("SELECT pg_relation_filenode('tc') AS n")).rows[0].n;
  return before !== after;
}

(SKIP_DB ? describe.skip : describe)('migrations: type-change catalogue on a real PostgreSQL (DR_SKIP_DB=1 skips)', function () {
  this.timeout(240_000);
  let pg: PgServer;
  let c: Client;
  before(async () => {
    pg = await startPostgres();
    c = await pg.freshDb();
    await c.query('CREATE EXTENSION IF NOT EXISTS citext');
  });
  after(async () => {
    await c?.end();
    await pg?.stop();
  });

  it('every catalogue row is a change the server makes without rewriting the table', async () => {
    for (const row of PG_TYPE_CHANGES) {
      if (pg.version < row.since) continue;
      const [from, to] = row.example;
      const verdict = classifyPgTypeChange(await typeOf(from), await typeOf(to), pg.version).verdict;
      assert.equal(verdict, row.verdict, `${from} → ${to}: the catalogue does not match its own row`);
      const tz = verdict === 'safe-if-utc' ? 'UTC' : 'Europe/Paris';
      assert.equal(await rewrites(c, from, to, tz), false, `${from} → ${to} rewrote the table on PostgreSQL ${pg.version}`);
      if (verdict === 'safe-if-utc') assert.equal(await rewrites(c, from, to, 'Europe/Paris'), true, `${from} → ${to} outside UTC`);
    }
  });

  it('every change outside the catalogue rewrites the table, and the catalogue says so', async () => {
    for (const [from, to] of PG_REWRITE_EXAMPLES) {
      assert.equal(classifyPgTypeChange(await typeOf(from), await typeOf(to), pg.version).verdict, 'rewrite', `${from} → ${to}`);
      assert.equal(await rewrites(c, from, to, 'UTC'), true, `${from} → ${to} did not rewrite on PostgreSQL ${pg.version}`);
    }
  });
});

describe('migrations: type changes as the linter reports them', () => {
  const lintUnknown = (to: string, v = 16) =>
    lintSqlMigration('db/migrations/002_x.sql', `SET lock_timeout = '2s'; SET statement_timeout = '30s';\nALTER TABLE t ALTER COLUMN c TYPE ${to};\n`, {
      settings: { postgresVersion: v, mysqlVersion: '8.0' },
      schema: { tables: new Map([['t', { name: 't', columns: new Map([['c', { type: undefined, notNull: false, hasDefault: false }]]), constraints: new Map(), indexes: new Map() }]]), enums: new Map() },
    });
  const withType = async (from: string, to: string, v = 16) => {
    const type = await typeOf(from);
    return lintSqlMigration('db/migrations/002_x.sql', `SET lock_timeout = '2s'; SET statement_timeout = '30s';\nALTER TABLE t ALTER COLUMN c TYPE ${to};\n`, {
      settings: { postgresVersion: v, mysqlVersion: '8.0' },
      schema: { tables: new Map([['t', { name: 't', columns: new Map([['c', { type, notNull: false, hasDefault: false }]]), constraints: new Map(), indexes: new Map() }]]), enums: new Map() },
    });
  };

  it('safe rows give nothing; rewrites are errors', async () => {
    for (const [from, to] of [['varchar(200)', 'varchar(2048)'], ['varchar(10)', 'text'], ['text', 'citext'], ['numeric(10,2)', 'numeric(14,2)'], ['timestamp(0)', 'timestamp(6)']]) {
      assert.deepEqual((await withType(from, to)).map((f) => f.ruleId), [], `${from} → ${to}`);
    }
    for (const [from, to] of [['varchar(20)', 'varchar(10)'], ['inet', 'cidr'], ['int4', 'int8'], ['numeric(10,2)', 'numeric(12,4)']]) {
      const fs = await withType(from, to);
      assert.deepEqual(fs.map((f) => [f.ruleId, f.severity]), [['migration/column-type-change', 'error']], `${from} → ${to}`);
      assert.equal(fs[0].data?.lock, 'ACCESS EXCLUSIVE');
    }
  });

  it('timestamp → timestamptz is a warning about the session time zone on PostgreSQL 12+, an error before', async () => {
    const [w] = await withType('timestamp', 'timestamptz');
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /TimeZone is UTC/);
    assert.equal((await withType('timestamp', 'timestamptz', 11))[0].severity, 'error');
  });

  it('a change from an unknown type is a warning, not an error', async () => {
    const fs = await lintUnknown('varchar(2048)');
    assert.deepEqual(fs.map((f) => [f.ruleId, f.severity]), [['migration/column-type-change', 'warning']]);
    assert.match(fs[0].message, /current type is unknown/);
  });
});
