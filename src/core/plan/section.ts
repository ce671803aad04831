/**
 * A generated region inside text someone else owns (a pull request description, a template):
 * between a start and an end HTML comment. Re-running replaces only that region; every byte
 * outside it is kept as it was.
 */
export const ROLLBACK_START = '<!-- deploy-readiness:rollback:start -->';
export const ROLLBACK_END = '<!-- deploy-readiness:rollback:end -->';

export interface Markers {
  start: string;
  end: string;
}

export const ROLLBACK_MARKERS: Markers = { start: ROLLBACK_START, end: ROLLBACK_END };

/**
 * Offsets [from, to) of the fenced code blocks of a Markdown text (``` or ~~~, up to three spaces
 * of indent; closed by a fence of the same character at least as long, or the end of the text).
 * A marker inside one is an example someone wrote, not a region. One pass over the lines.
 */
export function fencedRanges(body: string): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { ch: string; len: number; from: number } | undefined;
  let pos = 0;
  while (pos <= body.length) {
    const nl = body.indexOf('\n', pos);
    const end = nl < 0 ? body.length : nl + 1;
    const line = body.slice(pos, end).replace(/\r?\n$/, '');
    let i = 0;
    while (i < 3 && line[i] === ' ') i++;
    const ch = line[i];
    if (ch === '`' || ch === '~') {
      let j = i;
      while (line[j] === ch) j++;
      const len = j - i;
      if (len >= 3) {
        if (!open) {
          if (ch === '~' || !line.slice(j).includes('`')) open = { ch, len, from: pos };
        } else if (ch === open.ch && len >= open.len && line.slice(j).trim() === '') {
          ranges.push([open.from, end]);
          open = undefined;
        }
      }
    }
    if (nl < 0) break;
    pos = end;
  }
  if (open) ranges.push([open.from, body.length]);
  return ranges;
}

/** Offsets of `needle` in `body` outside the given sorted ranges. */
function occurrencesOutside(body: string, needle: string, ranges: [number, number][]): number[] {
  const out: number[] = [];
  let r = 0;
  for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + needle.length)) {
    while (r < ranges.length && ranges[r][1] <= at) r++;
    if (r < ranges.length && ranges[r][0] <= at) continue;
    out.push(at);
  }
  return out;
}

/**
 * The region [from, to) of the first complete marker pair: the first end marker that has a start
 * marker before it, paired with the nearest such start. Unpaired markers are ordinary text, and
 * markers inside a fenced code block (an author's example) are not markers.
 */
export function findSection(body: string, m: Markers = ROLLBACK_MARKERS): { from: number; to: number; innerFrom: number; innerTo: number } | undefined {
  if (!body.includes(m.end)) return undefined;
  const fences = fencedRanges(body);
  const starts = occurrencesOutside(body, m.start, fences);
  const ends = occurrencesOutside(body, m.end, fences);
  let si = -1;
  for (const e of ends) {
    while (si + 1 < starts.length && starts[si + 1] + m.start.length <= e) si++;
    if (si >= 0) {
      const s = starts[si];
      return { from: s, to: e + m.end.length, innerFrom: s + m.start.length, innerTo: e };
    }
  }
  return undefined;
}

/** The text between the markers (undefined when there is no complete region). */
export function extractSection(body: string, m: Markers = ROLLBACK_MARKERS): string | undefined {
  const r = findSection(body, m);
  return r ? body.slice(r.innerFrom, r.innerTo) : undefined;
}

/** Removes marker strings from generated content, so it can never open or close a region itself. */
export function sanitizeSection(content: string, m: Markers = ROLLBACK_MARKERS): string {
  let out = content;
  while (out.includes(m.start) || out.includes(m.end)) out = out.split(m.start).join('').split(m.end).join('');
  return out;
}

/**
 * Puts `content` between the markers: replaces the existing region, or appends one (after a
 * blank line) when the body has none. The body's own line ending is used around the new region.
 */
export function replaceSection(body: string, content: string, m: Markers = ROLLBACK_MARKERS): string {
  const r = findSection(body, m);
  // The line ending of the text outside the region (so a second run picks the same one).
  const outside = r ? [body.slice(0, r.from), body.slice(r.to)] : [body];
  const eol = outside.some((p) => p.includes('\r\n') || p.endsWith('\r')) ? '\r\n' : '\n';
  const inner = sanitizeSection(content, m).replace(/\r?\n/g, eol).replace(new RegExp(`(?:${eol})+$`), '');
  const block = `${m.start}${eol}${inner}${eol}${m.end}`;
  if (r) return body.slice(0, r.from) + block + body.slice(r.to);
  if (!body) return block + eol;
  const sep = body.endsWith(eol + eol) ? '' : body.endsWith(eol) ? eol : eol + eol;
  return body + sep + block + eol;
}
