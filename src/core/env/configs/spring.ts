import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import type { Range } from '../../model';
import { LineIndex } from '../../text';
import type { EnvRead, ReadKind } from '../scanner';

/**
 * Spring Boot configuration files: `application.yml`, `application-<profile>.yaml`,
 * `application.properties`, `bootstrap*.…`. A `${NAME}` placeholder in a value reads NAME from the
 * environment (or another property source); `${NAME:default}` has a default; in a default, an
 * inner `${OTHER}` is only needed when NAME is absent (optional). Only environment-shaped names
 * (upper case, digits, `_`) are reads: `${server.port}` refers to a property. Relaxed binding of
 * property keys to variables (`spring.datasource.url` ← `SPRING_DATASOURCE_URL`) is not read.
 */
export function isSpringConfig(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^(?:application|bootstrap)(?:-[\w.-]+)?\.(?:ya?ml|properties)$/.test(base);
}

const ENV_SHAPED = /^[A-Z][A-Z0-9_]*$/;
const MAX_DEPTH = 16;

/** Placeholders in `s` (offsets relative to it), linear in its length. */
export function springPlaceholders(s: string): { name: string; offset: number; kind: ReadKind }[] {
  const out: { name: string; offset: number; kind: ReadKind }[] = [];
  // Returns the index after the placeholder that starts at j (`${`), or -1 when it is not closed.
  const parse = (j: number, inDefault: boolean, depth: number): number => {
    const start = j + 2;
    let q = start;
    while (q < s.length && s[q] !== ':' && s[q] !== '}' && s[q] !== '$' && s[q] !== '\n') q++;
    const name = s.slice(start, q);
    if (s[q] === '}') {
      if (ENV_SHAPED.test(name)) out.push({ name, offset: start, kind: inDefault ? 'optional' : 'required' });
      return q + 1;
    }
    if (s[q] !== ':') return -1;
    if (ENV_SHAPED.test(name)) out.push({ name, offset: start, kind: 'default' });
    for (let k = q + 1; k < s.length; ) {
      if (s[k] === '}') return k + 1;
      if (s[k] === '$' && s[k + 1] === '{' && depth < MAX_DEPTH) {
        const e = parse(k, true, depth + 1);
        if (e < 0) return -1;
        k = e;
      } else k++;
    }
    return -1;
  };
  for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i)) {
    const e = parse(i, false, 0);
    i = e < 0 ? i + 2 : e;
  }
  return out;
}

export interface SpringFacts {
  reads: EnvRead[];
  notes: { message: string; range: Range; level: 'info' | 'warning' }[];
}

export function springConfigReads(path: string, text: string): SpringFacts {
  const idx = new LineIndex(text);
  const facts: SpringFacts = { reads: [], notes: [] };
  const via = path.slice(path.lastIndexOf('/') + 1);
  const add = (from: number, chunk: string) => {
    if (!chunk.includes('${')) return;
    for (const p of springPlaceholders(chunk)) facts.reads.push({ name: p.name, kind: p.kind, range: idx.rangeOf(from + p.offset, from + p.offset + p.name.length), via });
  };
  if (/\.properties$/.test(path)) {
    properties(text, add);
    return facts;
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, logLevel: 'error' }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [docs];
  } catch (e) {
    facts.notes.push({ level: 'warning', message: `not valid YAML (${(e as Error).message.split('\n')[0]})`, range: idx.rangeOf(0, 0) });
    return facts;
  }
  for (const doc of docs) {
    for (const err of doc.errors) facts.notes.push({ level: 'warning', message: `YAML error: ${err.message.split('\n')[0]}`, range: idx.rangeOf(err.pos[0], err.pos[1]) });
    // Scalar sources only: a placeholder in a comment is not read.
    visit(doc, {
      Scalar(_key, node) {
        if (isScalar(node) && node.range) add(node.range[0], text.slice(node.range[0], node.range[1]));
      },
    });
  }
  return facts;
}

/** Java properties: values of logical lines (continuations with a trailing odd backslash), comments skipped. */
function properties(text: string, add: (from: number, chunk: string) => void): void {
  let cont = false;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    let trailing = 0;
    for (let k = line.length - 1; k >= 0 && line[k] === '\\'; k--) trailing++;
    if (cont) add(start, line);
    else {
      const lead = line.length - line.trimStart().length;
      const first = line[lead];
      if (first !== undefined && first !== '#' && first !== '!') {
        // the key ends at the first unescaped '=', ':' or blank
        let k = lead;
        while (k < line.length && line[k] !== '=' && line[k] !== ':' && line[k] !== ' ' && line[k] !== '\t') k += line[k] === '\\' ? 2 : 1;
        add(start + k, line.slice(k));
      }
    }
    cont = trailing % 2 === 1 && (cont || (line.trimStart()[0] !== '#' && line.trimStart()[0] !== '!'));
    if (end >= text.length) break;
    start = end + 1;
  }
}
