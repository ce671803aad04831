import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, TextEdit } from '../../../src/core/model';
import type { Framework } from '../../../src/core/frameworks/dsl';
import { describeDslCall } from '../../../src/core/frameworks/describe';
import { extract, lintDslMigration } from '../../../src/core/frameworks/lint';
import { commentPrefixFor } from '../../../src/core/frameworks/comments';
import { sqlFrontEnd } from '../../../src/core/frameworks/sqlFront';
import { applyEdits, removeTree, tempTree } from '../helpers';

async function lint(framework: Framework, path: string, text: string, dialect: 'postgres' | 'mysql' = 'postgres'): Promise<Finding[]> {
  const r = await lintDslMigration({ path, text, framework, settings: { dialect, postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd });
  return r.findings;
}

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).sort();
const one = (fs: Finding[], id: string) => {
  const f = fs.filter((x) => x.ruleId === id);
  assert.equal(f.length, 1, `expected one ${id}, got ${JSON.stringify(ids(fs))}`);
  return f[0];
};

/** Applies the preferred fix: same-file edits to the text, new files returned apart. */
function applyFix(f: Finding, path: string, text: string): { text: string; created: TextEdit[] } {
  const fix = f.fixes?.find((x) => x.isPreferred);
  assert.ok(fix, `${f.ruleId} has no preferred fix`);
  assert.equal(f.fixes!.filter((x) => x.isPreferred).length, 1, 'exactly one preferred fix');
  return { text: applyEdits(text, fix.edits.filter((e) => e.file === path && !e.create)), created: fix.edits.filter((e) => e.create) };
}

/** Fix, check the result still parses, re-lint: the rule is gone. */
async function fixAndRelint(framework: Framework, path: string, text: string, ruleId: string, dialect: 'postgres' | 'mysql' = 'postgres'): Promise<{ text: string; created: TextEdit[]; after: Finding[] }> {
  const before = await lint(framework, path, text, dialect);
  const { text: fixed, created } = applyFix(one(before, ruleId), path, text);
  assert.notEqual(fixed, text);
  const parsed = await extract(framework, fixed, path);
  assert.deepEqual(parsed.errors, [], `fixed file does not parse:\n${fixed}`);
  for (const c of created) assert.deepEqual((await extract(framework, c.newText, c.file)).errors, [], `new file ${c.file} does not parse:\n${c.newText}`);
  const after = await lint(framework, path, fixed, dialect);
  assert.ok(!after.some((x) => x.ruleId === ruleId), `${ruleId} still reported after the fix:\n${fixed}`);
  return { text: fixed, created, after };
}

const RAILS_INDEX = `class AddIndexToUsersEmail < ActiveRecord::Migration[7.1]
  def change
    add_index :users, :email
  end
end
`;

