// Screenshots the Deploy Readiness view for the README: packages the .vsix (unless --vsix names
// one), installs it into a real VS Code (code-server, offline harness), opens the example branch
// (`npm run demo`'s repository), expands the view and saves a 1280x800 PNG. Fails when the view
// never appears or stays empty.
//
//   npm run screenshot                                    # refreshes media/screenshot.png
//   node scripts/screenshot.mjs --out test-results/screenshot.png --vsix deploy-readiness.vsix
//                                                         # what `npm test` runs (tree left clean)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from './fixture-workspace.mjs';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = path.resolve(opt('--out') ?? path.join(ROOT, 'media', 'screenshot.png'));
let vsix = opt('--vsix') && path.resolve(opt('--vsix'));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'dr-screenshot-'));

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    console.error(`screenshot: ${path.basename(cmd)} ${argv[0] ?? ''} failed (exit ${r.status})`);
    process.exit(1);
  }
}

if (!vsix) {
  run(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production']);
  vsix = path.join(scratch, 'deploy-readiness.vsix');
  run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '-o', vsix]);
}
const ws = buildExampleRepo('dr-screenshot-');
mkdirSync(path.dirname(out), { recursive: true });
const r = spawnSync(process.execPath, [
  path.join(ROOT, 'test', 'vscode-offline', 'screenshot.mjs'), '--extension', ROOT, '--vsix', vsix, '--workspace', ws, '--out', out,
  '--settle', '15', '--timeout', '420', '--require-rows',
], { cwd: ROOT, stdio: 'inherit' });
rmSync(ws, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });
if (r.status === 0) console.log(`screenshot: ${path.relative(process.cwd(), out) || out}`);
process.exit(r.status ?? 1);
