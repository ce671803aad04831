import { parseDocument } from 'yaml';
import type { AnalysisContext } from '../analyzer';
import { findFlags, flagScannable, type FlagUse } from '../flags/detect';
import type { FlagFact } from '../model';
import { packageScripts } from '../npmScripts';
import { contentHash } from '../memo';
import { readText } from '../reader';
import { gatherDeployFacts } from './targets';

/**
 * The facts the rollback plan, the runbook and the checklist need besides findings: deploy
 * targets, feature flags new on the branch, smoke commands and health endpoints. Filled into the
 * report by the checklist analyzer; the renderers in plan/ read only the report.
 */

async function flagsOnBranch(ctx: AnalysisContext): Promise<{ flags: FlagFact[]; compared: boolean; sourceChanged: boolean }> {
  const sources = ctx.files.filter((f) => f.cls.kind === 'source');
  const changed = ctx.base ? sources.filter((f) => ctx.base!.changedFiles.has(f.path)) : sources;
  const sourceChanged = changed.length > 0;
  if (!ctx.base) return { flags: [], compared: false, sourceChanged };
  const head: FlagUse[] = [];
  const opts = { clients: ctx.config.checklist.flagClients, memo: ctx.memo };
  const baseKeys = new Set<string>();
  for (const f of changed) {
    if (ctx.signal.aborted || f.cls.kind !== 'source' || !flagScannable(f.cls.language)) continue;
    const text = await readText(ctx.reader, f.path);
    if (text !== undefined) head.push(...(await findFlags(f.cls.language, f.path, text, opts)));
    if (!ctx.base.addedFiles.has(f.path)) {
      const r = await ctx.base.reader.read(f.path);
      if (r.kind === 'text') for (const u of await findFlags(f.cls.language, f.path, r.text, opts)) baseKeys.add(u.key);
    }
  }
  const seen = new Set<string>();
  const flags = head.filter((u) => !baseKeys.has(u.key) && (seen.has(u.key) ? false : (seen.add(u.key), true)));
  return { flags: flags.map((u) => ({ key: u.key, sdk: u.sdk, file: u.file, line: u.line })).sort((a, b) => a.key.localeCompare(b.key)), compared: true, sourceChanged };
}

const SMOKE_SCRIPT = /^(smoke|test:smoke|smoke:[\w:-]+|e2e:prod|healthcheck|health|verify|check:prod)$/i;

async function smokeCommands(ctx: AnalysisContext): Promise<{ command: string; source: string }[]> {
  const out: { command: string; source: string }[] = [];
  for (const name of [...(await packageScripts(ctx)).keys()].sort()) if (SMOKE_SCRIPT.test(name)) out.push({ command: `npm run ${name}`, source: 'package.json' });
  const mk = ctx.files.find((f) => f.path === 'Makefile' || f.path === 'makefile');
  if (mk) {
    const text = (await readText(ctx.reader, mk.path)) ?? '';
    // Make targets are lines `name:` at column 0 (make's own syntax, no parser package exists for it).
    for (const m of text.matchAll(/^([A-Za-z0-9_.-]*(?:smoke|health|verify)[A-Za-z0-9_.-]*)[ \t]*:(?!=)/gim)) out.push({ command: `make ${m[1]}`, source: mk.path });
  }
  return out;
}

const HEALTH = /(^|\/)(health|healthz|livez|readyz|ready|ping|status)(\/|$)/i;

async function healthEndpoints(ctx: AnalysisContext): Promise<{ path: string; file: string }[]> {
  const out: { path: string; file: string }[] = [];
  for (const s of ctx.facts.apiSchemas) {
    if (s.kind === 'graphql' || s.kind === 'proto') continue;
    const text = await readText(ctx.reader, s.file);
    if (!text) continue;
    // The document's path keys, through the per-file memo (parsed once per content).
    const paths = ctx.memo.getSync('deploy:api-paths', s.file, contentHash(text), '', () => apiPaths(s.file, text));
    for (const p of paths) if (HEALTH.test(p)) out.push({ path: p, file: s.file });
  }
  return out;
}

/** The keys of an API document's `paths` (none when it does not parse). */
function apiPaths(file: string, text: string): string[] {
  let paths: unknown;
  if (file.endsWith('.json')) {
    try {
      paths = (JSON.parse(text) as { paths?: unknown }).paths;
    } catch {
      paths = undefined; // the API analyzer reports the parse error
    }
  } else {
    const d = parseDocument(text, { logLevel: 'silent', uniqueKeys: false });
    paths = d.errors.length ? undefined : (d.toJS({ maxAliasCount: 100 }) as { paths?: unknown } | null)?.paths;
  }
  return paths && typeof paths === 'object' ? Object.keys(paths) : [];
}

/** Fills the plan facts of the report (called once per full analysis). */
export async function fillPlanFacts(ctx: AnalysisContext): Promise<void> {
  const fl = await flagsOnBranch(ctx);
  ctx.facts.flags = fl.flags;
  ctx.facts.flagsCompared = fl.compared;
  ctx.facts.sourceChanged = fl.sourceChanged;
  ctx.facts.deploy = await gatherDeployFacts(ctx);
  ctx.facts.smoke = await smokeCommands(ctx);
  ctx.facts.health = await healthEndpoints(ctx);
}
