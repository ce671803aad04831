import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Range } from '../model';
import { LineIndex } from '../text';

/**
 * A YAML document with positions: the CI readers walk its nodes (not `toJS`) so every fact keeps
 * the range of the key or value it came from. Aliases and `<<` merge keys are followed.
 */
export class YamlDoc {
  readonly doc: Document.Parsed;
  readonly lines: LineIndex;
  readonly errors: { message: string; range: Range }[] = [];

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { prettyErrors: false, merge: true, uniqueKeys: false, strict: false });
    this.lines = new LineIndex(text);
    for (const e of this.doc.errors) this.errors.push({ message: e.message.split('\n')[0], range: this.lines.rangeOf(e.pos[0], e.pos[1]) });
  }

  get root(): Node | undefined {
    return this.resolve(this.doc.contents as Node | null);
  }

  resolve(n: unknown): Node | undefined {
    let cur = n;
    for (let i = 0; i < 20 && isAlias(cur); i++) cur = cur.resolve(this.doc);
    return (cur ?? undefined) as Node | undefined;
  }

  range(n: unknown): Range {
    const node = n as { range?: [number, number, number] } | null;
    if (!node?.range) return this.lines.rangeOf(0, 0);
    return this.lines.rangeOf(node.range[0], node.range[1]);
  }

  /** The range of a pair's key (falls back to the value). */
  keyRange(p: Pair): Range {
    return this.range(p.key ?? p.value);
  }

  /**
   * Key/value pairs of a mapping, `<<` merges first (later keys win when looked up). Merges are
   * followed 8 levels deep and 5,000 pairs at most, so a "billion laughs" of merge keys cannot hang
   * the analysis.
   */
  pairs(n: unknown, depth = 0, budget = { left: 5000 }): Pair[] {
    const map = this.resolve(n);
    if (!isMap(map) || depth > 8) return [];
    const out: Pair[] = [];
    for (const p of (map as YAMLMap).items) {
      if (!isPair(p) || budget.left <= 0) continue;
      const k = isScalar(p.key) ? String(p.key.value) : undefined;
      if (k === '<<') {
        const v = this.resolve(p.value);
        const sources = isSeq(v) ? v.items : [v];
        for (const s of sources) out.push(...this.pairs(s, depth + 1, budget));
        continue;
      }
      budget.left--;
      out.push(p);
    }
    return out;
  }

  keyOf(p: Pair): string | undefined {
    const k = this.resolve(p.key);
    return isScalar(k) ? String(k.value) : undefined;
  }

  pair(n: unknown, key: string): Pair | undefined {
    let found: Pair | undefined;
    for (const p of this.pairs(n)) if (this.keyOf(p) === key) found = p;
    return found;
  }

  get(n: unknown, key: string): Node | undefined {
    const p = this.pair(n, key);
    return p ? this.resolve(p.value) : undefined;
  }

  entries(n: unknown): { key: string; value: Node | undefined; pair: Pair }[] {
    const out: { key: string; value: Node | undefined; pair: Pair }[] = [];
    const seen = new Map<string, number>();
    for (const p of this.pairs(n)) {
      const key = this.keyOf(p);
      if (key === undefined) continue;
      const e = { key, value: this.resolve(p.value), pair: p };
      const i = seen.get(key);
      if (i !== undefined) out[i] = e;
      else {
        seen.set(key, out.length);
        out.push(e);
      }
    }
    return out;
  }

  isMap(n: unknown): boolean {
    return isMap(this.resolve(n));
  }

  /** Scalar as a string (numbers and booleans too); undefined for collections or null. */
  str(n: unknown): string | undefined {
    const s = this.resolve(n);
    if (!isScalar(s) || s.value === null || s.value === undefined) return undefined;
    return String(s.value);
  }

  /** Items of a sequence; a single scalar or mapping counts as a one-item list. */
  items(n: unknown): Node[] {
    const s = this.resolve(n);
    if (!s) return [];
    if (isSeq(s)) return s.items.map((i) => this.resolve(i)).filter((i): i is Node => !!i);
    return [s];
  }

  /** Strings of a scalar or a list of scalars. */
  strings(n: unknown): string[] {
    return this.items(n)
      .map((i) => this.str(i))
      .filter((s): s is string => s !== undefined);
  }

  bool(n: unknown): boolean | undefined {
    const s = this.resolve(n);
    if (!isScalar(s)) return undefined;
    if (typeof s.value === 'boolean') return s.value;
    if (typeof s.value === 'string' && /^(true|false)$/i.test(s.value)) return s.value.toLowerCase() === 'true';
    return undefined;
  }

  /** Column of the first key of a block mapping (the indentation its keys use). */
  indentOf(n: unknown): number | undefined {
    const map = this.resolve(n);
    if (!isMap(map) || (map as YAMLMap).flow) return undefined;
    const first = (map as YAMLMap).items[0];
    if (!first || !isPair(first)) return undefined;
    return this.range(first.key).start.character;
  }
}
