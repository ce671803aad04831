import * as vscode from 'vscode';
import type { RuleInfo } from '../../core/protocol';
import { DOCS_COMMAND } from '../codeActions';

/**
 * Opens a rule's documentation page (shipped inside the extension) in the Markdown preview. The
 * catalog comes from the analysis worker (`rules`): the host bundle carries no analyzer.
 */
export function registerShowRuleDocs(extensionUri: vscode.Uri, rules: () => Promise<RuleInfo[]>): vscode.Disposable {
  return vscode.commands.registerCommand(DOCS_COMMAND, async (ruleId?: string) => {
    const all = await rules();
    const id =
      ruleId ??
      (await vscode.window.showQuickPick(
        all.map((r) => ({ label: r.id, description: r.summary })),
        { placeHolder: vscode.l10n.t('Rule to show') },
      ))?.label;
    const rule = all.find((r) => r.id === id);
    if (!rule) return;
    const uri = vscode.Uri.joinPath(extensionUri, ...rule.docs.split('/'));
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(uri);
    }
  });
}
