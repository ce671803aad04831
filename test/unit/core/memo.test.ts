import * as assert from 'node:assert/strict';
import { FileMemo } from '../../../src/core/memo';

describe('per-file memo', () => {
  it('computes once per path, content and inputs; counts what it computed; another scope starts afresh', async () => {
    const memo = new FileMemo();
    memo.setScope('a');
    memo.beginRun();
    let runs = 0;
    const compute = async () => (runs++, { reads: ['X'], none: undefined });
    const first = await memo.get('k', 'src/a.ts', 'h1', '', compute);
    assert.deepEqual(first, { reads: ['X'] }, 'a computed result is returned as a reused one is (through JSON)');
    first.reads.push('changed by the caller');
    assert.deepEqual(await memo.get('k', 'src/a.ts', 'h1', '', compute), { reads: ['X'] }, 'a caller cannot change the memo');
    await memo.get('k', 'src/a.ts', 'h2', '', compute);
    await memo.get('k', 'src/a.ts', 'h1', 'other input', compute);
    assert.equal(runs, 3);
    assert.deepEqual(memo.stats().reanalysed, 1, 'one file');
    assert.equal(memo.stats().reused, 1);
    memo.setScope('b');
    await memo.get('k', 'src/a.ts', 'h1', '', compute);
    assert.equal(runs, 4, 'another configuration computes again');
  });

  it('is bounded: past its size the least recently used results go', () => {
    const memo = new FileMemo(1000);
    memo.setScope('s');
    for (let i = 0; i < 100; i++) memo.getSync('k', `f${i}`, 'h', '', () => 'x'.repeat(98));
    assert.ok(memo.size <= 10, `${memo.size} results kept`);
    let runs = 0;
    memo.getSync('k', 'f99', 'h', '', () => (runs++, ''));
    memo.getSync('k', 'f0', 'h', '', () => (runs++, ''));
    assert.equal(runs, 1, 'the newest is kept, the oldest dropped');
  });

  it('saves only what the last run used; a checked result is reused only while its inputs hold', async () => {
    const memo = new FileMemo();
    memo.setScope('s');
    memo.beginRun();
    memo.getSync('k', 'old', 'h', '', () => 1);
    memo.beginRun();
    memo.getSync('k', 'new', 'h', '', () => 2);
    assert.deepEqual(memo.usedEntries(1e6).map(([k]: [string, string]) => k.split('\0')[1]), ['new']);
    let ok = true;
    let runs = 0;
    const get = () => memo.getChecked('c', 'doc', 'h', '', async () => ok, async () => ++runs);
    await get();
    await get();
    assert.equal(runs, 1);
    ok = false;
    await get();
    assert.equal(runs, 2, 'an input changed: computed again');
  });
});
