import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { REPO_ROOT, cli } from '../helpers';

describe('README stays true', () => {
  it('its rule table matches the rule catalog', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-rules-table.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('names the two set-up commands, and .ci/run runs the README test command', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes('npm ci && npm run demo'));
    assert.ok(readme.includes('npm ci && npm test'));
    const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
  });

  it('its configuration example is a valid .deploy-readiness.yaml (every key it shows exists)', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const m = /```yaml\n([\s\S]*?)```/.exec(section);
    assert.ok(m, 'a yaml block under ## Configuration');
    const loaded = parseConfig(m[1]);
    assert.deepEqual(loaded.problems.map((p) => `${p.message}`), []);
  });

  it('documents every command of the CLI exactly as --help prints it', async () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const help = (await cli(['--help'], REPO_ROOT)).stdout;
    const usage = help.split('\n').filter((l) => /^ {2}deploy-readiness (?!--)/.test(l)).map((l) => l.trim());
    assert.ok(usage.length >= 7, help);
    for (const line of usage) assert.ok(readme.includes(line), `README lacks: ${line}`);
  });
});
