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
