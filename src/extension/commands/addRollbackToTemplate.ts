import * as path from 'node:path';
import * as vscode from 'vscode';
import { PR_TEMPLATE_PATHS, templateWithRollbackSection } from '../../core/plan/rollback';
import type { Ctx } from '../ctx';
import { pickSession } from './planCommon';
import { writableTarget } from '../../core/safeWrite';

export const ADD_TEMPLATE_COMMAND = 'deployReadiness.addRollbackSectionToTemplate';

/**
 * Adds a rollback section (between the markers) to the pull request template GitHub reads, so
 * every new PR starts with one. Creates .github/pull_request_template.md when there is none.
 * An undoable workspace edit: nothing is saved behind the user's back.
 */
export function registerAddRollbackToTemplate(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand(ADD_TEMPLATE_COMMAND, async () => {
    const s = ctx.allSessions().length === 1 ? ctx.allSessions()[0] : await pickSession(ctx);
    if (!s) return undefined;
    let uri: vscode.Uri | undefined;
    for (const p of PR_TEMPLATE_PATHS) {
      const candidate = vscode.Uri.joinPath(s.folder.uri, p);
      try {
        await vscode.workspace.fs.stat(candidate);
        uri = candidate;
        break;
      } catch {
        /* not there */
      }
    }
    if (s.folder.uri.scheme === 'file') {
      // The template must be a real file in the folder, not a committed link to somewhere else.
      const rel = uri ? path.relative(s.folder.uri.fsPath, uri.fsPath) : PR_TEMPLATE_PATHS[0];
      const problem = await writableTarget(s.folder.uri.fsPath, rel).then(() => undefined, (e: Error) => e);
      if (problem) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The pull request template was not changed: {0}', problem.message));
        return undefined;
      }
    }
    const edit = new vscode.WorkspaceEdit();
    if (uri) {
      const doc = await vscode.workspace.openTextDocument(uri);
      const next = templateWithRollbackSection(doc.getText());
      if (next === doc.getText()) {
        await vscode.window.showTextDocument(doc);
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} already has a rollback section.', vscode.workspace.asRelativePath(uri)));
        return uri;
      }
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), next);
    } else {
      uri = vscode.Uri.joinPath(s.folder.uri, PR_TEMPLATE_PATHS[0]);
      edit.createFile(uri, { ignoreIfExists: true });
      edit.insert(uri, new vscode.Position(0, 0), templateWithRollbackSection(undefined));
    }
    await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    return uri;
  });
}
