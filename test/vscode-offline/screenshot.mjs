#!/usr/bin/env node
// Opens a workspace in the real VS Code (code-server + headless Chromium) with the extension
// installed like a user would have it, opens the Deploy Readiness view, and saves a 1280x800 PNG.
// Exits non-zero when the view never appears or stays empty, so with --vsix it doubles as the
// proof that a packaged .vsix installs and activates. See README.md in this folder.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  HarnessError, VIEWPORT, deadline, exitWith, guard, killTree, launchBrowser, locateInstall, log, makeTempDir,
  onCleanup, parseArgs, requireAbsolute, screenshot, startCodeServer, warn, workbenchUrl,
} from './harness.mjs';

const USAGE = `usage: node test/vscode-offline/screenshot.mjs --extension <abs ext root> --workspace <abs folder>
       --out <png> [--view-id <view container id>] [--title <activity bar label, default "Deploy Readiness">]
       [--vsix <file>] [--restricted] [--settle <sec, default 4>] [--allow-empty] [--require-rows] [--timeout <sec, default 180>]
       [--no-expand] [--sidebar-width <px>] [--quickfix-out <png> --quickfix-file <file name> --quickfix-line <n>] [--status-out <png>]
       [--verbose]
  --no-expand shows the tree as the extension opens it (no row is expanded by the harness).
  --sidebar-width drags the side bar wider so labels and descriptions are readable.
  --quickfix-out opens <file name> (quick open), puts the cursor on line <n> and saves the Ctrl+. menu.
  --status-out saves the status-bar verdict with its tooltip (hovered).
  --vsix installs the package with code-server --install-extension instead of linking --extension.
  --restricted opens the workspace untrusted (Restricted Mode), as run.mjs --restricted does.`;

const EXIT_FAIL = 1;
const EXIT_TIMEOUT = 124;
const EXIT_HARNESS = 2;

function readManifest(extRoot) {
  const file = path.join(extRoot, 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HarnessError(`cannot read ${file}: ${e.message}`);
  }
}

/** Makes the extension root visible to code-server as an installed extension. */
function linkExtension(extRoot, manifest, extensionsDir) {
  const { publisher, name, version } = manifest;
  if (!publisher || !name || !version) throw new HarnessError('package.json needs publisher, name and version');
  const target = path.join(extensionsDir, `${publisher}.${name}-${version}`.toLowerCase());
  fs.symlinkSync(extRoot, target, 'dir');
  log(`linked ${extRoot} as ${path.basename(target)}`);
}

/** Runs `code-server --install-extension <vsix>` against the temp folders. */
function installVsix(install, vsix, { configFile, userDataDir, extensionsDir, env }, timeoutMs) {
  const args = [
    install.codeServerEntry, '--config', configFile, '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--install-extension', vsix,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(install.nodeBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    guard(child.pid);
    onCleanup(() => killTree(child.pid));
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { killTree(child.pid); reject(new HarnessError(`--install-extension timed out\n${out}`)); }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && !/Failed|error/i.test(out.replace(/open-vsx[^\n]*/g, ''))) resolve(out.trim());
      else reject(new HarnessError(`--install-extension ${vsix} failed (code ${code}):\n${out.trim()}`));
    });
  });
}

const SIDEBAR = '.part.sidebar';
const ROWS = `${SIDEBAR} .monaco-list-row`;

