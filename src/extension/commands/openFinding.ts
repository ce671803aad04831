import * as vscode from 'vscode';
import { OPEN_FINDING_COMMAND, openFinding } from '../tree';

export function registerOpenFinding(): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_FINDING_COMMAND, openFinding);
}
