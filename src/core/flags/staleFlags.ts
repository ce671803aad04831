import type { AnalysisContext } from '../analyzer';
import { failureFinding } from '../failure';
import type { Finding, Location } from '../model';
import { defineRule } from '../rule';
import { readText } from '../reader';
import { findFlags, flagScannable, type FlagUse } from './detect';
import { introducedAt } from '../pipeline/history';
import { notice } from '../pipeline/notice';

export const staleFeatureFlag = defineRule({
  id: 'checklist/stale-feature-flag',
  defaultSeverity: 'info',
  summary: 'A feature flag read in code is fully rolled out or older than the configured age: clean-up debt',
});

const DAY = 24 * 60 * 60 * 1000;
const MAX_FLAGS_DATED = 200;

interface Reads {
  key: string;
  at: FlagUse[];
}

/** Flag keys read in the workspace's source files, with every place they are read. */
export async function collectFlagReads(ctx: AnalysisContext, failed: Finding[] = []): Promise<Map<string, Reads>> {
  const byKey = new Map<string, Reads>();
  for (const f of ctx.files) {
    if (ctx.signal.aborted) break;
    if (f.cls.kind !== 'source' || !flagScannable(f.cls.language)) continue;
    const text = await readText(ctx.reader, f.path);
    if (text === undefined) continue;
    let reads: FlagUse[];
    try {
      reads = await findFlags(f.cls.language, f.path, text, { clients: ctx.config.checklist.flagClients, memo: ctx.memo });
    } catch (e) {
      failed.push(failureFinding('checklist', f.path, e));
      continue;
    }
    for (const r of reads) {
      const e = byKey.get(r.key) ?? { key: r.key, at: [] };
      e.at.push(r);
      byKey.set(r.key, e);
    }
  }
  return byKey;
}

/**
 * Stale flags: keys in `staleFlags.rolledOut`, or (with git, in a trusted workspace) introduced
 * more than `staleFlags.maxAgeDays` days ago. One finding per flag at its first read, the other
 * reads related, so the clean-up has its full list of places.
 */
export async function analyzeStaleFlags(ctx: AnalysisContext, now = Date.now()): Promise<Finding[]> {
  const settings = ctx.config.checklist.staleFlags;
  const failed: Finding[] = [];
  const reads = await collectFlagReads(ctx, failed);
  if (!reads.size) return failed;
  const ignore = new Set(settings.ignore);
  const rolledOut = new Set(settings.rolledOut);
  const canDate = ctx.trusted && !!ctx.git;
  if (!canDate) notice(ctx, { level: 'info', area: 'checklist', message: `${reads.size} feature flag${reads.size === 1 ? '' : 's'} read in code; their age needs git history (not run here), so only flags listed in checklist.staleFlags.rolledOut were checked` });
  const cache = (ctx.cache.get('staleFlags:dates') as Map<string, { commit: string; date: string } | null> | undefined) ?? new Map();
  ctx.cache.set('staleFlags:dates', cache);
  const out: Finding[] = failed;
  const keys = [...reads.keys()].filter((k) => !ignore.has(k)).sort();
  const filesOf = (key: string) => {
    const r = reads.get(key)!;
    r.at.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
    return [...new Set(r.at.map((a) => a.file))];
  };
  const cacheKey = (key: string) => `${key}\0${filesOf(key).join('\0')}`;
  if (canDate) {
    // `git log -S` per flag, a few at a time; at most MAX_FLAGS_DATED flags per run.
    const todo = keys.filter((k) => !cache.has(cacheKey(k))).slice(0, MAX_FLAGS_DATED);
    if (keys.length > MAX_FLAGS_DATED) notice(ctx, { level: 'info', area: 'checklist', message: `${keys.length} feature flags read in code; only the first ${MAX_FLAGS_DATED} were dated with git` });
    let next = 0;
    const worker = async () => {
      while (next < todo.length && !ctx.signal.aborted) {
        const key = todo[next++];
        cache.set(cacheKey(key), (await introducedAt(ctx.root, key, filesOf(key)).catch(() => undefined)) ?? null);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
  }
  for (const key of keys) {
    if (ctx.signal.aborted) break;
    const r = reads.get(key)!;
    const files = filesOf(key);
    const since = canDate ? (cache.get(cacheKey(key)) ?? undefined) : undefined;
    const ageDays = since ? Math.floor((now - Date.parse(since.date)) / DAY) : undefined;
    const isRolledOut = rolledOut.has(key);
    const tooOld = ageDays !== undefined && ageDays > settings.maxAgeDays;
    if (!isRolledOut && !tooOld) continue;
    const first = r.at[0];
    const where = `read in ${r.at.length} place${r.at.length === 1 ? '' : 's'}${files.length > 1 ? ` across ${files.length} files` : ''}`;
    const age = since ? `introduced ${ageDays} days ago (${since.date.slice(0, 10)}, ${since.commit.slice(0, 7)})` : '';
    const message = isRolledOut
      ? `Feature flag "${key}" is fully rolled out (checklist.staleFlags.rolledOut)${age ? ` and was ${age}` : ''}, yet still ${where}: remove the flag check and the code path nobody takes.`
      : `Feature flag "${key}" was ${age}, over the ${settings.maxAgeDays}-day limit, and is still ${where}: roll it out fully and remove it, or list it in checklist.staleFlags.ignore if it is a long-lived switch.`;
    const related: Location[] = r.at.slice(1, 50).map((a) => ({ file: a.file, range: a.range, message: `also read here (${a.method})` }));
    const data: Finding['data'] = { flag: key, reads: r.at.length, files, rolledOut: isRolledOut };
    if (ageDays !== undefined && since) {
      data.ageDays = ageDays;
      data.introduced = since.date;
      data.commit = since.commit;
    }
    out.push(staleFeatureFlag.finding({ message, file: first.file, range: first.range, related, data }));
  }
  return out;
}
