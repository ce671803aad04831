import * as assert from 'node:assert/strict';
import { isDiagnostic, checkLook, checkRequirement, checkStateWords, findingDescription, findingTitle, orderActions, plural, relativeTime, severityCounts, verdictLabel } from '../../../src/core/present';

describe('present: quick-fix order and tree wording', () => {
  it('puts the error\'s fixes before an info\'s and prefers the error\'s safe pattern', () => {
    // SET NOT NULL line: the info (statement_timeout) is reported first, the error second.
    const out = orderActions([
      { value: 'info: Set statement_timeout first', severity: 'info', fix: true, preferred: true },
      { value: 'info: docs', severity: 'info', fix: false },
      { value: 'error: Add CHECK NOT VALID, validate, then SET NOT NULL', severity: 'error', fix: true, preferred: true },
      { value: 'error: ignore', severity: 'error', fix: false },
      { value: 'warning: lock_timeout', severity: 'warning', fix: true },
    ]);
    assert.deepEqual(
      out.map((o) => o.value),
      ['error: Add CHECK NOT VALID, validate, then SET NOT NULL', 'error: ignore', 'warning: lock_timeout', 'info: Set statement_timeout first', 'info: docs'],
    );
    assert.deepEqual(out.filter((o) => o.isPreferred).map((o) => o.value), ['error: Add CHECK NOT VALID, validate, then SET NOT NULL']);
  });

  it('marks exactly one preferred fix, the most severe diagnostic\'s first fix when none is flagged', () => {
    const out = orderActions([
      { value: 'w1', severity: 'warning', fix: true, preferred: true },
      { value: 'e1', severity: 'error', fix: true },
      { value: 'e2', severity: 'error', fix: true },
    ]);
    assert.deepEqual(out.filter((o) => o.isPreferred).map((o) => o.value), ['e1']);
  });

  it('prefers nothing when only ignore and docs actions are offered', () => {
    const out = orderActions([
      { value: 'ignore', severity: 'error', fix: false },
      { value: 'docs', severity: 'error', fix: false },
    ]);
    assert.equal(out.filter((o) => o.isPreferred).length, 0);
  });

  it('gives a finding row a short title, the line and rule as description', () => {
    const f = {
      ruleId: 'migration/require-concurrent-index',
      message: 'CREATE INDEX without CONCURRENTLY on "orders": INSERT, UPDATE and DELETE wait until the index is built. Use CREATE INDEX CONCURRENTLY.',
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 9 } },
    };
    assert.equal(findingTitle(f), 'CREATE INDEX without CONCURRENTLY on "orders"');
    assert.equal(findingDescription(f), 'L4 · migration/require-concurrent-index');
  });

  it('does not cut a title inside a quoted identifier holding a colon or a period', () => {
    assert.equal(findingTitle({ message: 'Column "a.b: c" dropped: code still reads it.' }), 'Column "a.b: c" dropped');
  });

  it('keeps long titles short, cut at a word', () => {
    const t = findingTitle({ message: 'word '.repeat(40) });
    assert.ok(t.length <= 64, t);
    assert.ok(t.endsWith('word…'), t);
  });

  it('falls back to the rule summary when the message has no usable first clause', () => {
    assert.equal(findingTitle({ message: 'X: y' }, 'Set lock_timeout before a blocking statement; or else'), 'Set lock_timeout before a blocking statement');
  });

  it('writes counts with the right plural and one verdict wording', () => {
    assert.equal(plural(1, 'error'), '1 error');
    assert.equal(plural(2, 'error'), '2 errors');
    assert.equal(severityCounts({ error: 1, warning: 2, info: 3 }), '1 error, 2 warnings, 3 info');
    assert.equal(verdictLabel('blocked'), 'Blocked');
  });

  it('writes times relative to now and states in words', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    assert.equal(relativeTime('2026-12-06T11:59:50Z', now), 'just now');
    assert.equal(relativeTime('2026-12-06T11:55:00Z', now), '5 minutes ago');
    assert.equal(relativeTime('2026-12-06T11:00:00Z', now), '1 hour ago');
    assert.equal(relativeTime('2026-12-03T12:00:00Z', now), '3 days ago');
    assert.equal(relativeTime('2026-12-06T14:00:00Z', now), 'in 2 hours');
    assert.equal(checkStateWords('unknown'), 'Could not be checked');
    assert.equal(checkStateWords('fail'), 'Failing');
  });

  it('shows a failed advisory item (outside deploy hours) as a warning, not as required and failing', () => {
    const outside = { state: 'fail', required: true, advisory: true };
    assert.equal(checkLook(outside), 'advisory');
    assert.equal(checkRequirement(outside), 'advisory: asks for review, does not block');
    assert.equal(checkLook({ state: 'fail', required: true }), 'blocking');
    assert.equal(checkRequirement({ state: 'fail', required: true }), 'required');
  });

  it('keeps git state out of the editor diagnostics', () => {
    assert.equal(isDiagnostic({ ruleId: 'checklist/uncommitted-changes' }), false);
    assert.equal(isDiagnostic({ ruleId: 'migration/require-concurrent-index' }), true);
  });
});
