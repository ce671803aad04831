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
 * The region [from, to) of the first complete marker pair: the first end marker that has a start
 * marker before it, paired with the nearest such start. Unpaired markers are ordinary text.
 */
export function findSection(body: string, m: Markers = ROLLBACK_MARKERS): { from: number; to: number; innerFrom: number; innerTo: number } | undefined {
  let pos = 0;
  for (;;) {
    const e = body.indexOf(m.end, pos);
    if (e < 0) return undefined;
    const s = e - m.start.length >= 0 ? body.lastIndexOf(m.start, e - m.start.length) : -1;
    if (s >= 0) return { from: s, to: e + m.end.length, innerFrom: s + m.start.length, innerTo: e };
    pos = e + m.end.length;
  }
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
