// Renders media/icon.svg to media/icon.png (128x128, the Marketplace and Open VSX icon) with a
// headless Chromium (CHROMIUM=path, else chromium/google-chrome on PATH). Run it after editing the SVG.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const svg = readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-icon-'));
const html = path.join(dir, 'icon.html');
writeFileSync(html, `<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
const out = path.join(dir, 'icon.png');
const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean);
let ok = false;
for (const bin of candidates) {
  const r = spawnSync(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--default-background-color=00000000', `--screenshot=${out}`, '--window-size=128,128', `file://${html}`], { encoding: 'utf8' });
  if (r.status === 0) {
    ok = true;
    break;
  }
}
if (!ok) {
  console.error('no headless Chromium found (set CHROMIUM=/path/to/chromium)');
  process.exit(1);
}
copyFileSync(out, path.join(root, 'media', 'icon.png'));
rmSync(dir, { recursive: true, force: true });
console.log('wrote media/icon.png');
