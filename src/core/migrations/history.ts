import type { AnalysisContext, WorkspaceFile } from '../analyzer';
import type { MigrationTool } from '../classify';
import type { Finding, Range } from '../model';
import { defineRule } from '../rule';
import { migrationOrderKey, sequenceDir } from './schema';
import type { DslFile } from '../frameworks/dsl';
import { extractPython } from '../frameworks/python';
import { extractRails } from '../frameworks/ruby';
import { extractJs } from '../frameworks/javascript';

/**
 * Migration history: facts only a branch view can see, from the migration files at the merge
 * base and at head. A migration already at the base has (probably) run somewhere; editing,
 * deleting or renaming it, or adding one that sorts before it, makes environments disagree.
 */

export const editedAfterDeploy = defineRule({
  id: 'migration/edited-after-deploy',
  defaultSeverity: 'error',
  summary: 'A migration that already exists on the base branch is modified: where it already ran it will not run again, so the schema drifts from the code',
  comparesBase: true,
});

export const outOfOrder = defineRule({
  id: 'migration/out-of-order',
  defaultSeverity: 'warning',
  summary: 'A new migration sorts before migrations already on the base branch: tools that apply in order skip it, fail, or apply it in a different order per environment',
  comparesBase: true,
});

export const deletedMigration = defineRule({
  id: 'migration/deleted',
  defaultSeverity: 'error',
  summary: 'A migration that exists on the base branch is deleted or renamed: databases where it ran record a migration the code no longer has',
  comparesBase: true,
});

export const historyRules = [editedAfterDeploy, outOfOrder, deletedMigration];

type Mig = WorkspaceFile & { cls: { kind: 'migration'; tool: MigrationTool; format: 'sql' | 'dsl'; direction: 'up' | 'down' } };

const isMig = (f: WorkspaceFile): f is Mig => f.cls.kind === 'migration';

/** The name a tool records as applied: the version for tools that key by version, else the migration's name. */
export function migrationIdentity(path: string, tool: MigrationTool): string {
  const parts = path.split('/');
  let base = parts[parts.length - 1];
  if (base === 'migration.sql' && parts.length > 1) base = parts[parts.length - 2];
  const dir = sequenceDir(path, tool);
  const byVersion = ['rails', 'goose', 'dbmate', 'flyway', 'golang-migrate', 'sqlx', 'supabase'].includes(tool);
  const v = /^[VvUu]?(\d+(?:[._]\d+)*)/.exec(base);
  if (byVersion && v) return `${dir}\0${v[1].replace(/_/g, '.')}\0${/\.down\.sql$|^[Uu]\d/.test(base) ? 'down' : 'up'}`;
  return `${dir}\0${base.replace(/\.(up\.sql|sql|rb|py|ts|js|cjs|mjs)$/i, '')}`;
}

/** The version part of the order key ("00000000000000000003"), undefined for names without one. */
function versionOf(path: string): string | undefined {
  const k = migrationOrderKey(path);
  return k.startsWith('~') ? undefined : k.slice(0, k.indexOf(' '));
}

/** Flyway repeatable migrations (R__) re-run whenever their checksum changes: editing them is their point. */
const isRepeatable = (path: string) => /(^|\/)R__[^/]*\.sql$/.test(path);

/** Tools that record versions and apply files in version order. */
const ORDERED = new Set<MigrationTool>(['rails', 'django', 'prisma', 'goose', 'dbmate', 'flyway', 'golang-migrate', 'sqlx', 'supabase', 'sql', 'node-pg-migrate', 'knex', 'sequelize', 'typeorm', 'drizzle']);

const ORDER_EFFECT: Partial<Record<MigrationTool, string>> = {
  flyway: 'Flyway refuses to migrate (validate fails on a resolved migration older than the applied ones) unless outOfOrder is on',
  goose: 'goose fails with "missing migrations" unless run with -allow-missing',
  'golang-migrate': 'golang-migrate only applies versions above the current one, so it never runs',
  django: 'Django sees two migrations with the same place in the app\'s history and may refuse to migrate ("Conflicting migrations detected") until they are merged',
  rails: 'Rails runs it, but after newer migrations where those already ran, so environments apply the changes in different orders',
  prisma: 'prisma migrate deploy applies it after newer migrations where those already ran, so environments apply the changes in different orders',
};

