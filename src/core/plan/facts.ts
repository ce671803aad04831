import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments, parseDocument } from 'yaml';
import type { AnalysisContext, WorkspaceFile } from '../analyzer';
import { looksLikeKubernetes, looksLikeOpenApi, sqlToolFromContent, type MigrationTool } from '../classify';
import type { CommitInfo } from '../git';
import { loadPg, parsePostgres } from '../migrations/postgres';
import type { Report } from '../model';
import { readText } from '../reader';
import { parserFor, type Grammar } from '../treesitter';
import { flagScannable, scanFlags, type FlagUse } from '../checklist/flags';
import { parseRemote, type RemoteRepo } from '../github/client';

/**
 * Facts the rollback plan, the runbook and the checklist need beyond the report: how each new
 * migration is reversed, the deploy tooling and its rollback command, new flag keys, smoke
 * commands and health endpoints, commits and who is deploying. Gathered once per analysis from
 * the workspace session; rendering is pure.
 */
export type DownKind = 'file' | 'section' | 'method' | 'framework' | 'none';

export interface MigrationStep {
  file: string;
  tool: MigrationTool | string;
  down: DownKind;
  /** The down migration file, when it is a separate file. */
  downFile?: string;
  /** Operations that lose data and cannot be undone by a down migration. */
  irreversible: string[];
  /** Locks taken, from the migration findings. */
  locks: string[];
  /** The command that reverses this migration with its tool. */
  revertCommand?: string;
}

export type DeploySystem = 'kubernetes' | 'helm' | 'cloud-run' | 'heroku' | 'fly' | 'compose';

export interface DeployTarget {
  system: DeploySystem;
  name: string;
  namespace?: string;
  file: string;
  /** The command (or commands) that roll the code back. */
  rollback: string[];
  /** How long the rollback command usually takes, in minutes. */
  minutes: number;
}

export interface PlanFacts {
  branch?: string;
  headCommit?: string;
  base?: { ref: string; commit: string };
  migrations: MigrationStep[];
  envVars: { name: string; files: string[] }[];
  apiBreaking: { file: string; message: string }[];
  flags: FlagUse[];
  /** False when flags could not be compared with the base (no base). */
  flagsCompared: boolean;
  sourceChanged: boolean;
  deploy: DeployTarget[];
  smoke: { command: string; source: string }[];
  health: { path: string; file: string }[];
  commits: CommitInfo[];
  user?: string;
  remote?: RemoteRepo;
  remoteUrl?: string;
}

const REVERT: Partial<Record<string, (file: string) => string>> = {
  'golang-migrate': (f) => `migrate -path ${f.slice(0, f.lastIndexOf('/')) || '.'} -database "$DATABASE_URL" down 1`,
  goose: (f) => `goose -dir ${f.slice(0, f.lastIndexOf('/')) || '.'} postgres "$DATABASE_URL" down`,
  dbmate: () => 'dbmate rollback',
  flyway: () => 'flyway undo',
  rails: (f) => `bin/rails db:migrate:down VERSION=${/(\d{8,})/.exec(f)?.[1] ?? '<version>'}`,
  alembic: () => 'alembic downgrade -1',
  django: (f) => {
    const m = /(?:^|\/)([^/]+)\/migrations\/(\d{4})_/.exec(f);
    return m ? `python manage.py migrate ${m[1]} ${String(Number(m[2]) - 1).padStart(4, '0')}` : 'python manage.py migrate <app> <previous migration>';
  },
  knex: () => 'npx knex migrate:down',
  typeorm: () => 'npx typeorm migration:revert',
  sequelize: () => 'npx sequelize-cli db:migrate:undo',
  'node-pg-migrate': () => 'npx node-pg-migrate down 1',
};

const DESTRUCTIVE_CALLS = new Set([
  'drop_table', 'remove_column', 'remove_columns', 'remove_reference', 'change_column', 'drop_join_table', // Rails
  'drop_column', 'drop_constraint', // Alembic op.*
  'dropTable', 'dropColumn', 'dropColumns', 'dropTableIfExists', 'renameColumn', 'dropSchema', // knex, TypeORM QueryRunner
  'removeColumn', 'changeColumn', // Sequelize
  'RemoveField', 'DeleteModel', 'AlterField', // Django
]);

