import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding } from '../model';
import { describeUnreadable } from '../reader';
import { sqlToolFromContent, type MigrationTool } from '../classify';
import type { Dialect, MigrationOp, SchemaState } from './ops';
import { loadPg, type PgModule } from './postgres';
import { migrationRules, unreadable } from './rules';
import { applyOps, cloneSchema, emptySchema, markNewOnBranch, migrationOrderKey, sequenceDir } from './schema';
import { inferDialect, lintSqlFile, sqlOps, upSection, type SqlFileOptions } from './sqlfile';
import type { MigrationSettings } from './settings';

/** MariaDB when the configured version says so ("10.11", "11.4", "10.6-mariadb"). */
export function isMariadbVersion(v: string): boolean {
  return /mariadb/i.test(v) || /^1[0-9]\./.test(v.trim());
}

/** Lint settings from the config's `migrations` section. */
export function lintSettings(m: MigrationSettings): SqlFileOptions['settings'] {
  return { postgresVersion: m.postgresVersion, mysqlVersion: m.mysqlVersion, mariadb: isMariadbVersion(m.mysqlVersion) };
}

/** Lints one SQL migration's text with default settings (tests, hover, benchmarks). */
export async function lintSqlMigration(file: string, text: string, opts: Partial<SqlFileOptions> & { rules?: Record<string, string> } = {}): Promise<Finding[]> {
  const pg = await loadPg();
  const enabled = OPT_IN.filter((id) => opts.rules?.[id] && opts.rules[id] !== 'off');
  const found = lintSqlFile(pg, text, { file, tool: opts.tool ?? 'sql', settings: opts.settings ?? { postgresVersion: 16, mysqlVersion: '8.0' }, optIn: enabled, ...opts }).findings;
  // Opt-in rules only when enabled, as the engine does with the config.
  const optIn = new Set(migrationRules.filter((r) => r.optIn).map((r) => r.id));
  return found.filter((f) => !optIn.has(f.ruleId) || (opts.rules?.[f.ruleId] && opts.rules[f.ruleId] !== 'off'));
}

const OPT_IN = migrationRules.filter((r) => r.optIn).map((r) => r.id);

interface CachedOps {
  text: string;
  ops: MigrationOp[];
}

function opsCache(ctx: AnalysisContext): Map<string, CachedOps> {
  let m = ctx.cache.get('migrations:ops') as Map<string, CachedOps> | undefined;
  if (!m) ctx.cache.set('migrations:ops', (m = new Map()));
  return m;
}

function schemaCache(ctx: AnalysisContext): Map<string, Sequence> {
  let m = ctx.cache.get('migrations:schema') as Map<string, Sequence> | undefined;
  if (!m) ctx.cache.set('migrations:schema', (m = new Map()));
  return m;
}

function dialectFor(ctx: AnalysisContext, text: string): Dialect {
  return ctx.config.migrations.dialect ?? inferDialect(text);
}

async function opsOf(ctx: AnalysisContext, pg: PgModule, g: WorkspaceFile): Promise<MigrationOp[] | undefined> {
  const r = await ctx.reader.read(g.path);
  if (r.kind !== 'text') return undefined;
  const cache = opsCache(ctx);
  let c = cache.get(g.path);
  if (!c || c.text !== r.text) {
    const tool = sqlToolFromContent(r.text, g.cls.kind === 'migration' ? g.cls.tool : 'sql');
    const body = upSection(r.text, tool);
    const dialect = ctx.config.migrations.dialect ?? (await dialectFromTool(ctx, g.path, tool)) ?? dialectFor(ctx, body);
    c = { text: r.text, ops: sqlOps(pg, body, dialect, isMariadbVersion(ctx.config.migrations.mysqlVersion), ctx.config.migrations.placeholders).ops };
    cache.set(g.path, c);
  }
  return c.ops;
}

interface Sequence {
  schema: SchemaState;
  laterIndexes: { table: string; columns: string[] }[];
}

/**
 * The schema before `f`: every earlier migration of the same sequence (directory), replayed in
 * order; and the indexes later migrations create. Cached per file for the session; a full analysis
 * starts afresh.
 */
