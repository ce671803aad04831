import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { AnalysisContext, WorkspaceFile } from '../analyzer';
import { isTestPath } from '../env/analyzer';
import type { FileReader } from '../reader';
import { LineIndex } from '../text';
import type { SourceLanguage } from '../classify';
import { withParse } from '../source/service';

/**
 * Does the application code still use a table or column a migration drops? A search of the
 * application source (not migrations, not tests, not schema dumps) for the names as identifiers:
 * one token index per run and revision, hits inside comments discarded by tree-sitter. A string
 * match is only ever taken as "still referenced" (the conservative side); "not referenced" means
 * no token of that name anywhere outside comments.
 */

export type AppFramework = 'rails' | 'django';

export interface CodeRef {
  file: string;
  line: number;
}

/** Where the code mentions a name: the first real reference, and Rails `ignored_columns` naming it. */
export interface RefResult {
  ref?: CodeRef;
  ignored?: CodeRef;
}

/** Occurrences kept per token and revision: enough to step over a few comments. */
const KEEP = 16;
const MAX_BYTES = 1_000_000;
const TEMPLATE = /\.(erb|haml|slim|jbuilder|rabl|html|htm|jinja|jinja2|j2|djhtml|txt|xml)$/i;
const PARSED = new Set<string>(['ruby', 'python', 'javascript', 'typescript', 'tsx']);

interface Occ {
  file: string;
  offset: number;
}

interface TokenIndex {
  hits: Map<string, Occ[]>;
  /** Tokens with more occurrences than kept. */
  overflow: Set<string>;
  files: number;
}