/** Strips comments and blank space, so a comment-only or whitespace-only edit is not a schema change. */
function normalise(text: string, tool: MigrationTool): string {
  const hash = tool === 'rails' || tool === 'django' || tool === 'alembic';
  // RuboCop's autocorrect of trailing spaces inside a heredoc writes them as #{' '}: the same string.
  if (tool === 'rails') text = text.replace(/#\{' '\}/g, ' ');
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('--') && !(hash && l.startsWith('#')) && !l.startsWith('//'))
    .join('\n')
    .replace(/\s+/g, ' ');
}

/**
 * The operations a framework migration performs, without positions: equal at base and head when an
 * edit only touched the code around them (imports, type annotations, a RunPython function's body).
 * Undefined when the file is not a framework migration or cannot be read completely.
 */
async function operationsOf(tool: MigrationTool, path: string, text: string): Promise<string | undefined> {
  let file: DslFile;
  try {
    if (tool === 'rails') file = await extractRails(text);
    else if (tool === 'django' || tool === 'alembic') file = await extractPython(tool, text);
    else if (tool === 'knex' || tool === 'typeorm' || tool === 'sequelize') file = await extractJs(tool, text, path);
    else return undefined;
  } catch {
    return undefined; // not comparable: the edit is judged as a change of operations (an error)
  }
  if (file.errors.length || file.unresolved.length) return undefined;
  return JSON.stringify(file.calls, (k, v) => (k === 'span' || k === 'nameSpan' || k === 'argsSpan' ? undefined : v));
}

/** The head lines that differ from the base: common prefix and suffix trimmed (linear). */
export function changedRange(baseText: string, headText: string): Range {
  const a = baseText.split(/\r\n|\r|\n/);
  const b = headText.split(/\r\n|\r|\n/);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  if (endB < start) {
    // Lines removed only: point at the line after the removal.
    const line = Math.min(start, b.length - 1);
    return { start: { line, character: 0 }, end: { line, character: b[line]?.length ?? 0 } };
  }
  return { start: { line: start, character: 0 }, end: { line: endB, character: b[endB].length } };
}

