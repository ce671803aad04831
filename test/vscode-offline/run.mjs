#!/usr/bin/env node
// Runs a compiled extension test suite inside the real VS Code extension host (code-server +
// headless Chromium), forwards its output, and exits with the extension host's exit code.
// See README.md in this folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import {
  HarnessError, deadline, exitWith, launchBrowser, locateInstall, log, makeTempDir, parseArgs,
  remoteUri, requireAbsolute, screenshot, startCodeServer, warn, workbenchUrl,
} from './harness.mjs';

const USAGE = `usage: node test/vscode-offline/run.mjs --extension <abs ext root> --tests <abs suite index.js>
       --workspace <abs folder> [--restricted] [--env KEY=VALUE ...] [--screenshot <png>]
       [--timeout <sec, default 300>] [--verbose]
exit code: the extension host's (0 = all passed), 124 = timeout, 2 = harness error, 130/143 = interrupted`;

const EXIT_TIMEOUT = 124;
const EXIT_HARNESS = 2;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Turns one codeAutomationLog call into text: printf-style like console.log (%s, %d, %c). */
function formatLogArgs(args) {
  return Array.isArray(args) ? util.format(...args) : String(args);
}

/**
 * Workbench chatter that arrives through the same channel as the extension host's console, and
 * the expected failures of an offline machine (marketplace, GitHub, auth). Shown with --verbose.
 */
const NOISE = new RegExp([
  '^Resolving connection token', '^Resolved connection token', '^Creating a socket \\(',
  '^\\[reconnection-grace-time\\]', '^Updating additional builtin extensions cache', '^\\[Service Worker\\]',
  '^\\[AgentHost', '^\\[AccountPolicyGate\\]', '^Creation of workbench contribution',
  "authentication provider '\\w+' to register", 'ENOTFOUND', 'EAI_AGAIN', 'open-vsx\\.org', 'api\\.github\\.com',
  'marketplace\\.visualstudio\\.com', 'Failed to fetch',
].join('|'));

/**
 * Counts from `DR-RESULT passed=N failed=M` (preferred), else mocha's spec summary, else (a run cut
 * short) the spec reporter's per-test lines: `✔ title` passed, `N) title` failed.
 */
function parseCounts(text) {
  const plain = text.replace(ANSI, '');
  const dr = [...plain.matchAll(/DR-RESULT passed=(\d+) failed=(\d+)/g)].pop();
  if (dr) return { passed: Number(dr[1]), failed: Number(dr[2]), source: 'DR-RESULT' };
  const passing = [...plain.matchAll(/^\s*(\d+) passing\b/gm)].pop();
  const failing = [...plain.matchAll(/^\s*(\d+) failing\b/gm)].pop();
  if (passing || failing) return { passed: Number(passing?.[1] ?? 0), failed: Number(failing?.[1] ?? 0), source: 'mocha' };
  const passed = (plain.match(/^\s+[✔✓] /gm) ?? []).length;
  const failed = (plain.match(/^\s+\d+\) \S/gm) ?? []).length;
  return passed || failed ? { passed, failed, source: 'partial' } : null;
}

