import * as assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { branchRepo, cli, git, removeTree, writeTree } from '../helpers';

/**
 * Issue 12: no git configuration from the repository runs a program. Every key that can name a
 * command (core.fsmonitor, core.pager, core.hooksPath, diff.external, a textconv driver,
 * gpg.program through log.showSignature) is set to a marker command; the marker never appears.
 */
function dangerousConfig(marker: string): string {
  return [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tbare = false',
    `\tfsmonitor = "touch ${marker}-fsmonitor; false"`,
    `\tpager = touch ${marker}-pager`,
    '\thooksPath = hooks',
    '[diff]',
    `\texternal = touch ${marker}-external`,
    '[diff "x"]',
    `\ttextconv = "touch ${marker}-textconv; cat"`,
    '[log]',
    '\tshowSignature = true',
    '[gpg]',
    `\tprogram = touch ${marker}-gpg`,
    '',
  ].join('\n');
}

const HOOKS = ['post-checkout', 'pre-commit', 'post-index-change', 'reference-transaction', 'fsmonitor-watchman'];

describe('git configuration from the repository runs nothing', function () {
  this.timeout(180_000);
  let markers: string;
  const dirs: string[] = [];
  before(() => {
    markers = mkdtempSync(path.join(os.tmpdir(), 'dr-markers-'));
    dirs.push(markers);
  });
  after(() => dirs.forEach(removeTree));
  const fired = () => readdirSync(markers);

  it('a committed folder shaped like a git directory: `check <folder>` and `checklist` inside it run none of its config', async () => {
    const m = path.join(markers, 'fake');
    const repo = branchRepo({ 'a.ts': 'export const a = 1;\n' }, { 'b.ts': 'export const b = 2;\n' });
    dirs.push(repo);
    const hooks = Object.fromEntries(HOOKS.map((h) => [`services/api/hooks/${h}`, `#!/bin/sh\ntouch ${m}-hook-${h}\n`]));
    writeTree(repo, {
      'services/api/HEAD': 'ref: refs/heads/main\n',
      'services/api/config': dangerousConfig(m).replace('\tbare = false\n', '\tbare = false\n\tworktree = .\n'),
      'services/api/objects/.keep': '',
      'services/api/refs/heads/.keep': '',
      'services/api/.gitattributes': '* diff=x\n',
      'services/api/.env.example': 'API_URL=\n',
      'services/api/src/a.ts': 'export const u = process.env.API_URL;\n',
      'services/api/db/migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n',
      ...hooks,
    });
    for (const h of HOOKS) chmodSync(path.join(repo, 'services/api/hooks', h), 0o755);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'a folder shaped like a git dir');
    const api = path.join(repo, 'services', 'api');
    const runs = [
      await cli(['check', 'services/api'], repo),
      await cli(['checklist', '--now', '2026-03-03T10:00:00Z'], api),
      await cli(['rollback-plan'], api),
      await cli(['runbook', '--out', '-', '--now', '2026-03-03T10:00:00Z'], api),
      await cli(['check'], api),
    ];
    assert.deepEqual(fired(), []);
    for (const r of runs) assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const ws = await Workspace.open({ root: api, config: defaultConfig(), trusted: true });
    await ws.analyze();
    assert.equal(ws.ctx.git, undefined, 'the bare-looking folder is not taken for a repository');
    assert.deepEqual(fired(), []);
  });

  it("the repository's own config: fsmonitor, pager, hooks, external diff, textconv and gpg.program stay off while the branch is analysed", async () => {
    const m = path.join(markers, 'own');
    const repo = branchRepo(
      { '.env.example': 'A=\n', 'src/a.ts': 'export const a = process.env.A;\n', '.gitattributes': '* diff=x\n' },
      { 'src/a.ts': 'export const a = process.env.A;\nexport const b = process.env.B;\n', 'db/migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n', '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n' },
    );
    dirs.push(repo);
    writeTree(repo, Object.fromEntries(HOOKS.map((h) => [`hooks/${h}`, `#!/bin/sh\ntouch ${m}-hook-${h}\n`])));
    for (const h of HOOKS) chmodSync(path.join(repo, 'hooks', h), 0o755);
    appendFileSync(path.join(repo, '.git', 'config'), dangerousConfig(m).replace(/^\[core\]\n\trepositoryformatversion = 0\n\tbare = false\n/, '[core]\n').replace('hooksPath = hooks', `hooksPath = ${path.join(repo, 'hooks')}`));
    appendFileSync(path.join(repo, 'src/a.ts'), '// uncommitted\n');
    // The setup is live: plain git runs the fsmonitor command.
    git(repo, 'status', '--short');
    assert.ok(existsSync(`${m}-fsmonitor`), 'the planted fsmonitor command runs under plain git');
    for (const f of fired()) removeTree(path.join(markers, f));
    const runs = [
      await cli(['check', '--base', 'main'], repo),
      await cli(['check', '--base', 'main', 'src'], repo),
      await cli(['checklist', '--now', '2026-03-03T10:00:00Z'], repo),
      await cli(['rollback-plan'], repo),
      await cli(['runbook', '--out', '-', '--now', '2026-03-03T10:00:00Z'], repo),
    ];
    assert.deepEqual(fired(), []);
    for (const r of runs) assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(runs[0].stdout, /\bB\b/, 'git still works: the new variable is reported against the base');
    assert.deepEqual(fired(), []);
  });
});
