import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/model';
import { lintDslMigration } from '../../../src/core/frameworks/lint';
import { sqlFrontEnd } from '../../../src/core/frameworks/sqlFront';
import { railsFkName } from '../../../src/core/frameworks/toOps';
import { removeTree, tempTree } from '../helpers';

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).filter((r) => !/timeout|missing-rollback|multiple-alters|statement-after/.test(r)).sort();
const rb = (body: string) => `class X < ActiveRecord::Migration[7.1]\n  def change\n${body}\n  end\nend\n`;
const rails = async (body: string) => (await lintDslMigration({ path: 'db/migrate/20240601000000_x.rb', text: rb(body), framework: 'rails', settings: { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd })).findings;

describe('Rails DSL items read as Rails runs them', () => {
  it('default: -> { "gen_random_uuid()" } on a new column is a volatile function default, like the string form on a uuid column', async () => {
    assert.deepEqual(ids(await rails('    add_column :users, :public_id, :uuid, default: -> { "gen_random_uuid()" }, null: false')), ['migration/volatile-default']);
    assert.deepEqual(ids(await rails('    add_column :users, :token, :string, default: "gen_random_uuid()"')), [], 'on a string column it is a string');
  });

  it('add_foreign_key … validate: false then validate_foreign_key in the same migration is the same-transaction pattern (names as Rails derives them)', async () => {
    assert.equal(railsFkName('orders', 'user_id'), 'fk_rails_f868b47f6a');
    const same = await rails('    add_foreign_key :orders, :users, validate: false\n    validate_foreign_key :orders, :users');
    assert.ok(ids(same).includes('migration/validate-in-same-transaction'), JSON.stringify(ids(same)));
    const byColumn = await rails('    add_foreign_key :orders, :users, column: :buyer_id, validate: false\n    validate_foreign_key :orders, column: :buyer_id');
    assert.ok(ids(byColumn).includes('migration/validate-in-same-transaction'));
    const other = await rails('    add_foreign_key :orders, :users, validate: false\n    validate_foreign_key :orders, :accounts');
    assert.ok(!ids(other).includes('migration/validate-in-same-transaction'), 'another foreign key');
    const alone = await rails('    validate_foreign_key :orders, :users');
    assert.ok(!ids(alone).includes('migration/validate-in-same-transaction'));
  });

  it('change_column text ↔ citext on a column the replay knows is not a rewrite; to integer it is', async () => {
    const dir = tempTree({
      'db/migrate/20240101000000_create_users.rb': rb('    create_table :users do |t|\n      t.text :email\n      t.citext :handle\n      t.text :age\n    end'),
      'db/migrate/20240601000000_ci.rb': 'class Ci < ActiveRecord::Migration[7.1]\n  def up\n    change_column :users, :email, :citext\n    change_column :users, :handle, :text\n  end\n\n  def down\n  end\nend\n',
      'db/migrate/20240601000001_int.rb': 'class Int < ActiveRecord::Migration[7.1]\n  def up\n    change_column :users, :age, :integer\n  end\n\n  def down\n  end\nend\n',
    });
    try {
      const fs = (await (await Workspace.open({ root: dir, config: defaultConfig(), trusted: false })).analyze()).findings;
      assert.deepEqual(ids(fs.filter((f) => f.file === 'db/migrate/20240601000000_ci.rb')), []);
      assert.deepEqual(ids(fs.filter((f) => f.file === 'db/migrate/20240601000001_int.rb')), ['migration/column-type-change']);
    } finally {
      removeTree(dir);
    }
  });
});