async function sequenceAround(ctx: AnalysisContext, pg: PgModule, f: WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } }): Promise<Sequence> {
  const cached = schemaCache(ctx).get(f.path);
  if (cached) return { schema: cloneSchema(cached.schema), laterIndexes: cached.laterIndexes };
  const dir = sequenceDir(f.path, f.cls.tool);
  const key = migrationOrderKey(f.path);
  const seq = ctx.files
    .filter((g) => g.cls.kind === 'migration' && g.cls.format === 'sql' && g.cls.direction === 'up' && g.path !== f.path && sequenceDir(g.path, g.cls.tool) === dir)
    .sort((a, b) => (migrationOrderKey(a.path) < migrationOrderKey(b.path) ? -1 : 1));
  const schema = emptySchema();
  const laterIndexes: Sequence['laterIndexes'] = [];
  for (const g of seq) {
    if (ctx.signal.aborted) break;
    const ops = await opsOf(ctx, pg, g);
    if (!ops) continue;
    if (migrationOrderKey(g.path) < key) {
      applyOps(schema, ops, g.path);
      if (ctx.base?.addedFiles.has(g.path)) markNewOnBranch(schema, g.path);
    }
    else {
      for (const op of ops) {
        if (op.kind === 'create-index' && op.table) laterIndexes.push({ table: op.table, columns: op.columns });
        if (op.kind === 'add-constraint' && (op.constraint.type === 'unique' || op.constraint.type === 'primary-key')) laterIndexes.push({ table: op.table, columns: op.constraint.columns });
      }
    }
  }
  const out = { schema, laterIndexes };
  schemaCache(ctx).set(f.path, out);
  return { schema: cloneSchema(schema), laterIndexes };
}

/** The dialect a tool's own files declare: Prisma's migration_lock.toml `provider`. */
async function dialectFromTool(ctx: AnalysisContext, file: string, tool: string): Promise<Dialect | undefined> {
  if (tool !== 'prisma') return undefined;
  const dir = sequenceDir(file, tool);
  const key = `migrations:prisma-provider:${dir}`;
  if (ctx.cache.has(key)) return ctx.cache.get(key) as Dialect | undefined;
  const r = await ctx.reader.read(`${dir ? `${dir}/` : ''}migration_lock.toml`);
  const m = r.kind === 'text' ? /^\s*provider\s*=\s*"(\w+)"/m.exec(r.text) : null;
  const d: Dialect | undefined = m ? (/^(mysql|mariadb)$/i.test(m[1]) ? 'mysql' : /^(postgresql|postgres|cockroachdb)$/i.test(m[1]) ? 'postgres' : undefined) : undefined;
  ctx.cache.set(key, d);
  return d;
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  if (f.cls.kind !== 'migration' || f.cls.format !== 'sql') return [];
  const r = await ctx.reader.read(f.path);
  if (r.kind !== 'text') {
    if (r.kind === 'missing') return [];
    return [unreadable.finding({ message: describeUnreadable(f.path, r), file: f.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })];
  }
  const pg = await loadPg();
  const tool = sqlToolFromContent(r.text, f.cls.tool);
  const m = ctx.config.migrations;
  const isNew = ctx.base ? ctx.base.addedFiles.has(f.path) : false;
  let flywayConf: string | undefined;
  if (tool === 'flyway') {
    const conf = await ctx.reader.read(`${f.path}.conf`);
    if (conf.kind === 'text') flywayConf = conf.text;
  }
  const dialect = m.dialect ?? (await dialectFromTool(ctx, f.path, tool));
  const { schema, laterIndexes } = await sequenceAround(ctx, pg, f as WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } });
  const res = lintSqlFile(pg, r.text, {
    file: f.path,
    tool,
    dialect,
    settings: lintSettings(m),
    tx: { flywayConf, assumeInTransaction: m.assumeInTransaction, lockTimeoutSetByRunner: m.lockTimeoutSetByRunner, statementTimeoutSetByRunner: m.statementTimeoutSetByRunner },
    schema,
    laterIndexes,
    optIn: OPT_IN.filter((id) => ctx.config.rules[id] && ctx.config.rules[id] !== 'off'),
    direction: f.cls.direction,
    placeholders: m.placeholders,
  });
  if (!ctx.facts.migrations.some((x) => x.file === f.path)) ctx.facts.migrations.push({ file: f.path, tool, dialect: res.dialect, isNew });
  const opaque = res.ops.filter((o) => o.kind === 'opaque');
  if (opaque.length && !ctx.notices.some((n) => n.file === f.path && n.area === 'migration')) {
    ctx.notices.push({ level: 'info', area: 'migration', file: f.path, message: `${f.path}: ${opaque.length} DO block(s): statements inside PL/pgSQL bodies are not analysed; review them by hand` });
  }
  return res.findings;
}

export const migrationAnalyzer: Analyzer = {
  area: 'migration',
  rules: migrationRules,
  async analyze(ctx) {
    schemaCache(ctx).clear();
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
