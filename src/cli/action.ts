#!/usr/bin/env node
/**
 * The GitHub Action's entry point (`deploy-readiness-action`, run by action.yml). One analysis,
 * three outputs: SARIF for code scanning (a file, its path an output), the markdown report
 * appended to the job summary, and the chosen format on stdout (default `github`: annotations).
 * Exit code as `deploy-readiness check`: 1 when a finding reaches fail-on, 2 on a usage error.
 *
 * Inputs come from the environment as Actions passes them (INPUT_<NAME>, hyphens kept or turned
 * into underscores). The base, when not given, is the pull request's base branch
 * (GITHUB_BASE_REF, else the pull_request event in GITHUB_EVENT_PATH). Never imports vscode.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config, type FailOn } from '../core/config';
import { Workspace } from '../core/engine';
import { format, FORMATS, type Format } from '../core/format';
import { severityRank, type Report } from '../core/model';

export type Env = Record<string, string | undefined>;

export interface ActionIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Env;
}

class InputError extends Error {}

export function input(env: Env, name: string): string {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

/** A ref name from the event or the environment, refused when git could read it as an option. */
function safeRef(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.startsWith('-') || /[\s\0~^:?*[\\]|\.\.|@\{/.test(ref)) return undefined;
  return ref;
}

function gitHas(cwd: string, ref: string): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().length > 0;
  } catch {
    return false;
  }
}

async function pullRequestBase(env: Env): Promise<{ ref?: string; sha?: string }> {
  let ref = env.GITHUB_BASE_REF || undefined;
  let sha: string | undefined;
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await fs.readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { base?: { ref?: unknown; sha?: unknown } } };
      const base = event.pull_request?.base;
      if (!ref && typeof base?.ref === 'string') ref = base.ref;
      if (typeof base?.sha === 'string' && /^[0-9a-f]{40}$/i.test(base.sha)) sha = base.sha;
    } catch {
      /* not a pull request event, or no event file */
    }
  }
  return { ref: safeRef(ref), sha };
}

