import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checklistVerdict, computeChecklist, windowState, type ChecklistInput } from '../../../src/core/checklist/items';
import { checklistDefaults, generatedRunbookMatcher } from '../../../src/core/checklist/settings';
import { FileTickStorage, MemoryTickStorage, TickBook } from '../../../src/core/checklist/ticks';
import { emptyFacts, type Report } from '../../../src/core/model';
import { replaceSection } from '../../../src/core/plan/section';
import { removeTree } from '../helpers';

const HEAD = 'c0ffee'.padEnd(40, '0');
// Tuesday 10:30 UTC: inside the default window.
const TUESDAY = new Date('2026-03-03T10:30:00Z');

function report(over: Partial<Report['facts']> = {}, findings: Report['findings'] = []): Report {
  const facts = { ...emptyFacts(), base: { ref: 'main', commit: 'b'.repeat(40) }, head: { branch: 'feature', commit: HEAD }, ...over };
  const error = findings.filter((f) => f.severity === 'error').length;
  const warning = findings.filter((f) => f.severity === 'warning').length;
  return { version: 1, verdict: error ? 'blocked' : warning ? 'review' : 'ready', summary: { error, warning, info: 0, new: findings.length, existing: 0, fixed: 0 }, findings, notices: [], facts };
}

function input(over: Partial<ChecklistInput> = {}): ChecklistInput {
  return {
    report: report(),
    settings: structuredClone(checklistDefaults),
    trusted: true,
    now: TUESDAY,
    status: { branch: 'feature', head: HEAD, dirty: [], ahead: 0, behind: 0, tracking: 'origin/feature' },
    behindBase: 0,
    ci: { ok: true, value: { state: 'success', failing: [], pending: [], total: 3 } },
    pr: { ok: true, value: { number: 7, url: 'u', body: replaceSection('desc', '## Rollback plan\nsteps') } },
    flags: { added: [], sourceChanged: false },
    codeChanged: false,
    ticks: {},
    ...over,
  };
}

const byId = (items: ReturnType<typeof computeChecklist>) => Object.fromEntries(items.map((i) => [i.id, i]));

