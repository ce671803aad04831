import * as vscode from 'vscode';
import type { Finding } from '../core/model';
import { isDiagnostic } from '../core/present';
import { fileUri, toRange, toSeverity } from './convert';
import type { FolderSession } from './session';

export const SOURCE = 'Deploy Readiness';

/** `command:deployReadiness.showRuleDocs?["<rule>"]`: opens the rule page in the Markdown preview. */
export function docsCommandUri(ruleId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'command', path: 'deployReadiness.showRuleDocs', query: JSON.stringify([ruleId]) });
}

/** One diagnostic collection; each diagnostic remembers its finding for code actions. */
export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('deployReadiness');
  private readonly byDiagnostic = new WeakMap<vscode.Diagnostic, { finding: Finding; session: FolderSession }>();
  private readonly published = new Map<string, Set<string>>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  findingOf(d: vscode.Diagnostic): { finding: Finding; session: FolderSession } | undefined {
    return this.byDiagnostic.get(d);
  }

  docsUri(f: Finding): vscode.Uri | undefined {
    return f.docs ? vscode.Uri.joinPath(this.extensionUri, ...f.docs.split('/')) : undefined;
  }

  toDiagnostic(session: FolderSession, f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(f.range), f.message, toSeverity(f.severity));
    d.source = SOURCE;
    // The code links to the rule page rendered (Markdown preview, read-only), not the raw file in the install folder.
    d.code = f.docs ? { value: f.ruleId, target: docsCommandUri(f.ruleId) } : f.ruleId;
    if (f.related?.length) {
      d.relatedInformation = f.related
        .filter((l) => !l.revision)
        .map((l) => new vscode.DiagnosticRelatedInformation(new vscode.Location(fileUri(session.folder.uri, l.file), toRange(l.range)), l.message ?? ''));
    }
    this.byDiagnostic.set(d, { finding: f, session });
    return d;
  }

  /**
   * Publishes a session's report (and its config problems): every file, or only `files` (a per-file
   * lint changed those alone: on a large report, re-sending every file's diagnostics on each
   * keystroke costs the extension host more than the lint).
   */
  publish(session: FolderSession, files?: ReadonlySet<string>): void {
    const key = session.folder.uri.toString();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of session.findings()) {
      // Git state (uncommitted changes) belongs to the checklist: a fix must not create a new squiggle.
      if (!isDiagnostic(f) || (files && !files.has(f.file))) continue;
      const list = byFile.get(f.file) ?? [];
      list.push(this.toDiagnostic(session, f));
      byFile.set(f.file, list);
    }
    for (const p of session.project?.problems ?? []) {
      if (files && !files.has(p.file)) continue;
      const d = new vscode.Diagnostic(toRange(p.range), p.message, vscode.DiagnosticSeverity.Error);
      d.source = SOURCE;
      d.code = 'config';
      const list = byFile.get(p.file) ?? [];
      list.push(d);
      byFile.set(p.file, list);
    }
    const published = this.published.get(key) ?? new Set<string>();
    if (files) {
      for (const rel of files) {
        const diags = byFile.get(rel);
        if (diags) {
          this.collection.set(fileUri(session.folder.uri, rel), diags);
          published.add(rel);
        } else if (published.delete(rel)) this.collection.delete(fileUri(session.folder.uri, rel));
      }
      this.published.set(key, published);
      return;
    }
    for (const rel of published) if (!byFile.has(rel)) this.collection.delete(fileUri(session.folder.uri, rel));
    for (const [rel, diags] of byFile) this.collection.set(fileUri(session.folder.uri, rel), diags);
    this.published.set(key, new Set(byFile.keys()));
  }

  clear(session?: FolderSession): void {
    if (!session) {
      this.collection.clear();
      this.published.clear();
      return;
    }
    for (const rel of this.published.get(session.folder.uri.toString()) ?? []) this.collection.delete(fileUri(session.folder.uri, rel));
    this.published.delete(session.folder.uri.toString());
  }

  dispose(): void {
    this.collection.dispose();
  }
}