/** Fetches `origin/<branch>` when the checkout lacks it (actions/checkout fetches one branch by default). */
function fetchBranch(cwd: string, branch: string, log: (s: string) => void): string | undefined {
  try {
    execFileSync('git', ['fetch', '--no-tags', '--quiet', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`], { cwd, stdio: 'ignore', timeout: 120_000 });
    if (gitHas(cwd, `origin/${branch}`)) return `origin/${branch}`;
  } catch {
    log(`deploy-readiness: could not fetch the base branch ${branch}; check out with fetch-depth: 0\n`);
  }
  return undefined;
}

/**
 * The ref to compare with. The `base` input: as given when the checkout has it, else as a branch
 * of origin (fetched when missing). Empty: the pull request's base branch, origin/<branch> first
 * (a CI checkout has no local copy of it), fetched once when missing, else the base commit.
 * Undefined: let the engine choose (config `base`, origin/HEAD, main, master).
 */
export async function resolveBase(cwd: string, env: Env, log: (s: string) => void): Promise<string | undefined> {
  const given = input(env, 'base');
  if (given) {
    if (gitHas(cwd, given)) return given;
    const branch = safeRef(given);
    if (branch && !branch.startsWith('origin/')) return (gitHas(cwd, `origin/${branch}`) ? `origin/${branch}` : fetchBranch(cwd, branch, log)) ?? given;
    return given;
  }
  const pr = await pullRequestBase(env);
  if (pr.ref) {
    for (const ref of [`origin/${pr.ref}`, pr.ref]) if (gitHas(cwd, ref)) return ref;
    const fetched = fetchBranch(cwd, pr.ref, log);
    if (fetched) return fetched;
  }
  if (pr.sha && gitHas(cwd, pr.sha)) return pr.sha;
  return undefined;
}

async function loadConfig(file: string, root: string): Promise<Config> {
  const p = file ? path.resolve(root, file) : path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(p, 'utf8');
  } catch (e) {
    if (!file && (e as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw new InputError(`cannot read config ${file || CONFIG_FILE}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const loaded = parseConfig(text, path.relative(root, p) || p);
  if (loaded.problems.length) throw new InputError(`invalid configuration:\n  ${loaded.problems.map((pr) => `${pr.message} (line ${pr.range.start.line + 1})`).join('\n  ')}`);
  return loaded.config;
}

/**
 * Annotations and SARIF locations are read relative to the repository root: when the analysed
 * folder is a subfolder (working-directory), its findings' paths get the folder in front.
 */
export function prefixPaths(report: Report, prefix: string): void {
  if (!prefix) return;
  const p = (file: string) => (file ? `${prefix}/${file}` : file);
  for (const f of report.findings) {
    f.file = p(f.file);
    for (const r of f.related ?? []) r.file = p(r.file);
  }
  for (const n of report.notices) if (n.file) n.file = p(n.file);
}

function fails(report: Report, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return report.findings.some((f) => severityRank[f.severity] >= severityRank[failOn]);
}

/** Appends `name=value` lines to the file Actions reads step outputs from. */
async function setOutputs(env: Env, outputs: Record<string, string>): Promise<void> {
  if (!env.GITHUB_OUTPUT) return;
  await fs.appendFile(env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}\n`).join(''));
}

export async function runAction(io: ActionIO): Promise<number> {
  const { env } = io;
  try {
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const root = path.resolve(workspace, input(env, 'working-directory') || '.');
    const fmt = (input(env, 'format') || 'github') as Format;
    if (!FORMATS.includes(fmt)) throw new InputError(`format must be one of ${FORMATS.join(', ')}, got "${fmt}"`);
    const failOnInput = input(env, 'fail-on');
    if (failOnInput && !['error', 'warning', 'never'].includes(failOnInput)) throw new InputError(`fail-on must be error, warning or never, got "${failOnInput}"`);
    const st = await fs.stat(root).catch(() => undefined);
    if (!st?.isDirectory()) throw new InputError(`working-directory ${input(env, 'working-directory')} is not a folder`);
    const config = await loadConfig(input(env, 'config'), root);
    const failOn = (failOnInput || config.failOn) as FailOn;
    const baseRef = await resolveBase(root, env, io.stderr);
    const ws = await Workspace.open({
      root,
      config,
      baseRef,
      log: { info: () => undefined, debug: () => undefined, warn: (m) => io.stderr(`[warn] ${m}\n`), error: (m) => io.stderr(`[error] ${m}\n`) },
    });
    let report;
    try {
      report = await ws.analyze();
    } finally {
      ws.close();
    }
    const wanted = baseRef ?? config.base;
    if (wanted && !report.facts.base) {
      io.stderr(`deploy-readiness: could not compare with base ${wanted}: ${report.notices.find((n) => n.message.startsWith('base:'))?.message ?? 'unknown reason'}\n`);
      return 2;
    }

    const prefix = path.relative(path.resolve(workspace), root).split(path.sep).join('/');
    if (!prefix.startsWith('..')) prefixPaths(report, prefix);
    const sarifDir = env.RUNNER_TEMP || os.tmpdir();
    const sarifFile = path.join(sarifDir, 'deploy-readiness.sarif');
    await fs.writeFile(sarifFile, format(report, 'sarif'));
    if (env.GITHUB_STEP_SUMMARY) await fs.appendFile(env.GITHUB_STEP_SUMMARY, format(report, 'markdown') + '\n');
    io.stdout(format(report, fmt));
    if (fmt !== 'github' && fmt !== 'text') for (const n of report.notices) io.stderr(`note: ${n.message}\n`);
    await setOutputs(env, {
      'sarif-file': sarifFile,
      verdict: report.verdict,
      errors: String(report.summary.error),
      warnings: String(report.summary.warning),
      base: report.facts.base?.ref ?? '',
    });
    return fails(report, failOn) ? 1 : 0;
  } catch (e) {
    const message = (e as Error).message;
    io.stderr(`deploy-readiness: ${message}\n`);
    io.stdout(`::error title=Deploy Readiness::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
    return 2;
  }
}

if (require.main === module) {
  runAction({ stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`deploy-readiness: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
