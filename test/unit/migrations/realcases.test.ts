import * as assert from 'node:assert/strict';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import { loadPg } from '../../../src/core/migrations/postgres';
import { applyOps, emptySchema } from '../../../src/core/migrations/schema';
import { sqlOps } from '../../../src/core/migrations/sqlfile';

/** Cases met in real applications' migrations where an error was wrong. */
describe('migrations: errors that were wrong on real applications', () => {
  it('DROP TYPE without CASCADE is a warning (PostgreSQL refuses while anything uses the type); with CASCADE it stays an error', async () => {
    const plain = await lintSqlMigration('db/migrations/002_x.sql', 'DROP TYPE IF EXISTS user_role;\n', {});
    const f = plain.find((x) => x.ruleId === 'migration/drop-schema');
    assert.ok(f, 'still reported');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /refuses while a column or function still uses it/);
    const cascade = await lintSqlMigration('db/migrations/002_x.sql', 'DROP TYPE user_role CASCADE;\n', {});
    assert.equal(cascade.find((x) => x.ruleId === 'migration/drop-schema')?.severity, 'error');
  });

  it('ALTER COLUMN … TYPE varchar USING col::text on a varchar column is no rewrite; a USING with a real expression still is', async () => {
    const before = 'CREATE TABLE users (id bigint PRIMARY KEY, role varchar);\n';
    const schema = emptySchema();
    applyOps(schema, sqlOps(await loadPg(), before, 'postgres').ops, 'db/migrations/001_users.sql');
    const rel = (sql: string) => lintSqlMigration('db/migrations/002_x.sql', `${sql}\n`, { schema });
    const relabel = await rel('ALTER TABLE users ALTER COLUMN role TYPE varchar USING role::text;');
    assert.equal(relabel.filter((x) => x.ruleId === 'migration/column-type-change').length, 0, JSON.stringify(relabel.map((x) => x.message)));
    const real = await rel("ALTER TABLE users ALTER COLUMN role TYPE varchar USING lower(role);");
    assert.equal(real.filter((x) => x.ruleId === 'migration/column-type-change').length, 1);
    const shorter = await rel('ALTER TABLE users ALTER COLUMN role TYPE varchar USING role::varchar(10);');
    assert.equal(shorter.filter((x) => x.ruleId === 'migration/column-type-change').length, 1);
  });
});
