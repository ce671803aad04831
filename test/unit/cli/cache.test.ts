import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { analysisCount } from '../../../src/core/engine';
import { gitInvocations } from '../../../src/core/git';
import { branchRepo, CLI, git, REPO_ROOT, removeTree, scratchDirs, tempTree, writeTree } from '../helpers';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; analyses: number; gitProcesses: number }> {
  let stdout = '';
  const before = analysisCount();
  const processes = gitInvocations();
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: () => undefined, cwd, env: { NO_COLOR: '1' } });
  return { code, stdout, analyses: analysisCount() - before, gitProcesses: gitInvocations() - processes };
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

  it('the key: a new head commit, another merge base, an untracked, staged, git-excluded or assume-unchanged file each analyse again', async () => {
    const dir = branchRepo({ 'README.md': 'x\n', '.env.example': 'A=1\n' }, { 'db/migrations/002_idx.sql': MIGRATION, 'src/a.js': 'export const a = process.env.A;\n' });
    dirs.push(dir);
    const run = async () => (await cli(['check', '--base', 'main', '--format', 'json'], dir)).analyses;
    assert.equal(await run(), 1);
    assert.equal(await run(), 0);

    git(dir, 'commit', '-q', '--allow-empty', '-m', 'empty');
    assert.equal(await run(), 1, 'a new head commit (same files) is another key');
    assert.equal(await run(), 0);

    // Same ref name, another merge base.
    git(dir, 'branch', '-f', 'main', 'HEAD~1');
    assert.equal(await run(), 1, 'main moved: another merge base');
    assert.equal(await run(), 0);

    writeTree(dir, { 'src/new.js': 'export const n = process.env.NEW_ONE;\n' });
    const untracked = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(untracked.analyses, 1, 'an untracked file');
    assert.match(untracked.stdout, /NEW_ONE/);
    writeTree(dir, { 'src/new.js': 'export const n = process.env.NEW_TWO;\n' });
    const edited = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(edited.analyses, 1, 'an untracked file edited (same size, same second)');
    assert.match(edited.stdout, /NEW_TWO/);
    assert.doesNotMatch(edited.stdout, /NEW_ONE/);

    writeTree(dir, { 'db/migrations/002_idx.sql': MIGRATION.replace('users', 'usert') });
    git(dir, 'add', 'db/migrations/002_idx.sql');
    assert.equal(await run(), 1, 'a staged change');
    assert.equal(await run(), 0);

    // Walked by the tool, invisible to git status.
    writeTree(dir, { '.git/info/exclude': 'db/migrations/003_local.sql\n', 'db/migrations/003_local.sql': 'CREATE INDEX b_idx ON b (c);\n' });
    assert.equal(await run(), 1, 'a new file git excludes');
    writeTree(dir, { 'db/migrations/003_local.sql': 'CREATE INDEX b_idx ON b (d);\n' });
    assert.equal(await run(), 1, 'a file git excludes, edited');
    assert.equal(await run(), 0);

    git(dir, 'update-index', '--assume-unchanged', 'src/a.js');
    writeTree(dir, { 'src/a.js': 'export const a = process.env.B;\n' });
    const hidden = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(hidden.analyses, 1, 'an assume-unchanged file that changed');
    assert.match(hidden.stdout, /\bB\b.*\.env\.example|\.env\.example.*\bB\b/);
  });

  it('a plan command on a cached state prints what an uncached one prints, with a handful of git processes', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(dir);
    // More than ten commits: the plan summarises the history from each commit's files.
    for (let i = 0; i < 11; i++) {
      writeTree(dir, { [`db/migrations/1${String(i).padStart(2, '0')}_t.sql`]: `CREATE TABLE t${i} (id int);\n` });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', `table ${i}`);
    }
    const now = ['--now', '2026-01-05T10:00:00Z'];
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 1);
    for (const cmd of [['checklist', '--format', 'json', ...now], ['rollback-plan'], ['runbook', '--out', '-', ...now]]) {
      const cached = await cli([...cmd, '--base', 'main'], dir);
      const fresh = await cli([...cmd, '--base', 'main', '--no-cache'], dir);
      assert.equal(cached.analyses, 0);
      assert.equal(fresh.analyses, 1);
      assert.equal(cached.stdout, fresh.stdout, `${cmd[0]}: same output from the cache`);
      // The repository with the base resolved, the status, the index listing; user.name and the origin URL.
      assert.ok(cached.gitProcesses <= 4, `${cmd[0]}: ${cached.gitProcesses} git processes on a cached state`);
      assert.ok(cached.gitProcesses < fresh.gitProcesses);
    }
    assert.match((await cli(['rollback-plan', '--base', 'main'], dir)).stdout, /CREATE TABLE|t10|migrations/);
    const check = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    assert.equal(JSON.parse(check.stdout).timing.cached, true);
    assert.ok(check.gitProcesses <= 3, `a cached check: ${check.gitProcesses} git processes`);
    // The default base (no --base) is main here: the same key; its candidates are listed by one more process.
    assert.equal((await cli(['check', '--format', 'json'], dir)).analyses, 0);
    const byDefault = await cli(['checklist', '--format', 'json'], dir);
    assert.equal(byDefault.analyses, 0);
    assert.ok(byDefault.gitProcesses <= 5, `a cached checklist with the default base: ${byDefault.gitProcesses} git processes`);
  });

  it('the checklist counts the commits behind the base on a cached state as on a fresh one, and again when the base moves', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(dir);
    git(dir, 'checkout', '-q', 'main');
    for (const n of [1, 2]) {
      writeTree(dir, { [`docs/${n}.md`]: `${n}\n` });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-qm', `main ${n}`);
    }
    git(dir, 'checkout', '-q', 'feature');
    const item = (stdout: string) => (JSON.parse(stdout).items as { id: string; state: string; reason: string }[]).find((i) => i.id === 'up-to-date-with-base');
    assert.equal((await cli(['check', '--base', 'main'], dir)).analyses, 1);
    const cached = await cli(['checklist', '--base', 'main', '--format', 'json'], dir);
    assert.equal(cached.analyses, 0);
    const fresh = await cli(['checklist', '--base', 'main', '--format', 'json', '--no-cache'], dir);
    assert.deepEqual(item(cached.stdout), item(fresh.stdout));
    assert.equal(item(cached.stdout)?.state, 'fail');
    assert.match(item(cached.stdout)!.reason, /^2 commits on main/);
    // main moves on: another key (the ref's commit is part of it), counted again.
    git(dir, 'checkout', '-q', 'main');
    writeTree(dir, { 'docs/3.md': '3\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'main 3');
    git(dir, 'checkout', '-q', 'feature');
    const moved = await cli(['checklist', '--base', 'main', '--format', 'json'], dir);
    assert.equal(moved.analyses, 1);
    assert.match(item(moved.stdout)!.reason, /^3 commits on main/);
    const movedCached = await cli(['checklist', '--base', 'main', '--format', 'json'], dir);
    assert.equal(movedCached.analyses, 0);
    assert.match(item(movedCached.stdout)!.reason, /^3 commits on main/);
  });

  it('a missing --base ref and unrelated histories are reported as without the cache', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION });
    dirs.push(dir);
    let stderr = '';
    const run = (args: string[]) => main(args, { stdout: () => undefined, stderr: (s) => (stderr += s), cwd: dir, env: { NO_COLOR: '1' } });
    assert.equal(await run(['check', '--base', 'nope']), 2);
    assert.match(stderr, /base ref "nope" not found/);
    git(dir, 'checkout', '-q', '--orphan', 'other');
    git(dir, 'commit', '-qm', 'unrelated');
    git(dir, 'checkout', '-q', 'feature');
    stderr = '';
    assert.equal(await run(['check', '--base', 'other']), 2);
    assert.match(stderr, /no merge base between HEAD and other/);
    stderr = '';
    assert.equal(await run(['check', '--base', 'other']), 2, 'not cached as if compared');
    assert.match(stderr, /no merge base between HEAD and other/);
  });
});


