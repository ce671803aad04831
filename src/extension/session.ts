import * as vscode from 'vscode';
import type { Classifier } from '../core/classify';
import { CONFIG_FILE } from '../core/configFile';
import { replaceFileFindings, summarize, verdictOf, type Finding, type Report } from '../core/model';
import type { Progress } from '../core/protocol';
import type { Logger } from '../core/analyzer';
import { checklistVerdict, type Checklist, type Tick } from '../core/checklist/items';
import { toPosix } from '../core/text';
import type { EngineClient } from './engineClient';
import type { EditTrace } from './editTrace';
import { loadRules } from './rules';
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
  private generation = 0;
  /** Per-file findings of files linted before the first full report (shown until it arrives). */
  private readonly early = new Map<string, Finding[]>();
  /** Files linted while a full analysis ran: linted again with every area once its report is in. */
  private readonly touched = new Map<string, vscode.TextDocument>();
  private configReady!: Promise<void>;
  private markConfigReady!: () => void;
  /** The running analysis' phase and counts, for the view's progress. */
  progress: Progress | undefined;
  /** When the worker last finished opening the folder (per-file lints answer from then on). */
  readyAt: number | undefined;
  private openedThisRun = false;
  private gitPending = false;
  /** Set just before a change event that concerns these files only (a per-file lint). */
  private onlyFiles: Set<string> | undefined;
  /** The files the current change event concerns, or undefined for all (read once by the renderer). */
  takeChangedFiles(): ReadonlySet<string> | undefined {
    const f = this.onlyFiles;
    this.onlyFiles = undefined;
    return f;
  }
  /** The trace of the per-file lint the current change event shows (read once by the renderer). */
  private renderTrace: EditTrace | undefined;
  takeTrace(): EditTrace | undefined {
    const t = this.renderTrace;
    this.renderTrace = undefined;
    return t;
  }
  /** What the session last did about git and how often it analysed (the API's timings, for tests). */
  readonly counts = { refreshes: 0, statusOnly: 0, gitEvents: 0 };
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
  ) {
    this.resetConfigReady();
    // The lint worker opens the folder with each analysis when a file it lints is open in an editor.
    engine.lintEagerly = () =>
      vscode.workspace.textDocuments.some((d) => {
        const rel = this.relativePath(d.uri);
        return !!rel && this.isAnalysed(rel);
      });
    engine.onProgress = (p) => {
      if (this.state !== 'analysing') return;
      this.progress = p;
      this.onlyFiles = new Set(); // the view's message changes, no diagnostic does
      this.changed.fire();
    };
  }

  private resetConfigReady(): void {
    this.configReady = new Promise((r) => (this.markConfigReady = r));
  }

  relativePath(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return undefined;
    const base = this.folder.uri.path.endsWith('/') ? this.folder.uri.path : this.folder.uri.path + '/';
    return uri.path.startsWith(base) ? toPosix(uri.path.slice(base.length)) : undefined;
  }

  /** Full analysis. A newer call supersedes an older one; the older one's results are dropped. */
  refresh(): Promise<void> {
    const gen = ++this.generation;
    this.counts.refreshes++;
    this.openedThisRun = false;
    this.state = 'analysing';
    this.progress = undefined;
    this.changed.fire();
    const run = (async () => {
      const started = Date.now();
      try {
        const settings = readSettings(this.folder.uri);
        const project = await loadProjectConfig(this.folder.uri, settings);
        const overlays: Record<string, string> = {};
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { Classifier } = require('./lazy') as typeof import('./lazy');
        const classifier = new Classifier(project.config);
        if (gen !== this.generation) return;
        // Per-file lints classify with this config from now on; they go to the worker at once.
        this.project = project;
        this.classifier = classifier;
        this.markConfigReady();
        for (const doc of vscode.workspace.textDocuments) {
          const rel = this.relativePath(doc.uri);
          // never the text of a .env file: its values must not reach the engine
          if (rel && doc.isDirty && classifier.classify(rel).kind !== 'env-file') overlays[rel] = doc.getText();
        }
        const opened = await this.engine.call('open', { root: this.folder.uri.fsPath, config: project.config, trusted: vscode.workspace.isTrusted, overlays });
        if (gen !== this.generation) return;
        this.readyAt = Date.now();
        this.openedThisRun = true;
        this.gitInvocations = opened.gitInvocations;
        const [analysed] = await Promise.all([
          this.engine.call('analyze', {}),
          // Finding titles use the rules' summaries: asked of the worker once, before the first report shows.
          loadRules(this.engine).catch(() => []),
        ]);
        if (gen !== this.generation) return;
        this.gitInvocations = analysed.gitInvocations;
        this.report = analysed.report;
        this.early.clear();
        this.fileGen.clear();
        this.state = 'done';
        this.progress = undefined;
        this.error = undefined;
        const r = analysed.report;
        this.log.info(`${this.folder.name}: analysed in ${Date.now() - started} ms: ${r.verdict} (${r.summary.error} errors, ${r.summary.warning} warnings, ${r.summary.info} info)`);
      } catch (e) {
        if (gen !== this.generation) return;
        this.progress = undefined;
        if ((e as Error).message === 'cancelled') {
          // Cancelled by the user: the last report (if any) stays, marked as not current.
          this.state = this.report ? 'done' : 'idle';
          this.error = undefined;
          this.log.info(`${this.folder.name}: analysis cancelled`);
        } else {
          this.state = 'failed';
          this.error = (e as Error).message;
          this.log.error(`${this.folder.name}: analysis failed: ${(e as Error).stack ?? e}`);
        }
      } finally {
        if (gen === this.generation) this.changed.fire();
      }
      if (gen === this.generation && this.state === 'done') {
        // Files edited while the analysis ran: their other areas (environment, pipeline) now.
        const touched = [...this.touched.values()];
        this.touched.clear();
        await Promise.all(touched.filter((d) => !d.isClosed).map((d) => this.updateDocument(d)));
        await this.refreshChecklist();
        if (this.gitPending && gen === this.generation) {
          this.gitPending = false;
          await this.gitChanged();
        }
      }
    })();
    this.running = run;
    return run;
  }

  /**
   * The git state changed: when only which files are uncommitted changed, the worker re-reads
   * `git status` and recomputes that alone; a commit, a push, a pull or a branch switch (the head
   * or upstream moved) analyses again.
   */
  async gitChanged(): Promise<void> {
    this.counts.gitEvents++;
    // An analysis still opening the folder is not restarted: once it is done, `git status` is
    // read again (the cheap check: a moved head analyses again).
    if (this.state === 'analysing' && !this.openedThisRun) {
      this.gitPending = true;
      return;
    }
    if (!this.report || this.state !== 'done') return this.refresh();
    const gen = this.generation;
    let r;
    try {
      r = await this.engine.call('status', {});
    } catch {
      return this.refresh();
    }
    if (gen !== this.generation) return;
    if (r.full) return this.refresh();
    this.counts.statusOnly++;
    this.report = r.report;
    this.changed.fire();
    await this.refreshChecklist();
  }

  /** Stops the running analysis in the worker (the last report stays). */
  cancel(): void {
    if (this.state === 'analysing') void this.engine.call('abort', {}).catch(() => undefined);
  }

  /** The findings to show: the report's, or before the first one, the files linted so far. */
  findings(): readonly Finding[] {
    return this.report ? this.report.findings : [...this.early.values()].flat();
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

  /**
   * Lints one document's text at once and replaces that file's per-file findings: before the
   * first full report too (the per-file areas need no whole-repository report), then merged
   * into the report when it arrives.
   */
  async updateDocument(doc: vscode.TextDocument, trace?: EditTrace): Promise<boolean> {
    const rel = this.relativePath(doc.uri);
    if (!rel) return false;
    await this.configReady;
    if (this.classifier?.classify(rel).kind === 'env-file' || !this.isAnalysed(rel)) {
      if (trace) trace.outcome = 'skipped';
      return false;
    }
    const gen = (this.fileGen.get(rel) ?? 0) + 1;
    this.fileGen.set(rel, gen);
    const analysing = this.state === 'analysing';
    let res;
    try {
      res = await this.engine.call('analyzeFile', { rel, text: doc.getText() }, trace);
    } catch (e) {
      this.log.debug(`${rel}: not linted: ${(e as Error).message}`);
      if (trace) trace.outcome = 'failed';
      return false;
    }
    if (this.fileGen.get(rel) !== gen) {
      if (trace) trace.outcome = 'stale';
      return false; // stale: a newer edit is on its way
    }
    if (analysing || this.state === 'analysing') this.touched.set(rel, doc);
    if (!this.report) {
      this.early.set(rel, res.findings);
    } else {
      const findings = replaceFileFindings(this.report.findings, rel, res.areas, res.findings);
      const summary = summarize(findings, this.report.baseline?.scope ?? 'all', this.report.summary.fixed);
      this.report = { ...this.report, findings, summary, verdict: verdictOf(summary) };
    }
    this.onlyFiles = new Set([rel]);
    this.renderTrace = trace;
    this.changed.fire();
    return true;
  }

  /** A closed document goes back to its saved content. */
  forget(doc: vscode.TextDocument): void {
    const rel = this.relativePath(doc.uri);
    if (!rel) return;
    this.touched.delete(rel);
    void this.engine.call('forget', { rel }).catch(() => undefined);
  }

  dispose(): void {
    this.generation++;
    this.changed.dispose();
  }
}