function dslGrammar(file: string): Grammar | undefined {
  const e = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return e === 'rb' ? 'ruby' : e === 'py' ? 'python' : e === 'ts' ? 'typescript' : ['js', 'mjs', 'cjs'].includes(e) ? 'javascript' : undefined;
}

function walk(root: TSNode, visit: (n: TSNode) => void): void {
  const c = root.walk();
  try {
    for (;;) {
      visit(c.currentNode);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return;
    }
  } finally {
    c.delete();
  }
}

/** Down methods and destructive calls of a framework migration, with tree-sitter. */
export async function inspectDslMigration(file: string, text: string): Promise<{ downMethods: string[]; destructive: string[] }> {
  const g = dslGrammar(file);
  if (!g) return { downMethods: [], destructive: [] };
  const { parser } = await parserFor(g);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return { downMethods: [], destructive: [] };
  const downMethods = new Set<string>();
  const destructive: string[] = [];
  try {
    walk(tree.rootNode, (n) => {
      let name: string | undefined;
      let body: TSNode | null = null;
      if (n.type === 'method' || n.type === 'function_definition' || n.type === 'function_declaration' || n.type === 'method_definition') {
        name = n.childForFieldName('name')?.text;
        body = n.childForFieldName('body');
      } else if (n.type === 'pair' || n.type === 'assignment_expression') {
        const key = n.childForFieldName('key') ?? n.childForFieldName('left');
        const value = n.childForFieldName('value') ?? n.childForFieldName('right');
        if (value && /function|arrow_function/.test(value.type)) name = key?.text.replace(/^(module\.)?exports\./, '');
        body = value?.childForFieldName('body') ?? null;
      }
      if (name === 'down' || name === 'downgrade' || name === 'change') {
        // A Python `def downgrade(): pass` reverses nothing.
        const empty = g === 'python' && body && body.namedChildren.every((c) => c?.type === 'pass_statement' || c?.type === 'comment' || c?.type === 'expression_statement' && c.namedChildren[0]?.type === 'string');
        if (!empty) downMethods.add(name);
      }
      if (n.type === 'call' || n.type === 'call_expression') {
        const fn = n.childForFieldName('method') ?? n.childForFieldName('function');
        const callee = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
        if (callee && DESTRUCTIVE_CALLS.has(callee)) {
          const arg = (n.childForFieldName('arguments')?.namedChildren ?? []).find((a) => a && /string|simple_symbol|symbol/.test(a.type));
          destructive.push(`${callee}${arg ? ` ${arg.text.replace(/^[:'"]|['"]$/g, '')}` : ''}`);
        }
      }
    });
  } finally {
    tree.delete();
  }
  return { downMethods: [...downMethods], destructive };
}

/** Data-losing statements of a PostgreSQL migration, with libpg-query. */
export async function irreversibleSql(text: string): Promise<string[]> {
  const pg = await loadPg();
  const out: string[] = [];
  for (const s of parsePostgres(pg, text).statements) {
    const body = s.node[s.kind] as Record<string, unknown>;
    const rel = (r: unknown) => ((r as { relname?: string } | undefined)?.relname ?? '?');
    if (s.kind === 'DropStmt') {
      const t = String(body.removeType ?? '');
      if (['OBJECT_TABLE', 'OBJECT_SCHEMA', 'OBJECT_TYPE', 'OBJECT_SEQUENCE'].includes(t)) {
        const names = ((body.objects as unknown[]) ?? []).map((o) => JSON.stringify(o).match(/"sval":"([^"]+)"/g)?.map((x) => x.slice(8, -1)).join('.') ?? '?');
        out.push(`DROP ${t.replace('OBJECT_', '')} ${names.join(', ')}`);
      }
    } else if (s.kind === 'TruncateStmt') out.push(`TRUNCATE ${((body.relations as unknown[]) ?? []).map((r) => rel((r as { RangeVar?: unknown }).RangeVar)).join(', ')}`);
    else if (s.kind === 'DeleteStmt') out.push(`DELETE FROM ${rel(body.relation)}`);
    else if (s.kind === 'AlterTableStmt') {
      for (const c of (body.cmds as { AlterTableCmd?: { subtype?: string; name?: string } }[]) ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_DropColumn') out.push(`DROP COLUMN ${rel(body.relation)}.${cmd.name}`);
        if (cmd?.subtype === 'AT_AlterColumnType') out.push(`ALTER COLUMN ${rel(body.relation)}.${cmd.name} TYPE (may lose data)`);
      }
    }
  }
  return out;
}

/** Data-losing statements of a MySQL/MariaDB migration, with node-sql-parser. A file that does not parse gives none. */
export function irreversibleMysql(text: string): string[] {
  type Ast = { type?: string; keyword?: string; name?: { table?: string }[]; table?: { table?: string }[]; expr?: { action?: string; resource?: string; column?: { column?: unknown } }[] };
  let asts: Ast[];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Parser } = require('node-sql-parser') as typeof import('node-sql-parser');
    const out = new Parser().astify(text, { database: 'MySQL' }) as unknown;
    asts = (Array.isArray(out) ? out : [out]) as Ast[];
  } catch {
    return [];
  }
  const names = (xs: { table?: string }[] | undefined) => (xs ?? []).map((x) => x.table ?? '?').join(', ');
  const out: string[] = [];
  for (const a of asts) {
    if (a.type === 'drop' && (a.keyword === 'table' || a.keyword === 'database' || a.keyword === 'schema')) out.push(`DROP ${a.keyword.toUpperCase()} ${names(a.name)}`);
    else if (a.type === 'truncate') out.push(`TRUNCATE ${names(a.name)}`);
    else if (a.type === 'delete') out.push(`DELETE FROM ${names(a.table)}`);
    else if (a.type === 'alter') {
      for (const e of a.expr ?? []) {
        const col = typeof e.column?.column === 'string' ? e.column.column : JSON.stringify(e.column?.column ?? '?');
        if (e.action === 'drop' && e.resource === 'column') out.push(`DROP COLUMN ${names(a.table)}.${col}`);
        if ((e.action === 'modify' || e.action === 'change') && e.resource === 'column') out.push(`MODIFY COLUMN ${names(a.table)}.${col} (may lose data)`);
      }
    }
  }
  return out;
}

/** Splits a goose/dbmate file at its down directive: [up part, down part]. */
function splitDirectives(text: string, tool: string): [string, string | undefined] {
  const re = tool === 'goose' ? /^\s*--\s*\+goose\s+Down\b.*$/im : /^\s*--\s*migrate:down\b.*$/im;
  const m = re.exec(text);
  if (!m) return [text, undefined];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}

async function migrationStep(ctx: AnalysisContext, report: Report, file: WorkspaceFile, byPath: Map<string, WorkspaceFile>): Promise<MigrationStep | undefined> {
  if (file.cls.kind !== 'migration' || file.cls.direction === 'down') return undefined;
  const text = await readText(ctx.reader, file.path, () => undefined);
  const locks = [...new Set(report.findings.filter((f) => f.file === file.path && typeof f.data?.lock === 'string').map((f) => String(f.data!.lock)))];
  const step: MigrationStep = { file: file.path, tool: file.cls.tool, down: 'none', irreversible: [], locks };
  if (text === undefined) return step;
  if (file.cls.format === 'sql') {
    const tool = sqlToolFromContent(text, file.cls.tool);
    step.tool = tool;
    let up = text;
    if (tool === 'goose' || tool === 'dbmate') {
      const [u, d] = splitDirectives(text, tool);
      up = u;
      if (d !== undefined) {
        const hasSql = ctx.config.migrations.dialect === 'mysql' ? /\S/.test(d.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '')) : parsePostgres(await loadPg(), d).statements.length > 0;
        if (hasSql) step.down = 'section';
      }
    } else if (/\.up\.sql$/i.test(file.path)) {
      const df = file.path.replace(/\.up\.sql$/i, '.down.sql');
      if (byPath.has(df) || (await ctx.reader.read(df)).kind === 'text') Object.assign(step, { down: 'file', downFile: df });
    } else if (tool === 'flyway') {
      const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
      const base = file.path.slice(dir.length);
      const undo = dir + base.replace(/^V/i, 'U');
      if (byPath.has(undo)) Object.assign(step, { down: 'file', downFile: undo });
    }
    step.irreversible = ctx.config.migrations.dialect === 'mysql' ? irreversibleMysql(up) : await irreversibleSql(up).catch(() => []);
  } else {
    const dsl = await inspectDslMigration(file.path, text).catch(() => ({ downMethods: [], destructive: [] }));
    step.irreversible = dsl.destructive;
    if (file.cls.tool === 'django') step.down = 'framework';
    else if (dsl.downMethods.length) step.down = 'method';
  }
  if (step.down !== 'none') step.revertCommand = REVERT[step.tool]?.(file.path);
  return step;
}

/** YAML to plain data; malformed documents give undefined instead of throwing. */
function yamlJs(text: string): unknown {
  try {
    const d = parseDocument(text);
    return d.errors.length ? undefined : d.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function yamlDocs(text: string): unknown[] {
  try {
    return parseAllDocuments(text).flatMap((d) => {
      if (!('errors' in d) || d.errors.length) return [];
      try {
        return [d.toJS({ maxAliasCount: 100 })];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

async function deployTargets(ctx: AnalysisContext): Promise<DeployTarget[]> {
  const out: DeployTarget[] = [];
  let yamlRead = 0;
  for (const f of ctx.files) {
    if (ctx.signal.aborted) break;
    const c = f.cls;
    if (c.kind === 'deploy-manifest' && c.system === 'helm') {
      const text = await readText(ctx.reader, f.path, () => undefined);
      const name = text ? String((yamlJs(text) as { name?: string } | undefined)?.name ?? '') : '';
      const release = name || '<release>';
      out.push({ system: 'helm', name: release, file: f.path, rollback: [`helm history ${release}`, `helm rollback ${release} --wait`], minutes: 2 });
    } else if (c.kind === 'deploy-manifest' && c.system === 'heroku' && f.path.endsWith('app.json')) {
      const text = await readText(ctx.reader, f.path, () => undefined);
      let name = '';
      try {
        name = String((JSON.parse(text ?? '{}') as { name?: string }).name ?? '');
      } catch {
        name = '';
      }
      const app = name || '<app>';
      out.push({ system: 'heroku', name: app, file: f.path, rollback: [`heroku releases -a ${app}`, `heroku rollback -a ${app}`], minutes: 1 });
    } else if (c.kind === 'deploy-manifest' && c.system === 'heroku' && !out.some((d) => d.system === 'heroku')) {
      out.push({ system: 'heroku', name: '<app>', file: f.path, rollback: ['heroku releases -a <app>', 'heroku rollback -a <app>'], minutes: 1 });
    } else if (c.kind === 'deploy-manifest' && c.system === 'fly') {
      const text = await readText(ctx.reader, f.path, () => undefined);
      let app = '';
      try {
        app = String((parseToml(text ?? '') as { app?: unknown }).app ?? '');
      } catch {
        app = ''; // not valid TOML: keep the placeholder
      }
      const a = app || '<app>';
      out.push({ system: 'fly', name: a, file: f.path, rollback: [`fly releases -a ${a} --image`, `fly deploy -a ${a} --image <previous image>`], minutes: 3 });
    } else if (c.kind === 'deploy-manifest' && c.system === 'compose') {
      const text = await readText(ctx.reader, f.path, () => undefined);
      const services = Object.keys((yamlJs(text ?? '') as { services?: Record<string, unknown> } | undefined)?.services ?? {});
      const svc = services.join(' ') || '<service>';
      out.push({ system: 'compose', name: svc, file: f.path, rollback: [`# set the image tags in ${f.path} back to the previous release, then:`, `docker compose -f ${f.path} up -d --no-deps ${svc}`], minutes: 2 });
    } else if (c.kind === 'api-candidate' && c.format === 'yaml' && yamlRead < 400) {
      yamlRead++;
      const text = await readText(ctx.reader, f.path, () => undefined);
      if (!text || looksLikeOpenApi(text)) continue;
      if (/(^|\n)apiVersion:\s*serving\.knative\.dev\//.test(text)) {
        for (const d of yamlDocs(text)) {
          const j = d as { kind?: string; metadata?: { name?: string } } | null;
          if (j?.kind === 'Service' && j.metadata?.name) {
            const n = j.metadata.name;
            out.push({ system: 'cloud-run', name: n, file: f.path, rollback: [`gcloud run revisions list --service ${n}`, `gcloud run services update-traffic ${n} --to-revisions <previous revision>=100`], minutes: 1 });
          }
        }
      } else if (looksLikeKubernetes(text)) {
        for (const d of yamlDocs(text)) {
          const j = d as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
          if (!j?.metadata?.name || !['Deployment', 'StatefulSet', 'DaemonSet'].includes(j.kind ?? '')) continue;
          const kind = j.kind!.toLowerCase();
          const ns = j.metadata.namespace ?? 'default';
          if (j.metadata.name.includes('{{')) continue; // a Helm template, rolled back with helm
          out.push({
            system: 'kubernetes',
            name: `${kind}/${j.metadata.name}`,
            namespace: ns,
            file: f.path,
            rollback: [`kubectl rollout undo ${kind}/${j.metadata.name} -n ${ns}`, `kubectl rollout status ${kind}/${j.metadata.name} -n ${ns} --timeout=5m`],
            minutes: 2,
          });
        }
      }
    }
  }
  return out.sort((a, b) => a.system.localeCompare(b.system) || a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
}

async function smokeCommands(ctx: AnalysisContext): Promise<{ command: string; source: string }[]> {
  const out: { command: string; source: string }[] = [];
  const pkg = ctx.files.find((f) => f.path === 'package.json');
  if (pkg) {
    const text = await readText(ctx.reader, pkg.path, () => undefined);
    try {
      const scripts = (JSON.parse(text ?? '{}') as { scripts?: Record<string, string> }).scripts ?? {};
      for (const name of Object.keys(scripts).sort()) if (/^(smoke|test:smoke|smoke:.*|e2e:prod|healthcheck|health|verify|check:prod)$/i.test(name)) out.push({ command: `npm run ${name}`, source: 'package.json' });
    } catch {
      /* not JSON: nothing found */
    }
  }
  const mk = ctx.files.find((f) => f.path === 'Makefile' || f.path === 'makefile');
  if (mk) {
    const text = (await readText(ctx.reader, mk.path, () => undefined)) ?? '';
    // Make targets are lines `name:` at column 0 (make's own syntax, no parser package exists for it).
    for (const m of text.matchAll(/^([A-Za-z0-9_.-]*(?:smoke|health|verify)[A-Za-z0-9_.-]*)\s*:(?!=)/gim)) out.push({ command: `make ${m[1]}`, source: mk.path });
  }
  return out;
}

async function healthEndpoints(ctx: AnalysisContext, report: Report): Promise<{ path: string; file: string }[]> {
  const out: { path: string; file: string }[] = [];
  for (const s of report.facts.apiSchemas) {
    const text = await readText(ctx.reader, s.file, () => undefined);
    if (!text) continue;
    type Spec = { paths?: Record<string, unknown> } | null;
    let doc: Spec;
    try {
      doc = (s.file.endsWith('.json') ? JSON.parse(text) : yamlJs(text)) as Spec;
    } catch {
      doc = null;
    }
    for (const p of Object.keys(doc?.paths ?? {})) if (/(^|\/)(health|healthz|livez|readyz|ready|ping|status)(\/|$)/i.test(p)) out.push({ path: p, file: s.file });
  }
  return out;
}

async function flagsOnBranch(ctx: AnalysisContext): Promise<{ flags: FlagUse[]; compared: boolean; sourceChanged: boolean }> {
  const sources = ctx.files.filter((f) => f.cls.kind === 'source');
  const changed = ctx.base ? sources.filter((f) => ctx.base!.changedFiles.has(f.path)) : sources;
  const sourceChanged = changed.length > 0;
  if (!ctx.base) return { flags: [], compared: false, sourceChanged };
  const head: FlagUse[] = [];
  const baseKeys = new Set<string>();
  for (const f of changed) {
    if (ctx.signal.aborted || f.cls.kind !== 'source' || !flagScannable(f.cls.language)) continue;
    const text = await readText(ctx.reader, f.path, () => undefined);
    if (text !== undefined) head.push(...(await scanFlags(f.cls.language, f.path, text).catch(() => [])));
    if (ctx.base && !ctx.base.addedFiles.has(f.path)) {
      const r = await ctx.base.reader.read(f.path);
      if (r.kind === 'text') for (const u of await scanFlags(f.cls.language, f.path, r.text).catch(() => [])) baseKeys.add(u.key);
    }
  }
  const flags = head.filter((u) => !baseKeys.has(u.key));
  const seen = new Set<string>();
  return { flags: flags.filter((u) => (seen.has(u.key) ? false : (seen.add(u.key), true))), compared: true, sourceChanged };
}

/** Gathers the plan facts from the workspace session and its report. Runs no git in Restricted Mode. */
export async function gatherPlanFacts(ctx: AnalysisContext, report: Report): Promise<PlanFacts> {
  const key = `plan-facts:${report.facts.head?.commit ?? ''}:${report.findings.length}`;
  const cached = ctx.cache.get(key) as PlanFacts | undefined;
  if (cached) return cached;
  const byPath = new Map(ctx.files.map((f) => [f.path, f]));
  const migrations: MigrationStep[] = [];
  // A migration edited after it reached the base does not run again where it ran: never listed for reversal.
  const editedInPlace = new Set(report.findings.filter((f) => f.ruleId === 'migration/edited-after-deploy').map((f) => f.file));
  const wanted = report.facts.migrations
    .filter((m) => (m.isNew || !report.facts.base || ctx.base?.changedFiles.has(m.file)) && !editedInPlace.has(m.file))
    .map((m) => m.file)
    .sort();
  for (const p of wanted) {
    const f = byPath.get(p) ?? { path: p, cls: ctx.classifier.classify(p) };
    const step = await migrationStep(ctx, report, f, byPath);
    if (step) migrations.push(step);
  }
  const fl = await flagsOnBranch(ctx);
  let user: string | undefined;
  let remoteUrl: string | undefined;
  if (ctx.git && ctx.trusted) {
    user = (await ctx.git.raw(['config', '--get', 'user.name']).catch(() => '')).trim() || undefined;
    remoteUrl = (await ctx.git.raw(['remote', 'get-url', 'origin']).catch(() => '')).trim() || undefined;
  }
  const facts: PlanFacts = {
    branch: report.facts.head?.branch,
    headCommit: report.facts.head?.commit,
    base: report.facts.base,
    migrations,
    envVars: report.facts.envVars.filter((v) => v.isNew).map((v) => ({ name: v.name, files: [...v.files].sort() })).sort((a, b) => a.name.localeCompare(b.name)),
    apiBreaking: report.findings.filter((f) => f.area === 'api' && f.severity === 'error').map((f) => ({ file: f.file, message: f.message })),
    flags: fl.flags.sort((a, b) => a.key.localeCompare(b.key)),
    flagsCompared: fl.compared,
    sourceChanged: fl.sourceChanged,
    deploy: await deployTargets(ctx),
    smoke: await smokeCommands(ctx),
    health: await healthEndpoints(ctx, report),
    commits: ctx.base?.commits ?? [],
    user,
    remote: remoteUrl ? parseRemote(remoteUrl) : undefined,
    remoteUrl,
  };
  ctx.cache.set(key, facts);
  return facts;
}
