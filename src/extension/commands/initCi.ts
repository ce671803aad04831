import * as vscode from 'vscode';
import type { InitCiPlan } from '../../core/pipeline/initCi';
import { writableTarget, writeInRepository } from '../../core/safeWrite';
import type { Ctx } from '../ctx';
import { readSettings } from '../settings';

export const INIT_CI_COMMAND = 'deployReadiness.initCi';
const SCHEME = 'deploy-readiness-plan';

/**
 * "Deploy Readiness: Add to CI": plans the CI file(s) with the same core as `deploy-readiness
 * init-ci`, shows each change as a diff, and asks in a notification (Write / Cancel) so the diff
 * stays readable. A file the user edited is overwritten only on an explicit "Overwrite". After
 * writing: the analysis is refreshed and a message offers to open the file. Returns the files
 * written (empty when cancelled), undefined when there was nothing to do.
 */
export function registerInitCi(ctx: Ctx): vscode.Disposable {
  const planned = new Map<string, string>();
  const provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => planned.get(uri.toString()) ?? '' });
  const command = vscode.commands.registerCommand(INIT_CI_COMMAND, async () => {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const folder = folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Folder whose CI to set up') });
    if (!folder) {
      if (!folders.length) void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: Deploy Readiness writes the CI file into it.'));
      return;
    }
    const root = folder.uri.fsPath;
    // Planned by the analysis worker (git only in a trusted workspace: a repository's git config can run programs).
    const plan = await ctx.engineFor(folder).call('initCi', { root, baseBranch: readSettings(folder.uri).base.replace(/^origin\//, '') || undefined, trusted: vscode.workspace.isTrusted });
    ctx.log.info(`init-ci: ${plan.system} (from ${plan.detectedFrom}), base ${plan.baseBranch}: ${plan.files.map((f) => `${f.file} ${f.action}`).join(', ')}`);
    const changes = plan.files.filter((f) => f.action !== 'unchanged');
    if (!changes.length) {
      void vscode.window.showInformationMessage(plan.manual ?? vscode.l10n.t('Deploy Readiness already runs in this repository\'s CI ({0}).', plan.files.map((f) => f.file).join(', ')));
      return;
    }
    // The diff stays in view: the question is a notification beside it, not a modal dialog over it.
    const diffs = await preview(folder, plan, planned);
    const conflict = changes.some((f) => f.action === 'conflict');
    const write = conflict ? vscode.l10n.t('Overwrite') : vscode.l10n.t('Write');
    const cancel = vscode.l10n.t('Cancel');
    const what = changes
      .map((f) => `${f.file} (${f.action === 'create' ? vscode.l10n.t('new file') : f.action === 'update' ? vscode.l10n.t('one include line added') : vscode.l10n.t('exists with other content, would be replaced')})`)
      .join(', ');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('Add Deploy Readiness to {0} (base branch {1}): {2}. Review the diff, then write it?', plan.system === 'github' ? 'GitHub Actions' : 'GitLab CI', plan.baseBranch, what) +
        (plan.manual ? ' ' + vscode.l10n.t('To do by hand: {0}', plan.manual) : ''),
      write,
      cancel,
    );
    await closeTabs(diffs);
    if (answer !== write) return { written: [] };
    try {
      // Inside the folder and through no symbolic link (a committed `.github/workflows -> /elsewhere`), checked for all before any is written.
      for (const f of changes) await writableTarget(root, f.file);
      for (const f of changes) await writeInRepository(root, f.file, f.after);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The CI file was not written: {0}', (e as Error).message));
      return { written: [] };
    }
    const written = changes.map((f) => f.file);
    ctx.log.info(`init-ci: wrote ${written.join(', ')}`);
    // The new workflow is analysed like any other file (the checklist's CI item, the pipeline rules).
    await ctx.refreshAll();
    const open = vscode.l10n.t('Open');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('Deploy Readiness wrote {0}: commit it to run the checks on pull requests.', written.join(', ')), open)
      .then((a) => (a === open ? vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...written[0].split('/'))) : undefined));
    return { written };
  });
  return vscode.Disposable.from(provider, command);
}

/** Opens a diff per planned change; returns their right-hand sides (to close the tabs afterwards). */
async function preview(folder: vscode.WorkspaceFolder, plan: InitCiPlan, planned: Map<string, string>): Promise<vscode.Uri[]> {
  const rights: vscode.Uri[] = [];
  for (const f of plan.files) {
    if (f.action === 'unchanged') continue;
    const target = vscode.Uri.joinPath(folder.uri, ...f.file.split('/'));
    const right = vscode.Uri.from({ scheme: SCHEME, path: `/${f.file}`, query: `after=${Date.now()}` });
    planned.set(right.toString(), f.after);
    rights.push(right);
    let left = target;
    if (f.before === undefined) {
      left = vscode.Uri.from({ scheme: SCHEME, path: `/${f.file}`, query: 'before' });
      planned.set(left.toString(), '');
    }
    await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0} (planned by Deploy Readiness)', f.file), { preview: false });
  }
  return rights;
}

/** Closes the planned-change diffs once the question is answered (they would show a stale plan). */
async function closeTabs(rights: vscode.Uri[]): Promise<void> {
  const keys = new Set(rights.map((u) => u.toString()));
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && keys.has(t.input.modified.toString()));
  if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
}
