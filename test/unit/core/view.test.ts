import * as assert from 'node:assert/strict';
import { blockersOf, blockingFindings, blockingItems } from '../../../src/core/blockers';
import type { ChecklistItem } from '../../../src/core/checklist/items';
import { emptyFacts, summarize, type Finding, type Report } from '../../../src/core/model';
import { areaView, verdictTooltip } from '../../../src/core/view';

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'env/missing-from-example',
  area: 'env',
  severity: 'error',
  message: 'X is read here but not declared in .env.example.',
  file: 'src/a.js',
  range: { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } },
  baseline: 'existing',
  ...over,
});

function report(findings: Finding[], facts = emptyFacts()): Report {
  const summary = summarize(findings, 'new', 1);
  return {
    version: 1,
    verdict: summary.error ? 'blocked' : summary.warning ? 'review' : 'ready',
    summary,
    findings,
    notices: [],
    facts: { ...facts, base: { ref: 'main', commit: 'a'.repeat(40) } },
    baseline: { compared: true, scope: 'new', base: 'main@aaaaaaa', fixed: [] },
  };
}

const required = (over: Partial<ChecklistItem>): ChecklistItem => ({ id: 'rollback-plan', title: 'Rollback plan written', state: 'manual', reason: 'tick when done', required: true, tickable: true, ...over });

describe('view: what the tree and the status bar show, decided in core', () => {
  it('splits an area into this branch and already on the base', () => {
    const fresh = finding({ baseline: 'new', file: 'src/new.js', fixes: [{ title: 'Add X to .env.example', edits: [], isPreferred: true }] });
    const r = report([finding({}), finding({ file: 'src/b.js' }), fresh], { ...emptyFacts(), envVars: [{ name: 'X', files: ['src/a.js'], isNew: false, required: true }] });
    const v = areaView(r, 'env');
    assert.deepEqual(v.fresh, [fresh]);
    assert.equal(v.existing.length, 2);
    assert.equal(v.compared, true);
    assert.equal(v.nothingToCheck, undefined);
  });

  it('an area with no input says nothing to check; one that was checked and is clean does not', () => {
    const r = report([]);
    assert.equal(areaView(r, 'api').nothingToCheck, 'no API schema in the repository');
    assert.equal(areaView(r, 'migration').nothingToCheck, 'no migration added or changed on this branch');
    const withSchema = report([], { ...emptyFacts(), apiSchemas: [{ file: 'openapi.yaml', kind: 'openapi', hasBase: true }] });
    assert.equal(areaView(withSchema, 'api').nothingToCheck, undefined);
  });

  it('an API contract that needs a base and had none says why, instead of "no findings"', () => {
    const schema = { ...emptyFacts(), apiSchemas: [{ file: 'openapi.yaml', kind: 'openapi', hasBase: false }] };
    const restricted: Report = { ...report([]), facts: schema, baseline: { compared: false, scope: 'new', reason: 'Restricted Mode runs no git', fixed: [] } };
    assert.equal(areaView(restricted, 'api').notCompared, 'Restricted Mode runs no git');
    assert.equal(areaView(restricted, 'env').notCompared, undefined, 'env reads are checked from the files');
    // With a base, a schema added on this branch (no base version) was still checked: nothing to report.
    assert.equal(areaView(report([], schema), 'api').notCompared, undefined);
  });

  it('the blockers the tree opens: deciding errors (else warnings) and required items not done', () => {
    const err = finding({ baseline: 'new' });
    const warn = finding({ baseline: 'new', severity: 'warning', file: 'src/w.js' });
    assert.deepEqual(blockingFindings(report([finding({}), err, warn])), [err]);
    assert.deepEqual(blockingFindings(report([finding({}), warn])), [warn]);
    const items = [required({}), required({ id: 'deploy-window', state: 'fail', advisory: true }), required({ id: 'x', required: false }), required({ id: 'ci', state: 'pass' })];
    assert.deepEqual(blockingItems(items).map((i) => i.id), ['rollback-plan']);
  });

  it('the tooltip lists each blocker, a finding or a required checklist item, with its next action', () => {
    const fresh = finding({ baseline: 'new', file: 'src/new.js', fixes: [{ title: 'Add X to .env.example', edits: [], isPreferred: true }] });
    const r = report([finding({}), fresh]);
    const tip = verdictTooltip(r, [required({}), required({ id: 'ci-green', title: 'CI green', state: 'pass' }), required({ id: 'tests', title: 'Tests pass', state: 'fail', reason: '2 checks failing', tickable: false })], 'blocked');
    assert.equal(
      tip,
      [
        'Blocked: 1 error, 0 warnings, 0 info introduced by this change; 1 existing on main@aaaaaaa, 1 fixed',
        'Blockers:',
        '• src/new.js:5 env/missing-from-example: X is read here but not declared in .env.example. → quick fix: Add X to .env.example',
        '• checklist: Rollback plan written (not ticked) → when done: deploy-readiness checklist --tick rollback-plan',
        '• checklist: Tests pass (2 checks failing) → 2 checks failing',
      ].join('\n'),
    );
  });

  it('existing findings never block; with nothing blocking, the warnings are what to review', () => {
    const warn = finding({ baseline: 'new', severity: 'warning', ruleId: 'env/new-on-branch', fixes: undefined, docs: 'docs/rules/env/new-on-branch.md' });
    const { blockers } = blockersOf(report([finding({}), warn]));
    assert.deepEqual(blockers.map((b) => `${b.level} ${b.action}`), ['warning open src/a.js:5 (see docs/rules/env/new-on-branch.md)']);
    assert.match(verdictTooltip(report([finding({}), warn])), /^Review: .*\nTo review:\n• src\/a\.js:5 env\/new-on-branch/);
  });
});
