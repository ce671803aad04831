import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { failureFinding } from '../failure';
import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import { EXAMPLE_FILE_PATTERNS_TEXT, type Classification, type SourceLanguage } from '../classify';
import type { Finding, Fix, Location, Notice, Range, TextEdit } from '../model';
import { zeroRange } from '../model';
import type { FileReader } from '../reader';
import { readText } from '../reader';
import { appConfigFacts, isAppConfigFile } from './configs';
import { goWorkspaceReads, type GoEnvTable } from './configs/goenv';
import { deployKind, readDeployConfig, type ConfigFacts } from './deploy';
import { erbRuby, isErbYaml } from './erb';
import { clientExposedSecret as isClientExposed, parseExample, type ExampleFile } from './example';
import { buildGates, emptyGates, gateable, gateNote, gateReads, type GateIndex } from './gates';
import { checkHygiene, isSorted } from './hygiene';
import {
  clientExposedSecret,
  dotenvCommitted,
  dynamicRead,
  envRules,
  exampleHygiene,
  missingFromExample,
  newOnBranch,
  secretInExample,
  unusedInExample,
} from './rules';
import { scanSourceParallel as scanSource, scanWrapperCallsParallel as scanWrapperCalls } from './parallel';
import { scannable, type EnvRead } from './scanner';
import { familyOf, mayCall, mergeWrappers, type WrapperDef } from './wrappers';

/** Variables the platform or runtime provides; never expected in an example file. */
export const PLATFORM_VARS = new Set([
  'PATH', 'HOME', 'USER', 'SHELL', 'PWD', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TERM', 'HOSTNAME', 'TZ', 'EDITOR', 'LOGNAME',
  'NODE_ENV', 'CI', 'NODE_OPTIONS', 'npm_package_version', 'npm_package_name', 'npm_lifecycle_event', 'INIT_CWD',
  'VERCEL', 'VERCEL_ENV', 'VERCEL_URL', 'NETLIFY', 'HEROKU_APP_NAME', 'DYNO', 'PORT', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT',
  'RAILS_ENV', 'RACK_ENV', 'APP_ENV', 'PYTHONPATH', 'VIRTUAL_ENV', 'GOPATH', 'GOOS', 'GOARCH',
  'JAVA_HOME', 'DOTNET_ENVIRONMENT', 'ASPNETCORE_ENVIRONMENT', 'BUILDKIT_INLINE_CACHE',
  // Windows sets these for every process (memos reads ProgramData for its default data folder)
  'ProgramData', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'SystemRoot', 'SYSTEMROOT', 'windir', 'ProgramFiles', 'ComSpec', 'COMSPEC', 'HOMEDRIVE', 'HOMEPATH',
]);
const PLATFORM_PREFIXES = ['RUNNER_', 'VERCEL_', 'NETLIFY_', 'RENDER_', 'FLY_', 'RAILWAY_', 'HEROKU_', 'npm_', 'AWS_LAMBDA_', 'K_', 'CF_PAGES', 'BASH_', 'LC_', 'XDG_'];

/**
 * Names a runtime provides only to code it runs: Vite's in code it bundles (under a folder with a
 * vite.config.*, or read through import.meta.env), Next's in Next apps, GitHub's in workflows.
 * Elsewhere (`BASE_URL` in a Go service, `GITHUB_TOKEN` in app code) they are configuration.
 */
const VITE_VARS = new Set(['BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR']);
/**
 * GitHub Actions' default variables: only a runner sets them, so code reading them is CI tooling.
 * Other GITHUB_* names (GITHUB_TOKEN, GITHUB_CLIENT_ID, GITHUB_APP_ID) are app configuration
 * outside workflow files.
 */
const GITHUB_DEFAULTS = /^GITHUB_(?:ACTION|ACTION_PATH|ACTION_REPOSITORY|ACTIONS|ACTOR|ACTOR_ID|API_URL|BASE_REF|ENV|EVENT_NAME|EVENT_PATH|GRAPHQL_URL|HEAD_REF|JOB|OUTPUT|PATH|REF|REF_NAME|REF_PROTECTED|REF_TYPE|REPOSITORY|REPOSITORY_ID|REPOSITORY_OWNER|REPOSITORY_OWNER_ID|RETENTION_DAYS|RUN_ATTEMPT|RUN_ID|RUN_NUMBER|SERVER_URL|SHA|STATE|STEP_SUMMARY|TRIGGERING_ACTOR|WORKFLOW|WORKFLOW_REF|WORKFLOW_SHA|WORKSPACE)$/;
const NEXT_VARS = new Set(['NEXT_RUNTIME', 'NEXT_PHASE', 'NEXT_DEPLOYMENT_ID']);
/**
 * Vercel's system variables that it also exposes to a Next app's browser code with the
 * `NEXT_PUBLIC_` prefix (NEXT_PUBLIC_VERCEL_ENV, NEXT_PUBLIC_VERCEL_GIT_COMMIT_SHA…). A project's own
 * `NEXT_PUBLIC_ACME_VERCEL_FLAG` is not one of them.
 */
const NEXT_PUBLIC_VERCEL = /^NEXT_PUBLIC_VERCEL_(?:ENV|TARGET_ENV|URL|BRANCH_URL|PROJECT_PRODUCTION_URL|REGION|DEPLOYMENT_ID|PROJECT_ID|SKEW_PROTECTION_ENABLED|GIT_[A-Z0-9_]+)$/;
const VITE_CONFIG = /(?:^|\/)vite\.config\.[cm]?[jt]s$/;
const NEXT_CONFIG = /(?:^|\/)next\.config\.[cm]?[jt]s$/;

function underAny(file: string, dirs: ReadonlySet<string>): boolean {
  if (!dirs.size) return false;
  for (let d = dirOf(file); ; d = dirOf(d)) {
    if (dirs.has(d)) return true;
    if (!d) return false;
  }
}

function runtimeProvides(s: EnvState, name: string, file: string, via?: string): boolean {
  if (VITE_VARS.has(name)) return via === 'import.meta.env' || underAny(file, s.viteDirs);
  if (NEXT_VARS.has(name) || name.startsWith('__NEXT_') || NEXT_PUBLIC_VERCEL.test(name)) return underAny(file, s.nextDirs);
  if (name.startsWith('GITHUB_')) return file.startsWith('.github/') || file.includes('/.github/');
  return false;
}

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

function nearestOf(s: EnvState, file: string): string | undefined {
  if (s.nearest.has(file)) return s.nearest.get(file);
  const ex = nearestExample(file, s.examplesByDir);
  s.nearest.set(file, ex);
  return ex;
}

/** What one file reads and provides. */
interface FileFacts extends ConfigFacts {
  hasErrors: boolean;
  hash: string;
  wrappers?: WrapperDef[];
  /** Go env-tagged structs of the file: their reads are resolved across the package (resolveGoEnv). */
  goEnv?: GoEnvTable;
}

