import { lex } from './lexer';

/**
 * Templated SQL: migrations that a tool renders before running them (Go text/template and
 * pop/fizz `{{ … }}`, Jinja `{{ … }}` / `{% … %}` / `{# … #}`, Flyway `${name}`, psql `:name`,
 * `:'name'`, `:"name"`, and placeholders the config declares). Each placeholder is replaced by a
 * neutral identifier (or string literal, or blanks for control blocks) of the SAME length, so every
 * offset the parser and the checks produce is an offset in the original file. `$1`-style parameters
 * are valid PostgreSQL syntax and are left alone.
 *
 * Scanning is forward-only with `indexOf` (linear in the text); config delimiters are literal text,
 * never regular expressions.
 */

export interface Substitution {
  start: number;
  end: number;
  /** The original text of the placeholder. */
  original: string;
  /** What replaced it (same length). */
  fill: string;
}

export interface Detemplated {
  text: string;
  subs: Substitution[];
}

/** Go template actions that render nothing: control structure and comments. */
const GO_CONTROL = /^\{\{-?\s*(?:if|else|end|range|with|define|block|template|break|continue|\/\*)/;

/**
 * A same-length identifier: `tpl` + a hash of the placeholder's text + underscores. The same
 * placeholder gets the same fill in every file, so the schema replay matches names across files.
 */
function identFill(original: string, len: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < original.length; i++) h = Math.imul(h ^ original.charCodeAt(i), 16777619) >>> 0;
  const base = `tpl${h.toString(36)}`;
  if (len <= base.length) return 'tpl'.slice(0, Math.max(1, len)).padEnd(len, '_').slice(0, len);
  return base.padEnd(len, '_');
}

const blankOf = (s: string) => s.replace(/[^\r\n]/g, ' ');

/**
 * Parses a declared placeholder: "@@…@@" / "@@...@@" (open and close delimiters), or a literal
 * token such as "__SCHEMA__".
 */
function declared(p: string): { open: string; close?: string } | undefined {
  const t = p.trim();
  if (!t) return undefined;
  const sep = t.includes('…') ? '…' : t.includes('...') ? '...' : undefined;
  if (sep) {
    const k = t.indexOf(sep);
    const open = t.slice(0, k);
    const close = t.slice(k + sep.length);
    return open && close ? { open, close } : undefined;
  }
  return { open: t };
}

/** Replaces template placeholders; returns the text unchanged (and no subs) when there are none. */
export function detemplate(text: string, placeholders: readonly string[] = []): Detemplated {
  const subs: Substitution[] = [];
  const hasBraces = text.includes('{{') || text.includes('{%') || text.includes('{#') || text.includes('${');
  const hasColon = text.includes(':');
  if (!hasBraces && !hasColon && !placeholders.length) return { text, subs };
  const spans: { start: number; end: number; kind: 'ident' | 'blank' }[] = [];
  // 1. Delimited templates, scanned forward.
  const pairs: { open: string; close: string; kind: 'go' | 'jinja-stmt' | 'jinja-comment' | 'flyway' }[] = [
    { open: '{{', close: '}}', kind: 'go' },
    { open: '{%', close: '%}', kind: 'jinja-stmt' },
    { open: '{#', close: '#}', kind: 'jinja-comment' },
    { open: '${', close: '}', kind: 'flyway' },
  ];
  const extra = placeholders.map(declared).filter((d): d is { open: string; close?: string } => !!d);
  if (hasBraces || extra.length) {
    let i = 0;
    // Next occurrence of each opener, refreshed only when passed (linear overall).
    const next = new Map<string, number>();
    const find = (s: string, from: number) => {
      const cached = next.get(s);
      if (cached !== undefined && (cached === -1 || cached >= from)) return cached;
      const k = text.indexOf(s, from);
      next.set(s, k);
      return k;
    };
    const closes = new Map<string, number>();
    const findClose = (s: string, from: number) => {
      const cached = closes.get(s);
      if (cached !== undefined && (cached === -1 || cached >= from)) return cached;
      const k = text.indexOf(s, from);
      closes.set(s, k);
      return k;
    };
    for (;;) {
      let best = -1;
      let bestLen = 0;
      let which: { close?: string; kind: 'go' | 'jinja-stmt' | 'jinja-comment' | 'flyway' | 'declared' } | undefined;
      for (const p of pairs) {
        const k = find(p.open, i);
        if (k >= 0 && (best < 0 || k < best)) {
          best = k;
          bestLen = p.open.length;
          which = p;
        }
      }
      for (const d of extra) {
        const k = find(d.open, i);
        if (k >= 0 && (best < 0 || k < best)) {
          best = k;
          bestLen = d.open.length;
          which = { close: d.close, kind: 'declared' };
        }
      }
      if (best < 0 || !which) break;
      let end: number;
      if (which.close === undefined) end = best + bestLen;
      else {
        const c = findClose(which.close, best + bestLen);
        if (c < 0) {
          i = best + bestLen;
          continue;
        }
        end = c + which.close.length;
        // Flyway names are short single-line words: `${schema}`, `${flyway:user}`.
        if (which.kind === 'flyway' && (end - best > 80 || /[\s;]/.test(text.slice(best + 2, c)))) {
          i = best + bestLen;
          continue;
        }
      }
      const original = text.slice(best, end);
      const blank = which.kind === 'jinja-stmt' || which.kind === 'jinja-comment' || (which.kind === 'go' && GO_CONTROL.test(original));
      spans.push({ start: best, end, kind: blank ? 'blank' : 'ident' });
      i = end;
    }
  }
  // 2. psql variables, outside strings and comments of the text with step 1 applied.
  let stage = text;
  if (spans.length) stage = applySpans(text, spans, subs);
  if (hasColon && /:['"A-Za-z_]/.test(stage)) {
    const psql: { start: number; end: number; kind: 'ident' | 'str' | 'qident' }[] = [];
    const toks = lex(stage);
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      if (t.kind !== 'op' || t.end - t.start !== 1 || stage[t.start] !== ':') continue;
      const n = toks[k + 1];
      if (!n || n.start !== t.end) continue;
      const prev = toks[k - 1];
      // `a[1:n]` array slices: a colon right after a number or an identifier inside brackets.
      if (prev && prev.end === t.start && (prev.kind === 'num' || prev.kind === 'word' || prev.kind === ')' || prev.kind === ']')) continue;
      if (n.kind === 'word') psql.push({ start: t.start, end: n.end, kind: 'ident' });
      else if (n.kind === 'str' && stage[n.start] === "'" && !n.open) psql.push({ start: t.start, end: n.end, kind: 'str' });
      else if (n.kind === 'qident' && !n.open) psql.push({ start: t.start, end: n.end, kind: 'qident' });
    }
    if (psql.length) {
      const chars = stage.split('');
      for (const p of psql) {
        const len = p.end - p.start;
        const fill =
          p.kind === 'ident' ? identFill(text.slice(p.start, p.end), len) : p.kind === 'str' ? `'${'v'.repeat(len - 2)}'` : `"${identFill(text.slice(p.start, p.end), len - 2)}"`;
        subs.push({ start: p.start, end: p.end, original: text.slice(p.start, p.end), fill });
        for (let j = 0; j < len; j++) chars[p.start + j] = fill[j];
      }
      stage = chars.join('');
      subs.sort((a, b) => a.start - b.start);
    }
  }
  return { text: stage, subs };
}

function applySpans(text: string, spans: { start: number; end: number; kind: 'ident' | 'blank' }[], subs: Substitution[]): string {
  const out: string[] = [];
  let last = 0;
  for (const s of spans) {
    out.push(text.slice(last, s.start));
    const original = text.slice(s.start, s.end);
    let fill: string;
    if (s.kind === 'blank') fill = blankOf(original);
    else {
      fill = identFill(original, original.length);
      // A placeholder spread over lines keeps its line breaks, so line numbers still match.
      if (/[\r\n]/.test(original)) fill = fill.split('').map((c, j) => (original[j] === '\n' || original[j] === '\r' ? original[j] : c)).join('');
    }
    subs.push({ start: s.start, end: s.end, original, fill });
    out.push(fill);
    last = s.end;
  }
  out.push(text.slice(last));
  return out.join('');
}

/** Puts the placeholders' original text back into a message (or any text built from names). */
export function restorePlaceholders(s: string, subs: readonly Substitution[]): string {
  if (!subs.length || !s.includes('tpl') && !s.includes("'v")) return s;
  let r = s;
  // Longest fills first, so a short fill never eats the start of a longer one.
  for (const sub of [...subs].sort((a, b) => b.fill.length - a.fill.length)) {
    if (!sub.fill.trim() || sub.fill.length < 4) continue;
    r = r.split(sub.fill).join(sub.original);
  }
  return r;
}
