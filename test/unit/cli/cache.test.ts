import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { analysisCount } from '../../../src/core/engine';
import { branchRepo, removeTree, tempTree } from '../helpers';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; analyses: number }> {
  let stdout = '';
  const before = analysisCount();
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: () => undefined, cwd, env: { NO_COLOR: '1' } });
  return { code, stdout, analyses: analysisCount() - before };
}

const MIGRATION = 'CREATE INDEX users_email_idx ON users (email);\n';

describe('CLI report cache: one analysis per state', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('check, then checklist, rollback-plan and runbook analyse once; an edit or another configuration analyses again', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(dir);
    const first = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(first.analyses, 1);
    const r1 = JSON.parse(first.stdout);
    assert.equal(r1.timing.cached, false);
    assert.ok(r1.findings.some((f: { ruleId: string }) => f.ruleId === 'migration/require-concurrent-index'));
    assert.ok(existsSync(path.join(dir, '.git', 'deploy-readiness', 'cache')), 'cache under the git dir');

    for (const cmd of [['checklist', '--format', 'json'], ['rollback-plan'], ['runbook', '--out', '-']]) {
      const r = await cli([...cmd, '--base', 'main'], dir);
      assert.equal(r.analyses, 0, `${cmd[0]} reused the report of check`);
      assert.notEqual(r.code, 2, `${cmd[0]} ran`);
    }
    const again = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(again.analyses, 0);
    const r2 = JSON.parse(again.stdout);
    assert.equal(r2.timing.cached, true);
    assert.deepEqual(r2.findings, r1.findings, 'the cached report is the same report');

    // Same size, same second: only the content differs.
    writeFileSync(path.join(dir, 'db/migrations/002_idx.sql'), MIGRATION.replace('CREATE INDEX', 'CREATE INDEY'));
    const edited = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(edited.analyses, 1, 'an edited file invalidates the cache');
    assert.equal(JSON.parse(edited.stdout).timing.cached, false);
    writeFileSync(path.join(dir, 'db/migrations/002_idx.sql'), MIGRATION);
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 0, 'the content is the key: the first state is cached still');
    const cfgDir = tempTree({ 'dr.yaml': 'rules:\n  migration/require-concurrent-index: warning\n' });
    dirs.push(cfgDir);
    const other = await cli(['check', '--base', 'main', '--format', 'json', '--config', path.join(cfgDir, 'dr.yaml')], dir);
    assert.equal(other.analyses, 1, 'another configuration is another key');
    assert.equal(JSON.parse(other.stdout).summary.error, 0);
  });

  it('--no-cache analyses and writes nothing; paths are part of the key', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(dir);
    assert.equal((await cli(['check', '--no-cache', '--base', 'main'], dir)).analyses, 1);
    assert.equal((await cli(['check', '--no-cache', '--base', 'main'], dir)).analyses, 1);
    assert.equal(existsSync(path.join(dir, '.git', 'deploy-readiness', 'cache')), false);
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 1);
    assert.equal((await cli(['check', '--base', 'main', 'db'], dir)).analyses, 1, 'a narrower run is not the whole report');
    assert.equal((await cli(['check', '--base', 'main', 'db'], dir)).analyses, 0);
  });

  it('no git: nothing cached; a symbolic link in the cache path: nothing written through it', async () => {
    const plain = tempTree({ 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(plain);
    assert.equal((await cli(['check'], plain)).analyses, 1);
    assert.equal((await cli(['check'], plain)).analyses, 1);
    assert.deepEqual(readdirSync(plain).sort(), ['db']);

    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    const elsewhere = tempTree({});
    dirs.push(dir, elsewhere);
    mkdirSync(path.join(dir, '.git', 'deploy-readiness'));
    symlinkSync(elsewhere, path.join(dir, '.git', 'deploy-readiness', 'cache'));
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 1);
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 1, 'no cache through the link');
    assert.deepEqual(readdirSync(elsewhere), []);
  });
});
