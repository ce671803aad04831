import * as assert from 'node:assert/strict';
import { blockersOf } from '../../../src/core/blockers';
import { computeChecklist, windowState } from '../../../src/core/checklist/items';
import { checklistDefaults } from '../../../src/core/checklist/settings';
import type { PlanFacts } from '../../../src/core/plan/facts';
import { renderRunbook } from '../../../src/core/plan/runbook';
import { checkLook } from '../../../src/core/present';

const facts: PlanFacts = {
  branch: 'feature/pay',
  headCommit: '1234567890abcdef1234567890abcdef12345678',
  base: { ref: 'main', commit: 'abcdefabcdefabcdefabcdefabcdefabcdefabcd' },
  migrations: [],
  envVars: [],
  apiBreaking: [],
  flags: [],
  flagsCompared: true,
  sourceChanged: true,
  deploy: { targets: [] },
  smoke: [],
  health: [],
  commits: [],
  user: 'Ana',
};

/** The deployment-window item as the checklist computes it at `now` with `window` settings. */
function windowItem(window: Partial<typeof checklistDefaults.window>, now: Date) {
  const w = { ...checklistDefaults.window, ...window };
  const s = windowState(w, now);
  return { id: 'deploy-window', title: 'Inside the deployment window', state: s.state, reason: s.reason, required: true, tickable: false, advisory: s.state === 'fail' && !s.freeze };
}

function runbookRow(items: ReturnType<typeof windowItem>[]): string | undefined {
  const md = renderRunbook({ facts, settings: checklistDefaults, items, verdict: 'review', now: new Date('2026-03-07T10:00:00Z') });
  return md.split('\n').find((l) => l.includes('| Inside the deployment window'));
}

describe('checklist items: one state, one icon in the tree and the runbook', () => {
  it('outside deploy hours: required but advisory, a warning (⚠️) that does not block', () => {
    const item = windowItem({}, new Date('2026-03-07T10:00:00Z')); // a Saturday
    assert.equal(item.state, 'fail');
    assert.equal(checkLook(item), 'advisory'); // the tree's yellow warning icon
    assert.equal(runbookRow([item]), '| ⚠️ | Inside the deployment window (advisory) | Sat 2026-03-07 10:00 UTC: deploys are allowed on mon, tue, wed, thu, fri only |');
    assert.equal(blockersOf({ version: 1, verdict: 'ready', summary: { error: 0, warning: 0, info: 0, new: 0, existing: 0, fixed: 0 }, findings: [], notices: [], facts: { migrations: [], envVars: [], apiSchemas: [] } }, [item]).blockers.length, 0);
  });

  it('inside a freeze: a blocking error (❌) in both places', () => {
    const item = windowItem({ freeze: ['2026-03-02..2026-03-06'] }, new Date('2026-03-04T10:00:00Z'));
    assert.equal(checkLook(item), 'blocking'); // the tree's red error icon
    assert.match(runbookRow([item]) ?? '', /^\| ❌ \| Inside the deployment window \(required\) \| .* inside the freeze 2026-03-02\.\.2026-03-06 \|$/);
  });

  it('the checklist marks the window item advisory only when it is not a freeze', () => {
    const base = { report: { version: 1 as const, verdict: 'ready' as const, summary: { error: 0, warning: 0, info: 0, new: 0, existing: 0, fixed: 0 }, findings: [], notices: [], facts: { migrations: [], envVars: [], apiSchemas: [] } }, trusted: false, ticks: {} };
    const outside = computeChecklist({ ...base, settings: checklistDefaults, now: new Date('2026-03-07T10:00:00Z') } as Parameters<typeof computeChecklist>[0]).find((i) => i.id === 'deploy-window')!;
    assert.equal(outside.advisory, true);
    const frozen = computeChecklist({ ...base, settings: { ...checklistDefaults, window: { ...checklistDefaults.window, freeze: ['2026-03-07'] } }, now: new Date('2026-03-07T10:00:00Z') } as Parameters<typeof computeChecklist>[0]).find((i) => i.id === 'deploy-window')!;
    assert.equal(frozen.advisory, false);
    assert.equal(checkLook(frozen), 'blocking');
  });
});
