import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractSection, findSection, replaceSection, ROLLBACK_END, ROLLBACK_START } from '../../../src/core/plan/section';

describe('replaceSection: the rollback region of a PR description', () => {
  it('appends a region after a blank line when the body has none, and replaces only it next time', () => {
    const body = 'Fixes #12.\n\n## Testing\n- unit tests';
    const once = replaceSection(body, '## Rollback plan\nv1');
    assert.equal(once, `${body}\n\n${ROLLBACK_START}\n## Rollback plan\nv1\n${ROLLBACK_END}\n`);
    const edited = once + '\nA reviewer note added later.\n';
    const twice = replaceSection(edited, '## Rollback plan\nv2');
    assert.equal(twice, edited.replace('v1', 'v2'));
  });

  it('keeps CRLF bodies CRLF and an empty body gets just the region', () => {
    const out = replaceSection('Line one\r\nLine two\r\n', 'a\nb');
    assert.equal(out, `Line one\r\nLine two\r\n\r\n${ROLLBACK_START}\r\na\r\nb\r\n${ROLLBACK_END}\r\n`);
    assert.equal(replaceSection('', 'x'), `${ROLLBACK_START}\nx\n${ROLLBACK_END}\n`);
  });

  it('ignores unpaired markers (a lone end, a dangling start) instead of eating text after them', () => {
    const body = `${ROLLBACK_END} stray\n${ROLLBACK_START} dangling, then the author's text`;
    const out = replaceSection(body, 'plan');
    assert.ok(out.startsWith(body), 'nothing of the body is lost');
    assert.equal(extractSection(out), '\nplan\n');
    assert.equal(replaceSection(out, 'plan'), out, 'idempotent');
  });

  it('generated content cannot smuggle markers in', () => {
    const out = replaceSection('x', `a ${ROLLBACK_END} b ${ROLLBACK_START}`);
    assert.equal(out.split(ROLLBACK_END).length, 2);
    assert.equal(out.split(ROLLBACK_START).length, 2);
  });

  // Bodies built from the characters and fragments that matter: markers, pieces of markers, CR/LF.
  const fragment = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(ROLLBACK_START, ROLLBACK_END, '\n', '\r\n', '\r', '<!--', '-->', '<!-- deploy-readiness:rollback:', ' ', '## Rollback plan', '😀', '\u0000'),
  );
  const body = fc.array(fragment, { maxLength: 25 }).map((xs) => xs.join(''));
  const content = fc.array(fragment, { maxLength: 10 }).map((xs) => xs.join(''));

  it('property: the text outside the markers survives byte for byte (1,000 random bodies)', () => {
    fc.assert(
      fc.property(body, content, (b, c) => {
        const out = replaceSection(b, c);
        const before = findSection(b);
        const after = findSection(out);
        assert.ok(after, 'the output always has a region');
        if (before) {
          assert.equal(out.slice(0, after.from), b.slice(0, before.from));
          assert.equal(out.slice(after.to), b.slice(before.to));
        } else {
          assert.ok(out.startsWith(b), 'an appended region keeps the whole body as a prefix');
          assert.match(out.slice(b.length, after.from), /^(\r?\n){0,2}$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: re-running with the same content changes nothing, with new content changes only the region', () => {
    fc.assert(
      fc.property(body, content, content, (b, c1, c2) => {
        const once = replaceSection(b, c1);
        assert.equal(replaceSection(once, c1), once);
        const twice = replaceSection(once, c2);
        const r1 = findSection(once)!;
        const r2 = findSection(twice)!;
        assert.equal(twice.slice(0, r2.from), once.slice(0, r1.from));
        assert.equal(twice.slice(r2.to), once.slice(r1.to));
      }),
      { numRuns: 1000 },
    );
  });
});
