import * as vscode from 'vscode';
import type { Finding, Range as CoreRange, Severity, TextEdit as CoreEdit } from '../core/model';

export function toRange(r: CoreRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export function fileUri(folder: vscode.Uri, rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder, ...rel.split('/'));
}

/** Builds a WorkspaceEdit from core text edits; edits marked `create` make the file first. */
export function toWorkspaceEdit(folder: vscode.Uri, edits: readonly CoreEdit[]): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) {
    const uri = fileUri(folder, e.file);
    if (e.create) {
      we.createFile(uri, { ignoreIfExists: false, overwrite: false });
      we.insert(uri, new vscode.Position(0, 0), e.newText);
    } else {
      we.replace(uri, toRange(e.range), e.newText);
    }
  }
  return we;
}

export function findingKey(f: Finding): string {
  return `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
}
