import * as vscode from 'vscode';
import { githubEnterpriseUrl } from '../settings';
import type { PlanReply } from '../../core/protocol';
import type { Ctx } from '../ctx';
import { githubToken } from '../ticks';
import { ADD_TEMPLATE_COMMAND } from './addRollbackToTemplate';
import { pickSession, requireTrust } from './planCommon';

export const SCAFFOLD_COMMAND = 'deployReadiness.scaffoldRollbackPlan';

/** github.com, or the host of the configured GitHub Enterprise URL. */
export function isGitHubHost(host: string | undefined, enterpriseUrl?: string): boolean {
  if (!host) return false;
  if (host === 'github.com') return true;
  try {
    return !!enterpriseUrl && new URL(enterpriseUrl).hostname.toLowerCase() === host;
  } catch {
    return false;
  }
}

/** An untitled Markdown document with a name (the tab title), holding `content`. */
export async function untitledMarkdown(name: string, content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name }));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), content);
  await vscode.workspace.applyEdit(edit);
  if (doc.languageId !== 'markdown') await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  return doc;
}

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
        const enterprise = githubEnterpriseUrl();
        const silent = await githubToken(false);
        if (silent) return s.engine.rollbackPlan(silent, true, enterprise);
        // Not signed in: ask for GitHub only when there is a GitHub remote to write to.
        const draft = await s.engine.rollbackPlan(undefined, false, enterprise);
        if (!isGitHubHost(draft.remoteHost, enterprise)) return draft;
        const token = opts?.signIn !== false ? await githubToken(true) : undefined;
        return token ? s.engine.rollbackPlan(token, true, enterprise) : draft;
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
    // Fallback: never lose the text. A named untitled Markdown tab, not one titled by the marker comment.
    const doc = await untitledMarkdown(vscode.l10n.t('Rollback plan{0}.md', plan.branch ? ` (${plan.branch.replace(/[\\/:*?"<>|]/g, '-')})` : ''), plan.section);
    await vscode.window.showTextDocument(doc, { preview: false });
    // The editor already holds the text; a clipboard the host refuses (web, no focus) must not lose it.
    await Promise.resolve(vscode.env.clipboard.writeText(plan.section)).catch((e: Error) => ctx.log.warn(`clipboard: ${e.message}`));
    const noRemote = !isGitHubHost(plan.remoteHost, githubEnterpriseUrl());
    const why = noRemote
      ? plan.remoteHost
        ? vscode.l10n.t('The origin remote ({0}) is not GitHub.', plan.remoteHost)
        : vscode.l10n.t('This repository has no GitHub remote (origin).')
      : !p
        ? vscode.l10n.t('Not signed in to GitHub.')
        : p.status === 'no-pr'
          ? vscode.l10n.t('No open pull request for {0} yet.', p.branch ?? plan.branch ?? '')
          : vscode.l10n.t('Writing to the pull request failed: {0}', p.error ?? '');
    ctx.log.warn(`rollback plan not written to the pull request: ${why}`);
    if (noRemote) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          '{0} The rollback plan is open as Markdown and copied to the clipboard: paste it where you review the change. With a GitHub remote and an open pull request, this command writes it into the pull request description (in CI: deploy-readiness rollback-plan --write-pr).',
          why,
        ),
      );
      return plan;
    }
    const template = vscode.l10n.t('Add Rollback Section to PR Template');
    const signIn = vscode.l10n.t('Sign in to GitHub');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0} The rollback plan is open in an editor and copied to the clipboard: paste it into the pull request description.', why), ...(p ? [template] : [signIn, template]))
      .then((a) => (a === template ? vscode.commands.executeCommand(ADD_TEMPLATE_COMMAND) : a === signIn ? vscode.commands.executeCommand(SCAFFOLD_COMMAND) : undefined));
    return plan;
  });
}
