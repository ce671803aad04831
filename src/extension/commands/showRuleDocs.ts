import * as vscode from 'vscode';
import { RULES } from '../../core/catalog';
import { DOCS_COMMAND } from '../codeActions';

/** Opens a rule's documentation page (shipped inside the extension) in the Markdown preview. */
export function registerShowRuleDocs(extensionUri: vscode.Uri): vscode.Disposable {
  return vscode.commands.registerCommand(DOCS_COMMAND, async (ruleId?: string) => {
    const id =
      ruleId ??
      (await vscode.window.showQuickPick(
        RULES.map((r) => ({ label: r.id, description: r.summary })),
        { placeHolder: vscode.l10n.t('Rule to show') },
      ))?.label;
    const rule = RULES.find((r) => r.id === id);
    if (!rule) return;
    const uri = vscode.Uri.joinPath(extensionUri, ...rule.docs.split('/'));
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri);
    }
  });
}
