import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding, MigrationFact } from '../model';
import { reversalOf, type DownStep } from './reversal';
import { describeUnreadable } from '../reader';
import { sqlToolFromContent, type MigrationTool } from '../classify';
import type { Dialect, MigrationOp, SchemaState } from './ops';
import { loadPg, type PgModule } from './postgres';
import { migrationRules, unreadable } from './rules';
import { historyRules, migrationHistory } from './history';
import { applyOps, cloneSchema, emptySchema, markNewOnBranch, migrationOrderKey, sequenceDir } from './schema';
import { downSection, inferDialect, lintSqlFile, sqlOps, upSection, type SqlFileOptions } from './sqlfile';
import type { MigrationSettings } from './settings';
import { contentHash } from '../memo';

/**
 * `sqlOps` through the per-file memo: a migration's statements are parsed once per content (and
 * dialect, MariaDB flag, placeholders), whichever run (head, merge base, an earlier CLI run) asks.
 */
function memoSqlOps(ctx: AnalysisContext, file: string): typeof sqlOps {
  return (pg, body, dialect, mariadb = false, placeholders = []) =>
    ctx.memo.getSync('migrations:sql-ops', file, contentHash(body), JSON.stringify([dialect, mariadb, placeholders]), () => sqlOps(pg, body, dialect, mariadb, placeholders));
}

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
    c = { text: r.text, ops: memoSqlOps(ctx, g.path)(pg, body, dialect, isMariadbVersion(ctx.config.migrations.mysqlVersion), ctx.config.migrations.placeholders).ops };
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

const isUpSql = (g: WorkspaceFile): g is WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } } => g.cls.kind === 'migration' && g.cls.format === 'sql' && g.cls.direction === 'up';

function indexesOf(ops: MigrationOp[]): Sequence['laterIndexes'] {
  const out: Sequence['laterIndexes'] = [];
  for (const op of ops) {
    if (op.kind === 'create-index' && op.table) out.push({ table: op.table, columns: op.columns });
    if (op.kind === 'add-constraint' && (op.constraint.type === 'unique' || op.constraint.type === 'primary-key')) out.push({ table: op.table, columns: op.constraint.columns });
  }
  return out;
}

/**
 * The schema history of every sequence, built once and in order for a full analysis: each migration
 * of a sequence is read and parsed once, the schema is replayed once, and each file to analyse gets
 * the state before it (what `sequenceAround` computes for one file by reading all the others: done
 * for every file, that was quadratic without a git base).
 */
async function prepareSequences(ctx: AnalysisContext, pg: PgModule, targets: WorkspaceFile[]): Promise<void> {
  const byDir = new Map<string, (WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } })[]>();
  for (const t of targets) {
    if (t.cls.kind !== 'migration' || t.cls.format !== 'sql') continue;
    const dir = sequenceDir(t.path, t.cls.tool);
    const list = byDir.get(dir);
    if (list) list.push(t as WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } });
    else byDir.set(dir, [t as WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool } }]);
  }
  if (!byDir.size) return;
  const seqs = new Map<string, WorkspaceFile[]>();
  for (const g of ctx.files) {
    if (!isUpSql(g)) continue;
    const dir = sequenceDir(g.path, g.cls.tool);
    if (!byDir.has(dir)) continue;
    const list = seqs.get(dir);
    if (list) list.push(g);
    else seqs.set(dir, [g]);
  }
  const byKey = (a: WorkspaceFile, b: WorkspaceFile) => (migrationOrderKey(a.path) < migrationOrderKey(b.path) ? -1 : 1);
  for (const [dir, targetList] of byDir) {
    const seq = (seqs.get(dir) ?? []).sort(byKey);
    const keys = seq.map((g) => migrationOrderKey(g.path));
    const opsList: (MigrationOp[] | undefined)[] = [];
    for (const g of seq) {
      if (ctx.signal.aborted) return;
      opsList.push(await opsOf(ctx, pg, g));
    }
    const idx = opsList.map((ops) => (ops ? indexesOf(ops) : []));
    const schema = emptySchema();
    let i = 0;
    for (const t of [...targetList].sort(byKey)) {
      const k = migrationOrderKey(t.path);
      for (; i < seq.length && keys[i] < k; i++) {
        if (!opsList[i]) continue;
        applyOps(schema, opsList[i]!, seq[i].path);
        // A table an earlier file of this branch created is exempt in later files, as within one file.
        if (ctx.base?.addedFiles.has(seq[i].path)) markNewOnBranch(schema, seq[i].path);
      }
      const laterIndexes: Sequence['laterIndexes'] = [];
      for (let j = i; j < seq.length; j++) if (seq[j].path !== t.path) laterIndexes.push(...idx[j]);
      schemaCache(ctx).set(t.path, { schema: cloneSchema(schema), laterIndexes });
    }
  }
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

