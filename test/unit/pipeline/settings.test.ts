import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config';

describe('pipeline and stale-flag settings in .deploy-readiness.yaml', () => {
  it('are read, with defaults for what is not set', () => {
    const { config, problems } = parseConfig('checklist:\n  pipeline:\n    protectedEnvironments: [production]\n  staleFlags:\n    maxAgeDays: 90\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(config.checklist.pipeline.protectedEnvironments, ['production']);
    assert.equal(config.checklist.staleFlags.maxAgeDays, 90);
    assert.deepEqual(config.checklist.staleFlags.rolledOut, []);
    assert.equal(config.checklist.requireCleanTree, true);
  });

  it('reports a wrong key or type at its line, and keeps the valid rest', () => {
    const { config, problems } = parseConfig('checklist:\n  pipeline:\n    protectedEnvironment: [prod]\n  staleFlags:\n    maxAgeDays: soon\n    ignore: [kill-switch]\n');
    assert.deepEqual(
      problems.map((p) => [p.range.start.line, /protectedEnvironments|a number/.test(p.message)]),
      [
        [2, true],
        [4, true],
      ],
    );
    assert.equal(config.checklist.staleFlags.maxAgeDays, 30);
    assert.deepEqual(config.checklist.staleFlags.ignore, ['kill-switch']);
  });
});
