import type { ParseResult } from 'libpg-query';
import { byteToCharOffset, isAscii } from '../text';
import { splitStatements } from './lexer';

/**
 * The real PostgreSQL grammar (libpg-query, compiled to WASM). Loaded lazily and once.
 */
export type PgModule = typeof import('libpg-query');
let pg: Promise<PgModule> | undefined;
let loaded: PgModule | undefined;

export async function loadPg(): Promise<PgModule> {
  pg ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('libpg-query') as PgModule;
    await m.loadModule();
    loaded = m;
    return m;
  })();
  return pg;
}

/** The module when already loaded (for synchronous callers such as hover). */
export function pgIfLoaded(): PgModule | undefined {
  return loaded;
}

export interface PgStatement {
  /** The AST node of the statement: `{ IndexStmt: {...} }` etc. */
  node: Record<string, unknown>;
  kind: string;
  /** Character offsets (UTF-16) in the file: first keyword to the end of the statement (before `;`). */
  start: number;
  end: number;
  /** Offset just after the statement's semicolon, when it has one. */
  semicolon?: number;
  text: string;
  /** Maps a node `location` (a UTF-8 byte offset in what was parsed) to a file character offset. */
  loc(byteLocation: number | undefined): number | undefined;
}

export interface PgSyntaxError {
  message: string;
  /** Character offset of the error cursor in the file. */
  offset: number;
}

export interface PgParse {
  statements: PgStatement[];
  errors: PgSyntaxError[];
}

/**
 * Parses the whole file once; when the grammar rejects it, splits it into statements with the
 * tokenizer (strings, dollar quotes and comments respected) and parses each, so one bad statement
 * gives one error at its cursor and the others are still returned.
 */
export function parsePostgres(m: PgModule, text: string): PgParse {
  const ascii = isAscii(text);
  const toChar = ascii ? (b: number) => b : (b: number) => byteToCharOffset(text, b);
  // An empty (or blank) file is no statement, not an error: libpg-query throws on empty input.
  if (!/\S/.test(text)) return { statements: [], errors: [] };
  try {
    const r = m.parseSync(text) as ParseResult;
    return { statements: collect(r, text, 0, toChar), errors: [] };
  } catch {
    return parseChunks(m, text, ascii);
  }
}

const LEAD = /(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/y;

function collect(r: ParseResult, text: string, baseChar: number, toChar: (b: number) => number, chunkText?: string): PgStatement[] {
  const out: PgStatement[] = [];
  const src = chunkText ?? text;
  for (const s of r.stmts ?? []) {
    const node = s.stmt as unknown as Record<string, unknown>;
    const kind = Object.keys(node)[0];
    const startByte = s.stmt_location ?? 0;
    let start = toChar(startByte);
    const end = s.stmt_len ? toChar(startByte + s.stmt_len) : src.length;
    LEAD.lastIndex = start;
    const lead = LEAD.exec(src);
    if (lead) start = Math.min(end, start + lead[0].length);
    let semi: number | undefined;
    let k = end;
    while (k < src.length && (src[k] === ' ' || src[k] === '\t' || src[k] === '\n' || src[k] === '\r')) k++;
    if (src[k] === ';') semi = k + 1;
    let e = end;
    while (e > start && /\s/.test(src[e - 1])) e--;
    if (e > start && src[e - 1] === ';') {
      semi ??= e;
      e--;
      while (e > start && /\s/.test(src[e - 1])) e--;
    }
    out.push({
      node,
      kind,
      start: baseChar + start,
      end: baseChar + e,
      semicolon: semi === undefined ? undefined : baseChar + semi,
      text: src.slice(start, e),
      loc: (b) => (b === undefined || b < 0 ? undefined : baseChar + toChar(b)),
    });
  }
  return out;
}

function parseChunks(m: PgModule, text: string, ascii: boolean): PgParse {
  const statements: PgStatement[] = [];
  const errors: PgSyntaxError[] = [];
  for (const c of splitStatements(text)) {
    const chunk = text.slice(c.start, c.semicolon !== undefined ? c.semicolon + 1 : c.end);
    const chunkAscii = ascii || isAscii(chunk);
    const toChar = chunkAscii ? (b: number) => b : (b: number) => byteToCharOffset(chunk, b);
    try {
      const r = m.parseSync(chunk) as ParseResult;
      statements.push(...collect(r, text, c.start, toChar, chunk));
    } catch (e) {
      const cursor = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
      errors.push({ message: (e as Error)?.message ?? String(e), offset: c.start + (cursor !== undefined ? toChar(cursor) : 0) });
    }
  }
  if (!errors.length) errors.push({ message: 'the file does not parse as a whole', offset: 0 });
  return { statements, errors };
}