/** Paths of the walked files, for "does the down file exist" (one set per file list). */
function pathSet(ctx: AnalysisContext): Set<string> {
  const hit = ctx.cache.get('migrations:paths') as { files: unknown; set: Set<string> } | undefined;
  if (hit && hit.files === ctx.files && hit.set.size === ctx.files.length) return hit.set;
  const set = new Set(ctx.files.map((g) => g.path));
  ctx.cache.set('migrations:paths', { files: ctx.files, set });
  return set;
}

/** The down step of a SQL migration: a `.down.sql` twin, a Flyway undo file, or a down section with statements. */
async function sqlDownStep(ctx: AnalysisContext, pg: PgModule, file: string, tool: string, text: string, dialect: Dialect): Promise<DownStep | undefined> {
  const paths = pathSet(ctx);
  if (/\.up\.sql$/i.test(file)) {
    const df = file.replace(/\.up\.sql$/i, (m) => (m === '.up.sql' ? '.down.sql' : m.replace(/up/i, 'down')));
    if (paths.has(df) || (await ctx.reader.read(df)).kind === 'text') return { kind: 'file', file: df };
    return undefined;
  }
  if (tool === 'flyway') {
    const slash = file.lastIndexOf('/') + 1;
    const undo = file.slice(0, slash) + file.slice(slash).replace(/^V/i, 'U');
    return paths.has(undo) ? { kind: 'file', file: undo } : undefined;
  }
  const down = downSection(text, tool);
  if (down === undefined) return undefined;
  const ops = memoSqlOps(ctx, file)(pg, down, dialect, isMariadbVersion(ctx.config.migrations.mysqlVersion)).ops;
  return ops.some((o) => o.kind !== 'transaction' && o.kind !== 'set') ? { kind: 'section' } : undefined;
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
    parse: memoSqlOps(ctx, f.path),
  });
  const fact: MigrationFact = { file: f.path, tool, dialect: res.dialect, isNew, direction: f.cls.direction };
  if (f.cls.direction === 'up') Object.assign(fact, reversalOf(res.ops, await sqlDownStep(ctx, pg, f.path, tool, r.text, res.dialect)));
  const at = ctx.facts.migrations.findIndex((x) => x.file === f.path);
  if (at >= 0) ctx.facts.migrations[at] = fact;
  else ctx.facts.migrations.push(fact);
  const opaque = res.ops.filter((o) => o.kind === 'opaque');
  if (opaque.length && !ctx.notices.some((n) => n.file === f.path && n.area === 'migration')) {
    ctx.notices.push({ level: 'info', area: 'migration', file: f.path, message: `${f.path}: ${opaque.length} DO block(s): statements inside PL/pgSQL bodies are not analysed; review them by hand` });
  }
  return res.findings;
}

export const migrationAnalyzer: Analyzer = {
  area: 'migration',
  rules: [...migrationRules, ...historyRules],
  async analyze(ctx) {
    schemaCache(ctx).clear();
    const out: Finding[] = await migrationHistory(ctx);
    // On a branch, only migrations the branch adds or changes are reviewed; explicit paths always are.
    const targets = ctx.files.filter((f) => f.cls.kind === 'migration' && !(ctx.base && !f.explicit && !ctx.base.changedFiles.has(f.path)));
    await prepareSequences(ctx, await loadPg(), targets);
    for (const f of targets) {
      if (ctx.signal.aborted) break;
      out.push(...(await analyzeOne(ctx, f)));
    }
    return out;
  },
  analyzeFile: analyzeOne,
};
