import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding } from '../model';
import type { MigrationLintSettings } from '../migrations/ops';
import { unreadable } from '../migrations/rules';
import { describeUnreadable } from '../reader';
import { allCalls, boolOf, strOf, type Framework } from './dsl';
import { detectDialect, detectRunnerTimeouts, frameworkFromContent, isFramework } from './detect';
import { extract, lintDslMigration } from './lint';
import { frameworkRules } from './rules';
import { sqlFrontEnd } from './sqlFront';

/** The settings a framework migration is linted with: config first, then the project's own database config. */
export async function settingsFor(ctx: AnalysisContext, framework: Framework, path: string): Promise<{ settings: MigrationLintSettings; source?: string }> {
  const m = ctx.config.migrations;
  let dialect = m.dialect;
  let source: string | undefined;
  if (!dialect) {
    const g = await detectDialect(ctx.reader, framework, path, ctx.cache);
    if (g?.dialect === 'mysql' || g?.dialect === 'postgres') {
      dialect = g.dialect;
      source = g.source;
    }
  }
  const mysqlVersion = m.mysqlVersion;
  return { settings: { dialect: dialect ?? 'postgres', postgresVersion: m.postgresVersion, mysqlVersion, mariadb: /maria/i.test(mysqlVersion) || undefined }, source };
}

/**
 * Django AlterField needs the field as it was: replays AddField/CreateModel/AlterField of the
 * earlier migrations in the same folder (statically, in file-name order).
 */
async function djangoHistory(ctx: AnalysisContext, path: string): Promise<(model: string, field: string) => boolean> {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const key = `frameworks:django-history:${path}`;
  const cached = ctx.cache.get(key) as Map<string, boolean> | undefined;
  const nullable = cached ?? new Map<string, boolean>();
  if (!cached) {
    const earlier = ctx.files.filter((f) => f.path.startsWith(dir) && !f.path.slice(dir.length).includes('/') && f.path < path && /\/\d{4}_[^/]+\.py$/.test(f.path)).map((f) => f.path).sort();
    for (const p of earlier) {
      const r = await ctx.reader.read(p);
      if (r.kind !== 'text') continue;
      const file = await extract('django', r.text, p);
      for (const c of allCalls(file.calls)) {
        const model = strOf(c.kwargs.model_name ?? c.args[0])?.toLowerCase();
        if (c.name === 'CreateModel') {
          const name = strOf(c.kwargs.name ?? c.args[0])?.toLowerCase();
          const fields = c.kwargs.fields ?? c.args[1];
          if (name && fields?.t === 'list') {
            for (const f of fields.items) {
              if (f.t !== 'list') continue;
              const fname = strOf(f.items[0]);
              const def = f.items[1];
              if (fname && def?.t === 'call') nullable.set(`${name}.${fname}`, boolOf(def.kwargs.null) === true);
            }
          }
        } else if ((c.name === 'AddField' || c.name === 'AlterField') && model) {
          const fname = strOf(c.kwargs.name ?? c.args[1]);
          const def = c.kwargs.field ?? c.args[2];
          if (fname && def?.t === 'call') nullable.set(`${model}.${fname}`, boolOf(def.kwargs.null) === true);
        }
      }
    }
    ctx.cache.set(key, nullable);
  }
  return (model, field) => nullable.get(`${model.toLowerCase()}.${field}`) === true;
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  if (f.cls.kind !== 'migration' || f.cls.format !== 'dsl' || !isFramework(f.cls.tool)) return [];
  const r = await ctx.reader.read(f.path);
  if (r.kind !== 'text') {
    if (r.kind === 'missing') return [];
    return [unreadable.finding({ message: describeUnreadable(f.path, r), file: f.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })];
  }
  const framework = frameworkFromContent(r.text, f.cls.tool);
  if (!framework) {
    // A file in a migrations folder that is none of the frameworks (a helper, an index.js).
    if (f.explicit) ctx.notices.push({ level: 'info', area: 'migration', file: f.path, message: `${f.path}: not recognised as a ${f.cls.tool} migration, not analysed` });
    return [];
  }
  const { settings, source } = await settingsFor(ctx, framework, f.path);
  const previousNullable = framework === 'django' ? await djangoHistory(ctx, f.path) : undefined;
  const runnerTimeouts = await detectRunnerTimeouts(ctx.reader, framework, f.path, ctx.cache);
  const res = await lintDslMigration({ path: f.path, text: r.text, framework, settings, sql: sqlFrontEnd, previousNullable, dialectSource: source, runnerTimeouts });
  const isNew = ctx.base ? ctx.base.addedFiles.has(f.path) : false;
  const fact = ctx.facts.migrations.find((m) => m.file === f.path);
  const entry = { file: f.path, tool: framework, dialect: settings.dialect, reversible: res.reversible, isNew };
  if (fact) Object.assign(fact, entry);
  else ctx.facts.migrations.push(entry);
  return res.findings;
}

/** Rails, Django, Alembic, Knex, TypeORM and Sequelize migrations, linted by the SQL migration rules. */
export const frameworkAnalyzer: Analyzer = {
  area: 'migration',
  rules: frameworkRules,
  async analyze(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      if (f.cls.kind !== 'migration' || f.cls.format !== 'dsl') continue;
      if (ctx.base && !f.explicit && !ctx.base.changedFiles.has(f.path)) continue;
      try {
        out.push(...(await analyzeOne(ctx, f)));
      } catch (e) {
        ctx.notices.push({ level: 'error', area: 'migration', file: f.path, message: `${f.path}: framework migration analysis failed: ${(e as Error).message}` });
        ctx.log.error(`${f.path}: ${(e as Error).stack ?? e}`);
      }
    }
    return out;
  },
  analyzeFile: analyzeOne,
};
