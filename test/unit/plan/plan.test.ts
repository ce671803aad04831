import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { gitInvocations } from '../../../src/core/git';
import { inspectDslMigration, irreversibleMysql, irreversibleSql, type PlanFacts } from '../../../src/core/plan/facts';
import { renderRollbackPlan, templateWithRollbackSection } from '../../../src/core/plan/rollback';
import { renderRunbook, runbookPath } from '../../../src/core/plan/runbook';
import { rollbackPlanOf, runbookOf, checklistOf } from '../../../src/core/plan/run';
import { extractSection, ROLLBACK_START } from '../../../src/core/plan/section';
import { checklistDefaults } from '../../../src/core/checklist/settings';
import { branchRepo, cli, git, REPO_ROOT, removeTree, runBuiltCli } from '../helpers';
import { startFakeGithub } from './fakeGithub';

const BASE = {
  '.env.example': 'DATABASE_URL=\n',
  'src/app.ts': "export const db = process.env.DATABASE_URL;\n",
  'db/migrations/001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n',
  'db/migrations/001_init.down.sql': 'DROP TABLE orders;\n',
  'k8s/api.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 3\n',
  'package.json': JSON.stringify({ name: 'shop', scripts: { test: 'mocha', smoke: 'node smoke.js' } }),
  'openapi.yaml': "openapi: 3.0.3\ninfo: { title: Shop, version: 1.0.0 }\npaths:\n  /healthz:\n    get: { responses: { '200': { description: ok } } }\n  /orders:\n    get: { responses: { '200': { description: ok } } }\n",
};
const HEAD = {
  '.env.example': 'DATABASE_URL=\nSTRIPE_KEY=\n',
  'src/app.ts': "import { init } from '@launchdarkly/node-server-sdk';\nexport const db = process.env.DATABASE_URL;\nexport const stripe = process.env.STRIPE_KEY;\nexport const v2 = () => client.boolVariation('checkout-v2', ctx, false);\n",
  'db/migrations/002_status.up.sql': "ALTER TABLE orders ADD COLUMN status text;\n",
  'db/migrations/002_status.down.sql': 'ALTER TABLE orders DROP COLUMN status;\n',
  'db/migrations/003_drop_note.up.sql': 'ALTER TABLE orders DROP COLUMN note;\n',
};

async function open(dir: string, over: (c: Config) => void = () => undefined, trusted = true) {
  const config = defaultConfig();
  over(config);
  const ws = await Workspace.open({ root: dir, config, trusted });
  return { ws, report: await ws.analyze() };
}

