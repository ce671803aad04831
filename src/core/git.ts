import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { FileReader, ReadResult } from './reader';
import { decode } from './reader';

/**
 * Git access for the engine: the `git` binary, always started through `spawnGit` below. Never
 * constructed in an untrusted workspace: a repository's own git config can run programs.
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
  /** The commit the ref pointed at (when read by the CLI, which keys its report cache on it). */
  tip?: string;
  /** How many commits the base ref has that HEAD lacks, when read with the snapshot (from `tip`). */
  behind?: number;
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
  /** The files each commit since the base touches (repository paths, for the plan's history), when read with the snapshot. */
  commitFiles?: Map<string, string[]>;
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

/**
 * `-c` settings on every git command the tool runs, so no configuration from the repository runs a
 * program: no fsmonitor hook, no implicit bare repository, no hooks, no pager, no signature check.
 * Diffs and logs also get `--no-ext-diff --no-textconv`.
 */
export const SAFE_GIT_CONFIG: readonly string[] = ['core.fsmonitor=false', 'safe.bareRepository=explicit', 'core.hooksPath=/dev/null', 'core.pager=cat', 'log.showSignature=false'];

/** Ambient variables that would redirect git (another repository, index, pager, external diff). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GIT_') && k !== 'GIT_CEILING_DIRECTORIES') continue;
    if (k === 'PAGER' || k === 'EDITOR' || k === 'VISUAL') continue;
    env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  // Reading must not take the index lock (the user's own git commands would fail meanwhile).
  env.GIT_OPTIONAL_LOCKS = '0';
  return env;
}

/**
 * The process's count of git processes, shared by every copy of this module: the CLI's two bundles
 * (dist/cli.js and the analysis it loads, dist/analysis.js) each carry one.
 */
const counter = ((globalThis as Record<symbol, unknown>)[Symbol.for('deploy-readiness.gitProcesses')] ??= { spawned: 0 }) as { spawned: number };
/** How many git processes the engine has started in this process (Restricted Mode keeps this at 0). */
export function gitInvocations(): number {
  return counter.spawned;
}

/** The one place the tool starts git: hardening flags first, a scrubbed environment, counted. */
export function spawnGit(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  counter.spawned++;
  const flags = SAFE_GIT_CONFIG.flatMap((c) => ['-c', c]);
  return spawn('git', [...flags, '--no-pager', ...args], { cwd, env: childEnv(), stdio: 'pipe', windowsHide: true });
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** Runs git to completion; resolves to stdout, rejects (GitError) on a non-zero exit or spawn failure. */
export function runGitBuffer(cwd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawnGit(cwd, args);
    } catch (e) {
      reject(new GitError((e as Error).message, null));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errLen = 0;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (errLen < 64 * 1024) err.push(d);
      errLen += d.length;
    });
    child.stdin.end();
    child.on('error', (e) => reject(new GitError(e.message, null)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(Buffer.concat(err).toString('utf8').trim() || `git ${args[0]} exited with ${code}`, code));
    });
  });
}

export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  return (await runGitBuffer(cwd, args)).toString('utf8');
}

interface TreeEntry {
  oid: string;
  size: number;
}

interface Pending {
  oid: string;
  resolve: (b: Buffer | undefined) => void;
  reject: (e: Error) => void;
}

/**
 * One long-lived `git cat-file --batch`: object ids in on stdin, `<oid> <type> <size>\n<bytes>\n`
 * (or `<oid> missing\n`) out on stdout, answered in order. Restarted if git dies; closed by `close()`
 * or after a few idle seconds, and never keeps the process alive while idle.
 */
