import * as assert from 'node:assert/strict';
import { readDeployConfig } from '../../../src/core/env/deploy';
import { parseExample } from '../../../src/core/env/example';
import { isSmokeStep, isTagStep, isTestStep } from '../../../src/core/pipeline/detect';

/** Runs `fn` and checks it finished within a generous bound (the old regexes took minutes on these inputs). */
function finishes<T>(what: string, fn: () => T): T {
  const t = Date.now();
  const out = fn();
  const ms = Date.now() - t;
  assert.ok(ms < 5000, `${what} took ${ms} ms`);
  return out;
}
async function finishesAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const out = await fn();
  const ms = Date.now() - t;
  assert.ok(ms < 5000, `${what} took ${ms} ms`);
  return out;
}

const step = (run: string) => ({ run, inputs: {}, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });

describe('regular expressions on repository content run in linear time', () => {
  it('fly.toml: `[` followed by 6,000 tabs, then a real [env] table that is still read', async () => {
    const text = `[${'\t'.repeat(6000)}\n[env]\n  LOG_LEVEL = "info"\n[[services]]\n  PORT = 1\n`;
    const facts = await finishesAsync('fly.toml', () => readDeployConfig('fly', text));
    assert.deepEqual(facts.provides.map((p) => p.name), ['LOG_LEVEL']);
  });

  it('.env.example: a 1.1 MB value of repeated `eyJJe-e-y0-` is parsed, and the next entry too', () => {
    const text = `TOKEN=${'eyJJe-e-y0-'.repeat(100_000)}\nOTHER=1 # optional\n`;
    const ex = finishes('.env.example', () => parseExample('.env.example', text));
    assert.deepEqual(ex.vars.map((v) => v.name), ['TOKEN', 'OTHER']);
    assert.equal(ex.vars[1].optional, true);
    assert.equal(ex.vars[0].secret, undefined, 'not a JSON Web Token: there is no dot');
  });

  it('.env.example: a long line without a delimiter and a comment of many `#` finish', () => {
    const text = `${'K'.repeat(300_000)}\u2028x\nA=1 ${'#'.repeat(300_000)}\n`;
    const ex = finishes('.env.example', () => parseExample('.env.example', text));
    assert.ok(ex.vars.length <= 2);
  });

  it('a real JSON Web Token is still recognised', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const ex = parseExample('.env.example', `T=${jwt}\n`);
    assert.match(ex.vars[0].secret ?? '', /JSON Web Token/);
  });

  it('a workflow `run:` of repeated `y-mvn f ` (and gradle, curl, git push) is classified quickly and correctly', () => {
    const junk = 'y-mvn f '.repeat(40_000);
    assert.equal(finishes('mvn', () => isTestStep(step(junk))), false);
    assert.equal(finishes('mvn', () => isTestStep(step(`${junk}\n./mvnw -B -q clean verify`))), true);
    assert.equal(finishes('gradle', () => isTestStep(step('x-gradle a '.repeat(40_000)))), false);
    assert.equal(isTestStep(step('./gradlew --no-daemon build')), true);
    assert.equal(isTestStep(step('mvn -q; echo test')), false);
    assert.equal(finishes('curl', () => isSmokeStep(step('curl -x '.repeat(40_000)))), false);
    assert.equal(isSmokeStep(step('curl -sS -L --fail https://example.com/health')), true);
    assert.equal(isSmokeStep(step('curl -sSL https://example.com | sh')), false);
    assert.equal(finishes('git push', () => isTagStep(step('git push '.repeat(40_000)))), false);
    assert.equal(isTagStep(step('git push origin --tags')), true);
  });

  it('GitHub Actions: `${{` repeated 100,000 times, and the secret after it is still found', async () => {
    const yaml = `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "${'${{'.repeat(100_000)} secrets.API_KEY }}"\n      - run: echo \${{ vars.REGION }}\n`;
    const facts = await finishesAsync('${{', () => readDeployConfig('github-actions', yaml));
    assert.deepEqual(facts.ci.map((c) => `${c.store}.${c.name}`).sort(), ['secrets.API_KEY', 'vars.REGION']);
  });
});
