import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';

/** Findings grouped by the line they start on (one statement per line in these files). */
function byLine(fs: Finding[]): Map<number, Finding[]> {
  const m = new Map<number, Finding[]>();
  for (const f of fs) m.set(f.range.start.line, [...(m.get(f.range.start.line) ?? []), f]);
  return m;
}

const ALL_OPT_IN = { 'migration/prefer-bigint': 'info', 'migration/prefer-text': 'info', 'migration/prefer-timestamptz': 'info', 'migration/prefer-identity': 'info' };

describe('migrations: every finding on a statement states the lock that statement holds', () => {
  it('PostgreSQL: data.lock on every finding, the same on every finding of one statement (the strongest lock of its actions)', async () => {
    const sql = [
      "ALTER TYPE mood ADD VALUE 'meh';",
      'CREATE INDEX users_email ON users (email);',
      'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id), ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);',
      'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
      'ALTER TABLE users ADD COLUMN note varchar(20);',
      'DROP TRIGGER users_audit ON users;',
      'REINDEX INDEX users_email;',
      'CREATE TABLE x (id serial PRIMARY KEY, payload json, user_id bigint REFERENCES users (id));',
      "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      'CREATE INDEX CONCURRENTLY users_name ON users (name);',
      "UPDATE users SET note = '';",
    ].join('\n');
    const fs = await lintSqlMigration('db/migrations/002_x.sql', `-- +goose Up\n${sql}\n`, { tool: 'goose', rules: ALL_OPT_IN });
    const lines = byLine(fs);
    assert.ok(lines.size >= 10, `findings on ${lines.size} statements`);
    assert.ok(fs.length >= 20, `${fs.length} findings`);
    for (const [line, group] of lines) {
      for (const f of group) assert.ok(f.data?.lock, `${f.ruleId} on line ${line + 1} has data.lock`);
      assert.equal(new Set(group.map((f) => f.data?.lock)).size, 1, `findings on line ${line + 1} agree: ${group.map((f) => `${f.ruleId}=${String(f.data?.lock)}`).join(', ')}`);
    }
    const on = (line: number) => lines.get(line)!.map((f) => f.data?.lock)[0];
    // The ALTER TABLE with an ADD COLUMN and an ADD FOREIGN KEY holds ACCESS EXCLUSIVE for both.
    assert.equal(on(3), 'ACCESS EXCLUSIVE');
    assert.deepEqual([...new Set(lines.get(3)!.map((f) => f.ruleId))].sort().includes('migration/foreign-key-without-index'), true);
    assert.equal(on(6), 'ACCESS EXCLUSIVE', 'DROP TRIGGER');
    assert.equal(on(1), 'ACCESS EXCLUSIVE', 'ADD VALUE (enum ordering is reported with the lock too)');
    assert.equal(on(10), 'SHARE UPDATE EXCLUSIVE', 'CREATE INDEX CONCURRENTLY (in a transaction: reported, with its lock)');
  });

  it('MySQL: data.lock and the algorithm agree across the findings of one ALTER TABLE', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN a int NOT NULL, MODIFY email varchar(320) NOT NULL;\nALTER TABLE users DROP COLUMN b;\nTRUNCATE TABLE logs;\n';
    const fs = await lintSqlMigration('db/migrations/002_x.sql', sql, { dialect: 'mysql' });
    for (const [line, group] of byLine(fs)) {
      for (const f of group) assert.ok(f.data?.lock, `${f.ruleId} on line ${line + 1} has data.lock`);
      assert.equal(new Set(group.map((f) => `${String(f.data?.lock)} ${String(f.data?.algorithm)}`)).size, 1, `line ${line + 1}: ${group.map((f) => `${f.ruleId}=${String(f.data?.lock)}/${String(f.data?.algorithm)}`).join(', ')}`);
    }
    const first = fs.filter((f) => f.range.start.line === 0);
    assert.ok(first.length >= 2);
    assert.equal(first[0].data?.algorithm, 'COPY', 'the MODIFY makes the whole statement a copy');
  });
});