async function openView(page, { title, viewId, waitMs }) {
  const css = title.replace(/["\\]/g, '\\$&');
  const entry = page.locator(
    `.part.activitybar [aria-label*="${css}" i], .part.activitybar [title*="${css}" i]`,
  ).first();
  try {
    await entry.waitFor({ state: 'visible', timeout: waitMs });
    await entry.click();
    log(`clicked the activity bar entry "${title}"`);
    return 'activity bar';
  } catch {
    if (!viewId) throw new HarnessError(`no activity bar entry labelled "${title}" appeared within ${waitMs / 1000}s`);
  }
  // Fallback: the command palette (F1) entry of workbench.view.extension.<viewId>.
  log(`no activity bar entry "${title}"; trying the command palette for workbench.view.extension.${viewId}`);
  // Extension commands join the palette only once the extension host has registered them: retry.
  const until = Date.now() + 30_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type(`Show ${title}`, { delay: 10 }); // F1 already typed the '>'
    const item = page.locator('.quick-input-widget .monaco-list-row', { hasText: `View: Show ${title}` }).first();
    if (await item.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
      await item.click();
      break;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > until) {
      throw new HarnessError(`the command palette has no "View: Show ${title}" (workbench.view.extension.${viewId})`);
    }
    await page.waitForTimeout(1000);
  }
  return 'command palette';
}

async function sidebarState(page) {
  return page.evaluate(({ sidebar, rows }) => {
    const side = document.querySelector(sidebar);
    const welcome = [...(side?.querySelectorAll('.welcome-view-content') ?? [])]
      .filter((w) => w.offsetParent !== null && w.innerText.trim());
    return {
      visible: Boolean(side && side.offsetParent !== null),
      title: side?.querySelector('.composite.title')?.innerText?.trim() ?? '',
      rows: document.querySelectorAll(rows).length,
      welcome: welcome.length,
      // Shown while a view has no tree data provider, i.e. before (or without) activation.
      noProvider: /no data provider registered/i.test(side?.innerText ?? ''),
    };
  }, { sidebar: SIDEBAR, rows: ROWS });
}

/** Waits for the sidebar tree to show rows (or a welcome view); expands collapsed rows once. */
async function waitForTree(page, { settleMs, waitMs, requireRows = false, expand = true }) {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    const s = await sidebarState(page);
    if (s.rows > 0 || (s.welcome > 0 && !requireRows)) break;
    await page.waitForTimeout(500);
  }
  // Let the extension finish filling the tree, then expand what is collapsed (one pass).
  await page.waitForTimeout(settleMs);
  for (const header of await page.locator(`${SIDEBAR} .pane-header[aria-expanded="false"]`).all()) {
    await header.click().catch(() => {});
  }
  // Click twisties (not rows: a row click may run the item's command), top-down, at most 20.
  const twistie = page.locator(`${ROWS}[aria-expanded="false"] .monaco-tl-twistie`).first();
  let expanded = 0;
  while (expand && expanded < 20 && await twistie.count()) {
    if (!await twistie.click({ timeout: 2000 }).then(() => true, () => false)) break;
    expanded++;
    await page.waitForTimeout(300);
  }
  // Park the mouse on the empty editor area so no hover or tooltip is in the picture.
  await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 2);
  await page.waitForTimeout(expanded ? 1500 : 800);
  return sidebarState(page);
}

/** Drags the sash between the side bar and the editor so the side bar is about `width` pixels wide. */
async function widenSidebar(page, width) {
  const box = await page.locator(SIDEBAR).boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 12 });
  await page.mouse.up();
  await page.waitForTimeout(500);
  log(`side bar ${Math.round(box.width)} -> ${Math.round((await page.locator(SIDEBAR).boundingBox())?.width ?? 0)} px`);
}

/** Opens a file through quick open, moves the cursor to a line and opens the quick-fix menu (Ctrl+.). */
async function quickFixShot(page, { file, line, out }) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(file, { delay: 10 });
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: file }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15_000 });
  // The squiggle is there once the extension published its diagnostics for the file.
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(String(line), { delay: 10 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
  await page.keyboard.press('Control+Period');
  const menu = page.locator('.action-widget').first();
  await menu.waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(800);
  log(`quick-fix menu: ${(await menu.innerText()).split('\n').filter(Boolean).slice(0, 8).join(' | ')}`);
  await screenshot(page, out);
  await page.keyboard.press('Escape');
  return out;
}

/** Hovers the status-bar verdict until its tooltip shows, then saves the window. */
async function statusShot(page, { out }) {
  await page.keyboard.press('Escape');
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'Deploy:' }).first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Deploy Readiness' }).first();
  for (let i = 0; i < 5; i++) {
    await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 2);
    await page.waitForTimeout(300);
    await item.hover();
    if (await hover.waitFor({ state: 'visible', timeout: 4000 }).then(() => true, () => false)) break;
  }
  if (!await hover.isVisible()) throw new HarnessError('the status-bar verdict shows no tooltip');
  await page.waitForTimeout(500);
  log(`status-bar tooltip: ${(await hover.innerText()).split('\n')[0]}`);
  await screenshot(page, out);
  return out;
}

