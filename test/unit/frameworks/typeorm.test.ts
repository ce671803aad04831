import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model';
import { lintDslMigration } from '../../../src/core/frameworks/lint';
import { sqlFrontEnd } from '../../../src/core/frameworks/sqlFront';

const PATH = 'src/migrations/1700000000000-Alias.ts';
const migration = (up: string) =>
  `import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class Alias1700000000000 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(\`DROP INDEX "IDX_user_email"\`);\n    }\n}\n`;
const lint = async (up: string): Promise<Finding[]> => (await lintDslMigration({ path: PATH, text: migration(up), framework: 'typeorm', settings: { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd })).findings;
const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).filter((r) => !/timeout/.test(r)).sort();

describe('TypeORM migrations that alias the query runner', () => {
  it('`const qr = queryRunner; await qr.query(…)` is analysed like queryRunner.query, at the line of the SQL', async () => {
    const fs = await lint('        const qr = queryRunner;\n        await qr.query(`CREATE INDEX "IDX_user_email" ON "user" ("email")`);');
    const f = fs.find((x) => x.ruleId === 'migration/require-concurrent-index');
    assert.ok(f, JSON.stringify(ids(fs)));
    assert.equal(f.range.start.line, 5);
    assert.ok(!fs.some((x) => x.ruleId === 'migration/not-analysed'));
  });

  it('queryRunner.manager.query(…), a manager alias and a typed alias (`as QueryRunner`) are analysed too', async () => {
    for (const up of [
      '        await queryRunner.manager.query(`ALTER TABLE "user" ADD COLUMN "age" int NOT NULL`);',
      '        const m = queryRunner.manager;\n        await m.query(`ALTER TABLE "user" ADD COLUMN "age" int NOT NULL`);',
      '        const runner = queryRunner as QueryRunner;\n        if (runner) {\n            await runner.addColumn("user", new TableColumn({ name: "age", type: "int" }));\n        }',
    ]) {
      assert.ok(ids(await lint(up)).includes('migration/add-column-required'), up);
    }
  });

  it('an up() none of whose statements can be read gives one warning naming the file, not silence', async () => {
    const fs = await lint('        const sql = buildSql();\n        await this.run(sql);\n        await this.run(sql + " ");');
    const na = fs.filter((x) => x.ruleId === 'migration/not-analysed');
    assert.equal(na.length, 1);
    assert.equal(na[0].severity, 'warning');
    assert.match(na[0].message, /1700000000000-Alias\.ts/);
    // A read statement (or an empty up) gives no such warning.
    assert.ok(!(await lint('        await queryRunner.query(`SELECT 1`);')).some((x) => x.ruleId === 'migration/not-analysed'));
    assert.ok(!(await lint('        // nothing to do')).some((x) => x.ruleId === 'migration/not-analysed'));
  });
});
