import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Workspace } from '../core/engine';
import { TOOL_VERSION } from '../core/format';
import type { SavedSnapshot } from '../core/git';
import type { Report } from '../core/model';
import { loadMemo, saveMemo } from './memoStore';

/** A cache entry: the report and the base snapshot it was computed against. */
interface Entry {
  report: Report;
  base?: SavedSnapshot;
}

/**
 * The CLI's report cache: `<git dir>/deploy-readiness/cache/<key>.json`, so `check` followed by
 * `checklist`, `rollback-plan` and `runbook` analyse once. The key covers everything a report
 * depends on: the tool (version and bundle), the head and base commits, the content of every walked
 * file (a file git reports clean is the head commit's; the others are hashed), the configuration
 * and the command's arguments. The entry also keeps the base snapshot (changed files, commits), so
 * a hit reads neither again. Only for trusted repositories with git. Written atomically (exclusive
 * temp file, then rename); never follows a symbolic link.
 */
const KEEP = 16;

/** Size and time of this bundle and of the analysis bundle beside it (dist/analysis.js): a rebuild of either is another key. */
async function bundleStamp(): Promise<string> {
  const stamps = await Promise.all(
    [__filename, path.join(__dirname, 'analysis.js')].map((f) =>
      fs.stat(f).then(
        (st) => `${st.size}:${st.mtimeMs}`,
        () => '',
      ),
    ),
  );
  return stamps.join(',');
}

/**
 * The cache key of a workspace's report, or undefined when no cache applies (untrusted, no git, no commit).
 * A walked file that git reports clean (tracked, unchanged in the index and the working tree) has
 * the head commit's content, which the key names; every other walked file (changed, untracked,
 * ignored by git but walked) is hashed by content (not mtime: an edit within the same tick must
 * not hit). Git's own stat check re-reads racily clean files, so a same-second edit is seen.
 */
export async function reportKey(ws: Workspace, extra: unknown): Promise<string | undefined> {
  const ctx = ws.ctx;
  if (!ctx.trusted || !ctx.git?.gitDir || !ctx.facts.head?.commit) return undefined;
  const h = createHash('sha256');
  // The base is the ref and the commit it points at: with the head commit they fix the merge base.
  h.update(JSON.stringify({ tool: TOOL_VERSION, bundle: await bundleStamp(), root: ctx.root, head: ctx.facts.head, base: ws.baseTip ?? ctx.facts.base ?? null, config: ctx.config, extra }));
  const clean = ctx.status ? await ctx.git.cleanTracked(ctx.status).catch(() => new Set<string>()) : new Set<string>();
  const files = ctx.files.map((f) => f.path).sort();
  const digests = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      if (clean.has(files[i])) {
        digests[i] = 'HEAD';
        continue;
      }
      digests[i] = await fs.readFile(path.join(ctx.root, files[i])).then(
        (b) => createHash('sha1').update(b).digest('hex'),
        () => '-',
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (let i = 0; i < files.length; i++) h.update(`${files[i]}\0${digests[i]}\0`);
  return h.digest('hex');
}

/** `<git dir>/deploy-readiness/cache`, created if needed; undefined when a part of it is not a real folder. */
async function cacheDir(gitDir: string, create: boolean): Promise<string | undefined> {
  let dir = gitDir;
  for (const part of ['deploy-readiness', 'cache']) {
    dir = path.join(dir, part);
    if (create) await fs.mkdir(dir).catch(() => undefined);
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st || st.isSymbolicLink() || !st.isDirectory()) return undefined;
  }
  return dir;
}

export async function readCachedReport(ws: Workspace, key: string): Promise<Entry | undefined> {
  const dir = await cacheDir(ws.ctx.git!.gitDir, false);
  if (!dir) return undefined;
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(path.join(dir, `${key}.json`), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    const saved = JSON.parse(await fh.readFile('utf8')) as { key?: string; report?: Report; base?: SavedSnapshot };
    return saved.key === key && saved.report?.version === 1 ? { report: saved.report, base: saved.base } : undefined;
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}

export async function writeCachedReport(ws: Workspace, key: string, report: Report, base?: SavedSnapshot): Promise<void> {
  const dir = await cacheDir(ws.ctx.git!.gitDir, true);
  if (!dir) return;
  const tmp = path.join(dir, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': O_CREAT|O_EXCL, which never follows a link planted at the name.
    await fs.writeFile(tmp, JSON.stringify({ key, report, base }), { flag: 'wx', mode: 0o600 });
    await fs.rename(tmp, path.join(dir, `${key}.json`));
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return;
  }
  // Keep the newest few.
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const stats = await Promise.all(
    entries.filter((e) => /^[0-9a-f]{64}\.json$/.test(e)).map(async (e) => ({ e, t: (await fs.lstat(path.join(dir, e)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  stats.sort((a, b) => b.t - a.t);
  for (const s of stats.slice(KEEP)) await fs.rm(path.join(dir, s.e), { force: true }).catch(() => undefined);
}

/**
 * The workspace's report: from the cache when this exact state was analysed before, else analysed
 * now (and cached). `timing.cached` tells which; `timing.gitProcesses` counts this run's processes.
 */
export async function analyzeWithCache(ws: Workspace, opts: { useCache: boolean; extra?: unknown }): Promise<Report> {
  const key = opts.useCache ? await reportKey(ws, opts.extra ?? null).catch(() => undefined) : undefined;
  const keyedTip = ws.baseTip;
  if (key) {
    const hit = await readCachedReport(ws, key);
    if (hit) {
      // The plan commands read the branch's commits from the base snapshot: the cached copy, else git.
      await ws.ensureBase(hit.base);
      hit.report.timing = { ms: hit.report.timing?.ms ?? 0, gitProcesses: ws.gitProcesses(), cached: true };
      return hit.report;
    }
  }
  // Per-file results of earlier runs: only files whose content changed are analysed again.
  if (opts.useCache) await loadMemo(ws);
  const report = await ws.analyze();
  if (opts.useCache) await saveMemo(ws);
  // A cancelled (partial) run is not cached, nor one whose base could not be read after the key named it.
  if (key && !ws.ctx.signal.aborted && !!report.facts.base === !!keyedTip) await writeCachedReport(ws, key, report, ws.savedBase()).catch(() => undefined);
  return report;
}