interface EnvState {
  examplesByDir: Map<string, string[]>;
  parsed: Map<string, { hash: string; ex: ExampleFile } | null>;
  /** Head facts per file, cached by content hash. */
  head: Map<string, FileFacts>;
  /** Names read at the merge base (all files); undefined without a base snapshot. */
  baseNames?: Set<string>;
  baseCommit?: string;
  ignore?: Ignore;
  /** Folders holding a vite.config.* / next.config.* (their code runs under that runtime). */
  viteDirs: Set<string>;
  nextDirs: Set<string>;
  global?: Global;
  /** ctx.files length and example-name order the examplesByDir index was built for. */
  indexKey?: string;
  /** file → its nearest example (memo, reset with examplesByDir) */
  nearest: Map<string, string | undefined>;
  /** Project helpers that read the environment by name (found in the last full run, plus env.readers). */
  wrappers?: WrapperDef[];
  /**
   * Test code's reads of names no production code reads (env.includeTests off): name → its first
   * test read, or null when no test reads it. Filled on demand for the example files' unread names.
   */
  testReads: Map<string, { file: string; range: Range } | null>;
  /** Test files' reads by path, cached by content hash. */
  testFacts: Map<string, { hash: string; reads: EnvRead[] }>;
  /** Feature gates found in the last full run (./gates): applied again to a single edited file. */
  gates?: GateIndex;
}

const hashOf = (text: string) => createHash('sha1').update(text).digest('hex');

function state(ctx: AnalysisContext): EnvState {
  let s = ctx.cache.get('env') as EnvState | undefined;
  if (!s) {
    s = { examplesByDir: new Map(), parsed: new Map(), head: new Map(), nearest: new Map(), viteDirs: new Set(), nextDirs: new Set(), testReads: new Map(), testFacts: new Map() };
    ctx.cache.set('env', s);
  }
  const order = ctx.config.env.exampleFiles;
  const key = `${ctx.files.length}:${order.join(',')}`;
  if (s.indexKey === key) return s;
  s.indexKey = key;
  s.examplesByDir.clear();
  s.nearest.clear();
  s.viteDirs.clear();
  s.nextDirs.clear();
  for (const f of ctx.files) {
    if (VITE_CONFIG.test(f.path)) s.viteDirs.add(dirOf(f.path));
    if (NEXT_CONFIG.test(f.path)) s.nextDirs.add(dirOf(f.path));
    if (f.cls.kind !== 'env-example') continue;
    const d = dirOf(f.path);
    const list = s.examplesByDir.get(d) ?? [];
    list.push(f.path);
    // configured names in their order first, then names found by pattern (example.env, env.sample…)
    const rank = (x: string) => {
      const i = order.indexOf(x.slice(x.lastIndexOf('/') + 1));
      return i < 0 ? order.length : i;
    };
    list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    s.examplesByDir.set(d, list);
  }
  return s;
}

/** Whether a name is not reported: by name alone, or (with the reading file) as its runtime's own. */
type Ignore = (name: string, file?: string, via?: string) => boolean;

function ignorer(ctx: AnalysisContext): Ignore {
  const cfg = ctx.config.env;
  const exact = new Set(cfg.ignore.filter((x) => !x.includes('*')));
  const globs = cfg.ignore.filter((x) => x.includes('*'));
  const glob = globs.length ? picomatch(globs) : undefined;
  const s = state(ctx);
  return (name, file, via) =>
    exact.has(name) ||
    !!glob?.(name) ||
    (cfg.ignorePlatform && (PLATFORM_VARS.has(name) || GITHUB_DEFAULTS.test(name) || PLATFORM_PREFIXES.some((p) => name.startsWith(p)) || (file !== undefined && runtimeProvides(s, name, file, via))));
}

async function example(ctx: AnalysisContext, s: EnvState, p: string): Promise<ExampleFile | undefined> {
  const text = await readText(ctx.reader, p, (m) => ctx.notices.push({ level: 'warning', message: m, file: p, area: 'env' }));
  if (text === undefined) {
    s.parsed.set(p, null);
    return undefined;
  }
  const hash = hashOf(text);
  const cached = s.parsed.get(p);
  if (cached && cached.hash === hash) return cached.ex;
  const ex = parseExample(p, text);
  s.parsed.set(p, { hash, ex });
  return ex;
}

/**
 * Test code by each language's convention: `*_test.go`, `test_*.py`, `*.test.ts`, `*.spec.js`,
 * `spec/`, `tests/`, `__tests__/`, Go's `testutil/` helpers, fixtures and end-to-end suites. Variables read only there are
 * not production's business (`PYTEST_XDIST_WORKER`, a test database password).
 */
const TEST_DIR = /(?:^|\/)(?:tests?|spec|specs|__tests__|__mocks__|fixtures|testdata|testutils?|e2e|cypress|playwright)\//;
const TEST_FILE = /(?:^|\/)(?:test_[^/]*\.py|[^/]*_test\.(?:go|py|rb)|[^/]*_spec\.rb|[^/]*\.(?:test|spec|e2e)\.[cm]?[jt]sx?|conftest\.py|[^/]*Tests?\.(?:java|kt|cs))$/;
export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_FILE.test(path);
}

/** Is this file one the env analysis reads (source with a grammar, or a deployment/CI config)? */
function relevant(cls: Classification, path: string, includeTests: boolean): boolean {
  if (isErbYaml(path)) return includeTests || !isTestPath(path);
  if (isAppConfigFile(path)) return includeTests || !isTestPath(path);
  if (cls.kind === 'source') return scannable(cls.language) && (includeTests || !isTestPath(path));
  // A compose file or manifest under tests/ (an end-to-end setup) is not how production is deployed.
  if (!includeTests && TEST_DIR.test(path)) return false;
  if (cls.kind === 'deploy-manifest' || cls.kind === 'ci-config') return !!deployKind(path, '');
  return cls.kind === 'api-candidate' && cls.format === 'yaml';
}

/** Facts of one file's text: pure, so it runs the same on head, on an unsaved buffer and on the base. */
async function factsOfText(cls: Classification, path: string, text: string): Promise<FileFacts> {
  let facts: FileFacts;
  if (isAppConfigFile(path)) {
    const f = appConfigFacts(path, text);
    facts = { ...f, hasErrors: f.notes.some((n) => n.level === 'warning'), hash: '' };
  } else if (cls.kind === 'source') {
    const scan = await scanSource(cls.language, text, path);
    facts = { reads: scan.reads, dynamic: scan.dynamic, provides: [], ci: [], notes: [], hasErrors: scan.hasErrors, hash: '', ...(scan.wrappers ? { wrappers: scan.wrappers } : {}), ...(scan.goEnv ? { goEnv: scan.goEnv } : {}) };
  } else {
    const kind = deployKind(path, text);
    const f = kind ? await readDeployConfig(kind, text) : undefined;
    facts = f ? { ...f, hasErrors: f.notes.some((n) => n.level === 'warning'), hash: '' } : { reads: [], dynamic: [], provides: [], ci: [], notes: [], hasErrors: false, hash: '' };
  }
  const ruby = isErbYaml(path) ? erbRuby(text) : undefined;
  if (ruby !== undefined) {
    const scan = await scanSource('ruby', ruby, path);
    facts = { ...facts, reads: [...facts.reads, ...scan.reads], dynamic: [...facts.dynamic, ...scan.dynamic] };
  }
  if (!isEmpty(facts)) facts.hash = hashOf(text);
  return facts;
}

/**
 * `factsOfText` through the per-file memo (by path, classification and content hash): a file whose
 * text was scanned before, at head or at the merge base, in this run or an earlier one, is not
 * scanned again. The memo keeps its own copy; the result is the caller's.
 */