describe('rollback plan and runbook from a real branch', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));
  let repo: string;
  before(() => {
    repo = branchRepo(BASE, HEAD);
    git(repo, 'remote', 'add', 'origin', 'git@github.com:acme/shop.git');
    git(repo, 'config', 'user.name', 'Test');
    dirs.push(repo);
  });

  it('the plan lists migrations newest first with their reversal, the kubectl command, the flag, the variable', async () => {
    const { ws, report } = await open(repo);
    const { markdown, facts } = await rollbackPlanOf(ws.ctx, report);
    assert.deepEqual(facts.migrations.map((m) => [m.file, m.down, m.irreversible]), [
      ['db/migrations/002_status.up.sql', 'file', []],
      ['db/migrations/003_drop_note.up.sql', 'none', ['DROP COLUMN orders.note']],
    ]);
    assert.deepEqual(facts.flags.map((f) => f.key), ['checkout-v2']);
    assert.deepEqual(facts.remote, { host: 'github.com', owner: 'acme', repo: 'shop' });
    assert.match(markdown, /kubectl rollout undo deployment\/api -n shop/);
    assert.match(markdown, /`checkout-v2` \(LaunchDarkly, read in `src\/app\.ts:4`\)/);
    assert.match(markdown, /`STRIPE_KEY`/);
    assert.match(markdown, /`\/healthz`/, 'health endpoint from the OpenAPI file');
    const i3 = markdown.indexOf('003_drop_note');
    const i2 = markdown.indexOf('002_status.up.sql`');
    assert.ok(i3 > 0 && i2 > i3, 'newest migration is reversed first');
    assert.match(markdown, /003_drop_note\.up\.sql` \(golang-migrate\): \*\*irreversible\*\* \(DROP COLUMN orders\.note\).*restore from backup/);
    assert.match(markdown, /002_status\.up\.sql` \(golang-migrate\): down migration `db\/migrations\/002_status\.down\.sql`: `migrate -path db\/migrations -database "\$DATABASE_URL" down 1`/);
    assert.match(markdown, /\*\*Time to roll back: about 5 min\*\* \(within the 5-minute target\)/);
    assert.doesNotMatch(markdown, /\d{4}-\d{2}-\d{2}T/, 'no timestamps: the same state gives the same plan');
  });

  it('without deploy tooling the command is a clearly marked placeholder; a configured command wins', async () => {
    const dir = branchRepo({ 'a.ts': 'x' }, { 'a.ts': 'y' });
    dirs.push(dir);
    let { ws, report } = await open(dir);
    assert.match((await rollbackPlanOf(ws.ctx, report)).markdown, /TODO: no deploy tooling found in the repository/);
    ({ ws, report } = await open(dir, (c) => (c.checklist.rollback.command = 'fly deploy --image registry.fly.io/shop:previous')));
    const md = (await rollbackPlanOf(ws.ctx, report)).markdown;
    assert.doesNotMatch(md, /TODO/);
    assert.match(md, /fly deploy --image registry\.fly\.io\/shop:previous/);
  });

  it('bad input: broken manifests, package.json and migrations are skipped, the plan is still written', async function () {
    this.timeout(60_000);
    const dir = branchRepo(
      { 'a.ts': 'x' },
      {
        'k8s/broken.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: [unclosed\n',
        'k8s/ok.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n: : :\n',
        'chart/Chart.yaml': 'name: *nope\n',
        'package.json': '{ not json',
        'fly.toml': 'app = "shop-api"\nprimary_region = "fra"\n',
        'db/migrations/001_x.up.sql': 'ALTER TABLE;;; DROP COLUMN\n',
        'db/migrations/002_y.up.sql': Buffer.from([0, 1, 2, 3]) as unknown as string,
      },
    );
    dirs.push(dir);
    const { ws, report } = await open(dir);
    const { markdown, facts } = await rollbackPlanOf(ws.ctx, report);
    assert.deepEqual(facts.deploy.map((d) => d.name), ['shop-api', '<release>', 'deployment/web']);
    assert.match(markdown, /fly deploy -a shop-api --image <previous image>/);
    assert.deepEqual(facts.smoke, []);
    assert.ok(facts.migrations.some((m) => m.file === 'db/migrations/001_x.up.sql'));
    assert.match(markdown, /## Rollback plan/);
  });

  it('the checklist on the branch: new variable and migration order need ticks, the linted DROP COLUMN fails compatibility', async () => {
    const { ws, report } = await open(repo);
    const cl = await checklistOf(ws.ctx, report, { now: new Date('2026-03-03T10:00:00Z') });
    const s = Object.fromEntries(cl.items.map((i) => [i.id, i.state]));
    assert.equal(s['env-vars-set'], 'manual');
    assert.equal(s['migrations-first'], 'manual');
    // migration/drop-column is an error finding, so the item fails (not merely "confirm by hand").
    assert.equal(s['migrations-compatible'], 'fail');
    assert.match(cl.items.find((i) => i.id === 'migrations-compatible')!.reason, /003_drop_note\.up\.sql/);
    assert.equal(s['feature-flags'], 'pass');
    assert.equal(s['clean-tree'], 'pass');
    assert.equal(s['up-to-date-with-base'], 'pass');
    assert.equal(cl.verdict, 'blocked');
  });

  it('the runbook is deterministic for a given state and time, and has every section', async function () {
    this.timeout(60_000);
    const now = new Date('2026-03-03T10:00:00Z');
    const a = await (async () => {
      const { ws, report } = await open(repo);
      return runbookOf(ws.ctx, report, { now });
    })();
    const b = await (async () => {
      const { ws, report } = await open(repo);
      return runbookOf(ws.ctx, report, { now });
    })();
    assert.equal(a.markdown, b.markdown);
    assert.equal(a.path, 'docs/runbooks/2026-03-03-feature.md');
    for (const h of ['## What is changing', '## Pre-deploy checklist', '## 1. Configuration', '## 2. Database', '## 3. Deploy: blue/green', '## 4. Verify', '## 5. Rollback', '## 6. Communication']) {
      assert.ok(a.markdown.includes(h), h);
    }
    assert.match(a.markdown, /```sh \{"name":"verify"\}\ncurl -fsS "\$BASE_URL\/healthz"   # from openapi\.yaml\nnpm run smoke   # from package\.json\n```/);
    assert.match(a.markdown, /\| Engineer \| Test \|/);
    assert.match(a.markdown, /- head \(`[0-9a-f]{7}`\)/);
  });

  it('Restricted Mode: a plan from the files alone, and git never runs', async () => {
    const before = gitInvocations();
    const { ws, report } = await open(repo, () => undefined, false);
    const r = await rollbackPlanOf(ws.ctx, report, { write: true, token: 't' });
    assert.equal(gitInvocations(), before);
    assert.equal(r.published?.status, 'failed');
    assert.match((r.published as { error: string }).error, /Restricted Mode/);
  });

  it('CLI: rollback-plan prints the section with markers; --write-pr writes it into the PR on a local GitHub', async function () {
    this.timeout(180_000);
    const gh = await startFakeGithub({ pulls: [{ number: 12, title: 'Checkout v2', body: 'Why: faster checkout.', headRef: 'feature', headSha: 'x', baseRef: 'main', state: 'open' }] });
    try {
      writeFileSync(path.join(repo, '.deploy-readiness.yaml'), `checklist:\n  githubApiUrl: ${gh.url}\n  rollback:\n    notify: ["#deploys"]\n`);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'config');
      let r = await cli(['rollback-plan'], repo);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(ROLLBACK_START));
      assert.equal(gh.state.requests.length, 0, 'no token: GitHub is not contacted');
      r = await cli(['rollback-plan', '--write-pr'], repo);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /not signed in to GitHub \(set GITHUB_TOKEN or GH_TOKEN\)/);
      assert.ok(r.stdout.includes(ROLLBACK_START), 'the plan is printed even when it cannot be written');
      // The built binary, end to end: the token comes from the real process environment.
      r = await runBuiltCli(['rollback-plan', '--write-pr'], repo, { GITHUB_TOKEN: 'good-token' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /written to pull request #12/);
      const body = gh.state.pulls[0].body!;
      assert.ok(body.startsWith('Why: faster checkout.\n\n'));
      assert.match(extractSection(body)!, /Notify\*\* `#deploys`/);
      r = await cli(['rollback-plan', '--write-pr'], repo, { GITHUB_TOKEN: 'bad' });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /GitHub rejected the token/);
      // The checklist now sees the section in the PR and CI on the exact head commit.
      const head = git(repo, 'rev-parse', 'HEAD').trim();
      gh.state.checkRuns[head] = [{ name: 'test', status: 'completed', conclusion: 'failure' }];
      r = await cli(['checklist', '--format', 'json', '--now', '2026-03-03T10:00:00Z'], repo, { GITHUB_TOKEN: 'good-token' });
      assert.equal(r.code, 1, r.stderr);
      const items = Object.fromEntries((JSON.parse(r.stdout).items as { id: string; state: string; reason: string }[]).map((i) => [i.id, i]));
      assert.equal(items['rollback-plan'].state, 'pass');
      assert.equal(items['ci-green'].state, 'fail');
      assert.match(items['ci-green'].reason, /failing on [0-9a-f]{7}: test/);
    } finally {
      await gh.close();
    }
  });

  it('CLI: checklist ticks are kept under .git per branch; runbook writes the configured path', async function () {
    this.timeout(180_000);
    let r = await cli(['checklist', '--tick', 'stakeholders-notified', '--by', 'Ana', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.match(r.stderr, /ticked stakeholders-notified on feature as Ana/);
    assert.ok(existsSync(path.join(repo, '.git', 'deploy-readiness', 'ticks.json')));
    r = await cli(['checklist', '--format', 'json', '--now', '2026-03-03T10:00:00Z'], repo);
    const st = JSON.parse(r.stdout).items.find((i: { id: string }) => i.id === 'stakeholders-notified');
    assert.equal(st.state, 'pass');
    assert.equal(st.tick.by, 'Ana');
    r = await cli(['checklist', '--tick', 'ci-green'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"ci-green" is computed/);
    r = await cli(['checklist', '--untick', 'stakeholders-notified'], repo);
    assert.match(r.stderr, /unticked stakeholders-notified/);
    r = await cli(['runbook', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'docs/runbooks/2026-03-03-feature.md');
    assert.match(readFileSync(path.join(repo, 'docs/runbooks/2026-03-03-feature.md'), 'utf8'), /^# Deployment runbook: /);
    r = await cli(['runbook', '--out', '-', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.match(r.stdout, /## 5\. Rollback/);
    assert.equal((await cli(['runbook', '--format', 'sarif'], repo)).code, 2);
    assert.equal((await cli(['checklist', '--now', 'yesterday'], repo)).code, 2);
  });
});

describe('irreversible statements', () => {
  it('PostgreSQL (libpg-query) and MySQL (node-sql-parser) name what loses data', async () => {
    assert.deepEqual(await irreversibleSql('CREATE TABLE k (a int);\nALTER TABLE t DROP COLUMN c, ALTER COLUMN d TYPE bigint;\nDROP TABLE a, s.b;\nTRUNCATE x;\nDELETE FROM y WHERE 1=1;\n'), [
      'DROP COLUMN t.c',
      'ALTER COLUMN t.d TYPE (may lose data)',
      'DROP TABLE a, s.b',
      'TRUNCATE x',
      'DELETE FROM y',
    ]);
    assert.deepEqual(irreversibleMysql('ALTER TABLE t DROP COLUMN c, MODIFY COLUMN d int; DROP TABLE a; ALTER TABLE t ADD COLUMN x int;'), ['DROP COLUMN t.c', 'MODIFY COLUMN t.d (may lose data)', 'DROP TABLE a']);
    assert.deepEqual(irreversibleMysql('this is not SQL'), []);
  });

  it('framework migrations: down methods and destructive calls with tree-sitter', async () => {
    const rails = await inspectDslMigration('db/migrate/1_x.rb', 'class X < ActiveRecord::Migration[7.1]\n  def up\n    remove_column :users, :note\n  end\n  def down\n    add_column :users, :note, :text\n  end\nend\n');
    assert.deepEqual(rails, { downMethods: ['down'], destructive: ['remove_column users'] });
    const alembic = await inspectDslMigration('alembic/versions/1.py', 'def upgrade():\n    op.drop_column("users", "note")\n\ndef downgrade():\n    pass\n');
    assert.deepEqual(alembic, { downMethods: [], destructive: ['drop_column users'] }, 'a downgrade that only passes reverses nothing');
    const knex = await inspectDslMigration('migrations/1.js', 'exports.up = (knex) => knex.schema.dropTable("old");\nexports.down = async function (knex) { await knex.schema.createTable("old", () => {}); };\n');
    assert.deepEqual(knex, { downMethods: ['down'], destructive: ['dropTable old'] });
  });
});

describe('rendering (golden)', () => {
  const facts: PlanFacts = {
    branch: 'feature/pay',
    headCommit: '1234567890abcdef1234567890abcdef12345678',
    base: { ref: 'main', commit: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
    migrations: [{ file: 'db/migrate/20260301_add_status.rb', tool: 'rails', down: 'method', irreversible: [], locks: [], revertCommand: 'bin/rails db:migrate:down VERSION=20260301' }],
    envVars: [{ name: 'PAY_API_KEY', files: ['app/pay.rb'] }],
    apiBreaking: [],
    flags: [],
    flagsCompared: true,
    sourceChanged: true,
    deploy: [{ system: 'heroku', name: 'shop', file: 'app.json', rollback: ['heroku releases -a shop', 'heroku rollback -a shop'], minutes: 1 }],
    smoke: [],
    health: [],
    commits: [{ hash: 'fedcba9876543210', subject: 'Pay with the new provider', body: 'The old provider shuts down in April.', author: 'Ana', date: '2026-03-01' }],
    user: 'Ana',
  };

  it('rollback plan', () => {
    const md = renderRollbackPlan(facts, checklistDefaults.rollback);
    assert.equal(
      md,
      [
        '## Rollback plan',
        '',
        '_Generated by Deploy Readiness from `feature/pay` at `1234567` against `main` at `abcdefa`. This section is replaced when it is generated again; write outside it._',
        '',
        '**Time to roll back: about 3 min** (within the 5-minute target); about 4 min if the migrations must be reversed too.',
        '',
        '### Roll back when',
        '',
        '- the error rate is over **2×** the pre-deploy baseline',
        '- p99 latency is over **1.5×** the baseline',
        '- a health check or a smoke test fails',
        '- data looks wrong (integrity alarms, support reports)',
        '',
        'Decide within the stage that shows it; do not debug forward in production.',
        '',
        '### Steps, in order',
        '',
        '1. **Roll back the code** to the previous release:',
        '',
        '   heroku `shop` (from `app.json`):',
        '',
        '   ```sh {"name":"rollback-heroku-shop"}',
        '   heroku releases -a shop',
        '   heroku rollback -a shop',
        '   ```',
        '',
        '2. **Database**: the migrations are meant to be backward-compatible, so the previous code runs with them; leave them in place unless they must go. If they must, reverse them after the code rollback, newest first:',
        '   - `db/migrate/20260301_add_status.rb` (rails): reversible (down method): `bin/rails db:migrate:down VERSION=20260301`.',
        '3. **Environment variables** added by this change (the previous code ignores them; remove them after the rollback so they do not linger):',
        '   - `PAY_API_KEY` (read in `app/pay.rb`)',
        '4. **Verify**: error rate and p99 back at the baseline.',
        '5. **Notify** the on-call engineer and the team (set `checklist.rollback.notify`): what was rolled back, why, and what happens next.',
        '',
        '### Time estimate',
        '',
        '| Step | Minutes |',
        '| --- | ---: |',
        '| Roll back the code | 1 |',
        '| Verify (health, error rate) | 2 |',
        '| Reverse the migrations (only if needed) | 1 |',
        '',
      ].join('\n'),
    );
  });

  it('runbook: the whole document matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const md = renderRunbook({
      facts: { ...facts, flags: [{ key: 'pay-v2', sdk: 'OpenFeature', file: 'app/pay.ts', line: 9 }], health: [{ path: '/healthz', file: 'openapi.yaml' }], smoke: [{ command: 'make smoke', source: 'Makefile' }] },
      settings: { ...checklistDefaults, rollback: { ...checklistDefaults.rollback, notify: ['#deploys'] } },
      items: [
        { id: 'ci-green', title: 'CI green on the exact HEAD commit', state: 'pass', reason: '3 checks passed on 1234567', required: true, tickable: false },
        { id: 'env-vars-set', title: 'New environment variables set in production', state: 'manual', reason: 'set before deploy: PAY_API_KEY', required: true, tickable: true },
      ],
      verdict: 'blocked',
      now: new Date('2026-03-03T10:00:00Z'),
      pr: { number: 42, title: 'Pay with the new provider', body: 'The old provider shuts down in April.\n\nMore detail.', url: 'https://github.com/acme/shop/pull/42' },
    });
    const golden = path.join(REPO_ROOT, 'test', 'unit', 'plan', 'fixtures', 'runbook.golden.md');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, md);
    assert.equal(md, readFileSync(golden, 'utf8'));
  });

  it('runbook header, strategy and stages', () => {
    const md = renderRunbook({ facts, settings: checklistDefaults, items: [], verdict: 'review', now: new Date('2026-03-03T10:00:00Z') });
    assert.ok(md.startsWith('# Deployment runbook: Pay with the new provider\n\n| | |\n| --- | --- |\n| Date | 2026-03-03 10:00 UTC |\n| Engineer | Ana |\n| Branch | `feature/pay` at `1234567890ab` |'));
    assert.match(md, /## Why\n\nThe old provider shuts down in April\./);
    assert.match(md, /## 3\. Deploy: canary\n\nRecommended because schema, configuration or flagged behaviour changes/);
    assert.match(md, /\| 1 \| 1% \| 15 min \| error rate > 2× baseline, or p99 > 1\.5× baseline, or a failed health check \|\n\| 2 \| 10% \|/);
    assert.match(md, /- \[ \] `PAY_API_KEY` \(read in `app\/pay\.rb`\)/);
    assert.equal(runbookPath('docs/runbooks/{date}-{branch}.md', new Date('2026-03-03T23:59:00Z'), 'feature/Pay Fix'), 'docs/runbooks/2026-03-03-feature-pay-fix.md');
  });

  it('the PR template gets a placeholder section once', () => {
    const t = templateWithRollbackSection('## Summary\n\n## Testing\n');
    assert.ok(t.startsWith('## Summary\n\n## Testing\n\n' + ROLLBACK_START));
    assert.equal(templateWithRollbackSection(t), t);
    assert.match(templateWithRollbackSection(undefined), /Time to roll back \(target: under five minutes\)/);
  });
});
