import * as vscode from 'vscode';
import { TickBook, type TickData, type TickStorage } from '../core/checklist/ticks';
import type { FolderSession } from './session';

/** Ticks of manual checklist items live in workspaceState (per folder, per branch); never in the repository. */
class WorkspaceStateTicks implements TickStorage {
  constructor(
    private readonly memento: vscode.Memento,
    private readonly key: string,
  ) {}
  async read(): Promise<unknown> {
    return this.memento.get(this.key);
  }
  async write(data: TickData): Promise<void> {
    await this.memento.update(this.key, data);
  }
}

export function tickBookFor(context: vscode.ExtensionContext, folder: vscode.Uri): TickBook {
  return new TickBook(new WorkspaceStateTicks(context.workspaceState, `deployReadiness.ticks:${folder.toString()}`));
}

/**
 * A GitHub token from VS Code's built-in GitHub authentication. `silent`: only an existing session,
 * never a prompt (used for the checklist); otherwise the user is asked to sign in.
 */
export async function githubToken(interactive: boolean): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  try {
    const session = interactive
      ? await vscode.authentication.getSession('github', ['repo'], { createIfNone: true })
      : await vscode.authentication.getSession('github', ['repo'], { silent: true });
    return session?.accessToken;
  } catch {
    return undefined; // cancelled, or no GitHub authentication provider
  }
}

/** What the worker needs to compute a folder's checklist. */
export function checklistInputs(context: vscode.ExtensionContext, s: FolderSession): () => Promise<{ token?: string; ticks: Record<string, import('../core/checklist/items').Tick> }> {
  return async () => ({
    token: await githubToken(false),
    ticks: await tickBookFor(context, s.folder.uri).forBranch(s.report?.facts.head?.branch),
  });
}
