import * as vscode from 'vscode';
import { verdictTooltip } from '../core/view';
import { plural, severityCounts, verdictLabel } from '../core/present';
import type { FolderSession } from './session';
import { VIEW_ID } from './tree';

/** The verdict in the status bar; clicking it focuses the Deploy Readiness view. */
export class VerdictStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('deployReadiness.verdict', vscode.StatusBarAlignment.Left, 20);
  constructor() {
    this.item.name = vscode.l10n.t('Deploy Readiness verdict');
    this.item.command = `${VIEW_ID}.focus`;
  }

  update(sessions: FolderSession[]): void {
    if (!sessions.length) {
      this.item.hide();
      return;
    }
    if (sessions.some((s) => s.state === 'analysing')) {
      this.item.text = '$(sync~spin) ' + vscode.l10n.t('Deploy: analysing');
      this.item.tooltip = vscode.l10n.t('Deploy Readiness is analysing the workspace');
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    const reports = sessions.map((s) => s.report).filter((r) => r !== undefined);
    if (!reports.length) {
      this.item.text = '$(circle-slash) ' + vscode.l10n.t('Deploy: not analysed');
      this.item.tooltip = sessions.find((s) => s.error)?.error ?? vscode.l10n.t('Run "Deploy Readiness: Refresh"');
      this.item.show();
      return;
    }
    // Findings and the pre-deploy checklist combined (FolderSession.verdict).
    const verdicts = sessions.map((s) => s.verdict);
    const verdict = verdicts.includes('blocked') ? 'blocked' : verdicts.includes('review') ? 'review' : 'ready';
    const open = sessions.reduce((n, s) => n + (s.checklist?.items.filter((i) => i.state !== 'pass').length ?? 0), 0);
    const sum = reports.reduce((a, r) => ({ error: a.error + r.summary.error, warning: a.warning + r.summary.warning, info: a.info + r.summary.info }), { error: 0, warning: 0, info: 0 });
    const icon = verdict === 'blocked' ? '$(error)' : verdict === 'review' ? '$(warning)' : '$(pass)';
    const label = verdictLabel(verdict);
    this.item.text = `${icon} ${vscode.l10n.t('Deploy: {0}', label)}`;
    // Each folder's verdict with its blockers and their next actions (the same list as the CLI's verdict line).
    const perFolder = sessions
      .filter((s) => s.report)
      .map((s) => (sessions.length > 1 ? `${s.folder.name} — ` : '') + verdictTooltip(s.report!, s.checklist?.items, s.verdict));
    this.item.tooltip =
      vscode.l10n.t('Deploy Readiness: {0} — {1}. Click to open the view.', label, severityCounts(sum)) +
      (open ? '\n' + plural(open, 'checklist item', 'checklist items') + ' ' + vscode.l10n.t('not done') : '') +
      '\n\n' +
      perFolder.join('\n\n');
    this.item.backgroundColor = verdict === 'blocked' ? new vscode.ThemeColor('statusBarItem.errorBackground') : verdict === 'review' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
