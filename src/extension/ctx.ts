import * as vscode from 'vscode';
import type { Logger } from '../core/analyzer';
import { CONFIG_FILE } from '../core/config';
import type { Report } from '../core/model';
import { FindingCodeActions } from './codeActions';
import { Diagnostics } from './diagnostics';
import { EngineClient } from './engineClient';
import { FolderSession } from './session';
import { readSettings, SECTION } from './settings';
import { VerdictStatus } from './status';
import { checklistInputs } from './ticks';
import { ReadinessTree, VIEW_ID, type Node } from './tree';

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

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Deploy Readiness', { log: true });
    const log = this.log;
    this.logger = { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m), debug: (m) => log.debug(m) };
    this.diagnostics = new Diagnostics(extension.extensionUri);
    this.tree = new ReadinessTree(() => this.allSessions());
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree, showCollapseAll: true });
    this.disposables.push(this.log, this.diagnostics, this.view, this.status);
    this.disposables.push(
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FindingCodeActions(this.diagnostics), {
        providedCodeActionKinds: FindingCodeActions.kinds,
      }),
    );
    this.syncFolders();
    this.watch();
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysed', false);
    this.status.update(this.allSessions());
    // Two-stage start: analyse when the view is shown or a relevant file is open, not during activation.
    if (this.view.visible || vscode.window.visibleTextEditors.some((e) => this.isRelevant(e.document))) this.start();
  }

  allSessions(): FolderSession[] {
    return [...this.sessions.values()];
  }

  reports(): Report[] {
    return this.allSessions().flatMap((s) => (s.report ? [s.report] : []));
  }

  /** Starts the first analysis once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    setTimeout(() => void this.refreshAll(), 0);
  }

  async refreshAll(): Promise<void> {
    this.started = true;
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
    if (s.report) this.diagnostics.publish(s);
    this.tree.refresh();
    this.status.update(this.allSessions());
    const total = this.reports().reduce((n, r) => n + r.summary.error + r.summary.warning, 0);
    this.view.badge = total ? { value: total, tooltip: vscode.l10n.t('{0} errors and warnings', total) } : undefined;
    const failed = this.allSessions().find((x) => x.state === 'failed');
    this.view.message = failed ? vscode.l10n.t('Analysis failed: {0}. See "Deploy Readiness: Show Output".', failed.error ?? '') : undefined;
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysed', this.reports().length > 0);
    void vscode.commands.executeCommand('setContext', 'deployReadiness.analysing', this.allSessions().some((x) => x.state === 'analysing'));
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
      const engine = new EngineClient(this.extension.extensionUri.fsPath, this.logger);
      this.engines.set(f.uri.toString(), engine);
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
    this.schedule(`doc:${doc.uri}`, saved ? 0 : settings.debounceMs, () => s.updateDocument(doc));
  }

  private watch(): void {
    const d = this.disposables;
    d.push(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.onDocument(e.document, false)));
    d.push(vscode.workspace.onDidSaveTextDocument((doc) => this.onDocument(doc, true)));
    d.push(vscode.workspace.onDidOpenTextDocument((doc) => this.isRelevant(doc) && this.start()));
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
    // Trust granted: git may now run, so compare with the base branch.
    d.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.started && void this.refreshAll()));
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{${CONFIG_FILE},.env.example,.env.sample,.env.template,.env.dist}`);
    const onFs = (uri: vscode.Uri) => {
      const s = this.sessionFor(uri);
      if (s && this.started) this.schedule(`refresh:${s.folder.uri}`, 300, () => s.refresh());
    };
    d.push(watcher, watcher.onDidChange(onFs), watcher.onDidCreate(onFs), watcher.onDidDelete(onFs));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.sessions.values()) s.dispose();
    for (const e of this.engines.values()) e.dispose();
    for (const x of this.disposables) x.dispose();
  }
}