function memoFacts(ctx: AnalysisContext, cls: Classification, path: string, text: string, hash = hashOf(text)): Promise<FileFacts> {
  return ctx.memo.get('env:facts', path, hash, JSON.stringify(cls), () => factsOfText(cls, path, text));
}

const isEmpty = (f: FileFacts) => !f.reads.length && !f.dynamic.length && !f.provides.length && !f.ci.length && !f.notes.length && !f.hasErrors && !f.wrappers?.length && !f.goEnv;

/** Facts of a workspace file; only files that read or provide something are kept (cached by content hash). */
async function factsOf(ctx: AnalysisContext, s: EnvState, f: WorkspaceFile): Promise<FileFacts | undefined> {
  if (!relevant(f.cls, f.path, ctx.config.env.includeTests)) return undefined;
  const text = await readText(ctx.reader, f.path, (m) => ctx.notices.push({ level: 'info', message: m, file: f.path, area: 'env' }));
  if (text === undefined) return undefined;
  const hash = hashOf(text);
  const cached = s.head.get(f.path);
  if (cached && cached.hash === hash) return cached;
  // A scanner exception propagates: the caller reports it as engine/analysis-failed on this file
  // (a file whose reads were not scanned must not let the check pass).
  return memoFacts(ctx, f.cls, f.path, text, hash);
}

/** Runs `fn` over `items` with at most `limit` in flight (reads overlap; parses run on scan threads when there are many). */
async function pool<T>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Puts the notices added since `from` in the order of their files (then as they came). */
function inFileOrder(ctx: AnalysisContext, files: readonly WorkspaceFile[], from: number): void {
  if (ctx.notices.length - from < 2) return;
  const rank = new Map(files.map((f, i) => [f.path, i]));
  const added = ctx.notices.splice(from).map((n, i) => ({ n, i, r: (n.file !== undefined ? rank.get(n.file) : undefined) ?? files.length }));
  added.sort((a, b) => a.r - b.r || a.i - b.i);
  ctx.notices.push(...added.map((x) => x.n));
}

function noticesOf(ctx: AnalysisContext, path: string, facts: FileFacts): void {
  if (facts.hasErrors && !facts.notes.length) ctx.notices.push({ level: 'info', message: `${path}: has syntax errors; environment reads were taken from the parts that parse`, file: path, area: 'env' });
  // At most one notice per kind of problem per run ("YAML error", "not valid YAML"…): the first one, with a count of the rest.
  let kinds = ctx.cache.get('env:notice-kinds') as Map<string, { notice: Notice; base: string; more: number }> | undefined;
  if (!kinds || !kinds.size || ![...kinds.values()].every((k) => ctx.notices.includes(k.notice))) ctx.cache.set('env:notice-kinds', (kinds = new Map()));
  for (const n of facts.notes) {
    const kind = `${n.level}:${n.message.replace(/[:(].*$/s, '').trim()}`;
    const seen = kinds.get(kind);
    if (seen) {
      seen.more++;
      seen.notice.message = `${seen.base} (and ${seen.more} more like it in this run)`;
      continue;
    }
    const notice: Notice = { level: n.level, message: `${path}:${n.range.start.line + 1}: ${n.message}`, file: path, area: 'env' };
    kinds.set(kind, { notice, base: notice.message, more: 0 });
    ctx.notices.push(notice);
  }
}

// ───────────────────────────── quick fixes ─────────────────────────────

type EntryGroup = { names: string[]; first: number; last: number; starts: number[]; segs?: string[][] };
/** The entry groups of an example file, computed once per parse (every missing variable's fix asks). */
const groupsOf = new WeakMap<ExampleFile, EntryGroup[]>();

function insertionFor(ex: ExampleFile, name: string, body: string): TextEdit {
  let groups = groupsOf.get(ex);
  if (!groups) groupsOf.set(ex, (groups = entryGroups(ex)));
  const mine = name.split('_');
  const common = (x: string[]) => {
    let i = 0;
    while (i < x.length && i < mine.length && x[i] === mine[i]) i++;
    return i;
  };
  let best: EntryGroup | undefined;
  let bestScore = 0;
  for (const g of groups) {
    g.segs ??= g.names.map((n) => n.split('_'));
    const score = Math.max(...g.segs.map(common));
    if (score > bestScore) {
      best = g;
      bestScore = score;
    }
  }
  return placeIn(ex, best, name, body);
}

function entryGroups(ex: ExampleFile): EntryGroup[] {
  // A group is a run of entries; comments directly above an entry belong to it.
  const groups: EntryGroup[] = [];
  let cur: (typeof groups)[number] | undefined;
  let commentStart: number | undefined;
  for (const l of ex.lines) {
    if (l.kind === 'blank') {
      cur = undefined;
      commentStart = undefined;
    } else if (l.kind === 'comment') commentStart ??= l.line;
    else if (l.kind === 'entry' && l.key) {
      if (!cur) groups.push((cur = { names: [], first: commentStart ?? l.line, last: l.line, starts: [] }));
      cur.names.push(l.key);
      cur.starts.push(commentStart ?? l.line);
      cur.last = l.entry?.endLine ?? l.line;
      commentStart = undefined;
    }
  }
  return groups;
}

function placeIn(ex: ExampleFile, best: EntryGroup | undefined, name: string, body: string): TextEdit {
  const at = (line: number): Range => ({ start: { line, character: 0 }, end: { line, character: 0 } });
  if (best) {
    if (isSorted(best.names)) {
      const i = best.names.findIndex((n) => n.localeCompare(name, 'en') > 0);
      if (i >= 0) return { file: ex.path, range: at(best.starts[i]), newText: body };
    }
    if (best.last + 1 < ex.lineCount) return { file: ex.path, range: at(best.last + 1), newText: body };
  }
  // a new group at the end, separated by a blank line; keep exactly one final newline
  const lastLine = ex.lineCount - 1;
  const lastText = ex.lines.find((l) => l.line === lastLine)?.text ?? '';
  const endsClean = ex.endsWithNewline;
  const lastContent = [...ex.lines].reverse().find((l) => l.kind !== 'blank');
  const needsGap = !!lastContent && !(ex.lines.some((l) => l.kind === 'blank' && l.line === (endsClean ? lastLine - 1 : lastLine)));
  const prefix = (endsClean ? '' : ex.eol) + (needsGap && ex.vars.length ? ex.eol : '');
  return { file: ex.path, range: { start: { line: lastLine, character: lastText.length }, end: { line: lastLine, character: lastText.length } }, newText: prefix + body };
}

/**
 * The lines that declare a variable in an example file. A required variable gets an empty value to
 * fill in; one with a default in code is written commented out with that default, so copying the
 * example to `.env` does not turn `?? 5000` into an empty string; an optional one is commented out.
 */
function declaration(ex: ExampleFile, name: string, where: string, kind: EnvRead['kind'], fallback?: string): string {
  if (kind === 'required') return `# Required: read in ${where}${ex.eol}${name}=${ex.eol}`;
  if (kind === 'default') return `# Optional: read in ${where}, which has a default${fallback !== undefined ? '' : ' in code'}${ex.eol}# ${name}=${fallback ?? ''}${ex.eol}`;
  return `# Optional: read in ${where}${ex.eol}# ${name}=${ex.eol}`;
}

function addFix(ex: ExampleFile, read: EnvRead, file: string): Fix {
  return { title: `Add ${read.name} to ${ex.path}`, isPreferred: true, edits: [insertionFor(ex, read.name, declaration(ex, read.name, file, read.kind, read.fallback))] };
}

