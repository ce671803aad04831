import type { Logger } from './analyzer';
import { RULES } from './catalog';
import { Classifier, sqlToolFromContent } from './classify';
import type { Config } from './config';
import { applyConfig, Workspace } from './engine';
import { checklistAnalyzer } from './checklist/analyzer';
import { uncommittedChanges } from './checklist/rules';
import { describeDslCall } from './frameworks/describe';
import { frameworkFromContent, isFramework } from './frameworks/detect';
import { Git, gitInvocations } from './git';
import { isMariadbVersion } from './migrations/analyzer';
import { describeStatement } from './migrations/describe';
import { loadPg } from './migrations/postgres';
import { compareFindings, replaceFileFindings, summarize, verdictOf, type Area, type Finding, type Report } from './model';
import { remoteUrl } from './pipeline/history';
import { planInitCi } from './pipeline/initCi';
import { checklistOf, rollbackPlanOf, runbookOf } from './plan/run';
import { rollbackSection } from './plan/rollback';
import type { Method, Params, Progress, Request, Response, Result } from './protocol';
import { FileMemo } from './memo';
import { DiskReader, OverlayReader } from './reader';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Areas whose per-file findings need nothing of the rest of the repository but the file list and
 * the base snapshot: linted at once, even before the first full report and while one runs. The
 * others (environment variables against every example file, the pipeline) depend on the whole
 * analysis' state and follow with its report.
 */
