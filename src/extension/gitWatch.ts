import * as vscode from 'vscode';

/** The part of the built-in git extension's API (`vscode.git`, API version 1) read here. */
interface GitChange {
  uri: vscode.Uri;
  status: number;
}
interface GitRepository {
  rootUri: vscode.Uri;
  state: {
    HEAD?: { name?: string; commit?: string; ahead?: number; behind?: number; upstream?: { name: string; remote: string } };
    workingTreeChanges: GitChange[];
    indexChanges: GitChange[];
    mergeChanges: GitChange[];
    untrackedChanges?: GitChange[];
    onDidChange: vscode.Event<void>;
  };
}
interface GitApi {
  state?: string;
  repositories: GitRepository[];
  onDidOpenRepository: vscode.Event<GitRepository>;
}
interface GitExtension {
  enabled?: boolean;
  getAPI(version: 1): GitApi;
}

/** What the analysis reads of git: head, branch, upstream distance, and which files differ. */
export function gitSignature(state: GitRepository['state']): string {
  const h = state.HEAD;
  const changes = [...state.workingTreeChanges, ...state.indexChanges, ...state.mergeChanges, ...(state.untrackedChanges ?? [])].map((c) => `${c.status}:${c.uri.toString()}`).sort();
  return JSON.stringify([h?.name, h?.commit, h?.ahead, h?.behind, h?.upstream?.remote, h?.upstream?.name, changes]);
}

/**
 * Tells when a folder's git state changes (a commit, a push, a pull, a branch switch, staging),
 * wherever it came from (the terminal, another tool): through the built-in git extension when it
 * has the repository (its state, compared by signature so its periodic refreshes are not changes),
 * else through file watchers on `.git/HEAD`, the index and the refs. Started only in a trusted
 * workspace: Restricted Mode reads no git state.
 */
export class GitWatch implements vscode.Disposable {
  private readonly perFolder = new Map<string, vscode.Disposable[]>();
  private readonly viaApi = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private api: GitApi | undefined;
  private apiTried = false;
  /** Where the git state comes from, for the output channel. */
  log: ((message: string) => void) | undefined;

  constructor(private readonly onChange: (folder: vscode.WorkspaceFolder, why: string) => void) {}

  /** Watches these folders (again: idempotent). */
  start(folders: readonly vscode.WorkspaceFolder[]): void {
    for (const f of folders) {
      const key = f.uri.toString();
      if (this.perFolder.has(key) || f.uri.scheme !== 'file') continue;
      // Until the git extension has this repository: the files git writes on each of those changes.
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(f, '.git/{HEAD,index,packed-refs,refs/**}'));
      const fire = (uri: vscode.Uri) => !this.viaApi.has(key) && this.onChange(f, uri.path.slice(uri.path.lastIndexOf('/.git/') + 1));
      this.perFolder.set(key, [w, w.onDidChange(fire), w.onDidCreate(fire), w.onDidDelete(fire)]);
    }
    void this.useGitExtension();
  }

  private async useGitExtension(): Promise<void> {
    if (!this.apiTried) {
      this.apiTried = true;
      try {
        const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
        const exports = ext ? (ext.isActive ? ext.exports : await ext.activate()) : undefined;
        if (exports && exports.enabled !== false) {
          this.api = exports.getAPI(1);
          this.disposables.push(this.api.onDidOpenRepository((r) => this.follow(r)));
        }
      } catch {
        this.api = undefined; // no git extension (or disabled): the file watchers stay
      }
    }
    for (const r of this.api?.repositories ?? []) this.follow(r);
  }

  private follow(repo: GitRepository): void {
    const root = repo.rootUri.fsPath;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file' && (f.uri.fsPath === root || f.uri.fsPath.startsWith(root.endsWith('/') ? root : root + '/')));
    const mine = folders.filter((f) => this.perFolder.has(f.uri.toString()) && !this.viaApi.has(f.uri.toString()));
    if (!mine.length) return;
    for (const f of mine) this.viaApi.add(f.uri.toString());
    this.log?.(`git state of ${mine.map((f) => f.name).join(', ')} from the git extension (${root})`);
    let last = gitSignature(repo.state);
    this.disposables.push(
      repo.state.onDidChange(() => {
        const now = gitSignature(repo.state);
        if (now === last) return;
        last = now;
        for (const f of mine) this.onChange(f, 'git extension');
      }),
    );
  }

  dispose(): void {
    for (const list of this.perFolder.values()) for (const d of list) d.dispose();
    for (const d of this.disposables) d.dispose();
    this.perFolder.clear();
  }
}
