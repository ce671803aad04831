import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Range } from '../model';

export interface LoadedSpec {
  doc: Document.Parsed;
  lc: LineCounter;
  errors: { message: string; range: Range }[];
}

/** Parses an OpenAPI document (YAML or JSON, which is YAML) keeping positions. Alias expansion is bounded. */
export function loadSpec(text: string): LoadedSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const errors = doc.errors.map((e) => ({ message: e.message.split('\n')[0], range: toRange(lc, e.pos[0], e.pos[1]) }));
  return { doc, lc, errors };
}

export function toRange(lc: LineCounter, a: number, b: number): Range {
  const s = lc.linePos(a);
  const e = lc.linePos(b);
  return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: e.line - 1, character: e.col - 1 } };
}

export function keyRange(spec: LoadedSpec, pair: Pair): Range | undefined {
  const k = pair.key as Node | null;
  return k?.range ? toRange(spec.lc, k.range[0], k.range[1]) : undefined;
}

/** The `paths` mapping's pairs by path template, with the pair itself for positions. */
export function pathsOf(spec: LoadedSpec): { pathsKey?: Pair; paths: Map<string, Pair> } {
  const root = spec.doc.contents;
  const paths = new Map<string, Pair>();
  if (!isMap(root)) return { paths };
  const pathsPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'paths') as Pair | undefined;
  if (!pathsPair || !isMap(pathsPair.value)) return { pathsKey: pathsPair, paths };
  for (const p of pathsPair.value.items) {
    if (isScalar(p.key)) paths.set(String(p.key.value), p as Pair);
  }
  return { pathsKey: pathsPair, paths };
}
