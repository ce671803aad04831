import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/configFile';
import { toWorkspaceEdit } from '../convert';
import { writableTarget } from '../../core/safeWrite';

export const ACCEPT_API_COMMAND = 'deployReadiness.acceptApiChange';

/**
 * "Accept this breaking change…": asks for a reason (required) and an optional expiry, then
 * records `{fingerprint, rule, reason, expires}` under `api.accepted` in `.deploy-readiness.yaml`
 * (created when missing). The next analysis shows the finding as info.
 */
export function registerAcceptApiChange(): vscode.Disposable {
  return vscode.commands.registerCommand(ACCEPT_API_COMMAND, async (folder: vscode.Uri, fingerprint: string, ruleId: string, summary?: string) => {
    const reason = await vscode.window.showInputBox({
      title: vscode.l10n.t('Accept this breaking change ({0}) — 1/2: reason', ruleId),
      prompt: summary ? vscode.l10n.t('{0} — why is it safe to ship? The reason is kept in {1} for reviewers.', summary.slice(0, 120), CONFIG_FILE) : vscode.l10n.t('Why is it safe to ship? The reason is kept in {0} for reviewers.', CONFIG_FILE),
      validateInput: (v) => (v.trim().length < 3 ? vscode.l10n.t('A reason is required') : undefined),
    });
    if (!reason) return false;
    const expires = await vscode.window.showInputBox({
      title: vscode.l10n.t('Accept this breaking change ({0}) — 2/2: until (optional)', ruleId),
      prompt: vscode.l10n.t('A date (YYYY-MM-DD) after which the change is reported again; leave empty for no expiry.'),
      validateInput: (v) => (v.trim() === '' || /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? undefined : vscode.l10n.t('Use YYYY-MM-DD, or leave empty')),
    });
    if (expires === undefined) return false;
    const uri = vscode.Uri.joinPath(folder, CONFIG_FILE);
    if (folder.scheme === 'file') {
      // The config file must be a real file in the folder, not a committed link to somewhere else.
      const problem = await writableTarget(folder.fsPath, CONFIG_FILE).then(() => undefined, (e: Error) => e);
      if (problem) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The change was not accepted: {0}', problem.message));
        return false;
      }
    }
    let text: string | undefined;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open) text = open.getText();
    } catch {
      text = undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { acceptEdit } = require('../lazy') as typeof import('../lazy');
    const edit = acceptEdit(CONFIG_FILE, text, { fingerprint, rule: ruleId, reason: reason.trim().replace(/\r?\n/g, ' '), expires: expires.trim() || undefined });
    const existed = text !== undefined;
    const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(folder, [edit]));
    if (!ok) return false;
    // Say what was written where, with a way to see it: no silent config file.
    const open = vscode.l10n.t('Open {0}', CONFIG_FILE);
    void vscode.window
      .showInformationMessage(
        existed
          ? vscode.l10n.t('Accepted: {0} recorded under api.accepted in {1} with your reason{2}. Commit it so reviewers see it.', ruleId, CONFIG_FILE, expires.trim() ? vscode.l10n.t(', until {0}', expires.trim()) : '')
          : vscode.l10n.t('Accepted: created {1} with {0} under api.accepted and your reason{2}. Commit it so reviewers see it.', ruleId, CONFIG_FILE, expires.trim() ? vscode.l10n.t(', until {0}', expires.trim()) : ''),
        open,
      )
      .then(async (a) => {
        if (a === open) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      });
    return ok;
  });
}
