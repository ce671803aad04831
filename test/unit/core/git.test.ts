import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { BlobBatch, Git, gitInvocations } from '../../../src/core/git';
import { branchRepo, git, removeTree } from '../helpers';

/** A branch that changes `n` source files, each reading an env variable, and adds one migration. */
function repoChanging(n: number): string {
  const base: Record<string, string> = { '.env.example': 'A=1\n' };
  const head: Record<string, string> = { 'db/migrations/002_idx.sql': 'CREATE INDEX a_idx ON a (b);\n' };
  for (let i = 0; i < n; i++) {
    base[`src/f${i}.js`] = `module.exports = process.env.A;\n`;
    head[`src/f${i}.js`] = `module.exports = [process.env.A, process.env.NEW_${i}];\n`;
  }
  return branchRepo(base, head);
}

describe('git in bulk: a constant number of git processes per run', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('20 and 200 changed files start the same handful of git processes, and the base is really read', async () => {
    const counts: number[] = [];
    for (const n of [20, 200]) {
      const dir = repoChanging(n);
      dirs.push(dir);
      const ws = await Workspace.open({ root: dir, config: defaultConfig(), baseRef: 'main' });
      const before = gitInvocations();
      const report = await ws.analyze();
      ws.close();
      assert.ok(report.facts.base, 'compared with main');
      // Every NEW_i is new on the branch: known only by reading each file at the merge base.
      const missing = report.findings.filter((f) => f.ruleId === 'env/new-on-branch' || f.data?.newOnBranch === true);
      assert.equal(missing.length, n, `each of the ${n} new variables is reported`);
      assert.ok(report.timing, 'the report has a timing section');
      assert.ok(report.timing.gitProcesses >= gitInvocations() - before, 'timing counts the processes of the run');
      counts.push(report.timing.gitProcesses);
    }
    console.log(`    git processes per run: ${counts.join(" vs ")}`);
    assert.equal(counts[0], counts[1], `git processes: ${counts.join(' vs ')}`);
    assert.ok(counts[1] <= 12, `a handful of git processes, got ${counts[1]}`);
  });

  it('blobs at the base: text, binary, missing, large (several pipe buffers) and many at once, through one reader', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024) + '\nend\n';
    const dir = branchRepo({ 'a.txt': 'alpha\n', 'big.txt': big, 'empty.txt': '', 'sub/c.txt': 'gamma' }, { 'a.txt': 'changed\n' });
    dirs.push(dir);
    writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([1, 0, 2, 0]));
    git(dir, 'add', 'bin.dat');
    git(dir, 'commit', '-qm', 'bin');
    const g = (await Git.open(dir))!;
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    const base = git(dir, 'rev-parse', 'main').trim();
    const before = gitInvocations();
    assert.deepEqual(await g.show(base, 'a.txt'), { kind: 'text', text: 'alpha\n' });
    assert.deepEqual(await g.show(base, 'empty.txt'), { kind: 'text', text: '' });
    assert.deepEqual(await g.show(base, 'nope.txt'), { kind: 'missing' });
    assert.deepEqual(await g.show(base, 'bin.dat'), { kind: 'missing' }, 'added after the base');
    assert.deepEqual(await g.show(head, 'bin.dat'), { kind: 'binary' });
    assert.deepEqual(await g.show(base, 'big.txt', 1000), { kind: 'too-large', size: big.length, limit: 1000 });
    const all = await Promise.all([...Array(50)].map((_, i) => g.show(base, i % 2 ? 'big.txt' : 'sub/c.txt')));
    for (const [i, r] of all.entries()) assert.deepEqual(r, { kind: 'text', text: i % 2 ? big : 'gamma' });
    // ls-tree once per commit, cat-file once: 3 processes for all of the above.
    assert.equal(gitInvocations() - before, 3);
    g.close();
    assert.deepEqual(await g.show(base, 'a.txt'), { kind: 'text', text: 'alpha\n' }, 'a closed reader restarts on the next read');
    g.close();
  });

  it('the batch reader answers a missing object and survives git exiting', async () => {
    const dir = branchRepo({ 'a.txt': 'alpha\n' }, { 'b.txt': 'beta' });
    dirs.push(dir);
    const oid = git(dir, 'rev-parse', 'main:a.txt').trim();
    const b = new BlobBatch(dir);
    assert.equal(await b.read('0'.repeat(40)), undefined);
    assert.equal((await b.read(oid))?.toString(), 'alpha\n');
    // Kill git under the reader: pending reads fail with a message, the next read starts git again.
    const child = (b as unknown as { child: { kill(): void } }).child;
    child.kill();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await b.read(oid))?.toString(), 'alpha\n');
    b.close();
    await assert.rejects(b.read(oid), /closed/);
  });
});

describe('git: user.name and the origin URL in one process', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('as git config --get user.name and git remote get-url origin give them: the last name, the first URL, insteadOf applied (the longest)', async () => {
    const dir = branchRepo({ 'README.md': 'x\n' }, { 'a.txt': 'a\n' });
    dirs.push(dir);
    const g = (await Git.open(dir))!;
    const before = gitInvocations();
    // No remote yet; the name is the user's global one, if any.
    let globalName: string | undefined;
    try {
      globalName = git(dir, 'config', '--get', 'user.name').trim() || undefined;
    } catch {
      globalName = undefined;
    }
    assert.deepEqual(await g.userAndOrigin(), { user: globalName, originUrl: undefined });
    await g.userAndOrigin();
    assert.equal(gitInvocations() - before, 1, 'read once per run');
    git(dir, 'config', 'user.name', 'First Name');
    git(dir, 'config', '--add', 'user.name', 'Ann Example');
    git(dir, 'remote', 'add', 'origin', 'gh:acme/App.git');
    git(dir, 'config', '--add', 'remote.origin.url', 'other:second.git');
    git(dir, 'config', 'url.https://github.com/.insteadOf', 'gh:');
    git(dir, 'config', 'url.https://wrong.example/.insteadOf', 'g');
    const expected = { user: git(dir, 'config', '--get', 'user.name').trim(), originUrl: git(dir, 'remote', 'get-url', 'origin').trim() };
    assert.deepEqual(expected, { user: 'Ann Example', originUrl: 'https://github.com/acme/App.git' });
    assert.deepEqual(await (await Git.open(dir))!.userAndOrigin(), expected);
  });
});
