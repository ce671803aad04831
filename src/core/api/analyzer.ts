import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import { failureFinding } from '../failure';
import type { Finding, Notice } from '../model';
import { contentHash } from '../memo';
import { describeUnreadable, type FileReader, type ReadResult } from '../reader';
import { applyAccepted } from './accept';
import { detectOpenApi, rootIsOpenApi } from './detect';
import { ApiDiff, type ApiChange } from './diff';
import { graphqlRules, diffGraphql } from './graphql';
import { buildModel, loadApi, type ApiDocSet, type ApiModel, type ReadFn } from './openapi';
import { protoRules, diffProto } from './proto';
import { invalidSchema, openApiRules, ruleForChange, severityOf, unresolvedRef, OASDIFF_LEVELS } from './rules';

import { fingerprint } from './fingerprint';
export { fingerprint };

/** Problems of a loaded spec (parse errors, bad `$ref`s, invalid structure) as findings. */
export function problemFindings(set: ApiDocSet): Finding[] {
  return set.problems.slice(0, 50).map((p) =>
    (p.kind === 'ref' ? unresolvedRef : invalidSchema).finding({ message: p.message, file: p.file, range: p.range, data: { problem: p.kind } }),
  );
}

/** Turns diff changes into findings (rule from the oasdiff id, severity from its level). */
export function changeFindings(changes: ApiChange[], baseLabel: string | undefined, api?: string): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const c of changes) {
    const rule = ruleForChange(c.id);
    const fp = fingerprint(c.id, c.where);
    if (seen.has(fp)) continue;
    seen.add(fp);
    const data: NonNullable<Finding['data']> = { fingerprint: fp, change: c.id };
    if (OASDIFF_LEVELS.has(c.id)) data.oasdiff = c.id;
    if (c.operation) data.operation = c.operation;
    if (api) data.api = api;
    if (c.where.startsWith('path:')) data.path = c.where.slice('path:'.length);
    out.push(
      rule.finding({
        message: c.message,
        file: c.head.file,
        range: c.head.range,
        severity: severityOf(c.level),
        related: c.base ? [{ file: c.base.file, range: c.base.range, message: `at ${baseLabel ?? 'the base'}`, revision: baseLabel }] : undefined,
        data,
      }),
    );
  }
  return out;
}

/**
 * `api.accepted` applied to one spec's findings; then `api/version-not-bumped` counts only the
 * breaking changes left (accepted ones do not ask for a major version), and goes when none is.
 */
export function acceptApiFindings(findings: Finding[], accepted: Parameters<typeof applyAccepted>[1]): Finding[] {
  const out = applyAccepted(findings, accepted);
  const v = out.findIndex((f) => f.data?.change === VERSION_CHANGE && !f.data.accepted);
  if (v < 0) return out;
  const n = out.filter((f) => f.severity === 'error' && typeof f.data?.change === 'string' && f.data.change !== VERSION_CHANGE && !f.data.accepted).length;
  if (n === 0) return out.filter((_, i) => i !== v);
  const f = out[v];
  out[v] = { ...f, message: f.message.replace(/has \d+ breaking changes?/, `has ${n} breaking change${n === 1 ? '' : 's'}`) };
  return out;
}

const VERSION_CHANGE = 'api-major-version-not-bumped';

export function readerFn(reader: FileReader, limit: number): ReadFn {
  return async (rel) => {
    const r = await reader.read(rel, limit);
    if (r.kind === 'text') return { text: r.text };
    return { problem: r.kind === 'missing' ? `${rel} not found` : describeUnreadable(rel, r) };
  };
}

/** Loads and models one OpenAPI file through a reader. */
export async function loadOpenApi(file: string, text: string, read: ReadFn): Promise<{ set: ApiDocSet; model?: ApiModel }> {
  const set = await loadApi(file, text, read);
  if (set.root.problems.length) return { set };
  return { set, model: buildModel(set) };
}

export function diffOpenApi(base: ApiModel, head: ApiModel, opts: { includeInfo?: boolean; baseLabel?: string; deprecationDays?: number } = {}): Finding[] {
  const changes = new ApiDiff(base, head, { includeInfo: opts.includeInfo, deprecationDays: opts.deprecationDays }).run();
  const info = (head.rootNode as { info?: { title?: unknown } } | undefined)?.info;
  return changeFindings(changes, opts.baseLabel, typeof info?.title === 'string' && info.title.trim() ? info.title.trim() : undefined);
}