/** Application source of the framework: its language, its templates, the front-end code beside it. */
export function isAppSource(f: WorkspaceFile, framework: AppFramework): boolean {
  const p = f.path;
  if (f.cls.kind === 'migration' || isTestPath(p)) return false;
  if (/(^|\/)(migrations|migrate|alembic|versions)\//.test(p)) return false;
  // Schema dumps and generated type stubs list every column: not code that runs.
  if (/(^|\/)db\/([\w-]*schema\.rb|structure\.sql)$/.test(p) || /(^|\/)sorbet\/rbi\//.test(p)) return false;
  if (f.cls.kind === 'source') return ['ruby', 'python', 'javascript', 'typescript', 'tsx'].includes(f.cls.language) && (framework === 'rails' ? f.cls.language !== 'python' : f.cls.language !== 'ruby');
  return TEMPLATE.test(p) && (framework === 'rails' ? /(^|\/)app\//.test(p) : /(^|\/)(templates|jinja2)\//.test(p));
}

/** The models the framework loads are visible: otherwise an absent name proves nothing. */
export function modelsVisible(files: readonly WorkspaceFile[], framework: AppFramework, migrationPath: string): boolean {
  if (framework === 'rails') return files.some((f) => /(^|\/)app\/models\/.+\.rb$/.test(f.path));
  const app = migrationPath.slice(0, migrationPath.lastIndexOf('/migrations/') + 1);
  return files.some((f) => f.path === `${app}models.py` || (f.path.startsWith(`${app}models/`) && f.path.endsWith('.py')));
}

function tokenize(text: string, file: string, idx: TokenIndex): void {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let list = idx.hits.get(m[0]);
    if (!list) idx.hits.set(m[0], (list = []));
    if (list.length < KEEP) list.push({ file, offset: m.index });
    else idx.overflow.add(m[0]);
  }
}

async function build(reader: FileReader, paths: readonly string[], signal: AbortSignal): Promise<TokenIndex> {
  const idx: TokenIndex = { hits: new Map(), overflow: new Set(), files: 0 };
  for (const p of paths) {
    if (signal.aborted) break;
    const r = await reader.read(p, MAX_BYTES).catch(() => undefined);
    if (r?.kind !== 'text') continue;
    idx.files++;
    tokenize(r.text, p, idx);
  }
  return idx;
}

/** Per file: comment spans, and the Ruby `ignored_columns` assignments. */
interface FileFacts {
  text: string;
  comments: [number, number][];
  ignored: [number, number][];
}

async function factsOf(reader: FileReader, path: string, language: string | undefined): Promise<FileFacts | undefined> {
  const r = await reader.read(path, MAX_BYTES).catch(() => undefined);
  if (r?.kind !== 'text') return undefined;
  const out: FileFacts = { text: r.text, comments: [], ignored: [] };
  if (!language || !PARSED.has(language)) return out;
  // through the one source service: a file the env scan or the flag detector parsed is not parsed again
  await withParse(language as SourceLanguage, r.text, path, (p) => {
    for (const c of p.root.descendantsOfType('comment')) if (c) out.comments.push([c.startIndex, c.endIndex]);
    if (language === 'ruby') {
      for (const a of p.root.descendantsOfType(['assignment', 'operator_assignment'])) {
        const left: TSNode | null | undefined = a?.childForFieldName('left');
        if (a && left && /(^|\.)ignored_columns$/.test(left.text)) out.ignored.push([a.startIndex, a.endIndex]);
      }
    }
  });
  return out;
}

const within = (spans: [number, number][], o: number) => spans.some(([s, e]) => o >= s && o < e);

export class CodeSearch {
  private head?: Promise<TokenIndex>;
  private base?: Promise<TokenIndex>;
  private readonly facts = new Map<string, Promise<FileFacts | undefined>>();
  private readonly paths: string[];
  private readonly lang = new Map<string, string>();

  constructor(
    private readonly ctx: AnalysisContext,
    readonly framework: AppFramework,
  ) {
    this.paths = ctx.files.filter((f) => isAppSource(f, framework)).map((f) => f.path);
    for (const f of ctx.files) if (f.cls.kind === 'source') this.lang.set(f.path, f.cls.language);
  }

  /** One search per framework per run (cached in the analysis context). */
  static for(ctx: AnalysisContext, framework: AppFramework): CodeSearch {
    const key = `frameworks:codeSearch:${framework}`;
    let s = ctx.cache.get(key) as CodeSearch | undefined;
    if (!s || s.ctx !== ctx) ctx.cache.set(key, (s = new CodeSearch(ctx, framework)));
    return s;
  }

  /** Forgets the indexes: the next search reads the files again (a new run, or an edit in the editor). */
  static reset(ctx: AnalysisContext): void {
    for (const k of [...ctx.cache.keys()]) if (k.startsWith('frameworks:codeSearch:')) ctx.cache.delete(k);
  }

  get fileCount(): number {
    return this.paths.length;
  }

  /** Whether a base revision (the code running now) can be searched too. */
  get hasBase(): boolean {
    return !!this.ctx.base && !this.ctx.baseRun;
  }

  private headIndex(): Promise<TokenIndex> {
    return (this.head ??= build(this.ctx.reader, this.paths, this.ctx.signal));
  }

  /** The base: unchanged files are the head's; changed and deleted ones are read at the base. */
  private baseIndex(): Promise<TokenIndex> | undefined {
    const base = this.ctx.base;
    if (!base || this.ctx.baseRun) return undefined;
    return (this.base ??= (async () => {
      const back = new Map<string, string>();
      for (const [h, b] of base.renames) back.set(b, h);
      const changed: string[] = [];
      for (const p of this.paths) if (base.changedFiles.has(p) && !base.addedFiles.has(p)) changed.push(base.renames.get(p) ?? p);
      for (const p of base.deletedFiles) if (!back.has(p) && isAppSource({ path: p, cls: this.ctx.classifier.classify(p) }, this.framework)) changed.push(p);
      return build(base.reader, changed, this.ctx.signal);
    })());
  }

  private fileFacts(reader: FileReader, rev: string, path: string): Promise<FileFacts | undefined> {
    const key = `${rev}:${path}`;
    let f = this.facts.get(key);
    if (!f) this.facts.set(key, (f = factsOf(reader, path, this.lang.get(path) ?? this.classifiedLanguage(path))));
    return f;
  }

  private classifiedLanguage(path: string): string | undefined {
    const c = this.ctx.classifier.classify(path);
    return c.kind === 'source' ? c.language : undefined;
  }

  private async lookIn(idx: TokenIndex, reader: FileReader, rev: string, names: readonly string[], keep: (file: string) => boolean): Promise<RefResult> {
    const out: RefResult = {};
    for (const name of names) {
      const occ = (idx.hits.get(name) ?? []).filter((o) => keep(o.file));
      for (const o of occ) {
        const f = await this.fileFacts(reader, rev, o.file);
        if (!f || within(f.comments, o.offset)) continue;
        const at = { file: o.file, line: new LineIndex(f.text).positionAt(o.offset).line + 1 };
        if (within(f.ignored, o.offset)) out.ignored ??= at;
        else out.ref ??= at;
      }
      // More occurrences than kept, none of those kept a reference: count it as referenced (conservative).
      const first = occ[0] ?? idx.hits.get(name)?.[0];
      if (!out.ref && idx.overflow.has(name) && first) out.ref = { file: first.file, line: 0 };
    }
    return out;
  }

  /**
   * A gem in the Gemfile of the code running now (the base, else head) whose tables these are:
   * `good_job` owns `good_job_batches` and `good_jobs`.
   */
  async gemFor(table: string): Promise<{ name: string; at: CodeRef } | undefined> {
    const base = this.hasBase ? this.ctx.base : undefined;
    for (const [reader, path] of [...(base ? [[base.reader, 'Gemfile'] as const] : []), [this.ctx.reader, 'Gemfile'] as const]) {
      const r = await reader.read(path, MAX_BYTES).catch(() => undefined);
      if (r?.kind !== 'text') continue;
      const lines = r.text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const m = /^\s*gem\s+["']([\w.-]+)["']/.exec(lines[i]);
        if (!m) continue;
        const g = m[1].replace(/-/g, '_');
        if (table.startsWith(`${g}_`) || table === `${g}s` || table === g) return { name: m[1], at: { file: path, line: i + 1 } };
      }
      return undefined;
    }
    return undefined;
  }

  /** References at head (only in the files `only` accepts, when given). */
  async atHead(names: readonly string[], only: (file: string) => boolean = () => true): Promise<RefResult> {
    return this.lookIn(await this.headIndex(), this.ctx.reader, 'head', names, only);
  }

  /** References in the code running now (the merge base), when there is one. */
  async atBase(names: readonly string[], only: (file: string) => boolean = () => true): Promise<RefResult | undefined> {
    const b = this.baseIndex();
    const base = this.ctx.base;
    if (!b || !base) return undefined;
    const unchanged = await this.lookIn(await this.headIndex(), this.ctx.reader, 'head', names, (p) => !base.changedFiles.has(p) && only(p));
    const other = await this.lookIn(await b, base.reader, 'base', names, only);
    return { ref: unchanged.ref ?? other.ref, ignored: unchanged.ignored ?? other.ignored };
  }
}
