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
