import * as assert from 'node:assert/strict';
import type { Client } from 'pg';
import type { Connection } from 'mysql2/promise';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import { applyOps, emptySchema, migrationOrderKey } from '../../../src/core/migrations/schema';
import { loadPg } from '../../../src/core/migrations/postgres';
import { sqlOps } from '../../../src/core/migrations/sqlfile';
import type { Fix } from '../../../src/core/model';
import { runMy, runPg } from '../../db/runner';
import { SKIP_DB, startMariadb, startPostgres, type MyServer, type PgServer } from '../../db/servers';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { applyEdits, removeTree, tempTree } from '../helpers';

/**
 * Every multi-step quick fix is applied to a real server: the original migration and the fixed one
 * (with any migration the fix creates) run on a seeded schema; the fixed one must run and have the
 * intended effect, and re-linting the fixed files must not report the finding again.
 */

/** Applies a fix's edits: returns every file it touches or creates, with its new text. */
function applyFix(file: string, text: string, fix: Fix): Map<string, string> {
  const out = new Map<string, string>([[file, text]]);
  const byFile = new Map<string, Fix['edits']>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [f, edits] of byFile) {
    if (edits.some((e) => e.create)) out.set(f, edits.map((e) => e.newText).join(''));
    else out.set(f, applyEdits(out.get(f) ?? '', edits));
  }
  return out;
}

const PG_SEED = `
CREATE TABLE users (id bigint PRIMARY KEY, email text, name varchar(50));
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int, note text);
INSERT INTO users SELECT g, 'u' || g || '@example.com', 'name ' || g FROM generate_series(1, 200) g;
INSERT INTO orders SELECT g, 1 + g % 200, g, 'n' FROM generate_series(1, 500) g;
`;

interface PgCase {
  name: string;
  file: string;
  tool: string;
  rule: string;
  text: string;
  originalFails?: boolean;
  verify(c: Client): Promise<void>;
}

