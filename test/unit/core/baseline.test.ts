import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Report, Scope } from '../../../src/core/model';
import { branchRepo, git, scratchDirs, tempTree } from '../helpers';

/** `files` committed on main, then a feature branch with no commit of its own yet. */
function onlyBase(files: Record<string, string>): string {
  const dir = tempTree(files);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'checkout', '-qb', 'feature');
  return dir;
}

async function check(root: string, opts: { scope?: Scope; config?: Config; paths?: string[] } = {}): Promise<Report> {
  const ws = await Workspace.open({ root, config: opts.config ?? defaultConfig(), baseRef: 'main', scope: opts.scope, paths: opts.paths, areas: ['migration', 'env'] });
  return ws.analyze();
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.baseline} ${f.ruleId} ${f.file}:${f.range.start.line + 1}`);
const deciding = (r: Report) => r.findings.filter((f) => f.baseline === 'new');

/** A base with many findings: reads missing from the example (errors) in several files, and an old locking migration. */
const NOISY_BASE: Record<string, string> = {
  '.env.example': 'DATABASE_URL=\n',
  'src/a.js': 'const a = process.env.DATABASE_URL;\nconst b = process.env.OLD_SECRET;\n',
  'src/b.js': 'module.exports = { c: process.env.LEGACY_TOKEN, d: process.env.MAILER_HOST };\n',
  'src/c.py': 'import os\nx = os.environ["PAYMENTS_KEY"]\n',
  'migrations/001_init.sql': 'CREATE TABLE t (a int, b int);\n',
  'README.md': '# app\n',
};

describe('baseline: findings the branch introduces decide the verdict', () => {
  const { keep } = scratchDirs();

  it('a branch that changes nothing risky is ready; the findings already on main are counted as existing', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { 'README.md': '# app\n\nMore docs.\n' }));
    const r = await check(dir);
    assert.equal(r.verdict, 'ready');
    assert.ok(r.findings.length >= 4, brief(r.findings).join('\n'));
    assert.deepEqual(deciding(r), []);
    assert.equal(r.summary.new, 0);
    assert.equal(r.summary.existing, r.findings.length);
    assert.equal(r.summary.error, 0, 'severity counts are of the findings that decide the verdict');
    assert.equal(r.baseline?.compared, true);
    assert.match(r.baseline?.base ?? '', /^main@[0-9a-f]{7}$/);
    // the whole-repository view, on request
    const all = await check(dir, { scope: 'all' });
    assert.equal(all.verdict, 'blocked');
    assert.equal(all.summary.existing, r.summary.existing);
    assert.ok(all.summary.error >= 4);
    const cfg = defaultConfig();
    cfg.scope = 'all';
    assert.equal((await check(dir, { config: cfg })).verdict, 'blocked', 'scope: all in the config');
  });

  it('a branch with no change at all: everything existing, without analysing the base again', async () => {
    const dir = keep(onlyBase(NOISY_BASE));
    const r = await check(dir);
    assert.equal(r.verdict, 'ready');
    assert.ok(r.findings.length >= 4 && r.findings.every((f) => f.baseline === 'existing'));
  });

  it('a branch that adds one risky migration is blocked by exactly that finding', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { 'migrations/002_idx.sql': 'CREATE INDEX t_a ON t (a);\n' }));
    const r = await check(dir);
    assert.equal(r.verdict, 'blocked');
    const blocking = deciding(r).filter((f) => f.severity === 'error');
    assert.deepEqual(brief(blocking), ['new migration/require-concurrent-index migrations/002_idx.sql:1']);
    assert.equal(r.summary.error, 1);
    assert.ok(r.summary.existing >= 4);
  });

  it('a renamed file keeps its findings existing; lines moved down keep theirs too', async () => {
    const dir = keep(onlyBase(NOISY_BASE));
    git(dir, 'mv', 'src/b.js', 'src/mailer.js');
    writeFileSync(path.join(dir, 'src/a.js'), '// header\n\n// more\nconst a = process.env.DATABASE_URL;\n\n\nconst b =\n  process.env.OLD_SECRET;\n');
    git(dir, 'commit', '-qam', 'rename and move');
    const r = await check(dir);
    assert.deepEqual(deciding(r), [], brief(r.findings).join('\n'));
    const moved = r.findings.find((f) => f.data?.variable === 'OLD_SECRET');
    assert.equal(moved?.range.start.line, 7);
    assert.equal(moved?.baseline, 'existing');
    const renamed = r.findings.filter((f) => f.file === 'src/mailer.js');
    assert.equal(renamed.length, 2);
    assert.ok(renamed.every((f) => f.baseline === 'existing'));
    assert.equal(r.summary.fixed, 0, 'the old path is not reported as fixed');
  });

  it('a finding fixed on the branch is counted as fixed; a new read in the same file is new', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { '.env.example': 'DATABASE_URL=\nOLD_SECRET=\n', 'src/c.py': 'import os\nx = os.environ["PAYMENTS_KEY"]\ny = os.environ["WEBHOOK_KEY"]\n' }));
    const r = await check(dir);
    assert.equal(r.summary.fixed, 1);
    assert.deepEqual(
      r.baseline?.fixed.map((f) => `${f.ruleId} ${f.file}:${f.range.start.line + 1}`),
      ['env/missing-from-example src/a.js:2'],
    );
    assert.ok(!r.findings.some((f) => f.data?.variable === 'OLD_SECRET' && f.ruleId === 'env/missing-from-example'));
    const fresh = deciding(r).filter((f) => f.ruleId === 'env/missing-from-example');
    assert.deepEqual(fresh.map((f) => f.data?.variable), ['WEBHOOK_KEY']);
    const old = r.findings.find((f) => f.data?.variable === 'PAYMENTS_KEY' && f.ruleId === 'env/missing-from-example');
    assert.equal(old?.baseline, 'existing');
    assert.equal(r.verdict, 'blocked');
  });

  it('a cross-file change: removing a variable from the example makes the read in an untouched file new', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { '.env.example': '# nothing yet\n' }));
    const r = await check(dir);
    const db = r.findings.find((f) => f.ruleId === 'env/missing-from-example' && f.data?.variable === 'DATABASE_URL');
    assert.equal(db?.file, 'src/a.js', 'in a file the branch did not touch');
    assert.equal(db?.baseline, 'new');
    assert.equal(r.verdict, 'blocked');
  });

  it('rules that compare base with head are new by definition', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { 'src/d.js': 'const z = process.env.DATABASE_URL;\nconst n = process.env.BRAND_NEW ?? "x";\n' }));
    const r = await check(dir);
    // A new variable is `env/new-on-branch`, or, when the example lacks it too, one missing-from-example finding that says so.
    const onBranch = r.findings.filter((f) => f.ruleId === 'env/new-on-branch' || f.data?.newOnBranch === true);
    assert.ok(onBranch.length >= 1);
    assert.ok(onBranch.every((f) => f.baseline === 'new'));
  });

  it('without a base (no git, explicit files) everything is new and a note says so once', async () => {
    const dir = keep(onlyBase(NOISY_BASE));
    const explicit = await check(dir, { paths: ['.env.example', 'src/a.js', 'src/b.js'] });
    assert.ok(explicit.findings.length >= 2);
    assert.ok(explicit.findings.every((f) => f.baseline === 'new'));
    assert.equal(explicit.baseline?.compared, false);
    assert.equal(explicit.notices.filter((n) => /no baseline/.test(n.message)).length, 1);
    assert.equal(explicit.verdict, 'blocked');
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, areas: ['env'] });
    const restricted = await ws.analyze();
    assert.ok(restricted.findings.every((f) => f.baseline === 'new'));
    assert.equal(restricted.summary.new, restricted.findings.length);
    assert.equal(restricted.notices.filter((n) => /no baseline \(Restricted Mode/.test(n.message)).length, 1);
  });

  it('a per-file re-analysis (the editor) keeps existing findings existing and marks a new one new', async () => {
    const dir = keep(branchRepo(NOISY_BASE, { 'README.md': 'x\n' }));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), baseRef: 'main', areas: ['env'] });
    await ws.analyze();
    writeFileSync(path.join(dir, 'src/b.js'), 'module.exports = { c: process.env.LEGACY_TOKEN, d: process.env.MAILER_HOST, e: process.env.FRESH_ONE };\n');
    const fs = (await ws.analyzeFile('src/b.js')).filter((f) => f.ruleId === 'env/missing-from-example');
    assert.deepEqual(
      fs.map((f) => `${f.data?.variable} ${f.baseline}`),
      ['LEGACY_TOKEN existing', 'MAILER_HOST existing', 'FRESH_ONE new'],
    );
  });
});
