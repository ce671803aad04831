import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/model';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import { describeStatement } from '../../../src/core/migrations/describe';
import type { SqlFileOptions } from '../../../src/core/migrations/sqlfile';
import { applyEdits, removeTree, tempTree } from '../helpers';

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);
const lint = (text: string, o: Partial<SqlFileOptions> & { file?: string; rules?: Record<string, string> } = {}) => lintSqlMigration(o.file ?? 'db/migrations/001_x.sql', text, o);
const pg = (v: number) => ({ settings: { postgresVersion: v, mysqlVersion: '8.0' } });

describe('migrations: PostgreSQL rules over the operation model', () => {
  it('states the lock, what it blocks and the classification on every statement finding', async () => {
    const [f] = (await lint("SET lock_timeout = '1s'; SET statement_timeout = '1min';\nALTER TABLE users DROP COLUMN legacy;")).filter((x) => x.ruleId === 'migration/drop-column');
    assert.match(f.message, /ACCESS EXCLUSIVE lock on "users": blocks reads and writes/);
    assert.equal(f.data?.classification, 'destructive');
    assert.equal(f.data?.backwardCompatible, false);
    assert.deepEqual(f.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 36 } }, 'the DROP COLUMN clause, not the statement');
  });

  it('exempts tables created earlier in the same migration', async () => {
    const fs = await lint('CREATE TABLE t (id bigint PRIMARY KEY, a int);\nCREATE INDEX t_a ON t (a);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;');
    assert.deepEqual(ids(fs).filter((r) => r !== 'migration/foreign-key-without-index'), []);
  });

  it('knows each tool\'s transaction model: goose and Flyway wrap, golang-migrate runs a lone statement alone', async () => {
    const cic = 'CREATE INDEX CONCURRENTLY i ON t (a);\n';
    assert.ok(ids(await lint(`-- +goose Up\n${cic}`, { tool: 'goose' })).includes('migration/concurrent-in-transaction'));
    assert.ok(!ids(await lint(`-- +goose NO TRANSACTION\n-- +goose Up\n${cic}`, { tool: 'goose' })).includes('migration/concurrent-in-transaction'));
    // Flyway detects a file that can only run outside a transaction and runs it so; mixed with other DDL it fails.
    assert.ok(!ids(await lint(cic, { tool: 'flyway', file: 'sql/V2__idx.sql' })).includes('migration/concurrent-in-transaction'));
    assert.ok(ids(await lint(`ALTER TABLE t ADD COLUMN b int;\n${cic}`, { tool: 'flyway', file: 'sql/V2__idx.sql' })).includes('migration/concurrent-in-transaction'));
    assert.ok(!ids(await lint(cic, { tool: 'flyway', file: 'sql/V2__idx.sql', tx: { flywayConf: 'executeInTransaction=false\n' } })).includes('migration/concurrent-in-transaction'));
    assert.ok(!ids(await lint(cic, { tool: 'golang-migrate', file: 'm/2_idx.up.sql' })).includes('migration/concurrent-in-transaction'));
    assert.ok(ids(await lint(`SELECT 1;\n${cic}`, { tool: 'golang-migrate', file: 'm/2_idx.up.sql' })).includes('migration/concurrent-in-transaction'));
    assert.ok(ids(await lint(`-- migrate:up\n${cic}`, { tool: 'dbmate' })).includes('migration/concurrent-in-transaction'));
    assert.ok(!ids(await lint(`-- migrate:up transaction:false\n${cic}`, { tool: 'dbmate' })).includes('migration/concurrent-in-transaction'));
  });

  it('the CONCURRENTLY quick fix also leaves the transaction in the tool\'s own way', async () => {
    const text = '-- +goose Up\nCREATE INDEX i ON t (a);\n';
    const f = (await lint(text, { tool: 'goose' })).find((x) => x.ruleId === 'migration/require-concurrent-index')!;
    const fixed = applyEdits(text, f.fixes![0].edits);
    assert.equal(fixed, '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n');
    assert.deepEqual(ids(await lint(fixed, { tool: 'goose' })).filter((r) => r.includes('concurrent')), []);
  });

  it('lints only the Up section of goose and dbmate files', async () => {
    const fs = await lint('-- +goose Up\nALTER TABLE t ADD COLUMN a int;\n-- +goose Down\nALTER TABLE t DROP COLUMN a;\n', { tool: 'goose' });
    assert.ok(!ids(fs).includes('migration/drop-column'));
  });

  it('one syntax error is one finding at its cursor; the other statements are still linted', async () => {
    const fs = await lint("SET lock_timeout = '1s';\nALTER TABLE a ADD COLUMN b int;\nCREAT TABLE oops;\nDROP TABLE users;\n");
    const syntax = fs.filter((f) => f.ruleId === 'migration/syntax-error');
    assert.equal(syntax.length, 1);
    assert.deepEqual(syntax[0].range.start, { line: 2, character: 0 });
    assert.ok(fs.some((f) => f.ruleId === 'migration/drop-table' && f.range.start.line === 3));
  });

  it('unterminated dollar quotes and comments are one syntax error, not a crash or a hang', async () => {
    for (const bad of ['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;', "SELECT 'open", 'SELECT 1; /* never closed']) {
      const fs = await lint(bad);
      assert.equal(fs.filter((f) => f.ruleId === 'migration/syntax-error').length, 1, bad);
    }
  });

  it('ADD COLUMN DEFAULT is version-aware: constants are instant since PostgreSQL 11, volatile defaults never are', async () => {
    const c = 'ALTER TABLE t ADD COLUMN flag boolean NOT NULL DEFAULT false;';
    assert.ok(!ids(await lint(c, pg(16))).includes('migration/volatile-default'));
    assert.ok(ids(await lint(c, pg(10))).includes('migration/volatile-default'));
    assert.ok(!ids(await lint('ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();', pg(16))).includes('migration/volatile-default'));
    assert.ok(ids(await lint('ALTER TABLE t ADD COLUMN id2 uuid DEFAULT gen_random_uuid();', pg(16))).includes('migration/volatile-default'));
  });

  it('type changes: safe casts pass, rewrites are flagged, using the type from earlier statements', async () => {
    const rewrite = await lint('ALTER TABLE t ADD COLUMN n int;\nALTER TABLE t ALTER COLUMN n TYPE bigint;');
    assert.ok(!ids(rewrite).includes('migration/column-type-change'), 'a column added in this file is new: nothing to rewrite');
    assert.ok(ids(await lint('ALTER TABLE t ALTER COLUMN id TYPE bigint;')).includes('migration/column-type-change'));
  });

  it('suppressions: a reason is required, peers\' acknowledgements are honoured, unused ones are reported', async () => {
    const ok = await lint('-- deploy-readiness-ignore drop-table: unused since v41\nDROP TABLE legacy;', { tx: { lockTimeoutSetByRunner: true } });
    assert.deepEqual(ids(ok), []);
    const noReason = await lint('-- deploy-readiness-ignore drop-table\nDROP TABLE legacy;', { tx: { lockTimeoutSetByRunner: true } });
    assert.deepEqual(ids(noReason).sort(), ['migration/drop-table', 'migration/suppression-needs-reason']);
    const squawk = await lint('-- squawk-ignore ban-drop-table\nDROP TABLE legacy;', { tx: { lockTimeoutSetByRunner: true } });
    assert.deepEqual(ids(squawk), []);
    const unused = await lint('-- deploy-readiness-ignore rename-table: old name\nALTER TABLE t ADD COLUMN a int;', { tx: { lockTimeoutSetByRunner: true } });
    assert.deepEqual(ids(unused), ['migration/unused-suppression']);
    const file = await lint('-- deploy-readiness-ignore-file drop-table: cleanup release\nDROP TABLE a;\nDROP TABLE b;', { tx: { lockTimeoutSetByRunner: true } });
    assert.deepEqual(ids(file), []);
  });

  it('a lock_timeout before the statement, or set by the runner, satisfies require-lock-timeout', async () => {
    const stmt = 'ALTER TABLE t ADD COLUMN a int;';
    assert.ok(ids(await lint(stmt)).includes('migration/require-lock-timeout'));
    assert.ok(!ids(await lint(`SET lock_timeout = '2s';\n${stmt}`)).includes('migration/require-lock-timeout'));
    assert.ok(!ids(await lint(stmt, { tx: { lockTimeoutSetByRunner: true } })).includes('migration/require-lock-timeout'));
    assert.ok(ids(await lint(`SET lock_timeout = 0;\n${stmt}`)).includes('migration/require-lock-timeout'));
  });

  it('transactions: statements after ACCESS EXCLUSIVE, VALIDATE in the same transaction, BEGIN without COMMIT', async () => {
    const a = await lint('BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY x ON orders (b);\nCOMMIT;');
    assert.ok(ids(a).includes('migration/statement-after-access-exclusive'));
    const v = await lint('BEGIN;\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\nCOMMIT;');
    assert.ok(ids(v).includes('migration/validate-in-same-transaction'));
    const u = await lint('BEGIN;\nALTER TABLE t ADD COLUMN a int;\n');
    const f = u.find((x) => x.ruleId === 'migration/uncommitted-transaction')!;
    assert.match(applyEdits('BEGIN;\nALTER TABLE t ADD COLUMN a int;\n', f.fixes![0].edits), /COMMIT;\n$/);
  });

  it('Liquibase formatted SQL: each changeset is its own transaction unless runInTransaction:false', async () => {
    const head = '--liquibase formatted sql\n';
    const inTx = await lint(`${head}--changeset a:1\nCREATE INDEX CONCURRENTLY i ON t (a);\n`, { tool: 'liquibase' });
    assert.ok(ids(inTx).includes('migration/concurrent-in-transaction'));
    const out = await lint(`${head}--changeset a:1 runInTransaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n`, { tool: 'liquibase' });
    assert.ok(!ids(out).includes('migration/concurrent-in-transaction'));
  });
});

