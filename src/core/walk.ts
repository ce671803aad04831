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
      if (isIgnored(scoped, rel, isDir)) continue;
      if (excluded && excluded(rel)) continue;
      if (isDir) subdirs.push(rel);
      else files.push(rel);
    }
    count += files.length;
    const nested = await Promise.all(subdirs.map((d) => visit(d, scoped)));
    return nested.length ? files.concat(...nested) : files;
  }
  const out = await visit('', []);
  if (out.length >= max) {
    out.length = max;
    opts.onProblem?.(`workspace has more than ${max} files; the rest were not analysed`);
  }
  return out;
}

function isIgnored(ignores: { base: string; ig: Ignore }[], rel: string, isDir: boolean): boolean {
  for (const { base, ig } of ignores) {
    const sub = base ? rel.slice(base.length + 1) : rel;
    if (!sub) continue;
    if (ig.ignores(isDir ? sub + '/' : sub)) return true;
  }
  return false;
}