const one = async (c: Client, sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows[0];

const PG_CASES: PgCase[] = [
  {
    name: 'CREATE INDEX → CONCURRENTLY and goose NO TRANSACTION',
    file: 'db/migrations/20240101000000_idx.sql',
    tool: 'goose',
    rule: 'migration/require-concurrent-index',
    text: '-- +goose Up\nCREATE INDEX orders_user_idx ON orders (user_id);\n\n-- +goose Down\nDROP INDEX orders_user_idx;\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_user_idx'::regclass")).indisvalid, true);
    },
  },
  {
    name: 'FOREIGN KEY → NOT VALID here, VALIDATE in the next Flyway migration',
    file: 'sql/V2__orders_fk.sql',
    tool: 'flyway',
    rule: 'migration/constraint-not-valid',
    text: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_user_fk'")).convalidated, true);
    },
  },
  {
    name: 'unnamed CHECK → named, NOT VALID, VALIDATE (plain SQL, outside a transaction)',
    file: 'migrations/003_check.sql',
    tool: 'sql',
    rule: 'migration/constraint-not-valid',
    text: 'ALTER TABLE orders ADD CHECK (amount > 0);\n',
    async verify(c) {
      assert.deepEqual((await c.query("SELECT convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'")).rows, [{ convalidated: true }]);
    },
  },
  {
    name: 'SET NOT NULL → CHECK NOT VALID, then VALIDATE, SET NOT NULL, DROP CHECK in the next dbmate migration',
    file: 'db/migrations/20240101000000_email_nn.sql',
    tool: 'dbmate',
    rule: 'migration/set-not-null',
    text: '-- migrate:up\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\n-- migrate:down\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'")).attnotnull, true);
      assert.equal((await one(c, "SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c'")).n, 0);
    },
  },
  {
    name: 'UNIQUE → CREATE UNIQUE INDEX CONCURRENTLY + USING INDEX, goose leaves its transaction',
    file: 'db/migrations/20240101000000_email_unique.sql',
    tool: 'goose',
    rule: 'migration/unique-without-index',
    text: '-- +goose Up\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'")).contype, 'u');
    },
  },
  {
    name: 'UNIQUE in a lone golang-migrate statement → the index here, the constraint in the next migration',
    file: 'migrations/000002_email_unique.up.sql',
    tool: 'golang-migrate',
    rule: 'migration/unique-without-index',
    text: 'ALTER TABLE users ADD UNIQUE (email);\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'")).contype, 'u');
    },
  },
  {
    name: 'volatile DEFAULT → add, SET DEFAULT, batched backfill in the next migration',
    file: 'migrations/V3__token.sql',
    tool: 'flyway',
    rule: 'migration/volatile-default',
    text: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n',
    async verify(c) {
      assert.equal((await one(c, 'SELECT count(*)::int AS n FROM orders WHERE token IS NULL')).n, 0);
      await c.query('INSERT INTO orders (id) VALUES (100000)');
      assert.ok((await one(c, 'SELECT token FROM orders WHERE id = 100000')).token);
    },
  },
  {
    name: 'ADD COLUMN NOT NULL without default fails on a populated table; the fix adds it nullable',
    file: 'migrations/004_tenant.sql',
    tool: 'sql',
    rule: 'migration/add-column-required',
    text: 'ALTER TABLE orders ADD COLUMN tenant_id bigint NOT NULL;\n',
    originalFails: true,
    async verify(c) {
      assert.equal((await one(c, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'tenant_id'")).attnotnull, false);
    },
  },
  {
    name: 'RENAME TABLE → rename and keep an updatable view under the old name',
    file: 'migrations/005_rename.sql',
    tool: 'sql',
    rule: 'migration/rename-table',
    text: 'ALTER TABLE orders RENAME TO purchases;\n',
    async verify(c) {
      await c.query("INSERT INTO orders (id, user_id, amount) VALUES (900001, 1, 5)");
      assert.equal((await one(c, 'SELECT count(*)::int AS n FROM purchases WHERE id = 900001')).n, 1);
    },
  },
  {
    name: 'missing lock_timeout → SET LOCAL lock_timeout inside the goose transaction',
    file: 'db/migrations/20240101000000_note.sql',
    tool: 'goose',
    rule: 'migration/require-lock-timeout',
    text: '-- +goose Up\nALTER TABLE orders ADD COLUMN note2 text;\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'note2'")).n, 1);
      assert.equal((await one(c, 'SHOW lock_timeout')).lock_timeout, '0', 'SET LOCAL does not leak past the migration');
    },
  },
  {
    name: 'FK without an index → CREATE INDEX CONCURRENTLY in a migration of its own',
    file: 'sql/V6__fk.sql',
    tool: 'flyway',
    rule: 'migration/foreign-key-without-index',
    text: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_user_id_idx'::regclass")).indisvalid, true);
    },
  },
  {
    name: 'BEGIN without COMMIT → COMMIT appended, the change persists',
    file: 'migrations/007_tx.sql',
    tool: 'sql',
    rule: 'migration/uncommitted-transaction',
    text: 'BEGIN;\nALTER TABLE orders ADD COLUMN flag boolean;\n',
    async verify(c) {
      assert.equal((await one(c, "SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'flag'")).n, 1);
    },
  },
];

const MY_SEED = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name varchar(50), status enum(\'new\',\'active\'))',
  "INSERT INTO users VALUES (1, 'a@x', 'a', 'new'), (2, 'b@x', 'b', 'active')",
];

interface MyCase {
  name: string;
  rule: string;
  text: string;
  verify(c: Connection): Promise<void>;
}

