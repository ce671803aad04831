import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { changedRange } from '../../../src/core/migrations/history';
import type { Finding, Report } from '../../../src/core/model';
import { branchRepo, git, scratchDirs } from '../helpers';

const HISTORY = new Set(['migration/edited-after-deploy', 'migration/out-of-order', 'migration/deleted']);

async function check(root: string): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), baseRef: 'main', areas: ['migration'] });
  return ws.analyze();
}

const history = (r: Report): Finding[] => r.findings.filter((f) => HISTORY.has(f.ruleId));
const brief = (fs: Finding[]) => fs.map((f) => `${f.ruleId} ${f.severity} ${f.file}:${f.range.start.line + 1}-${f.range.end.line + 1}`);

interface Tool {
  name: string;
  /** Three migrations already on main: first, second, newest. */
  base: Record<string, string>;
  files: [string, string, string];
  /** An edit of `files[1]` that changes the schema. */
  edit: string;
  /** A new migration that sorts before `files[2]`. */
  older: [string, string];
  /** A new migration after everything: not flagged. */
  newer: [string, string];
  /** A comment-only edit of files[1]: not flagged. */
  commentOnly: string;
}

const sql = (p: string, s: string) => [p, s] as [string, string];

const TOOLS: Tool[] = [
  {
    name: 'raw SQL (numbered files)',
    files: ['migrations/001_users.sql', 'migrations/002_email.sql', 'migrations/003_orders.sql'],
    base: {
      'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
      'migrations/002_email.sql': '-- email\nALTER TABLE users ADD COLUMN email text;\n',
      'migrations/003_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
    },
    edit: '-- email\nALTER TABLE users ADD COLUMN email text;\nALTER TABLE users ADD COLUMN name text;\n',
    commentOnly: '-- the email column, nullable for now\nALTER TABLE users ADD COLUMN email text;\n',
    older: sql('migrations/002_phone.sql', 'ALTER TABLE users ADD COLUMN phone text;\n'),
    newer: sql('migrations/004_phone.sql', 'ALTER TABLE users ADD COLUMN phone text;\n'),
  },
  {
    name: 'Flyway',
    files: ['db/migration/V1__users.sql', 'db/migration/V2__email.sql', 'db/migration/V3__orders.sql'],
    base: {
      'db/migration/V1__users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
      'db/migration/V2__email.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
      'db/migration/V3__orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY);\n',
    },
    edit: 'ALTER TABLE users ADD COLUMN email varchar(200);\n',
    commentOnly: '-- nullable\nALTER TABLE users ADD COLUMN email text;\n',
    older: sql('db/migration/V2_1__phone.sql', 'ALTER TABLE users ADD COLUMN phone text;\n'),
    newer: sql('db/migration/V4__phone.sql', 'ALTER TABLE users ADD COLUMN phone text;\n'),
  },
  {
    name: 'Rails',
    files: ['db/migrate/20240101000000_create_users.rb', 'db/migrate/20240201000000_add_email.rb', 'db/migrate/20240301000000_create_orders.rb'],
    base: {
      'db/migrate/20240101000000_create_users.rb': 'class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users\n  end\nend\n',
      'db/migrate/20240201000000_add_email.rb': 'class AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :email, :string\n  end\nend\n',
      'db/migrate/20240301000000_create_orders.rb': 'class CreateOrders < ActiveRecord::Migration[7.1]\n  def change\n    create_table :orders\n  end\nend\n',
    },
    edit: 'class AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :email, :string, null: false, default: ""\n  end\nend\n',
    commentOnly: '# The email column\nclass AddEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :email, :string\n  end\nend\n',
    older: sql('db/migrate/20240215000000_add_phone.rb', 'class AddPhone < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :phone, :string\n  end\nend\n'),
    newer: sql('db/migrate/20240401000000_add_phone.rb', 'class AddPhone < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :phone, :string\n  end\nend\n'),
  },
  {
    name: 'Django',
    files: ['shop/migrations/0001_initial.py', 'shop/migrations/0002_email.py', 'shop/migrations/0003_orders.py'],
    base: {
      'shop/migrations/__init__.py': '',
      'shop/migrations/0001_initial.py': 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [\n        migrations.CreateModel(name="User", fields=[("id", models.BigAutoField(primary_key=True))]),\n    ]\n',
      'shop/migrations/0002_email.py': 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = [\n        migrations.AddField(model_name="user", name="email", field=models.TextField(null=True)),\n    ]\n',
      'shop/migrations/0003_orders.py': 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0002_email")]\n    operations = [\n        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True))]),\n    ]\n',
    },
    edit: 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = [\n        migrations.AddField(model_name="user", name="email", field=models.TextField(default="")),\n    ]\n',
    commentOnly: 'from django.db import migrations, models\n\n# email, nullable\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = [\n        migrations.AddField(model_name="user", name="email", field=models.TextField(null=True)),\n    ]\n',
    older: sql('shop/migrations/0003_phone.py', 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0002_email")]\n    operations = [\n        migrations.AddField(model_name="user", name="phone", field=models.TextField(null=True)),\n    ]\n'),
    newer: sql('shop/migrations/0004_phone.py', 'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0003_orders")]\n    operations = [\n        migrations.AddField(model_name="user", name="phone", field=models.TextField(null=True)),\n    ]\n'),
  },
  {
    name: 'Prisma',
    files: ['prisma/migrations/20240101000000_init/migration.sql', 'prisma/migrations/20240201000000_email/migration.sql', 'prisma/migrations/20240301000000_orders/migration.sql'],
    base: {
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY);\n',
      'prisma/migrations/20240201000000_email/migration.sql': '-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n',
      'prisma/migrations/20240301000000_orders/migration.sql': 'CREATE TABLE "Order" ("id" SERIAL PRIMARY KEY);\n',
    },
    edit: '-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT NOT NULL DEFAULT \'\';\n',
    commentOnly: '-- AlterTable (email)\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n',
    older: sql('prisma/migrations/20240215000000_phone/migration.sql', 'ALTER TABLE "User" ADD COLUMN "phone" TEXT;\n'),
    newer: sql('prisma/migrations/20240401000000_phone/migration.sql', 'ALTER TABLE "User" ADD COLUMN "phone" TEXT;\n'),
  },
];