describe('pre-deploy checklist', () => {
  it('everything known and fine, stakeholders ticked: ready', () => {
    const items = computeChecklist(input({ ticks: { 'stakeholders-notified': { by: 'Ana', at: '2026-03-03T10:00:00.000Z' } } }));
    assert.deepEqual(items.filter((i) => i.state !== 'pass').map((i) => i.id), []);
    assert.equal(checklistVerdict(items, 'ready'), 'ready');
    assert.match(byId(items)['stakeholders-notified'].reason, /ticked by Ana at 2026-03-03T10:00/);
  });

  it('CI failing on the head commit blocks, and names the failing checks', () => {
    const items = computeChecklist(input({ ci: { ok: true, value: { state: 'failure', failing: ['test (20)', 'lint'], pending: [], total: 4 } } }));
    const ci = byId(items)['ci-green'];
    assert.equal(ci.state, 'fail');
    assert.match(ci.reason, /failing on c0ffee0: test \(20\), lint/);
    assert.equal(checklistVerdict(items, 'ready'), 'blocked');
  });

  it('not signed in: CI and the PR are unknown, which asks for review but does not block', () => {
    const items = computeChecklist(input({ ci: undefined, pr: undefined, ticks: { 'stakeholders-notified': { by: 'a', at: 'b' } } }));
    assert.equal(byId(items)['ci-green'].state, 'unknown');
    assert.match(byId(items)['rollback-plan'].reason, /not signed in/);
    assert.equal(checklistVerdict(items, 'ready'), 'review');
  });

  it('the PR without the rollback section fails the required item', () => {
    const items = computeChecklist(input({ pr: { ok: true, value: { number: 9, url: 'u', body: 'just a description' } } }));
    assert.equal(byId(items)['rollback-plan'].state, 'fail');
    assert.match(byId(items)['rollback-plan'].reason, /#9 has no rollback plan section/);
    const none = computeChecklist(input({ pr: { ok: true, value: null } }));
    assert.match(byId(none)['rollback-plan'].reason, /no open pull request/);
  });

  it('dirty tree, unpushed and behind base are each reported', () => {
    const items = byId(computeChecklist(input({ status: { branch: 'feature', head: HEAD, dirty: [{ path: 'a.ts', state: 'M' }], ahead: 2, behind: 0, tracking: 'origin/feature' }, behindBase: 3 })));
    assert.equal(items['clean-tree'].state, 'fail');
    assert.match(items['branch-pushed'].reason, /2 commits not pushed to origin\/feature/);
    assert.match(items['up-to-date-with-base'].reason, /3 commits on main are not in this branch/);
  });

  it('a generated runbook (checklist.runbook.path) does not make the tree unclean', () => {
    const status = (paths: string[]) => ({ branch: 'feature', head: HEAD, dirty: paths.map((path) => ({ path, state: 'untracked' })), ahead: 0, behind: 0, tracking: 'origin/feature' });
    const only = byId(computeChecklist(input({ status: status(['docs/runbooks/2026-12-06-feature.md']) })));
    assert.equal(only['clean-tree'].state, 'pass', only['clean-tree'].reason);
    const both = byId(computeChecklist(input({ status: status(['docs/runbooks/2026-12-06-feature.md', 'src/a.ts']) })));
    assert.equal(both['clean-tree'].state, 'fail');
    assert.match(both['clean-tree'].reason, /^1 file with uncommitted changes: src\/a\.ts/);
    // A file beside the runbooks that does not fit the pattern still counts.
    const other = byId(computeChecklist(input({ status: status(['docs/runbooks/notes.md']) })));
    assert.equal(other['clean-tree'].state, 'fail');
  });

  it('the runbook matcher follows the configured pattern and stays linear on hostile paths', () => {
    const m = generatedRunbookMatcher('ops/{branch}/{date}.md');
    assert.equal(m('ops/feature-x/2026-12-06.md'), true);
    assert.equal(m('ops/feature-x/notes.md'), false);
    assert.equal(m('ops/a/b/2026-12-06.md'), false);
    const t = Date.now();
    generatedRunbookMatcher('{branch}{branch}x.md')('a'.repeat(4000));
    generatedRunbookMatcher('docs/{branch}.md')('docs/' + 'a'.repeat(4000));
    assert.ok(Date.now() - t < 200);
  });

  it('new env vars need a tick; a tick for another set of variables does not count', () => {
    const r = report({ envVars: [{ name: 'STRIPE_KEY', files: ['a.ts'], isNew: true, required: true }, { name: 'OLD', files: ['a.ts'], isNew: false, required: true }] });
    let items = computeChecklist(input({ report: r }));
    const env = byId(items)['env-vars-set'];
    assert.equal(env.state, 'manual');
    assert.deepEqual(env.details, ['STRIPE_KEY']);
    assert.equal(checklistVerdict(items, 'ready'), 'blocked', 'required and unticked');
    items = computeChecklist(input({ report: r, ticks: { 'env-vars-set': { by: 'Ana', at: 't', fingerprint: 'STRIPE_KEY' } } }));
    assert.equal(byId(items)['env-vars-set'].state, 'pass');
    items = computeChecklist(input({ report: r, ticks: { 'env-vars-set': { by: 'Ana', at: 't', fingerprint: 'SOMETHING_ELSE' } } }));
    assert.equal(byId(items)['env-vars-set'].state, 'manual');
    assert.match(byId(items)['env-vars-set'].reason, /older tick by Ana covered something else/);
  });

  it('migration errors fail the compatibility item; destructive operations ask for a confirmation', () => {
    const finding = { ruleId: 'migration/require-concurrent-index', area: 'migration' as const, severity: 'error' as const, message: 'm', file: 'db/1.sql', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const mig = { migrations: [{ file: 'db/1.sql', tool: 'sql', dialect: 'postgres', isNew: true }] };
    let items = byId(computeChecklist(input({ report: report(mig, [finding]), codeChanged: true })));
    assert.equal(items['migrations-compatible'].state, 'fail');
    assert.equal(items['migrations-first'].state, 'manual');
    items = byId(computeChecklist(input({ report: report(mig), destructive: [{ file: 'db/1.sql', ops: ['DROP COLUMN users.note'] }] })));
    assert.equal(items['migrations-compatible'].state, 'manual');
    assert.match(items['migrations-compatible'].reason, /DROP COLUMN users\.note/);
    assert.equal(items['migrations-first'].state, 'pass', 'only migrations change');
  });

  it('feature flags: new keys pass; source changes without a new flag ask for a confirmation', () => {
    let items = byId(computeChecklist(input({ flags: { added: [{ key: 'checkout-v2', sdk: 'LaunchDarkly', file: 'a.ts', line: 1 }], sourceChanged: true } })));
    assert.match(items['feature-flags'].reason, /checkout-v2 \(LaunchDarkly\)/);
    items = byId(computeChecklist(input({ flags: { added: [], sourceChanged: true } })));
    assert.equal(items['feature-flags'].state, 'manual');
    assert.equal(items['feature-flags'].required, false);
  });

  it('Restricted Mode: nothing from git or GitHub is claimed', () => {
    const items = byId(computeChecklist(input({ trusted: false, status: undefined, behindBase: undefined, ci: undefined, pr: undefined, flags: undefined, report: report({ base: undefined }) })));
    for (const id of ['ci-green', 'clean-tree', 'branch-pushed', 'rollback-plan', 'env-vars-set']) {
      assert.equal(items[id].state, 'unknown', id);
      assert.match(items[id].reason, /Restricted Mode/, id);
    }
  });

  it('the findings verdict and the checklist verdict combine', () => {
    const ok = computeChecklist(input({ ticks: { 'stakeholders-notified': { by: 'a', at: 'b' } } }));
    assert.equal(checklistVerdict(ok, 'blocked'), 'blocked');
    assert.equal(checklistVerdict(ok, 'review'), 'review');
  });

  describe('deployment window', () => {
    const w = { ...checklistDefaults.window, timezone: 'Europe/Berlin', freeze: ['2026-12-20..2027-01-02', '2026-03-05'] };
    it('inside hours passes, in the window time zone', () => {
      const s = windowState(w, new Date('2026-03-03T08:30:00Z')); // 09:30 in Berlin
      assert.equal(s.state, 'pass');
      assert.match(s.reason, /Tue 2026-03-03 09:30 Europe\/Berlin/);
    });
    it('outside hours and late Friday warn (advisory), a freeze date blocks', () => {
      const early = windowState(w, new Date('2026-03-03T06:00:00Z'));
      assert.match(early.reason, /outside the deploy hours 09:00-17:00/);
      assert.ok(!early.freeze);
      assert.match(windowState(w, new Date('2026-03-06T14:30:00Z')).reason, /late Friday/);
      assert.match(windowState(w, new Date('2026-03-07T10:00:00Z')).reason, /allowed on mon, tue, wed, thu, fri only/);
      assert.equal(windowState(w, new Date('2026-12-24T10:00:00Z')).freeze, true);
      assert.equal(windowState(w, new Date('2026-03-05T10:00:00Z')).freeze, true);
      const late = computeChecklist(input({ now: new Date('2026-03-06T16:30:00Z'), settings: { ...checklistDefaults, window: w }, ticks: { 'stakeholders-notified': { by: 'a', at: 'b' } } }));
      assert.equal(checklistVerdict(late, 'ready'), 'review', 'late Friday is a warning, not a block');
      const frozen = computeChecklist(input({ now: new Date('2026-12-24T10:00:00Z'), settings: { ...checklistDefaults, window: w } }));
      assert.equal(checklistVerdict(frozen, 'ready'), 'blocked');
    });
  });

  describe('TickBook', () => {
    it('ticks per branch with who and when; untick removes', async () => {
      const book = new TickBook(new MemoryTickStorage());
      await book.tick('feature', 'stakeholders-notified', 'Ana', TUESDAY);
      assert.deepEqual(await book.forBranch('feature'), { 'stakeholders-notified': { by: 'Ana', at: '2026-03-03T10:30:00.000Z' } });
      assert.deepEqual(await book.forBranch('other'), {});
      assert.equal(await book.untick('feature', 'stakeholders-notified'), true);
      assert.equal(await book.untick('feature', 'stakeholders-notified'), false);
    });
    it('a file store survives a new process; a corrupt file reads as empty and is rewritten', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-ticks-'));
      try {
        const file = path.join(dir, 'deploy-readiness', 'ticks.json');
        await new TickBook(new FileTickStorage(file)).tick(undefined, 'x', 'Bo', TUESDAY, 'fp');
        assert.deepEqual(await new TickBook(new FileTickStorage(file)).forBranch(undefined), { x: { by: 'Bo', at: '2026-03-03T10:30:00.000Z', fingerprint: 'fp' } });
        writeFileSync(file, '{not json');
        const book = new TickBook(new FileTickStorage(file));
        assert.deepEqual(await book.forBranch(undefined), {});
        await book.tick('b', 'y', 'C', TUESDAY);
        assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);
      } finally {
        removeTree(dir);
      }
    });
  });
});
