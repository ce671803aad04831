import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { FolderSession } from '../session';

/**
 * Shared by the checklist, rollback-plan and runbook commands: they read git and may contact
 * GitHub, so in Restricted Mode they only explain why they do nothing.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('{0} needs a trusted workspace: it reads git and contacts GitHub, which Restricted Mode does not allow. Trust this folder to use it.', what), manage)
    .then((a) => a === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

/** The folder to act on: the only one, the active editor's, or the user's pick. Analyses it first when needed. */
export async function pickSession(ctx: Ctx): Promise<FolderSession | undefined> {
  const sessions = ctx.allSessions();
  let s: FolderSession | undefined;
  if (sessions.length <= 1) s = sessions[0];
  else {
    const active = vscode.window.activeTextEditor?.document.uri;
    s = active ? ctx.sessionFor(active) : undefined;
    if (!s) {
      const pick = await vscode.window.showQuickPick(
        sessions.map((x) => ({ label: x.folder.name, description: x.folder.uri.fsPath, session: x })),
        { placeHolder: vscode.l10n.t('Which folder?') },
      );
      s = pick?.session;
    }
  }
  if (!s) {
    if (!sessions.length) void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder with a git repository first.'));
    return undefined;
  }
  if (!s.report) {
    await ctx.refreshAll();
    await s.whenIdle();
  }
  if (!s.report) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The analysis failed: {0}. See "Deploy Readiness: Show Output".', s.error ?? ''));
    return undefined;
  }
  return s;
}
