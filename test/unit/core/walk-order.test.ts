import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { walk } from '../../../src/core/walk';
import { scratchDirs } from '../helpers';

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
