import * as vscode from 'vscode';
import type { Progress } from '../core/protocol';

/** "Reading base tree… 1,240 files", "Migrations 41/41": the running analysis in words people can read. */
export function progressText(p: Progress | undefined, folder?: string): string {
  const prefix = folder ? `${folder}: ` : '';
  if (!p) return prefix + vscode.l10n.t('Starting the analysis…');
  const n = (x: number) => x.toLocaleString('en-US');
  if (p.done !== undefined && p.total !== undefined && p.phase !== 'Reading files') return `${prefix}${p.phase} ${n(p.done)}/${n(p.total)}`;
  const count = p.total ?? p.done;
  return `${prefix}${p.phase}…${count !== undefined ? ` ${n(count)} files` : ''}`;
}
