import * as assert from 'node:assert/strict';
import { writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { git, REPO_ROOT, scratchDirs } from '../helpers';

/** `npm test` ends by failing when the run changed the working tree (scripts/tree-state.mjs). */
interface TreeState {
  treeState(root: string): Map<string, string> | undefined;
  changedSince(before: Map<string, string>, after: Map<string, string>): string[];
}
const load = (): Promise<TreeState> => import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'tree-state.mjs')).href);

describe('npm test leaves the working tree as it found it', () => {
  const scratch = scratchDirs();

  it('reports what a run wrote, rewrote or deleted, and not what the developer had changed before', async () => {
    const { treeState, changedSince } = await load();
    const dir = scratch.tree({ 'media/screenshot.png': 'v1', 'src/a.ts': 'a', 'src/b.ts': 'b', 'src/c.ts': 'c', '.gitignore': 'test-results/\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    // The developer's work in progress before the run.
    writeFileSync(path.join(dir, 'src/a.ts'), 'a edited by the developer');
    writeFileSync(path.join(dir, 'src/b.ts'), 'b edited by the developer');
    writeFileSync(path.join(dir, 'notes.txt'), 'untracked, the developer’s');
    const before = treeState(dir)!;
    assert.deepEqual(changedSince(before, treeState(dir)!), [], 'nothing changed: nothing reported');
    // The run: rewrites a tracked picture, edits a file already dirty, deletes one, leaves a stray
    // file, and writes into an ignored folder.
    writeFileSync(path.join(dir, 'media/screenshot.png'), 'v2');
    writeFileSync(path.join(dir, 'src/b.ts'), 'b rewritten by the run');
    unlinkSync(path.join(dir, 'src/c.ts'));
    writeFileSync(path.join(dir, 'stray.vsix'), 'x');
    mkdirSync(path.join(dir, 'test-results'));
    writeFileSync(path.join(dir, 'test-results/screenshot.png'), 'ok');
    assert.deepEqual(changedSince(before, treeState(dir)!), ['media/screenshot.png', 'src/b.ts', 'src/c.ts', 'stray.vsix']);
  });

  it('outside a git checkout there is no state to compare', async () => {
    const { treeState } = await load();
    assert.equal(treeState(scratch.tree({ 'a.txt': 'a' })), undefined);
  });
});
