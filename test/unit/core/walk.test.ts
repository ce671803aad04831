import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { walk } from '../../../src/core/walk';
import { git, scratchDirs } from '../helpers';

describe('file walk: .gitignore and tracked files', () => {
  const { tree } = scratchDirs();

  // pocket-id's layout: `.env.*` ignored with exceptions, and a root .env.example committed anyway.
  const files = {
    '.gitignore': '.env\n.env.*\n!.env.development-example\nbuild/\n',
    '.env.example': 'APP_URL=\n',
    '.env.local': 'APP_URL=http://localhost\n',
    'backend/.env.development-example': 'APP_URL=\n',
    'build/keep.go': 'package build\n',
    'build/out.bin': 'x',
    'node_modules/pkg/index.js': '',
    'backend/main.go': 'package main\nimport "os"\nvar u = os.Getenv("APP_URL")\nvar k = os.Getenv("ENCRYPTION_KEY")\n',
  };

  it('a tracked file a .gitignore rule matches is listed (git ignores only untracked files); untracked ignored files and vendor folders are not', async () => {
    const dir = tree(files);
    const tracked = new Set(['.gitignore', '.env.example', 'backend/.env.development-example', 'build/keep.go', 'node_modules/pkg/index.js', 'backend/main.go', 'gone.txt']);
    let asked = 0;
    const listed = await walk(dir, { tracked: async () => (asked++, tracked) });
    assert.deepEqual([...listed].sort(), ['.env.example', '.gitignore', 'backend/.env.development-example', 'backend/main.go', 'build/keep.go']);
    assert.equal(asked, 1);
    // without the tracked list (no git, Restricted Mode) .gitignore alone decides
    assert.deepEqual((await walk(dir)).sort(), ['.gitignore', 'backend/.env.development-example', 'backend/main.go']);
    // excluded globs still apply; nothing ignored means git is not asked
    assert.ok(!(await walk(dir, { tracked: async () => tracked, exclude: ['build/**'] })).includes('build/keep.go'));
    const clean = tree({ 'a.ts': '' });
    await walk(clean, { tracked: async () => (asked++, new Set(['a.ts'])) });
    assert.equal(asked, 1, 'no .gitignore match: the tracked list is not asked for');
  });

  it('a tracked path through a symbolic link is not followed', async function () {
    const outside = tree({ 'secret.env.example': 'TOKEN=\n' });
    const dir = tree({ '.gitignore': 'linked/\n' });
    try {
      symlinkSync(outside, path.join(dir, 'linked'), 'dir');
    } catch {
      this.skip();
    }
    assert.deepEqual(await walk(dir, { tracked: async () => new Set(['linked/secret.env.example']) }), ['.gitignore']);
  });

  it('with git, the committed .env.example under `.env.*` is the example the code is checked against', async () => {
    const dir = tree(files);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'add', '-f', '.env.example', 'build/keep.go');
    git(dir, 'commit', '-qm', 'init');
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), areas: ['env'] });
    assert.ok(ws.ctx.files.some((f) => f.path === '.env.example'));
    assert.ok(!ws.ctx.files.some((f) => f.path === '.env.local' || f.path === 'build/out.bin'));
    const missing = (await ws.analyze()).findings.filter((f) => f.ruleId === 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.related?.[0]?.file}`);
    assert.deepEqual(missing, ['ENCRYPTION_KEY:.env.example']);
  });
});

describe('walk: the files a run analyses', () => {
  const scratch = scratchDirs();

  it('lists files depth first, each folder sorted, files before subfolders, whatever order the folders are read in', async () => {
    const files: Record<string, string> = {};
    // Many sibling folders of different sizes: they are read at once and finish in any order.
    for (let i = 0; i < 30; i++) for (let j = 0; j <= i % 7; j++) files[`pkg${String(i).padStart(2, '0')}/sub${j}/f${j}.txt`] = 'x';
    Object.assign(files, { 'b.txt': 'x', 'a.txt': 'x', 'pkg03/z.txt': 'x', 'pkg03/a/deep/er/file.txt': 'x' });
    const dir = scratch.tree(files);
    const out = await walk(dir);
    const expected = Object.keys(files).sort((x, y) => {
      // Depth-first order: compare segment by segment; at a folder, its files come before its subfolders.
      const a = x.split('/');
      const b = y.split('/');
      for (let k = 0; ; k++) {
        const lastA = k === a.length - 1;
        const lastB = k === b.length - 1;
        if (a[k] === b[k]) continue;
        if (lastA !== lastB) return lastA ? -1 : 1;
        return a[k] < b[k] ? -1 : 1;
      }
    });
    assert.deepEqual(out, expected);
    assert.deepEqual(await walk(dir), out, 'the same list each time');
  });

  it('honours .gitignore at every level, skips vendor folders, excluded globs and symbolic links', async () => {
    const dir = scratch.tree({
      '.gitignore': 'build/\n*.log\n',
      'a.log': 'x',
      'build/out.js': 'x',
      'src/app.js': 'x',
      'src/.gitignore': 'gen/\n',
      'src/gen/x.js': 'x',
      'src/b.log': 'x',
      'node_modules/p/index.js': 'x',
      'docs/skip.md': 'x',
    });
    symlinkSync(path.join(dir, 'src'), path.join(dir, 'linked'));
    assert.deepEqual(await walk(dir, { exclude: ['docs/**'] }), ['.gitignore', 'src/.gitignore', 'src/app.js']);
  });

  it('stops at maxFiles with a notice', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`d${i % 5}/f${i}.txt`] = 'x';
    const dir = scratch.tree(files);
    const problems: string[] = [];
    const out = await walk(dir, { maxFiles: 10, onProblem: (p) => problems.push(p) });
    assert.equal(out.length, 10);
    assert.match(problems.join('\n'), /more than 10 files/);
  });
});
