import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model';
import { formatRules } from '../../../src/core/format';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);
const lint = (text: string) => lintSqlMigration('db/migrations/001_x.sql', text);

describe('migrations: timeout policy and peer names', () => {
  it('the timeout policy is one finding per file, not one per statement', async () => {
    const fs = await lint('ALTER TABLE a DROP COLUMN x;\nALTER TABLE b DROP COLUMN y;\nALTER TABLE c DROP COLUMN z;\n');
    assert.equal(ids(fs).filter((r) => r === 'migration/require-lock-timeout').length, 1);
  });

  it('lock_timeout or statement_timeout of minutes or hours is flagged as protecting nothing; seconds are fine', async () => {
    const long = await lint("SET lock_timeout = '5min';\nSET statement_timeout = '2h';\nALTER TABLE a DROP COLUMN x;\n");
    const lt = long.filter((f) => f.ruleId === 'migration/require-lock-timeout');
    assert.equal(lt.length, 1);
    assert.match(lt[0].message, /lock_timeout = '?5min'? protects nothing/);
    assert.equal(lt[0].range.start.line, 0);
    assert.ok(long.some((f) => f.ruleId === 'migration/require-statement-timeout' && /2h/.test(f.message)));
    const short = await lint("SET lock_timeout = '3s';\nSET statement_timeout = 30000;\nALTER TABLE a DROP COLUMN x;\n");
    assert.deepEqual(ids(short).filter((r) => /timeout/.test(r)), []);
  });

  it("pgfence's ignore comments are honoured in both syntaxes, with pgfence rule names", async () => {
    const base = "SET lock_timeout = '2s';\n";
    assert.deepEqual(ids(await lint(`${base}-- pgfence-ignore: drop-table\nDROP TABLE a;\n`)), []);
    assert.deepEqual(ids(await lint(`${base}-- pgfence: ignore drop-table\nDROP TABLE a;\n`)), []);
    assert.deepEqual(ids(await lint(`${base}-- pgfence-ignore\nDROP TABLE a;\n`)), []);
    assert.deepEqual(ids(await lint(`${base}-- pgfence: ignore rename-column\nDROP TABLE a;\n`)), ['migration/drop-table', 'migration/unused-suppression']);
  });

  it('rules --format json says which rules run by default', () => {
    const { rules } = JSON.parse(formatRules('json')) as { rules: { id: string; enabled: boolean; equivalents?: Record<string, string[]> }[] };
    assert.equal(rules.find((r) => r.id === 'migration/drop-table')?.enabled, true);
    assert.equal(rules.find((r) => r.id === 'migration/prefer-bigint')?.enabled, false);
    assert.ok(rules.find((r) => r.id === 'migration/foreign-key-without-index')?.equivalents?.pgfence?.includes('fk-missing-index'));
  });
});

describe('migrations: statements and transactions read precisely', () => {
  const lintT = (text: string, o: Parameters<typeof lintSqlMigration>[2] = {}) => lintSqlMigration(o.file ?? 'db/migrations/001_x.sql', text, o);
  const T = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n";

  it('a Flyway file holding only CREATE INDEX CONCURRENTLY is fine (Flyway runs it outside a transaction); mixed with DDL it fails', async () => {
    assert.deepEqual(ids(await lintT('CREATE INDEX CONCURRENTLY i ON t (a);\nDROP INDEX CONCURRENTLY j;\n', { tool: 'flyway', file: 'db/migration/V2__i.sql' })), []);
    assert.ok(ids(await lintT(`${T}ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY i ON t (a);\n`, { tool: 'flyway', file: 'db/migration/V2__i.sql' })).includes('migration/concurrent-in-transaction'));
  });

  it('COMMIT; … CONCURRENTLY …; BEGIN; in a wrapped migration is outside the transaction, and not reported the other way either', async () => {
    const fs = await lintT(`${T}ALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON t (a);\nBEGIN;\n`, { tx: { assumeInTransaction: true } });
    assert.deepEqual(ids(fs).filter((r) => /transaction/.test(r)), []);
  });

  it('VACUUM (FULL false) is not a rewrite; REINDEX (CONCURRENTLY false) is not concurrent; ENABLE/DISABLE TRIGGER takes SHARE ROW EXCLUSIVE', async () => {
    assert.deepEqual(ids(await lintT(`${T}VACUUM (FULL false) t;\n`)), []);
    assert.ok(ids(await lintT(`${T}VACUUM (FULL) t;\n`)).includes('migration/table-rewrite-command'));
    assert.deepEqual(ids(await lintT(`${T}REINDEX (CONCURRENTLY false) TABLE t;\n`)), ['migration/require-concurrent-reindex']);
    const [f] = (await lintT('ALTER TABLE t DISABLE TRIGGER audit;\n')).filter((x) => x.ruleId === 'migration/require-lock-timeout');
    assert.equal(f.data?.lock, 'SHARE ROW EXCLUSIVE');
  });

  it('ALTER TYPE … ADD VALUE inside a transaction is an error before PostgreSQL 12, fine after', async () => {
    const sql = "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';\n";
    const pg11 = await lintT(sql, { tool: 'flyway', file: 'db/migration/V3__e.sql', settings: { postgresVersion: 11, mysqlVersion: '8.0' } });
    assert.deepEqual(pg11.map((x) => `${x.ruleId}:${x.severity}`), ['migration/concurrent-in-transaction:error']);
    assert.deepEqual(ids(await lintT(sql, { tool: 'flyway', file: 'db/migration/V3__e.sql' })), []);
  });
});