function addAllFix(ex: ExampleFile, missing: Map<string, { read: EnvRead; file: string }>): Fix | undefined {
  if (missing.size < 2) return undefined;
  const body = [...missing.values()].map((m) => declaration(ex, m.read.name, m.file, m.read.kind, m.read.fallback)).join('');
  const lastLine = ex.lineCount - 1;
  const lastText = ex.lines.find((l) => l.line === lastLine)?.text ?? '';
  const prefix = (ex.endsWithNewline ? '' : ex.eol) + (ex.vars.length ? ex.eol : '');
  return {
    title: `Add all ${missing.size} missing variables to ${ex.path}`,
    edits: [{ file: ex.path, range: { start: { line: lastLine, character: lastText.length }, end: { line: lastLine, character: lastText.length } }, newText: prefix + body }],
  };
}

// ───────────────────────────── findings ─────────────────────────────

interface ProvidedAt {
  file: string;
  source: string;
  literal: boolean;
  range: Range;
}

/** Cross-file indexes, maintained incrementally as single files change. */
interface Global {
  provided: Map<string, ProvidedAt[]>;
  ci: Map<string, { file: string; store: string; range: Range }[]>;
  /** name → files that read it */
  readers: Map<string, Set<string>>;
  /** example path → name → number of files under it reading the name */
  under: Map<string, Map<string, number>>;
  dynamicUnder: Map<string, number>;
  /** example path → names missing from it, with their first read (memo, cleared on change) */
  missing: Map<string, Map<string, { read: EnvRead; file: string }>>;
}

function newGlobal(): Global {
  return { provided: new Map(), ci: new Map(), readers: new Map(), under: new Map(), dynamicUnder: new Map(), missing: new Map() };
}

/** Adds (sign 1) or removes (sign -1) one file's facts from the indexes. */
function contribute(s: EnvState, g: Global, file: string, f: FileFacts, sign: 1 | -1): void {
  const exPath = nearestOf(s, file);
  if (exPath) g.missing.delete(exPath);
  for (const p of f.provides) {
    const list = (g.provided.get(p.name) ?? []).filter((x) => x.file !== file);
    if (sign > 0) list.push({ file, source: p.source, literal: p.literal, range: p.range });
    if (list.length) g.provided.set(p.name, list);
    else g.provided.delete(p.name);
  }
  for (const c of f.ci) {
    const list = (g.ci.get(c.name) ?? []).filter((x) => x.file !== file);
    if (sign > 0) list.push({ file, store: c.store, range: c.range });
    if (list.length) g.ci.set(c.name, list);
    else g.ci.delete(c.name);
  }
  const names = new Set(f.reads.map((r) => r.name));
  for (const name of names) {
    let set = g.readers.get(name);
    if (sign > 0) {
      if (!set) g.readers.set(name, (set = new Set()));
      set.add(file);
    } else if (set) {
      set.delete(file);
      if (!set.size) g.readers.delete(name);
    }
    if (exPath) {
      let m = g.under.get(exPath);
      if (!m) g.under.set(exPath, (m = new Map()));
      const n = (m.get(name) ?? 0) + sign;
      if (n > 0) m.set(name, n);
      else m.delete(name);
    }
  }
  if (exPath && f.dynamic.length) g.dynamicUnder.set(exPath, (g.dynamicUnder.get(exPath) ?? 0) + sign * f.dynamic.length);
}

function buildGlobal(s: EnvState): Global {
  const g = newGlobal();
  for (const [file, f] of s.head) contribute(s, g, file, f, 1);
  return g;
}

/** The first read of a name in the workspace (by file path, then position). */
function firstRead(s: EnvState, g: Global, name: string): { file: string; read: EnvRead } | undefined {
  const files = g.readers.get(name);
  if (!files?.size) return undefined;
  let first: string | undefined;
  for (const f of files) if (first === undefined || f < first) first = f;
  const read = s.head.get(first!)?.reads.find((r) => r.name === name);
  return read ? { file: first!, read } : undefined;
}

function missingFrom(s: EnvState, g: Global, ex: ExampleFile, ignore: Ignore, configured: readonly string[]): Map<string, { read: EnvRead; file: string }> {
  let m = g.missing.get(ex.path);
  if (m) return m;
  m = new Map();
  const rows: [string, { read: EnvRead; file: string }][] = [];
  // Example files of one folder (example.env, example.docker.env) describe the same code: a name
  // declared in a sibling is declared.
  const sibs = siblingsOf(s, ex.path, configured);
  for (const [name, files] of g.readers) {
    if (ex.names.has(name) || ex.documented.has(name) || ignore(name)) continue;
    if (sibs.some((x) => x.names.has(name) || x.documented.has(name))) continue;
    let first: string | undefined;
    for (const f of files) if (nearestOf(s, f) === ex.path && (first === undefined || f < first)) first = f;
    if (first === undefined) continue;
    const read = s.head.get(first)?.reads.find((r) => r.name === name);
    if (read && !ignore(name, first, read.via)) rows.push([name, { read, file: first }]);
  }
  rows.sort((a, b) => a[1].file.localeCompare(b[1].file) || a[1].read.range.start.line - b[1].read.range.start.line || a[0].localeCompare(b[0]));
  for (const [k, v] of rows) m.set(k, v);
  g.missing.set(ex.path, m);
  return m;
}

const rank: Record<EnvRead['kind'], number> = { optional: 0, default: 1, required: 2 };

/** The other example files of the folder (example.env beside example.docker.env): they describe the same code. */
function siblingsOf(s: EnvState, path: string, configured: readonly string[]): ExampleFile[] {
  // A configured example (env.exampleFiles) is the one: only files found by pattern pool their names.
  const isConfigured = (p: string) => configured.includes(p.slice(p.lastIndexOf('/') + 1));
  if (isConfigured(path)) return [];
  return (s.examplesByDir.get(dirOf(path)) ?? []).filter((p) => p !== path && !isConfigured(p)).map((p) => s.parsed.get(p)?.ex).filter((x): x is ExampleFile => !!x);
}

/** The example declares the variable: set, or (for a read whose absence the code handles) written commented out. */
function declares(ex: ExampleFile, read: EnvRead): boolean {
  return ex.names.has(read.name) || (read.kind !== 'required' && ex.documented.has(read.name));
}

function rel(file: string, range: Range, message: string): Location {
  return { file, range, message };
}

