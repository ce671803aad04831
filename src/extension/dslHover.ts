import * as vscode from 'vscode';
import { Classifier } from '../core/classify';
import { describeDslCall } from '../core/frameworks/describe';
import { frameworkFromContent, isFramework } from '../core/frameworks/detect';
import { isMariadbVersion } from '../core/migrations/analyzer';
import type { Ctx } from './ctx';

/**
 * Hover on a call in a Rails, Django, Alembic, Knex, TypeORM or Sequelize migration: the SQL it
 * runs, the lock that takes and what it blocks, and whether it runs inside the migration's
 * transaction. Tree-sitter grammars load on the first hover, not at activation.
 */
export function registerDslMigrationHover(c: Ctx): vscode.Disposable {
  const selector = ['**/*.rb', '**/*.py', '**/*.js', '**/*.ts', '**/*.cjs', '**/*.mjs'].map((pattern) => ({ pattern }));
  return vscode.languages.registerHoverProvider(selector, {
    async provideHover(doc, pos, token) {
      const session = c.sessionFor(doc.uri);
      const rel = session?.relativePath(doc.uri);
      if (!session || !rel) return undefined;
      const config = session.project?.config;
      const cls = config ? new Classifier(config).classify(rel) : undefined;
      if (!cls || cls.kind !== 'migration' || cls.format !== 'dsl' || !isFramework(cls.tool)) return undefined;
      const text = doc.getText();
      const framework = frameworkFromContent(text, cls.tool);
      if (!framework) return undefined;
      const m = config!.migrations;
      try {
        const d = await describeDslCall({
          framework,
          path: rel,
          text,
          offset: doc.offsetAt(pos),
          settings: { dialect: m.dialect ?? 'postgres', postgresVersion: m.postgresVersion, mysqlVersion: m.mysqlVersion, mariadb: isMariadbVersion(m.mysqlVersion) },
        });
        if (!d || token.isCancellationRequested) return undefined;
        return new vscode.Hover(new vscode.MarkdownString(d.markdown), new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character));
      } catch (e) {
        c.logger.debug(`hover: ${(e as Error).message}`);
        return undefined;
      }
    },
  });
}
