import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export function registerShowOutput(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand('deployReadiness.showOutput', () => ctx.log.show(true));
}
