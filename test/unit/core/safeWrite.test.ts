import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { runInitCi } from '../../../src/cli/initCi';
import { UnsafeWriteError, writableTarget, writeInRepository } from '../../../src/core/safeWrite';
import { branchRepo, git, scratchDirs } from '../helpers';

/** Issue 12: every writer stays inside the repository and follows no symbolic link it did not create. */
async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd, isTTY: false, env: {} });
  return { code, stdout, stderr };
}

describe('writes stay in the repository', function () {
  this.timeout(120_000);
  const scratch = scratchDirs();
  const outside = () => scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-outside-')));

  it('the shared helper: ../, absolute paths, a linked folder on the way and a linked file are refused; new folders are created', async () => {
    const root = scratch.tree({ 'README.md': 'x\n' });
    const out = outside();
    const refuse = async (rel: string, why: RegExp) => {
      await assert.rejects(writeInRepository(root, rel, 'pwned\n'), (e: Error) => e instanceof UnsafeWriteError && why.test(e.message));
    };
    await refuse('../x/.bashrc', /outside the repository/);
    await refuse(path.join(out, 'a.md'), /not a path inside the repository/);
    await refuse('docs/../../escape.md', /outside the repository/);
    symlinkSync(out, path.join(root, 'docs'));
    await refuse('docs/runbooks/a.md', /docs is a symbolic link/);
    mkdirSync(path.join(root, '.github'));
    symlinkSync(out, path.join(root, '.github', 'workflows'));
    await refuse('.github/workflows/ci.yml', /\.github\/workflows is a symbolic link/);
    writeFileSync(path.join(out, 'target'), 'keep\n');
    symlinkSync(path.join(out, 'target'), path.join(root, 'link.md'));
    await refuse('link.md', /link\.md is a symbolic link/);
    assert.deepEqual(readdirSync(out).sort(), ['target']);
    assert.equal(readFileSync(path.join(out, 'target'), 'utf8'), 'keep\n');
    const abs = await writeInRepository(root, 'notes/runbooks/2026/a.md', 'ok\n');
    assert.equal(readFileSync(abs, 'utf8'), 'ok\n');
    assert.equal(await writableTarget(root, 'README.md'), path.join(realpathSync(root), 'README.md'));
  });

  it('CLI runbook: checklist.runbook.path "../x/.bashrc" and a committed docs/runbooks -> elsewhere are refused, nothing written outside', async () => {
    const out = outside();
    const repo = scratch.keep(branchRepo({ 'a.ts': 'export const a = 1;\n' }, { 'db/migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n' }));
    const x = path.join(path.dirname(repo), 'x');
    writeFileSync(path.join(repo, '.deploy-readiness.yaml'), 'checklist:\n  runbook:\n    path: "../x/.bashrc"\n');
    let r = await cli(['runbook', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.\.\/x\/\.bashrc: outside the repository/);
    assert.equal(existsSync(path.join(x, '.bashrc')), false);
    writeFileSync(path.join(repo, '.deploy-readiness.yaml'), '');
    mkdirSync(path.join(repo, 'docs'));
    symlinkSync(out, path.join(repo, 'docs', 'runbooks'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'a linked runbooks folder');
    r = await cli(['runbook', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /docs\/runbooks is a symbolic link/);
    assert.deepEqual(readdirSync(out), []);
    r = await cli(['runbook', '--out', 'my-runbook.md', '--now', '2026-03-03T10:00:00Z'], repo);
    assert.equal(r.code, 0, 'a path the user typed is written');
    assert.ok(existsSync(path.join(repo, 'my-runbook.md')));
  });

  it('CLI init-ci: a symlinked .github/workflows is refused before anything is written', async () => {
    const out = outside();
    const repo = scratch.tree({ 'package.json': '{"name":"x","scripts":{"test":"mocha"}}\n' });
    mkdirSync(path.join(repo, '.github'));
    symlinkSync(out, path.join(repo, '.github', 'workflows'));
    let err = '';
    const code = await runInitCi({ root: repo, system: 'github', base: 'main', dryRun: false, force: true }, { stdout: () => undefined, stderr: (s) => (err += s) });
    assert.equal(code, 2, err);
    assert.match(err, /\.github\/workflows is a symbolic link/);
    assert.deepEqual(readdirSync(out), []);
  });
});