describe('migrations: schema replayed from earlier migrations', () => {
  let dir = '';
  afterEach(() => dir && removeTree(dir));

  it('a validated CHECK (col IS NOT NULL) in an earlier migration makes SET NOT NULL safe on PostgreSQL 12+', async () => {
    dir = tempTree({
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
      'db/migrations/002_check.sql': 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n',
      'db/migrations/003_validate.sql': 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n',
      'db/migrations/004_not_null.sql': "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
      'other/migrations/004_not_null.sql': "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
    });
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
    const report = await ws.analyze();
    const setNotNull = report.findings.filter((f) => f.ruleId === 'migration/set-not-null').map((f) => f.file);
    assert.deepEqual(setNotNull, ['other/migrations/004_not_null.sql'], 'the other folder has no such CHECK');
  });

  it('knows a column\'s type from earlier migrations, so a varchar widening is not a rewrite', async () => {
    dir = tempTree({
      'migrations/V1__users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), age int);\n',
      'migrations/V2__widen.sql': "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(100);\nALTER TABLE users ALTER COLUMN age TYPE bigint;\n",
    });
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
    const f = (await ws.analyze()).findings.filter((x) => x.ruleId === 'migration/column-type-change');
    assert.deepEqual(f.map((x) => x.range.start.line), [2]);
    assert.match(f[0].message, /from int4 to bigint|from int to bigint/);
  });
});

