import type { ParseResult } from 'libpg-query';
import { byteToCharOffset, isAscii } from '../text';

/**
 * The real PostgreSQL grammar (libpg-query, compiled to WASM). Loaded lazily and once.
 */
type PgModule = typeof import('libpg-query');
let pg: Promise<PgModule> | undefined;

export async function loadPg(): Promise<PgModule> {
  pg ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('libpg-query') as PgModule;
    await m.loadModule();
    return m;
  })();
  return pg;
}

export interface PgStatement {
  /** The AST node of the statement: `{ IndexStmt: {...} }` etc. */
  node: Record<string, unknown>;
  kind: string;
  /** Character offsets (UTF-16) in the file. */
  start: number;
  end: number;
  text: string;
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
 * Splits the file into statements with libpg-query's scanner (so dollar quotes, comments and
 * strings are handled by the real lexer), parses each, and keeps going past a syntax error: the
 * other statements are still returned.
 */
export function parsePostgres(m: PgModule, text: string): PgParse {
  const ascii = isAscii(text);
  const toChar = (b: number) => (ascii ? b : byteToCharOffset(text, b));
  try {
    const r = m.parseSync(text) as ParseResult;
    return { statements: collect(r, text, 0, toChar), errors: [] };
  } catch (e) {
    // Fall back to statement-by-statement parsing to isolate the error.
    return parseChunks(m, text, toChar, e);
  }
}

function collect(r: ParseResult, text: string, base: number, toChar: (b: number) => number, limit = text.length): PgStatement[] {
  const out: PgStatement[] = [];
  for (const s of r.stmts ?? []) {
    const node = s.stmt as unknown as Record<string, unknown>;
    const kind = Object.keys(node)[0];
    const startByte = base + (s.stmt_location ?? 0);
    const endByte = s.stmt_len ? startByte + s.stmt_len : undefined;
    let start = toChar(startByte);
    const end = endByte === undefined ? limit : toChar(endByte);
    // stmt_location includes leading whitespace and comments; point at the first keyword.
    const lead = /^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(text.slice(start, end));
    if (lead) start += lead[0].length;
    out.push({ node, kind, start, end, text: text.slice(start, end) });
  }
  return out;
}

function parseChunks(m: PgModule, text: string, toChar: (b: number) => number, firstError: unknown): PgParse {
  const statements: PgStatement[] = [];
  const errors: PgSyntaxError[] = [];
  let tokens: { start: number; end: number; tokenName: string }[];
  try {
    tokens = m.scanSync(text).tokens;
  } catch {
    const cursor = cursorOf(firstError);
    return { statements, errors: [{ message: messageOf(firstError), offset: cursor === undefined ? 0 : toChar(cursor) }] };
  }
  // Statement boundaries: top-level semicolons as the real lexer sees them.
  const bounds: [number, number][] = [];
  let chunkStart = 0;
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenName === 'ASCII_40') depth++;
    else if (t.tokenName === 'ASCII_41') depth = Math.max(0, depth - 1);
    else if (t.tokenName === 'ASCII_59' && depth === 0) {
      bounds.push([chunkStart, t.end]);
      chunkStart = t.end;
    }
  }
  const textBytes = Buffer.byteLength(text, 'utf8');
  if (chunkStart < textBytes) bounds.push([chunkStart, textBytes]);
  const buf = Buffer.from(text, 'utf8');
  for (const [a, b] of bounds) {
    const chunk = buf.subarray(a, b).toString('utf8');
    if (!chunk.trim() || /^(\s|--[^\n]*|\/\*[\s\S]*?\*\/|;)*$/.test(chunk)) continue;
    try {
      const r = m.parseSync(chunk) as ParseResult;
      statements.push(...collect(r, text, a, toChar, toChar(b)));
    } catch (e) {
      const cursor = cursorOf(e);
      const lead = /^\s*/.exec(chunk)![0].length;
      errors.push({ message: messageOf(e), offset: toChar(a + (cursor !== undefined ? cursor : lead)) });
    }
  }
  if (!errors.length) {
    const cursor = cursorOf(firstError);
    errors.push({ message: messageOf(firstError), offset: cursor === undefined ? 0 : toChar(cursor) });
  }
  return { statements, errors };
}

function cursorOf(e: unknown): number | undefined {
  const d = (e as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
  return d?.cursorPosition;
}

function messageOf(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

/** Tokens of one statement, with character offsets into the file. */
export function tokensOf(m: PgModule, text: string, stmt: PgStatement): { start: number; end: number; name: string; keyword: string; text: string }[] {
  const s = m.scanSync(stmt.text);
  const ascii = isAscii(stmt.text);
  const toChar = (b: number) => (ascii ? b : byteToCharOffset(stmt.text, b));
  return s.tokens.map((t) => ({
    start: stmt.start + toChar(t.start),
    end: stmt.start + toChar(t.end),
    name: t.tokenName,
    keyword: t.keywordName,
    text: t.text,
  }));
}
