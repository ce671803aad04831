import * as vscode from 'vscode';
import { Classifier, sqlToolFromContent } from '../core/classify';
import { describeStatement } from '../core/migrations/describe';
import { isMariadbVersion } from '../core/migrations/analyzer';
import type { Ctx } from './ctx';

/**
 * Hover on a statement of a SQL migration: the lock each operation takes, what it blocks, whether
 * it is additive, transformative or destructive and backward-compatible, and the safe pattern.
 * The PostgreSQL parser (WASM) loads on the first hover, not at activation.
 */
export function registerMigrationHover(c: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider([{ language: 'sql' }, { pattern: '**/*.sql' }], {
    async provideHover(doc, pos, token) {
      const session = c.sessionFor(doc.uri);
      const rel = session?.relativePath(doc.uri);
      if (!session || !rel) return undefined;
      const config = session.project?.config;
      const cls = config ? new Classifier(config).classify(rel) : undefined;
      if (!cls || cls.kind !== 'migration' || cls.format !== 'sql') return undefined;
      const text = doc.getText();
      const m = config!.migrations;
      try {
        const d = await describeStatement(text, doc.offsetAt(pos), {
          tool: sqlToolFromContent(text, cls.tool),
          dialect: m.dialect,
          settings: { postgresVersion: m.postgresVersion, mysqlVersion: m.mysqlVersion, mariadb: isMariadbVersion(m.mysqlVersion) },
        });
        if (!d || token.isCancellationRequested) return undefined;
        const md = new vscode.MarkdownString(d.markdown);
        return new vscode.Hover(md, new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character));
      } catch (e) {
        c.logger.debug(`hover: ${(e as Error).message}`);
        return undefined;
      }
    },
  });
}
