import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

/** Folders never walked: dependencies, build output, VCS data. */
export const VENDOR_DIRS = new Set([
  '.git',
  'node_modules',
  'vendor',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  'target',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  'coverage',
  '.vscode-test',
  '.terraform',
]);

export interface WalkOptions {
  exclude?: string[];
  signal?: AbortSignal;
  onProblem?: (message: string) => void;
  /** Stop after this many files (a guard against pathological trees). */
  maxFiles?: number;
  /**
   * The files git tracks (root-relative), asked only when a .gitignore rule matched something: git
   * ignores only untracked files, so a tracked file a rule matches (a committed `.env.example` under
   * `.env.*`) is still listed.
   */
  tracked?: () => Promise<ReadonlySet<string> | undefined>;
}

/**
 * Lists workspace files (relative, forward slashes), honouring .gitignore files at every level,
 * skipping vendor folders, excluded globs and symlinked folders (no loops). The order is a
 * depth-first walk with each folder's entries sorted (a folder's files before its subfolders');
 * sibling folders are read at the same time, so the walk waits on the file system once per level of
 * depth rather than once per folder.
 */
export async function walk(root: string, opts: WalkOptions = {}): Promise<string[]> {
  const excluded = opts.exclude?.length ? picomatch(opts.exclude, { dot: true }) : undefined;
  const max = opts.maxFiles ?? 200_000;
  // What .gitignore rules left out: files, and folders not walked into.
  const ignoredFiles = new Set<string>();
  const ignoredDirs = new Set<string>();
  let count = 0;
  async function visit(dirRel: string, ignores: { base: string; ig: Ignore }[]): Promise<string[]> {
    if (opts.signal?.aborted || count >= max) return [];
    const abs = path.join(root, dirRel);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch (e) {
      opts.onProblem?.(`${dirRel || '.'}: folder could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return [];
    }
    let scoped = ignores;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        const text = await fs.readFile(path.join(abs, '.gitignore'), 'utf8');
        scoped = [...ignores, { base: dirRel, ig: ignore().add(text) }];
      } catch {
        /* unreadable .gitignore: walk as if absent */
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      const isDir = e.isDirectory();
      if (isDir && VENDOR_DIRS.has(e.name)) continue;
      if (e.isSymbolicLink()) continue; // never follow links: no loops, no reads outside the workspace
      if (!isDir && !e.isFile()) continue;
      if (excluded && excluded(rel)) continue;
      if (isIgnored(scoped, rel, isDir)) {
        (isDir ? ignoredDirs : ignoredFiles).add(rel);
        continue;
      }
      if (isDir) subdirs.push(rel);
      else files.push(rel);
    }
    count += files.length;
    const nested = await Promise.all(subdirs.map((d) => visit(d, scoped)));
    return nested.length ? files.concat(...nested) : files;
  }
  const out = await visit('', []);
  if (out.length > max) out.length = max;
  if ((ignoredFiles.size || ignoredDirs.size) && opts.tracked && !opts.signal?.aborted) {
    out.push(...(await trackedButIgnored(root, await opts.tracked(), ignoredFiles, ignoredDirs, excluded, max - out.length)));
  }
  if (out.length >= max) opts.onProblem?.(`workspace has more than ${max} files; the rest were not analysed`);
  return out;
}

/**
 * Tracked files a .gitignore rule left out of the walk: the file itself, or a folder on its path,
 * was ignored. Vendor folders and excluded globs still apply, and a path through a symbolic link is
 * not followed (its real path must be the path itself).
 */
async function trackedButIgnored(
  root: string,
  tracked: ReadonlySet<string> | undefined,
  files: ReadonlySet<string>,
  dirs: ReadonlySet<string>,
  excluded: ((p: string) => boolean) | undefined,
  room: number,
): Promise<string[]> {
  if (!tracked?.size || room <= 0) return [];
  const realRoot = await fs.realpath(root).catch(() => undefined);
  if (!realRoot) return [];
  const found: string[] = [];
  for (const rel of tracked) {
    if (found.length >= room) break;
    let hit = files.has(rel);
    for (let i = rel.lastIndexOf('/'); !hit && i > 0; i = rel.lastIndexOf('/', i - 1)) hit = dirs.has(rel.slice(0, i));
    if (!hit) continue;
    const parts = rel.split('/');
    if (parts.some((x, i) => i < parts.length - 1 && VENDOR_DIRS.has(x)) || (excluded && excluded(rel))) continue;
    const abs = path.join(root, rel);
    try {
      const st = await fs.lstat(abs);
      if (!st.isFile() || (await fs.realpath(abs)) !== path.join(realRoot, rel)) continue;
    } catch {
      continue; // tracked but not on disk (deleted, skip-worktree)
    }
    found.push(rel);
  }
  return found.sort();
}

function isIgnored(ignores: { base: string; ig: Ignore }[], rel: string, isDir: boolean): boolean {
  for (const { base, ig } of ignores) {
    const sub = base ? rel.slice(base.length + 1) : rel;
    if (!sub) continue;
    if (ig.ignores(isDir ? sub + '/' : sub)) return true;
  }
  return false;
}