describe('CLI report cache: the built binary on a cached state', function () {
  this.timeout(120_000);
  const scratch = scratchDirs();

  /** Runs dist/cli.js with a preload that reports, at exit, the bundles Node loaded and the git processes started. */
  function traced(args: string[], cwd: string, preload: string): { code: number | null; stdout: string; bundles: string[]; git: number } {
    const r = spawnSync(process.execPath, ['-r', preload, CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '' } });
    const m = /^TRACE (.*)$/m.exec(r.stderr);
    assert.ok(m, r.stderr);
    const t = JSON.parse(m[1]) as { bundles: string[]; git: number };
    return { code: r.status, stdout: r.stdout, ...t };
  }

  it('check, checklist, rollback-plan and runbook served from the cache load dist/cli.js only, not the analysis bundle', () => {
    const dir = scratch.keep(branchRepo({ 'README.md': 'x\n' }, { 'db/migrations/002_idx.sql': MIGRATION }));
    const preload = path.join(scratch.tree({}), 'trace.cjs');
    writeFileSync(
      preload,
      `const cp = require('child_process'); let git = 0; const spawn = cp.spawn;
cp.spawn = function (cmd, ...rest) { if (cmd === 'git') git++; return spawn.call(this, cmd, ...rest); };
process.on('exit', () => process.stderr.write('TRACE ' + JSON.stringify({ git, bundles: Object.keys(require.cache).filter((k) => k.startsWith(${JSON.stringify(path.join(REPO_ROOT, 'dist'))})).map((k) => require('path').basename(k)).sort() }) + '\\n'));\n`,
    );
    const cold = traced(['check', '--base', 'main', '--format', 'json'], dir, preload);
    assert.equal(cold.code, 1);
    assert.equal(JSON.parse(cold.stdout).timing.cached, false);
    assert.deepEqual(cold.bundles, ['analysis.js', 'cli.js'], 'a cache miss loads the analysis');
    // No parser is bundled into the entry itself (a static import of the rule catalog would pull them all in).
    const size = (f: string) => statSync(path.join(REPO_ROOT, 'dist', f)).size;
    assert.ok(size('cli.js') * 4 < size('analysis.js'), `dist/cli.js ${size('cli.js')} bytes, dist/analysis.js ${size('analysis.js')}`);
    const again = traced(['check', '--base', 'main', '--format', 'json'], dir, preload);
    assert.equal(JSON.parse(again.stdout).timing.cached, true);
    assert.deepEqual(JSON.parse(again.stdout).findings, JSON.parse(cold.stdout).findings);
    for (const [cmd, out] of [
      [['check', '--base', 'main', '--format', 'json'], /require-concurrent-index/],
      [['checklist', '--base', 'main', '--format', 'json'], /"verdict"/],
      [['rollback-plan', '--base', 'main'], /ollback/],
      [['runbook', '--base', 'main', '--out', '-'], /unbook/],
    ] as const) {
      const r = traced([...cmd], dir, preload);
      assert.match(r.stdout, out);
      assert.deepEqual(r.bundles, ['cli.js'], `${cmd[0]} on a cached state loaded ${r.bundles.join(', ')}`);
    }
  });
});
