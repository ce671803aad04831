#!/usr/bin/env node
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_FILE, defaultConfig, parseConfig, type Config, type FailOn } from '../core/config';
import { Workspace } from '../core/engine';
import { format, formatRules, FORMATS, TOOL_VERSION, type Format } from '../core/format';
import { decidingFindings, severityRank, type Report, type Scope } from '../core/model';
import { analysis } from '../core/lazy';
import type { Logger } from '../core/analyzer';
import { PlanUsageError, runPlanCommand } from './plan';
import { analyzeWithCache } from './cache';

const USAGE = `Usage:
  deploy-readiness check [paths...] [--base <git-ref>] [--format text|json|sarif|github|markdown|gitlab]
                         [--fail-on error|warning|never] [--scope new|all] [--config <file>] [--no-cache]
  deploy-readiness api-diff <base-file> <head-file> [--format ...] [--fail-on ...]
  deploy-readiness rules [--format text|json]
  deploy-readiness checklist [--base <git-ref>] [--format text|json|markdown] [--fail-on ...]
                             [--tick <item> [--by <name>] | --untick <item>] [--now <ISO time>]
  deploy-readiness rollback-plan [--base <git-ref>] [--write-pr] [--format markdown|json]
  deploy-readiness runbook [--base <git-ref>] [--out <file>|-] [--format markdown|json] [--now <ISO time>]
  deploy-readiness init-ci [--system github|gitlab] [--base <branch>] [--dry-run] [--force]
  deploy-readiness --version | --help

Only findings the branch introduces (not already at the merge base) decide the verdict and the
exit code; --scope all (or "scope: all" in the config) makes every finding count.
Reports are cached under <git dir>/deploy-readiness/cache, keyed by the commits, the files'
content and the configuration: checklist, rollback-plan and runbook reuse a fresh check.
--no-cache analyses again and writes nothing there.

Exit codes: 0 nothing at or above --fail-on (default error), 1 findings at or above it
(checklist: 1 when blocked, or not ready with --fail-on warning), 2 usage or runtime error
(message on stderr; rollback-plan --write-pr that could not write still prints the plan).
GitHub (CI status, the pull request) is read with GITHUB_TOKEN or GH_TOKEN, at api.github.com for a
github.com origin. GitHub Enterprise: --github-api-url <https URL> or GITHUB_API_URL, used only when
the origin remote is on that host (never taken from the repository).`;

class UsageError extends Error {}

/**
 * Everything a run reads from or writes to its process, injected so that the CLI runs in-process
 * (tests, the Action) exactly as the binary does. Nothing below reads `process` or calls `exit`.
 */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The working directory that relative paths resolve against. */
  cwd: string;
  /** The environment: GITHUB_TOKEN / GH_TOKEN, GITHUB_API_URL, NO_COLOR, USER. */
  env: Record<string, string | undefined>;
  /** Standard input, for commands that read it (none does yet). */
  stdin?: NodeJS.ReadableStream;
  /** stdout is a terminal: text output is coloured unless NO_COLOR is set. */
  isTTY?: boolean;
  /** For tests: the fetch GitHub requests go through. */
  fetch?: typeof fetch;
}

/** Runs one command line; resolves to the exit code (0, 1 or 2, see USAGE) and never exits the process. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`deploy-readiness: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`deploy-readiness: ${(e as Error).message}\n`);
    return 2;
  }
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        base: { type: 'string' },
        format: { type: 'string', short: 'f' },
        'fail-on': { type: 'string' },
        scope: { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        verbose: { type: 'boolean' },
        'write-pr': { type: 'boolean' },
        out: { type: 'string', short: 'o' },
        tick: { type: 'string' },
        untick: { type: 'string' },
        by: { type: 'string' },
        now: { type: 'string' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
        system: { type: 'string' },
        'github-api-url': { type: 'string' },
        'no-cache': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function pickFormat(v: string | undefined, allowed: readonly string[] = FORMATS): Format {
  if (v === undefined) return 'text';
  if (!allowed.includes(v)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as Format;
}

function pickFailOn(v: string | undefined, config: Config): FailOn {
  if (v === undefined) return config.failOn;
  if (!['error', 'warning', 'never'].includes(v)) throw new UsageError(`--fail-on must be error, warning or never, got "${v}"`);
  return v as FailOn;
}

async function loadConfig(file: string | undefined, root: string, io: CliIO): Promise<Config> {
  const p = file ? path.resolve(io.cwd, file) : path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(p, 'utf8');
  } catch (e) {
    if (!file && (e as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw new Error(`cannot read config ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const loaded = parseConfig(text, path.relative(io.cwd, p) || p);
  if (loaded.problems.length) {
    const lines = loaded.problems.map((pr) => `${pr.message} (line ${pr.range.start.line + 1})`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return loaded.config;
}

function colored(io: CliIO, fmt: Format): boolean {
  return !!io.isTTY && !io.env.NO_COLOR && fmt === 'text';
}


function pickScope(v: string | undefined): Scope | undefined {
  if (v === undefined) return undefined;
  if (v !== 'new' && v !== 'all') throw new UsageError(`--scope must be new or all, got "${v}"`);
  return v;
}

/** 1 when a finding that decides the verdict (new ones, or all with --scope all) is at or above --fail-on. */
function exitCode(report: Report, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  const min = severityRank[failOn];
  return decidingFindings(report).some((f) => severityRank[f.severity] >= min) ? 1 : 0;
}

