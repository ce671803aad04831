import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { AnalysisContext, Analyzer, Logger, WorkspaceFile } from './analyzer';
import { silentLogger } from './analyzer';
import { Classifier } from './classify';
import { effectiveSeverity, type Config } from './config';
import { failureFinding, fileOfError } from './failure';
import { Git, gitInvocations, type BaseSnapshot, type SavedSnapshot } from './git';
import type { BaselineIndex } from './baseline';
import { compareFindings, emptyFacts, summarize, verdictOf, type Area, type BaselineInfo, type Finding, type Notice, type Report, type Scope, type Severity } from './model';
import { FileMemo, memoScope } from './memo';
import { DiskReader, type FileReader } from './reader';
import type { Progress } from './protocol';
import { analysis } from './lazy';
import { toPosix } from './text';
import { walk } from './walk';

let analyses = 0;
/** How many whole-workspace analyses ran in this process (tests: a cached report runs none). */
export function analysisCount(): number {
  return analyses;
}

export interface EngineOptions {
  /** Absolute workspace (repository) root. */
  root: string;
  config: Config;
  /** Defaults to a disk reader with the config's size limit. */
  reader?: FileReader;
  /** False in an untrusted workspace: no git runs. */
  trusted?: boolean;
  /** Git ref to compare with; default: config.base, else the remote's default branch, else main/master. */
  baseRef?: string;
  /** Explicit paths (files or folders, absolute or relative to root). Default: the whole root. */
  paths?: string[];
  areas?: Area[];
  /** Which findings decide the verdict: the ones the change introduces (default: config.scope, else "new") or all. */
  scope?: Scope;
  signal?: AbortSignal;
  log?: Logger;
  /** What the analysis is doing now (the editor's progress): the phase, with counts when known. */
  onProgress?: (p: Progress) => void;
  /**
   * Resolve only the base ref and its merge base when opening; what changed since it and the
   * branch's commits are read on first need (`ensureBase`, which `analyze` calls), so a run served
   * from the CLI's report cache skips them.
   */
  deferBase?: boolean;
  /**
   * Per-file results kept from earlier analyses (the worker's, or the CLI's loaded from disk): only
   * files whose content (or scope: config, analyzer version) changed are analysed again. Default:
   * a new one for this workspace.
   */
  memo?: FileMemo;
}

/** Which files each area reads, for the "Migrations 41/41" counts of the progress. */
const AREA_PHASE: Record<Area, { label: string; kinds: string[] }> = {
  migration: { label: 'Migrations', kinds: ['migration'] },
  env: { label: 'Environment', kinds: ['source', 'env-example', 'deploy-manifest', 'ci-config'] },
  api: { label: 'API contract', kinds: ['api-schema', 'api-candidate'] },
  checklist: { label: 'Checklist', kinds: ['ci-config'] },
};

/**
 * A workspace session: the walked files, their classification, the base snapshot and caches.
 * The CLI makes one per run; the editor keeps one and re-analyses single files on each change.
 */
export class Workspace {
  /** Base findings by fingerprint, from the last full analysis (marks per-file re-analyses). */
  private baseIndex: BaselineIndex | undefined;
  /** The base ref and its commit found by a deferred open, until `ensureBase` finds the merge base and reads the snapshot. */
  private pendingBase: { ref: string; tip: string } | undefined;
  /** A deferred open's base ref and the commit it points at (the CLI's cache key names them). */
  baseTip: { ref: string; tip: string } | undefined;
  private constructor(
    readonly ctx: AnalysisContext,
    /** The areas to analyse (default: all); their analyzers load on first use (`analyzers`). */
    private readonly areas: readonly Area[] | undefined,
    readonly scope: Scope,
    /** Explicit paths were given: nothing is compared with the base for the baseline. */
    private readonly explicit: boolean,
    private readonly started: { at: number; git: number },
    private readonly progress: (p: Progress) => void = () => {},
  ) {}

  private picked: readonly Analyzer[] | undefined;
  /** The analyzers of `areas`: the first use loads the analysis modules (a cached CLI run never does). */
  private get analyzers(): readonly Analyzer[] {
    if (!this.picked) {
      const all = analysis().ANALYZERS;
      this.picked = this.areas ? all.filter((a) => this.areas!.includes(a.area)) : all;
    }
    return this.picked;
  }

