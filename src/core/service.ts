import type { Logger } from './analyzer';
import { Workspace } from './engine';
import type { Request, Response } from './protocol';
import { DiskReader, OverlayReader } from './reader';
import { gitInvocations } from './git';
import type { Report } from './model';
import { checklistOf, rollbackPlanOf, runbookOf } from './plan/run';
import { rollbackSection } from './plan/rollback';

/**
 * The analysis service behind the worker: one Workspace per `open`, per-file updates against it.
 * Pure engine code: no editor types, no vscode.
 */
export class AnalysisService {
  private ws: Workspace | undefined;
  private overlay: OverlayReader | undefined;
  private abort = new AbortController();
  private report: Report | undefined;

  /** The last full report (analysed now when there is none yet). */
  private async lastReport(ws: Workspace): Promise<Report> {
    this.report ??= await ws.analyze();
    return this.report;
  }

  /** `fetch`: for tests, the fetch GitHub requests go through. */
  constructor(
    private readonly log: Logger,
    private readonly fetchImpl?: typeof fetch,
  ) {}

  async handle(req: Request): Promise<Response> {
    try {
      switch (req.type) {
        case 'open': {
          this.abort.abort(new Error('superseded'));
          this.abort = new AbortController();
          const overlay = new OverlayReader(new DiskReader(req.root, req.config.maxFileSize));
          for (const [rel, text] of Object.entries(req.overlays)) overlay.set(rel, text);
          this.overlay = overlay;
          this.report = undefined;
          this.ws?.close();
          this.ws = await Workspace.open({ root: req.root, config: req.config, reader: overlay, trusted: req.trusted, baseRef: req.baseRef, signal: this.abort.signal, log: this.log });
          return { id: req.id, ok: true, perFileAreas: this.ws.perFileAreas, gitInvocations: gitInvocations() };
        }
        case 'analyze': {
          if (!this.ws) return { id: req.id, ok: false, error: 'no workspace open' };
          this.report = await this.ws.analyze();
          return { id: req.id, ok: true, report: this.report, gitInvocations: gitInvocations() };
        }
        case 'analyzeFile': {
          if (!this.ws || !this.overlay) return { id: req.id, ok: false, error: 'no workspace open' };
          this.overlay.set(req.rel, req.text);
          const findings = await this.ws.analyzeFile(req.rel);
          return { id: req.id, ok: true, findings, affectsWorkspace: this.ws.affectsWorkspace(req.rel) };
        }
        case 'forget':
          this.overlay?.delete(req.rel);
          return { id: req.id, ok: true };
        case 'checklist': {
          if (!this.ws) return { id: req.id, ok: false, error: 'no workspace open' };
          const { facts, ...checklist } = await checklistOf(this.ws.ctx, await this.lastReport(this.ws), { token: req.token, enterpriseUrl: req.enterpriseUrl, fetch: this.fetchImpl, ticks: req.ticks });
          return { id: req.id, ok: true, checklist, user: facts.user };
        }
        case 'rollbackPlan': {
          if (!this.ws) return { id: req.id, ok: false, error: 'no workspace open' };
          const r = await rollbackPlanOf(this.ws.ctx, await this.lastReport(this.ws), { token: req.token, enterpriseUrl: req.enterpriseUrl, fetch: this.fetchImpl, write: req.write });
          return { id: req.id, ok: true, plan: { markdown: r.markdown, section: rollbackSection(r.markdown), branch: r.facts.branch, remoteHost: r.facts.remote?.host, published: r.published } };
        }
        case 'runbook': {
          if (!this.ws) return { id: req.id, ok: false, error: 'no workspace open' };
          const r = await runbookOf(this.ws.ctx, await this.lastReport(this.ws), { token: req.token, enterpriseUrl: req.enterpriseUrl, fetch: this.fetchImpl, ticks: req.ticks });
          return { id: req.id, ok: true, runbook: { markdown: r.markdown, path: r.path } };
        }
        case 'abort':
          this.abort.abort(new Error('cancelled'));
          return { id: req.id, ok: true };
      }
    } catch (e) {
      return { id: req.id, ok: false, error: (e as Error).message };
    }
  }
}
