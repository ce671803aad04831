import * as vscode from 'vscode';
import { Classifier } from '../core/classify';
import { CONFIG_FILE } from '../core/config';
import { compareFindings, summarize, verdictOf, type Area, type Report } from '../core/model';
import type { Logger } from '../core/analyzer';
import { checklistVerdict, type Checklist, type Tick } from '../core/checklist/items';
import { toPosix } from '../core/text';
import type { EngineClient } from './engineClient';
import { githubEnterpriseUrl, loadProjectConfig, readSettings, type ProjectConfig } from './settings';

export type SessionState = 'idle' | 'analysing' | 'done' | 'failed';

/**
 * One workspace folder: the last report and per-file updates as the user types. The analysis
 * itself runs in the worker (EngineClient); the editor never re-derives it, it only renders.
 */
export class FolderSession implements vscode.Disposable {
  report: Report | undefined;
  project: ProjectConfig | undefined;
  state: SessionState = 'idle';
  error: string | undefined;
  /** How many times this folder's worker has run git (0 in Restricted Mode). */
  gitInvocations = 0;
  private classifier: Classifier | undefined;
  private perFileAreas = new Set<Area>();
  private generation = 0;
  private readonly fileGen = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private running: Promise<void> | undefined;
  /** The pre-deploy checklist of the last analysis (its verdict combines with the findings'). */
  checklist: Checklist | undefined;
  /** git config user.name, for who ticks an item. */
  gitUser: string | undefined;
  /** Set by the owner: the GitHub token (silently, when signed in) and this branch's ticks. */
  checklistInputs?: () => Promise<{ token?: string; ticks: Record<string, Tick> }>;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly engine: EngineClient,
    private readonly log: Logger,
  ) {}

  relativePath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return undefined;
    const base = this.folder.uri.path.endsWith('/') ? this.folder.uri.path : this.folder.uri.path + '/';
    return uri.path.startsWith(base) ? toPosix(uri.path.slice(base.length)) : undefined;
  }

  /** Full analysis. A newer call supersedes an older one; the older one's results are dropped. */
  refresh(): Promise<void> {
    const gen = ++this.generation;
    this.state = 'analysing';
    this.changed.fire();
    const run = (async () => {
      const started = Date.now();
      try {
        const settings = readSettings(this.folder.uri);
        const project = await loadProjectConfig(this.folder.uri, settings);
        const overlays: Record<string, string> = {};
        const classifier = new Classifier(project.config);
        for (const doc of vscode.workspace.textDocuments) {
          const rel = this.relativePath(doc.uri);
          // never the text of a .env file: its values must not reach the engine
          if (rel && doc.isDirty && classifier.classify(rel).kind !== 'env-file') overlays[rel] = doc.getText();
        }
        const opened = await this.engine.request({ type: 'open', root: this.folder.uri.fsPath, config: project.config, trusted: vscode.workspace.isTrusted, overlays });
        if (!opened.ok) throw new Error(opened.error);
        if (gen !== this.generation) return;
        const analysed = await this.engine.request({ type: 'analyze' });
        if (!analysed.ok || !analysed.report) throw new Error(analysed.ok ? 'no report' : analysed.error);
        if (gen !== this.generation) return;
        this.gitInvocations = analysed.gitInvocations ?? opened.gitInvocations ?? 0;
        this.project = project;
        this.classifier = new Classifier(project.config);
        this.perFileAreas = new Set(opened.perFileAreas ?? []);
        this.report = analysed.report;
        this.fileGen.clear();
        this.state = 'done';
        this.error = undefined;
        const r = analysed.report;
        this.log.info(`${this.folder.name}: analysed in ${Date.now() - started} ms: ${r.verdict} (${r.summary.error} errors, ${r.summary.warning} warnings, ${r.summary.info} info)`);
      } catch (e) {
        if (gen !== this.generation) return;
        this.state = 'failed';
        this.error = (e as Error).message;
        this.log.error(`${this.folder.name}: analysis failed: ${(e as Error).stack ?? e}`);
      } finally {
        if (gen === this.generation) this.changed.fire();
      }
      if (gen === this.generation && this.state === 'done') await this.refreshChecklist();
    })();
    this.running = run;
    return run;
  }

  /** Recomputes the checklist in the worker (after an analysis, a tick, a PR write). */
  async refreshChecklist(): Promise<void> {
    if (!this.report || !this.checklistInputs) return;
    const gen = this.generation;
    try {
      const inputs = await this.checklistInputs();
      const { checklist, user } = await this.engine.checklist(inputs.token, inputs.ticks, githubEnterpriseUrl());
      if (gen !== this.generation) return;
      this.checklist = checklist;
      this.gitUser = user;
      this.changed.fire();
    } catch (e) {
      this.log.warn(`${this.folder.name}: checklist failed: ${(e as Error).message}`);
    }
  }

  /** The verdict shown in the status bar and at the top of the tree: findings and checklist combined. */
  get verdict(): Report['verdict'] | undefined {
    if (!this.report) return undefined;
    return this.checklist ? checklistVerdict(this.checklist.items, this.report.verdict) : this.report.verdict;
  }

  /** Resolves when no full analysis is running. */
  async whenIdle(): Promise<void> {
    while (this.running) {
      const r = this.running;
      await r;
      if (this.running === r) this.running = undefined;
    }
  }

  /** Is this file linted as the user types (migrations, sources, schemas)? */
  isAnalysed(rel: string): boolean {
    const cls = this.classifier?.classify(rel);
    return !!cls && (cls.kind === 'migration' || cls.kind === 'source' || cls.kind === 'api-candidate' || cls.kind === 'api-schema' || cls.kind === 'ci-config' || cls.kind === 'deploy-manifest' || cls.kind === 'env-example');
  }

  /** True when a saved change to this file can change findings elsewhere (config, example files). */
  affectsWorkspace(rel: string): boolean {
    if (rel === CONFIG_FILE || !this.classifier) return true;
    const cls = this.classifier.classify(rel);
    return cls.kind === 'env-example' || cls.kind === 'config';
  }

  /** Re-lints one document's unsaved text and replaces that file's per-file findings. */
  async updateDocument(doc: vscode.TextDocument): Promise<boolean> {
    const rel = this.relativePath(doc.uri);
    if (!rel || !this.report || this.classifier?.classify(rel).kind === 'env-file') return false;
    const gen = (this.fileGen.get(rel) ?? 0) + 1;
    this.fileGen.set(rel, gen);
    const res = await this.engine.request({ type: 'analyzeFile', rel, text: doc.getText() });
    if (!res.ok || this.fileGen.get(rel) !== gen || !this.report) return false; // failed, or stale: a newer edit is on its way
    const kept = this.report.findings.filter((f) => f.file !== rel || !this.perFileAreas.has(f.area));
    const findings = [...kept, ...(res.findings ?? [])].sort(compareFindings);
    const summary = summarize(findings, this.report.baseline?.scope ?? 'all', this.report.summary.fixed);
    this.report = { ...this.report, findings, summary, verdict: verdictOf(summary) };
    this.changed.fire();
    return true;
  }

  /** A closed document goes back to its saved content. */
  forget(doc: vscode.TextDocument): void {
    const rel = this.relativePath(doc.uri);
    if (rel) void this.engine.request({ type: 'forget', rel }).catch(() => undefined);
  }

  dispose(): void {
    this.generation++;
    this.changed.dispose();
  }
}