export const SELF_CONTAINED_AREAS: readonly Area[] = ['migration', 'api'];

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * The analysis service behind the worker: one Workspace per `open`, per-file updates against it.
 * Pure engine code: no editor types, no vscode.
 *
 * Requests are answered concurrently: a per-file lint does not wait for a running full analysis
 * (it runs at the analysis' next await, in practice within a few milliseconds), and it only waits
 * for `open` (the walk and the git state), not for the report.
 */
export class AnalysisService {
  private ws: Workspace | undefined;
  /** The overlay (unsaved buffers) of `ws`. */
  private overlay: OverlayReader | undefined;
  /** A newer `open` in progress: its workspace and overlay once the walk and git are done. */
  private opening: Promise<Workspace | undefined> | undefined;
  private nextOverlay: OverlayReader | undefined;
  private config: Config | undefined;
  private openAbort = new AbortController();
  /** The running full analysis' own abort (the workspace stays usable after a cancel). */
  private runAbort: AbortController | undefined;
  private running = 0;
  private report: Report | undefined;
  /**
   * Per-file results kept across analyses and re-opens (by content hash, within the config's
   * scope): a full analysis after an edit, a save or a commit analyses only the changed files again.
   */
  private readonly memo = new FileMemo();

  /** Per-file lints not yet merged into `report` (merged when something reads it). */
  private readonly pendingFiles = new Map<string, { areas: Area[]; findings: Finding[] }>();

  /** The last full report with the per-file lints since (analysed now when there is none yet). */
  private async lastReport(ws: Workspace): Promise<Report> {
    this.report ??= await ws.analyze();
    return this.merged(this.report);
  }

  private merged(report: Report): Report {
    if (!this.pendingFiles.size) return report;
    let all = report.findings;
    for (const [rel, p] of this.pendingFiles) all = replaceFileFindings(all, rel, p.areas, p.findings);
    this.pendingFiles.clear();
    const summary = summarize(all, report.baseline?.scope ?? 'all', report.summary.fixed);
    this.report = { ...report, findings: all, summary, verdict: verdictOf(summary) };
    return this.report;
  }

  /** `fetch`: for tests, the fetch GitHub requests go through. `onProgress`: the running analysis' phase. */
  constructor(
    private readonly log: Logger,
    private readonly fetchImpl?: typeof fetch,
    private readonly onProgress?: (p: Progress) => void,
  ) {}

  async handle(req: Request): Promise<Response> {
    try {
      const result = await this.dispatch(req);
      return { id: req.id, method: req.method, ok: true, result } as Response;
    } catch (e) {
      return { id: req.id, ok: false, error: (e as Error).message };
    }
  }

  /** Typed: the result of method M. */
  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    return (await this.dispatch({ id: 0, method, params } as Request)) as Result<M>;
  }

  /** The open workspace, or the one being opened when there is none yet. */
  private async workspace(): Promise<Workspace> {
    const ws = this.ws ?? (await this.opening);
    if (!ws) throw new Error('no workspace open');
    return ws;
  }

  /** The workspace a full analysis or a plan reads: the newest (waits for an open in progress). */
  private async newest(): Promise<Workspace> {
    const ws = (this.opening && (await this.opening)) || this.ws;
    if (!ws) throw new Error('no workspace open');
    return ws;
  }

  private async dispatch(req: Request): Promise<Result<Method>> {
    switch (req.method) {
      case 'open': {
        const p = req.params;
        // Only an open still walking is superseded; the open workspace keeps answering per-file
        // lints (and hovers) until the new one is ready, so typing never waits for a re-open.
        this.openAbort.abort(new Error('superseded'));
        this.runAbort?.abort(new Error('superseded'));
        const abort = (this.openAbort = new AbortController());
        const overlay = new OverlayReader(new DiskReader(p.root, p.config.maxFileSize));
        for (const [rel, text] of Object.entries(p.overlays)) overlay.set(rel, text);
        this.nextOverlay = overlay;
        this.config = p.config;
        const opening = Workspace.open({ root: p.root, config: p.config, reader: overlay, trusted: p.trusted, baseRef: p.baseRef, signal: abort.signal, log: this.log, onProgress: this.onProgress, memo: this.memo });
        this.opening = opening.catch(() => undefined);
        const ws = await opening;
        if (abort.signal.aborted) {
          ws.close();
          throw new Error('superseded');
        }
        this.ws?.close();
        this.ws = ws;
        this.overlay = overlay;
        this.nextOverlay = undefined;
        this.opening = undefined;
        this.report = undefined;
        this.pendingFiles.clear();
        return { perFileAreas: [...new Set(ws.perFileAreas)], files: ws.ctx.files.length, gitInvocations: gitInvocations() };
      }
      case 'analyze': {
        const ws = await this.newest();
        const run = new AbortController();
        this.runAbort?.abort(new Error('superseded'));
        this.runAbort = run;
        const openSignal = ws.ctx.signal;
        ws.ctx.signal = AbortSignal.any([openSignal, run.signal]);
        this.running++;
        try {
          const report = await ws.analyze();
          if (run.signal.aborted) throw new Cancelled();
          this.report = report;
          this.pendingFiles.clear();
          return { report, gitInvocations: gitInvocations() };
        } finally {
          this.running--;
          if (this.runAbort === run) {
            this.runAbort = undefined;
            ws.ctx.signal = openSignal;
          }
        }
      }
      case 'analyzeFile': {
        const { rel, text } = req.params;
        const ws = await this.workspace();
        this.overlay?.set(rel, text);
        this.nextOverlay?.set(rel, text);
        const early = !this.report || this.running > 0;
        const areas = [...new Set(early ? ws.perFileAreas.filter((a) => SELF_CONTAINED_AREAS.includes(a)) : ws.perFileAreas)];
        const findings = await ws.analyzeFile(rel, areas);
        // The checklist, the plan and the runbook read this report: kept in step with the file, after the answer.
        if (this.report) this.pendingFiles.set(rel, { areas, findings });
        return { findings, areas, affectsWorkspace: ws.affectsWorkspace(rel) };
      }
      case 'warm': {
        const ws = await this.workspace();
        await Promise.all([loadPg(), ws.ensureBase()]);
        return {};
      }
      case 'overlay':
        this.overlay?.set(req.params.rel, req.params.text);
        this.nextOverlay?.set(req.params.rel, req.params.text);
        return {};
      case 'forget':
        this.overlay?.delete(req.params.rel);
        this.nextOverlay?.delete(req.params.rel);
        return {};
      case 'status': {
        const ws = this.ws;
        const before = ws?.ctx.status;
        if (!ws?.ctx.git || !before || !this.report || this.running > 0 || this.opening) return { full: true };
        const now = await ws.ctx.git.status();
        const same = now.head === before.head && now.branch === before.branch && now.tracking === before.tracking && now.ahead === before.ahead && now.behind === before.behind;
        if (!same || !this.report) return { full: true };
        this.merged(this.report);
        ws.ctx.status = now;
        const fresh = applyConfig(ws.ctx.config, await checklistAnalyzer.analyze(ws.ctx));
        for (const f of fresh) f.baseline = 'new';
        const kept = this.report.findings.filter((f) => f.ruleId !== uncommittedChanges.id);
        const all = [...kept, ...fresh.filter((f) => f.ruleId === uncommittedChanges.id)].sort(compareFindings);
        const summary = summarize(all, this.report.baseline?.scope ?? 'all', this.report.summary.fixed);
        this.report = { ...this.report, findings: all, summary, verdict: verdictOf(summary) };
        return { full: false, report: this.report };
      }
      case 'abort':
        this.runAbort?.abort(new Cancelled());
        return {};
      case 'checklist': {
        const ws = await this.newest();
        const p = req.params;
        const { facts, ...checklist } = await checklistOf(ws.ctx, await this.lastReport(ws), { token: p.token, enterpriseUrl: p.enterpriseUrl, fetch: this.fetchImpl, ticks: p.ticks });
        return { checklist, user: facts.user };
      }
      case 'rollbackPlan': {
        const ws = await this.newest();
        const p = req.params;
        const r = await rollbackPlanOf(ws.ctx, await this.lastReport(ws), { token: p.token, enterpriseUrl: p.enterpriseUrl, fetch: this.fetchImpl, write: p.write });
        return { markdown: r.markdown, section: rollbackSection(r.markdown), branch: r.facts.branch, remoteHost: r.facts.remote?.host, published: r.published };
      }
      case 'runbook': {
        const ws = await this.newest();
        const p = req.params;
        const r = await runbookOf(ws.ctx, await this.lastReport(ws), { token: p.token, enterpriseUrl: p.enterpriseUrl, fetch: this.fetchImpl, ticks: p.ticks });
        return { markdown: r.markdown, path: r.path };
      }
      case 'hover':
        return this.hover(req.params);
      case 'rules':
        return RULES.map((r) => ({ id: r.id, summary: r.summary, docs: r.docs }));
      case 'initCi': {
        const p = req.params;
        let base = p.baseBranch;
        let remote: string | undefined;
        // Git only in a trusted workspace: a repository's git config can run programs.
        if (p.trusted) {
          const git = await Git.open(p.root);
          if (git) {
            base ??= (await git.resolveBaseRef().catch(() => undefined))?.replace(/^origin\//, '') ?? (await git.status().catch(() => undefined))?.branch;
            remote = await remoteUrl(p.root);
            git.close();
          }
        }
        return planInitCi(new DiskReader(p.root, 4 * 1024 * 1024), {
          baseBranch: base,
          remoteUrl: remote,
          exists: async (rel) => {
            try {
              await fs.lstat(path.join(p.root, ...rel.split('/')));
              return true;
            } catch {
              return false;
            }
          },
        });
      }
    }
  }

  /** The lock a migration statement takes, or the SQL a framework call runs (the hover). */
  private async hover(p: Params<'hover'>): Promise<Result<'hover'>> {
    const config = this.ws?.ctx.config ?? this.config;
    if (!config) return null;
    const cls = (this.ws?.ctx.classifier ?? new Classifier(config)).classify(p.rel);
    if (cls.kind !== 'migration') return null;
    const m = config.migrations;
    const mariadb = isMariadbVersion(m.mysqlVersion);
    if (cls.format === 'sql') {
      const d = await describeStatement(p.text, p.offset, { tool: sqlToolFromContent(p.text, cls.tool), dialect: m.dialect, settings: { postgresVersion: m.postgresVersion, mysqlVersion: m.mysqlVersion, mariadb } });
      return d ? { markdown: d.markdown, range: d.range } : null;
    }
    if (!isFramework(cls.tool)) return null;
    const framework = frameworkFromContent(p.text, cls.tool);
    if (!framework) return null;
    const d = await describeDslCall({ framework, path: p.rel, text: p.text, offset: p.offset, settings: { dialect: m.dialect ?? 'postgres', postgresVersion: m.postgresVersion, mysqlVersion: m.mysqlVersion, mariadb } });
    return d ? { markdown: d.markdown, range: d.range } : null;
  }
}