function baseLabelOf(ctx: AnalysisContext): string | undefined {
  return ctx.base ? `${ctx.base.ref}@${ctx.base.commit.slice(0, 7)}` : undefined;
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  const isCandidate = f.cls.kind === 'api-candidate';
  const isSchema = f.cls.kind === 'api-schema';
  if (!isCandidate && !isSchema && !ctx.classifier.isExtraSchema(f.path)) return [];
  const limit = ctx.config.api.maxFileSize;
  const r = await ctx.reader.read(f.path, limit);
  if (r.kind !== 'text') {
    // A file that looks like a schema by name but is binary or not UTF-8 is named too: it may be a
    // spec that was corrupted or committed in the wrong encoding, and nothing of it was compared.
    if (r.kind !== 'missing') ctx.notices.push({ level: 'info', message: describeUnreadable(f.path, r).replace('(maxFileSize)', '(api.maxFileSize)'), file: f.path, area: 'api' });
    return [];
  }
  const text = r.text;
  const hasBase = !!ctx.base && !ctx.baseRun && !ctx.base.addedFiles.has(f.path);
  const label = baseLabelOf(ctx);
  let out: Finding[];
  if (isSchema) {
    const schema = (f.cls as { schema: 'graphql' | 'proto' }).schema;
    if (!ctx.facts.apiSchemas.some((s) => s.file === f.path)) ctx.facts.apiSchemas.push({ file: f.path, kind: schema, hasBase });
    const base = hasBase ? await readBase(ctx, f.path, limit) : undefined;
    // A schema's diff reads only its own two versions: memoised by both.
    const extra = JSON.stringify([schema, base === undefined ? null : contentHash(base), label, ctx.config.api.includeInfo, ctx.config.api.deprecationDays]);
    out = await ctx.memo.get('api:schema-diff', f.path, contentHash(text), extra, async () =>
      schema === 'graphql' ? await diffGraphql(f.path, base, text, label, { includeInfo: ctx.config.api.includeInfo, deprecationDays: ctx.config.api.deprecationDays }) : diffProto(f.path, base, text, label),
    );
  } else {
    const kind = detectOpenApi(text);
    if (!kind) return [];
    if (!ctx.facts.apiSchemas.some((s) => s.file === f.path)) ctx.facts.apiSchemas.push({ file: f.path, kind, hasBase });
    const r = await openApiResult(ctx, f.path, text, hasBase, label, limit);
    for (const d of r.docs) referencedFiles.add(d);
    for (const n of r.notices) if (!ctx.notices.some((x) => x.file === n.file && x.message === n.message)) ctx.notices.push(n);
    if (!r.isApi) return [];
    out = r.findings;
  }
  return acceptApiFindings(out, ctx.config.api.accepted);
}

/** What one OpenAPI document gives, and the files (at head and at the base) it was computed from. */
interface OpenApiResult {
  isApi: boolean;
  findings: Finding[];
  /** Other files its `$ref`s read. */
  docs: string[];
  notices: Notice[];
  /** Every read besides the document itself: [h(ead) or b(ase), path, digest of what was read]. */
  deps: [string, string, string][];
}

const digestOf = (r: ReadResult) => (r.kind === 'text' ? contentHash(r.text) : r.kind);

/**
 * A document's problems and its diff with the base, through the per-file memo: reused while the
 * document, every file its `$ref`s read (at head and at the base) and the base version are unchanged.
 */
async function openApiResult(ctx: AnalysisContext, file: string, text: string, hasBase: boolean, label: string | undefined, limit: number): Promise<OpenApiResult> {
  const readerOf = (side: string) => (side === 'b' ? ctx.base?.reader : ctx.reader);
  const valid = async (v: OpenApiResult) => {
    for (const [side, p, d] of v.deps) {
      const reader = readerOf(side);
      if (!reader || digestOf(await reader.read(p, limit)) !== d) return false;
    }
    return true;
  };
  const extra = JSON.stringify([hasBase, label, ctx.config.api]);
  return ctx.memo.getChecked('api:openapi', file, contentHash(text), extra, valid, async () => {
    const deps: [string, string, string][] = [];
    const recording = (inner: FileReader): FileReader => ({
      read: async (p, l) => {
        const r = await inner.read(p, l);
        deps.push(['h', p, digestOf(r)]);
        return r;
      },
    });
    const notices: Notice[] = [];
    const head = await loadOpenApi(file, text, readerFn(recording(ctx.reader), limit));
    const isApi = !!head.set.root.problems.length || rootIsOpenApi(head.set.root.value);
    const docs = [...head.set.docs.keys()].filter((d) => d !== file);
    const findings = isApi ? problemFindings(head.set) : [];
    if (isApi && head.model && hasBase) {
      const base = await baseModel(ctx, file, limit, deps, notices);
      if (base) findings.push(...diffOpenApi(base, head.model, { includeInfo: ctx.config.api.includeInfo, deprecationDays: ctx.config.api.deprecationDays, baseLabel: label }));
    }
    return { isApi, findings, docs, notices, deps };
  });
}

