import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('Marketplace and Open VSX manifest', function () {
  this.timeout(60_000);
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  it('has a 128x128 PNG icon, a gallery banner, categories, repository, homepage, bugs, qna and a licence', () => {
    assert.match(pkg.icon, /\.png$/);
    assert.deepEqual(pngSize(path.join(REPO_ROOT, pkg.icon)), { width: 128, height: 128 });
    assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
    assert.ok(pkg.categories.length > 0);
    for (const k of ['homepage', 'qna']) assert.match(pkg[k], /^https:\/\//, k);
    assert.match(pkg.bugs.url, /^https:\/\//);
    assert.match(pkg.repository.url, /^https:\/\//);
    assert.equal(pkg.license, 'MIT');
    assert.ok(existsSync(path.join(REPO_ROOT, 'LICENSE')));
  });

  // `vsce package` itself runs in npm test's package step, which fails on any WARNING it prints.
  it('the .vsix carries the icon and the schema but not the CLI or Action bundles (vsce ls)', () => {
    const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
    const r = spawnSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ls = r.stdout.split('\n').map((l) => l.trim());
    for (const f of ['dist/extension.js', pkg.icon, 'schemas/deploy-readiness.schema.json']) assert.ok(ls.includes(f), `.vsix lacks ${f}`);
    for (const f of ['dist/cli.js', 'dist/action.js', 'action.yml']) assert.ok(!ls.includes(f), `.vsix ships ${f}`);
  });
});
