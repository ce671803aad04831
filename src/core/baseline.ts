import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { AnalysisContext, Analyzer, WorkspaceFile } from './analyzer';
import { ruleById } from './catalog';
import type { Classifier } from './classify';
import { seedEnvBaseRun } from './env/analyzer';
import type { BaseSnapshot } from './git';
import { emptyFacts, type Finding, type FixedFinding } from './model';
import { OverlayReader, type FileReader, type ReadResult } from './reader';
import { LineIndex } from './text';
import { VENDOR_DIRS } from './walk';

/**
 * The baseline: which findings this change introduces. The merge base is analysed with the same
 * analyzers and configuration, and findings are matched across the two revisions by a fingerprint
 * that survives line moves (rule, file following renames, normalised anchor text).
 */

/** Findings of rules that compare the base with head are introduced by the change by definition. */
export function comparesBase(ruleId: string): boolean {
  return !!ruleById(ruleId)?.comparesBase;
}

/** New by definition: a rule that compares base with head, or a finding that says it is about something new on the branch. */
function newByDefinition(f: Finding): boolean {
  return comparesBase(f.ruleId) || f.data?.newOnBranch === true;
}

/**
 * Reads the merge base: files the branch changed (or deleted) from git, every other file from the
 * working tree on disk (identical to the base by definition, and far cheaper than git). Unsaved
 * editor buffers are never read as the base.
 */
export function baseRevisionReader(ctx: AnalysisContext, base: BaseSnapshot): FileReader {
  const disk = ctx.reader instanceof OverlayReader ? ctx.reader.inner : ctx.reader;
  return {
    async read(rel: string, limit = ctx.config.maxFileSize): Promise<ReadResult> {
      if (!base.changedFiles.has(rel) && !base.deletedFiles.has(rel)) return disk.read(rel, limit);
      const r = await base.reader.read(rel, limit);
      // The git reader has no size limit: apply the one head has, so both revisions skip alike.
      if (r.kind === 'text') {
        const size = Buffer.byteLength(r.text, 'utf8');
        if (size > limit) return { kind: 'too-large', size, limit };
      }
      return r;
    },
  };
}

/** The files of the merge base: head's walked files minus the added ones, plus the deleted ones. */
export function baseFiles(ctx: AnalysisContext, base: BaseSnapshot): WorkspaceFile[] {
  const excluded = ctx.config.exclude.length ? picomatch(ctx.config.exclude, { dot: true }) : undefined;
  const out: WorkspaceFile[] = ctx.files.filter((f) => !base.addedFiles.has(f.path)).map((f) => ({ path: f.path, cls: f.cls }));
  const have = new Set(out.map((f) => f.path));
  for (const d of [...base.deletedFiles].sort()) {
    if (have.has(d) || excluded?.(d) || d.split('/').some((seg) => VENDOR_DIRS.has(seg))) continue;
    out.push({ path: d, cls: ctx.classifier.classify(d) });
  }
  return out;
}

/**
 * Runs the analyzers over the merge base. Per-file caches keyed by content are copied from the
 * head run, so files the branch did not change are not parsed again; comparisons of base with
 * head find nothing (the base is compared with itself) and migrations are limited, as at head, to
 * the ones the branch changed.
 */
export async function analyzeBaseRevision(ctx: AnalysisContext, base: BaseSnapshot, analyzers: readonly Analyzer[]): Promise<{ findings: Finding[]; reader: FileReader }> {
  const reader = baseRevisionReader(ctx, base);
  const changedAtBase = new Set([...base.changedFiles].filter((p) => !base.addedFiles.has(p)));
  const self: BaseSnapshot = { ...base, reader, changedFiles: changedAtBase, addedFiles: new Set(), deletedFiles: new Set(), renames: new Map(), commits: [] };
  const bctx: AnalysisContext = {
    ...ctx,
    reader,
    files: baseFiles(ctx, base),
    base: self,
    status: undefined,
    baseRun: true,
    notices: [],
    facts: emptyFacts(),
    cache: new Map(),
  };
  shareCaches(ctx, bctx);
  const findings: Finding[] = [];
  for (const a of analyzers) {
    if (ctx.signal.aborted) break;
    try {
      findings.push(...(await a.analyze(bctx)));
    } catch (e) {
      // An area that fails at the base cannot tell new from existing: its head findings stay new.
      ctx.log.warn(`${a.area} analysis of the merge base failed: ${(e as Error).message}`);
    }
  }
  return { findings, reader };
}