  static async open(opts: EngineOptions): Promise<Workspace> {
    const started = { at: performance.now(), git: gitInvocations() };
    const signal = opts.signal ?? new AbortController().signal;
    const log = opts.log ?? silentLogger;
    const notices: Notice[] = [];
    const root = path.resolve(opts.root);
    const classifier = new Classifier(opts.config);
    // A one-shot run (no reader given: the CLI) reads each file from disk once, whichever areas read it.
    const reader = namingFailures(opts.reader ?? new DiskReader(root, opts.config.maxFileSize, { remember: true }));
    const progress = opts.onProgress ?? (() => {});
    const trusted = opts.trusted ?? true;
    // The walk (the file system) and git (processes) at once; the walk's notices come first.
    const walkNotices: Notice[] = [];
    progress({ phase: 'Reading files' });
    // The walk asks git for its tracked files only if a .gitignore rule matched something.
    let gitOpened: (g: Git | undefined) => void = () => {};
    const opened = new Promise<Git | undefined>((resolve) => (gitOpened = resolve));
    const tracked = async () => (await opened)?.trackedFiles().catch(() => undefined);
    const walked = collectFiles(root, opts, classifier, walkNotices, signal, tracked);
    walked.catch(() => undefined);
    let pending: { ref: string; tip: string } | undefined;
    let git: Git | undefined;
    let status: Awaited<ReturnType<Git['status']>> | undefined;
    let base: Awaited<ReturnType<Git['baseSnapshot']>> | undefined;
    if (!trusted) {
      gitOpened(undefined);
      notices.push({ level: 'info', message: 'Restricted Mode: git was not run, so nothing is compared with the base branch and the working tree is not checked.' });
    } else {
      // Deferred (the CLI): the status, the index and the base ref's commit are read while the repository opens.
      git = await Git.open(root, opts.deferBase ? { ref: opts.baseRef ?? opts.config.base } : undefined);
      gitOpened(git);
      if (!git) {
        notices.push({ level: 'warning', message: 'not a git repository (or git is not installed): nothing is compared with a base branch' });
      } else {
        const g = git;
        const problem = (e: Error) => ({ problem: e.message.split('\n')[0] });
        // The status and the merge base are independent: both at once.
        const ref = opts.baseRef ?? opts.config.base;
        const [st, found] = await Promise.all([
          g.status().then(
            (value) => ({ value }),
            (e: Error) => ({ error: e }),
          ),
          (opts.deferBase ? g.baseTip(ref) : g.baseCommit(ref)).catch(problem),
        ]);
        if ('value' in st) status = st.value;
        else notices.push({ level: 'warning', message: `git status failed: ${st.error.message.split('\n')[0]}` });
        if ('problem' in found) notices.push({ level: 'warning', message: `base: ${found.problem}` });
        else if ('tip' in found) pending = found;
        else {
          progress({ phase: 'Reading base tree' });
          base = await g.snapshotAt(found.ref, found.commit, status).catch(problem);
        }
        if (base && 'problem' in base) notices.push({ level: 'warning', message: `base: ${base.problem}` });
      }
    }
    const files = await walked;
    notices.unshift(...walkNotices);
    progress({ phase: 'Reading files', done: files.length, total: files.length });
    const ctx: AnalysisContext = {
      root,
      config: opts.config,
      classifier,
      reader,
      files,
      trusted,
      signal,
      log,
      notices,
      facts: emptyFacts(),
      cache: new Map(),
      memo: opts.memo ?? new FileMemo(),
    };
    ctx.memo.setScope(memoScope(opts.config));
    if (git) {
      ctx.git = git;
      if (status) {
        ctx.status = status;
        ctx.facts.head = { branch: status.branch, commit: status.head };
      }
      if (base && !('problem' in base)) {
        ctx.base = base;
        ctx.facts.base = { ref: base.ref, commit: base.commit };
        log.info(`base ${base.ref} at ${base.commit.slice(0, 7)}, ${base.changedFiles.size} changed files`);
      }
    }
    log.info(`opened in ${Math.round(performance.now() - started.at)} ms: ${files.length} files, ${gitInvocations() - started.git} git processes`);
    const ws = new Workspace(ctx, opts.areas, opts.scope ?? opts.config.scope ?? 'new', !!opts.paths?.length, started, progress);
    ws.pendingBase = pending;
    ws.baseTip = pending;
    return ws;
  }

