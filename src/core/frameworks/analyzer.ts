import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import { failureFinding } from '../failure';
import type { Finding, MigrationFact } from '../model';
import { reversalOf, type DownStep } from '../migrations/reversal';
import type { MigrationLintSettings, MigrationOp, SchemaState } from '../migrations/ops';
import { applyOps, cloneSchema, emptySchema, markNewOnBranch, migrationOrderKey } from '../migrations/schema';
import { unreadable } from '../migrations/rules';
import { describeUnreadable } from '../reader';
import { type DslFile, type DslValue, type Framework } from './dsl';
import { detectDialect, detectRunnerTimeouts, frameworkFromContent, isFramework } from './detect';
import { CodeSearch } from './codeRefs';
import { expandContract } from './expandContract';
import { extract, lintDslMigration } from './lint';
import { frameworkRules, notAnalysed } from './rules';
import { sqlFrontEnd } from './sqlFront';
import { dslToOps } from './toOps';
import { contentHash } from '../memo';

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

interface CachedOps {
  text: string;
  ops: MigrationOp[];
  revision?: string;
  downRevision?: string;
}

/** Ops of an earlier migration, cached by content for the session. */
async function opsOf(ctx: AnalysisContext, path: string, framework: Framework, settings: MigrationLintSettings): Promise<CachedOps | undefined> {
  let cache = ctx.cache.get('frameworks:ops') as Map<string, CachedOps> | undefined;
  if (!cache) ctx.cache.set('frameworks:ops', (cache = new Map()));
  const r = await ctx.reader.read(path);
  if (r.kind !== 'text') return undefined;
  const hit = cache.get(path);
  if (hit && hit.text === r.text) return hit;
  // Through the per-file memo: an earlier migration's DSL is parsed once per content (and framework, dialect).
  const done = await ctx.memo.get('frameworks:ops', path, contentHash(r.text), JSON.stringify([framework, settings.dialect]), async () => {
    const file = await extract(framework, r.text, path);
    const ops = (await dslToOps(file, path, settings.dialect, sqlFrontEnd)).ops;
    return { ops, revision: file.meta.revision, downRevision: file.meta.downRevision };
  });
  const c: CachedOps = { text: r.text, ...done };
  cache.set(path, c);
  return c;
}

/**
 * The schema before a framework migration: the earlier migrations of the same folder replayed
 * statically (file-name order; Alembic follows the down_revision chain). So a CHECK validated in
 * the previous migration makes SET NOT NULL safe, a table created earlier is known to exist, and
 * a Django AlterField is compared with the field as it was.
 */
function schemaCache(ctx: AnalysisContext): Map<string, SchemaState> {
  let m = ctx.cache.get('frameworks:schema') as Map<string, SchemaState> | undefined;
  if (!m) ctx.cache.set('frameworks:schema', (m = new Map()));
  return m;
}

/** Cached per file for the session (as the user types only that file changes); a full analysis starts afresh. */
async function schemaBefore(ctx: AnalysisContext, f: WorkspaceFile, framework: Framework, settings: MigrationLintSettings, text: string): Promise<SchemaState> {
  const hit = schemaCache(ctx).get(f.path);
  if (hit) return cloneSchema(hit);
  const schema = await replay(ctx, f, framework, settings, text);
  schemaCache(ctx).set(f.path, schema);
  return cloneSchema(schema);
}

async function replay(ctx: AnalysisContext, f: WorkspaceFile, framework: Framework, settings: MigrationLintSettings, text: string): Promise<SchemaState> {
  const dir = f.path.slice(0, f.path.lastIndexOf('/') + 1);
  const siblings = ctx.files.filter((g) => g.path !== f.path && g.path.startsWith(dir) && !g.path.slice(dir.length).includes('/') && g.cls.kind === 'migration' && g.cls.format === 'dsl');
  let prior: string[];
  if (framework === 'alembic') {
    const byRev = new Map<string, string>();
    for (const g of siblings) {
      const c = await opsOf(ctx, g.path, framework, settings);
      if (c?.revision) byRev.set(c.revision, g.path);
    }
    prior = [];
    const head = await extract('alembic', text, f.path);
    let rev = head.meta.downRevision;
    const seen = new Set<string>();
    while (rev && byRev.has(rev) && !seen.has(rev)) {
      seen.add(rev);
      const p = byRev.get(rev)!;
      prior.unshift(p);
      rev = (await opsOf(ctx, p, framework, settings))?.downRevision;
    }
  } else {
    const key = migrationOrderKey(f.path);
    prior = siblings.map((g) => g.path).filter((p) => migrationOrderKey(p) < key).sort((a, b) => (migrationOrderKey(a) < migrationOrderKey(b) ? -1 : 1));
  }
  const schema = emptySchema();
  for (const p of prior) {
    if (ctx.signal.aborted) break;
    const g = ctx.files.find((x) => x.path === p);
    const fw = g && g.cls.kind === 'migration' && isFramework(g.cls.tool) ? g.cls.tool : framework;
    const c = await opsOf(ctx, p, fw === framework ? framework : fw, settings).catch(() => undefined);
    if (c) {
      applyOps(schema, c.ops, p);
      if (ctx.base?.addedFiles.has(p)) markNewOnBranch(schema, p);
    }
  }
  return schema;
}

