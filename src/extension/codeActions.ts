import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HygieneCheck } from '../core/env/hygiene';
import { toPosix } from '../core/text';
import { toWorkspaceEdit } from './convert';
import type { Diagnostics } from './diagnostics';
import { SOURCE } from './diagnostics';
import { ACCEPT_API_COMMAND } from './commands/acceptApiChange';
import { canIgnoreHere, orderActions, type ActionCandidate } from '../core/present';
import type { Severity } from '../core/model';

export const IGNORE_COMMAND = 'deployReadiness.ignoreFinding';
export const DOCS_COMMAND = 'deployReadiness.showRuleDocs';

/**
 * Quick fixes from `Finding.fixes`, ordered by their diagnostic's severity (exactly one preferred:
 * the most severe finding's safe pattern), then "ignore here
 * with a reason" where the file has a suppression syntax, then "show rule documentation".
 */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: Diagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: ActionCandidate<vscode.CodeAction>[] = [];
    const add = (a: vscode.CodeAction, severity: Severity, fix = false, preferred = false) => actions.push({ value: a, severity, fix, preferred });
    for (const diag of context.diagnostics) {
      if (diag.source !== SOURCE) continue;
      const entry = this.diagnostics.findingOf(diag);
      if (!entry) continue;
      const { finding, session } = entry;
      const fixes = [...(finding.fixes ?? [])];
      // .env.example fixes that would carry a value are never in the report: computed here from the buffer.
      const check = finding.data?.check;
      if (finding.ruleId === 'env/example-hygiene' && typeof check === 'string') {
        // Loaded on the first .env.example quick fix, not at activation (dotenv, an ICU collator).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { BUFFER_FIX_CHECKS, bufferFix } = require('./lazy') as typeof import('./lazy');
        const rel = toPosix(path.relative(session.folder.uri.fsPath, document.uri.fsPath));
        const fix = BUFFER_FIX_CHECKS.includes(check as HygieneCheck) ? bufferFix(check, rel, document.getText(), finding.range) : undefined;
        if (fix) fixes.push(fix);
      }
      for (const fix of fixes) {
        const a = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = toWorkspaceEdit(session.folder.uri, fix.edits);
        a.diagnostics = [diag];
        add(a, finding.severity, true, !!fix.isPreferred);
      }
      // SQL files, and framework migrations (Ruby/Python/JS/TS) for migration findings: the comment takes the file's syntax.
      if (canIgnoreHere(document.uri.path, finding.area)) {
        const ignore = new vscode.CodeAction(vscode.l10n.t('Ignore {0} here (with a reason)…', finding.ruleId), vscode.CodeActionKind.QuickFix);
        ignore.command = { command: IGNORE_COMMAND, title: ignore.title, arguments: [document.uri, finding.range.start.line, finding.ruleId] };
        ignore.diagnostics = [diag];
        add(ignore, finding.severity);
      }
      if (finding.area === 'api' && typeof finding.data?.fingerprint === 'string' && !finding.data.accepted && finding.severity !== 'info') {
        const accept = new vscode.CodeAction(vscode.l10n.t('Accept this breaking change…'), vscode.CodeActionKind.QuickFix);
        accept.command = { command: ACCEPT_API_COMMAND, title: accept.title, arguments: [session.folder.uri, finding.data.fingerprint, finding.ruleId, finding.message] };
        accept.diagnostics = [diag];
        add(accept, finding.severity);
      }
      if (finding.docs) {
        const docs = new vscode.CodeAction(vscode.l10n.t('Show documentation for {0}', finding.ruleId), vscode.CodeActionKind.QuickFix);
        docs.command = { command: DOCS_COMMAND, title: docs.title, arguments: [finding.ruleId] };
        add(docs, finding.severity);
      }
    }
    // The most severe diagnostic's actions first; one preferred fix (the error's safe pattern).
    return orderActions(actions).map(({ value, isPreferred }) => {
      if (isPreferred) value.isPreferred = true;
      return value;
    });
  }
}