async function findingsForFile(ctx: AnalysisContext, s: EnvState, g: Global, file: string): Promise<Finding[]> {
  const f = s.head.get(file);
  if (!f) return [];
  const ignore = s.ignore ?? ignorer(ctx);
  const exPath = nearestOf(s, file);
  const ex = exPath ? await example(ctx, s, exPath) : undefined;
  const out: Finding[] = [];
  let allGiven = false;
  const exposedHere = new Set<string>();
  // One finding per variable per file: the first read carries it, later reads are related
  // locations, and the strongest use decides (required over default over optional).
  const byName = new Map<string, { read: EnvRead; others: EnvRead[] }>();
  for (const r of f.reads) {
    const g0 = byName.get(r.name);
    if (!g0) byName.set(r.name, { read: { ...r }, others: [] });
    else {
      g0.others.push(r);
      if (rank[r.kind] > rank[g0.read.kind]) g0.read = { ...g0.read, kind: r.kind, via: r.via };
    }
  }
  for (const { read, others } of byName.values()) {
    if (ignore(read.name, file, read.via)) continue;
    const alsoRead = others.slice(0, 20).map((o) => rel(file, o.range, `${read.name} is also read here (${o.kind})`));
    const providers = g.provided.get(read.name)?.filter((p) => p.file !== file) ?? [];
    const ci = g.ci.get(read.name)?.[0];
    const prefix = isClientExposed(read.name, ctx.config.env.clientPrefixes);
    if (prefix && !exposedHere.has(read.name)) {
      exposedHere.add(read.name);
      out.push(
        clientExposedSecret.finding({
          message: `${read.name} looks like a secret, but the ${prefix} prefix makes the bundler inline its value into code every visitor downloads. Read it on the server under a name without the prefix.`,
          file,
          range: read.range,
          data: { variable: read.name, prefix },
        }),
      );
    }
    let isNew = false;
    if (s.baseNames && !s.baseNames.has(read.name)) {
      const first = firstRead(s, g, read.name);
      isNew = !!first && first.file === file && first.read.range.start.line === read.range.start.line && first.read.range.start.character === read.range.start.character;
      // A new variable that is also missing from the example is one finding that says both.
      if (isNew && !(ex && !declares(ex, read))) {
        const where = providers.length ? ` It is provided by ${providers[0].source} (${providers[0].file}).` : '';
        out.push(
          newOnBranch.finding({
            message: `${read.name} is first read on this branch (${read.kind}, via ${read.via}); it is not read at the merge base ${s.baseCommit?.slice(0, 7) ?? ''}. ${read.kind === 'required' ? 'Set it in every production environment before deploying.' : read.kind === 'default' ? 'The code has a default: set it in production where the default is not right.' : 'The code runs without it: set it where its feature is wanted.'}${where}`,
            file,
            range: read.range,
            related: ex?.names.has(read.name) ? [rel(ex.path, ex.vars.find((v) => v.name === read.name)!.range, 'declared here')] : undefined,
            data: { variable: read.name, use: read.kind, required: read.kind === 'required' },
          }),
        );
      }
    }
    if (!ex || declares(ex, read) || siblingsOf(s, ex.path, ctx.config.env.exampleFiles).some((x) => declares(x, read))) continue;
    const commented = ex.documented.has(read.name);
    const literal = providers.find((p) => p.literal);
    const severity = literal || ci ? 'info' : providers.length || commented ? 'warning' : read.kind === 'required' ? 'error' : 'warning';
    const supplied = literal
      ? ` It is set by ${literal.source} in ${literal.file}.`
      : providers.length
        ? ` Production gets it from ${providers[0].source} (${providers[0].file}).`
        : ci
          ? ` CI provides it as ${ci.store}.${read.name} (${ci.file}).`
          : '';
    const use = read.kind === 'required' ? 'required' : read.kind === 'default' ? 'with a default' : 'optional';
    const fixes = [addFix(ex, read, file)];
    // The "add all" fix lists every missing variable: once per file (on its first finding), so the
    // report stays linear in the number of reads.
    if (!allGiven) {
      allGiven = true;
      const all = addAllFix(ex, missingFrom(s, g, ex, ignore, ctx.config.env.exampleFiles));
      if (all) fixes.push(all);
    }
    const related = [rel(ex.path, zeroRange, 'nearest example file')];
    if (literal) related.push(rel(literal.file, literal.range, literal.source));
    else if (providers[0]) related.push(rel(providers[0].file, providers[0].range, providers[0].source));
    const newNote = isNew ? ` It is first read on this branch (not at the merge base ${s.baseCommit?.slice(0, 7) ?? ''})${read.kind === 'required' ? ': set it in every production environment before deploying' : ''}.` : '';
    out.push(
      missingFromExample.finding({
        message: `${read.name} is read here (${use}, via ${read.via}) but ${commented ? 'only commented out' : 'not declared'} in ${ex.path}.${read.kind === 'required' ? '' : ([read, ...others].map(gateNote).find(Boolean) ?? '')}${supplied}${newNote}`,
        severity,
        file,
        range: read.range,
        related: [...related, ...alsoRead],
        fixes,
        data: { variable: read.name, use: read.kind, ...(isNew ? { newOnBranch: true } : {}), ...(providers[0] ? { provider: providers[0].source } : {}) },
      }),
    );
  }
  for (const d of f.dynamic) {
    out.push(
      dynamicRead.finding({
        message: `Variable name computed at run time (${d.via}): it cannot be checked against ${ex?.path ?? 'an example file'}. Prefer literal names, or list the possible names in the example file.`,
        file,
        range: d.range,
        data: { via: d.via },
      }),
    );
  }
  return out;
}

async function exampleFindings(ctx: AnalysisContext, s: EnvState, g: Global, path: string): Promise<Finding[]> {
  const ex = await example(ctx, s, path);
  if (!ex) return [];
  const out: Finding[] = [];
  for (const p of checkHygiene(ex, ctx.config.env.skipChecks)) {
    out.push(exampleHygiene.finding({ message: p.message, severity: p.severity, file: path, range: p.range, fixes: p.fix ? [p.fix] : undefined, data: { check: p.check } }));
  }
  const ignore = s.ignore ?? ignorer(ctx);
  // Reads are filed under the first example of their folder; its siblings (example.env beside
  // example.docker.env) describe the same code, so a read under any of them counts for each.
  const siblings = siblingsOf(s, path, ctx.config.env.exampleFiles).map((x) => x.path);
  const used = new Map<string, number>(g.under.get(path) ?? []);
  for (const sib of siblings) if (sib !== path) for (const [k, v] of g.under.get(sib) ?? []) used.set(k, (used.get(k) ?? 0) + v);
  const dyn = g.dynamicUnder.get(path) ?? 0;
  const reported = new Set<string>();
  // An example for the test run (.env.test.example) declares what test code reads; with test code
  // not scanned, "no read found" says nothing about it.
  const testOnly = /(?:^|[./_-])(?:test|testing|ci)(?:[./_-]|$)/i.test(path.slice(path.lastIndexOf('/') + 1));
  const unread = (name: string) => !used.has(name) && !g.readers.has(name) && !ignore(name) && s.head.size > 0 && !(testOnly && !ctx.config.env.includeTests);
  if (!ctx.config.env.includeTests) await findTestReads(ctx, s, ex.vars.filter((v) => unread(v.name)).map((v) => v.name));
  for (const v of ex.vars) {
    if (reported.has(v.name)) continue;
    reported.add(v.name);
    if (v.secret) {
      out.push(
        secretInExample.finding({
          message: `The value of ${v.name} ${v.secret}. Example files are committed: replace it with a placeholder, and rotate the credential if it is real.`,
          file: path,
          range: v.valueRange,
          fixes: [{ title: `Replace the value of ${v.name} with an empty placeholder`, isPreferred: true, edits: [{ file: path, range: v.valueRange, newText: '' }] }],
          data: { variable: v.name },
        }),
      );
    }
    const prefix = isClientExposed(v.name, ctx.config.env.clientPrefixes);
    if (prefix) {
      out.push(
        clientExposedSecret.finding({
          message: `${v.name} looks like a secret, but the ${prefix} prefix makes bundlers inline it into client code.`,
          file: path,
          range: v.range,
          data: { variable: v.name, prefix },
        }),
      );
    }
    // A name read anywhere in the workspace is live: an example beside the main one (.env.local.example)
    // or in a deploy folder (docker/.env.example, loaded by compose into a container whose code lives
    // elsewhere) declares variables read outside its own folder, and "remove it" would break them.
    if (!unread(v.name)) continue;
    const inTest = s.testReads.get(v.name);
    if (inTest) {
      // Its tests read it: "remove it" would break them, and whether the test run takes it from
      // this file is the project's call.
      out.push(
        unusedInExample.finding({
          message: `${v.name} is declared here and read only by test code (${inTest.file}:${inTest.range.start.line + 1}); no production code or deployment config under ${dirOf(path) || 'the workspace root'} reads it.`,
          file: path,
          range: v.range,
          data: { variable: v.name, testOnly: true, testFile: inTest.file },
        }),
      );
    } else {
      out.push(
        unusedInExample.finding({
          message: `${v.name} is declared here, but no read of it was found in the code or deployment config under ${dirOf(path) || 'the workspace root'}${dyn ? ` (${dyn} dynamic read${dyn === 1 ? '' : 's'} there might read it)` : ''}. Reads by a framework or tool that takes it by name, or through a helper not recognised as one (name it under env.readers), are not seen: check those before removing it.`,
          file: path,
          range: v.range,
          fixes: [{ title: `Remove ${v.name} from ${path}`, edits: [{ file: path, range: { start: { line: v.line, character: 0 }, end: { line: v.endLine + 1, character: 0 } }, newText: '' }] }],
          data: { variable: v.name },
        }),
      );
    }
  }
  return out;
}

