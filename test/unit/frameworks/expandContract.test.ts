import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/model';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { branchRepo, removeTree, tempTree } from '../helpers';

const rb = (name: string, body: string) => `class ${name} < ActiveRecord::Migration[7.1]\n  def change\n${body}\n  end\nend\n`;
const drops = (fs: Finding[], file: string) => fs.filter((f) => f.file === file && /drop-(column|table)/.test(f.ruleId));
const summary = (fs: Finding[]) => fs.map((f) => `${f.ruleId}:${f.severity}:${f.data?.contractStep ? 'contract' : 'breaking'}`).sort();

async function analyze(dir: string, trusted = true): Promise<Finding[]> {
  return (await (await Workspace.open({ root: dir, config: defaultConfig(), trusted })).analyze()).findings;
}

describe('expand-contract by code search: a drop the running code no longer uses is destructive, not breaking', () => {
  it('Rails: remove_column on a table with a model is an error until ignored_columns (ActiveRecord lists every column); without a model, a column nothing uses is the contract step', async function () {
    this.timeout(60_000);
    const dir = branchRepo(
      {
        'db/migrate/20240101000000_create_users.rb': rb('CreateUsers', '    create_table :users do |t|\n      t.string :email\n      t.boolean :legacy_flag\n      t.string :old_note\n    end\n    create_table :audit_rows do |t|\n      t.string :old_a\n      t.string :old_b\n      t.string :old_c\n    end'),
        // annotate-style comments, a schema dump and a spec mention every column: none of them is code that runs.
        'app/models/user.rb': '# == Schema Information\n#  old_note    :string\n#  old_b       :string\nclass User < ApplicationRecord\n  def flagged?\n    legacy_flag\n  end\nend\n',
        'app/services/audit.rb': 'class Audit\n  SQL = "SELECT old_a FROM audit_rows"\nend\n',
        'db/schema.rb': 'create_table "audit_rows" do |t|\n  t.string "old_b"\nend\n',
        'spec/models/audit_spec.rb': 'it { expect(row.old_b).to be_nil }\n',
      },
      {
        'app/models/user.rb': '# == Schema Information\n#  old_note    :string\nclass User < ApplicationRecord\nend\n',
        'app/views/audit/show.html.erb': '<%= row.old_c %>\n',
        'db/migrate/20240601000000_remove_legacy.rb': rb('RemoveLegacy', '    remove_column :users, :legacy_flag, :boolean\n    remove_column :users, :old_note, :string\n    remove_column :audit_rows, :old_a, :string\n    remove_column :audit_rows, :old_b, :string\n    remove_column :audit_rows, :old_c, :string'),
      },
    );
    try {
      const fs = drops(await analyze(dir), 'db/migrate/20240601000000_remove_legacy.rb');
      const byCol = (c: string) => fs.find((f) => f.message.includes(`."${c}"`))!;
      for (const c of ['legacy_flag', 'old_note']) {
        assert.equal(byCol(c).severity, 'error', c);
        assert.match(byCol(c).message, /model of "users" \(app\/models\/user\.rb:4\).*ignored_columns/, c);
      }
      assert.match(byCol('legacy_flag').message, /also used at app\/models\/user\.rb:6/);
      assert.equal(byCol('old_a').severity, 'error');
      assert.match(byCol('old_a').message, /code running now still uses it: app\/services\/audit\.rb:2/);
      assert.equal(byCol('old_c').severity, 'error', 'the new view uses it');
      assert.match(byCol('old_c').message, /still referenced at head: app\/views\/audit\/show\.html\.erb:1/);
      const old = byCol('old_b');
      assert.equal(old.severity, 'warning');
      assert.equal(old.data?.contractStep, true);
      assert.match(old.message, /contract step.*no application code references it at the merge base/);
      assert.match(old.message, /back it up/);
      assert.equal(old.fixes, undefined, 'no "postpone the drop" fix for the contract step');
    } finally {
      removeTree(dir);
    }
  });

  it('Rails: ignored_columns in the model running now is the expand step; added on this branch it is not yet', async function () {
    this.timeout(60_000);
    const model = (cols: string) => `class Account < ApplicationRecord\n  self.ignored_columns += %w[${cols}]\n\n  def label\n    "#{legacy_a} #{legacy_b}"\n  end\nend\n`;
    const dir = branchRepo(
      { 'app/models/account.rb': model('legacy_a'), 'db/migrate/20240101000000_create_accounts.rb': rb('CreateAccounts', '    create_table :accounts do |t|\n      t.string :legacy_a\n      t.string :legacy_b\n    end') },
      { 'app/models/account.rb': model('legacy_a legacy_b'), 'db/migrate/20240601000000_drop_legacy.rb': rb('DropLegacy', '    remove_column :accounts, :legacy_a, :string\n    remove_column :accounts, :legacy_b, :string') },
    );
    try {
      const fs = drops(await analyze(dir), 'db/migrate/20240601000000_drop_legacy.rb');
      const a = fs.find((f) => f.message.includes('"legacy_a"'))!;
      const b = fs.find((f) => f.message.includes('"legacy_b"'))!;
      assert.equal(a.severity, 'warning');
      assert.match(a.message, /ignored_columns` in app\/models\/account\.rb:2/);
      assert.equal(b.severity, 'error');
      assert.match(b.message, /`ignored_columns` at app\/models\/account\.rb:2 is added on this branch/);
    } finally {
      removeTree(dir);
    }
  });

  it('Rails: drop_table of a table whose model is gone is the contract step; remove_reference keeps the error while the association is declared', async function () {
    this.timeout(60_000);
    const dir = branchRepo(
      {
        'db/migrate/20240101000000_create.rb': rb('Create', '    create_table :gadgets\n    create_table :widgets\n    create_table :comments do |t|\n      t.references :post\n    end'),
        'app/models/widget.rb': 'class Widget < ApplicationRecord\nend\n',
        'app/models/comment.rb': 'class Comment < ApplicationRecord\n  belongs_to :post\nend\n',
        'app/models/account/transfer.rb': 'class Account::Transfer < ApplicationRecord\nend\n',
        Gemfile: 'source "https://rubygems.org"\ngem "good_job", "~> 4.0"\n',
        'db/migrate/20240101000001_good_job.rb': rb('GoodJob', '    create_table :good_job_batches\n    create_table :account_transfers'),
      },
      { 'db/migrate/20240601000000_drop.rb': rb('Drop', '    drop_table :gadgets\n    drop_table :widgets\n    remove_reference :comments, :post\n    drop_table :good_job_batches\n    drop_table :account_transfers') },
    );
    try {
      const fs = drops(await analyze(dir), 'db/migrate/20240601000000_drop.rb');
      assert.deepEqual(summary(fs), ['migration/drop-column:error:breaking', 'migration/drop-table:error:breaking', 'migration/drop-table:error:breaking', 'migration/drop-table:error:breaking', 'migration/drop-table:warning:contract']);
      assert.match(fs.find((f) => f.message.includes('"good_job_batches"'))!.message, /gem good_job \(Gemfile:2\)/);
      assert.match(fs.find((f) => f.message.includes('"account_transfers"'))!.message, /app\/models\/account\/transfer\.rb:1/, 'a namespaced model');
      assert.match(fs.find((f) => f.message.includes('"widgets"'))!.message, /app\/models\/widget\.rb:1/);
      assert.match(fs.find((f) => f.ruleId === 'migration/drop-column')!.message, /app\/models\/comment\.rb:2/);
    } finally {
      removeTree(dir);
    }
  });

  it('Django: RemoveField and DeleteModel against the models, views and templates; without the app\'s models nothing is concluded', async function () {
    this.timeout(60_000);
    const py = (ops: string) => `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;
    const initial = py('        migrations.CreateModel(name="Legacy", fields=[("id", models.BigAutoField(primary_key=True))]),\n        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("coupon", models.TextField(null=True)), ("memo", models.TextField(null=True)), ("gift_note", models.TextField(null=True))]),');
    const drop = py('        migrations.DeleteModel(name="Legacy"),\n        migrations.RemoveField(model_name="order", name="coupon"),\n        migrations.RemoveField(model_name="order", name="memo"),\n        migrations.RemoveField(model_name="order", name="gift_note"),');
    const dir = branchRepo(
      {
        'shop/migrations/0001_initial.py': initial,
        'shop/models.py': 'from django.db import models\n\n# memo was moved to notes\nclass Order(models.Model):\n    coupon = models.TextField(null=True)\n    gift_note = models.TextField(null=True)\n',
        'shop/views.py': 'def total(order):\n    return order.coupon\n',
        'shop/templates/shop/order.html': '{{ order.gift_note }}\n',
        'shop/tests/test_order.py': 'def test_memo(order):\n    assert order.memo is None\n',
      },
      { 'shop/migrations/0002_cleanup.py': drop, 'shop/models.py': 'from django.db import models\n\nclass Order(models.Model):\n    pass\n', 'shop/views.py': 'def total(order):\n    return 0\n', 'shop/templates/shop/order.html': '\n' },
    );
    try {
      const fs = drops(await analyze(dir), 'shop/migrations/0002_cleanup.py');
      const col = (c: string) => fs.find((f) => f.message.includes(`"shop_order"."${c}"`))!;
      assert.equal(col('coupon').severity, 'error');
      assert.match(col('coupon').message, /shop\/models\.py:5|shop\/views\.py:2/);
      assert.equal(col('gift_note').severity, 'error');
      assert.equal(col('memo').severity, 'warning', 'only a comment and a test mention it');
      assert.equal(fs.find((f) => f.ruleId === 'migration/drop-table')!.severity, 'warning', 'no Legacy class at the base or at head');
    } finally {
      removeTree(dir);
    }
    // Without git the code running now cannot be searched: an absent name at head keeps the error (the field
    // usually leaves the model in the change that drops it), and the message says what was found.
    const nogit = tempTree({ 'shop/migrations/0001_initial.py': initial, 'shop/migrations/0002_cleanup.py': drop, 'shop/models.py': 'from django.db import models\n\nclass Order(models.Model):\n    pass\n' });
    try {
      const fs = drops(await analyze(nogit, false), 'shop/migrations/0002_cleanup.py');
      assert.ok(fs.length >= 4 && fs.every((f) => f.severity === 'error'));
      assert.match(fs.find((f) => f.message.includes('"coupon"'))!.message, /No application code references it at head.*without a merge base/);
    } finally {
      removeTree(nogit);
    }
    const bare = tempTree({ 'shop/migrations/0001_initial.py': initial, 'shop/migrations/0002_cleanup.py': drop });
    try {
      const fs = drops(await analyze(bare, false), 'shop/migrations/0002_cleanup.py');
      assert.ok(fs.length >= 4 && fs.every((f) => f.severity === 'error'), 'no models.py visible: an absent name proves nothing');
    } finally {
      removeTree(bare);
    }
  });

  it('in the editor, re-analysing the migration after the code changed searches the code again', async function () {
    this.timeout(60_000);
    const py = (ops: string) => `from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;
    const dir = branchRepo(
      { 'shop/migrations/0001_initial.py': py('        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("memo", models.TextField(null=True))]),'), 'shop/models.py': 'class Order:\n    pass\n' },
      { 'shop/migrations/0002_drop.py': py('        migrations.RemoveField(model_name="order", name="memo"),'), 'shop/views.py': 'def f(o):\n    return o.memo\n' },
    );
    try {
      const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: true });
      const first = drops((await ws.analyze()).findings, 'shop/migrations/0002_drop.py');
      assert.deepEqual(first.map((f) => f.severity), ['error'], 'the new view uses it');
      writeFileSync(path.join(dir, 'shop/views.py'), 'def f(o):\n    return None\n');
      const again = drops(await ws.analyzeFile('shop/migrations/0002_drop.py'), 'shop/migrations/0002_drop.py');
      assert.deepEqual(again.map((f) => f.severity), ['warning']);
    } finally {
      removeTree(dir);
    }
  });
});
