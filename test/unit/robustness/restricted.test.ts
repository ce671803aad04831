import * as assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineResult } from './engine-worker';
import { WORKER_JS } from './sandbox';
import { branchRepo, git, removeTree, tempTree } from '../helpers';

/**
 * Restricted Mode trap: a recording `git` first on PATH and a repository whose own git config
 * would run a program (core.fsmonitor) that leaves a marker file. Untrusted, neither fires and the
 * static analysis still reports; trusted (the control that proves the trap works), both fire.
 */
describe('robustness: Restricted Mode runs no git and nothing from the workspace', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  function setup() {
    const repo = branchRepo({ 'migrations/001.sql': 'SELECT 1;\n' }, { 'migrations/002.sql': 'CREATE INDEX i ON t (a);\n' });
    const trap = tempTree({});
    dirs.push(repo, trap);
    const marker = path.join(trap, 'workspace-program-ran');
    const record = path.join(trap, 'git-invocations.log');
    const hook = path.join(trap, 'fsmonitor.sh');
    writeFileSync(hook, `#!/bin/sh\necho ran >> '${marker}'\nexit 1\n`);
    chmodSync(hook, 0o755);
    git(repo, 'config', 'core.fsmonitor', hook);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const bin = path.join(trap, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${record}'\nexec '${realGit}' "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    return { repo, marker, record, bin };
  }

  function runEngine(root: string, trusted: boolean, bin: string): EngineResult {
    const r = spawnSync(process.execPath, [WORKER_JS, JSON.stringify({ op: 'workspace', root, trusted })], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      timeout: 45_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as EngineResult;
  }

  it('untrusted: no git process, no workspace program, and the migration is still linted', () => {
    const { repo, marker, record, bin } = setup();
    const res = runEngine(repo, false, bin);
    assert.equal(existsSync(record), false, `git ran in Restricted Mode:\n${existsSync(record) ? readFileSync(record, 'utf8') : ''}`);
    assert.equal(existsSync(marker), false, 'a program from the repository git config ran');
    assert.equal(res.gitInvocations, 0);
    assert.ok(res.report!.findings.some((f) => f.ruleId === 'migration/require-concurrent-index' && f.file === 'migrations/002.sql'));
    assert.ok(res.report!.notices.some((n) => /Restricted Mode/.test(n.message)));
  });

  it('control: trusted, the same trap records git, and the repository program still does not run (issue 12)', () => {
    const { repo, marker, record, bin } = setup();
    const res = runEngine(repo, true, bin);
    assert.ok(existsSync(record), 'the recording git saw nothing: the trap is broken');
    assert.match(readFileSync(record, 'utf8'), /^git -c core\.fsmonitor=false -c safe\.bareRepository=explicit .*status/m);
    assert.equal(existsSync(marker), false, 'core.fsmonitor from the repository config ran under trust');
    assert.ok(res.report!.facts.base, 'trusted runs compare with the base');
    git(repo, 'status');
    assert.ok(existsSync(marker), 'plain git runs the planted fsmonitor: the marker trap works');
  });
});