/**
 * Which of `names` (declared, read by no production code) test code reads: the test files that
 * mention one of them are scanned like production code, helpers included, and the first read of
 * each is kept in `s.testReads`. Only with env.includeTests off (test reads are ordinary reads
 * otherwise); files are read at most once per run and parsed only when they contain a name.
 */
async function findTestReads(ctx: AnalysisContext, s: EnvState, names: readonly string[]): Promise<void> {
  const wanted = names.filter((n) => !s.testReads.has(n));
  if (!wanted.length) return;
  const found = new Map<string, { file: string; range: Range }>();
  for (const f of ctx.files) {
    if (ctx.signal.aborted || found.size === wanted.length) break;
    if (!isTestCode(f)) continue;
    const text = await readText(ctx.reader, f.path);
    if (text === undefined || !wanted.some((n) => !found.has(n) && text.includes(n))) continue;
    const hash = hashOf(text);
    let reads = s.testFacts.get(f.path)?.hash === hash ? s.testFacts.get(f.path)!.reads : undefined;
    if (!reads) {
      try {
        let facts: FileFacts | undefined = await factsOfText(f.cls, f.path, text);
        if (s.wrappers?.length) facts = await withWrapperReads(ctx, s, f, facts);
        reads = facts?.reads ?? [];
      } catch {
        reads = []; // a test file that cannot be scanned reads nothing here: the advice keeps its hedge
      }
      s.testFacts.set(f.path, { hash, reads });
    }
    for (const r of reads) if (wanted.includes(r.name) && !found.has(r.name)) found.set(r.name, { file: f.path, range: r.range });
  }
  for (const n of wanted) s.testReads.set(n, found.get(n) ?? null);
}

/** Test code by convention, which the analysis skips while env.includeTests is off. */
const isTestCode = (f: WorkspaceFile) => relevant(f.cls, f.path, true) && !relevant(f.cls, f.path, false);

/** `.env` files tracked by git. Their values are never read: only the path is reported. */
async function committedEnvFiles(ctx: AnalysisContext): Promise<Finding[]> {
  if (!ctx.git || !ctx.trusted) return [];
  let tracked: string[];
  try {
    tracked = await ctx.git.trackedMatching([':(glob)**/.env', ':(glob)**/.env.*']);
  } catch {
    return [];
  }
  const out: Finding[] = [];
  for (const p of tracked) {
    const cls = ctx.classifier.classify(p);
    if (cls.kind !== 'env-file') continue;
    const base = p.slice(p.lastIndexOf('/') + 1);
    // .env.vault is encrypted; .env.example, .env.development-example, .env.sample… are examples by name
    if (base === '.env.vault' || /[.-](?:example|sample|template|dist)$/i.test(base)) continue;
    const serious = base === '.env' || base.endsWith('.local') || base === '.env.keys' || base.startsWith('.env.prod');
    const gitignore = dirOf(p) ? `${dirOf(p)}/.gitignore` : '.gitignore';
    const gi = await readText(ctx.reader, gitignore);
    const fix: Fix | undefined =
      gi === undefined
        ? { title: `Create ${gitignore} ignoring ${base}`, edits: [{ file: gitignore, range: zeroRange, newText: `${base}\n`, create: true }] }
        : gi.split(/\r?\n/).some((l) => l.trim() === base || l.trim() === `/${base}`)
          ? undefined
          : (() => {
              const lines = gi.split('\n');
              const last = lines.length - 1;
              return { title: `Ignore ${base} in ${gitignore}`, edits: [{ file: gitignore, range: { start: { line: last, character: lines[last].length }, end: { line: last, character: lines[last].length } }, newText: `${gi.endsWith('\n') || gi === '' ? '' : '\n'}${base}\n` }] };
            })();
    out.push(
      dotenvCommitted.finding({
        message: `${p} is tracked by git, so its values are in the repository history. Run \`git rm --cached ${p}\`, ignore it, and rotate any real credential it held.`,
        severity: serious ? 'error' : 'warning',
        file: p,
        range: zeroRange,
        fixes: fix ? [fix] : undefined,
        data: { file: p },
      }),
    );
  }
  return out;
}

/** Names read at the merge base: head facts of unchanged files plus the base versions of changed ones. */
async function baseNames(ctx: AnalysisContext, s: EnvState, reader: FileReader, changed: Set<string>): Promise<Set<string>> {
  const names = new Set<string>();
  const goTables = new Map<string, GoEnvTable>();
  for (const [file, f] of s.head) {
    if (changed.has(file)) continue;
    for (const r of f.reads) names.add(r.name);
    if (f.goEnv) goTables.set(file, f.goEnv);
  }
  for (const file of changed) {
    if (ctx.signal.aborted) break;
    const cls = ctx.classifier.classify(file);
    if (!relevant(cls, file, ctx.config.env.includeTests)) continue;
    const r = await reader.read(file);
    if (r.kind !== 'text') continue;
    try {
      const f = await memoFacts(ctx, cls, file, r.text);
      for (const x of f.reads) names.add(x.name);
      if (f.goEnv) goTables.set(file, f.goEnv);
      if (cls.kind === 'source' && s.wrappers?.length && mayCall(r.text, s.wrappers.map((w) => w.name))) {
        for (const x of (await memoWrapperCalls(ctx, cls.language, file, r.text, s.wrappers)).reads) names.add(x.name);
      }
    } catch {
      /* an unreadable base version reads nothing */
    }
  }
  // Go structs resolved across the base's packages, as head's are.
  if (goTables.size > 1) for (const reads of goWorkspaceReads(goTables).values()) for (const x of reads) names.add(x.name);
  return names;
}

/**
 * Go env-tagged structs resolved across files (a package's sections in sibling files, a struct parsed
 * with a prefix in another package): each file's `env tag` reads are replaced by the resolved ones.
 * Recomputed from the tables, so running it again gives the same facts.
 */