async function notificationsText(page) {
  return page.evaluate(() => [...document.querySelectorAll('.notification-list-item-message')]
    .map((n) => n.innerText.trim()).filter(Boolean)).catch(() => []);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), {
    extension: 'string', workspace: 'string', out: 'string', 'view-id': 'string', title: 'string',
    vsix: 'string', settle: 'string', 'allow-empty': 'boolean', 'require-rows': 'boolean', timeout: 'string', verbose: 'boolean',
    restricted: 'boolean', 'no-expand': 'boolean', 'sidebar-width': 'string', 'quickfix-out': 'string', 'quickfix-file': 'string', 'quickfix-line': 'string', 'status-out': 'string',
  });
  if (opts.help) { console.log(USAGE); return 0; }
  const vsix = opts.vsix ? requireAbsolute(opts, 'vsix') : null;
  const extension = vsix && !opts.extension ? null : requireAbsolute(opts, 'extension', { dir: true });
  const workspace = requireAbsolute(opts, 'workspace', { dir: true });
  if (!opts.out) throw new HarnessError('--out is required');
  const out = path.resolve(opts.out);
  const timeoutSec = Number(opts.timeout ?? 180);
  const settleMs = Number(opts.settle ?? 4) * 1000;
  const verbose = Boolean(opts.verbose || process.env.DR_VSCODE_VERBOSE === '1');
  const manifest = extension ? readManifest(extension) : null;
  const viewId = opts['view-id'] ?? null;
  let title = opts.title;
  if (!title && viewId && manifest) {
    title = manifest.contributes?.viewsContainers?.activitybar?.find((c) => c.id === viewId)?.title;
  }
  title ||= 'Deploy Readiness';

  const install = locateInstall(); // may run install.sh (minutes): not part of the timeout
  const started = Date.now();
  const hard = deadline(timeoutSec * 1000);
  const tmp = makeTempDir('shot');
  let page = null;

  const work = (async () => {
    const server = await startCodeServer(install, {
      tmp, workspace, verbose, restricted: Boolean(opts.restricted),
      // The extension goes into the temp extensions folder before the server starts.
      beforeStart: async (dirs) => {
        if (!vsix) return linkExtension(extension, manifest, dirs.extensionsDir);
        log(`installing ${vsix}`);
        const said = await installVsix(install, vsix, dirs, 120_000);
        log(`code-server --install-extension: ${said.split('\n').pop()}`);
      },
    });
    log(`code-server ${server.origin} (pid ${server.pid})`);
    ({ page } = await launchBrowser(install, { tmp, verbose }));
    await page.goto(workbenchUrl(server, workspace), { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 90_000 });
    log(`workbench up after ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const via = await openView(page, { title, viewId, waitMs: 90_000 });
    if (opts['sidebar-width']) await widenSidebar(page, Number(opts['sidebar-width']));
    const state = await waitForTree(page, { settleMs, waitMs: 150_000, requireRows: Boolean(opts['require-rows']), expand: !opts['no-expand'] });
    for (const n of await notificationsText(page)) log(`notification: ${n}`);
    log(`view "${state.title || title}" opened via ${via}: ${state.rows} tree rows, ${state.welcome} welcome views`);
    if (!state.visible || !state.title.toLowerCase().includes(title.toLowerCase())) {
      throw new HarnessError(`the "${title}" view did not open (sidebar shows "${state.title}")`);
    }
    if (state.noProvider) throw new HarnessError('the view says no data provider is registered: the extension did not activate');
    if (opts['require-rows'] && !state.rows) throw new HarnessError(`the view shows no tree rows (${state.welcome} welcome views): the analysis did not finish`);
    if (!state.rows && !state.welcome && !opts['allow-empty']) {
      throw new HarnessError('the view opened but stayed empty (no tree rows, no welcome view): did the extension activate?');
    }
    log(`screenshot: ${await screenshot(page, out)}`); // only a good picture lands at --out
    if (opts['status-out']) log(`screenshot: ${await statusShot(page, { out: path.resolve(opts['status-out']) })}`);
    if (opts['quickfix-out']) {
      if (!opts['quickfix-file'] || !opts['quickfix-line']) throw new HarnessError('--quickfix-out needs --quickfix-file and --quickfix-line');
      log(`screenshot: ${await quickFixShot(page, { file: opts['quickfix-file'], line: Number(opts['quickfix-line']), out: path.resolve(opts['quickfix-out']) })}`);
    }
    return 0;
  })();

  const outcome = await Promise.race([work, hard.promise.then(() => 'timeout')]).catch((e) => e);
  hard.cancel();
  let code = outcome;
  if (outcome === 'timeout' || outcome instanceof Error) {
    if (outcome === 'timeout') warn(`TIMEOUT after ${timeoutSec}s`);
    else warn(`FAILED: ${outcome instanceof HarnessError ? outcome.message : outcome.stack}`);
    code = outcome === 'timeout' ? EXIT_TIMEOUT : EXIT_FAIL;
    if (page) {
      const failShot = path.join(os.tmpdir(), path.basename(out).replace(/(\.png)?$/i, '.failure.png'));
      await screenshot(page, failShot).then((f) => log(`failure screenshot: ${f}`), () => {});
      for (const n of await notificationsText(page)) log(`notification: ${n}`);
    }
  }
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)}s, exit code ${code}`);
  return code;
}

main().then(
  (code) => exitWith(code),
  (err) => {
    warn(`ERROR: ${err instanceof HarnessError ? err.message : err?.stack ?? err}`);
    return exitWith(EXIT_HARNESS);
  },
);
