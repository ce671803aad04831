import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';
import { defaultConfig } from '../../../src/core/config';
import { silentLogger } from '../../../src/core/analyzer';
import { AnalysisService } from '../../../src/core/service';
import { extractSection } from '../../../src/core/plan/section';
import { branchRepo, removeTree } from '../helpers';

describe('checklist settings and the worker requests', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('the checklist keys validate with positions; bad values keep the defaults', () => {
    const ok = parseConfig(
      'checklist:\n  window:\n    timezone: Europe/Berlin\n    freeze: ["2026-12-20..2027-01-02"]\n  manual:\n    - { id: status-page, title: Status page note, required: true }\n  rollback:\n    notify: ["#deploys"]\n  runbook:\n    stages: [5, 50, 100]\n',
    );
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.config.checklist.window.timezone, 'Europe/Berlin');
    assert.equal(ok.config.checklist.window.hours, '09:00-17:00', 'unspecified keys keep their defaults');
    assert.deepEqual(ok.config.checklist.manual.map((m) => m.id), ['status-page']);
    assert.deepEqual(ok.config.checklist.runbook.stages, [5, 50, 100]);
    const bad = parseConfig('checklist:\n  rollback:\n    p99Factor: fast\n  runbok: {}\n');
    assert.deepEqual(
      bad.problems.map((p) => [p.range.start.line, p.message.replace(/; known keys.*/, '')]),
      [
        [2, '.deploy-readiness.yaml: checklist.rollback.p99Factor: expected a number, got string "fast"'],
        [3, '.deploy-readiness.yaml: checklist.runbok: unknown key "runbok"'],
      ],
    );
    assert.equal(bad.config.checklist.rollback.p99Factor, 1.5);
  });

  it('the worker answers checklist, rollbackPlan and runbook requests from its last analysis', async function () {
    this.timeout(60_000);
    const dir = branchRepo({ 'a.ts': 'x' }, { 'db/migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n' });
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    assert.equal((await service.handle({ id: 1, method: 'checklist', params: { ticks: {} } })).ok, false, 'nothing open yet');
    const opened = await service.handle({ id: 2, method: 'open', params: { root: dir, config: defaultConfig(), trusted: true, overlays: {} } });
    assert.ok(opened.ok && opened.method === 'open');
    const cl = await service.call('checklist', { ticks: { 'stakeholders-notified': { by: 'Ana', at: '2026-01-01T00:00:00Z' } } });
    const st = cl.checklist.items.find((i) => i.id === 'stakeholders-notified')!;
    assert.equal(st.state, 'pass');
    const plan = await service.call('rollbackPlan', { write: false });
    assert.match(extractSection(plan.section)!, /001_a\.up\.sql` \(golang-migrate\): no down step; it only adds, so leave it in place/);
    assert.equal(plan.published, undefined);
    const rb = await service.call('runbook', { ticks: {} });
    assert.match(rb.path, /^docs\/runbooks\/\d{4}-\d{2}-\d{2}-feature\.md$/);
  });
});