const MY_CASES: MyCase[] = [
  {
    name: 'ADD COLUMN → ALGORITHM=INSTANT',
    rule: 'migration/mysql-explicit-algorithm',
    text: 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN note text;\n',
    async verify(c) {
      const [rows] = await c.query("SHOW COLUMNS FROM users LIKE 'note'");
      assert.equal((rows as unknown[]).length, 1);
    },
  },
  {
    name: 'CREATE INDEX → ALGORITHM=INPLACE LOCK=NONE',
    rule: 'migration/mysql-explicit-algorithm',
    text: 'SET SESSION lock_wait_timeout = 5;\nCREATE INDEX users_name_idx ON users (name);\n',
    async verify(c) {
      const [rows] = await c.query("SHOW INDEX FROM users WHERE Key_name = 'users_name_idx'");
      assert.equal((rows as unknown[]).length, 1);
    },
  },
  {
    name: 'forced ALGORITHM=COPY → INPLACE, LOCK=NONE',
    rule: 'migration/mysql-blocking-alter',
    text: 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD INDEX users_email_idx (email), ALGORITHM=COPY;\n',
    async verify(c) {
      const [rows] = await c.query("SHOW INDEX FROM users WHERE Key_name = 'users_email_idx'");
      assert.equal((rows as unknown[]).length, 1);
    },
  },
  {
    name: 'missing lock_wait_timeout → SET SESSION lock_wait_timeout',
    rule: 'migration/mysql-lock-wait-timeout',
    text: 'ALTER TABLE users ADD COLUMN note2 text, ALGORITHM=INSTANT;\n',
    async verify(c) {
      const [rows] = await c.query("SHOW COLUMNS FROM users LIKE 'note2'");
      assert.equal((rows as unknown[]).length, 1);
    },
  },
];