describe('migration history: what only a branch view can see', () => {
  const { keep } = scratchDirs();

  for (const t of TOOLS) {
    describe(t.name, () => {
      it('a migration already on main and edited on the branch is an error over the changed lines', async () => {
        const dir = keep(branchRepo(t.base, { [t.files[1]]: t.edit }));
        const r = await check(dir);
        const found = history(r);
        assert.equal(found.length, 1, brief(found).join('\n'));
        const f = found[0];
        assert.equal(f.ruleId, 'migration/edited-after-deploy');
        assert.equal(f.severity, 'error');
        assert.equal(f.file, t.files[1]);
        assert.deepEqual(f.range, changedRange(t.base[t.files[1]], t.edit));
        assert.match(f.message, /already exists on main@[0-9a-f]{7} and is modified on this branch/);
        assert.equal(f.baseline, 'new');
        assert.equal(r.verdict, 'blocked');
      });

      it('a comment-only edit, a new migration after the others, and an untouched history say nothing', async () => {
        const dir = keep(branchRepo(t.base, { [t.files[1]]: t.commentOnly, [t.newer[0]]: t.newer[1] }));
        assert.deepEqual(brief(history(await check(dir))), []);
      });

      it('a new migration that sorts before the newest one on main is a warning naming it', async () => {
        const dir = keep(branchRepo(t.base, { [t.older[0]]: t.older[1] }));
        const found = history(await check(dir));
        assert.deepEqual(brief(found), [`migration/out-of-order warning ${t.older[0]}:1-1`]);
        assert.ok(found[0].message.includes(t.files[2]), found[0].message);
        assert.equal(found[0].data?.newestBase, t.files[2]);
      });

      it('a migration deleted relative to main is an error', async () => {
        const dir = keep(branchRepo(t.base, {}, [t.files[1]]));
        const found = history(await check(dir));
        assert.deepEqual(brief(found), [`migration/deleted error ${t.files[1]}:1-1`]);
        assert.match(found[0].message, /exists on main@[0-9a-f]{7} and is deleted on this branch/);
      });
    });
  }

  it('a Django migration renamed on the branch is reported as deleted, on the new name', async () => {
    const t = TOOLS.find((x) => x.name === 'Django')!;
    const dir = keep(branchRepo(t.base, { 'README.md': 'x\n' }));
    git(dir, 'mv', t.files[2], 'shop/migrations/0003_create_orders.py');
    git(dir, 'commit', '-qm', 'rename');
    const found = history(await check(dir));
    assert.deepEqual(brief(found), ['migration/deleted error shop/migrations/0003_create_orders.py:1-1']);
    assert.match(found[0].message, /is renamed to shop\/migrations\/0003_create_orders\.py/);
  });

  it('a Rails migration renamed without changing its version is compared as an edit (unchanged: nothing)', async () => {
    const t = TOOLS.find((x) => x.name === 'Rails')!;
    const dir = keep(branchRepo(t.base, { 'README.md': 'x\n' }));
    git(dir, 'mv', t.files[2], 'db/migrate/20240301000000_create_orders_table.rb');
    git(dir, 'commit', '-qm', 'rename');
    assert.deepEqual(brief(history(await check(dir))), []);
  });

  it('a RuboCop trailing-whitespace autocorrect inside a heredoc is not an edit', async () => {
    const before = 'class T < ActiveRecord::Migration[7.2]\n  def up\n    execute <<-SQL\n      UPDATE families \n      SET timezone = 1\n    SQL\n  end\nend\n';
    const after = before.replace('UPDATE families \n', "UPDATE families#{' '}\n");
    const dir = keep(branchRepo({ 'db/migrate/20240101000000_t.rb': before }, { 'db/migrate/20240101000000_t.rb': after }));
    assert.deepEqual(brief(history(await check(dir))), []);
  });

  it('a Django data migration whose operations are unchanged (type annotations, imports) is a warning to review, not a drift error', async () => {
    const before = 'from typing import Any\nfrom django.apps.registry import Apps\nfrom django.db import migrations\n\n\ndef fill(apps: Apps, schema_editor: Any) -> None:\n    pass\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("api", "0001_initial")]\n    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]\n';
    const after = before.replace('from django.apps.registry import Apps\n', '').replace('from django.db import migrations\n', 'from django.db import migrations\nfrom django.db.migrations.state import StateApps\n').replace('apps: Apps', 'apps: StateApps');
    const changedOps = before.replace('migrations.RunPython(fill, migrations.RunPython.noop)', 'migrations.RunPython(fill, migrations.RunPython.noop), migrations.DeleteModel(name="Old")');
    const base = { 'api/migrations/0001_initial.py': 'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = []\n', 'api/migrations/0002_fill.py': before };
    const annotated = history(await check(keep(branchRepo(base, { 'api/migrations/0002_fill.py': after }))));
    assert.deepEqual(annotated.map((f) => `${f.ruleId} ${f.severity}`), ['migration/edited-after-deploy warning']);
    assert.match(annotated[0].message, /operations it performs are unchanged/);
    const real = history(await check(keep(branchRepo(base, { 'api/migrations/0002_fill.py': changedOps }))));
    assert.deepEqual(real.map((f) => `${f.ruleId} ${f.severity}`), ['migration/edited-after-deploy error']);
  });

  it('changedRange covers the head lines that differ (a removal points at the line after it)', () => {
    assert.deepEqual(changedRange('a\nb\nc\n', 'a\nB\nB2\nc\n'), { start: { line: 1, character: 0 }, end: { line: 2, character: 2 } });
    assert.deepEqual(changedRange('a\nb\nc\n', 'a\nc\n'), { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
  });
});
