import * as os from 'node:os';
import * as vscode from 'vscode';
import type { ChecklistItem } from '../../core/checklist/items';
import type { Ctx } from '../ctx';
import type { FolderSession } from '../session';
import { tickBookFor } from '../ticks';
import type { Node } from '../tree';
import { pickSession, requireTrust } from './planCommon';

export const TICK_COMMAND = 'deployReadiness.tickChecklistItem';
export const UNTICK_COMMAND = 'deployReadiness.untickChecklistItem';

/** The item from a tree node, an item id (keybindings, tests), or a quick pick. */
async function target(ctx: Ctx, node: Node | string | undefined, ticked: boolean): Promise<{ s: FolderSession; item: ChecklistItem } | undefined> {
  if (typeof node === 'object' && node?.type === 'checkItem') return { s: node.session, item: node.item };
  const s = await pickSession(ctx);
  if (!s) return undefined;
  if (!s.checklist) await s.refreshChecklist();
  if (typeof node === 'string') {
    const item = s.checklist?.items.find((i) => i.id === node);
    if (!item) void vscode.window.showErrorMessage(vscode.l10n.t('No checklist item "{0}".', node));
    return item ? { s, item } : undefined;
  }
  const candidates = (s.checklist?.items ?? []).filter((i) => i.tickable && !!i.tick === ticked);
  if (!candidates.length) {
    void vscode.window.showInformationMessage(ticked ? vscode.l10n.t('No checklist item is ticked on this branch.') : vscode.l10n.t('Every manual checklist item is ticked.'));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    candidates.map((item) => ({ label: item.title, description: item.required ? vscode.l10n.t('required') : undefined, detail: item.reason, item })),
    { placeHolder: ticked ? vscode.l10n.t('Untick which item?') : vscode.l10n.t('Tick which item? (who and when are recorded for this branch)') },
  );
  return pick ? { s, item: pick.item } : undefined;
}

/** Tick or untick a manual checklist item for the current branch, recording who and when. */
export function registerTickChecklistItem(ctx: Ctx): vscode.Disposable {
  const run = async (node: Node | string | undefined, tick: boolean) => {
    if (!requireTrust(vscode.l10n.t('Ticking checklist items'))) return false;
    const t = await target(ctx, node, !tick);
    if (!t) return false;
    if (tick && !t.item.tickable) {
      void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is computed, not ticked by hand.', t.item.title));
      return false;
    }
    const book = tickBookFor(ctx.extension, t.s.folder.uri);
    const branch = t.s.report?.facts.head?.branch;
    if (tick) await book.tick(branch, t.item.id, t.s.gitUser ?? os.userInfo().username, new Date(), t.item.fingerprint);
    else await book.untick(branch, t.item.id);
    await t.s.refreshChecklist();
    return true;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(TICK_COMMAND, (node?: Node | string) => run(node, true)),
    vscode.commands.registerCommand(UNTICK_COMMAND, (node?: Node | string) => run(node, false)),
  );
}
