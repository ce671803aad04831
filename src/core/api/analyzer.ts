import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import { looksLikeOpenApi } from '../classify';
import type { Finding, Range } from '../model';
import { zeroRange } from '../model';
import { readText } from '../reader';
import { keyRange, loadSpec, pathsOf, type LoadedSpec } from './openapi';
import { apiRules, invalidSchema, pathRemoved } from './rules';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Compares two OpenAPI documents' paths. `file` is where head findings are placed. */
export function diffSpecs(file: string, base: LoadedSpec, head: LoadedSpec, baseLabel: string, baseFile = file): Finding[] {
  const out: Finding[] = [];
  const b = pathsOf(base);
  const h = pathsOf(head);
  const anchor: Range = (h.pathsKey && keyRange(head, h.pathsKey)) ?? zeroRange;
  for (const [path, pair] of b.paths) {
    if (h.paths.has(path)) continue;
    const methods = (pair.value as { items?: { key: { value?: unknown } }[] })?.items
      ?.map((i) => String(i.key?.value))
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => m.toUpperCase());
    const ops = methods?.length ? ` (${methods.join(', ')})` : '';
    out.push(
      pathRemoved.finding({
        message: `Path ${path}${ops} was removed; it exists at ${baseLabel}. Clients still calling it break. Deprecate it first, or accept the change on purpose.`,
        file,
        range: anchor,
        related: [{ file: baseFile, range: keyRange(base, pair) ?? zeroRange, message: `${path} at ${baseLabel}`, revision: baseLabel }],
        data: { path, fingerprint: `api/path-removed:${path}` },
      }),
    );
  }
  return out;
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  if (f.cls.kind !== 'api-candidate') return [];
  const text = await readText(ctx.reader, f.path, (m) => ctx.notices.push({ level: 'info', message: m, file: f.path, area: 'api' }));
  if (text === undefined || !looksLikeOpenApi(text)) return [];
  const head = loadSpec(text);
  const hasBase = !!ctx.base && !ctx.base.addedFiles.has(f.path);
  if (!ctx.facts.apiSchemas.some((s) => s.file === f.path)) ctx.facts.apiSchemas.push({ file: f.path, kind: looksLikeOpenApi(text)!, hasBase });
  if (head.errors.length) {
    return head.errors.slice(0, 1).map((e) => invalidSchema.finding({ message: `${f.path} does not parse: ${e.message}`, file: f.path, range: e.range }));
  }
  if (!ctx.base || !hasBase) return [];
  const baseKey = `api-base:${ctx.base.commit}:${f.path}`;
  let base = ctx.cache.get(baseKey) as LoadedSpec | null | undefined;
  if (base === undefined) {
    const r = await ctx.base.reader.read(f.path);
    base = r.kind === 'text' && looksLikeOpenApi(r.text) ? loadSpec(r.text) : null;
    if (base?.errors.length) base = null;
    ctx.cache.set(baseKey, base);
  }
  if (!base) return [];
  return diffSpecs(f.path, base, head, `${ctx.base.ref}@${ctx.base.commit.slice(0, 7)}`);
}

export const apiAnalyzer: Analyzer = {
  area: 'api',
  rules: apiRules,
  async analyze(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      out.push(...(await analyzeOne(ctx, f)));
    }
    return out;
  },
  analyzeFile: analyzeOne,
};
