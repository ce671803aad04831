// Screenshots the Deploy Readiness view for the README: packages the .vsix (unless --vsix names
// one), installs it into a real VS Code (code-server, offline harness), opens the example branch
// (`npm run demo`'s repository) and saves 1280x800 PNGs: the view as the extension opens it (areas
// with blockers expanded, the rest folded), and for the README also the quick-fix menu on the
// migration's CREATE INDEX line and the status-bar verdict's tooltip. Fails when the view never
// appears or stays empty.
//
//   npm run screenshot                                    # refreshes media/screenshot.png,
//                                                         # media/quick-fix.png, media/status-tooltip.png
//   node scripts/screenshot.mjs --out test-results/screenshot.png --vsix deploy-readiness.vsix
//                                                         # what `npm test` runs (the view only; tree left clean)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from './fixture-workspace.mjs';

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const readme = !opt('--out');
const out = path.resolve(opt('--out') ?? path.join(ROOT, 'media', 'screenshot.png'));
const extra = readme
  ? ['--quickfix-out', path.join(ROOT, 'media', 'quick-fix.png'), '--quickfix-file', '003_orders_payment.sql', '--quickfix-line', '4',
      '--status-out', path.join(ROOT, 'media', 'status-tooltip.png')]
  : [];
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
  '--settle', '15', '--timeout', '420', '--require-rows', '--no-expand', '--sidebar-width', '560', ...extra,
], { cwd: ROOT, stdio: 'inherit' });
rmSync(ws, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });
if (r.status === 0) console.log(`screenshot: ${path.relative(process.cwd(), out) || out}`);
process.exit(r.status ?? 1);
