import * as assert from 'node:assert/strict';
import { allCalls, type DslValue } from '../../../src/core/frameworks/dsl';
import { extractRails } from '../../../src/core/frameworks/ruby';
import { extractPython } from '../../../src/core/frameworks/python';
import { extractJs } from '../../../src/core/frameworks/javascript';
import { frameworkFromContent } from '../../../src/core/frameworks/detect';

const sv = (v: DslValue | undefined) => (v && (v.t === 'str' || v.t === 'sym') ? v.value : undefined);

describe('framework DSL extraction (tree-sitter)', () => {
  it('Rails: calls with symbols and options, sections, disable_ddl_transaction!, safety_assured with its reason, heredoc SQL mapped to the file', async () => {
    const text = [
      'class AddEmail < ActiveRecord::Migration[7.1]',
      '  disable_ddl_transaction!',
      '',
      '  def up',
      '    add_index :users, :email, algorithm: :concurrently, unique: true',
      '    # the table is empty in production',
      '    safety_assured { remove_column :users, :name }',
      '    execute <<~SQL',
      '      UPDATE users SET x = 1',
      '    SQL',
      '  end',
      '',
      '  def down',
      '    remove_index :users, :email',
      '  end',
      'end',
      '',
    ].join('\n');
    const f = await extractRails(text);
    assert.deepEqual(f.errors, []);
    assert.ok(f.txOptOut);
    assert.deepEqual(Object.keys(f.sections).sort(), ['down', 'up']);
    assert.deepEqual(f.calls.map((c) => [c.name, c.section]), [['add_index', 'up'], ['remove_column', 'up'], ['execute', 'up'], ['remove_index', 'down']]);
    const idx = f.calls[0];
    assert.deepEqual(idx.args.map(sv), ['users', 'email']);
    assert.equal(sv(idx.kwargs.algorithm), 'concurrently');
    assert.deepEqual(f.calls[1].acknowledged, { by: 'safety_assured', reason: 'the table is empty in production' });
    const sql = f.calls[2].args[0];
    assert.equal(sql.t, 'str');
    if (sql.t !== 'str') return;
    const at = sql.value.indexOf('UPDATE');
    assert.equal(text.slice(sql.s.map[at], sql.s.map[at] + 6), 'UPDATE');
  });

  it('Rails: an interpolated SQL string, a loop and an unknown helper are "not analysed", never guessed', async () => {
    const text = [
      'class Backfill < ActiveRecord::Migration[7.1]',
      '  def change',
      '    %w[a b].each { |c| add_column :users, c, :string }',
      '    execute "UPDATE #{table} SET x = 1"',
      '    add_concurrent_index :users, :email',
      '  end',
      'end',
    ].join('\n');
    const f = await extractRails(text);
    assert.equal(f.unresolved.length, 2);
    assert.match(f.unresolved[0].what, /loop/);
    assert.match(f.unresolved[1].what, /add_concurrent_index/);
    assert.equal(f.calls[0].name, 'execute');
    assert.equal(f.calls[0].args[0].t, 'dynamic');
  });

  it('Rails: create_table block columns become children with the table name', async () => {
    const f = await extractRails('class C < ActiveRecord::Migration[7.1]\n  def change\n    create_table :posts do |t|\n      t.string :title, null: false\n      t.references :user, foreign_key: true\n    end\n  end\nend\n');
    const ct = f.calls[0];
    assert.equal(ct.blockTable, 'posts');
    assert.deepEqual(ct.children!.map((c) => [c.name, sv(c.args[0])]), [['string', 'title'], ['references', 'user']]);
  });

  it('Django: operations, atomic = False, SeparateDatabaseAndState database side, a decoded escape in RunSQL', async () => {
    const text = [
      'from django.db import migrations, models',
      '',
      'class Migration(migrations.Migration):',
      '    atomic = False',
      '    dependencies = [("shop", "0001_initial")]',
      '    operations = [',
      '        migrations.AddField(model_name="order", name="note", field=models.TextField(default="")),',
      '        migrations.RunSQL("UPDATE shop_order SET note = \'\\\\n\'", reverse_sql=migrations.RunSQL.noop),',
      '        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "old")], database_operations=[]),',
      '        *extra_ops,',
      '    ]',
    ].join('\n');
    const f = await extractPython('django', text);
    assert.equal(f.meta.atomic?.value, false);
    assert.ok(f.txOptOut);
    assert.deepEqual(f.calls.map((c) => c.name), ['AddField', 'RunSQL', 'SeparateDatabaseAndState']);
    assert.deepEqual(f.calls[2].children, [], 'state-only operations never reach the database');
    assert.equal(f.unresolved.length, 1);
    const field = f.calls[0].kwargs.field;
    assert.equal(field.t === 'call' && field.name, 'TextField');
    assert.equal(sv(f.calls[1].args[0]), "UPDATE shop_order SET note = '\\n'", 'the Python escape \\\\ is one backslash');
  });

  it('Alembic: upgrade/downgrade, autocommit_block, batch_alter_table children, a pass-only downgrade is no rollback', async () => {
    const text = [
      'revision = "b1"',
      'down_revision = "a0"',
      'def upgrade():',
      '    with op.get_context().autocommit_block():',
      '        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)',
      '    with op.batch_alter_table("orders") as b:',
      '        b.drop_column("note")',
      'def downgrade():',
      '    pass',
    ].join('\n');
    const f = await extractPython('alembic', text);
    assert.equal(f.meta.revision, 'b1');
    assert.equal(f.meta.downRevision, 'a0');
    assert.ok(f.sections.up);
    assert.equal(f.sections.down, undefined);
    assert.equal(f.calls[0].autocommit, true);
    assert.equal(f.calls[1].name, 'batch_alter_table');
    assert.deepEqual(f.calls[1].children!.map((c) => [c.name, c.blockTable]), [['drop_column', 'orders']]);
  });

  it('Knex: schema builders with column chains, raw SQL, config.transaction = false', async () => {
    const text = [
      'exports.config = { transaction: false };',
      'exports.up = async (knex) => {',
      '  await knex.schema.alterTable("users", (t) => {',
      '    t.string("email", 320).notNullable().defaultTo("");',
      '    t.index(["email"]);',
      '  });',
      '  await knex.raw("CREATE INDEX CONCURRENTLY users_a ON users (a)");',
      '};',
      'exports.down = async (knex) => knex.schema.alterTable("users", (t) => t.dropColumn("email"));',
    ].join('\n');
    const f = await extractJs('knex', text);
    assert.ok(f.txOptOut);
    const [alter, raw, down] = f.calls;
    assert.equal(alter.blockTable, 'users');
    assert.deepEqual(alter.children!.map((c) => [c.name, (c.chain ?? []).map((x) => x.name)]), [['string', ['notNullable', 'defaultTo']], ['index', []]]);
    assert.equal(raw.name, 'raw');
    assert.equal(sv(raw.args[0]), 'CREATE INDEX CONCURRENTLY users_a ON users (a)');
    assert.equal(down.section, 'down');
    assert.equal([...allCalls(f.calls)].length, 6);
  });

  it('TypeORM and Sequelize: queryRunner.query, transaction = false, queryInterface options, template literals with substitutions are dynamic', async () => {
    const orm = await extractJs('typeorm', 'export class AddX1700000000000 implements MigrationInterface {\n  transaction = false;\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.query(`CREATE INDEX "IDX_a" ON "user" ("a")`);\n    await queryRunner.query(`DROP TABLE ${name}`);\n  }\n}\n', 'm.ts');
    assert.ok(orm.txOptOut);
    assert.equal(orm.meta.className, 'AddX1700000000000');
    assert.equal(sv(orm.calls[0].args[0]), 'CREATE INDEX "IDX_a" ON "user" ("a")');
    assert.equal(orm.calls[1].args[0].t, 'dynamic');
    const seq = await extractJs('sequelize', 'module.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.addIndex("users", ["email"], { concurrently: true, unique: true });\n  },\n  async down(queryInterface) { await queryInterface.removeIndex("users", ["email"]); }\n};\n');
    assert.deepEqual(seq.calls.map((c) => [c.name, c.section]), [['addIndex', 'up'], ['removeIndex', 'down']]);
    assert.equal(seq.calls[0].kwargs.concurrently?.t === 'bool' && seq.calls[0].kwargs.concurrently.value, true);
  });

  it('a file that does not parse reports where, and what parsed is still extracted', async () => {
    const f = await extractRails('class C < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n    add_column :users, (( :x\n  end\nend\n');
    assert.ok(f.errors.length > 0);
    assert.ok(f.calls.some((c) => c.name === 'add_index'));
  });

  it('tells Knex, TypeORM and Sequelize apart by content, and Alembic from Django', () => {
    assert.equal(frameworkFromContent('module.exports = { up: async (queryInterface) => {} }', 'knex'), 'sequelize');
    assert.equal(frameworkFromContent('export class A implements MigrationInterface {}', 'knex'), 'typeorm');
    assert.equal(frameworkFromContent('exports.up = function (knex) { return knex.schema.createTable("a", () => {}) }', 'sequelize'), 'knex');
    assert.equal(frameworkFromContent('revision = "x"\ndown_revision = None\ndef upgrade():\n    pass\n', 'django'), 'alembic');
    assert.equal(frameworkFromContent('console.log(1)', 'knex'), undefined);
  });
});
