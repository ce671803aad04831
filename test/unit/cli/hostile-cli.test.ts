import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI, cli, scratchDirs } from '../helpers';

const EVIL_SQL = 'DROP TABLE "gone\n::error file=.github/x.yml::owned";\n';

describe('CLI: hostile repository content and pipes', () => {
  const { tree } = scratchDirs();

  it('--format text and markdown escape control characters: a SQL identifier cannot start a workflow command line', async () => {
    const dir = tree({ 'migrations/0001_drop.sql': EVIL_SQL });
    for (const format of ['text', 'markdown']) {
      const r = await cli(['check', '--format', format], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stdout.includes(format === 'text' ? 'gone\\n::error file=.github/x.yml::owned' : 'gone\\\\n::error file=.github/x.yml::owned'), r.stdout);
      const lines = r.stdout.split(/\r?\n|\r|\u2028|\u2029/);
      assert.deepEqual(lines.filter((l) => l.trimStart().startsWith('::')), [], `${format} output has a workflow command line`);
    }
    const gh = await cli(['check', '--format', 'github'], dir);
    assert.ok(gh.stdout.split('\n').some((l) => l.startsWith('::error ')), 'github format still writes its annotations');
  });

  it('`rules --format json | head -c10` ends quietly with exit 0 (no EPIPE)', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" rules --format json | head -c10 >/dev/null`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!/EPIPE|Error/.test(r.stderr), r.stderr);
  });

  it('no command: the usage goes to stderr, nothing to stdout, exit 2; --help still prints it to stdout', async () => {
    const dir = tree({ 'a.txt': 'x' });
    const r = await cli([], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /deploy-readiness check/);
    const h = await cli(['--help'], dir);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /deploy-readiness check/);
  });

  it('exclude: [""] and exclude: ["!"] are config errors that name the config file and line', async () => {
    for (const glob of ['""', '"!"']) {
      const dir = tree({ '.deploy-readiness.yaml': `base: main\nexclude: [${glob}]\n`, 'migrations/0001_a.sql': 'CREATE INDEX i ON t (a);\n' });
      const r = await cli(['check'], dir);
      assert.equal(r.code, 2, `${glob}: ${r.stdout}`);
      assert.match(r.stderr, /\.deploy-readiness\.yaml: exclude\[0\]: .*\(line 2\)/, r.stderr);
    }
  });

  it('a UTF-16 migration with a byte order mark is decoded and analysed, not skipped as binary', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('CREATE INDEX i ON t (a);\n', 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    const dir = tree({ 'migrations/0001_le.sql': le, 'migrations/0002_be.sql': be });
    const r = await cli(['check', '--format', 'json'], dir);
    const report = JSON.parse(r.stdout);
    const files = report.findings.filter((f: { ruleId: string }) => f.ruleId === 'migration/require-concurrent-index').map((f: { file: string }) => f.file);
    assert.deepEqual(files.sort(), ['migrations/0001_le.sql', 'migrations/0002_be.sql']);
    assert.ok(!JSON.stringify(report.notices).includes('binary'), JSON.stringify(report.notices));
  });
});
