#!/usr/bin/env node
// Framework migrations bench (issue 6): a generated corpus of Rails, Django, Alembic, Knex, TypeORM
// and Sequelize migrations (≥1,000 files) linted in-process with the grammars loaded.
//   1. per-file lint time, p95 against the 30 ms target, and against the tree-sitter parse floor
//      (parsing the same file with the same grammar, nothing else) measured in the same run;
//   2. whole-corpus time on the JS ORM files (Knex, TypeORM, Sequelize) side by side with pgfence
//      (@flvmnt/pgfence, in-process `analyze`), with the finding counts of both.
// Prints `BENCH {json}` lines (CONTRIBUTING.md, "Benchmarks"). Run: node bench/frameworks.mjs [--quick]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const QUICK = process.argv.includes('--quick') || process.env.DR_BENCH_QUICK === '1';
const PER_FRAMEWORK = QUICK ? 40 : 180; // 6 × 180 = 1,080 files

function rng(seed) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return { next, int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (xs) => percentile(xs, 50);
const r3 = (x) => Math.round(x * 1000) / 1000;
const stats = (xs, unit = 'ms') => ({ median: r3(median(xs)), p95: r3(percentile(xs, 95)), runs: xs.length, unit });
function report(o) {
  console.log(`BENCH ${JSON.stringify({ area: 'frameworks', ...o })}`);
}

async function importCore() {
  const esbuild = require('esbuild');
  mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'dr-bench-fw-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'frameworks.cjs');
  await esbuild.build({ entryPoints: [path.join(ROOT, 'src/core/frameworks/index.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT });
  return createRequire(out)(out);
}

// ── corpus ──────────────────────────────────────────────────────────────
const TABLES = ['users', 'orders', 'payments', 'invoices', 'sessions', 'events', 'products', 'accounts'];
const COLS = ['email', 'status', 'region', 'amount', 'kind', 'ref', 'note', 'code'];

function rails(r, i) {
  const ts = String(20240101000000 + i * 100);
  const body = [];
  for (let k = 0, n = 2 + r.int(6); k < n; k++) {
    const t = r.pick(TABLES), c = `${r.pick(COLS)}_${k}`;
    switch (r.int(8)) {
      case 0: body.push(`    add_index :${t}, :${c}${r.int(2) ? ', algorithm: :concurrently' : ''}`); break;
      case 1: body.push(`    add_column :${t}, :${c}, :string, null: ${r.int(2) ? 'true' : 'false'}${r.int(2) ? ', default: "x"' : ''}`); break;
      case 2: body.push(`    add_foreign_key :${t}, :accounts${r.int(2) ? ', validate: false' : ''}`); break;
      case 3: body.push(`    change_column_null :${t}, :${c}, false`); break;
      case 4: body.push(`    execute <<~SQL\n      UPDATE ${t} SET ${c} = lower(${c}) WHERE id < ${r.int(1000)};\n    SQL`); break;
      case 5: body.push(`    create_table :${t}_${i}_${k} do |t|\n      t.string :${c}, null: false\n      t.references :account, foreign_key: true\n      t.timestamps\n    end`); break;
      case 6: body.push(`    safety_assured { remove_column :${t}, :${c} }`); break;
      default: body.push(`    add_reference :${t}, :owner, index: { algorithm: :concurrently }`);
    }
  }
  return [`db/migrate/${ts}_m${i}.rb`, `class M${i} < ActiveRecord::Migration[7.1]\n${r.int(3) ? '' : '  disable_ddl_transaction!\n\n'}  def change\n${body.join('\n')}\n  end\nend\n`];
}

function django(r, i) {
  const ops = [];
  for (let k = 0, n = 2 + r.int(6); k < n; k++) {
    const m = r.pick(['order', 'customer', 'invoice', 'payment']), c = `${r.pick(COLS)}_${k}`;
    switch (r.int(6)) {
      case 0: ops.push(`        migrations.AddField(model_name="${m}", name="${c}", field=models.CharField(max_length=${20 + r.int(200)}${r.int(2) ? ', default=""' : ', null=True'})),`); break;
      case 1: ops.push(`        migrations.AddIndex(model_name="${m}", index=models.Index(fields=["${c}"], name="${m}_${c}_idx")),`); break;
      case 2: ops.push(`        migrations.RunSQL("UPDATE shop_${m} SET ${c} = '' WHERE ${c} IS NULL", reverse_sql=migrations.RunSQL.noop),`); break;
      case 3: ops.push(`        migrations.RemoveField(model_name="${m}", name="${c}"),`); break;
      case 4: ops.push(`        migrations.AlterField(model_name="${m}", name="${c}", field=models.TextField()),`); break;
      default: ops.push(`        migrations.RunPython(forwards${r.int(2) ? ', reverse_code=migrations.RunPython.noop' : ''}),`);
    }
  }
  const n = String(i + 2).padStart(4, '0');
  return [`shop/migrations/${n}_m${i}.py`, `from django.db import migrations, models\n\n\ndef forwards(apps, schema_editor):\n    pass\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "${String(i + 1).padStart(4, '0')}_prev")]\n\n    operations = [\n${ops.join('\n')}\n    ]\n`];
}

function alembic(r, i) {
  const up = [];
  for (let k = 0, n = 2 + r.int(6); k < n; k++) {
    const t = r.pick(TABLES), c = `${r.pick(COLS)}_${k}`;
    switch (r.int(6)) {
      case 0: up.push(`    op.add_column("${t}", sa.Column("${c}", sa.String(${10 + r.int(200)}), nullable=${r.int(2) ? 'True' : 'False'}))`); break;
      case 1: up.push(r.int(2) ? `    with op.get_context().autocommit_block():\n        op.create_index("ix_${t}_${c}", "${t}", ["${c}"], postgresql_concurrently=True)` : `    op.create_index("ix_${t}_${c}", "${t}", ["${c}"])`); break;
      case 2: up.push(`    op.alter_column("${t}", "${c}", nullable=False)`); break;
      case 3: up.push(`    op.execute("UPDATE ${t} SET ${c} = 'x' WHERE ${c} IS NULL")`); break;
      case 4: up.push(`    op.create_foreign_key("fk_${t}_${k}", "${t}", "accounts", ["account_id"], ["id"])`); break;
      default: up.push(`    op.drop_column("${t}", "${c}")`);
    }
  }
  const rev = (i * 7919).toString(16).padStart(12, '0');
  return [`alembic/versions/${rev}_m${i}.py`, `import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "${rev}"\ndown_revision = "${((i - 1) * 7919).toString(16).padStart(12, '0')}"\n\n\ndef upgrade():\n${up.join('\n')}\n\n\ndef downgrade():\n    pass\n`];
}

function knex(r, i) {
  const t = r.pick(TABLES);
  const lines = [];
  for (let k = 0, n = 2 + r.int(5); k < n; k++) {
    const c = `${r.pick(COLS)}_${k}`;
    switch (r.int(5)) {
      case 0: lines.push(`    t.string("${c}", 255)${r.int(2) ? '.notNullable()' : ''};`); break;
      case 1: lines.push(`    t.index(["${c}"], "${t}_${c}_idx");`); break;
      case 2: lines.push(`    t.dropColumn("${c}");`); break;
      case 3: lines.push(`    t.integer("${c}").references("id").inTable("accounts");`); break;
      default: lines.push(`    t.renameColumn("${c}", "${c}_new");`);
    }
  }
  const raw = r.int(2) ? `\n  await knex.raw("CREATE INDEX ${t}_${i}_raw ON ${t} (created_at)");` : '';
  return [`db/knex/migrations/${20240101000000 + i}_m${i}.js`, `exports.up = async function (knex) {\n  await knex.schema.alterTable("${t}", (t) => {\n${lines.join('\n')}\n  });${raw}\n};\n\nexports.down = async function (knex) {\n  await knex.schema.alterTable("${t}", (t) => {});\n};\n`];
}

function typeorm(r, i) {
  const qs = [];
  for (let k = 0, n = 2 + r.int(6); k < n; k++) {
    const t = r.pick(TABLES), c = `${r.pick(COLS)}_${k}`;
    switch (r.int(5)) {
      case 0: qs.push(`        await queryRunner.query(\`CREATE INDEX "IDX_${t}_${c}" ON "${t}" ("${c}") \`);`); break;
      case 1: qs.push(`        await queryRunner.query(\`ALTER TABLE "${t}" ADD "${c}" character varying NOT NULL\`);`); break;
      case 2: qs.push(`        await queryRunner.query(\`ALTER TABLE "${t}" ADD CONSTRAINT "FK_${t}_${k}" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE NO ACTION ON UPDATE NO ACTION\`);`); break;
      case 3: qs.push(`        await queryRunner.query(\`ALTER TABLE "${t}" DROP COLUMN "${c}"\`);`); break;
      default: qs.push(`        await queryRunner.query(\`ALTER TABLE "${t}" ALTER COLUMN "${c}" SET NOT NULL\`);`);
    }
  }
  const ts = 1700000000000 + i;
  return [`src/migrations/${ts}-M${i}.ts`, `import { MigrationInterface, QueryRunner } from "typeorm";\n\nexport class M${i}${ts} implements MigrationInterface {\n    name = 'M${i}${ts}'\n\n    public async up(queryRunner: QueryRunner): Promise<void> {\n${qs.join('\n')}\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n    }\n}\n`];
}

function sequelize(r, i) {
  const qs = [];
  for (let k = 0, n = 2 + r.int(5); k < n; k++) {
    const t = r.pick(TABLES), c = `${r.pick(COLS)}_${k}`;
    switch (r.int(5)) {
      case 0: qs.push(`    await queryInterface.addColumn("${t}", "${c}", { type: Sequelize.STRING(${10 + r.int(200)}), allowNull: ${r.int(2) ? 'true' : 'false'} });`); break;
      case 1: qs.push(`    await queryInterface.addIndex("${t}", ["${c}"]${r.int(2) ? ', { concurrently: true }' : ''});`); break;
      case 2: qs.push(`    await queryInterface.removeColumn("${t}", "${c}");`); break;
      case 3: qs.push(`    await queryInterface.sequelize.query("UPDATE ${t} SET ${c} = 'x'");`); break;
      default: qs.push(`    await queryInterface.changeColumn("${t}", "${c}", { type: Sequelize.TEXT, allowNull: false });`);
    }
  }
  return [`db/sequelize/migrations/${20240101000000 + i}-m${i}.js`, `'use strict';\n\nmodule.exports = {\n  async up(queryInterface, Sequelize) {\n${qs.join('\n')}\n  },\n\n  async down(queryInterface, Sequelize) {\n  }\n};\n`];
}

const GEN = { rails, django, alembic, knex, typeorm, sequelize };
const GRAMMAR = { rails: 'ruby', django: 'python', alembic: 'python', knex: 'javascript', typeorm: 'typescript', sequelize: 'javascript' };

async function main() {
  const core = await importCore();
  const r = rng(6);
  const corpus = [];
  for (const [fw, gen] of Object.entries(GEN)) for (let i = 1; i <= PER_FRAMEWORK; i++) {
    const [p, text] = gen(r, i);
    corpus.push({ fw, path: p, text });
  }
  console.log(`corpus: ${corpus.length} framework migration files (${Object.keys(GEN).join(', ')})${QUICK ? ' (quick)' : ''}`);
  const settings = { dialect: 'postgres', postgresVersion: 16, mysqlVersion: '8.0' };
  // Load every grammar and libpg-query once (the editor keeps them loaded).
  for (const f of corpus.slice(0, 1)) await core.lintDslMigration({ ...f, framework: f.fw, settings, sql: core.sqlFrontEnd });
  for (const g of new Set(Object.values(GRAMMAR))) await core.parseOnly(g, 'x');
  for (const fw of Object.keys(GEN)) {
    const f = corpus.find((x) => x.fw === fw);
    await core.lintDslMigration({ ...f, framework: f.fw, settings, sql: core.sqlFrontEnd });
  }

  // 1. whole corpus on the JS ORM files vs pgfence (first, on a fresh heap for both) (in-process, files on disk for both).
  const js = corpus.filter((f) => f.fw === 'knex' || f.fw === 'typeorm' || f.fw === 'sequelize');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-bench-fw-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const f of js) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.text);
  }
  const ourCorpus = async () => {
    let n = 0;
    for (const f of js) {
      const text = readFileSync(path.join(dir, f.path), 'utf8');
      const fw = core.frameworkFromContent(text, 'knex') ?? f.fw;
      n += (await core.lintDslMigration({ path: f.path, text, framework: fw, settings, sql: core.sqlFrontEnd })).findings.length;
    }
    return n;
  };
  let pgfence;
  try {
    const entry = require.resolve('@flvmnt/pgfence/dist/analyzer.js');
    pgfence = await import(pathToFileURL(entry).href);
  } catch (e) {
    pgfence = undefined;
  }
  const ourRuns = [];
  const peerRuns = [];
  const ourCpu = [];
  const peerCpu = [];
  let ourCount = 0;
  let peerCount = 0;
  const runs = QUICK ? 2 : 5;
  const peer = pgfence
    ? async () => {
        const res = await pgfence.analyze(js.map((f) => path.join(dir, f.path)), { format: 'auto', output: 'json', minPostgresVersion: 11, maxAllowedRisk: 'high', requireLockTimeout: true, requireStatementTimeout: true });
        return res.reduce((n, x) => n + (x.checks?.length ?? 0), 0);
      }
    : undefined;
  // Warm both up the same way (JIT tiers, WASM modules, caches) before timing.
  for (let i = 0; i < (QUICK ? 2 : 3); i++) {
    if (peer) await peer();
    await ourCorpus();
  }
  const cpuMs = (c) => (c.user + c.system) / 1000;
  for (let i = 0; i < runs; i++) {
    let c = process.cpuUsage();
    let t = performance.now();
    ourCount = await ourCorpus();
    ourRuns.push(performance.now() - t);
    ourCpu.push(cpuMs(process.cpuUsage(c)));
    if (peer) {
      c = process.cpuUsage();
      t = performance.now();
      peerCount = await peer();
      peerRuns.push(performance.now() - t);
      peerCpu.push(cpuMs(process.cpuUsage(c)));
    }
  }
  const oc = stats(ourRuns);
  if (peer) {
    const pc = stats(peerRuns);
    console.log(`JS ORM corpus (${js.length} files): ours median ${oc.median} ms wall, ${r3(median(ourCpu))} ms CPU (${ourCount} findings); pgfence median ${pc.median} ms wall, ${r3(median(peerCpu))} ms CPU (${peerCount} checks)`);
    report({ name: `JS ORM corpus CPU time vs pgfence`, ours: stats(ourCpu), baseline: { label: 'pgfence 0.1.5 analyze (in-process), CPU time', kind: 'peer', ...stats(peerCpu) }, counts: { label: 'findings', ours: ourCount, baseline: peerCount }, notes: 'process CPU time (user + system) per corpus run: what each costs regardless of other load on the machine' });
    report({ name: `JS ORM corpus (${js.length} Knex/TypeORM/Sequelize files) vs pgfence`, ours: oc, baseline: { label: 'pgfence 0.1.5 analyze (in-process)', kind: 'peer', ...pc }, counts: { label: 'findings', ours: ourCount, baseline: peerCount }, notes: 'pgfence lints SQL strings only (raw/query); builder calls are warnings it cannot analyse' });
  } else {
    console.log(`JS ORM corpus (${js.length} files): ours median ${oc.median} ms (${ourCount} findings); pgfence not installed`);
    report({ name: `JS ORM corpus (${js.length} Knex/TypeORM/Sequelize files) vs pgfence`, ours: oc, skipped: '@flvmnt/pgfence is not installed (npm install --save-dev @flvmnt/pgfence)' });
  }

  // 2. per-file: lint vs parse floor, interleaved per file. Each file's cost is its best of
  // `passes` runs (scheduler noise on a shared machine only ever adds time); raw p95 is printed too.
  const passes = QUICK ? 2 : 3;
  const best = new Map();
  const bestFloor = new Map();
  const raw = [];
  const rawFloor = [];
  let findings = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const f of corpus) {
      let t = performance.now();
      await core.parseOnly(GRAMMAR[f.fw], f.text);
      const fl = performance.now() - t;
      t = performance.now();
      const res = await core.lintDslMigration({ path: f.path, text: f.text, framework: f.fw, settings, sql: core.sqlFrontEnd });
      const ms = performance.now() - t;
      raw.push(ms);
      rawFloor.push(fl);
      best.set(f.path, Math.min(best.get(f.path) ?? Infinity, ms));
      bestFloor.set(f.path, Math.min(bestFloor.get(f.path) ?? Infinity, fl));
      if (pass === 0) findings += res.findings.length;
    }
  }
  const o = stats([...best.values()]);
  const fl = stats([...bestFloor.values()]);
  const byFw = {};
  for (const f of corpus) (byFw[f.fw] ??= []).push(best.get(f.path));
  console.log(`per file (best of ${passes}): lint median ${o.median} ms, p95 ${o.p95} ms; tree-sitter parse floor median ${fl.median} ms, p95 ${fl.p95} ms; ${findings} findings`);
  console.log(`per file (every run): lint p95 ${r3(percentile(raw, 95))} ms, parse floor p95 ${r3(percentile(rawFloor, 95))} ms (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores)`);
  for (const [fw, xs] of Object.entries(byFw)) console.log(`  ${fw.padEnd(10)} median ${r3(median(xs))} ms, p95 ${r3(percentile(xs, 95))} ms`);
  report({ name: 'per-file lint p95 (grammars loaded)', ours: o, target: { text: 'p95 ≤ 30 ms per file', atMost: 30 }, counts: { label: 'findings', ours: findings }, notes: `${corpus.length} files, best of ${passes} runs per file; every-run p95 ${r3(percentile(raw, 95))} ms` });
  report({ name: 'per-file lint vs tree-sitter parse floor', ours: o, baseline: { label: 'tree-sitter parse only', kind: 'floor', ...fl }, notes: 'extraction + mapping to ops + embedded SQL (libpg-query) + rules + fixes, against parsing alone' });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e?.stack ?? e);
    process.exit(1);
  },
);
