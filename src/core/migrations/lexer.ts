/**
 * A small SQL tokenizer for positions only: statement boundaries when the grammar rejects a file,
 * comments (suppressions, tool directives), and the exact ranges of clauses for diagnostics and
 * quick fixes. The grammar itself is libpg-query (PostgreSQL) or node-sql-parser (MySQL); this only
 * knows strings, quoted identifiers, dollar quotes and comments, so it never mistakes their content
 * for SQL. Unterminated strings, comments and dollar quotes end at the end of the text.
 */

export type TokKind = 'word' | 'qident' | 'str' | 'num' | 'op' | '(' | ')' | ',' | ';' | '[' | ']' | '.' | 'comment' | 'dollar' | 'param';

export interface Tok {
  kind: TokKind;
  start: number;
  end: number;
  /** Unterminated string, comment or dollar quote. */
  open?: boolean;
}

const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isWord = (c: number) => isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

export function lex(text: string, from = 0, to = text.length, mysql = false): Tok[] {
  const out: Tok[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    const start = i;
    // -- comment (MySQL needs a space after --), # comment in MySQL
    if ((c === 45 && text.charCodeAt(i + 1) === 45) || (mysql && c === 35)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
      out.push({ kind: 'comment', start, end: i });
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      // Block comment; PostgreSQL nests them.
      let depth = 1;
      i += 2;
      while (i < to && depth > 0) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42 && !mysql) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
      out.push({ kind: 'comment', start, end: Math.min(i, to), open: depth > 0 });
      continue;
    }
    if (c === 39 || ((c === 69 || c === 101) && text.charCodeAt(i + 1) === 39) || (mysql && c === 34)) {
      // 'string', E'string' (backslash escapes), MySQL "string"
      const quote = c === 34 ? 34 : 39;
      const backslash = mysql || c === 69 || c === 101;
      i += c === 39 || c === 34 ? 1 : 2;
      let closed = false;
      while (i < to) {
        const d = text.charCodeAt(i);
        if (backslash && d === 92) {
          i += 2;
          continue;
        }
        if (d === quote) {
          if (text.charCodeAt(i + 1) === quote) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      out.push({ kind: 'str', start, end: Math.min(i, to), open: !closed });
      continue;
    }
    if (c === 34 || (mysql && c === 96)) {
      const quote = c;
      i++;
      let closed = false;
      while (i < to) {
        if (text.charCodeAt(i) === quote) {
          if (text.charCodeAt(i + 1) === quote) {
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        i++;
      }
      out.push({ kind: 'qident', start, end: Math.min(i, to), open: !closed });
      continue;
    }
    if (c === 36 && !mysql) {
      // $tag$ … $tag$ or $1
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, Math.min(to, i + 64)));
      if (m) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 || close + tag.length > to ? to : close + tag.length;
        out.push({ kind: 'dollar', start, end: i, open: close < 0 || close + tag.length > to });
        continue;
      }
      i++;
      while (i < to && isDigit(text.charCodeAt(i))) i++;
      out.push({ kind: 'param', start, end: i });
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (i < to && isWord(text.charCodeAt(i))) i++;
      out.push({ kind: 'word', start, end: i });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < to && (isWord(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      out.push({ kind: 'num', start, end: i });
      continue;
    }
    i++;
    const single: Record<number, TokKind> = { 40: '(', 41: ')', 44: ',', 59: ';', 91: '[', 93: ']', 46: '.' };
    const k = single[c];
    if (k) out.push({ kind: k, start, end: i });
    else {
      while (i < to && '+-*/<>=~!@#%^&|`?:'.includes(text[i]) && !(text[i] === '-' && text[i + 1] === '-')) i++;
      out.push({ kind: 'op', start, end: i });
    }
  }
  return out;
}

/** Statement ranges: split at top-level semicolons (comments and strings skipped). */
export function splitStatements(text: string, mysql = false): { start: number; end: number; semicolon?: number }[] {
  const toks = lex(text, 0, text.length, mysql);
  const out: { start: number; end: number; semicolon?: number }[] = [];
  let start = -1;
  let depth = 0;
  let last = -1;
  for (const t of toks) {
    if (t.kind === 'comment') continue;
    if (start < 0) start = t.start;
    if (t.kind === '(') depth++;
    else if (t.kind === ')') depth = Math.max(0, depth - 1);
    if (t.kind === ';' && depth === 0) {
      if (t.start > start) out.push({ start, end: last, semicolon: t.start });
      start = -1;
      continue;
    }
    last = t.end;
  }
  if (start >= 0 && last > start) out.push({ start, end: last });
  return out;
}

export const upper = (text: string, t: Tok): string => text.slice(t.start, t.end).toUpperCase();

/** The identifier a token spells, normalised as PostgreSQL does (unquoted → lower case). */
export function identOf(text: string, t: Tok): string {
  const s = text.slice(t.start, t.end);
  if (t.kind === 'qident') return s.slice(1, -1).replace(/""/g, '"').replace(/``/g, '`');
  return s.toLowerCase();
}
