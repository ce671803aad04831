import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { gitInvocations } from '../../../src/core/git';
import type { PlanFacts } from '../../../src/core/plan/facts';
import { renderRollbackPlan, templateWithRollbackSection } from '../../../src/core/plan/rollback';
import { renderRunbook, runbookPath } from '../../../src/core/plan/runbook';
import { rollbackPlanOf, runbookOf, checklistOf } from '../../../src/core/plan/run';
import { extractSection, ROLLBACK_START } from '../../../src/core/plan/section';
import { checklistDefaults } from '../../../src/core/checklist/settings';
import { branchRepo, cli, git, REPO_ROOT, removeTree } from '../helpers';
import { routedFetch, startFakeGithub } from './fakeGithub';
import { main } from '../../../src/cli/main';

const BASE = {
  '.env.example': 'DATABASE_URL=\n',
  'src/app.ts': "export const db = process.env.DATABASE_URL;\n",
  'db/migrations/001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\n',
  'db/migrations/001_init.down.sql': 'DROP TABLE orders;\n',
  'k8s/api.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 3\n',
  '.github/workflows/deploy.yml': 'on: { push: { branches: [main] } }\njobs:\n  deploy-production:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: actions/checkout@v4\n      - run: kubectl apply -f k8s/api.yaml\n',
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
    assert.deepEqual(facts.migrations.map((m) => [m.file, m.down?.kind, m.reversibility, m.destructive]), [
      ['db/migrations/002_status.up.sql', 'file', 'down', []],
      ['db/migrations/003_drop_note.up.sql', undefined, 'irreversible', ['DROP COLUMN orders.note']],
    ]);
    assert.deepEqual(report.facts.migrations.find((m) => m.file === 'db/migrations/003_drop_note.up.sql')?.reversibility, 'irreversible', 'the report carries it: the tree shows the same');
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
    assert.match(markdown, /002_status\.up\.sql` \(golang-migrate\): reversible by its down file `db\/migrations\/002_status\.down\.sql`: `migrate -path db\/migrations -database "\$DATABASE_URL" down 1`/);
    assert.match(markdown, /\*\*Time to roll back the code: not estimated\*\*/);
    assert.doesNotMatch(markdown, /\b30\b/, 'no invented restore time');
    assert.doesNotMatch(markdown, /\d{4}-\d{2}-\d{2}T/, 'no timestamps: the same state gives the same plan');
  });

  it('without deploy tooling the command is a clearly marked placeholder; a configured command wins', async () => {
    const dir = branchRepo({ 'a.ts': 'x' }, { 'a.ts': 'y' });
    dirs.push(dir);
    let { ws, report } = await open(dir);
    assert.match((await rollbackPlanOf(ws.ctx, report)).markdown, /TODO: which production deployment does this change roll back\?/);
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
    assert.deepEqual(facts.deploy.targets.map((d) => d.name), ['shop-api'], 'fly.toml is a platform file; plain manifests and a chart are not production evidence');
    assert.match(markdown, /fly deploy -a shop-api --image '<previous image>'/);
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
    for (const h of ['## What is changing', '## Pre-deploy checklist', '## 1. Configuration', '## 2. Database', '## 3. Deploy: rolling', '## 4. Verify', '## 5. Rollback', '## 6. Communication']) {
      assert.ok(a.markdown.includes(h), h);
    }
    assert.match(a.markdown, /```sh \{"name":"verify"\}\ncurl -fsS "\$BASE_URL"\/healthz   # from openapi\.yaml\nnpm run smoke   # from package\.json\n```/);
    assert.match(a.markdown, /\*\*Backup first\.\*\* A migration destroys data \(DROP COLUMN orders\.note\)/);
    assert.doesNotMatch(a.markdown, /\| 1% \|/, 'a rolling update has no traffic stages');
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
      writeFileSync(path.join(repo, '.deploy-readiness.yaml'), `checklist:\n  rollback:\n    notify: ["#deploys"]\n`);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'config');
      // In process, with api.github.com routed to the local GitHub (the API host is never configurable from the repository).
      const net = routedFetch({ 'https://api.github.com': gh.url });
      const cliAsync = async (args: string[], cwd: string, env: Record<string, string> = {}) => {
        let stdout = '';
        let stderr = '';
        const code = await main(args, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), cwd, isTTY: false, env: { GITHUB_TOKEN: '', GH_TOKEN: '', ...env }, fetch: net });
        return { code, stdout, stderr };
      };
      let r = await cliAsync(['rollback-plan'], repo);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith(ROLLBACK_START));
      assert.equal(gh.state.requests.length, 0, 'no token: GitHub is not contacted');
      r = await cliAsync(['rollback-plan', '--write-pr'], repo);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /not signed in to GitHub \(set GITHUB_TOKEN or GH_TOKEN\)/);
      assert.ok(r.stdout.includes(ROLLBACK_START), 'the plan is printed even when it cannot be written');
      r = await cliAsync(['rollback-plan', '--write-pr'], repo, { GITHUB_TOKEN: 'good-token' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /written to pull request #12/);
      const body = gh.state.pulls[0].body!;
      assert.ok(body.startsWith('Why: faster checkout.\n\n'));
      assert.match(extractSection(body)!, /Notify\*\* `#deploys`/);
      r = await cliAsync(['rollback-plan', '--write-pr'], repo, { GITHUB_TOKEN: 'bad' });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /GitHub rejected the token/);
      // The checklist now sees the section in the PR and CI on the exact head commit.
      const head = git(repo, 'rev-parse', 'HEAD').trim();
      gh.state.checkRuns[head] = [{ name: 'test', status: 'completed', conclusion: 'failure' }];
      r = await cliAsync(['checklist', '--format', 'json', '--now', '2026-03-03T10:00:00Z'], repo, { GITHUB_TOKEN: 'good-token' });
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

describe('rendering (golden)', () => {
  const facts: PlanFacts = {
    branch: 'feature/pay',
    headCommit: '1234567890abcdef1234567890abcdef12345678',
    base: { ref: 'main', commit: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
    migrations: [{ file: 'db/migrate/20260301_add_status.rb', tool: 'rails', dialect: 'postgres', isNew: true, down: { kind: 'method' }, reversibility: 'down', destructive: [], operations: ['ADD COLUMN orders.status'], locks: [] }],
    envVars: [{ name: 'PAY_API_KEY', files: ['app/pay.rb'] }],
    apiBreaking: [],
    flags: [],
    flagsCompared: true,
    sourceChanged: true,
    deploy: { targets: [{ system: 'heroku', name: 'shop', file: '.github/workflows/deploy.yml', source: 'ci' }] },
    smoke: [],
    health: [],
    commits: [{ hash: 'fedcba9876543210', subject: 'Pay with the new provider', body: 'The old provider shuts down in April.', author: 'Ana', date: '2026-03-01' }],
    user: 'Ana',
  };

  it('rollback plan: the whole section matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const md = renderRollbackPlan(facts, checklistDefaults.rollback);
    const golden = path.join(REPO_ROOT, 'test', 'unit', 'plan', 'fixtures', 'rollback.golden.md');
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, md);
    assert.equal(md, readFileSync(golden, 'utf8'));
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
    // No pull request: the branch and its newest commit (commits are newest first), never the oldest.
    const older = { hash: '0123456789abcdef', subject: 'build(deps): bump babel', body: '', author: 'bot', date: '2026-02-01' };
    const md = renderRunbook({ facts: { ...facts, commits: [...facts.commits, older] }, settings: checklistDefaults, items: [], verdict: 'review', now: new Date('2026-03-03T10:00:00Z') });
    assert.ok(md.startsWith('# Deployment runbook: feature/pay (Pay with the new provider)\n\n| | |\n| --- | --- |\n| Date | 2026-03-03 10:00 UTC |\n| Engineer | Ana |\n| Branch | `feature/pay` at `1234567890ab` |'), md.slice(0, 200));
    assert.match(md, /## Why\n\nThe old provider shuts down in April\./);
    // Heroku releases switch every dyno at once: no traffic stages are invented.
    assert.match(md, /## 3\. Deploy: direct\n\nRecommended: heroku switches every instance to the new release at once\./);
    assert.doesNotMatch(md, /\| 1% \|/);
    // Argo Rollouts: canary with the configured stages and abort thresholds.
    const canary = renderRunbook({ facts: { ...facts, deploy: { targets: [], progressive: 'argo-rollouts' } }, settings: checklistDefaults, items: [], verdict: 'review', now: new Date('2026-03-03T10:00:00Z') });
    assert.match(canary, /## 3\. Deploy: canary\n\nRecommended: Argo Rollouts runs the rollout/);
    assert.match(canary, /\| 1 \| 1% \| 15 min \| error rate > 2× baseline, or p99 > 1\.5× baseline, or a failed health check \|\n\| 2 \| 10% \|/);
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
