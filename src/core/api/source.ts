import * as jsyaml from 'js-yaml';
import { visit, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { Range } from '../model';
import { LineIndex } from '../text';

/**
 * A parsed YAML or JSON document: plain JS values (fast to diff) plus a position index keyed by
 * object identity, so every mapping and sequence, every key and every value can be located in the
 * text. YAML goes through js-yaml with its node listener (about 1.4x a bare `js-yaml.load`, against
 * 5-7x for a full `yaml` AST on a 4 MB spec); JSON through jsonc-parser's visitor.
 */

/**
 * Offsets of one mapping/sequence: [start, end), its own key in the parent mapping, and its
 * direct children as a flat list: (keyStart, keyEnd, key, valueStart, valueEnd) for a mapping,
 * (start, end) for a sequence. Kept flat (no per-node maps) because a 4 MB spec has ~10^6 nodes.
 */
export interface NodeInfo {
  s: number;
  e: number;
  /** Key range in the parent mapping, when the node is a mapping value. */
  ks?: number;
  ke?: number;
  kids?: unknown[];
  map?: boolean;
}

export interface ParseProblem {
  message: string;
  offset: number;
  length: number;
}

export class SourceDoc {
  readonly info = new WeakMap<object, NodeInfo>();
  private lines?: LineIndex;
  value: unknown = undefined;
  problems: ParseProblem[] = [];
  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  /** Offset -> 0-based position; never past the end of a line. */
  position(offset: number): { line: number; character: number } {
    const lines = (this.lines ??= new LineIndex(this.text));
    const p = lines.positionAt(offset);
    const len = lines.lineEnd(p.line) - lines.lineStart(p.line);
    return p.character > len ? { line: p.line, character: len } : p;
  }

  range(a: number, b: number): Range {
    const start = this.position(a);
    let end = this.position(Math.max(a, b));
    if (end.line !== start.line) end = { line: start.line, character: this.position(this.lineEndOf(a)).character };
    return { start, end };
  }

  /** Offset of the end of the line holding `offset` (before \r\n). */
  lineEndOf(offset: number): number {
    const lines = (this.lines ??= new LineIndex(this.text));
    return lines.lineEnd(lines.positionAt(offset).line);
  }

  /** First offset at or after `o` that is not whitespace, a newline or a YAML comment. */
  skipBlank(o: number, limit = this.text.length): number {
    const t = this.text;
    let i = o;
    while (i < limit) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 /* , in flow */) i++;
      else if (c === 35 /* # */ && (i === 0 || /\s/.test(t[i - 1]))) {
        while (i < limit && t.charCodeAt(i) !== 10) i++;
      } else break;
    }
    return Math.min(i, limit);
  }

  /** Range of a mapping/sequence: its key in the parent when it has one, else its first line. */
  rangeOfNode(node: object): Range | undefined {
    const i = this.info.get(node);
    if (!i) return undefined;
    if (i.ks !== undefined) return this.range(i.ks, i.ke!);
    const s = this.skipBlank(i.s, i.e);
    return this.range(s, Math.min(i.e, this.lineEndOf(s)));
  }

  /** [keyStart, keyEnd, valueStart, valueEnd] of `key` in mapping `node`. */
  entry(node: object, key: string): [number, number, number, number] | undefined {
    const i = this.info.get(node);
    const k = i?.kids;
    if (!k || !i.map) return undefined;
    for (let j = 0; j + 4 < k.length; j += 5) {
      const kv = k[j + 2];
      if (kv !== null && typeof kv !== 'object' && String(kv) === key) return [k[j] as number, k[j + 1] as number, k[j + 3] as number, k[j + 4] as number];
    }
    return undefined;
  }

  /** Range of `key` inside mapping `node` (the key itself, or the value when `value`). */
  rangeOfKey(node: object, key: string, value = false): Range | undefined {
    const k = this.entry(node, key);
    if (!k) return undefined;
    if (!value) return this.range(k[0], k[1]);
    const s = this.skipBlank(k[2], k[3]);
    return this.range(s, Math.min(k[3], this.lineEndOf(s)));
  }

  /** Range of item `index` of sequence `node`. */
  rangeOfItem(node: object, index: number): Range | undefined {
    const i = this.info.get(node);
    const it = i?.kids;
    if (!it || i.map || index * 2 + 1 >= it.length) return undefined;
    const s = this.skipBlank(it[index * 2] as number, it[index * 2 + 1] as number);
    return this.range(s, Math.min(it[index * 2 + 1] as number, this.lineEndOf(s)));
  }
}

/** Maximum nesting depth accepted (deeper documents are a parse problem, not a stack overflow). */
export const MAX_DEPTH = 512;