async function readBase(ctx: AnalysisContext, rel: string, limit: number): Promise<string | undefined> {
  if (!ctx.base) return undefined;
  const r = await ctx.base.reader.read(rel, limit);
  return r.kind === 'text' ? r.text : undefined;
}

interface BaseLoad {
  model?: ApiModel;
  notice?: Notice;
  /** The base reads it took: [path, digest]. */
  reads: [string, string][];
}

/** The base model of a file, loaded once per merge-base commit for the session (external `$ref`s read at that commit too). */
async function baseModel(ctx: AnalysisContext, rel: string, limit: number, deps: [string, string, string][], notices: Notice[]): Promise<ApiModel | undefined> {
  const base = ctx.base!;
  const key = `api-base:${base.commit}:${rel}`;
  let p = ctx.cache.get(key) as Promise<BaseLoad> | undefined;
  if (!p) {
    p = (async (): Promise<BaseLoad> => {
      const reads: [string, string][] = [];
      const reader: FileReader = {
        read: async (path, l) => {
          const r = await base.reader.read(path, l);
          reads.push([path, digestOf(r)]);
          return r;
        },
      };
      const r = await reader.read(rel, limit);
      if (r.kind !== 'text' || !detectOpenApi(r.text)) return { reads };
      const { set, model } = await loadOpenApi(rel, r.text, readerFn(reader, limit));
      if (set.root.problems.length) return { reads, notice: { level: 'warning', area: 'api', file: rel, message: `${rel} does not parse at ${baseLabelOf(ctx)}, so it is not compared` } };
      return { reads, model };
    })();
    ctx.cache.set(key, p);
  }
  const done = await p;
  for (const [path, d] of done.reads) deps.push(['b', path, d]);
  if (done.notice) notices.push(done.notice);
  return done.model;
}

/** Files `$ref`'d by an analysed spec: editing one re-runs the workspace analysis (its root's findings change). */
const referencedFiles = new Set<string>();

export const apiAnalyzer: Analyzer = {
  area: 'api',
  rules: [...openApiRules, ...graphqlRules, ...protoRules],
  async analyze(ctx) {
    const out: Finding[] = [];
    // A file $ref'd by several specs: its change is reported once. The same API published in
    // several files (a Swagger 2 JSON and an OpenAPI 3 YAML generated from one source: same
    // info.title, same change): one finding, the other files as related locations.
    const seen = new Map<string, Finding>();
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      try {
        for (const x of await analyzeOne(ctx, f)) {
          const fp = typeof x.data?.fingerprint === 'string' ? x.data.fingerprint : undefined;
          if (fp && seen.has(`${x.file}|${fp}`)) continue;
          const api = typeof x.data?.api === 'string' ? x.data.api : undefined;
          const same = fp && api ? seen.get(`api:${api}|${x.ruleId}|${fp}`) : undefined;
          if (same && same.file !== x.file) {
            const i = out.indexOf(same);
            const merged: Finding = {
              ...same,
              related: [...(same.related ?? []), { file: x.file, range: x.range, message: `the same change in ${x.file}` }],
              data: { ...same.data, alsoIn: [...((same.data?.alsoIn as string[] | undefined) ?? []), x.file] },
            };
            out[i] = merged;
            seen.set(`api:${api}|${x.ruleId}|${fp}`, merged);
            for (const [k, v] of seen) if (v === same) seen.set(k, merged);
            seen.set(`${x.file}|${fp}`, merged);
            continue;
          }
          if (fp) seen.set(`${x.file}|${fp}`, x);
          if (fp && api) seen.set(`api:${api}|${x.ruleId}|${fp}`, x);
          out.push(x);
        }
      } catch (e) {
        if (ctx.signal.aborted) break;
        out.push(failureFinding('api', f.path, e));
      }
    }
    return out;
  },
  analyzeFile: analyzeOne,
  affectsWorkspace: (f) => referencedFiles.has(f.path),
};