  /**
   * Completes a deferred base: from `saved` (the report cache's copy, for the same base commit; the
   * cache is keyed by the head commit, so the merge base is the saved one) or from git (the merge
   * base, then the snapshot). A git failure leaves no base, with a notice, as a failed open does.
   */
  async ensureBase(saved?: SavedSnapshot): Promise<void> {
    const pending = this.pendingBase;
    const git = this.ctx.git;
    if (!pending || !git) return;
    this.pendingBase = undefined;
    try {
      let base: BaseSnapshot;
      if (saved && saved.ref === pending.ref && saved.tip === pending.tip) base = git.snapshotOf(saved);
      else {
        const found = await git.mergeBaseWith(pending.ref, pending.tip);
        if ('problem' in found) throw new Error(found.problem);
        base = await git.snapshotAt(pending.ref, found.commit, this.ctx.status, { commitFiles: true, tip: pending.tip });
      }
      this.ctx.base = base;
      this.ctx.facts.base = { ref: base.ref, commit: base.commit };
      this.ctx.log.info(`base ${base.ref} at ${base.commit.slice(0, 7)}, ${base.changedFiles.size} changed files`);
    } catch (e) {
      this.ctx.facts.base = undefined;
      this.ctx.notices.push({ level: 'warning', message: `base: ${(e as Error).message.split('\n')[0]}` });
    }
  }

  /** The base snapshot's serialisable parts (for the CLI's report cache). */
  savedBase(): SavedSnapshot | undefined {
    const b = this.ctx.base;
    if (!b) return undefined;
    return { ref: b.ref, commit: b.commit, tip: b.tip, behind: b.behind, changedFiles: [...b.changedFiles], addedFiles: [...b.addedFiles], deletedFiles: [...b.deletedFiles], renames: [...b.renames], commits: b.commits, commitFiles: b.commitFiles && [...b.commitFiles] };
  }

  /**
   * Reads remembered by the disk reader, and trees kept by the source service, belong to one
   * analysis: the next one reads and parses the files again.
   */
  private forgetReads(): void {
    (this.ctx.reader as { forget?: () => void }).forget?.();
    analysis().forgetParses();
  }

  /** Explicit paths were given: the run covers part of the repository. */
  get partial(): boolean {
    return this.explicit;
  }

  /** Git processes started since this workspace was opened. */
  gitProcesses(): number {
    return gitInvocations() - this.started.git;
  }

  /** Ends the run's long-lived git process (the blob reader); the workspace can still be used (it restarts). */
  close(): void {
    this.ctx.git?.close();
  }

  /** Runs every analyzer over the workspace. */
  async analyze(): Promise<Report> {
    analyses++;
    await this.ensureBase();
    this.forgetReads();
    this.ctx.memo.beginRun();
    const findings: Finding[] = [];
    for (const a of this.analyzers) {
      if (this.ctx.signal.aborted) break;
      const t0 = performance.now();
      const phase = AREA_PHASE[a.area];
      const total = phase ? this.ctx.files.filter((f) => phase.kinds.includes(f.cls.kind)).length : undefined;
      if (phase) this.progress({ phase: phase.label, done: 0, total });
      try {
        findings.push(...(await a.analyze(this.ctx)));
        if (phase) this.progress({ phase: phase.label, done: total, total });
        this.ctx.log.info(`${a.area}: ${Math.round(performance.now() - t0)} ms`);
      } catch (e) {
        if (this.ctx.signal.aborted) break;
        // Fail closed: an error finding (blocks `--fail-on error`, shows in the editor), not only a notice.
        findings.push(failureFinding(a.area, fileOfError(e) ?? '.', e));
        this.ctx.log.error(`${a.area} analysis failed: ${(e as Error).stack ?? e}`);
      }
    }
    const kept = applyConfig(this.ctx.config, findings).sort(compareFindings);
    if (this.noBaselineReason() === undefined) this.progress({ phase: 'Comparing with the base branch' });
    const { info, fixed } = await this.baseline(kept);
    const report = buildReport(this.ctx, kept, info, fixed);
    const memo = this.ctx.memo.stats();
    report.timing = { ms: Math.round(performance.now() - this.started.at), gitProcesses: gitInvocations() - this.started.git, cached: false, reanalysed: memo.reanalysed, reused: memo.reused };
    analysis().forgetParses();
    return report;
  }

  /** Why findings cannot be split into new and existing here, or undefined when they can. */
  private noBaselineReason(): string | undefined {
    if (!this.ctx.trusted) return 'Restricted Mode runs no git';
    if (this.explicit) return 'explicit files were given';
    if (!this.ctx.git) return 'not a git repository';
    if (!this.ctx.base) return 'no merge base with a base branch';
    return undefined;
  }

