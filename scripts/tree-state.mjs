// What a run changed in a git working tree: `npm test` compares the tree before and after itself
// (scripts/test.mjs), so a test run that writes a tracked or unignored file fails, while changes
// the developer made beforehand do not.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The working tree's changes (`git status`, untracked files included), each with a hash of its
 * content, so that a run that edits a file the developer had already changed is seen too.
 * Undefined outside a git checkout.
 * @param {string} root
 * @returns {Map<string, string> | undefined}
 */
export function treeState(root) {
  const r = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const state = new Map();
  const entries = r.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!e) continue;
    const code = e.slice(0, 2);
    const file = e.slice(3);
    if (code[0] === 'R' || code[0] === 'C') i++; // the next entry is the rename's source
    let hash = 'absent';
    try {
      hash = createHash('sha1').update(readFileSync(path.join(root, file))).digest('hex');
    } catch {
      /* deleted */
    }
    state.set(file, `${code} ${hash}`);
  }
  return state;
}

/**
 * The files whose state differs between two snapshots, sorted.
 * @param {Map<string, string>} before
 * @param {Map<string, string>} after
 * @returns {string[]}
 */
export function changedSince(before, after) {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f)).sort();
}