export class BlobBatch {
  private child: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  private chunks: Buffer[] = [];
  private length = 0;
  /** Size of the body being read (plus its trailing LF), or -1 while waiting for a header. */
  private want = -1;
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly cwd: string) {}

  /** The blob's bytes; undefined when git has no such object. */
  read(oid: string): Promise<Buffer | undefined> {
    if (this.closed) return Promise.reject(new Error('git reader closed'));
    return new Promise((resolve, reject) => {
      const child = this.start();
      this.queue.push({ oid, resolve, reject });
      this.setRef(true);
      child.stdin.write(`${oid}\n`);
    });
  }

  close(): void {
    this.closed = true;
    this.stop(new Error('git reader closed'));
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.child) return this.child;
    const child = spawnGit(this.cwd, ['cat-file', '--batch']);
    this.child = child;
    this.chunks = [];
    this.length = 0;
    this.want = -1;
    child.stdout.on('data', (d: Buffer) => {
      if (this.child !== child) return;
      this.chunks.push(d);
      this.length += d.length;
      this.drain();
    });
    child.stderr.resume();
    child.stdin.on('error', () => undefined); // EPIPE after git died: reported by 'close'
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fail(new Error(why));
    };
    child.on('error', (e) => gone(`git cat-file failed: ${e.message}`));
    child.on('close', (code) => gone(`git cat-file exited (${code})`));
    return child;
  }

  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) {
        this.chunks = [];
        this.length = 0;
        return;
      }
      if (this.want < 0) {
        const buf = this.flat();
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        const header = buf.subarray(0, nl).toString('latin1');
        this.chunks = [buf.subarray(nl + 1)];
        this.length = buf.length - nl - 1;
        const m = /^([0-9a-f]+) (\S+) (\d+)$/.exec(header);
        if (!m) {
          // "<oid> missing", "<oid> ambiguous": no body follows.
          this.queue.shift();
          head.resolve(undefined);
          continue;
        }
        this.want = Number(m[3]) + 1;
      }
      if (this.length < this.want) return;
      const buf = this.flat();
      const body = buf.subarray(0, this.want - 1);
      this.chunks = [buf.subarray(this.want)];
      this.length = buf.length - this.want;
      this.want = -1;
      this.queue.shift();
      head.resolve(Buffer.from(body));
      if (!this.queue.length) this.becameIdle();
    }
  }

  private flat(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0];
  }

  private becameIdle(): void {
    this.setRef(false);
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), 5000);
    this.idle.unref();
  }

  /** Keeps the event loop alive only while answers are awaited. */
  private setRef(on: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const h of [c, c.stdout, c.stdin, c.stderr] as unknown as { ref?: () => void; unref?: () => void }[]) (on ? h.ref : h.unref)?.call(h);
  }

  private fail(e: Error): void {
    const q = this.queue;
    this.queue = [];
    for (const p of q) p.reject(e);
  }

  private stop(e = new Error('git reader stopped')): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    const c = this.child;
    this.child = undefined;
    this.fail(e);
    if (c) {
      c.stdin.end();
      c.kill();
    }
  }
}

/** Parses `git status --porcelain=v2 --branch -z --untracked-files=all`. */
function parseStatus(out: string): { branch?: string; head?: string; ahead: number; behind: number; tracking?: string; files: { path: string; state: string }[] } {
  const res: ReturnType<typeof parseStatus> = { ahead: 0, behind: 0, files: [] };
  const parts = out.split('\0');
  for (let i = 0; i < parts.length; i++) {
    const line = parts[i];
    if (!line) continue;
    if (line.startsWith('# branch.oid ')) {
      const v = line.slice(13);
      if (v !== '(initial)') res.head = v;
    } else if (line.startsWith('# branch.head ')) {
      const v = line.slice(14);
      res.branch = v === '(detached)' ? 'HEAD' : v;
    } else if (line.startsWith('# branch.upstream ')) res.tracking = line.slice(18);
    else if (line.startsWith('# branch.ab ')) {
      const m = /^\+(\d+) -(\d+)$/.exec(line.slice(12));
      if (m) {
        res.ahead = Number(m[1]);
        res.behind = Number(m[2]);
      }
    } else if (line.startsWith('? ')) res.files.push({ path: line.slice(2), state: 'untracked' });
    else if (line.startsWith('1 ') || line.startsWith('2 ') || line.startsWith('u ')) {
      const fields = line.startsWith('1 ') ? 8 : line.startsWith('2 ') ? 9 : 10;
      let at = 0;
      for (let k = 0; k < fields && at >= 0; k++) at = line.indexOf(' ', at + 1);
      if (at < 0) continue;
      const xy = line.slice(2, 4).replace(/\./g, ' ');
      res.files.push({ path: line.slice(at + 1), state: xy.trim() });
      if (line.startsWith('2 ')) i++; // the original path of a rename
    }
  }
  return res;
}