function stderrLogger(io: CliIO, verbose: boolean): Logger {
  return {
    info: (m) => verbose && io.stderr(`[info] ${m}\n`),
    debug: (m) => verbose && io.stderr(`[debug] ${m}\n`),
    warn: (m) => io.stderr(`[warn] ${m}\n`),
    error: (m) => io.stderr(`[error] ${m}\n`),
  };
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.version) {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') {
    io.stdout(USAGE + '\n');
    return 0;
  }
  if (!command) {
    // No command is a usage error: the usage goes to stderr, stdout stays empty for pipes.
    io.stderr(USAGE + '\n');
    return 2;
  }
  switch (command) {
    case 'rules': {
      const f = values.format ?? 'text';
      if (f !== 'text' && f !== 'json') throw new UsageError(`rules --format must be text or json, got "${f}"`);
      io.stdout(formatRules(f));
      return 0;
    }
    case 'check': {
      const fmt = pickFormat(values.format);
      // A single folder is analysed as a repository rooted there; otherwise paths are relative to the working directory.
      let root = io.cwd;
      let paths: string[] | undefined = rest.length ? rest : undefined;
      if (rest.length === 1) {
        const abs = path.resolve(io.cwd, rest[0]);
        const st = await fs.stat(abs).catch(() => undefined);
        if (!st) throw new UsageError(`${rest[0]}: no such file or folder`);
        if (st.isDirectory()) {
          root = abs;
          paths = undefined;
        }
      }
      const config = await loadConfig(values.config, root, io);
      const failOn = pickFailOn(values['fail-on'], config);
      const scope = pickScope(values.scope);
      const ws = await Workspace.open({ root, config, baseRef: values.base, paths, scope, log: stderrLogger(io, !!values.verbose), deferBase: true });
      let report: Report;
      try {
        // The scope changes the verdict, so it is part of the cache key.
        report = await analyzeWithCache(ws, { useCache: !values['no-cache'], extra: { paths: paths ?? null, scope: scope ?? config.scope ?? 'new' } });
      } finally {
        ws.close();
      }
      io.stdout(format(report, fmt, { color: colored(io, fmt) }));
      if (fmt !== 'text' && fmt !== 'github') for (const n of report.notices) io.stderr(`note: ${n.message}\n`);
      if (values.base && !report.facts.base) {
        io.stderr(`deploy-readiness: could not compare with --base ${values.base}: ${report.notices.find((n) => n.message.startsWith('base:'))?.message ?? 'unknown reason'}\n`);
        return 2;
      }
      return exitCode(report, failOn);
    }
    case 'api-diff': {
      if (rest.length !== 2) throw new UsageError('api-diff takes exactly two files: <base-file> <head-file>');
      const fmt = pickFormat(values.format);
      const config = await loadConfig(values.config, io.cwd, io);
      const failOn = pickFailOn(values['fail-on'], config);
      const report = await analysis().apiDiffFiles(io.cwd, rest[0], rest[1], config);
      io.stdout(format(report, fmt, { color: colored(io, fmt) }));
      return exitCode(report, failOn);
    }
    case 'checklist':
    case 'rollback-plan':
    case 'runbook': {
      if (rest.length > 1) throw new UsageError(`${command} takes at most one folder`);
      const root = rest.length ? path.resolve(io.cwd, rest[0]) : io.cwd;
      const config = await loadConfig(values.config, root, io);
      const now = values.now === undefined ? undefined : new Date(values.now);
      if (now && Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO 8601 time, got "${values.now}"`);
      const ws = await Workspace.open({ root, config, baseRef: values.base, log: stderrLogger(io, !!values.verbose), deferBase: true });
      // Every plan document names the user and the origin: read them while the cache key is computed.
      void ws.ctx.git?.userAndOrigin();
      try {
        const analyze = () => analyzeWithCache(ws, { useCache: !values['no-cache'], extra: { paths: null, scope: config.scope ?? 'new' } });
        return await runPlanCommand(command, ws, { analyze, format: values.format, failOn: pickFailOn(values['fail-on'], config), now, tick: values.tick, untick: values.untick, by: values.by, writePr: values['write-pr'], out: values.out, githubApiUrl: values['github-api-url'] }, io);
      } catch (e) {
        if (e instanceof PlanUsageError) throw new UsageError(e.message);
        throw e;
      } finally {
        ws.close();
      }
    }
    case 'init-ci': {
      // Loaded for this command only (the workflow templates, YAML editing, the diff).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runInitCi } = require('./initCi') as typeof import('./initCi');
      return runInitCi({ root: rest[0] ? path.resolve(io.cwd, rest[0]) : io.cwd, system: values.system, base: values.base, dryRun: !!values['dry-run'], force: !!values.force }, io);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** The `deploy-readiness` binary: the real process's streams, directory and environment. */
export function runBinary(): void {
  // A reader that stops early (`rules --format json | head -c10`) closes the pipe: stop writing and
  // end with the command's own exit code, instead of dying on EPIPE with a stack trace.
  let stdoutClosed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutClosed = true;
  });
  main(process.argv.slice(2), {
    stdout: (s) => {
      if (!stdoutClosed) process.stdout.write(s);
    },
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    isTTY: !!process.stdout.isTTY,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`deploy-readiness: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) runBinary();
