import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { FileReader, ReadResult } from './reader';
import { decode } from './reader';

/**
 * `-c` settings on every git command the tool runs, so no configuration from the repository runs
 * a program: no fsmonitor hook, no implicit bare repository (a committed folder shaped like a git
 * directory is not a repository), no hooks, no pager, no signature check through gpg.program.
 * Diffs and logs are also run with `--no-ext-diff --no-textconv`.
 */
export const SAFE_GIT_CONFIG: readonly string[] = [
  'core.fsmonitor=false',
  'safe.bareRepository=explicit',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'log.showSignature=false',
];

/**
 * The one way this tool runs git: simple-git with SAFE_GIT_CONFIG. simple-git's environment guard
 * drops ambient GIT_*, PAGER, EDITOR and the like from the child's environment, so GIT_DIR, GIT_PAGER
 * or GIT_EXTERNAL_DIFF from elsewhere do not apply either.
 */
export function safeGit(baseDir: string, maxConcurrentProcesses = 4): SimpleGit {
  return simpleGit({
    baseDir,
    maxConcurrentProcesses,
    trimmed: false,
    config: [...SAFE_GIT_CONFIG],
    // simple-git refuses these keys by default: here they switch the programs off.
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePager: true },
  });
}

/**
 * Git access for the engine, through simple-git (which runs the `git` binary). Never constructed
 * in an untrusted workspace: a repository's own git config can run programs.
 */
export interface CommitInfo {
  hash: string;
  subject: string;
  body: string;
  author: string;
  date: string;
}

export interface BaseSnapshot {
  /** The ref the user asked for (or the default), e.g. "main" or "origin/main". */
  ref: string;
  /** The merge-base commit id. */
  commit: string;
  reader: FileReader;
  /** Workspace-relative paths changed between the merge base and the working tree (committed or not). */
  changedFiles: Set<string>;
  /** Paths that did not exist at the merge base. */
  addedFiles: Set<string>;
  /** Paths that existed at the merge base and are gone from the working tree (a renamed file's old path too). */
  deletedFiles: Set<string>;
  /** Head path → merge-base path for files git's rename detection pairs (committed or staged changes). */
  renames: Map<string, string>;
  commits: CommitInfo[];
}

export interface WorkingTreeStatus {
  branch?: string;
  head?: string;
  /** Files with uncommitted changes (staged, unstaged or untracked), workspace-relative. */
  dirty: { path: string; state: string }[];
  ahead: number;
  behind: number;
  tracking?: string;
}

let opened = 0;
/** How many times the engine has run git in this process (Restricted Mode must keep this at 0). */
export function gitInvocations(): number {
  return opened;
}

export class Git {
  private readonly git: SimpleGit;
  /** Path of the workspace root inside the repository ("" when they coincide). */
  private prefix = '';
  private constructor(readonly root: string) {
    this.git = safeGit(root);
  }

  /** Opens the repository containing `root`; undefined when there is no git or no repository. */
  static async open(root: string): Promise<Git | undefined> {
    opened++;
    const g = new Git(root);
    try {
      // Once, from the folder the user named: a bare-looking folder (no work tree) is no repository.
      const top = (await g.git.raw(['rev-parse', '--show-toplevel'])).trim();
      if (!top) return undefined;
      const rel = path.relative(realpathSync(top), realpathSync(root));
      if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
      g.prefix = rel.split(path.sep).join('/');
      return g;
    } catch {
      return undefined;
    }
  }

  private toRepoPath(rel: string): string {
    return this.prefix ? `${this.prefix}/${rel}` : rel;
  }
  private fromRepoPath(p: string): string | undefined {
    if (!this.prefix) return p;
    return p.startsWith(this.prefix + '/') ? p.slice(this.prefix.length + 1) : undefined;
  }

  async status(): Promise<WorkingTreeStatus> {
    const s = await this.git.status(['--untracked-files=all']);
    let head: string | undefined;
    try {
      head = (await this.git.revparse(['HEAD'])).trim();
    } catch {
      head = undefined; // no commits yet
    }
    const dirty: { path: string; state: string }[] = [];
    for (const f of s.files) {
      const p = this.fromRepoPath(f.path);
      if (p !== undefined) dirty.push({ path: p, state: f.index === '?' ? 'untracked' : `${f.index}${f.working_dir}`.trim() });
    }
    return { branch: s.current ?? undefined, head, dirty, ahead: s.ahead, behind: s.behind, tracking: s.tracking ?? undefined };
  }

