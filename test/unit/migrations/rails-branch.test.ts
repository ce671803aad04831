import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/model';
import { lintDslMigration } from '../../../src/core/frameworks/lint';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import { sqlFrontEnd } from '../../../src/core/frameworks/sqlFront';
import { branchRepo, removeTree } from '../helpers';

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).filter((r) => !/timeout|missing-rollback/.test(r)).sort();
const rails = async (body: string, dialect: 'postgres' | 'mysql' = 'postgres') =>
  (await lintDslMigration({ path: 'db/migrate/20240601000000_x.rb', text: `class X < ActiveRecord::Migration[7.1]\n  def change\n${body}\n  end\nend\n`, framework: 'rails', settings: { dialect, postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd })).findings;

describe('migrations: Rails DSL read as Rails runs it', () => {
  it('default: {} on jsonb is a constant, not a volatile default', async () => {
    assert.deepEqual(ids(await rails('    add_column :users, :settings, :jsonb, default: {}, null: false')), []);
    assert.deepEqual(ids(await rails('    add_column :users, :tags, :string, array: true, default: []')), []);
  });

  it('default: "gen_random_uuid()" on a uuid column is a volatile function default', async () => {
    const fs = await rails('    add_column :users, :public_id, :uuid, default: "gen_random_uuid()", null: false');
    assert.deepEqual(ids(fs), ['migration/volatile-default']);
    assert.match(fs.find((f) => f.ruleId === 'migration/volatile-default')!.message, /gen_random_uuid\(\) is volatile/);
  });

  it('t.references … foreign_key: true in create_table is indexed (Rails indexes references by default)', async () => {
    assert.deepEqual(ids(await rails('    create_table :comments do |t|\n      t.references :post, null: false, foreign_key: true\n    end')), []);
    assert.deepEqual(ids(await rails('    create_table :comments do |t|\n      t.references :post, foreign_key: true, index: false\n    end')), ['migration/foreign-key-without-index']);
  });

  it('adapter conditions are evaluated against the configured dialect: the other branch is not parsed as PostgreSQL', async () => {
    const body = '    if connection.adapter_name == "SQLServer"\n      execute "ALTER TABLE [users] ALTER COLUMN [x] NVARCHAR(MAX)"\n    else\n      remove_column :users, :legacy\n    end';
    assert.deepEqual(ids(await rails(body)), ['migration/drop-column']);
    const pgOnly = '    if ActiveRecord::Base.connection.adapter_name.downcase == "postgresql"\n      add_index :users, :email\n    end';
    assert.deepEqual(ids(await rails(pgOnly)), ['migration/require-concurrent-index']);
    assert.ok(!ids(await rails(pgOnly, 'mysql')).includes('migration/require-concurrent-index'));
    assert.deepEqual(ids(await rails('    remove_column :users, :legacy unless adapter_name == "PostgreSQL"')), []);
  });

  it('create_table … force: :cascade drops the existing table; remove_reference and rename_schema are modelled', async () => {
    assert.ok(ids(await rails('    create_table :users, force: :cascade do |t|\n      t.string :name\n    end')).includes('migration/drop-table'));
    const replayedWithout = await lintDslMigration({ path: 'db/migrate/20240601000000_x.rb', text: 'class X < ActiveRecord::Migration[7.1]\n  def change\n    create_table :gone, force: :cascade do |t|\n      t.string :name\n    end\n  end\nend\n', framework: 'rails', settings: { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd, schema: { tables: new Map(), enums: new Map() } });
    assert.ok(!ids(replayedWithout.findings).includes('migration/drop-table'), 'the replayed schema has no such table: force drops nothing');
    assert.deepEqual(ids(await rails('    remove_reference :comments, :post, foreign_key: true')), ['migration/drop-column']);
    assert.deepEqual(ids(await rails('    remove_belongs_to :comments, :post, polymorphic: true')), ['migration/drop-column', 'migration/drop-column']);
    assert.deepEqual(ids(await rails('    rename_schema :old, :new')), ['migration/rename-schema']);
  });
});

describe('migrations: "created on this branch" across files', () => {
  it('a table an earlier file of this branch created is exempt in later files, for SQL and Rails, until rows are inserted', async function () {
    this.timeout(60_000);
    const dir = branchRepo(
      { 'db/migrations/001_base.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n', 'db/migrate/20240101000000_base.rb': 'class Base < ActiveRecord::Migration[7.1]\n  def change\n    create_table :accounts\n  end\nend\n' },
      {
        'db/migrations/002_new.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY);\nCREATE TABLE archive.users (id bigint PRIMARY KEY);\n',
        'db/migrations/003_more.sql': "SET lock_timeout = '2s';\nALTER TABLE audit ADD COLUMN who text NOT NULL;\nCREATE INDEX audit_who ON audit (who);\nALTER TABLE users ADD COLUMN x text NOT NULL;\n",
        'db/migrations/004_seed.sql': "SET lock_timeout = '2s';\nINSERT INTO audit (id, who) VALUES (1, 'a');\nALTER TABLE audit ADD COLUMN at timestamptz NOT NULL;\n",
        'db/migrate/20240601000000_create_posts.rb': 'class CreatePosts < ActiveRecord::Migration[7.1]\n  def change\n    create_table :posts\n  end\nend\n',
        'db/migrate/20240601000001_add_title.rb': 'class AddTitle < ActiveRecord::Migration[7.1]\n  def change\n    add_column :posts, :title, :string, null: false\n    add_index :posts, :title\n    add_column :accounts, :title, :string, null: false\n  end\nend\n',
      },
    );
    try {
      const report = await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: true })).analyze();
      const at = (file: string) => report.findings.filter((f) => f.file === file && !/timeout|multiple-alters|statement-after/.test(f.ruleId)).map((f) => `${f.ruleId}@${f.range.start.line}`);
      assert.deepEqual(at('db/migrations/003_more.sql'), ['migration/add-column-required@3'], 'audit is new on this branch; users is not');
      assert.deepEqual(at('db/migrations/004_seed.sql'), ['migration/add-column-required@2'], 'rows were inserted into audit');
      assert.deepEqual(at('db/migrate/20240601000001_add_title.rb'), ['migration/add-column-required@4'], 'posts is new on this branch; accounts is not');
    } finally {
      removeTree(dir);
    }
  });

  it('CREATE TABLE archive.t does not exempt public t; an INSERT into a new table ends its exemption in the same file', async () => {
    const fs = await lintSqlMigration('db/migrations/001_x.sql', "SET lock_timeout = '2s';\nCREATE TABLE archive.users (id bigint);\nALTER TABLE users ADD COLUMN a text NOT NULL;\nALTER TABLE archive.users ADD COLUMN b text NOT NULL;\nCREATE TABLE t (id bigint);\nINSERT INTO t VALUES (1);\nALTER TABLE t ADD COLUMN c text NOT NULL;\n");
    assert.deepEqual(fs.filter((f) => f.ruleId === 'migration/add-column-required').map((f) => f.range.start.line), [2, 6]);
  });
});
