import * as vscode from 'vscode';
import { githubEnterpriseUrl } from '../settings';
import { writeInRepository } from '../../core/safeWrite';
import type { Ctx } from '../ctx';
import { githubToken, tickBookFor } from '../ticks';
import { pickSession, requireTrust } from './planCommon';

export const RUNBOOK_COMMAND = 'deployReadiness.generateRunbook';

/**
 * Writes the deployment runbook to the configured path (`checklist.runbook.path`, default
 * docs/runbooks/<date>-<branch>.md) and opens it rendered (Markdown preview), with a message
 * offering the source. An empty path opens an untitled editor instead.
 */
export function registerGenerateRunbook(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand(RUNBOOK_COMMAND, async () => {
    if (!requireTrust(vscode.l10n.t('Generating the runbook'))) return undefined;
    const s = await pickSession(ctx);
    if (!s) return undefined;
    let rb: { markdown: string; path: string };
    try {
      rb = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deploy Readiness: generating the runbook…') }, async () =>
        s.engine.runbook(await githubToken(false), await tickBookFor(ctx.extension, s.folder.uri).forBranch(s.report?.facts.head?.branch), githubEnterpriseUrl()),
      );
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The runbook could not be generated: {0}', (e as Error).message));
      return undefined;
    }
    if (!rb.path.trim()) {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: rb.markdown });
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc.uri;
    }
    const uri = vscode.Uri.joinPath(s.folder.uri, rb.path);
    if (!uri.path.startsWith(s.folder.uri.path.replace(/\/?$/, '/'))) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The runbook path {0} is outside the folder; change checklist.runbook.path.', rb.path));
      return undefined;
    }
    try {
      // checklist.runbook.path comes from the repository: inside it, through no symbolic link.
      if (s.folder.uri.scheme === 'file') await writeInRepository(s.folder.uri.fsPath, rb.path, rb.markdown);
      else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(rb.markdown));
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The runbook was not written: {0}', (e as Error).message));
      return undefined;
    }
    ctx.log.info(`runbook written to ${rb.path}`);
    // Read rendered (tables, checkboxes); the Markdown source is one click away.
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      return uri;
    }
    const edit = vscode.l10n.t('Open Markdown');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('Runbook written to {0}.', rb.path), edit)
      .then(async (a) => (a === edit ? vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false }) : undefined));
    return uri;
  });
}