  /** Marks each finding new or existing against the merge base analysed with the same analyzers. */
  private async baseline(kept: Finding[]): Promise<{ info: BaselineInfo; fixed: number }> {
    const ctx = this.ctx;
    const reason = this.noBaselineReason();
    if (reason || ctx.signal.aborted) {
      this.baseIndex = undefined;
      for (const f of kept) f.baseline = 'new';
      const r = reason ?? 'cancelled';
      ctx.notices.push({ level: 'info', message: `no baseline (${r}): every finding counts as introduced by this change` });
      return { info: { compared: false, scope: this.scope, reason: r, fixed: [] }, fixed: 0 };
    }
    const base = ctx.base!;
    const { analyzeBaseRevision, fingerprint, indexBase, markFindings, TextMemo } = analysis();
    await fingerprint(kept, new TextMemo(ctx.reader, ctx.classifier), base.renames);
    let baseFindings: Finding[];
    if (base.changedFiles.size === 0) {
      // Nothing changed since the merge base: its analysis is this one.
      baseFindings = kept.map((f) => ({ ...f }));
    } else {
      const started = Date.now();
      const run = await analyzeBaseRevision(ctx, base, this.analyzers);
      baseFindings = applyConfig(ctx.config, run.findings).sort(compareFindings);
      await fingerprint(baseFindings, new TextMemo(run.reader, ctx.classifier));
      ctx.log.info(`merge base analysed in ${Date.now() - started} ms: ${baseFindings.length} findings`);
    }
    this.baseIndex = indexBase(baseFindings);
    const fixed = markFindings(kept, this.baseIndex);
    return { info: { compared: true, scope: this.scope, base: /^[0-9a-f]{40}$/i.test(base.ref) ? base.commit.slice(0, 7) : `${base.ref}@${base.commit.slice(0, 7)}`, fixed: fixed.slice(0, 200) }, fixed: fixed.length };
  }

  /** Re-analyses one file (the reader may hold its unsaved buffer). Returns that file's findings (of `areas` when given). */
  async analyzeFile(rel: string, areas?: readonly Area[]): Promise<Finding[]> {
    await this.ensureBase();
    this.forgetReads();
    const p = toPosix(rel);
    let file = this.ctx.files.find((f) => f.path === p);
    if (!file) {
      file = { path: p, cls: this.ctx.classifier.classify(p) };
      this.ctx.files.push(file);
    }
    const out: Finding[] = [];
    for (const a of this.analyzers) {
      if (!a.analyzeFile || (areas && !areas.includes(a.area))) continue;
      try {
        out.push(...(await a.analyzeFile(this.ctx, file)));
      } catch (e) {
        if (!this.ctx.signal.aborted) out.push(failureFinding(a.area, p, e));
        this.ctx.log.error(`${a.area} analysis of ${p} failed: ${(e as Error).stack ?? e}`);
      }
    }
    const kept = capFindings(applyConfig(this.ctx.config, out).filter((f) => f.file === p).sort(compareFindings));
    if (!this.baseIndex || !this.ctx.base) for (const f of kept) f.baseline = 'new';
    else {
      const { fingerprint, markFindings, TextMemo } = analysis();
      await fingerprint(kept, new TextMemo(this.ctx.reader, this.ctx.classifier), this.ctx.base.renames);
      markFindings(kept, this.baseIndex);
    }
    analysis().forgetParses();
    return kept;
  }

  /** True when a change to this file can change findings in other files (the editor then re-runs everything). */
  affectsWorkspace(rel: string): boolean {
    const p = toPosix(rel);
    const file = this.ctx.files.find((f) => f.path === p) ?? { path: p, cls: this.ctx.classifier.classify(p) };
    return file.cls.kind === 'config' || this.analyzers.some((a) => a.affectsWorkspace?.(file));
  }

  /** Areas whose findings are recomputed per file as the user types. */
  get perFileAreas(): Area[] {
    return this.analyzers.filter((a) => a.analyzeFile).map((a) => a.area);
  }

  classify(rel: string): WorkspaceFile['cls'] {
    return this.ctx.classifier.classify(toPosix(rel));
  }
}