const isNoop = (v: DslValue | undefined) => v?.t === 'ref' && /(^|\.)noop$/.test(v.path);

/** The down step of a framework migration: a down method, Rails `change`, or Django's own reversal. */
export function dslDownStep(file: DslFile): DownStep | undefined {
  if (file.framework === 'django') {
    const raw = file.calls.filter((c) => c.name === 'RunSQL' || c.name === 'RunPython');
    const noop = raw.length > 0 && raw.length === file.calls.length && raw.every((c) => isNoop(c.name === 'RunSQL' ? (c.kwargs.reverse_sql ?? c.args[1]) : (c.kwargs.reverse_code ?? c.args[1])));
    return { kind: 'framework', ...(noop ? { noop: true } : {}) };
  }
  if (file.sections.down || (file.framework === 'rails' && file.sections.change)) return { kind: 'method' };
  return undefined;
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
  const schema = await schemaBefore(ctx, f, framework, settings, r.text);
  const runnerTimeouts = await detectRunnerTimeouts(ctx.reader, framework, f.path, ctx.cache);
  let res;
  try {
    res = await lintDslMigration({ path: f.path, text: r.text, framework, settings, sql: sqlFrontEnd, schema, dialectSource: source, runnerTimeouts });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // Pathological nesting (generated code): say so instead of failing the run.
    return [notAnalysed.finding({ message: `Not analysed: ${f.path} is nested too deeply to analyse statically. Review it by hand.`, file: f.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })];
  }
  const isNew = ctx.base ? ctx.base.addedFiles.has(f.path) : false;
  const fact = ctx.facts.migrations.find((m) => m.file === f.path);
  const blocked = res.irreversible.calls.length ? `${[...new Set(res.irreversible.calls.map((c) => c.name))].join(', ')}: ${res.irreversible.why}` : undefined;
  const entry: MigrationFact = { file: f.path, tool: framework, dialect: settings.dialect, isNew, direction: 'up', ...reversalOf(res.mapped.ops, dslDownStep(res.file), blocked) };
  if (fact) Object.assign(fact, entry);
  else ctx.facts.migrations.push(entry);
  return expandContract(ctx, framework, f.path, r.text, res, res.findings);
}

/** Rails, Django, Alembic, Knex, TypeORM and Sequelize migrations, linted by the SQL migration rules. */
export const frameworkAnalyzer: Analyzer = {
  area: 'migration',
  rules: frameworkRules,
  async analyze(ctx) {
    schemaCache(ctx).clear();
    CodeSearch.reset(ctx);
    const out: Finding[] = [];
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      if (f.cls.kind !== 'migration' || f.cls.format !== 'dsl') continue;
      if (ctx.base && !f.explicit && !ctx.base.changedFiles.has(f.path)) continue;
      try {
        out.push(...(await analyzeOne(ctx, f)));
      } catch (e) {
        if (ctx.signal.aborted) break;
        out.push(failureFinding('migration', f.path, e));
        ctx.log.error(`${f.path}: ${(e as Error).stack ?? e}`);
      }
    }
    return out;
  },
  /** As the user types: the application code may have changed since the last search, so it is searched afresh. */
  analyzeFile: (ctx, f) => {
    CodeSearch.reset(ctx);
    return analyzeOne(ctx, f);
  },
  /** The project's database and runner configuration decide the dialect and the timeouts of every framework migration. */
  affectsWorkspace: (f) => /(^|\/)(config\/database\.yml|config\/initializers\/strong_migrations\.rb|alembic\.ini|env\.py|knexfile\.(js|ts|cjs)|ormconfig\.(json|js|ts)|data-source\.ts|\.sequelizerc)$/.test(f.path),
};