(SKIP_DB ? describe.skip : describe)('quick fixes applied to real databases (DR_SKIP_DB=1 skips)', function () {
  this.timeout(600_000);
  let pg: PgServer;
  let my: MyServer;
  before(async () => {
    [pg, my] = await Promise.all([startPostgres(), startMariadb()]);
  });
  after(async () => {
    await Promise.all([pg?.stop(), my?.stop()]);
  });

  for (const k of PG_CASES) {
    it(`PostgreSQL: ${k.name}`, async () => {
      const settings = { postgresVersion: pg.version, mysqlVersion: '8.0' };
      const findings = await lintSqlMigration(k.file, k.text, { tool: k.tool, settings });
      const f = findings.find((x) => x.ruleId === k.rule);
      assert.ok(f, `${k.rule} expected, got ${findings.map((x) => x.ruleId).join(', ')}`);
      const fix = f.fixes?.find((x) => x.isPreferred);
      assert.ok(fix, 'a preferred fix');
      const files = applyFix(k.file, k.text, fix);
      const confOf = (p: string) => files.get(`${p}.conf`);

      const before = await pg.freshDb();
      try {
        await before.query(PG_SEED);
        let failed: unknown;
        await runPg(before, k.text, k.tool).catch((e) => (failed = e));
        if (k.originalFails) assert.ok(failed, 'the original migration fails on a populated table');
      } finally {
        await before.end();
      }

      const after = await pg.freshDb();
      try {
        await after.query(PG_SEED);
        const order = [...files.keys()].filter((p) => !p.endsWith('.conf')).sort((a, b) => (migrationOrderKey(a) < migrationOrderKey(b) ? -1 : 1));
        assert.equal(order[0], k.file, 'new migrations run after the fixed one');
        for (const p of order) await runPg(after, files.get(p)!, k.tool, confOf(p));
        await k.verify(after);
      } finally {
        await after.end();
      }

      // Re-lint the fixed files as the CLI and the editor do: in a workspace, with the sequence replayed.
      const dir = tempTree(Object.fromEntries(files));
      try {
        const config = defaultConfig();
        config.migrations.postgresVersion = pg.version;
        const report = await (await Workspace.open({ root: dir, config, trusted: false })).analyze();
        const again = report.findings.filter((x) => x.ruleId === k.rule || x.ruleId === 'migration/syntax-error');
        assert.deepEqual(again.map((x) => `${x.file}: ${x.ruleId}`), [], [...files].map(([p, t]) => `${p}:\n${t}`).join('\n'));
      } finally {
        removeTree(dir);
      }
    });
  }

  it('PostgreSQL: RENAME COLUMN → expand: new column synced both ways on INSERT and UPDATE, batched backfill in its own migration', async () => {
    const settings = { postgresVersion: pg.version, mysqlVersion: '8.0' };
    const schema = emptySchema();
    applyOps(schema, sqlOps(await loadPg(), PG_SEED, 'postgres').ops);
    const file = 'migrations/010_rename.sql';
    const text = 'ALTER TABLE users RENAME COLUMN name TO full_name;\n';
    const f = (await lintSqlMigration(file, text, { tool: 'sql', settings, schema })).find((x) => x.ruleId === 'migration/rename-column');
    const fix = f?.fixes?.find((x) => x.isPreferred);
    assert.ok(fix, 'a preferred fix');
    const files = applyFix(file, text, fix);
    const order = [...files.keys()].sort((a, b) => (migrationOrderKey(a) < migrationOrderKey(b) ? -1 : 1));
    assert.equal(order.length, 2, 'the backfill is a migration of its own');
    const c = await pg.freshDb();
    try {
      await c.query(PG_SEED);
      for (const p of order) await runPg(c, files.get(p)!, 'sql');
      assert.equal((await one(c, 'SELECT count(*)::int AS n FROM users WHERE full_name IS DISTINCT FROM name')).n, 0, 'backfilled');
      await c.query("UPDATE users SET name = 'old code' WHERE id = 1");
      await c.query("UPDATE users SET full_name = 'new code' WHERE id = 2");
      await c.query("INSERT INTO users (id, email, name) VALUES (1001, 'a@x', 'old insert')");
      await c.query("INSERT INTO users (id, email, full_name) VALUES (1002, 'b@x', 'new insert')");
      const rows = (await c.query('SELECT id, name, full_name FROM users WHERE id IN (1, 2, 1001, 1002) ORDER BY id')).rows;
      assert.deepEqual(rows.map((r) => [r.name, r.full_name]), [['old code', 'old code'], ['new code', 'new code'], ['old insert', 'old insert'], ['new insert', 'new insert']]);
    } finally {
      await c.end();
    }
    const dir = tempTree(Object.fromEntries(files));
    try {
      const config = defaultConfig();
      config.migrations.postgresVersion = pg.version;
      const report = await (await Workspace.open({ root: dir, config, trusted: false })).analyze();
      const ours = report.findings.filter((x) => /rename-column|data-in-schema-migration|syntax-error/.test(x.ruleId));
      assert.deepEqual(ours.map((x) => `${x.file}: ${x.ruleId}`), []);
    } finally {
      removeTree(dir);
    }
  });

  for (const k of MY_CASES) {
    it(`MariaDB: ${k.name}`, async () => {
      const settings = { postgresVersion: 16, mysqlVersion: my.version };
      const findings = await lintSqlMigration('migrations/V2__x.sql', k.text, { tool: 'flyway', dialect: 'mysql', settings });
      const f = findings.find((x) => x.ruleId === k.rule);
      assert.ok(f, `${k.rule} expected, got ${findings.map((x) => x.ruleId).join(', ')}`);
      const fixed = applyFix('migrations/V2__x.sql', k.text, f.fixes!.find((x) => x.isPreferred)!).get('migrations/V2__x.sql')!;
      const c = await my.freshDb();
      try {
        for (const s of MY_SEED) await c.query(s);
        await runMy(c, fixed);
        await k.verify(c);
      } finally {
        await c.end();
      }
      const again = await lintSqlMigration('migrations/V2__x.sql', fixed, { tool: 'flyway', dialect: 'mysql', settings });
      assert.ok(!again.some((x) => x.ruleId === k.rule), `re-lints without ${k.rule}:\n${fixed}`);
    });
  }
});
