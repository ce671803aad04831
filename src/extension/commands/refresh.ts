import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export function registerRefresh(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand('deployReadiness.refresh', () =>
    vscode.window.withProgress(
      { location: { viewId: 'deployReadiness.view' }, title: vscode.l10n.t('Deploy Readiness: analysing…'), cancellable: false },
      () => ctx.refreshAll(),
    ),
  );
}
