import { createHash } from 'node:crypto';
import type { Config } from './config';

/**
 * Bump when a memoised per-file result changes shape or meaning (a scanner finds more reads, an op
 * gains a field): every result memoised by an older version is dropped (it is part of the scope).
 */
export const MEMO_VERSION = 1;

/** Per-file results past this many characters (their JSON) are dropped, least recently used first. */
const MAX_CHARS = 96 * 1024 * 1024;

export const contentHash = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The scope of memoised results: the configuration and the memo format (the CLI adds the tool's version and bundle). */
export function memoScope(config: Config, extra = ''): string {
  return createHash('sha256').update(JSON.stringify({ v: MEMO_VERSION, config, extra })).digest('hex');
}

/**
 * Per-file analysis results (a file's environment reads, a migration's parsed operations…), keyed
 * by the kind of result, the file's path, a hash of the text analysed and any other input, within
 * a scope (the configuration's hash and the analyzer version): a full analysis after a change to
 * one file recomputes that file's results and reuses the others', then rebuilds the cross-file
 * facts from them. The editor's worker keeps one in memory across analyses; the CLI loads one from
 * and saves it to the repository's git dir (`cli/memoStore.ts`).
 *
 * Values are kept as their JSON text: each use gets its own copy (a caller that changes a result
 * cannot change the memo), and a result read from disk is the same value as one computed in
 * memory. Only plain data (no Map, no undefined in arrays) is memoised.
 */
export class FileMemo {
  /** `maxChars`: results past this many characters are dropped, least recently used first. */
  constructor(private readonly maxChars = MAX_CHARS) {}
  private scope = '';
  private readonly entries = new Map<string, string>();
  private chars = 0;
  /** Keys used (hit or computed) since `beginRun`: what the CLI saves. */
  private used = new Set<string>();
  /** Files whose result was computed (not found) since `beginRun`. */
  private computedFiles = new Set<string>();
  private hits = 0;
  private misses = 0;
  private changed = false;

  /** Enters `scope`: results of another scope are dropped. */
  setScope(scope: string): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.entries.clear();
    this.chars = 0;
    this.used.clear();
    this.changed = true;
  }

  get currentScope(): string {
    return this.scope;
  }

  /** Starts counting a run (a full analysis): `stats` counts from here. */
  beginRun(): void {
    this.used = new Set();
    this.computedFiles = new Set();
    this.hits = 0;
    this.misses = 0;
  }

  /** Files analysed again (their results computed) and results reused since `beginRun`. */
  stats(): { reanalysed: number; reused: number; computed: number; files: ReadonlySet<string> } {
    return { reanalysed: this.computedFiles.size, reused: this.hits, computed: this.misses, files: this.computedFiles };
  }

  private key(kind: string, file: string, hash: string, extra: string): string {
    return `${kind}\0${file}\0${hash}\0${extra}`;
  }

  private lookup(key: string): string | undefined {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    // Most recently used last (eviction takes the first).
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  /** The memoised value under `key` (a copy), marking the key used by this run. */
  private reuse<T>(key: string): { value: T } | undefined {
    const hit = this.lookup(key);
    this.used.add(key);
    return hit === undefined ? undefined : { value: JSON.parse(hit) as T };
  }

  /** A memoised value handed out: counted as reused. */
  private counted<T>(value: T): T {
    this.hits++;
    return value;
  }

  private store(key: string, json: string): void {
    const old = this.entries.get(key);
    if (old !== undefined) this.chars -= old.length;
    this.entries.delete(key);
    this.entries.set(key, json);
    this.chars += json.length;
    this.changed = true;
    for (const [k, v] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= v.length;
    }
  }

  /**
   * The result of `compute` for `file` (its text hashed as `hash`, with `extra` naming every other
   * input): memoised, else computed and memoised. A computation that throws is not memoised.
   */
  async get<T>(kind: string, file: string, hash: string, extra: string, compute: () => Promise<T>): Promise<T> {
    const key = this.key(kind, file, hash, extra);
    const hit = this.reuse<T>(key);
    if (hit) return this.counted(hit.value);
    return this.miss(key, file, await compute());
  }

  /**
   * `get` for a result that also depends on files found while computing it (an API document's
   * `$ref`s): a memoised result is used only when `valid` says its recorded inputs are unchanged.
   */
  async getChecked<T>(kind: string, file: string, hash: string, extra: string, valid: (value: T) => Promise<boolean>, compute: () => Promise<T>): Promise<T> {
    const key = this.key(kind, file, hash, extra);
    const hit = this.reuse<T>(key);
    if (hit && (await valid(hit.value))) return this.counted(hit.value);
    return this.miss(key, file, await compute());
  }

  /** `get` for a synchronous computation. */
  getSync<T>(kind: string, file: string, hash: string, extra: string, compute: () => T): T {
    const key = this.key(kind, file, hash, extra);
    const hit = this.reuse<T>(key);
    if (hit) return this.counted(hit.value);
    return this.miss(key, file, compute());
  }

  /**
   * Memoises a computed value and returns its copy through JSON, as a later hit would get it: a
   * field set to undefined is absent either way, so a run that computed and a run that reused see
   * the same value.
   */
  private miss<T>(key: string, file: string, value: T): T {
    this.misses++;
    this.computedFiles.add(file);
    const json = JSON.stringify(value);
    if (json === undefined) return value;
    this.store(key, json);
    return JSON.parse(json) as T;
  }

  /** True when a result was added or the scope changed since the last `markSaved`. */
  get dirty(): boolean {
    return this.changed;
  }

  markSaved(): void {
    this.changed = false;
  }

  /** The entries used since `beginRun` (what a saved copy needs for the same state next time), at most `maxChars` of them. */
  usedEntries(maxChars: number): [string, string][] {
    const out: [string, string][] = [];
    let n = 0;
    for (const k of this.used) {
      const v = this.entries.get(k);
      if (v === undefined) continue;
      n += k.length + v.length;
      if (n > maxChars) break;
      out.push([k, v]);
    }
    return out;
  }

  /** Adds entries read from a saved copy of this scope (they do not count as changes). */
  load(entries: Iterable<[string, string]>): void {
    const changed = this.changed;
    for (const [k, v] of entries) this.store(k, v);
    this.changed = changed;
  }

  get size(): number {
    return this.entries.size;
  }
}
