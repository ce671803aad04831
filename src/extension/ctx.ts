import * as vscode from 'vscode';
import type { Logger } from '../core/analyzer';
import { CONFIG_FILE } from '../core/configFile';
import type { Report } from '../core/model';
import { FindingCodeActions } from './codeActions';
import { Diagnostics } from './diagnostics';
import { EngineClient } from './engineClient';
import { FolderSession } from './session';
import { readSettings, SECTION } from './settings';
import { VerdictStatus } from './status';
import { checklistInputs } from './ticks';
import { ReadinessTree, VIEW_ID, type Node } from './tree';
import { GitWatch } from './gitWatch';
import { progressText } from './progress';
import { loadRules } from './rules';
import type { RuleInfo } from '../core/protocol';
import { EditTraces, now, type EditTrace } from './editTrace';
import { mark } from './activationMarks';

/**
 * Owns every disposable of the extension (one place to dispose), the folder sessions and the
 * surfaces that render their reports.
 */
export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly logger: Logger;
  readonly diagnostics: Diagnostics;
  readonly tree: ReadinessTree;
  readonly view: vscode.TreeView<Node>;
  readonly status = new VerdictStatus();
  /** One analysis worker per workspace folder, started on its first analysis. */
  private readonly engines = new Map<string, EngineClient>();
  private readonly sessions = new Map<string, FolderSession>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private started = false;
  private watchingFiles = false;
  private readonly gitWatch = new GitWatch((folder, why) => this.onGitChange(folder, why));
  private progressShown: Promise<void> | undefined;
  /** The last per-file lints' timings, from the change to the diagnostics (the API's `timings().edits`). */
  readonly traces = new EditTraces();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Deploy Readiness', { log: true });
    const log = this.log;
    this.logger = { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m), debug: (m) => log.debug(m) };
    mark('ctx.outputChannel');
    this.diagnostics = new Diagnostics(extension.extensionUri);
    this.tree = new ReadinessTree(() => this.allSessions());
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    this.disposables.push(this.log, this.diagnostics, this.view, this.status, this.gitWatch);
    this.gitWatch.log = (m) => this.log.info(m);
    this.disposables.push(
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FindingCodeActions(this.diagnostics), {
        providedCodeActionKinds: FindingCodeActions.kinds,
      }),
    );
    mark('ctx.views');
    this.syncFolders();
    this.watch();
    mark('ctx.watch');
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysed', false);
    this.status.update(this.allSessions());
    // Two-stage start: analyse when the view is shown or a relevant file is open, not during activation.
    if (this.view.visible || vscode.window.visibleTextEditors.some((e) => this.isRelevant(e.document))) this.start();
  }

  allSessions(): FolderSession[] {
    return [...this.sessions.values()];
  }

  /** The analysis worker of a folder (started on first use). */
  engineFor(folder: vscode.WorkspaceFolder): EngineClient {
    const key = folder.uri.toString();
    let e = this.engines.get(key);
    if (!e) {
      e = new EngineClient(this.extension.extensionUri.fsPath, this.logger);
      this.engines.set(key, e);
    }
    return e;
  }

  /** The rule catalog, asked of a worker once. */
  rules(): Promise<RuleInfo[]> {
    const f = vscode.workspace.workspaceFolders?.[0];
    return loadRules(f ? this.engineFor(f) : this.engineFor({ uri: vscode.Uri.file('/'), name: '', index: -1 }));
  }

  reports(): Report[] {
    return this.allSessions().flatMap((s) => (s.report ? [s.report] : []));
  }

  /** Starts the first analysis once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    setTimeout(() => {
      void this.refreshAll();
      // Open editors are linted at once, not after the whole-repository analysis.
      for (const e of vscode.window.visibleTextEditors) this.lintOpened(e.document);
    }, 0);
  }

  /** Follows git state from the first analysis on (only in a trusted workspace: Restricted Mode reads no git). */
  private watchGit(): void {
    if (vscode.workspace.isTrusted) this.gitWatch.start(this.allSessions().map((s) => s.folder));
  }

  /** A document was opened (or shown at start): lint it now, whatever the state of the full analysis. */
  private lintOpened(doc: vscode.TextDocument): void {
    const s = this.sessionFor(doc.uri);
    const rel = s?.relativePath(doc.uri);
    if (!s || !rel || !readSettings(doc.uri).enable) return;
    const trace = this.traces.start(rel, 'open');
    this.schedule(`doc:${doc.uri}`, 0, () => this.update(s, doc, trace));
  }

  /** Per-file lint, then the checklist (its items follow the findings: a quick fix ticks "backward-compatible"). */
  private async update(s: FolderSession, doc: vscode.TextDocument, trace: EditTrace): Promise<void> {
    trace.debounced = now();
    if (!(await s.updateDocument(doc, trace))) return;
    if (s.report && s.state !== 'analysing') this.schedule(`checklist:${s.folder.uri}`, 400, () => s.refreshChecklist());
  }

  /** Commit, push, pull, branch switch, staging: the analysis and the checklist read git state. */
  private onGitChange(folder: vscode.WorkspaceFolder, why: string): void {
    const s = this.sessions.get(folder.uri.toString());
    if (!s || !this.started || !vscode.workspace.isTrusted || !readSettings(folder.uri).enable) return;
    this.log.info(`${folder.name}: git state changed (${why})`);
    this.schedule(`git:${folder.uri}`, 300, () => s.gitChanged());
  }

  /** Stops every running analysis (the view's progress and the notification's Cancel). */
  cancel(): void {
    for (const s of this.allSessions()) s.cancel();
  }

  async refreshAll(): Promise<void> {
    this.started = true;
    this.watchFiles();
    this.watchGit();
    await Promise.all(this.allSessions().map((s) => this.refresh(s)));
  }

  async whenIdle(): Promise<void> {
    for (;;) {
      const pending = [...this.timers.keys()].length;
      await Promise.all(this.allSessions().map((s) => s.whenIdle()));
      if (!pending && ![...this.timers.keys()].length) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async refresh(s: FolderSession): Promise<void> {
    if (!readSettings(s.folder.uri).enable) {
      this.diagnostics.clear(s);
      return;
    }
    await s.refresh();
  }

  private render(s: FolderSession): void {
    // Before the first report too: per-file lints of opened files show at once.
    const only = s.takeChangedFiles();
    const trace = s.takeTrace();
    if (s.report || s.findings().length) this.diagnostics.publish(s, only);
    if (trace) {
      trace.published = now();
      trace.outcome = 'published';
    }
    this.tree.refresh();
    this.status.update(this.allSessions());
    const total = this.reports().reduce((n, r) => n + r.summary.error + r.summary.warning, 0);
    this.view.badge = total ? { value: total, tooltip: vscode.l10n.t('{0} errors and warnings', total) } : undefined;
    const failed = this.allSessions().find((x) => x.state === 'failed');
    const busy = this.allSessions().find((x) => x.state === 'analysing');
    this.view.message = failed
      ? vscode.l10n.t('Analysis failed: {0}. See "Deploy Readiness: Show Output".', failed.error ?? '')
      : busy
        ? progressText(busy.progress, this.allSessions().length > 1 ? busy.folder.name : undefined)
        : undefined;
    if (busy) this.showProgress();
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysed', this.reports().length > 0);
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysing', this.allSessions().some((x) => x.state === 'analysing'));
    if (trace) trace.rendered = now();
  }

  private syncFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const keep = new Set(folders.map((f) => f.uri.toString()));
    for (const [k, s] of this.sessions) {
      if (!keep.has(k)) {
        this.diagnostics.clear(s);
        s.dispose();
        this.engines.get(k)?.dispose();
        this.engines.delete(k);
        this.sessions.delete(k);
      }
    }
    for (const f of folders) {
      if (f.uri.scheme !== 'file' || this.sessions.has(f.uri.toString())) continue;
      const engine = this.engineFor(f);
      const s = new FolderSession(f, engine, this.logger);
      s.checklistInputs = checklistInputs(this.extension, s);
      s.onDidChange(() => this.render(s));
      this.sessions.set(f.uri.toString(), s);
    }
  }

  sessionFor(uri: vscode.Uri): FolderSession | undefined {
    const f = vscode.workspace.getWorkspaceFolder(uri);
    return f ? this.sessions.get(f.uri.toString()) : undefined;
  }

  private isRelevant(doc: vscode.TextDocument): boolean {
    const s = this.sessionFor(doc.uri);
    if (!s) return false;
    return /\.(sql|rb|py|[cm]?[jt]sx?|ya?ml|json|graphql|gql|proto|go|rs|java|php|cs|sh)$|(^|\/)\.env\.(example|sample|template|dist)$|(^|\/)(Dockerfile|Procfile)$/i.test(doc.uri.path);
  }

  private schedule(key: string, ms: number, fn: () => Promise<unknown>): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        fn().catch((e) => this.log.error(String((e as Error).stack ?? e)));
      }, ms),
    );
  }

  /** A document changed (typed) or was saved: per-file lint, or a full refresh when it affects others. */
  private onDocument(doc: vscode.TextDocument, saved: boolean): void {
    const s = this.sessionFor(doc.uri);
    const rel = s?.relativePath(doc.uri);
    if (!s || !rel) return;
    if (!this.started) {
      if (this.isRelevant(doc)) this.start();
      return;
    }
    const settings = readSettings(doc.uri);
    if (!settings.enable) return;
    if (rel === CONFIG_FILE || (saved && s.affectsWorkspace(rel))) {
      if (saved || rel === CONFIG_FILE) this.schedule(`refresh:${s.folder.uri}`, saved ? 0 : 500, () => s.refresh());
      return;
    }
    if (!saved && !settings.lintOnType) return;
    if (!s.isAnalysed(rel)) return;
    const trace = this.traces.start(rel, saved ? 'save' : 'edit');
    this.schedule(`doc:${doc.uri}`, saved ? 0 : settings.debounceMs, () => this.update(s, doc, trace));
  }

  private watch(): void {
    const d = this.disposables;
    d.push(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.onDocument(e.document, false)));
    d.push(vscode.workspace.onDidSaveTextDocument((doc) => this.onDocument(doc, true)));
    d.push(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (!this.isRelevant(doc)) return;
        if (!this.started) this.start();
        else this.lintOpened(doc);
      }),
    );
    d.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.sessionFor(doc.uri)?.forget(doc);
      }),
    );
    d.push(this.view.onDidChangeVisibility((e) => e.visible && this.start()));
    d.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION) && this.started) {
          this.diagnostics.clear();
          void this.refreshAll();
        }
      }),
    );
    d.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.syncFolders();
        if (this.started) void this.refreshAll();
      }),
    );
    // Trust granted: git may now run, so compare with the base branch, and follow git state from now on.
    d.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (!this.started) return;
        void this.refreshAll();
      }),
    );
  }

  /**
   * File system watchers, from the first analysis on (not during activation: their events only
   * matter once the folder was analysed).
   */
  private watchFiles(): void {
    if (this.watchingFiles) return;
    this.watchingFiles = true;
    const d = this.disposables;
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE},.env.example,.env.sample,.env.template,.env.dist}`);
    const onFs = (uri: vscode.Uri) => {
      const s = this.sessionFor(uri);
      if (s && this.started) this.schedule(`refresh:${s.folder.uri}`, 300, () => s.refresh());
    };
    d.push(watcher, watcher.onDidChange(onFs), watcher.onDidCreate(onFs), watcher.onDidDelete(onFs));
    // Files created or deleted outside the editor (a terminal, a generator, "Add to CI"): the
    // analysis runs again (a new CI file or migration changes the tree and the checklist); one
    // opened is linted at once whatever the state of that run (lintOpened).
    const files = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const onCreated = (uri: vscode.Uri) => {
      const s = this.sessionFor(uri);
      const rel = s?.relativePath(uri);
      if (!s || !rel || !this.started || /(^|\/)(\.git|node_modules)\//.test(rel)) return;
      // A deleted folder comes as one event for the folder (no extension): what was under it may have been analysed.
      const folderLike = !rel.split('/').pop()!.slice(1).includes('.');
      if (!s.isAnalysed(rel) && !s.affectsWorkspace(rel) && !folderLike) return;
      this.schedule(`refresh:${s.folder.uri}`, 300, () => s.refresh());
    };
    d.push(files, files.onDidCreate(onCreated), files.onDidDelete(onCreated));
  }

  /**
   * While an analysis runs: a progress bar on the view (its message says the phase and counts)
   * and, when it takes longer than a few seconds, a notification with Cancel.
   */
  private showProgress(): void {
    if (this.progressShown) return;
    const idle = () => !this.allSessions().some((x) => x.state === 'analysing');
    const untilIdle = async () => {
      while (!idle()) await new Promise((r) => setTimeout(r, 100));
    };
    this.progressShown = Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, untilIdle)).finally(() => (this.progressShown = undefined));
    setTimeout(() => {
      if (idle()) return;
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deploy Readiness'), cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => this.cancel());
        let last = '';
        while (!idle() && !token.isCancellationRequested) {
          const busy = this.allSessions().find((x) => x.state === 'analysing');
          const text = progressText(busy?.progress);
          if (text !== last) progress.report({ message: (last = text) });
          await new Promise((r) => setTimeout(r, 200));
        }
      });
    }, 3000);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.sessions.values()) s.dispose();
    for (const e of this.engines.values()) e.dispose();
    for (const x of this.disposables) x.dispose();
  }
}