describe('migrations: MySQL and MariaDB', () => {
  const my = (text: string, v = '8.0') => lint(text, { dialect: 'mysql', settings: { postgresVersion: 16, mysqlVersion: v } });

  it('infers MySQL from the SQL and flags changes that copy the table', async () => {
    const fs = await lint('ALTER TABLE `users` MODIFY `email` varchar(320) NOT NULL;');
    const f = fs.find((x) => x.ruleId === 'migration/mysql-blocking-alter');
    assert.ok(f, ids(fs).join());
    assert.equal(f.data?.algorithm, 'COPY');
  });

  it('asks for ALGORITHM/LOCK where the change can run online, with a fix that adds it', async () => {
    const text = 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN note text;\n';
    const f = (await my(text)).find((x) => x.ruleId === 'migration/mysql-explicit-algorithm')!;
    const fixed = applyEdits(text, f.fixes![0].edits);
    assert.match(fixed, /ADD COLUMN note text, ALGORITHM=INSTANT;/);
    assert.deepEqual(ids(await my(fixed)), []);
  });

  it('valid DDL node-sql-parser does not know is not a syntax error; real errors are', async () => {
    assert.deepEqual(ids(await my("SET SESSION lock_wait_timeout = 5;\nALTER TABLE t ALTER COLUMN d SET DEFAULT 1, ALGORITHM=INSTANT;")), []);
    const bad = await my('SET SESSION lock_wait_timeout = 5;\nALTER TABLE t ADD COLUMN a int;\nALTR TABLE t DROP x;\n');
    assert.deepEqual(ids(bad).filter((r) => r === 'migration/syntax-error').length, 1);
  });

  it('requires lock_wait_timeout before DDL on MySQL', async () => {
    assert.ok(ids(await my('ALTER TABLE t ADD COLUMN a int, ALGORITHM=INSTANT;')).includes('migration/mysql-lock-wait-timeout'));
  });
});

