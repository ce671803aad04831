import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exampleOf, migrationRules } from '../../../src/core/migrations/rules';
import { REPO_ROOT, removeTree, tempTree } from '../helpers';

describe('migrations: rule docs are generated from the rule modules', () => {
  it('every migration rule page is generated: its summary, its first flagged example and its peers\' names are on it', () => {
    for (const r of migrationRules) {
      const page = readFileSync(path.join(REPO_ROOT, r.docs), 'utf8');
      assert.ok(page.includes(`${r.summary}.`), `${r.docs} has the summary`);
      const [dialect] = Object.values(r.examples);
      const first = exampleOf(dialect!.flagged[0]);
      assert.ok(page.includes(first.shown ?? first.sql), `${r.docs} shows the first flagged example`);
      for (const names of Object.values(r.equivalents ?? {})) for (const n of names ?? []) assert.ok(page.includes(`\`${n}\``), `${r.docs} names ${n}`);
    }
  });

  it('--check fails on a stale page and the generator rewrites it', () => {
    // A copy of the generator and the docs (and a link to the compiled modules it reads), so the repository's own pages are not touched.
    const dir = tempTree({});
    try {
      mkdirSync(path.join(dir, 'scripts'));
      cpSync(path.join(REPO_ROOT, 'scripts', 'gen-rule-docs.mjs'), path.join(dir, 'scripts', 'gen-rule-docs.mjs'));
      symlinkSync(path.join(REPO_ROOT, 'out'), path.join(dir, 'out'));
      cpSync(path.join(REPO_ROOT, 'docs', 'rules'), path.join(dir, 'docs', 'rules'), { recursive: true });
      const page = path.join(dir, 'docs', 'rules', 'migration', 'truncate.md');
      writeFileSync(page, readFileSync(page, 'utf8').replace('TRUNCATE audit_log CASCADE;', 'TRUNCATE x;'));
      const gen = (...args: string[]) => spawnSync(process.execPath, [path.join(dir, 'scripts', 'gen-rule-docs.mjs'), ...args], { encoding: 'utf8' });
      const stale = gen('--check');
      assert.equal(stale.status, 1);
      assert.match(stale.stderr, /docs\/rules\/migration\/truncate\.md/);
      assert.equal(gen().status, 0);
      assert.equal(readFileSync(page, 'utf8'), readFileSync(path.join(REPO_ROOT, 'docs', 'rules', 'migration', 'truncate.md'), 'utf8'));
      assert.equal(gen('--check').status, 0);
    } finally {
      removeTree(dir);
    }
  });
});
