import * as vscode from 'vscode';
import { githubEnterpriseUrl } from '../settings';
import type { PlanReply } from '../../core/protocol';
import type { Ctx } from '../ctx';
import { githubToken } from '../ticks';
import { ADD_TEMPLATE_COMMAND } from './addRollbackToTemplate';
import { pickSession, requireTrust } from './planCommon';

export const SCAFFOLD_COMMAND = 'deployReadiness.scaffoldRollbackPlan';

/**
 * Builds the rollback plan from the analysis and writes it between the markers of the branch's
 * open pull request (VS Code's GitHub sign-in). With no PR, no sign-in or any failure, the
 * section opens in a Markdown editor and is copied to the clipboard: the text is never lost.
 */
export function registerScaffoldRollbackPlan(ctx: Ctx): vscode.Disposable {
  // `signIn: false` (programmatic callers, tests): use an existing GitHub session only, never prompt.
  return vscode.commands.registerCommand(SCAFFOLD_COMMAND, async (opts?: { signIn?: boolean }) => {
    if (!requireTrust(vscode.l10n.t('Scaffolding the rollback plan'))) return undefined;
    const s = await pickSession(ctx);
    if (!s) return undefined;
    let plan: PlanReply;
    try {
      plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deploy Readiness: writing the rollback plan…') }, async () => {
        const token = await githubToken(opts?.signIn !== false);
        return s.engine.rollbackPlan(token, !!token, githubEnterpriseUrl());
      });
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The rollback plan could not be built: {0}', (e as Error).message));
      return undefined;
    }
    const p = plan.published;
    if (p?.status === 'updated' || p?.status === 'unchanged') {
      ctx.log.info(`rollback plan ${p.status} in pull request #${p.number} (${p.url})`);
      void s.refreshChecklist();
      const open = vscode.l10n.t('Open Pull Request');
      const msg = p.status === 'updated' ? vscode.l10n.t('Rollback plan written to pull request #{0}.', p.number ?? '') : vscode.l10n.t('Pull request #{0} already has this rollback plan.', p.number ?? '');
      void vscode.window.showInformationMessage(msg, open).then((a) => {
        if (a === open && p.url) void vscode.env.openExternal(vscode.Uri.parse(p.url));
      });
      return plan;
    }
    // Fallback: never lose the text.
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: plan.section });
    await vscode.window.showTextDocument(doc, { preview: false });
    // The editor already holds the text; a clipboard the host refuses (web, no focus) must not lose it.
    await Promise.resolve(vscode.env.clipboard.writeText(plan.section)).catch((e: Error) => ctx.log.warn(`clipboard: ${e.message}`));
    const why = !p
      ? vscode.l10n.t('Not signed in to GitHub.')
      : p.status === 'no-pr'
        ? vscode.l10n.t('No open pull request for {0} yet.', p.branch ?? plan.branch ?? '')
        : vscode.l10n.t('Writing to the pull request failed: {0}', p.error ?? '');
    ctx.log.warn(`rollback plan not written to the pull request: ${why}`);
    const template = vscode.l10n.t('Add Rollback Section to PR Template');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0} The rollback plan is open in an editor and copied to the clipboard: paste it into the pull request description.', why), template)
      .then((a) => a === template && vscode.commands.executeCommand(ADD_TEMPLATE_COMMAND));
    return plan;
  });
}