describe('framework migrations linted by the SQL rules', () => {
  it('Rails add_index without algorithm: :concurrently gives the same rule and lock as SQL CREATE INDEX; the fix adds it and disable_ddl_transaction!', async () => {
    const path = 'db/migrate/20240501120000_add_index_to_users_email.rb';
    const f = one(await lint('rails', path, RAILS_INDEX), 'migration/require-concurrent-index');
    assert.equal(f.range.start.line, 2);
    assert.equal(f.data?.lock, 'SHARE');
    assert.equal(f.data?.table, 'users');
    const { text, after } = await fixAndRelint('rails', path, RAILS_INDEX, 'migration/require-concurrent-index');
    assert.match(text, /^ {2}disable_ddl_transaction!$/m);
    assert.match(text, /add_index :users, :email, algorithm: :concurrently/);
    assert.ok(!after.some((x) => x.ruleId === 'migration/concurrent-in-transaction'));
  });

  it('Rails algorithm: :concurrently inside the migration transaction fails at run time; the fix disables the DDL transaction', async () => {
    const path = 'db/migrate/20240501120000_x.rb';
    const text = RAILS_INDEX.replace(':email', ':email, algorithm: :concurrently');
    const f = one(await lint('rails', path, text), 'migration/concurrent-in-transaction');
    assert.match(f.message, /Rails runs each migration in a transaction/);
    await fixAndRelint('rails', path, text, 'migration/concurrent-in-transaction');
  });

  it('raw SQL in execute is linted at its exact range, and fixed inside the string', async () => {
    const path = 'db/migrate/20240501120000_x.rb';
    const text = 'class X < ActiveRecord::Migration[7.1]\n  def up\n    execute <<~SQL\n      CREATE INDEX users_email_idx ON users (email);\n    SQL\n  end\n\n  def down\n    execute "DROP INDEX users_email_idx"\n  end\nend\n';
    const f = one(await lint('rails', path, text), 'migration/require-concurrent-index');
    assert.deepEqual(f.range.start, { line: 3, character: 6 });
    const { text: fixed } = await fixAndRelint('rails', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /CREATE INDEX CONCURRENTLY users_email_idx/);
    assert.match(fixed, /disable_ddl_transaction!/);
  });

  it('Rails add_foreign_key: validate: false now, validate_foreign_key in a new timestamped migration', async () => {
    const path = 'db/migrate/20240501235959_add_fk.rb';
    const text = 'class AddFk < ActiveRecord::Migration[7.1]\n  def change\n    add_foreign_key :orders, :users\n  end\nend\n';
    const f = one(await lint('rails', path, text), 'migration/constraint-not-valid');
    assert.match(f.message, /NOT VALID/);
    const { text: fixed, created } = await fixAndRelint('rails', path, text, 'migration/constraint-not-valid');
    assert.match(fixed, /add_foreign_key :orders, :users, validate: false/);
    assert.equal(created.length, 1);
    assert.equal(created[0].file, 'db/migrate/20240502000000_validate_orders_users_foreign_key.rb');
    assert.match(created[0].newText, /class ValidateOrdersUsersForeignKey < ActiveRecord::Migration\[7\.1\]/);
    assert.match(created[0].newText, /validate_foreign_key :orders, :users/);
  });

  it('Rails change_column_null false: a NOT VALID check now, validate + SET NOT NULL in the next migration', async () => {
    const path = 'db/migrate/20240501120000_x.rb';
    const text = 'class X < ActiveRecord::Migration[7.1]\n  def change\n    change_column_null :users, :email, false\n  end\nend\n';
    const { text: fixed, created, after } = await fixAndRelint('rails', path, text, 'migration/set-not-null');
    assert.match(fixed, /add_check_constraint :users, "email IS NOT NULL", name: "users_email_not_null", validate: false/);
    assert.ok(!after.some((x) => x.ruleId === 'migration/constraint-not-valid'));
    assert.match(created[0].newText, /validate_check_constraint :users, name: "users_email_not_null"\n\s+change_column_null :users, :email, false/);
  });

  it('a backfill through an ActiveRecord model in a schema migration is a data change on its table', async () => {
    const text = 'class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    User.update_all(plan: "free")\n    Account.where(region: nil).in_batches.update_all(region: "eu")\n  end\n  def down\n  end\nend\n';
    const fs = (await lint('rails', 'db/migrate/20240501120000_backfill.rb', text)).filter((x) => x.ruleId === 'migration/data-in-schema-migration');
    assert.deepEqual(fs.map((x) => [x.range.start.line, x.data?.table]), [[2, 'users'], [3, 'accounts']]);
    assert.match(fs[0].message, /without WHERE/);
  });

  it('Rails on MySQL: add_index gets algorithm: :inplace, lock: :none so the server fails rather than copying', async () => {
    const path = 'db/migrate/20240501120000_x.rb';
    const f = one(await lint('rails', path, RAILS_INDEX, 'mysql'), 'migration/mysql-explicit-algorithm');
    assert.equal(f.range.start.line, 2);
    const { text } = await fixAndRelint('rails', path, RAILS_INDEX, 'migration/mysql-explicit-algorithm', 'mysql');
    assert.match(text, /add_index :users, :email, algorithm: :inplace, lock: :none/);
  });

  it('safety_assured makes a finding info, with the reason from the comment', async () => {
    const text = 'class X < ActiveRecord::Migration[7.1]\n  def up\n    # ignored_columns shipped in release 41\n    safety_assured { remove_column :users, :legacy }\n  end\n  def down\n  end\nend\n';
    const f = one(await lint('rails', 'db/migrate/20240501120000_x.rb', text), 'migration/drop-column');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /Acknowledged with safety_assured: ignored_columns shipped in release 41/);
  });

  it('a suppression comment in the framework\'s own comment syntax silences the next call; without a reason it is not applied', async () => {
    for (const [fw, path, body] of [
      ['rails', 'db/migrate/20240501120000_x.rb', 'class X < ActiveRecord::Migration[7.1]\n  def change\n    {c}\n    add_index :users, :email\n  end\nend\n'],
      ['knex', 'migrations/20240501120000_x.js', 'exports.up = async (knex) => {\n  {c}\n  await knex.raw("CREATE INDEX users_email ON users (email)");\n};\nexports.down = async () => {};\n'],
    ] as const) {
      const ok = body.replace('{c}', `${commentPrefixFor(path)} deploy-readiness-ignore require-concurrent-index: users has 40 rows`);
      const relevant = (fs: Finding[]) => ids(fs).filter((x) => /concurrent-index|suppression/.test(x));
      assert.deepEqual(relevant(await lint(fw, path, ok)), [], fw);
      const bare = body.replace('{c}', `${commentPrefixFor(path)} deploy-readiness-ignore require-concurrent-index`);
      assert.deepEqual(relevant(await lint(fw, path, bare)), ['migration/require-concurrent-index', 'migration/suppression-needs-reason'], fw);
    }
  });

  it('a table created earlier in the same migration is empty: indexing it needs no CONCURRENTLY', async () => {
    const text = 'class X < ActiveRecord::Migration[7.1]\n  def change\n    create_table :audits do |t|\n      t.string :kind\n    end\n    add_index :audits, :kind\n  end\nend\n';
    assert.ok(!(await lint('rails', 'db/migrate/20240501120000_x.rb', text)).some((x) => x.ruleId === 'migration/require-concurrent-index'));
  });

  it('Django AddIndex: AddIndexConcurrently, its import and atomic = False', async () => {
    const path = 'shop/migrations/0004_order_created_idx.py';
    const text = 'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0003_order")]\n\n    operations = [\n        migrations.AddIndex(model_name="order", index=models.Index(fields=["created"], name="order_created_idx")),\n    ]\n';
    const f = one(await lint('django', path, text), 'migration/require-concurrent-index');
    assert.equal(f.data?.table, 'shop_order');
    const { text: fixed } = await fixAndRelint('django', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /^from django\.contrib\.postgres\.operations import AddIndexConcurrently$/m);
    assert.match(fixed, /^ {4}atomic = False$/m);
    assert.match(fixed, / AddIndexConcurrently\(model_name="order"/);
  });

  it('Django AddConstraint (CHECK): AddConstraintNotValid now, ValidateConstraint in the next numbered migration with its dependency', async () => {
    const path = 'shop/migrations/0007_total_positive.py';
    const text = 'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0006_data")]\n\n    operations = [\n        migrations.AddConstraint(model_name="order", constraint=models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_positive")),\n    ]\n';
    const { text: fixed, created } = await fixAndRelint('django', path, text, 'migration/constraint-not-valid');
    assert.match(fixed, / AddConstraintNotValid\(model_name="order"/);
    assert.match(fixed, /^from django\.contrib\.postgres\.operations import AddConstraintNotValid$/m);
    assert.equal(created[0].file, 'shop/migrations/0008_validate_order_total_positive.py');
    assert.match(created[0].newText, /dependencies = \[\("shop", "0007_total_positive"\)\]/);
    assert.match(created[0].newText, /ValidateConstraint\(model_name="order", name="order_total_positive"\)/);
  });

  it('Rails add_reference: index: { algorithm: :concurrently } and foreign_key: { validate: false }', async () => {
    const path = 'db/migrate/20240501120000_add_user_to_orders.rb';
    const text = 'class AddUserToOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_reference :orders, :user, foreign_key: true\n  end\nend\n';
    const fs = await lint('rails', path, text);
    assert.ok(fs.some((x) => x.ruleId === 'migration/require-concurrent-index'));
    const { text: fixed } = await fixAndRelint('rails', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /add_reference :orders, :user, foreign_key: true, index: \{ algorithm: :concurrently \}/);
    const { text: fixed2 } = await fixAndRelint('rails', path, text, 'migration/constraint-not-valid');
    assert.match(fixed2, /foreign_key: \{ validate: false \}/);
  });

  it('Django RemoveField: SeparateDatabaseAndState removes it from the state now (expand-contract); IgnoreMigration acknowledges', async () => {
    const path = 'shop/migrations/0008_drop_note.py';
    const text = 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RemoveField(model_name="order", name="note"),\n    ]\n';
    const { text: fixed } = await fixAndRelint('django', path, text, 'migration/drop-column');
    assert.match(fixed, /migrations\.SeparateDatabaseAndState\(\n\s+state_operations=\[migrations\.RemoveField\(model_name="order", name="note"\)\],/);
    const ignored = text.replace('    operations = [\n', '    operations = [\n        IgnoreMigration(),\n');
    const f = one(await lint('django', path, ignored), 'migration/drop-column');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /Acknowledged with IgnoreMigration/);
  });

  it("Django: default= is not a database default; NOT NULL without default breaks old writers", async () => {
    const path = 'shop/migrations/0005_status.py';
    const text = 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(model_name="order", name="status", field=models.CharField(max_length=20, default="new")),\n        migrations.AddField(model_name="order", name="code", field=models.IntegerField()),\n    ]\n';
    const fs = await lint('django', path, text);
    const f = one(fs, 'migration/orm-default-not-in-database');
    assert.match(f.message, /"status" on "shop_order"/);
    assert.equal(one(fs, 'migration/add-column-required').range.start.line, 5);
    const { text: fixed } = await fixAndRelint('django', path, text, 'migration/orm-default-not-in-database');
    assert.match(fixed, /default="new", db_default="new"\)/);
  });

  it('Django RunSQL is linted as SQL; RunSQL/RunPython without a reverse have no rollback', async () => {
    const path = 'shop/migrations/0006_data.py';
    const text = 'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.RunSQL("ALTER TABLE shop_order ALTER COLUMN total TYPE numeric(12, 2)"),\n        migrations.RunPython(forwards),\n        migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop),\n    ]\n';
    const fs = await lint('django', path, text);
    const rb = fs.filter((x) => x.ruleId === 'migration/missing-rollback');
    assert.deepEqual(rb.map((x) => x.range.start.line), [4, 5]);
    assert.ok(fs.some((x) => x.ruleId === 'migration/column-type-change' && x.range.start.line === 4 && x.range.start.character > 20));
  });

  it('Alembic create_index: postgresql_concurrently=True inside autocommit_block()', async () => {
    const path = 'alembic/versions/a1b2c3_add_email_index.py';
    const text = 'from alembic import op\n\nrevision = "a1b2c3"\ndown_revision = "000000"\n\n\ndef upgrade():\n    op.create_index("ix_users_email", "users", ["email"])\n\n\ndef downgrade():\n    op.drop_index("ix_users_email", table_name="users")\n';
    const { text: fixed } = await fixAndRelint('alembic', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /    with op\.get_context\(\)\.autocommit_block\(\):\n        op\.create_index\("ix_users_email", "users", \["email"\], postgresql_concurrently=True\)\n/);
    assert.ok(!(await lint('alembic', path, fixed)).some((x) => x.ruleId === 'migration/concurrent-in-transaction'));
  });

  it('Alembic: no downgrade for a drop is reported; nullable=False gets a NOT VALID check and a new revision that follows this one', async () => {
    const path = 'alembic/versions/b2_tighten.py';
    const text = 'from alembic import op\n\nrevision = "b2"\ndown_revision = "a1"\n\ndef upgrade():\n    op.drop_column("users", "legacy")\n    op.alter_column("users", "email", nullable=False)\n\ndef downgrade():\n    pass\n';
    const fs = await lint('alembic', path, text);
    assert.equal(fs.filter((x) => x.ruleId === 'migration/missing-rollback').length, 2);
    const { created } = await fixAndRelint('alembic', path, text, 'migration/set-not-null');
    assert.match(created[0].file, /^alembic\/versions\/[0-9a-f]{12}_users_email_not_null\.py$/);
    assert.match(created[0].newText, /down_revision = "b2"/);
  });

  it('Knex table.index: CREATE INDEX CONCURRENTLY through knex.raw with the transaction turned off', async () => {
    const path = 'migrations/20240501120000_email_index.js';
    const text = 'exports.up = async function (knex) {\n  await knex.schema.alterTable("users", (t) => {\n    t.index(["email"], "users_email_idx");\n  });\n};\n\nexports.down = async function (knex) {\n  await knex.schema.alterTable("users", (t) => t.dropIndex(["email"], "users_email_idx"));\n};\n';
    const { text: fixed } = await fixAndRelint('knex', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /await knex\.raw\('CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_email_idx" ON "users" \("email"\)'\);/);
    assert.match(fixed, /^exports\.config = \{ transaction: false \};$/m);
  });

  it('Sequelize addIndex gets concurrently: true (Sequelize migrations run without a transaction)', async () => {
    const path = 'migrations/20240501120000-add-email-index.js';
    const text = 'module.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex("users", ["email"], { unique: true });\n  },\n  async down(queryInterface) {\n    await queryInterface.removeIndex("users", ["email"]);\n  },\n};\n';
    const { text: fixed, after } = await fixAndRelint('sequelize', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /\{ unique: true, concurrently: true \}/);
    assert.ok(!after.some((x) => x.ruleId === 'migration/concurrent-in-transaction'));
  });

  it('Sequelize inside sequelize.transaction(): a concurrent index is inside a transaction; Knex TypeScript gets `export const config`', async () => {
    const seq = 'module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.transaction(async (transaction) => {\n      await queryInterface.addIndex("users", ["email"], { concurrently: true, transaction });\n    });\n  },\n  async down() {},\n};\n';
    one(await lint('sequelize', 'migrations/20240501120000-x.js', seq), 'migration/concurrent-in-transaction');
    const path = 'migrations/20240501120000_email.ts';
    const ts = 'import type { Knex } from "knex";\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.raw("CREATE INDEX CONCURRENTLY users_email ON users (email)");\n}\n\nexport async function down(knex: Knex): Promise<void> {\n  await knex.raw("DROP INDEX CONCURRENTLY users_email");\n}\n';
    const { text } = await fixAndRelint('knex', path, ts, 'migration/concurrent-in-transaction');
    assert.match(text, /^export const config = \{ transaction: false \};$/m);
  });

  it('TypeORM generated SQL in queryRunner.query is linted at its range and fixed with transaction = false', async () => {
    const path = 'src/migrations/1700000000000-UserEmail.ts';
    const text = 'import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class UserEmail1700000000000 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`CREATE INDEX "IDX_user_email" ON "user" ("email") `);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`DROP INDEX "public"."IDX_user_email"`);\n    }\n}\n';
    const f = one(await lint('typeorm', path, text), 'migration/require-concurrent-index');
    assert.deepEqual(f.range.start, { line: 4, character: 33 });
    const { text: fixed } = await fixAndRelint('typeorm', path, text, 'migration/require-concurrent-index');
    assert.match(fixed, /^ {4}transaction = false;$/m);
  });

  it('SQL built at run time is "not analysed" with its range, never guessed', async () => {
    const fs = await lint('knex', 'migrations/20240501120000_x.js', 'exports.up = (knex) => knex.raw(`ALTER TABLE ${table} ADD COLUMN x int`);\nexports.down = () => {};\n');
    const f = one(fs, 'migration/not-analysed');
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.range.start, { line: 0, character: 32 });
  });

  it('a migration that does not parse: a syntax error finding, the calls that parsed are still checked', async () => {
    const fs = await lint('rails', 'db/migrate/20240501120000_x.rb', 'class X < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n    add_column :users, (( :x\n  end\nend\n');
    assert.ok(fs.some((x) => x.ruleId === 'migration/syntax-error'));
    assert.ok(fs.some((x) => x.ruleId === 'migration/require-concurrent-index' && x.range.start.line === 2));
  });

  it('hover: describeDslCall says which SQL the call runs, the lock and the transaction', async () => {
    const d = await describeDslCall({ framework: 'rails', path: 'db/migrate/20240501120000_x.rb', text: RAILS_INDEX, offset: RAILS_INDEX.indexOf('add_index') + 3 });
    assert.ok(d);
    assert.match(d.markdown, /CREATE INDEX ON "users" \(email\)/);
    assert.match(d.markdown, /SHARE lock on "users"/);
    assert.match(d.markdown, /inside the migration's transaction/);
    assert.equal(await describeDslCall({ framework: 'rails', path: 'x.rb', text: RAILS_INDEX, offset: 0 }), undefined);
    const alembic = 'revision = "a"\ndown_revision = None\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index("ix", "users", ["email"], postgresql_concurrently=True)\n';
    const a = await describeDslCall({ path: 'alembic/versions/a_x.py', text: alembic, offset: alembic.indexOf('create_index') });
    assert.ok(a, 'the framework is found from the path and content');
    assert.match(a.markdown, /CREATE INDEX CONCURRENTLY "ix" ON "users" \(email\)/);
    assert.match(a.markdown, /SHARE UPDATE EXCLUSIVE/);
    assert.match(a.markdown, /Runs outside a transaction/);
  });

  it('end to end: the workspace classifies, lints and records reversibility; the dialect comes from config/database.yml', async () => {
    const dir = tempTree({
      'config/database.yml': 'production:\n  adapter: mysql2\n  database: app\n',
      'db/migrate/20240501120000_add_index_to_users_email.rb': RAILS_INDEX,
      'db/migrate/20240501120001_drop_legacy.rb': 'class DropLegacy < ActiveRecord::Migration[7.1]\n  def up\n    drop_table :legacy\n  end\nend\n',
    });
    try {
      const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
      const report = await ws.analyze();
      assert.ok(!report.findings.some((x) => x.ruleId === 'migration/require-concurrent-index'), 'MySQL builds indexes online: no CONCURRENTLY advice');
      assert.ok(report.findings.some((x) => x.ruleId === 'migration/missing-rollback' && x.file === 'db/migrate/20240501120001_drop_legacy.rb'));
      const facts = Object.fromEntries(report.facts.migrations.map((m) => [m.file, m]));
      assert.equal(facts['db/migrate/20240501120001_drop_legacy.rb'].reversible, false);
      assert.equal(facts['db/migrate/20240501120000_add_index_to_users_email.rb'].dialect, 'mysql');
    } finally {
      removeTree(dir);
    }
  });

  it('timeouts the runner sets (a strong_migrations initializer) count: no lock_timeout finding in each migration', async () => {
    const files = { 'db/migrate/20240501120000_add_index_to_users_email.rb': RAILS_INDEX };
    const bare = tempTree(files);
    const withInit = tempTree({ ...files, 'config/initializers/strong_migrations.rb': 'StrongMigrations.lock_timeout = 10.seconds\nStrongMigrations.statement_timeout = 1.hour\n' });
    try {
      const timeouts = async (dir: string) => (await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze()).findings.filter((x) => /timeout/.test(x.ruleId)).map((x) => x.ruleId).sort();
      assert.deepEqual(await timeouts(bare), ['migration/require-lock-timeout', 'migration/require-statement-timeout']);
      assert.deepEqual(await timeouts(withInit), []);
      const ws = await Workspace.open({ root: withInit, config: defaultConfig(), trusted: false });
      assert.equal(ws.affectsWorkspace('config/initializers/strong_migrations.rb'), true, 'editing the initializer re-lints every migration');
      assert.equal(ws.affectsWorkspace('app/models/user.rb'), false);
    } finally {
      removeTree(bare);
      removeTree(withInit);
    }
  });

  it('Django AlterField is compared with the field as earlier migrations left it (static replay)', async () => {
    const initial = 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    operations = [\n        migrations.CreateModel(name="Customer", fields=[("id", models.BigAutoField(primary_key=True)), ("email", models.CharField(max_length=200, null=True)), ("name", models.CharField(max_length=100))]),\n    ]\n';
    const alter = (field: string) => `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("crm", "0001_initial")]\n    operations = [\n        migrations.AlterField(model_name="customer", name="${field.split('=')[0]}", field=${field.slice(field.indexOf('=') + 1)}),\n    ]\n`;
    const dir = tempTree({
      'crm/migrations/0001_initial.py': initial,
      'crm/migrations/0002_email_required.py': alter('email=models.CharField(max_length=200)'),
      'crm/migrations/0003_name_help.py': alter('name=models.CharField(max_length=100, help_text="Full name")'),
    });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      const at = (file: string) => report.findings.filter((x) => x.file === file && !/timeout/.test(x.ruleId)).map((x) => x.ruleId).sort();
      assert.deepEqual(at('crm/migrations/0002_email_required.py'), ['migration/set-not-null'], 'null=True → NOT NULL, same type');
      assert.deepEqual(at('crm/migrations/0003_name_help.py'), [], 'only help_text changed: no SQL');
    } finally {
      removeTree(dir);
    }
  });

  it('Django AlterField: choices only and a wider max_length change nothing in the database; a real type change rewrites', async () => {
    const initial = 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    operations = [\n        migrations.CreateModel(name="Post", fields=[("id", models.BigAutoField(primary_key=True)), ("url", models.CharField(max_length=200)), ("state", models.CharField(max_length=10, choices=[("a", "A")])), ("score", models.IntegerField())]),\n    ]\n';
    const alter = (name: string, field: string) => `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(model_name="post", name="${name}", field=${field}),\n    ]\n`;
    const dir = tempTree({
      'blog/migrations/0001_initial.py': initial,
      'blog/migrations/0002_url.py': alter('url', 'models.URLField(max_length=2048)'),
      'blog/migrations/0003_state.py': alter('state', 'models.CharField(max_length=10, choices=[("a", "A"), ("b", "B")], verbose_name="State", validators=[v])'),
      'blog/migrations/0004_score.py': alter('score', 'models.CharField(max_length=20)'),
    });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      const at = (file: string) => report.findings.filter((x) => x.file === file && !/timeout/.test(x.ruleId)).map((x) => `${x.ruleId}:${x.severity}`);
      assert.deepEqual(at('blog/migrations/0002_url.py'), [], 'varchar(200) → varchar(2048) is a catalogue change');
      assert.deepEqual(at('blog/migrations/0003_state.py'), [], 'choices, verbose_name, validators: Django emits no SQL');
      assert.deepEqual(at('blog/migrations/0004_score.py'), ['migration/column-type-change:error']);
    } finally {
      removeTree(dir);
    }
  });

  it('Django expand-contract: a drop of what an earlier migration removed from the state only is destructive, not breaking', async () => {
    const head = 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n';
    const dir = tempTree({
      'shop/migrations/0001_initial.py': `${head}        migrations.CreateModel(name="Legacy", fields=[("id", models.BigAutoField(primary_key=True))]),\n        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("old", models.TextField(null=True)), ("other", models.TextField(null=True))]),\n    ]\n`,
      'shop/migrations/0002_separate.py': `${head}        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Legacy"), migrations.RemoveField(model_name="order", name="old")], database_operations=[]),\n    ]\n`,
      'shop/migrations/0003_contract.py': `${head}        migrations.SeparateDatabaseAndState(database_operations=[migrations.RunSQL("DROP TABLE shop_legacy;"), migrations.RemoveField(model_name="order", name="old")]),\n        migrations.RemoveField(model_name="order", name="other"),\n    ]\n`,
    });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      const fs = report.findings.filter((x) => x.file === 'shop/migrations/0003_contract.py' && /drop-(table|column)/.test(x.ruleId));
      assert.deepEqual(fs.map((x) => `${x.ruleId}:${x.severity}:${x.data?.contractStep ?? false}`).sort(), ['migration/drop-column:error:false', 'migration/drop-column:warning:true', 'migration/drop-table:warning:true']);
      const legacy = fs.find((x) => x.ruleId === 'migration/drop-table')!;
      assert.match(legacy.message, /contract step/);
      assert.match(legacy.message, /back it up/);
      assert.match(legacy.message, /0002_separate\.py/);
    } finally {
      removeTree(dir);
    }
  });

  it('bad input through the workspace: garbage, deep nesting and binary files are named, the rest is analysed, nothing throws', async () => {
    const deep = `exports.up = (knex) => knex.raw(${'['.repeat(3000)}1${']'.repeat(3000)});\nexports.down = () => {};\n`;
    const dir = tempTree({
      'db/migrate/20240501120000_garbage.rb': 'class ((( < end def def do |\n\u0001\u0002 end end end <<~SQL\n',
      'db/migrate/20240501120001_binary.rb': Buffer.from([0, 1, 2, 3, 0, 255]),
      'migrations/20240501120002_deep.js': deep,
      'alembic/versions/abc_unterminated.py': 'revision = "abc"\ndef upgrade():\n    op.execute("""CREATE INDEX x ON t (a)\n',
      'db/migrate/20240501120003_ok.rb': RAILS_INDEX,
    });
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze();
      const files = (id: string) => new Set(report.findings.filter((x) => x.ruleId === id).map((x) => x.file));
      assert.ok(files('migration/syntax-error').has('db/migrate/20240501120000_garbage.rb'));
      assert.ok(files('migration/unreadable-file').has('db/migrate/20240501120001_binary.rb'));
      assert.ok(files('migration/syntax-error').has('alembic/versions/abc_unterminated.py'));
      assert.ok(files('migration/require-concurrent-index').has('db/migrate/20240501120003_ok.rb'), 'the good file is still linted');
      assert.ok(files('migration/not-analysed').has('migrations/20240501120002_deep.js'), 'too deep to analyse is said, not a crash');
    } finally {
      removeTree(dir);
    }
  });
});
