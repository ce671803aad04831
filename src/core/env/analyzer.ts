import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding, Fix } from '../model';
import { readText } from '../reader';
import { parseExample, type ExampleFile } from './example';
import { envRules, missingFromExample } from './rules';
import { scannable, scanSource, type EnvRead } from './scanner';

/** Variables the platform or runtime provides; never expected in an example file. */
export const PLATFORM_VARS = new Set([
  'PATH', 'HOME', 'USER', 'SHELL', 'PWD', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'TERM', 'HOSTNAME', 'TZ',
  'NODE_ENV', 'CI', 'GITHUB_ACTIONS', 'GITHUB_SHA', 'GITHUB_REF', 'NODE_OPTIONS', 'npm_package_version',
  'VERCEL', 'VERCEL_ENV', 'VERCEL_URL', 'NETLIFY', 'HEROKU_APP_NAME', 'DYNO', 'PORT', 'KUBERNETES_SERVICE_HOST',
]);

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The nearest example file up the tree from `file`, among the workspace's example files. */
export function nearestExample(file: string, examples: Map<string, string[]>): string | undefined {
  let dir = dirOf(file);
  for (;;) {
    const here = examples.get(dir);
    if (here?.length) return here[0];
    if (!dir) return undefined;
    dir = dirOf(dir);
  }
}

interface EnvState {
  examplesByDir: Map<string, string[]>;
  parsed: Map<string, ExampleFile | null>;
}

function state(ctx: AnalysisContext): EnvState {
  let s = ctx.cache.get('env') as EnvState | undefined;
  if (!s) {
    const examplesByDir = new Map<string, string[]>();
    const order = ctx.config.env.exampleFiles;
    for (const f of ctx.files) {
      if (f.cls.kind !== 'env-example') continue;
      const d = dirOf(f.path);
      const list = examplesByDir.get(d) ?? [];
      list.push(f.path);
      list.sort((a, b) => order.indexOf(a.slice(a.lastIndexOf('/') + 1)) - order.indexOf(b.slice(b.lastIndexOf('/') + 1)));
      examplesByDir.set(d, list);
    }
    s = { examplesByDir, parsed: new Map() };
    ctx.cache.set('env', s);
  }
  return s;
}

async function example(ctx: AnalysisContext, s: EnvState, p: string): Promise<ExampleFile | undefined> {
  if (!s.parsed.has(p)) {
    const text = await readText(ctx.reader, p, (m) => ctx.notices.push({ level: 'warning', message: m, file: p, area: 'env' }));
    s.parsed.set(p, text === undefined ? null : parseExample(p, text));
  }
  return s.parsed.get(p) ?? undefined;
}

function addFix(ex: ExampleFile, read: EnvRead, file: string): Fix {
  const line = ex.lineCount - (ex.endsWithNewline ? 1 : 0);
  const prefix = ex.endsWithNewline ? '' : ex.eol;
  return {
    title: `Add ${read.name} to ${ex.path}`,
    isPreferred: true,
    edits: [
      {
        file: ex.path,
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        newText: `${prefix}# Read in ${file}${read.kind === 'default' ? ' (has a default in code)' : ''}${ex.eol}${read.name}=${ex.eol}`,
      },
    ],
  };
}

async function analyzeOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Finding[]> {
  if (f.cls.kind !== 'source' || !scannable(f.cls.language)) return [];
  const text = await readText(ctx.reader, f.path, (m) => ctx.notices.push({ level: 'info', message: m, file: f.path, area: 'env' }));
  if (text === undefined) return [];
  const s = state(ctx);
  let scan;
  try {
    scan = await scanSource(f.cls.language, text);
  } catch (e) {
    ctx.notices.push({ level: 'warning', message: `${f.path}: could not be scanned for environment reads (${(e as Error).message})`, file: f.path, area: 'env' });
    return [];
  }
  if (scan.hasErrors) ctx.notices.push({ level: 'info', message: `${f.path}: has syntax errors; environment reads were taken from the parts that parse`, file: f.path, area: 'env' });
  const exPath = nearestExample(f.path, s.examplesByDir);
  const ex = exPath ? await example(ctx, s, exPath) : undefined;
  const ignore = new Set(ctx.config.env.ignore);
  const out: Finding[] = [];
  for (const read of scan.reads) {
    if (PLATFORM_VARS.has(read.name) || ignore.has(read.name)) continue;
    const fact = ctx.facts.envVars.find((v) => v.name === read.name);
    if (fact) {
      if (!fact.files.includes(f.path)) fact.files.push(f.path);
      fact.required ||= read.kind === 'required';
    } else ctx.facts.envVars.push({ name: read.name, files: [f.path], isNew: false, required: read.kind === 'required' });
    if (!ex || ex.names.has(read.name)) continue;
    out.push(
      missingFromExample.finding({
        message: `${read.name} is read here${read.kind === 'default' ? ' (with a default)' : ''} but not declared in ${ex.path}.`,
        severity: read.kind === 'required' ? 'error' : 'warning',
        file: f.path,
        range: read.range,
        related: [{ file: ex.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'nearest example file' }],
        fixes: [addFix(ex, read, f.path)],
        data: { variable: read.name, use: read.kind },
      }),
    );
  }
  return out;
}

export const envAnalyzer: Analyzer = {
  area: 'env',
  rules: envRules,
  async analyze(ctx) {
    const s = state(ctx);
    if (s.examplesByDir.size === 0) {
      ctx.notices.push({ level: 'info', area: 'env', message: `no example file (${ctx.config.env.exampleFiles.join(', ')}) in the workspace: variables were not checked against one` });
    }
    const out: Finding[] = [];
    for (const f of ctx.files) {
      if (ctx.signal.aborted) break;
      out.push(...(await analyzeOne(ctx, f)));
    }
    // Variables new on this branch: not declared in the base version of their example file.
    if (ctx.base) {
      const baseNames = new Map<string, Set<string>>();
      for (const v of ctx.facts.envVars) {
        const exPath = nearestExample(v.files[0], s.examplesByDir);
        if (!exPath) continue;
        if (!baseNames.has(exPath)) {
          const r = await ctx.base.reader.read(exPath);
          baseNames.set(exPath, r.kind === 'text' ? parseExample(exPath, r.text).names : new Set());
        }
        v.isNew = !baseNames.get(exPath)!.has(v.name) && v.files.some((file) => ctx.base!.changedFiles.has(file));
      }
    }
    return out;
  },
  analyzeFile: analyzeOne,
  affectsWorkspace: (f) => f.cls.kind === 'env-example',
};
