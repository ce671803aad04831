import * as vscode from 'vscode';
import { DOCS_COMMAND, IGNORE_COMMAND } from '../codeActions';
import type { Ctx } from '../ctx';
import { openFinding, SIGN_IN_COMMAND, type Node } from '../tree';
import { githubToken } from '../ticks';

export const QUICK_FIX_FINDING_COMMAND = 'deployReadiness.quickFixFinding';
export const FINDING_DOCS_COMMAND = 'deployReadiness.showFindingDocs';
export const IGNORE_FINDING_HERE_COMMAND = 'deployReadiness.ignoreFindingHere';
export const COPY_FINDING_COMMAND = 'deployReadiness.copyFindingMessage';

function findingOf(node: unknown): Extract<Node, { type: 'finding' }> | undefined {
  const n = node as Node | undefined;
  return n && typeof n === 'object' && n.type === 'finding' ? n : undefined;
}

/**
 * The finding row's context menu (Quick Fix, Show Rule Documentation, Ignore Here, Copy Message)
 * and the "Sign in to GitHub" action of checklist items that only need the sign-in.
 */
export function registerFindingMenu(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(QUICK_FIX_FINDING_COMMAND, async (node: unknown) => {
      const n = findingOf(node);
      if (!n) return;
      await openFinding(n.session.folder.uri, n.finding.file, n.finding.range);
      await vscode.commands.executeCommand('editor.action.quickFix');
    }),
    vscode.commands.registerCommand(FINDING_DOCS_COMMAND, async (node: unknown) => {
      const n = findingOf(node);
      if (n) await vscode.commands.executeCommand(DOCS_COMMAND, n.finding.ruleId);
    }),
    vscode.commands.registerCommand(IGNORE_FINDING_HERE_COMMAND, async (node: unknown) => {
      const n = findingOf(node);
      if (!n) return false;
      await openFinding(n.session.folder.uri, n.finding.file, n.finding.range);
      const uri = vscode.window.activeTextEditor?.document.uri;
      return uri ? vscode.commands.executeCommand(IGNORE_COMMAND, uri, n.finding.range.start.line, n.finding.ruleId) : false;
    }),
    vscode.commands.registerCommand(COPY_FINDING_COMMAND, async (node: unknown) => {
      const n = findingOf(node);
      if (!n) return;
      const f = n.finding;
      await vscode.env.clipboard.writeText(`${f.file}:${f.range.start.line + 1}: ${f.ruleId}: ${f.message}`);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Finding message copied'), 3000);
    }),
    vscode.commands.registerCommand(SIGN_IN_COMMAND, async () => {
      const token = await githubToken(true);
      if (!token) return false;
      await ctx.refreshAll();
      return true;
    }),
  );
}
