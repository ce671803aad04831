import * as assert from 'node:assert/strict';
import { effectiveSeverity, parseConfig } from '../../../src/core/config';

/** Issue 12: `.deploy-readiness.yaml` cannot reach Object.prototype, and odd keys are ordinary unknown keys. */
describe('configuration parsing without prototype pollution', () => {
  afterEach(() => {
    for (const k of ['x', 'y', 'polluted']) delete (Object.prototype as Record<string, unknown>)[k];
  });

  it('rules: {__proto__: {x: 1}} (and at other depths) leaves Object.prototype alone and is an unknown key on its line', () => {
    const text = 'failOn: warning\nrules:\n  __proto__: {x: 1}\n  migrations/add-column-default: off\nchecklist:\n  window:\n    __proto__: {polluted: yes}\n__proto__: {y: 2}\n';
    const { config, problems } = parseConfig(text);
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(({} as Record<string, unknown>).y, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(
      problems.map((p) => [p.range.start.line, p.message.replace(/; known keys.*/, '')]),
      [
        [2, '.deploy-readiness.yaml: rules.__proto__: unknown key "__proto__"'],
        [6, '.deploy-readiness.yaml: checklist.window.__proto__: unknown key "__proto__"'],
        [7, '.deploy-readiness.yaml: __proto__: unknown key "__proto__"'],
      ],
    );
    assert.equal(config.failOn, 'warning', 'the rest of the file applies');
    assert.equal(config.rules['migrations/add-column-default'], 'off');
    assert.equal(Object.getPrototypeOf(config.checklist.window), Object.prototype);
  });

  for (const key of ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__']) {
    it(`a "${key}:" key is an unknown key with its line, at the top and inside a section`, () => {
      const { problems, config } = parseConfig(`base: main\n${key}: 1\nchecklist:\n  ${key}: [a]\n  rollback:\n    ${key}: {}\n`);
      assert.deepEqual(
        problems.map((p) => [p.range.start.line, p.range.start.character, p.message.replace(/; known keys.*/, '')]),
        [
          [1, 0, `.deploy-readiness.yaml: ${key}: unknown key "${key}"`],
          [3, 2, `.deploy-readiness.yaml: checklist.${key}: unknown key "${key}"`],
          [5, 4, `.deploy-readiness.yaml: checklist.rollback.${key}: unknown key "${key}"`],
        ],
      );
      assert.equal(config.base, 'main');
      assert.equal(typeof ({} as Record<string, unknown>).toString, 'function');
    });
  }

  it('a rule named like an Object member is not found on the prototype', () => {
    const { config, problems } = parseConfig('rules:\n  constructor: off\n  toString: error\n');
    assert.deepEqual(problems.map((p) => p.message.replace(/; known keys.*/, '')), ['.deploy-readiness.yaml: rules.constructor: unknown key "constructor"']);
    assert.equal(effectiveSeverity(config, 'constructor', 'warning'), 'warning');
    assert.equal(effectiveSeverity(config, 'hasOwnProperty', 'warning'), 'warning');
    assert.equal(effectiveSeverity(config, 'toString', 'warning'), 'error', 'an own entry still counts');
  });
});
