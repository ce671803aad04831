import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, runCli, scratchDirs } from '../helpers';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
}

describe('pre-commit hook definition (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = hooks.find((h) => h.id === 'deploy-readiness');
  const scratch = scratchDirs();

  it('is a node hook whose entry is the package binary', () => {
    assert.ok(hook, 'a hook with id deploy-readiness');
    assert.equal(hook.language, 'node');
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const [bin, command] = hook.entry.split(' ');
    assert.ok(pkg.bin[bin], `package.json bin has no ${bin}`);
    assert.equal(command, 'check');
    // pre-commit builds the hook with `npm pack` from the git checkout, where dist/ is not committed.
    assert.ok(pkg.scripts.prepack?.includes('scripts/build.mjs'), 'prepack builds the bundles');
  });

  it('runs on migration files and nothing else', () => {
    const files = new RegExp(hook!.files);
    for (const p of ['db/migrations/003_orders.sql', 'migrations/0002_x.py', 'db/migrate/20240101_add.rb', 'alembic/versions/abc_add.py', 'schema.sql', 'app/migration/1.js'])
      assert.ok(files.test(p), `should run on ${p}`);
    for (const p of ['README.md', 'src/app.ts', 'src/migrationsHelper.ts', 'docs/sql.md']) assert.ok(!files.test(p), `should not run on ${p}`);
  });

  it('as pre-commit runs it (entry + staged file names), blocks an unsafe migration and passes a safe one', () => {
    const repo = scratch.tree({
      'db/migrations/001_add_index.sql': 'CREATE INDEX orders_status ON orders (status);\n',
      'db/migrations/002_safe.sql': "SET lock_timeout = '5s';\nSET statement_timeout = '30s';\nCREATE TABLE notes (id bigint PRIMARY KEY);\n",
    });
    const args = hook!.entry.split(' ').slice(1);
    const bad = runCli([...args, 'db/migrations/001_add_index.sql'], repo);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /migration\/require-concurrent-index/);
    const good = runCli([...args, 'db/migrations/002_safe.sql'], repo);
    assert.equal(good.code, 0, good.stdout + good.stderr);
  });
});
