import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Workspace } from '../core/engine';
import type { FileMemo } from '../core/memo';
import { TOOL_VERSION } from '../core/format';
import { writableTarget } from '../core/safeWrite';

/**
 * The CLI's per-file results on disk: `<git dir>/deploy-readiness/cache/files.memo`, next to the
 * report cache, so a `check` after a change to one file analyses that file again and reuses every
 * other file's results (the cross-file facts are rebuilt from them). One file per repository: the
 * first line names the scope (configuration, analyzer version, tool and bundle); each other line is
 * one result, `<JSON key>\t<JSON value>`. It holds only the results the last run used (the current
 * head and merge base), at most MAX_BYTES of them, so it stays the size of one repository's facts.
 * The name is fixed (no repository content picks it); written through `writableTarget` (no symbolic
 * link followed, inside the git dir) to an exclusive temporary file, then renamed over.
 */
const FILE = 'deploy-readiness/cache/files.memo';
const FORMAT = 'deploy-readiness per-file memo 1';
const MAX_BYTES = 128 * 1024 * 1024;

/** The memo's scope (configuration, analyzer version) with this tool's version and bundle: a rebuilt tool starts afresh. */
async function fileScope(memo: FileMemo): Promise<string> {
  let bundle = '';
  try {
    const st = await fs.stat(__filename);
    bundle = `${st.size}:${st.mtimeMs}`;
  } catch {
    /* no stamp */
  }
  return createHash('sha256').update(JSON.stringify([memo.currentScope, TOOL_VERSION, bundle])).digest('hex');
}

function usable(ws: Workspace): string | undefined {
  const ctx = ws.ctx;
  return ctx.trusted && ctx.git?.gitDir ? ctx.git.gitDir : undefined;
}

/** Loads the saved per-file results of the workspace's scope into its memo (nothing when absent, foreign or damaged). */
export async function loadMemo(ws: Workspace): Promise<void> {
  const gitDir = usable(ws);
  if (!gitDir) return;
  const memo = ws.ctx.memo;
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(path.join(gitDir, FILE), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_BYTES * 2) return;
    const text = await fh.readFile('utf8');
    const nl = text.indexOf('\n');
    const head = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as { format?: unknown; scope?: unknown };
    if (head.format !== FORMAT || head.scope !== (await fileScope(memo))) return;
    const entries: [string, string][] = [];
    for (let at = nl + 1; at > 0 && at < text.length; ) {
      const end = text.indexOf('\n', at);
      const line = text.slice(at, end < 0 ? text.length : end);
      at = end < 0 ? text.length : end + 1;
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const key = JSON.parse(line.slice(0, tab)) as unknown;
      if (typeof key === 'string') entries.push([key, line.slice(tab + 1)]);
    }
    memo.load(entries);
  } catch {
    return;
  } finally {
    await fh?.close();
  }
}

/** Saves the results the last analysis used, when it computed any (a failure to write is not the run's failure). */
export async function saveMemo(ws: Workspace): Promise<void> {
  const gitDir = usable(ws);
  const memo = ws.ctx.memo;
  // A run over explicit paths used part of the results: saving only those would drop the rest.
  if (!gitDir || !memo.dirty || ws.ctx.signal.aborted || ws.partial) return;
  let target: string;
  try {
    target = await writableTarget(gitDir, FILE, { create: true });
  } catch {
    return;
  }
  const lines = [JSON.stringify({ format: FORMAT, scope: await fileScope(memo) })];
  // A value is JSON text: it has no raw newline, and a key's JSON has no raw tab.
  for (const [k, v] of memo.usedEntries(MAX_BYTES)) lines.push(`${JSON.stringify(k)}\t${v}`);
  const tmp = path.join(path.dirname(target), `.files.memo.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': O_CREAT|O_EXCL, which never follows a link planted at the name.
    await fs.writeFile(tmp, lines.join('\n') + '\n', { flag: 'wx', mode: 0o600 });
    await fs.rename(tmp, target);
    memo.markSaved();
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}
