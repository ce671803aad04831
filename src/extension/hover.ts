import * as vscode from 'vscode';
import type { Ctx } from './ctx';

/**
 * Hover on a statement of a SQL migration (the lock each operation takes, what it blocks, whether
 * it is backward-compatible, the safe pattern) or on a call in a Rails, Django, Alembic, Knex,
 * TypeORM or Sequelize migration (the SQL it runs and its lock). Answered by the analysis worker:
 * the parsers never load in the extension host.
 */
export function registerMigrationHover(c: Ctx): vscode.Disposable {
  const selector = [{ language: 'sql' }, ...['**/*.sql', '**/*.rb', '**/*.py', '**/*.js', '**/*.ts', '**/*.cjs', '**/*.mjs'].map((pattern) => ({ pattern }))];
  return vscode.languages.registerHoverProvider(selector, {
    async provideHover(doc, pos, token) {
      const session = c.sessionFor(doc.uri);
      const rel = session?.relativePath(doc.uri);
      // Nothing is sent before the folder's config is read: the worker classifies with it.
      if (!session || !rel || !session.project || !session.isAnalysed(rel)) return undefined;
      try {
        const d = await session.engine.call('hover', { rel, text: doc.getText(), offset: doc.offsetAt(pos) });
        if (!d || token.isCancellationRequested) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(d.markdown), new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character));
      } catch (e) {
        c.logger.debug(`hover: ${(e as Error).message}`);
        return undefined;
      }
    },
  });
}