/** Migration history findings for a branch; nothing without a base (or while analysing the base itself). */
export async function migrationHistory(ctx: AnalysisContext): Promise<Finding[]> {
  const base = ctx.base;
  if (!base || ctx.baseRun || ctx.files.some((f) => f.explicit)) return [];
  const label = /^[0-9a-f]{40}$/i.test(base.ref) ? base.commit.slice(0, 7) : `${base.ref}@${base.commit.slice(0, 7)}`;
  const head = ctx.files.filter(isMig);
  const headById = new Map<string, Mig>();
  for (const f of head) headById.set(migrationIdentity(f.path, f.cls.tool), f);
  const deleted = [...base.deletedFiles]
    .map((p) => ({ path: p, cls: ctx.classifier.classify(p) }))
    .filter(isMig)
    .filter((f) => !isRepeatable(f.path));
  const atBase = [...head.filter((f) => !base.addedFiles.has(f.path)), ...deleted];
  const baseIds = new Set(atBase.map((f) => migrationIdentity(f.path, f.cls.tool)));
  const out: Finding[] = [];

  // Deleted (or renamed so that the tool sees another migration).
  for (const d of deleted) {
    const id = migrationIdentity(d.path, d.cls.tool);
    const same = headById.get(id);
    if (same) continue; // renamed, same identity: compared as an edit below
    const renamedTo = [...base.renames].find(([, from]) => from === d.path)?.[0];
    const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    out.push(
      deletedMigration.finding({
        message: renamedTo
          ? `${d.path} (on ${label}) is renamed to ${renamedTo}: databases where it ran record "${d.path.split('/').pop()}" as applied, and ${d.cls.tool === 'sql' ? 'the runner' : d.cls.tool} sees ${renamedTo.split('/').pop()} as a new migration to run again. Keep the original name.`
          : `${d.path} exists on ${label} and is deleted on this branch: databases where it ran keep its changes and record it as applied, while new environments never get them. Restore it, and undo its changes with a new migration instead.`,
        file: renamedTo ?? d.path,
        range: zero,
        related: [{ file: d.path, range: zero, message: `the migration at ${label}`, revision: label }],
        data: { migration: d.path, ...(renamedTo ? { renamedTo } : {}) },
      }),
    );
  }

  // Edited after it reached the base branch.
  for (const f of head) {
    if (base.addedFiles.has(f.path) && !base.renames.has(f.path)) continue;
    if (f.cls.direction === 'down' || isRepeatable(f.path)) continue;
    const basePath = base.renames.get(f.path) ?? f.path;
    if (!base.changedFiles.has(f.path) && basePath === f.path) continue;
    if (basePath !== f.path && migrationIdentity(basePath, f.cls.tool) !== migrationIdentity(f.path, f.cls.tool)) continue; // reported as deleted
    const [b, h] = await Promise.all([base.reader.read(basePath), ctx.reader.read(f.path)]);
    if (b.kind !== 'text' || h.kind !== 'text') continue;
    if (normalise(b.text, f.cls.tool) === normalise(h.text, f.cls.tool)) continue;
    const range = changedRange(b.text, h.text);
    // Same operations, other code around them (imports, annotations, a data function's body): a
    // warning to review, not a schema drift.
    const baseOps = await operationsOf(f.cls.tool, basePath, b.text);
    const sameOps = baseOps !== undefined && baseOps === (await operationsOf(f.cls.tool, f.path, h.text));
    out.push(
      editedAfterDeploy.finding({
        message: sameOps
          ? `${f.path} already exists on ${label} and is modified on this branch (lines ${range.start.line + 1}–${range.end.line + 1}), but the operations it performs are unchanged: the edit is in the code around them (imports, annotations, a data function), which runs only where the migration has not run yet. Check that it does the same as before.`
          : `${f.path} already exists on ${label} and is modified on this branch (lines ${range.start.line + 1}–${range.end.line + 1}): where it already ran it will not run again, so those databases never get this change and the schema drifts from the code. Revert the edit and put the change in a new migration.`,
        ...(sameOps ? { severity: 'warning' as const } : {}),
        file: f.path,
        range,
        related: [{ file: basePath, range: { start: range.start, end: range.start }, message: `as it is at ${label}`, revision: label }],
        data: { migration: f.path, base: label },
      }),
    );
  }

  // Added before migrations already on the base.
  const newestBase = new Map<string, { path: string; version: string }>();
  for (const f of atBase) {
    if (f.cls.direction === 'down' || !ORDERED.has(f.cls.tool)) continue;
    const v = versionOf(f.path);
    if (!v) continue;
    const dir = sequenceDir(f.path, f.cls.tool);
    const cur = newestBase.get(dir);
    if (!cur || v > cur.version || (v === cur.version && f.path > cur.path)) newestBase.set(dir, { path: f.path, version: v });
  }
  for (const f of head) {
    if (!base.addedFiles.has(f.path) || base.renames.has(f.path) || f.cls.direction === 'down' || !ORDERED.has(f.cls.tool)) continue;
    if (baseIds.has(migrationIdentity(f.path, f.cls.tool))) continue;
    const v = versionOf(f.path);
    const newest = newestBase.get(sequenceDir(f.path, f.cls.tool));
    if (!v || !newest) continue;
    // Same number, other name: only Django keys by name and then holds two migrations at one place.
    if (!(v < newest.version || (v === newest.version && f.cls.tool === 'django'))) continue;
    const effect = ORDER_EFFECT[f.cls.tool] ?? 'a runner that applies in version order skips it or fails where newer migrations already ran';
    out.push(
      outOfOrder.finding({
        message: `${f.path} is new on this branch but sorts before ${newest.path}, already on ${label}: ${effect}. Rename it with a version after ${newest.path.split('/').pop()}.`,
        file: f.path,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        related: [{ file: newest.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `newest migration on ${label}` }],
        data: { migration: f.path, newestBase: newest.path },
      }),
    );
  }
  return out;
}
