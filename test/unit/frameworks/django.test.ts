import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model';
import { applyEdits } from '../helpers';
import { extract, lintDslMigration } from '../../../src/core/frameworks/lint';
import { sqlFrontEnd } from '../../../src/core/frameworks/sqlFront';
import { dslToOps } from '../../../src/core/frameworks/toOps';
import { applyOps, emptySchema } from '../../../src/core/migrations/schema';
import type { SchemaState } from '../../../src/core/migrations/ops';

const py = (ops: string) => `from django.db import migrations, models\nimport django.db.models.deletion\n\nclass Migration(migrations.Migration):\n    operations = [\n${ops}\n    ]\n`;
const INITIAL = py('        migrations.CreateModel(name="Customer", fields=[("id", models.BigAutoField(primary_key=True))]),\n        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("status", models.CharField(max_length=10, db_default="new")), ("kind", models.CharField(max_length=10, default="a"))]),');

async function schemaAfterInitial(): Promise<SchemaState> {
  const s = emptySchema();
  applyOps(s, (await dslToOps(await extract('django', INITIAL), 'shop/migrations/0001_initial.py', 'postgres', sqlFrontEnd)).ops, 'shop/migrations/0001_initial.py');
  return s;
}

async function lint(ops: string, schema?: SchemaState): Promise<Finding[]> {
  return (await lintDslMigration({ path: 'shop/migrations/0002_x.py', text: py(ops), framework: 'django', settings: { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd, ...(schema ? { schema } : {}) })).findings;
}

describe('Django operations read as Django runs them', () => {
  it('AddField with a ForeignKey (to= as a keyword too) adds a validated foreign key on an existing table: constraint-not-valid, an error', async () => {
    for (const field of ['models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to="shop.customer")', 'models.ForeignKey("shop.Customer", null=True, on_delete=models.CASCADE)']) {
      const fs = await lint(`        migrations.AddField(model_name="order", name="customer", field=${field}),`, await schemaAfterInitial());
      const f = fs.filter((x) => x.ruleId === 'migration/constraint-not-valid');
      assert.equal(f.length, 1, field);
      assert.equal(f[0].severity, 'error');
      assert.match(f[0].message, /"shop_customer".*"shop_order"/);
    }
    const none = await lint('        migrations.AddField(model_name="order", name="customer", field=models.ForeignKey(null=True, db_constraint=False, on_delete=models.DO_NOTHING, to="shop.customer")),', await schemaAfterInitial());
    assert.ok(!none.some((x) => x.ruleId === 'migration/constraint-not-valid'), 'db_constraint=False creates no constraint');
  });

  it('AlterField that removes db_default from a NOT NULL field is a DROP DEFAULT; removing a Python default= emits no SQL', async () => {
    const text = py('        migrations.AlterField(model_name="order", name="status", field=models.CharField(max_length=10)),\n        migrations.AlterField(model_name="order", name="kind", field=models.CharField(max_length=10)),');
    const ops = (await dslToOps(await extract('django', text), 'shop/migrations/0002_x.py', 'postgres', sqlFrontEnd, await schemaAfterInitial())).ops;
    assert.deepEqual(ops.map((o) => `${o.kind}:${'column' in o ? o.column : ''}`), ['drop-default:status']);
    const back = py('        migrations.AlterField(model_name="order", name="kind", field=models.CharField(max_length=10, db_default="a")),');
    assert.deepEqual((await dslToOps(await extract('django', back), 'shop/migrations/0002_x.py', 'postgres', sqlFrontEnd, await schemaAfterInitial())).ops.map((o) => o.kind), ['set-default']);
  });

  it("AddField of a blank=True string field (or auto_now) with no default: Django fills existing rows, so not add-column-required; the running code's INSERTs still fail, which orm-default-not-in-database says", async () => {
    const add = (field: string) => `        migrations.AddField(model_name="order", name="note", field=${field}),`;
    const blank = await lint(add('models.CharField(blank=True, max_length=128)'), await schemaAfterInitial());
    assert.ok(!blank.some((x) => x.ruleId === 'migration/add-column-required'), JSON.stringify(blank.map((x) => x.ruleId)));
    const f = blank.find((x) => x.ruleId === 'migration/orm-default-not-in-database')!;
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /fills the existing rows with '' \(blank=True/);
    const fixed = applyEdits(py(add('models.CharField(blank=True, max_length=128)')), f.fixes!.find((x) => x.isPreferred)!.edits);
    assert.match(fixed, /blank=True, db_default="", max_length=128/);
    const after = (await lintDslMigration({ path: 'shop/migrations/0002_x.py', text: fixed, framework: 'django', settings: { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' }, sql: sqlFrontEnd, schema: await schemaAfterInitial() })).findings;
    assert.ok(!after.some((x) => /orm-default|add-column-required/.test(x.ruleId)));
    const auto = await lint(add('models.DateTimeField(auto_now_add=True)'), await schemaAfterInitial());
    assert.deepEqual(auto.filter((x) => /orm-default|add-column-required/.test(x.ruleId)).map((x) => x.ruleId), ['migration/orm-default-not-in-database']);
    const int = await lint(add('models.IntegerField(blank=True)'), await schemaAfterInitial());
    assert.ok(int.some((x) => x.ruleId === 'migration/add-column-required'), 'no empty string for an integer: the ADD fails on existing rows');
  });
});
