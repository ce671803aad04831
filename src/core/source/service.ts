import type { Node as TSNode, Tree } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { Position, Range } from '../model';
import { LineIndex } from '../text';
import { hasGrammar, sharedParser } from './grammars';

/**
 * The one source-code service: every tree-sitter parse of a source file goes through here.
 *
 * - Each text is parsed at most once per analysis: trees are kept in a memo keyed by language and
 *   content, so the environment scan, the wrapper-call resolution and the feature-flag detector
 *   share one parse. The engine clears the memo at the start and end of each analysis
 *   (`forgetParses`), as it does the disk reader's reads; trees beyond a size budget are not kept.
 * - Positions come from one mapping, `LineIndex` (UTF-16 columns; lines broken at LF, CRLF and a
 *   lone CR, as VS Code counts them). Tree-sitter's own rows count LF only, so its `startPosition`
 *   is never used for output.
 * - A counter of parses (per file label) lets tests and the benchmark check "once per analysis".
 */
export interface Parsed {
  readonly lang: SourceLanguage;
  readonly text: string;
  readonly tree: Tree;
  readonly root: TSNode;
  /** The position mapping of this text (built on first use). */
  readonly lines: LineIndex;
  /** The range of a node, in editor positions. */
  rangeOf(n: TSNode): Range;
  /** The range of string offsets [start, end). */
  rangeAt(start: number, end: number): Range;
  positionAt(offset: number): Position;
}

class Entry implements Parsed {
  private index?: LineIndex;
  readonly root: TSNode;
  constructor(
    readonly lang: SourceLanguage,
    readonly text: string,
    readonly tree: Tree,
  ) {
    this.root = tree.rootNode;
  }
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }
  rangeOf(n: TSNode): Range {
    return this.lines.rangeOf(n.startIndex, n.endIndex);
  }
  rangeAt(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }
  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }
}

/** Text kept with trees in the memo, at most (beyond it a tree is used once and freed). */
const KEEP_BUDGET = 48 * 1024 * 1024;

const memo = new Map<SourceLanguage, Map<string, Entry>>();
let kept = 0;
let parses = 0;
const byLabel = new Map<string, number>();

/** Whether `parseSource` can parse the language. */
export function parseable(lang: SourceLanguage): boolean {
  return hasGrammar(lang);
}

/**
 * The parse of `text`, from the memo when this analysis parsed the same text already. `use` runs
 * on the tree synchronously (trees outside the memo are freed after it). `label` (the file's path)
 * is only for the parse counter. Undefined when the language has no grammar or the parser gave up.
 */
export async function withParse<T>(lang: SourceLanguage, text: string, label: string | undefined, use: (p: Parsed) => T, opts: { keep?: boolean } = {}): Promise<T | undefined> {
  if (!hasGrammar(lang)) return undefined;
  const keep = opts.keep !== false;
  const hit = keep ? memo.get(lang)?.get(text) : undefined;
  if (hit) return use(hit);
  const parser = await sharedParser(lang);
  // another caller may have parsed it while the parser was loading
  const again = keep ? memo.get(lang)?.get(text) : undefined;
  if (again) return use(again);
  const tree = parser.parse(text);
  parses++;
  if (label !== undefined) byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  if (!tree) return undefined;
  const entry = new Entry(lang, text, tree);
  if (keep && kept + text.length <= KEEP_BUDGET) {
    let m = memo.get(lang);
    if (!m) memo.set(lang, (m = new Map()));
    m.set(text, entry);
    kept += text.length;
    return use(entry);
  }
  try {
    return use(entry);
  } finally {
    tree.delete();
  }
}

const forgetHooks = new Set<() => void>();

/** Frees every kept tree: the next analysis parses again (called by the engine per analysis). */
export function forgetParses(): void {
  for (const m of memo.values()) for (const e of m.values()) e.tree.delete();
  memo.clear();
  kept = 0;
  for (const h of forgetHooks) h();
}

/** Runs `hook` on each `forgetParses` (the scan threads drop their own kept trees then). */
export function onForgetParses(hook: () => void): void {
  forgetHooks.add(hook);
}

/** Counts parses made for this process elsewhere (on a scan thread), as if made here. */
export function recordParses(label: string | undefined, n: number): void {
  if (n <= 0) return;
  parses += n;
  if (label !== undefined) byLabel.set(label, (byLabel.get(label) ?? 0) + n);
}

/** Parses since the last `resetParseCounts`, in total and per file label. */
export function parseCounts(): { total: number; byFile: ReadonlyMap<string, number> } {
  return { total: parses, byFile: byLabel };
}

export function resetParseCounts(): void {
  parses = 0;
  byLabel.clear();
}

/**
 * The one tree walker. With `marks` (sorted string offsets), subtrees whose range holds no mark are
 * skipped without creating node objects: only the ancestors and the subtrees of candidates cross
 * from WASM into JavaScript.
 */
export function walkTree(root: TSNode, visit: (n: TSNode) => void, marks?: readonly number[]): void {
  const cursor = root.walk();
  const hasMark = (start: number, end: number) => {
    if (!marks) return true;
    let lo = 0;
    let hi = marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < marks.length && marks[lo] < end;
  };
  try {
    for (;;) {
      const inside = hasMark(cursor.startIndex, cursor.endIndex);
      if (inside) visit(cursor.currentNode);
      if (inside && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Offsets of every match of `re` in `text` (for `walkTree`'s marks). */
export function markOffsets(re: RegExp, text: string): number[] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const out: number[] = [];
  for (let x = g.exec(text); x; x = g.exec(text)) {
    out.push(x.index);
    if (x[0].length === 0) g.lastIndex++;
  }
  return out;
}

/** Offsets of every occurrence of any of the strings in `text`, sorted (for `walkTree`'s marks). Linear in the text per string. */
export function literalOffsets(text: string, needles: Iterable<string>): number[] {
  const out: number[] = [];
  for (const n of needles) {
    if (!n) continue;
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) out.push(i);
  }
  return out.sort((a, b) => a - b);
}