async function collectFiles(
  root: string,
  opts: EngineOptions,
  classifier: Classifier,
  notices: Notice[],
  signal: AbortSignal,
  tracked?: () => Promise<ReadonlySet<string> | undefined>,
): Promise<WorkspaceFile[]> {
  const onProblem = (message: string) => notices.push({ level: 'warning', message });
  if (!opts.paths?.length) {
    return (await walk(root, { exclude: opts.config.exclude, signal, onProblem, tracked })).map((p) => ({ path: p, cls: classifier.classify(p) }));
  }
  const out: WorkspaceFile[] = [];
  const seen = new Set<string>();
  for (const given of opts.paths) {
    const abs = path.resolve(root, given);
    const rel = toPosix(path.relative(root, abs));
    if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) {
      notices.push({ level: 'error', message: `${given}: outside the analysed folder ${root}, skipped`, file: given });
      continue;
    }
    let st;
    try {
      st = await fs.stat(abs);
    } catch {
      notices.push({ level: 'error', message: `${given}: no such file or folder`, file: given });
      continue;
    }
    if (st.isDirectory()) {
      for (const p of await walk(abs, { exclude: opts.config.exclude, signal, onProblem })) {
        const r = rel ? `${rel}/${p}` : p;
        if (!seen.has(r)) out.push({ path: r, cls: classifier.classify(r) });
        seen.add(r);
      }
    } else if (!seen.has(rel)) {
      seen.add(rel);
      let cls = classifier.classify(rel);
      // A file passed explicitly is analysed as what it is: a .sql file is a migration.
      if (rel.toLowerCase().endsWith('.sql') && cls.kind !== 'migration') cls = { kind: 'migration', tool: 'sql', format: 'sql', direction: 'up' };
      out.push({ path: rel, cls, explicit: true });
    }
  }
  return out;
}

/** Applies per-rule severity overrides and "off" from the config. */
export function applyConfig(config: Config, findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const rule = analysis().ruleById(f.ruleId);
    const override = config.rules[f.ruleId];
    if (override === 'off') continue;
    if (rule?.optIn && !override) continue;
    // A change accepted on purpose (api.accepted) stays info whatever the rule's severity override.
    out.push(override && !f.data?.accepted ? { ...f, severity: override } : f);
  }
  return out;
}

/** At most this many findings of one rule in one file are listed; one more finding counts the rest. */
export const MAX_PER_RULE_AND_FILE = 50;

const RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };

/**
 * Keeps the report linear in the input: past `max` findings of one rule in one file, the rest become
 * one summary finding (with the highest severity among them, so the verdict is unchanged). Input sorted.
 */
export function capFindings(sorted: Finding[], max = MAX_PER_RULE_AND_FILE): Finding[] {
  const counts = new Map<string, number>();
  const dropped = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of sorted) {
    const key = `${f.file}\0${f.ruleId}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    if (n < max) out.push(f);
    else {
      const list = dropped.get(key);
      if (list) list.push(f);
      else dropped.set(key, [f]);
    }
  }
  if (!dropped.size) return out;
  for (const list of dropped.values()) {
    const first = list[0];
    const severity = list.reduce<Severity>((m, f) => (RANK[f.severity] > RANK[m] ? f.severity : m), 'info');
    const summary: Finding = {
      ruleId: first.ruleId,
      area: first.area,
      severity,
      message: `${list.length} more ${first.ruleId} finding${list.length === 1 ? '' : 's'} in ${first.file} ${list.length === 1 ? 'is' : 'are'} not listed (only the first ${max} of one rule in one file are)`,
      file: first.file,
      range: first.range,
      data: { omitted: list.length },
    };
    // New when any of the findings it stands for is new, so the verdict under the default scope is unchanged.
    if (list.some((f) => f.baseline)) summary.baseline = list.some((f) => f.baseline === 'new') ? 'new' : 'existing';
    if (first.docs) summary.docs = first.docs;
    out.push(summary);
  }
  return out.sort(compareFindings);
}

/** The report of findings (config applied); without `baseline` every finding counts and decides the verdict. */
export function buildReport(ctx: AnalysisContext, findings: Finding[], baseline?: BaselineInfo, fixed = 0): Report {
  const kept = capFindings(applyConfig(ctx.config, findings).sort(compareFindings));
  const summary = summarize(kept, baseline?.scope ?? 'all', fixed);
  const report: Report = { version: 1, verdict: verdictOf(summary), summary, findings: kept, notices: ctx.notices, facts: ctx.facts };
  if (baseline) report.baseline = baseline;
  return report;
}

export { effectiveSeverity };

/**
 * The reader analyzers get: a read that throws names its file on the error, so an analyzer that
 * lets it escape fails closed on that file (`engine/analysis-failed` there), not on its whole area.
 */
function namingFailures(inner: FileReader & { forget?: () => void }): FileReader & { forget(): void } {
  return {
    read: (rel, limit) =>
      inner.read(rel, limit).catch((e: unknown) => {
        if (e && typeof e === 'object' && !('analysisFile' in e)) Object.defineProperty(e, 'analysisFile', { value: rel, enumerable: false });
        throw e;
      }),
    forget: () => inner.forget?.(),
  };
}
