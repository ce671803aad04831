import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main } from '../../src/cli/main';

/** The repository root: the nearest folder up from this (bundled) test file with a package.json. */
export const REPO_ROOT = (() => {
  let d = __dirname;
  while (!existsSync(path.join(d, 'package.json')) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
})();
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** Stripe's real OpenAPI spec at one commit, from test/fixtures/openapi/stripe (gzip; see its README). */
export function stripeSpec(name: 'spec3-2022-10-31-4ef45360.yaml' | 'spec3-2023-08-09-38321b8c.yaml'): string {
  return gunzipSync(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'openapi', 'stripe', `${name}.gz`))).toString('utf8');
}

/** Creates a temporary folder with the given files; returns its path. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-test-'));
  writeTree(dir, files);
  return dir;
}

export function writeTree(dir: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Temporary folders owned by the calling `describe` block and removed after it: `tree(files)` makes
 * one, `keep(dir)` adopts one made elsewhere (e.g. by `branchRepo`).
 */
export function scratchDirs(): { tree(files: Record<string, string | Buffer>): string; keep(dir: string): string } {
  const dirs: string[] = [];
  after(() => dirs.splice(0).forEach(removeTree));
  const keep = (dir: string) => {
    dirs.push(dir);
    return dir;
  };
  return { tree: (files) => keep(tempTree(files)), keep };
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/** A repository with `base` committed on main and `head` committed on a feature branch. */
export function branchRepo(base: Record<string, string>, head: Record<string, string>, removed: string[] = []): string {
  const dir = tempTree(base);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'checkout', '-qb', 'feature');
  writeTree(dir, head);
  for (const r of removed) rmSync(path.join(dir, r), { force: true });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'head');
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process through `main(argv, io)`, as the binary does, with `cwd` as its
 * working directory and the test's environment plus `env` (GitHub tokens cleared unless given).
 */
export async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd,
    env: { ...process.env, NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '', ...env },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/**
 * Runs the built binary dist/cli.js in a child process: the end-to-end check of the real entry point
 * (process.exitCode, the process's streams and environment). Asynchronous, so that servers in this
 * process (a fake GitHub) can answer it.
 */
export function runBuiltCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the built binary synchronously: for end-to-end tests that need no server in this process.
 * Prefer `cli()` (in-process) for the CLI contract; each of these starts a Node process.
 */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_TOKEN: '', GH_TOKEN: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Applies plain text edits (same file) to a text, last first. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** A migration the branch adds that blocks writes (an index without CONCURRENTLY), and its fix. */
export const BLOCKING_MIGRATION = { path: 'db/migrations/002_orders_idx.sql', bad: 'CREATE INDEX orders_a_idx ON orders (a);\n', fixed: 'CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);\n' };

/** A branch that adds the blocking migration, in a repository with enough source files that a full analysis takes a while. */
export function blockingMigrationRepo(sources: number): string {
  const base: Record<string, string> = { 'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint primary key, a int);\n', '.env.example': 'A=\n' };
  for (let i = 0; i < sources; i++) base[`src/m${i}.js`] = `const v${i} = process.env.VAR_${i % 50};\nexport function f${i}(x) {\n  return x + v${i};\n}\n`;
  return branchRepo(base, { [BLOCKING_MIGRATION.path]: BLOCKING_MIGRATION.bad });
}
