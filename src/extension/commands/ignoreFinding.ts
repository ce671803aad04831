import * as vscode from 'vscode';
import { IGNORE_COMMAND } from '../codeActions';
import { commentPrefixFor } from '../../core/frameworks/comments';

/**
 * Inserts `-- deploy-readiness-ignore <rule>: <reason>` above the statement (`#` in Ruby and
 * Python migrations, `//` in JavaScript and TypeScript ones). A reason is required:
 * an acknowledgement without one is not an acknowledgement.
 */
export function registerIgnoreFinding(): vscode.Disposable {
  return vscode.commands.registerCommand(IGNORE_COMMAND, async (uri: vscode.Uri, line: number, ruleId: string) => {
    const reason = await vscode.window.showInputBox({
      title: vscode.l10n.t('Ignore {0}', ruleId),
      prompt: vscode.l10n.t('Why is this safe here? The reason is kept in the file for reviewers.'),
      validateInput: (v) => (v.trim().length < 3 ? vscode.l10n.t('A reason is required') : undefined),
    });
    if (!reason) return false;
    const doc = await vscode.workspace.openTextDocument(uri);
    const indent = /^\s*/.exec(doc.lineAt(line).text)![0];
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(line, 0), `${indent}${commentPrefixFor(uri.path)} deploy-readiness-ignore ${ruleId}: ${reason.trim().replace(/\r?\n/g, ' ')}\n`);
    return vscode.workspace.applyEdit(edit);
  });
}
