import type { Range } from '../model';
import { LineIndex } from '../text';
import { springPlaceholders } from './configs/spring';
import type { EnvRead, ReadKind, ScanResult } from './scanner';

/**
 * Kotlin environment reads. @vscode/tree-sitter-wasm ships no Kotlin grammar, so this is a lexer:
 * it tokenises the file (comments, nested block comments, strings, raw strings and their `${…}`
 * templates, char literals) in one linear pass and matches token sequences in call position:
 * `System.getenv("X")`, `System.getenv()["X"]`, `System.getenv().get("X")` / `.getOrDefault("X", d)`,
 * and Spring `@Value("\${X}")`. Text inside comments and strings never matches. The use after the
 * call decides the kind: `!!` required, `?: default` default (`?: error(…)`/`?: throw` required),
 * otherwise optional (getenv returns null).
 */
export function scanKotlin(text: string): ScanResult {
  if (!/System\.getenv|@Value/.test(text)) return { reads: [], dynamic: [], hasErrors: false };
  const { tokens, ok } = lex(text);
  const idx = new LineIndex(text);
  const range = (a: number, b: number): Range => idx.rangeOf(a, b);
  const reads: EnvRead[] = [];
  const dynamic: ScanResult['dynamic'] = [];
  const is = (k: number, v: string) => tokens[k]?.text === v && tokens[k].kind !== 'string';
  const kindAfter = (k: number): ReadKind => {
    if (is(k, '!!')) return 'required';
    if (is(k, '?:')) return is(k + 1, 'throw') || is(k + 1, 'error') || is(k + 1, 'TODO') ? 'required' : 'default';
    return 'optional';
  };
  const read = (arg: Token | undefined, close: number, kind: ReadKind | undefined, via: string, from: number) => {
    if (!arg) return;
    if (arg.kind === 'string' && !arg.template && /^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.value)) {
      reads.push({ name: arg.value, kind: kind ?? kindAfter(close + 1), range: range(arg.start + arg.quote, arg.start + arg.quote + arg.value.length), via });
    } else if (arg.kind !== 'string' || arg.template) dynamic.push({ range: range(tokens[from].start, tokens[close]?.end ?? arg.end), via });
  };
  for (let k = 0; k < tokens.length; k++) {
    if (is(k, 'System') && is(k + 1, '.') && is(k + 2, 'getenv') && is(k + 3, '(')) {
      if (is(k + 4, ')')) {
        // System.getenv()["X"], System.getenv().get("X"), .getOrDefault("X", d)
        if (is(k + 5, '[') && is(k + 7, ']')) read(tokens[k + 6], k + 7, undefined, 'System.getenv()[]', k);
        else if ((is(k + 5, '.') || is(k + 5, '?.')) && (is(k + 6, 'get') || is(k + 6, 'getOrDefault')) && is(k + 7, '(')) {
          const def = is(k + 6, 'getOrDefault');
          const close = def ? (is(k + 9, ',') ? findClose(tokens, k + 7) : k + 9) : k + 9;
          if (def || is(k + 9, ')')) read(tokens[k + 8], close, def ? 'default' : undefined, `System.getenv().${tokens[k + 6].text}`, k);
        }
      } else if (is(k + 5, ')')) read(tokens[k + 4], k + 5, undefined, 'System.getenv', k);
      else dynamic.push({ range: range(tokens[k].start, tokens[k + 3].end), via: 'System.getenv' });
    } else if (is(k, '@') && is(k + 1, 'Value') && is(k + 2, '(') && tokens[k + 3]?.kind === 'string' && is(k + 4, ')')) {
      const s = tokens[k + 3];
      // `\$` is how Kotlin writes a literal `$`: a blank of the same length keeps offsets.
      const raw = text.slice(s.start + s.quote, s.end - s.quote).replace(/\\\$/g, ' $');
      for (const p of springPlaceholders(raw)) reads.push({ name: p.name, kind: p.kind, range: range(s.start + s.quote + p.offset, s.start + s.quote + p.offset + p.name.length), via: '@Value' });
    }
  }
  return { reads, dynamic, hasErrors: !ok };
}

interface Token {
  kind: 'ident' | 'punct' | 'string' | 'other';
  text: string;
  start: number;
  end: number;
  /** strings: the content when it has no template, and the quote length (1 or 3) */
  value: string;
  template?: boolean;
  quote: number;
}

function findClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k].kind !== 'punct') continue;
    if (tokens[k].text === '(') depth++;
    else if (tokens[k].text === ')' && --depth === 0) return k;
  }
  return tokens.length;
}

const MAX_TEMPLATE_DEPTH = 64;
const PUNCT2 = new Set(['!!', '?:', '?.', '::']);

/**
 * Top-level tokens of a Kotlin file. Templates inside strings are skipped as part of the string
 * (their code is not matched). Linear: every character is consumed once.
 */
function lex(text: string): { tokens: Token[]; ok: boolean } {
  const tokens: Token[] = [];
  let ok = true;
  const n = text.length;
  const isIdStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const isId = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);

  /** Skips a block comment (nested) starting at i ('/*'); returns the index after it. */
  const blockComment = (i: number): number => {
    let depth = 0;
    while (i < n) {
      if (text.startsWith('/*', i)) {
        depth++;
        i += 2;
      } else if (text.startsWith('*/', i)) {
        depth--;
        i += 2;
        if (depth === 0) return i;
      } else i++;
    }
    ok = false;
    return n;
  };

  /** Skips code up to the `}` closing a template opened before i; returns the index after it. */
  const templateCode = (i: number, depth: number): number => {
    let braces = 0;
    while (i < n) {
      const c = text[i];
      if (c === '"') i = string(i, depth + 1).end;
      else if (c === "'") i = charLit(i);
      else if (text.startsWith('//', i)) i = lineEnd(i);
      else if (text.startsWith('/*', i)) i = blockComment(i);
      else if (c === '{') {
        braces++;
        i++;
      } else if (c === '}') {
        if (braces === 0) return i + 1;
        braces--;
        i++;
      } else i++;
    }
    ok = false;
    return n;
  };

  const lineEnd = (i: number): number => {
    const e = text.indexOf('\n', i);
    return e < 0 ? n : e;
  };

  const charLit = (i: number): number => {
    let j = i + 1;
    while (j < n && text[j] !== "'" && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    return Math.min(n, j + 1);
  };

  /** A string starting at i (`"` or `"""`). */
  const string = (i: number, depth: number): { end: number; template: boolean; quote: number } => {
    const raw = text.startsWith('"""', i);
    const q = raw ? 3 : 1;
    let j = i + q;
    let template = false;
    while (j < n) {
      const c = text[j];
      if (raw ? text.startsWith('"""', j) : c === '"') {
        // a raw string ends at the last of a run of quotes
        if (raw) while (text[j + 3] === '"') j++;
        return { end: j + q, template, quote: q };
      }
      if (!raw && c === '\n') break;
      if (!raw && c === '\\') {
        j += 2;
        continue;
      }
      if (c === '$' && text[j + 1] === '{') {
        template = true;
        if (depth >= MAX_TEMPLATE_DEPTH) {
          ok = false;
          return { end: n, template, quote: q };
        }
        j = templateCode(j + 2, depth);
        continue;
      }
      if (c === '$' && j + 1 < n && isIdStart(text.charCodeAt(j + 1))) template = true;
      j++;
    }
    ok = false;
    return { end: Math.min(n, j), template, quote: q };
  };

  for (let i = 0; i < n; ) {
    const c = text[i];
    const code = text.charCodeAt(i);
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (text.startsWith('//', i)) i = lineEnd(i);
    else if (text.startsWith('/*', i)) i = blockComment(i);
    else if (c === '"') {
      const s = string(i, 0);
      const q = s.quote;
      tokens.push({ kind: 'string', text: '', start: i, end: s.end, value: s.template ? '' : text.slice(i + q, Math.max(i + q, s.end - q)), template: s.template, quote: q });
      i = s.end;
    } else if (c === "'") i = charLit(i);
    else if (c === '`') {
      const e = text.indexOf('`', i + 1);
      i = e < 0 ? n : e + 1;
    } else if (isIdStart(code)) {
      let j = i + 1;
      while (j < n && isId(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start: i, end: j, value: '', quote: 0 });
      i = j;
    } else if (code >= 48 && code <= 57) {
      let j = i + 1;
      while (j < n && isId(text.charCodeAt(j))) j++;
      i = j;
    } else {
      const two = text.slice(i, i + 2);
      const t = PUNCT2.has(two) ? two : c;
      tokens.push({ kind: 'punct', text: t, start: i, end: i + t.length, value: '', quote: 0 });
      i += t.length;
    }
  }
  return { tokens, ok };
}