export function isJsonText(file: string, text: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  return /^\s*[{[]/.test(text);
}

/** Parses YAML or JSON (by extension, else by content) into a SourceDoc. Never throws. */
export function parseSource(file: string, text: string): SourceDoc {
  const doc = new SourceDoc(file, text);
  if (isJsonText(file, text)) parseJson(doc);
  else parseYaml(doc);
  return doc;
}

function parseYaml(doc: SourceDoc): void {
  // Parallel stacks (no per-node frame objects): start offsets and children lists, allocated lazily.
  const starts: number[] = [];
  const kidsStack: (unknown[] | undefined)[] = [];
  const info = doc.info;
  const listener = (ev: string, state: { position: number; result: unknown }) => {
    if (ev === 'open') {
      starts.push(state.position);
      kidsStack.push(undefined);
      return;
    }
    const s = starts.pop()!;
    const kids = kidsStack.pop();
    const r = state.result;
    const top = kidsStack.length - 1;
    if (top >= 0) {
      const pk = kidsStack[top];
      if (pk) pk.push(s, state.position, r);
      else kidsStack[top] = [s, state.position, r];
    }
    if (r === null || typeof r !== 'object') return;
    // js-yaml wraps some nodes (block sequence entries) in a second node with the same result: the
    // first close is the real collection, a later one only widens its range.
    const prev = info.get(r);
    if (prev) {
      if (s < prev.s) prev.s = s;
      return;
    }
    const map = !Array.isArray(r);
    // Compact the children: offsets and keys only (values are reachable from the object itself).
    let compact: unknown[] | undefined;
    if (kids) {
      if (map) {
        compact = new Array((kids.length / 6) * 5);
        let o = 0;
        for (let i = 0; i + 5 < kids.length; i += 6) {
          const v = kids[i + 5];
          if (v !== null && typeof v === 'object') {
            const vi = info.get(v);
            if (vi && vi.ks === undefined) {
              vi.ks = kids[i] as number;
              vi.ke = kids[i + 1] as number;
            }
          }
          compact[o++] = kids[i];
          compact[o++] = kids[i + 1];
          compact[o++] = kids[i + 2];
          compact[o++] = kids[i + 3];
          compact[o++] = kids[i + 4];
        }
      } else {
        compact = new Array((kids.length / 3) * 2);
        let o = 0;
        for (let i = 0; i + 2 < kids.length; i += 3) {
          compact[o++] = kids[i];
          compact[o++] = kids[i + 1];
        }
      }
    }
    info.set(r, { s, e: state.position, kids: compact, map });
  };
  try {
    doc.value = jsyaml.load(doc.text, { listener, json: true, filename: doc.file, maxDepth: MAX_DEPTH } as jsyaml.LoadOptions);
  } catch (e) {
    const err = e as { reason?: string; message: string; mark?: { position: number } };
    if (err instanceof RangeError) doc.problems.push({ message: 'nesting too deep to analyse', offset: 0, length: 0 });
    else doc.problems.push({ message: (err.reason ?? err.message.split('\n')[0]).replace(/\s*\(\d+:\d+\)$/, ''), offset: err.mark?.position ?? 0, length: 1 });
    doc.value = undefined;
  }
}

/**
 * Offset where JSON nesting first exceeds `max` (strings skipped), or -1. jsonc-parser's visitor
 * recurses per level, so a 100,000-deep document would overflow the stack before any callback.
 */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

function parseJson(doc: SourceDoc): void {
  const deepAt = tooDeepAt(doc.text, MAX_DEPTH);
  if (deepAt >= 0) {
    doc.problems.push({ message: `nesting deeper than ${MAX_DEPTH} levels: not analysed`, offset: deepAt, length: 1 });
    doc.value = undefined;
    return;
  }
  const errors: ParseError[] = [];
  // A stack of containers under construction, with pending key and its offsets.
  type Cont = { v: Record<string, unknown> | unknown[]; ni: NodeInfo; key?: string; ks?: number; ke?: number };
  const stack: Cont[] = [];
  let root: unknown = undefined;
  let depth = 0;
  let tooDeep = false;
  const put = (v: unknown, s: number, e: number) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = v;
      return;
    }
    if (Array.isArray(top.v)) {
      top.v.push(v);
      top.ni.kids!.push(s, e);
    } else if (top.key !== undefined) {
      if (top.key === '__proto__') Object.defineProperty(top.v, top.key, { value: v, enumerable: true, writable: true, configurable: true });
      else top.v[top.key] = v;
      top.ni.kids!.push(top.ks!, top.ke!, top.key, s, e);
      if (v !== null && typeof v === 'object') {
        const vi = doc.info.get(v)!;
        vi.ks = top.ks;
        vi.ke = top.ke;
      }
      top.key = undefined;
    }
  };
  const open = (v: Record<string, unknown> | unknown[], offset: number, ni: NodeInfo) => {
    if (++depth > MAX_DEPTH) {
      tooDeep = true;
      return;
    }
    doc.info.set(v, ni);
    ni.s = offset;
    stack.push({ v, ni });
  };
  const close = (offset: number, length: number) => {
    if (depth-- > MAX_DEPTH) return;
    const c = stack.pop()!;
    c.ni.e = offset + length;
    put(c.v, c.ni.s, c.ni.e);
  };
  visit(
    doc.text,
    {
      onObjectBegin: (offset) => open({}, offset, { s: offset, e: offset, kids: [], map: true }),
      onObjectProperty: (property, offset, length) => {
        if (depth > MAX_DEPTH) return;
        const top = stack[stack.length - 1];
        if (top) {
          top.key = property;
          top.ks = offset;
          top.ke = offset + length;
        }
      },
      onObjectEnd: close,
      onArrayBegin: (offset) => open([], offset, { s: offset, e: offset, kids: [], map: false }),
      onArrayEnd: close,
      onLiteralValue: (value, offset, length) => {
        if (depth <= MAX_DEPTH) put(value, offset, offset + length);
      },
      onError: (error, offset, length) => errors.push({ error, offset, length }),
    },
    { allowTrailingComma: false, disallowComments: true },
  );
  if (tooDeep) doc.problems.push({ message: `nesting deeper than ${MAX_DEPTH} levels`, offset: 0, length: 0 });
  for (const e of errors.slice(0, 5)) doc.problems.push({ message: `JSON: ${printParseErrorCode(e.error)}`, offset: e.offset, length: e.length });
  doc.value = doc.problems.length ? undefined : root;
}