describe('migrations: describeStatement (hover)', () => {
  it('describes the lock, what it blocks, compatibility and the safe pattern of the statement under the cursor', async () => {
    const text = 'CREATE TABLE t (id bigint);\n\nALTER TABLE users RENAME COLUMN name TO full_name;\n';
    const d = await describeStatement(text, text.indexOf('RENAME'));
    assert.ok(d);
    assert.deepEqual(d.range.start, { line: 2, character: 0 });
    assert.equal(d.ops[0].lock?.mode, 'ACCESS EXCLUSIVE');
    assert.equal(d.ops[0].backwardCompatible, false);
    assert.match(d.markdown, /not backward-compatible/);
    assert.match(d.markdown, /Safe pattern: Add the new column/);
    assert.equal(await describeStatement(text, text.indexOf('\n\n') + 1), undefined, 'a blank line is not a statement');
    const idx = await describeStatement('CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);', 30);
    assert.equal(idx?.ops[0].lock?.blocks, 'nothing', 'a table created earlier in the file is new');
  });
});

describe('migrations: opt-in type hygiene', () => {
  it('runs only when enabled in the config, with a fix that replaces the type', async () => {
    const text = 'CREATE TABLE t (id serial PRIMARY KEY, at timestamp, code varchar(10));';
    assert.deepEqual(ids(await lint(text)), []);
    const on = await lint(text, { rules: { 'migration/prefer-timestamptz': 'warning' } });
    const f = on.find((x) => x.ruleId === 'migration/prefer-timestamptz')!;
    assert.equal(applyEdits(text, f.fixes![0].edits), 'CREATE TABLE t (id serial PRIMARY KEY, at timestamptz, code varchar(10));');
  });
});

describe('migrations: dialect from the migration tool', () => {
  it('Prisma: migration_lock.toml provider = "mysql" makes its migrations MySQL', async () => {
    const dir = tempTree({
      'prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'ALTER TABLE users ADD COLUMN note text;\n',
    });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      assert.ok(report.findings.some((f) => f.ruleId === 'migration/mysql-lock-wait-timeout'), report.findings.map((f) => f.ruleId).join());
      assert.equal(report.facts.migrations[0].dialect, 'mysql');
    } finally {
      removeTree(dir);
    }
  });
});

describe('migrations: PL/pgSQL bodies', () => {
  it('a DO block is named in a notice (its body is not analysed), and the rest of the file is', async () => {
    const dir = tempTree({ 'migrations/001_do.sql': "DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$;\nDROP TABLE users;\n" });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      assert.ok(report.notices.some((n) => n.file === 'migrations/001_do.sql' && /DO block/.test(n.message)));
      assert.ok(report.findings.some((f) => f.ruleId === 'migration/drop-table'));
    } finally {
      removeTree(dir);
    }
  });
});