/** Caches whose entries do not depend on the revision, or are checked against the text read. */
function shareCaches(head: AnalysisContext, base: AnalysisContext): void {
  for (const [k, v] of head.cache) {
    // By reference: keyed by merge-base commit, or by flag and files (git history), or repository tags.
    if (k.startsWith('api-base:') || k === 'staleFlags:dates' || k === 'pipeline:tags') base.cache.set(k, v);
    // Copies: each entry holds the text it was computed from and is recomputed when it differs.
    else if (k === 'migrations:ops' || k === 'frameworks:ops') base.cache.set(k, new Map(v as Map<unknown, unknown>));
  }
  seedEnvBaseRun(head, base);
}

// ───────────────────────────── fingerprints ─────────────────────────────

const MAX_ANCHOR = 4000;

/**
 * The anchor of a finding: the text its range covers, with whitespace runs collapsed (so
 * re-indenting or moving a statement keeps it), else its message with numbers and its own path
 * blanked (file-level findings whose message counts lines or files).
 */
export function anchorOf(f: Pick<Finding, 'range' | 'message' | 'file'>, text: string | undefined): string {
  if (text !== undefined) {
    const idx = new LineIndex(text);
    const a = idx.offsetAt(f.range.start);
    const b = idx.offsetAt(f.range.end);
    if (b > a) {
      const t = text
        .slice(a, Math.min(b, a + MAX_ANCHOR))
        .replace(/\s+/g, ' ')
        .trim();
      if (t) return `t:${t}`;
    }
  }
  return `m:${f.message.split(f.file).join('<file>').replace(/\d+/g, '#').replace(/\s+/g, ' ').trim()}`;
}

export function fingerprintOf(ruleId: string, file: string, anchor: string): string {
  return createHash('sha1').update(`${ruleId}\0${file}\0${anchor}`).digest('hex').slice(0, 20);
}

/**
 * Reads each file once per revision, for anchors. Never a .env file (its values stay unread), nor
 * an example file: a hash of its lines could carry a value, so those findings anchor on their
 * message, which names variables only.
 */
export class TextMemo {
  private readonly memo = new Map<string, Promise<string | undefined>>();
  constructor(
    private readonly reader: FileReader,
    private readonly classifier: Classifier,
  ) {}
  text(rel: string): Promise<string | undefined> {
    const kind = this.classifier.classify(rel).kind;
    if (kind === 'env-file' || kind === 'env-example') return Promise.resolve(undefined);
    let p = this.memo.get(rel);
    if (!p) {
      p = this.reader.read(rel).then(
        (r) => (r.kind === 'text' ? r.text : undefined),
        () => undefined,
      );
      this.memo.set(rel, p);
    }
    return p;
  }
}

/** Sets `fingerprint` on each finding; `renames` maps a head path to its base path. */
export async function fingerprint(findings: Finding[], texts: TextMemo, renames?: ReadonlyMap<string, string>): Promise<void> {
  for (const f of findings) {
    const file = renames?.get(f.file) ?? f.file;
    f.fingerprint = fingerprintOf(f.ruleId, file, anchorOf(f, await texts.text(f.file)));
  }
}

export interface BaselineIndex {
  /** fingerprint → base findings with it, in report order */
  byFingerprint: Map<string, Finding[]>;
}

export function indexBase(baseFindings: Finding[]): BaselineIndex {
  const byFingerprint = new Map<string, Finding[]>();
  for (const f of baseFindings) {
    if (comparesBase(f.ruleId)) continue;
    const list = byFingerprint.get(f.fingerprint!) ?? [];
    list.push(f);
    byFingerprint.set(f.fingerprint!, list);
  }
  return { byFingerprint };
}

/**
 * Marks head findings (fingerprinted, in report order) new or existing against the base index:
 * the k-th head finding with a fingerprint matches the k-th base one. Returns the base findings
 * left unmatched (fixed by the change).
 */
export function markFindings(head: Finding[], index: BaselineIndex): FixedFinding[] {
  const used = new Map<string, number>();
  for (const f of head) {
    if (newByDefinition(f)) {
      f.baseline = 'new';
      continue;
    }
    const n = used.get(f.fingerprint!) ?? 0;
    const avail = index.byFingerprint.get(f.fingerprint!)?.length ?? 0;
    if (n < avail) {
      f.baseline = 'existing';
      used.set(f.fingerprint!, n + 1);
    } else f.baseline = 'new';
  }
  const fixed: FixedFinding[] = [];
  for (const [fp, list] of index.byFingerprint) {
    for (const b of list.slice(used.get(fp) ?? 0)) fixed.push({ ruleId: b.ruleId, severity: b.severity, message: b.message, file: b.file, range: b.range });
  }
  return fixed.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.ruleId.localeCompare(b.ruleId));
}
