import * as vscode from 'vscode';
import { Workspace } from '../core/engine';
import { compareFindings, summarize, verdictOf, type Finding, type Report } from '../core/model';
import { DiskReader, OverlayReader } from '../core/reader';
import type { Logger } from '../core/analyzer';
import { loadProjectConfig, readSettings, type ProjectConfig } from './settings';
import { toPosix } from '../core/text';

export type SessionState = 'idle' | 'analysing' | 'done' | 'failed';

/**
 * One workspace folder: its core Workspace, the last report, and per-file updates as the user
 * types. The editor never re-derives analysis; it only renders what this holds.
 */
export class FolderSession implements vscode.Disposable {
  report: Report | undefined;
  project: ProjectConfig | undefined;
  state: SessionState = 'idle';
  error: string | undefined;
  private ws: Workspace | undefined;
  private overlay: OverlayReader | undefined;
  private abort: AbortController | undefined;
  private generation = 0;
  private readonly fileGen = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private running: Promise<void> | undefined;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly log: Logger,
  ) {}

  relativePath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return undefined;
    const base = this.folder.uri.path.endsWith('/') ? this.folder.uri.path : this.folder.uri.path + '/';
    return uri.path.startsWith(base) ? toPosix(uri.path.slice(base.length)) : undefined;
  }

  /** Full analysis. A newer call cancels an older one; its results are dropped. */
  refresh(): Promise<void> {
    this.abort?.abort(new Error('superseded'));
    const abort = new AbortController();
    this.abort = abort;
    const gen = ++this.generation;
    this.state = 'analysing';
    this.changed.fire();
    const run = (async () => {
      const started = Date.now();
      try {
        const settings = readSettings(this.folder.uri);
        const project = await loadProjectConfig(this.folder.uri, settings);
        const overlay = new OverlayReader(new DiskReader(this.folder.uri.fsPath, project.config.maxFileSize));
        for (const doc of vscode.workspace.textDocuments) {
          const rel = this.relativePath(doc.uri);
          if (rel && doc.isDirty) overlay.set(rel, doc.getText());
        }
        const ws = await Workspace.open({
          root: this.folder.uri.fsPath,
          config: project.config,
          reader: overlay,
          trusted: vscode.workspace.isTrusted,
          signal: abort.signal,
          log: this.log,
        });
        const report = await ws.analyze();
        if (gen !== this.generation) return;
        this.project = project;
        this.ws = ws;
        this.overlay = overlay;
        this.report = report;
        this.fileGen.clear();
        this.state = 'done';
        this.error = undefined;
        this.log.info(`${this.folder.name}: analysed ${ws.ctx.files.length} files in ${Date.now() - started} ms: ${report.verdict} (${report.summary.error} errors, ${report.summary.warning} warnings, ${report.summary.info} info)`);
      } catch (e) {
        if (gen !== this.generation) return;
        this.state = 'failed';
        this.error = (e as Error).message;
        this.log.error(`${this.folder.name}: analysis failed: ${(e as Error).stack ?? e}`);
      } finally {
        if (gen === this.generation) this.changed.fire();
      }
    })();
    this.running = run;
    return run;
  }

  /** Resolves when no analysis is running. */
  async whenIdle(): Promise<void> {
    while (this.running) {
      const r = this.running;
      await r;
      if (this.running === r) this.running = undefined;
    }
  }

  /** True when a change to this file needs a full re-analysis (config, example files...). */
  affectsWorkspace(rel: string): boolean {
    return !this.ws || this.ws.affectsWorkspace(rel);
  }

  isAnalysed(rel: string): boolean {
    if (!this.ws) return false;
    const cls = this.ws.classify(rel);
    return cls.kind === 'migration' || cls.kind === 'source' || cls.kind === 'api-candidate' || cls.kind === 'api-schema';
  }

  /** Re-lints one document (its unsaved text) and replaces that file's per-file findings. */
  async updateDocument(doc: vscode.TextDocument): Promise<boolean> {
    const rel = this.relativePath(doc.uri);
    if (!rel || !this.ws || !this.overlay || !this.report) return false;
    const gen = (this.fileGen.get(rel) ?? 0) + 1;
    this.fileGen.set(rel, gen);
    this.overlay.set(rel, doc.getText());
    const fresh = await this.ws.analyzeFile(rel);
    if (this.fileGen.get(rel) !== gen || !this.report) return false; // stale: a newer edit is on its way
    const perFileAreas = new Set(this.ws.perFileAreas);
    const kept = this.report.findings.filter((f) => f.file !== rel || !perFileAreas.has(f.area));
    const findings = [...kept, ...fresh].sort(compareFindings);
    const summary = summarize(findings);
    this.report = { ...this.report, findings, summary, verdict: verdictOf(summary) };
    this.changed.fire();
    return true;
  }

  /** A closed document goes back to its saved content. */
  forget(doc: vscode.TextDocument): void {
    const rel = this.relativePath(doc.uri);
    if (rel) this.overlay?.delete(rel);
  }

  findingsFor(rel: string): Finding[] {
    return this.report?.findings.filter((f) => f.file === rel) ?? [];
  }

  dispose(): void {
    this.abort?.abort(new Error('disposed'));
    this.changed.dispose();
  }
}