const STATUS_ARGS = ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all', '--no-renames'];
/** The default base's candidates, in order: the remote's default branch, then main/master. */
const BASE_CANDIDATES = ['refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master', 'refs/remotes/origin/main', 'refs/remotes/origin/master'];
function candidateArgs(): string[] {
  return ['for-each-ref', '--format=%(refname)%00%(symref)%00%(objecttype)%00%(objectname)', ...BASE_CANDIDATES];
}

export class Git {
  /** Path of the workspace root inside the repository ("" when they coincide). */
  private prefix = '';
  private shallow = false;
  /** The repository's git directory (absolute): where the tool keeps ticks and its report cache. */
  gitDir = '';
  private blobs: BlobBatch | undefined;
  private trees = new Map<string, Promise<Map<string, TreeEntry>>>();
  private constructor(readonly root: string) {}

  /**
   * Opens the repository containing `root`; undefined when there is no git or no repository.
   * `prefetch` (the CLI): the status, the index listing and the base ref's commit (`baseTip`) are
   * read at the same time as the repository itself, each once: the `rev-parse` that opens the
   * repository also resolves `prefetch.ref`, and without a ref the default's candidates are listed
   * by one `for-each-ref`.
   */
  static async open(root: string, prefetch?: { ref?: string }): Promise<Git | undefined> {
    const g = new Git(root);
    const args = ['rev-parse', '--show-toplevel', '--is-shallow-repository', '--show-prefix', '--absolute-git-dir'];
    const ref = prefetch?.ref && !prefetch.ref.startsWith('-') ? prefetch.ref : undefined;
    if (prefetch) {
      const status = g.raw(STATUS_ARGS);
      status.catch(() => undefined);
      g.prefetched = { status, candidates: prefetch.ref ? undefined : g.raw(candidateArgs()).catch(() => '') };
      g.listIndex();
    }
    try {
      // One process: a folder with no work tree (a committed bare-looking folder) is no repository.
      let out: string[];
      try {
        out = (await g.raw(ref ? [...args, '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`] : args)).split('\n');
        if (ref && /^[0-9a-f]{40,64}$/.test(out[4] ?? '')) g.tips.set(ref, out[4]);
      } catch (e) {
        // The ref did not resolve (a missing ref exits 1): open without it; `baseTip` explains.
        if (!ref) throw e;
        out = (await g.raw(args)).split('\n');
      }
      if (!out[0]) return undefined;
      g.shallow = out[1] === 'true';
      g.prefix = (out[2] ?? '').replace(/\/$/, '');
      g.gitDir = out[3] ?? '';
      return g;
    } catch {
      return undefined;
    }
  }

  /** Outputs started by `open(root, prefetch)`, each used once. */
  private prefetched: { status?: Promise<string>; candidates?: Promise<string> } | undefined;
  /** Commits of base refs resolved while opening. */
  private tips = new Map<string, string>();

  /** Stops the blob reader (the end of a run, or a new session). */
  close(): void {
    this.blobs?.close();
    this.blobs = undefined;
  }

  private toRepoPath(rel: string): string {
    return this.prefix ? `${this.prefix}/${rel}` : rel;
  }
  private fromRepoPath(p: string): string | undefined {
    if (!this.prefix) return p;
    return p.startsWith(this.prefix + '/') ? p.slice(this.prefix.length + 1) : undefined;
  }

  async status(): Promise<WorkingTreeStatus> {
    const pre = this.prefetched?.status;
    if (this.prefetched) this.prefetched.status = undefined;
    const s = parseStatus(await (pre ?? this.raw(STATUS_ARGS)));
    const dirty: { path: string; state: string }[] = [];
    for (const f of s.files) {
      const p = this.fromRepoPath(f.path);
      if (p !== undefined) dirty.push({ path: p, state: f.state });
    }
    return { branch: s.branch, head: s.head, dirty, ahead: s.ahead, behind: s.behind, tracking: s.tracking };
  }

  /** The base ref to use: the given one, else the remote's default branch, else main/master. */
  async resolveBaseRef(preferred?: string): Promise<string | undefined> {
    return (await this.resolveBase(preferred))?.ref;
  }

  /** The base ref to use and, for the default's candidates, its commit. */
  private async resolveBase(preferred?: string): Promise<{ ref: string; tip?: string } | undefined> {
    if (preferred) return (await this.exists(preferred)) ? { ref: preferred } : undefined;
    // One process for every candidate: the remote's default branch, then main/master.
    const pre = this.prefetched?.candidates;
    if (this.prefetched) this.prefetched.candidates = undefined;
    const out = await (pre ?? this.raw(candidateArgs()).catch(() => ''));
    const found = new Map<string, { symref: string; type: string; oid: string }>();
    for (const line of out.split('\n')) {
      const [name, symref, type, oid] = line.split('\0');
      if (name) found.set(name, { symref: symref ?? '', type: type ?? '', oid: oid ?? '' });
    }
    const originHead = found.get('refs/remotes/origin/HEAD');
    const tip = (oid: string | undefined) => (oid && /^[0-9a-f]{40,64}$/.test(oid) ? oid : undefined);
    if (originHead?.symref) return { ref: originHead.symref.replace(/^refs\/remotes\//, ''), tip: tip(originHead.oid) };
    for (const c of BASE_CANDIDATES.slice(1)) {
      const f = found.get(c);
      if (f?.type === 'commit') return { ref: c.replace(/^refs\/(heads|remotes)\//, ''), tip: tip(f.oid) };
    }
    return undefined;
  }

  /**
   * The base ref and the commit it points at (not yet the merge base: `mergeBaseWith` finds that,
   * once, when it is needed), or why there is none. Resolved by `open` when it prefetched.
   */
  async baseTip(preferredRef?: string): Promise<{ ref: string; tip: string } | { problem: string }> {
    const known = preferredRef ? this.tips.get(preferredRef) : undefined;
    if (preferredRef && known) return { ref: preferredRef, tip: known };
    const found = await this.resolveBase(preferredRef);
    if (!found) return { problem: this.noBaseRef(preferredRef) };
    const tip = found.tip ?? (await this.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${found.ref}^{commit}`]).catch(() => '')).trim();
    if (!/^[0-9a-f]{40,64}$/.test(tip)) return { problem: this.noBaseRef(preferredRef) };
    return { ref: found.ref, tip };
  }

  private noBaseRef(preferredRef?: string): string {
    return preferredRef
      ? `base ref "${preferredRef}" not found in this repository${this.shallow ? ` (shallow clone: fetch it, e.g. git fetch --depth=50 origin ${preferredRef})` : ''}`
      : 'no base branch found (no origin/HEAD, main or master); pass --base or set "base" in .deploy-readiness.yaml';
  }

  /** The merge base of HEAD and `ref` (at `tip`), or why there is none. */
  async mergeBaseWith(ref: string, tip: string): Promise<{ commit: string } | { problem: string }> {
    const commit = await this.mergeBase(tip).catch(() => '');
    if (/^[0-9a-f]{40,64}$/.test(commit)) return { commit };
    return { problem: `no merge base between HEAD and ${ref}${this.shallow ? ' (shallow clone: fetch more history, e.g. git fetch --unshallow)' : ''}` };
  }

  private async exists(ref: string): Promise<boolean> {
    try {
      const out = await this.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
      return out.trim().length > 0;
    } catch {
      return false;
    }
  }

  async isShallow(): Promise<boolean> {
    return this.shallow;
  }

  async mergeBase(ref: string): Promise<string> {
    return (await this.raw(['merge-base', 'HEAD', ref])).trim();
  }

  /** The blobs of a commit's tree under the workspace, by workspace-relative path (one `git ls-tree`). */
  private tree(commit: string): Promise<Map<string, TreeEntry>> {
    let t = this.trees.get(commit);
    if (!t) {
      t = runGit(this.root, ['ls-tree', '-r', '-z', '-l', '--full-tree', commit, ...(this.prefix ? ['--', this.prefix] : [])]).then((out) => {
        const map = new Map<string, TreeEntry>();
        for (const rec of out.split('\0')) {
          const tab = rec.indexOf('\t');
          if (tab < 0) continue;
          const [mode, type, oid, size] = rec.slice(0, tab).split(/ +/);
          // Blobs only: submodules have no content here, symbolic links are not followed (as on disk).
          if (type !== 'blob' || mode === '120000') continue;
          const p = this.fromRepoPath(rec.slice(tab + 1));
          if (p !== undefined) map.set(p, { oid, size: Number(size) });
        }
        return map;
      });
      this.trees.set(commit, t);
    }
    return t;
  }

  async show(commit: string, rel: string, limit = Number.MAX_SAFE_INTEGER): Promise<ReadResult> {
    let entry: TreeEntry | undefined;
    try {
      entry = (await this.tree(commit)).get(rel);
    } catch (e) {
      return { kind: 'error', message: `git ls-tree: ${(e as Error).message.split('\n')[0]}` };
    }
    if (!entry) return { kind: 'missing' };
    if (entry.size > limit) return { kind: 'too-large', size: entry.size, limit };
    try {
      this.blobs ??= new BlobBatch(this.root);
      const buf = await this.blobs.read(entry.oid);
      return buf ? decode(buf, limit) : { kind: 'missing' };
    } catch (e) {
      return { kind: 'error', message: (e as Error).message };
    }
  }

  /** Files changed since `commit`, working tree and untracked files included, with the ones added. */
  async changedSince(commit: string, untracked?: string[]): Promise<{ changed: Set<string>; added: Set<string>; deleted: Set<string> }> {
    const changed = new Set<string>();
    const added = new Set<string>();
    const deleted = new Set<string>();
    const out = await this.raw(['diff', '--no-ext-diff', '--no-textconv', '--name-status', '--no-renames', '-z', commit, '--', '.']);
    const parts = out.split('\0').filter(Boolean);
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const p = this.fromRepoPath(parts[i + 1]);
      if (!p) continue;
      changed.add(p);
      if (parts[i] === 'A') added.add(p);
      if (parts[i] === 'D') deleted.add(p);
    }
    const others = untracked ?? (await this.raw(['ls-files', '--others', '--exclude-standard', '-z', '--full-name', '--', '.'])).split('\0').filter(Boolean).map((u) => this.fromRepoPath(u));
    for (const p of others) {
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
      const raw = await this.raw(['diff', '--no-ext-diff', '--no-textconv', '--name-status', '-M', '--diff-filter=R', '-z', commit, '--', '.']);
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
      const out = await this.raw(['log', '--no-show-signature', '-z', '--format=%H%x1f%s%x1f%b%x1f%aN%x1f%aI', `${commit}..HEAD`]);
      return out
        .split('\0')
        .filter(Boolean)
        .map((rec) => {
          const [hash, subject, body, author, date] = rec.split('\x1f');
          return { hash: hash.trim(), subject: subject ?? '', body: (body ?? '').trim(), author: author ?? '', date: date ?? '' };
        });
    } catch {
      return [];
    }
  }

  /** Tracked files under the workspace matching git pathspecs (relative to it, e.g. ':(glob)**\/.env'), workspace-relative. */
  async trackedMatching(pathspecs: string[]): Promise<string[]> {
    const out = await this.raw(['ls-files', '-z', '--full-name', '--', ...pathspecs]);
    return out
      .split('\0')
      .filter(Boolean)
      .map((p) => this.fromRepoPath(p))
      .filter((p): p is string => p !== undefined);
  }

  /**
   * `user.name` and the origin remote's URL as `git config --get user.name` and `git remote
   * get-url origin` give them (the last name set; the first URL, rewritten by the longest matching
   * `url.<base>.insteadOf`), in one process.
   */
  userAndOrigin(): Promise<{ user?: string; originUrl?: string }> {
    return (this.identity ??= this.readUserAndOrigin());
  }
  private identity: Promise<{ user?: string; originUrl?: string }> | undefined;

  private async readUserAndOrigin(): Promise<{ user?: string; originUrl?: string }> {
    // Exit code 1 when none is set.
    const out = await this.raw(['config', '-z', '--get-regexp', '^(user\\.name|remote\\.origin\\.url|url\\..*\\.insteadof)$']).catch(() => '');
    let user: string | undefined;
    let url: string | undefined;
    const insteadOf: { base: string; prefix: string }[] = [];
    for (const rec of out.split('\0')) {
      const nl = rec.indexOf('\n');
      if (nl < 0) continue;
      const key = rec.slice(0, nl);
      const value = rec.slice(nl + 1);
      if (key === 'user.name') user = value;
      else if (key === 'remote.origin.url') url ??= value;
      else if (key.startsWith('url.') && key.endsWith('.insteadof') && value) insteadOf.push({ base: key.slice(4, -10), prefix: value });
    }
    if (url) {
      let best: { base: string; prefix: string } | undefined;
      for (const r of insteadOf) if (url.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
      if (best) url = best.base + url.slice(best.prefix.length);
    }
    return { user: user?.trim() || undefined, originUrl: url?.trim() || undefined };
  }

  /** Runs a read-only git command (checklist, rollback plan: remote URL, user name, commit counts). */
  async raw(args: string[]): Promise<string> {
    return runGit(this.root, args);
  }

  async isTracked(rel: string): Promise<boolean> {
    const out = await this.raw(['ls-files', '--', this.toRepoPath(rel)]);
    return out.trim().length > 0;
  }

  /** Builds the base snapshot, or explains why it cannot. `status` (already read) saves listing untracked files again. */
  async baseSnapshot(preferredRef?: string, status?: WorkingTreeStatus): Promise<BaseSnapshot | { problem: string }> {
    const found = await this.baseCommit(preferredRef);
    if ('problem' in found) return found;
    return this.snapshotAt(found.ref, found.commit, status);
  }

  /** The base ref and its merge base with HEAD (two processes), or why there is none. */
  async baseCommit(preferredRef?: string): Promise<{ ref: string; commit: string } | { problem: string }> {
    // A named ref: its merge base straight away (one process); only a failure asks whether the ref exists.
    if (preferredRef && !preferredRef.startsWith('-')) {
      const commit = await this.mergeBase(preferredRef).catch(() => '');
      if (/^[0-9a-f]{40,64}$/.test(commit)) return { ref: preferredRef, commit };
    }
    const ref = await this.resolveBaseRef(preferredRef);
    const shallow = this.shallow;
    if (!ref) return { problem: this.noBaseRef(preferredRef) };
    try {
      const commit = await this.mergeBase(ref);
      if (!commit) throw new Error('no merge base');
      return { ref, commit };
    } catch {
      return { problem: `no merge base between HEAD and ${ref}${shallow ? ' (shallow clone: fetch more history, e.g. git fetch --unshallow)' : ''}` };
    }
  }

  /** The snapshot at a known merge base: what changed since it and the commits on the branch. */
  async snapshotAt(ref: string, commit: string, status?: WorkingTreeStatus, opts: { commitFiles?: boolean; tip?: string } = {}): Promise<BaseSnapshot> {
    const untracked = status?.dirty.filter((d) => d.state === 'untracked').map((d) => d.path);
    const [{ changed, added, deleted }, commits, files, behind] = await Promise.all([
      this.changedSince(commit, untracked),
      this.commitsSince(commit),
      opts.commitFiles ? this.commitFiles(commit).catch(() => undefined) : undefined,
      opts.tip ? this.behind(opts.tip) : undefined,
    ]);
    const renames = changed.size ? await this.renamesSince(commit) : new Map<string, string>();
    return this.snapshotOf({ ref, commit, tip: opts.tip, behind, changedFiles: [...changed], addedFiles: [...added], deletedFiles: [...deleted], renames: [...renames], commits, commitFiles: files && [...files] });
  }

  /** How many commits `tip` has that HEAD lacks (the branch is behind its base by that many). */
  async behind(tip: string): Promise<number | undefined> {
    const out = (await this.raw(['rev-list', '--count', `HEAD..${tip}`]).catch(() => '')).trim();
    return out && Number.isFinite(Number(out)) ? Number(out) : undefined;
  }

  /** The files each commit since `commit` touches, by commit id (one `git log`). */
  async commitFiles(commit: string): Promise<Map<string, string[]>> {
    const out = await this.raw(['log', '--no-renames', '--name-only', '--format=%x00%H', `${commit}..HEAD`]);
    const files = new Map<string, string[]>();
    for (const chunk of out.split('\0')) {
      const lines = chunk.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length) files.set(lines[0], lines.slice(1));
    }
    return files;
  }

  /** A snapshot from its saved parts (the CLI's report cache keeps them with the report). */
  snapshotOf(parts: SavedSnapshot): BaseSnapshot {
    const { ref, commit } = parts;
    const reader: FileReader = { read: (rel, limit) => this.show(commit, rel, limit) };
    return { ref, commit, tip: parts.tip, behind: parts.behind, reader, changedFiles: new Set(parts.changedFiles), addedFiles: new Set(parts.addedFiles), deletedFiles: new Set(parts.deletedFiles), renames: new Map(parts.renames), commits: parts.commits, commitFiles: parts.commitFiles && new Map(parts.commitFiles) };
  }

  /** `git ls-files -v` of the workspace, started once (the CLI starts it while the status runs). */
  listIndex(): Promise<string> {
    if (!this.index) {
      this.index = this.raw(['ls-files', '-z', '-v', '--full-name', '--', '.']);
      this.index.catch(() => undefined);
    }
    return this.index;
  }
  private index: Promise<string> | undefined;

  /** Workspace-relative paths of the files in git's index (tracked), from the one `git ls-files`. */
  async trackedFiles(): Promise<Set<string>> {
    const out = await this.listIndex();
    const tracked = new Set<string>();
    for (const rec of out.split('\0')) {
      // "<tag> <path>"
      const p = rec.length > 2 ? this.fromRepoPath(rec.slice(2)) : undefined;
      if (p) tracked.add(p);
    }
    return tracked;
  }

  /**
   * Workspace-relative paths whose working-tree content is the HEAD commit's: tracked, with no
   * staged, unstaged or untracked change in `status`, and not marked assume-unchanged or
   * skip-worktree (git would not look at those). One `git ls-files`.
   */
  async cleanTracked(status: WorkingTreeStatus): Promise<Set<string>> {
    const out = await this.listIndex();
    const dirty = new Set(status.dirty.map((d) => d.path));
    const clean = new Set<string>();
    for (const rec of out.split('\0')) {
      // "H <path>": tracked, cached; lowercase tags are assume-unchanged, S is skip-worktree.
      if (!rec.startsWith('H ')) continue;
      const p = this.fromRepoPath(rec.slice(2));
      if (p !== undefined && !dirty.has(p)) clean.add(p);
    }
    return clean;
  }
}

/** The serialisable parts of a base snapshot. */
export interface SavedSnapshot {
  ref: string;
  commit: string;
  tip?: string;
  behind?: number;
  changedFiles: string[];
  addedFiles: string[];
  deletedFiles: string[];
  renames: [string, string][];
  commits: CommitInfo[];
  commitFiles?: [string, string[]][];
}