function resolveGoEnv(facts: Map<string, FileFacts>): void {
  const tables = new Map<string, GoEnvTable>();
  for (const [p, f] of facts) if (f.goEnv) tables.set(p, f.goEnv);
  if (tables.size < 2) return;
  for (const [p, reads] of goWorkspaceReads(tables)) {
    const f = facts.get(p)!;
    facts.set(p, { ...f, reads: [...f.reads.filter((r) => !replacedBy(r, reads)), ...reads] });
  }
}

/** One file's facts with its Go struct reads resolved against the other files' tables (editing one file). */
function resolvedGoFile(head: Map<string, FileFacts>, path: string, facts: FileFacts): FileFacts {
  const tables = new Map<string, GoEnvTable>();
  for (const [p, f] of head) if (f.goEnv && p !== path) tables.set(p, f.goEnv);
  if (!tables.size || !facts.goEnv) return facts;
  tables.set(path, facts.goEnv);
  const reads = goWorkspaceReads(tables).get(path) ?? [];
  return { ...facts, reads: [...facts.reads.filter((r) => !replacedBy(r, reads)), ...reads] };
}

/** Struct-tag reads a package-wide resolution replaces: env tags always; envconfig's when it resolved some here. */
function replacedBy(r: EnvRead, resolved: readonly EnvRead[]): boolean {
  if (r.via === 'env tag') return true;
  return (r.via === 'envconfig tag' || r.via === 'envconfig.Process') && resolved.some((x) => x.via === 'envconfig.Process');
}

