import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding } from '../model';
import { describeUnreadable } from '../reader';
import { sqlToolFromContent } from '../classify';
import { LineIndex } from '../text';
import { loadPg, parsePostgres, tokensOf, type PgStatement } from './postgres';
import { migrationRules, requireConcurrentIndex, syntaxError, unreadable } from './rules';

type PgModule = Awaited<ReturnType<typeof loadPg>>;

/** Lints one SQL migration's text. Pure: text + path in, findings out. */
export async function lintSqlMigration(file: string, text: string): Promise<Finding[]> {
  const pg = await loadPg();
  const index = new LineIndex(text);
  const parsed = parsePostgres(pg, text);
  const findings: Finding[] = [];
  for (const err of parsed.errors) {
    const end = Math.min(text.length, err.offset + Math.max(1, /^\S*/.exec(text.slice(err.offset))![0].length));
    findings.push(syntaxError.finding({ message: `Syntax error: ${err.message}. The other statements were still checked.`, file, range: index.rangeOf(err.offset, end) }));
  }
  for (const stmt of parsed.statements) findings.push(...checkIndexConcurrency(pg, file, text, index, stmt));
  return findings;
}

function checkIndexConcurrency(pg: PgModule, file: string, text: string, index: LineIndex, stmt: PgStatement): Finding[] {
  const body = stmt.node[stmt.kind] as Record<string, unknown>;
  if (stmt.kind === 'IndexStmt' && !body.concurrent) {
    const table = ((body.relation as { relname?: string }) ?? {}).relname ?? 'the table';
    const toks = tokensOf(pg, text, stmt);
    const indexTok = toks.find((t) => t.text.toUpperCase() === 'INDEX');
    if (!indexTok) return [];
    const r = index.rangeOf(stmt.start, indexTok.end);
    return [
      requireConcurrentIndex.finding({
        message: `CREATE INDEX without CONCURRENTLY takes a SHARE lock on "${table}": INSERT, UPDATE and DELETE wait until the index is built. Use CREATE INDEX CONCURRENTLY (outside a transaction).`,
        file,
        range: r,
        fixes: [
          {
            title: 'Create the index CONCURRENTLY',
            isPreferred: true,
            edits: [{ file, range: index.rangeOf(indexTok.end, indexTok.end), newText: ' CONCURRENTLY' }],
          },
        ],
        data: { lock: 'SHARE', blocks: 'writes', table, classification: 'additive', backwardCompatible: true },
      }),
    ];
  }
  if (stmt.kind === 'DropStmt' && body.removeType === 'OBJECT_INDEX' && !body.concurrent) {
    const toks = tokensOf(pg, text, stmt);
    const indexTok = toks.find((t) => t.text.toUpperCase() === 'INDEX');
    if (!indexTok) return [];
    return [
      requireConcurrentIndex.finding({
        message: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait. Use DROP INDEX CONCURRENTLY (outside a transaction).',
        file,
        range: index.rangeOf(stmt.start, indexTok.end),
        fixes: [{ title: 'Drop the index CONCURRENTLY', isPreferred: true, edits: [{ file, range: index.rangeOf(indexTok.end, indexTok.end), newText: ' CONCURRENTLY' }] }],
        data: { lock: 'ACCESS EXCLUSIVE', blocks: 'reads and writes', classification: 'destructive', backwardCompatible: true },
      }),
    ];
  }
  return [];
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  if (f.cls.kind !== 'migration' || f.cls.format !== 'sql') return [];
  const r = await ctx.reader.read(f.path);
  if (r.kind !== 'text') {
    if (r.kind === 'missing') return [];
    return [unreadable.finding({ message: describeUnreadable(f.path, r), file: f.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })];
  }
  const tool = sqlToolFromContent(r.text, f.cls.tool);
  const isNew = ctx.base ? ctx.base.addedFiles.has(f.path) : false;
  if (!ctx.facts.migrations.some((m) => m.file === f.path)) ctx.facts.migrations.push({ file: f.path, tool, dialect: ctx.config.migrations.dialect ?? 'postgres', isNew });
  if (ctx.config.migrations.dialect === 'mysql') return [];
  return lintSqlMigration(f.path, r.text);
}

export const migrationAnalyzer: Analyzer = {
  area: 'migration',
  rules: migrationRules,
  async analyze(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      if (f.cls.kind !== 'migration') continue;
      // On a branch, only migrations the branch adds or changes are reviewed; explicit paths always are.
      if (ctx.base && !f.explicit && !ctx.base.changedFiles.has(f.path)) continue;
      out.push(...(await analyzeOne(ctx, f)));
    }
    return out;
  },
  analyzeFile: analyzeOne,
};
