import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { branchRepo, cli, removeTree, runBuiltCli, scratchDirs, tempTree } from '../helpers';

describe('CLI contract (main(argv, io) in-process, as the binary runs it)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));
  let repo: string;
  before(() => {
    repo = branchRepo(
      { '.env.example': 'DATABASE_URL=\n', 'src/app.js': 'const db = process.env.DATABASE_URL;\n', 'migrations/001.sql': 'CREATE TABLE t (a int);\n' },
      { 'migrations/002.sql': 'CREATE INDEX t_a ON t (a);\n', 'src/app.js': 'const db = process.env.DATABASE_URL;\nconst k = process.env.API_KEY ?? "";\n' },
    );
    dirs.push(repo);
  });

  it('check --format json prints one object with the documented keys and exits 1 on errors', async () => {
    const r = await cli(['check', '.', '--base', 'main', '--format', 'json'], repo);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.equal(out.verdict, 'blocked');
    assert.deepEqual(Object.keys(out.summary).sort(), ['error', 'existing', 'fixed', 'info', 'new', 'warning']);
    const ids = out.findings.map((f: { ruleId: string }) => f.ruleId);
    assert.ok(ids.includes('migration/require-concurrent-index'));
    assert.ok(ids.includes('env/missing-from-example'));
    for (const f of out.findings) {
      assert.ok(['migration', 'env', 'api', 'checklist'].includes(f.area));
      assert.ok(['error', 'warning', 'info'].includes(f.severity));
      assert.equal(typeof f.range.start.line, 'number');
    }
    assert.ok(!ids.includes('migration/syntax-error'));
  });

  it('only migrations the branch adds are reviewed when comparing with a base', async () => {
    const r = await cli(['check', '--base', 'main', '--format', 'json'], repo);
    const files = JSON.parse(r.stdout).findings.filter((f: { area: string }) => f.area === 'migration').map((f: { file: string }) => f.file);
    assert.deepEqual([...new Set(files)], ['migrations/002.sql']);
  });

  it('--fail-on decides the exit code', async () => {
    assert.equal((await cli(['check', '--base', 'main', '--fail-on', 'never'], repo)).code, 0);
    const dir = tempTree({ '.env.example': '', 'a.js': 'x = process.env.OPT || 1' });
    dirs.push(dir);
    assert.equal((await cli(['check', '.'], dir)).code, 0, 'only a warning: passes with the default --fail-on error');
    assert.equal((await cli(['check', '.', '--fail-on', 'warning'], dir)).code, 1);
  });

  it('an explicit .sql path is linted as a migration whatever its folder', async () => {
    const dir = tempTree({ 'scratch/idx.sql': 'CREATE INDEX a ON b (c);' });
    dirs.push(dir);
    const r = await cli(['check', 'scratch/idx.sql', '--format', 'github'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error file=scratch\/idx\.sql,line=1,col=1,endLine=1,endColumn=13,title=migration\/require-concurrent-index::/m);
  });

  it('sarif output is SARIF 2.1.0 with rules and fixes', async () => {
    const r = await cli(['check', '--base', 'main', '--format', 'sarif'], repo);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'migration/require-concurrent-index');
    assert.equal(res.level, 'error');
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'migrations/002.sql');
    assert.equal(res.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, ' CONCURRENTLY');
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
  });

  it('markdown output has a verdict heading and a table per area', async () => {
    const r = await cli(['check', '--base', 'main', '--format', 'markdown'], repo);
    assert.match(r.stdout, /^## ⛔ Deploy Readiness: blocked/);
    assert.match(r.stdout, /### Migrations \(\d+\)/);
    // API_KEY: missing from .env.example and first read on this branch, said in one finding
    assert.match(r.stdout, /### Environment \(1\)/);
    assert.match(r.stdout, /first read on this branch/);
    assert.match(r.stdout, /^1 error · /m);
  });

  it('exit 2 with a clear message for usage errors, a bad config, or a missing base', async () => {
    let r = await cli(['check', '--format', 'xml'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be one of text, json, sarif, github, markdown/);
    r = await cli(['frobnicate'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    r = await cli(['check', '--base', 'no-such-branch'], repo);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /base ref "no-such-branch" not found/);
    const bad = tempTree({ '.deploy-readiness.yaml': 'failOn: sometimes\nbogus: 1\n' });
    dirs.push(bad);
    r = await cli(['check', '.'], bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /failOn: expected one of error, warning, never/);
    assert.match(r.stderr, /unknown key "bogus"/);
  });

  it('rules --format json lists every rule with its metadata', async () => {
    const r = await cli(['rules', '--format', 'json'], repo);
    assert.equal(r.code, 0);
    const { rules } = JSON.parse(r.stdout);
    const idx = rules.find((x: { id: string }) => x.id === 'migration/require-concurrent-index');
    assert.equal(idx.area, 'migration');
    assert.equal(idx.defaultSeverity, 'error');
    assert.equal(idx.docs, 'docs/rules/migration/require-concurrent-index.md');
    assert.ok(idx.equivalents.squawk.includes('require-concurrent-index-creation'));
  });

  it('api-diff compares two files without git', async () => {
    const dir = tempTree({
      'old.yaml': 'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /a: {get: {responses: {"200": {description: ok}}}}\n  /b: {get: {responses: {"200": {description: ok}}}}\n',
      'new.json': JSON.stringify({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { '/a': { get: { responses: { '200': { description: 'ok' } } } } } }, null, 2),
    });
    dirs.push(dir);
    const r = await cli(['api-diff', 'old.yaml', 'new.json', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const removed = out.findings.find((f: { ruleId: string }) => f.ruleId === 'api/path-removed');
    assert.equal(removed.file, 'new.json');
    assert.equal(removed.range.start.line, 6, 'on the "paths" key of the JSON head');
    assert.equal((await cli(['api-diff', 'old.yaml', 'old.yaml'], dir)).code, 0);
  });

  it('colours text on a terminal unless NO_COLOR is set; never colours other formats', async () => {
    const dir = tempTree({ 'migrations/001.sql': 'CREATE INDEX a ON b (c);\n' });
    dirs.push(dir);
    const run = async (env: Record<string, string | undefined>, args: string[] = []) => {
      let out = '';
      const code = await main(['check', '.', ...args], { stdout: (s) => void (out += s), stderr: () => undefined, cwd: dir, env, isTTY: true });
      assert.equal(code, 1);
      return out;
    };
    assert.ok((await run({})).includes('\x1b['), 'a terminal gets colour');
    assert.ok(!(await run({ NO_COLOR: '1' })).includes('\x1b['), 'NO_COLOR turns it off');
    assert.ok(!(await run({}, ['--format', 'github'])).includes('\x1b['), 'only text is coloured');
  });

  it('a file that vanished or cannot be read does not crash the run', async () => {
    const dir = tempTree({ 'migrations/001.sql': 'CREATE INDEX a ON b (c);' });
    dirs.push(dir);
    writeFileSync(path.join(dir, 'migrations', '002.sql'), Buffer.alloc(4 * 1024 * 1024, 0x41));
    const r = await cli(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.ok(out.findings.some((f: { file: string; message: string }) => f.file === 'migrations/002.sql' && /over the size limit/.test(f.message)));
  });
});

describe('CLI: new and existing findings agree across formats', () => {
  const { keep } = scratchDirs();
  let repo: string;
  before(() => {
    // main already has errors (reads missing from the example); the branch adds one locking migration.
    repo = keep(
      branchRepo(
        { '.env.example': 'DATABASE_URL=\n', 'src/a.js': 'const a = process.env.OLD_SECRET;\nconst b = process.env.LEGACY_TOKEN;\n', 'migrations/001.sql': 'CREATE TABLE t (a int);\n' },
        { 'migrations/002.sql': 'CREATE INDEX t_a ON t (a);\n' },
      ),
    );
  });

  it('text, json, sarif, github and markdown name the same blocker and the same counts', async function () {
    this.timeout(180_000); // five CLI runs
    const json = await cli(['check', '--base', 'main', '--format', 'json'], repo);
    assert.equal(json.code, 1, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.verdict, 'blocked');
    assert.equal(out.summary.error, 1);
    assert.equal(out.summary.existing, 3, 'two reads missing from the example, one unused example entry');
    assert.equal(out.summary.new, 3);
    assert.equal(out.summary.fixed, 0);
    assert.equal(out.baseline.compared, true);
    const fresh = out.findings.filter((f: { baseline: string }) => f.baseline === 'new');
    assert.deepEqual(fresh.map((f: { ruleId: string; file: string }) => `${f.file} ${f.ruleId}`), [
      'migrations/002.sql migration/require-concurrent-index',
      'migrations/002.sql migration/require-lock-timeout',
      'migrations/002.sql migration/require-statement-timeout',
    ]);

    const text = await cli(['check', '--base', 'main'], repo);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /Verdict: blocked \(1 error, 1 warning, 1 info introduced by this change; 3 existing on main@[0-9a-f]{7}, 0 fixed\)/);
    assert.match(text.stdout, /Blockers:\n {2}✗ migrations\/002\.sql:1 migration\/require-concurrent-index: .*\n {6}→ quick fix: /);
    assert.match(text.stdout, /Already on main@[0-9a-f]{7} \(3, not deciding the verdict; --scope all lists them\):\n +2 +error +env\/missing-from-example\n +1 +info +env\/unused-in-example/);
    assert.doesNotMatch(text.stdout, /^src\/a\.js$/m, 'existing findings are not listed one by one');

    const sarif = JSON.parse((await cli(['check', '--base', 'main', '--format', 'sarif'], repo)).stdout);
    const states = sarif.runs[0].results.map((r: { ruleId: string; baselineState: string }) => `${r.baselineState} ${r.ruleId}`).sort();
    assert.deepEqual(states, [
      'new migration/require-concurrent-index',
      'new migration/require-lock-timeout',
      'new migration/require-statement-timeout',
      'unchanged env/missing-from-example',
      'unchanged env/missing-from-example',
      'unchanged env/unused-in-example',
    ]);
    for (const r of sarif.runs[0].results) assert.match(r.partialFingerprints['deployReadiness/v1'], /^[0-9a-f]{20}$/);

    const gh = (await cli(['check', '--base', 'main', '--format', 'github'], repo)).stdout;
    const annotated = gh.split('\n').filter((l) => /^::(error|warning|notice) file=/.test(l));
    assert.deepEqual([...new Set(annotated.map((l) => /file=([^,]+),/.exec(l)?.[1]))], ['migrations/002.sql'], 'annotations only for what the branch introduces');
    assert.equal(annotated.length, 3);

    const md = (await cli(['check', '--base', 'main', '--format', 'markdown'], repo)).stdout;
    assert.match(md, /^## ⛔ Deploy Readiness: blocked\n\n1 error · 1 warning · 1 info introduced by this change · 3 already on `main@[0-9a-f]{7}` · 0 fixed/);
    assert.match(md, /\*\*Blockers\*\*\n\n- migrations\/002\.sql:1 migration\/require-concurrent-index: .* → quick fix: Create the index CONCURRENTLY\n/);
    assert.ok(md.indexOf('### Migrations (3)') < md.indexOf('<details><summary>Already on main@'), 'new findings first, existing folded below');
    assert.ok(!/### Environment/.test(md), 'no open table for areas with only existing findings');
    assert.match(md, /<details><summary>Already on main@[0-9a-f]{7}: 3 findings \(not deciding the verdict\)<\/summary>/);
  });

  it('--scope all makes the existing findings count again', async function () {
    this.timeout(120_000);
    const r = await cli(['check', '--base', 'main', '--scope', 'all', '--format', 'json'], repo);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.error, 3);
    assert.equal(out.summary.existing, 3);
    assert.equal(out.baseline.scope, 'all');
    const text = (await cli(['check', '--base', 'main', '--scope', 'all'], repo)).stdout;
    assert.match(text, /OLD_SECRET.*\(existing on main@[0-9a-f]{7}\)/);
    const fixedBranch = keep(branchRepo({ '.env.example': 'A=\n', 'src/a.js': 'const a = process.env.OLD_SECRET;\n' }, { '.env.example': 'A=\nOLD_SECRET=\n' }));
    const ready = await cli(['check', '--base', 'main'], fixedBranch);
    assert.equal(ready.code, 0, ready.stdout);
    assert.match(ready.stdout, /Verdict: ready \(0 errors, 0 warnings, 0 info introduced by this change; 1 existing on main@[0-9a-f]{7}, 1 fixed\)/);
    assert.equal((await cli(['check', '--scope', 'some'], repo)).code, 2);
  });
});

describe('CLI end to end: the built binary dist/cli.js', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('check: JSON on stdout, exit code 1 from process.exitCode when an error is found, 0 under --fail-on never', async () => {
    const repo = branchRepo({ 'migrations/001.sql': 'CREATE TABLE t (a int);\n' }, { 'migrations/002.sql': 'CREATE INDEX t_a ON t (a);\n' });
    dirs.push(repo);
    const r = await runBuiltCli(['check', '--base', 'main', '--format', 'json'], repo);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(JSON.parse(r.stdout).findings.some((f: { ruleId: string; file: string }) => f.ruleId === 'migration/require-concurrent-index' && f.file === 'migrations/002.sql'));
    assert.equal((await runBuiltCli(['check', '--base', 'main', '--fail-on', 'never'], repo)).code, 0);
  });

  it('a usage error exits 2 with the message and the usage on stderr, nothing on stdout; --version exits 0', async () => {
    const dir = tempTree({});
    dirs.push(dir);
    const r = await runBuiltCli(['check', '--format', 'xml'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^deploy-readiness: --format must be one of /);
    assert.match(r.stderr, /\nUsage:\n {2}deploy-readiness check /);
    const v = await runBuiltCli(['--version'], dir);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  });
});