function fillFacts(ctx: AnalysisContext, s: EnvState, g: Global): void {
  const ignore = s.ignore ?? ignorer(ctx);
  const byName = new Map<string, { name: string; files: string[]; isNew: boolean; required: boolean; provider?: string }>();
  for (const [file, f] of [...s.head].sort((a, b) => a[0].localeCompare(b[0]))) {
    for (const r of f.reads) {
      if (ignore(r.name, file, r.via)) continue;
      let v = byName.get(r.name);
      if (!v) {
        v = { name: r.name, files: [], isNew: !!s.baseNames && !s.baseNames.has(r.name), required: false };
        const p = g.provided.get(r.name)?.[0];
        const ci = g.ci.get(r.name)?.[0];
        if (p) v.provider = `${p.source} (${p.file})`;
        else if (ci) v.provider = `CI ${ci.store} (${ci.file})`;
        byName.set(r.name, v);
      }
      // Files come in order, each one's reads together: the last entry is the only possible repeat
      // (a search of the whole list was quadratic: 5,000 files reading one variable).
      if (v.files[v.files.length - 1] !== file) v.files.push(file);
      v.required ||= r.kind === 'required';
    }
  }
  ctx.facts.envVars = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const envAnalyzer: Analyzer = {
  area: 'env',
  rules: envRules,
  async analyze(ctx) {
    const s = state(ctx);
    s.ignore = ignorer(ctx);
    if (s.examplesByDir.size === 0) {
      ctx.notices.push({
        level: 'info',
        area: 'env',
        message: `no example file in the workspace (looked for ${ctx.config.env.exampleFiles.join(', ')}, and ${EXAMPLE_FILE_PATTERNS_TEXT}): variables were not checked against one. Add one, or name yours in .deploy-readiness.yaml under env.exampleFiles.`,
      });
    }
    s.testReads.clear();
    const relevantFiles = ctx.files.filter((f) => relevant(f.cls, f.path, ctx.config.env.includeTests));
    const failed: Finding[] = [];
    // Files are scanned concurrently (on scan threads when there are many, ./parallel.ts); their
    // facts and notices are applied in file order, so the result never depends on which finished first.
    const results: (FileFacts | undefined)[] = new Array(relevantFiles.length);
    const noticesFrom = ctx.notices.length;
    await pool(relevantFiles, 32, ctx.signal, async (f, i) => {
      try {
        results[i] = await factsOf(ctx, s, f);
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        failed.push(failureFinding('env', f.path, e));
      }
    });
    inFileOrder(ctx, relevantFiles, noticesFrom);
    const head = new Map<string, FileFacts>();
    relevantFiles.forEach((f, i) => {
      const facts = results[i];
      if (!facts || isEmpty(facts)) return;
      head.set(f.path, facts);
      noticesOf(ctx, f.path, facts);
    });
    s.head.clear();
    for (const [k, v] of head) s.head.set(k, v);
    resolveGoEnv(s.head);
    await resolveWrappers(ctx, s, relevantFiles, failed);
    await applyGates(ctx, s, relevantFiles, failed);
    for (const list of s.examplesByDir.values()) for (const p of list) await example(ctx, s, p);
    if (ctx.base && !ctx.baseRun) {
      s.baseNames = await baseNames(ctx, s, ctx.base.reader, ctx.base.changedFiles);
      s.baseCommit = ctx.base.commit;
    } else s.baseNames = undefined;
    const g = (s.global = buildGlobal(s));
    const out: Finding[] = failed;
    for (const file of [...s.head.keys()].sort()) out.push(...(await findingsForFile(ctx, s, g, file)));
    for (const list of s.examplesByDir.values()) for (const p of list) out.push(...(await exampleFindings(ctx, s, g, p)));
    out.push(...(await committedEnvFiles(ctx)));
    fillFacts(ctx, s, g);
    return out;
  },
  async analyzeFile(ctx, f) {
    const s = state(ctx);
    s.ignore ??= ignorer(ctx);
    const g = (s.global ??= buildGlobal(s));
    if (f.cls.kind === 'env-example') {
      s.parsed.delete(f.path);
      g.missing.clear();
      return exampleFindings(ctx, s, g, f.path);
    }
    if (!ctx.config.env.includeTests && isTestCode(f)) s.testReads.clear();
    const old = s.head.get(f.path);
    let facts = await factsOf(ctx, s, f);
    if (facts?.goEnv) facts = resolvedGoFile(s.head, f.path, facts);
    if (f.cls.kind === 'source' && s.wrappers?.length) facts = await withWrapperReads(ctx, s, f, facts);
    if (facts && f.cls.kind === 'source' && s.gates && gateable(f.cls.language)) facts = await withGates(ctx, s, f, facts, s.gates);
    if (facts !== old) {
      if (old) contribute(s, g, f.path, old, -1);
      if (facts && !isEmpty(facts)) {
        s.head.set(f.path, facts);
        contribute(s, g, f.path, facts, 1);
      } else s.head.delete(f.path);
    }
    if (!facts) return [];
    return findingsForFile(ctx, s, g, f.path);
  },
  affectsWorkspace: (f) => f.cls.kind === 'env-example' || f.cls.kind === 'deploy-manifest' || f.cls.kind === 'ci-config',
};

/**
 * Gives the engine's run over the merge base a copy of head's per-file facts: each is checked
 * against the base text by content hash, so files the branch did not change are not parsed again.
 */
export function seedEnvBaseRun(head: AnalysisContext, base: AnalysisContext): void {
  const s = head.cache.get('env') as EnvState | undefined;
  if (!s) return;
  base.cache.set('env', { examplesByDir: new Map(), parsed: new Map(s.parsed), head: new Map(s.head), nearest: new Map(), viteDirs: new Set(), nextDirs: new Set(), testReads: new Map(), testFacts: new Map(s.testFacts) } satisfies EnvState);
}

// ───────────────────────────── reads through project helpers ─────────────────────────────

const wrapperReads = (f: FileFacts) => f.reads.some((r) => r.wrapper);

/**
 * `scanWrapperCalls` through the per-file memo, by path, content hash, language and the wrappers of
 * its family (their whole definitions: a read's kind comes from its wrapper's shape). The scan uses
 * the last definition of each name; they are keyed in name order, as the order wrappers were found
 * in varies from run to run (files are scanned concurrently).
 */
function memoWrapperCalls(ctx: AnalysisContext, lang: SourceLanguage, path: string, text: string, defs: readonly WrapperDef[]): ReturnType<typeof scanWrapperCalls> {
  const family = familyOf(lang);
  const byName = new Map<string, WrapperDef>();
  for (const d of defs) if (d.family === family || d.family === 'any') byName.set(d.name, d);
  const mine = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return ctx.memo.get('env:wrapper-calls', path, hashOf(text), `${lang}\0${hashOf(JSON.stringify(mine))}`, () => scanWrapperCalls(lang, text, mine, path));
}

/** The file's facts with its calls to the known wrappers added as reads (its own reads kept). */
async function withWrapperReads(ctx: AnalysisContext, s: EnvState, f: WorkspaceFile, facts: FileFacts | undefined, defs: readonly WrapperDef[] = s.wrappers ?? []): Promise<FileFacts | undefined> {
  if (f.cls.kind !== 'source' || !familyOf(f.cls.language)) return facts;
  const family = familyOf(f.cls.language);
  const names = defs.filter((d) => d.family === family || d.family === 'any').map((d) => d.name);
  if (!names.length) return facts;
  const text = await readText(ctx.reader, f.path);
  if (text === undefined || !mayCall(text, names)) return facts;
  const found = await memoWrapperCalls(ctx, f.cls.language, f.path, text, defs);
  if (!found.reads.length && !found.wrappers.length) return facts;
  const base: FileFacts = facts ?? { reads: [], dynamic: [], provides: [], ci: [], notes: [], hasErrors: false, hash: hashOf(text) };
  return {
    ...base,
    reads: [...base.reads.filter((r) => !r.wrapper || !names.includes(r.wrapper)), ...found.reads],
    ...(found.wrappers.length ? { wrappers: [...(base.wrappers ?? []), ...found.wrappers] } : {}),
  };
}

/**
 * Reads through a project's own helpers: wrappers found while scanning (a function whose parameter
 * flows into an environment read) and those named by `env.readers`; calls to them with a literal
 * name are reads. Only files that mention a wrapper's name before `(` are parsed again; a function
 * that passes its parameter on to a wrapper is a wrapper too (two levels).
 */
async function resolveWrappers(ctx: AnalysisContext, s: EnvState, files: readonly WorkspaceFile[], failed: Finding[]): Promise<void> {
  // Drop reads added by a previous run: the wrappers may have changed since.
  for (const [p, f] of s.head) {
    if (!wrapperReads(f)) continue;
    const own = { ...f, reads: f.reads.filter((r) => !r.wrapper), wrappers: f.wrappers?.filter((w) => !w.level) };
    if (isEmpty(own)) s.head.delete(p);
    else s.head.set(p, own);
  }
  const all = new Map<string, WrapperDef>();
  mergeWrappers(all, ctx.config.env.readers.map((r) => ({ name: r.call, arg: r.arg, family: 'any' as const, throws: false, inner: 'optional' as const, extraParams: false })));
  for (const [p, f] of s.head) mergeWrappers(all, (f.wrappers ?? []).map((w) => ({ ...w, file: p })));
  let round = [...all.values()];
  const sources = files.filter((f) => f.cls.kind === 'source' && familyOf(f.cls.language));
  for (let level = 0; level < 3 && round.length && !ctx.signal.aborted; level++) {
    const next: WrapperDef[] = [];
    // applied in file order once all are scanned (scans run concurrently, possibly on scan threads)
    const found: (FileFacts | undefined)[] = new Array(sources.length);
    await pool(sources, 32, ctx.signal, async (f, i) => {
      try {
        const old = s.head.get(f.path);
        const facts = await withWrapperReads(ctx, s, f, old, round);
        if (!facts || facts === old) return;
        found[i] = facts;
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        failed.push(failureFinding('env', f.path, e));
      }
    });
    sources.forEach((f, i) => {
      const facts = found[i];
      if (!facts) return;
      s.head.set(f.path, facts);
      for (const w of facts.wrappers ?? []) if (!all.has(`${w.family}:${w.name}`)) next.push({ ...w, file: f.path });
    });
    round = mergeWrappers(all, next);
  }
  s.wrappers = [...all.values()];
}

// ───────────────────────────── feature gates ─────────────────────────────

function jsWrapperNames(s: EnvState): Set<string> {
  return new Set((s.wrappers ?? []).filter((w) => w.family === 'js' || w.family === 'any').map((w) => w.name));
}

/** One file's reads with the gates applied (./gates): required reads only reached when another variable selects them become optional. */
async function withGates(ctx: AnalysisContext, s: EnvState, f: WorkspaceFile, facts: FileFacts, index: GateIndex): Promise<FileFacts> {
  if (f.cls.kind !== 'source' || !facts.reads.length) return facts;
  const text = await readText(ctx.reader, f.path);
  if (text === undefined) return facts;
  const ex = nearestOf(s, f.path);
  const reads = await gateReads({ path: f.path, lang: f.cls.language, text }, facts.reads, index, jsWrapperNames(s), ex === undefined ? undefined : dirOf(ex), ctx.memo);
  return { ...facts, reads };
}

/** Single-file components and pages with script the scanner does not parse: they may use a class or function too. */
const COMPONENT_FILE = /\.(?:vue|svelte|astro|mdx|html?)$/;

/**
 * Feature gates across the workspace's JavaScript and TypeScript: the index of classes and
 * functions reached only from env-selected branches, and presence tests, then each file's reads.
 */
async function applyGates(ctx: AnalysisContext, s: EnvState, files: readonly WorkspaceFile[], failed: Finding[]): Promise<void> {
  const js = files.filter((f) => f.cls.kind === 'source' && gateable(f.cls.language));
  if (!js.length) {
    s.gates = undefined;
    return;
  }
  const wrappers = jsWrapperNames(s);
  let index: GateIndex;
  try {
    index = await buildGates(
      js.map((f) => ({ path: f.path, lang: f.cls.kind === 'source' ? f.cls.language : 'typescript', text: () => readText(ctx.reader, f.path) })),
      (p) => s.head.get(p)?.reads,
      wrappers,
      ctx.signal,
      ctx.files.filter((f) => COMPONENT_FILE.test(f.path) && (ctx.config.env.includeTests || !isTestPath(f.path))).map((f) => ({ path: f.path, text: () => readText(ctx.reader, f.path) })),
      ctx.memo,
    );
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    // without the index, reads keep the kind their own file gives them (a gate is only ever a relaxation)
    index = emptyGates();
  }
  s.gates = index;
  for (const f of js) {
    if (ctx.signal.aborted) return;
    const facts = s.head.get(f.path);
    if (!facts?.reads.length) continue;
    try {
      s.head.set(f.path, await withGates(ctx, s, f, facts, index));
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      failed.push(failureFinding('env', f.path, e));
    }
  }
}