function parseEnv(pairs) {
  const env = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new HarnessError(`--env expects KEY=VALUE, got: ${pair}`);
    env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return env;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2), {
    extension: 'string', tests: 'string', workspace: 'string', restricted: 'boolean',
    env: 'list', screenshot: 'string', timeout: 'string', verbose: 'boolean',
  });
  if (opts.help) { console.log(USAGE); return 0; }
  const extension = requireAbsolute(opts, 'extension', { dir: true });
  const tests = requireAbsolute(opts, 'tests');
  const workspace = requireAbsolute(opts, 'workspace', { dir: true });
  const extensionEnv = parseEnv(opts.env);
  const timeoutSec = Number(opts.timeout ?? process.env.DR_VSCODE_TIMEOUT ?? 300);
  if (!(timeoutSec > 0)) throw new HarnessError(`--timeout must be a positive number of seconds`);
  const shotFile = opts.screenshot ? path.resolve(opts.screenshot)
    : path.join(os.tmpdir(), `dr-vscode-failure-${Date.now()}.png`);
  const verbose = Boolean(opts.verbose || process.env.DR_VSCODE_VERBOSE === '1');

  const install = locateInstall(); // may run install.sh (minutes): not part of the timeout
  const started = Date.now();
  const hard = deadline(timeoutSec * 1000);
  const output = [];
  let server = null;
  let page = null;

  // Everything up to the extension host's exit, raced as a whole against the hard timeout.
  const session = (async () => {
    const tmp = makeTempDir('run');
    log(`starting code-server (${opts.restricted ? 'Restricted Mode' : 'trusted workspace'})`);
    server = await startCodeServer(install, { tmp, workspace, restricted: opts.restricted, verbose });
    log(`code-server ${server.origin} (pid ${server.pid})`);
    const browser = await launchBrowser(install, { tmp, verbose });
    page = browser.page;
    log(`chromium pid ${browser.pid}`);

    let resolveExit;
    const hostExit = new Promise((r) => { resolveExit = r; });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = formatLogArgs(args);
      output.push(text);
      if (!verbose && NOISE.test(text)) return;
      (type === 'error' ? console.error : console.log)(text);
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (verbose && Array.isArray(logs)) {
        for (const l of logs) console.log(`----- ${l.relativePath}\n${l.contents}`);
      }
      resolveExit({ kind: 'exit', code });
    });
    page.on('crash', () => resolveExit({ kind: 'crash' }));
    const watch = setInterval(() => { if (server.hasExited()) resolveExit({ kind: 'server-exit' }); }, 500);
    hostExit.then(() => clearInterval(watch));

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, extension)],
      ['extensionTestsPath', remoteUri(server, tests)],
      ['skipWelcome', 'true'],
    ];
    if (Object.keys(extensionEnv).length) payload.push(['extensionEnvironment', JSON.stringify(extensionEnv)]);
    const url = workbenchUrl(server, workspace, payload);
    if (verbose) log(`opening ${url}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutSec * 1000 });
    return hostExit;
  })();

  const outcome = await Promise.race([session, hard.promise.then(() => ({ kind: 'timeout' }))]);
  hard.cancel();

  const counts = parseCounts(output.join('\n'));
  let code;
  if (outcome.kind === 'exit') {
    code = Number.isInteger(outcome.code) ? outcome.code : 1;
    // Defensive: a suite that reports failures must not pass even if run() resolved.
    if (code === 0 && counts?.failed > 0) code = 1;
  } else if (outcome.kind === 'timeout') {
    warn(`TIMEOUT: ${page ? 'the extension host did not finish' : 'the harness did not start'} within ${timeoutSec}s`);
    code = EXIT_TIMEOUT;
  } else if (outcome.kind === 'crash') {
    warn('the browser page crashed');
    code = EXIT_HARNESS;
  } else {
    warn('code-server exited before the tests finished');
    code = EXIT_HARNESS;
  }

  if (code !== 0) {
    if (page) {
      await screenshot(page, shotFile).then((f) => log(`screenshot: ${f}`), (e) => warn(`screenshot failed: ${e.message}`));
    }
    if (server) {
      const serverLog = shotFile.replace(/(\.png)?$/i, '.code-server.log');
      try {
        fs.copyFileSync(server.logFile, serverLog);
        log(`code-server log: ${serverLog}`);
      } catch (e) {
        warn(`could not keep the code-server log: ${e.message}`);
      }
      if (outcome.kind !== 'exit') warn(`code-server log tail:\n${server.tail(30)}`);
    }
  }

  // A run cut short counts one failure more than its finished tests show (the test that hung).
  if (counts?.source === 'partial' && code !== 0) counts.failed += 1;
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)}s, exit code ${code}`);
  if (counts) {
    console.log(`${counts.passed} passed, ${counts.failed} failed`);
  } else if (code !== 0) {
    log('no test counts were reported; counting the run as one failure');
    console.log('0 passed, 1 failed');
  } else {
    console.log('0 passed, 0 failed');
  }
  return code;
}

main().then(
  (code) => exitWith(code),
  (err) => {
    if (err instanceof HarnessError) warn(`ERROR: ${err.message}`);
    else warn('ERROR:', err?.stack ?? err);
    console.log('0 passed, 1 failed');
    return exitWith(EXIT_HARNESS);
  },
);