  /** The base ref to use: the given one, else the remote's default branch, else main/master. */
  async resolveBaseRef(preferred?: string): Promise<string | undefined> {
    if (preferred) return (await this.exists(preferred)) ? preferred : undefined;
    try {
      const remoteHead = (await this.git.raw(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
      if (remoteHead) return remoteHead.replace(/^refs\/remotes\//, '');
    } catch {
      /* no remote default */
    }
    for (const candidate of ['main', 'master', 'origin/main', 'origin/master']) if (await this.exists(candidate)) return candidate;
    return undefined;
  }

  private async exists(ref: string): Promise<boolean> {
    try {
      // simple-git does not throw on a quiet non-zero exit: an empty answer means "no such commit".
      const out = await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
      return out.trim().length > 0;
    } catch {
      return false;
    }
  }

  async isShallow(): Promise<boolean> {
    try {
      return (await this.git.revparse(['--is-shallow-repository'])).trim() === 'true';
    } catch {
      return false;
    }
  }

  async mergeBase(ref: string): Promise<string> {
    return (await this.git.raw(['merge-base', 'HEAD', ref])).trim();
  }

  async show(commit: string, rel: string): Promise<ReadResult> {
    try {
      const buf: Buffer = await new Promise((resolve, reject) => {
        this.git.binaryCatFile(['-p', `${commit}:${this.toRepoPath(rel)}`], (err, data) => (err ? reject(err) : resolve(data as Buffer)));
      });
      return decode(buf, Number.MAX_SAFE_INTEGER);
    } catch {
      return { kind: 'missing' };
    }
  }

  /** Files changed since `commit`, working tree and untracked files included, with the ones added. */
  async changedSince(commit: string): Promise<{ changed: Set<string>; added: Set<string>; deleted: Set<string> }> {
    const changed = new Set<string>();
    const added = new Set<string>();
    const deleted = new Set<string>();
    const out = await this.git.raw(['diff', '--no-ext-diff', '--no-textconv', '--name-status', '--no-renames', '-z', commit, '--', '.']);
    const parts = out.split('\0').filter(Boolean);
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const p = this.fromRepoPath(parts[i + 1]);
      if (!p) continue;
      changed.add(p);
      if (parts[i] === 'A') added.add(p);
      if (parts[i] === 'D') deleted.add(p);
    }
    const untracked = await this.git.raw(['ls-files', '--others', '--exclude-standard', '-z', '--', '.']);
    for (const u of untracked.split('\0').filter(Boolean)) {
      const p = this.fromRepoPath(u);
      if (p) {
        changed.add(p);
        added.add(p);
      }
    }
    return { changed, added, deleted };
  }

  /** Head path → base path of the files git pairs as renames between `commit` and the working tree. */
  async renamesSince(commit: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      const raw = await this.git.raw(['diff', '--name-status', '-M', '--diff-filter=R', '-z', commit, '--', '.']);
      const parts = raw.split('\0').filter(Boolean);
      for (let i = 0; i + 2 < parts.length; i += 3) {
        const from = this.fromRepoPath(parts[i + 1]);
        const to = this.fromRepoPath(parts[i + 2]);
        if (from && to) out.set(to, from);
      }
    } catch {
      /* no rename detection: renamed files compare as deleted + added */
    }
    return out;
  }

  async commitsSince(commit: string): Promise<CommitInfo[]> {
    try {
      const log = await this.git.log({ from: commit, to: 'HEAD', '--no-show-signature': null, '--no-textconv': null, '--no-ext-diff': null });
      return log.all.map((c) => ({ hash: c.hash, subject: c.message, body: c.body, author: c.author_name, date: c.date }));
    } catch {
      return [];
    }
  }

  /** Tracked files under the workspace matching git pathspecs (relative to it, e.g. ':(glob)**\/.env'), workspace-relative. */
  async trackedMatching(pathspecs: string[]): Promise<string[]> {
    const out = await this.git.raw(['ls-files', '-z', '--full-name', '--', ...pathspecs]);
    return out
      .split('\0')
      .filter(Boolean)
      .map((p) => this.fromRepoPath(p))
      .filter((p): p is string => p !== undefined);
  }

  /** Runs a read-only git command (checklist, rollback plan: remote URL, user name, commit counts). */
  async raw(args: string[]): Promise<string> {
    return this.git.raw(args);
  }

  async isTracked(rel: string): Promise<boolean> {
    const out = await this.git.raw(['ls-files', '--', this.toRepoPath(rel)]);
    return out.trim().length > 0;
  }

  /** Builds the base snapshot, or explains why it cannot. */
  async baseSnapshot(preferredRef?: string): Promise<BaseSnapshot | { problem: string }> {
    const ref = await this.resolveBaseRef(preferredRef);
    const shallow = await this.isShallow();
    if (!ref) {
      return {
        problem: preferredRef
          ? `base ref "${preferredRef}" not found in this repository${shallow ? ` (shallow clone: fetch it, e.g. git fetch --depth=50 origin ${preferredRef})` : ''}`
          : 'no base branch found (no origin/HEAD, main or master); pass --base or set "base" in .deploy-readiness.yaml',
      };
    }
    let commit: string;
    try {
      commit = await this.mergeBase(ref);
    } catch {
      return { problem: `no merge base between HEAD and ${ref}${shallow ? ' (shallow clone: fetch more history, e.g. git fetch --unshallow)' : ''}` };
    }
    const { changed, added, deleted } = await this.changedSince(commit);
    const renames = changed.size ? await this.renamesSince(commit) : new Map<string, string>();
    const commits = await this.commitsSince(commit);
    const reader: FileReader = { read: (rel) => this.show(commit, rel) };
    return { ref, commit, reader, changedFiles: changed, addedFiles: added, deletedFiles: deleted, renames, commits };
  }
}
