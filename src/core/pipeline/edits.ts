import type { Fix, Range, TextEdit } from '../model';
import { LineIndex } from '../text';
import type { Job, Pipeline } from './model';

/** Plain text edits on CI files. Each returns undefined when no safe edit exists for the file's shape. */

function fileOf(p: Pipeline, j?: Job): string {
  return j?.file ?? p.file;
}

/** Inserts `key: value` as the job's first key, at the indentation its keys use. */
export function insertJobKey(p: Pipeline, j: Job, key: string, value: string): TextEdit | undefined {
  if (j.bodyIndent === undefined || j.file) return undefined;
  const line = j.keyRange.start.line + 1;
  const at = { line, character: 0 };
  const eol = p.text.includes('\r\n') ? '\r\n' : '\n';
  return { file: fileOf(p, j), range: { start: at, end: at }, newText: `${' '.repeat(j.bodyIndent)}${key}: ${value}${eol}` };
}

/** Adds a job to an existing `needs` (scalar, flow or block list): rewritten as a flow list. */
export function appendNeeds(p: Pipeline, j: Job, add: string): TextEdit | undefined {
  if (!j.needsRange || j.file) return undefined;
  const lines = new LineIndex(p.text);
  // From right after the `needs` key to the end of its value: `: [a, b, add]`.
  const valueStart = lines.offsetAt(j.needsRange.start);
  let colon = valueStart - 1;
  while (colon > 0 && p.text[colon] !== ':') colon--;
  if (p.text[colon] !== ':') return undefined;
  const between = p.text.slice(colon + 1, valueStart);
  if (/#/.test(between)) return undefined;
  const items = [...j.needs, add].map((n) => (/^[\w.-]+$/.test(n) ? n : JSON.stringify(n)));
  return { file: p.file, range: lines.rangeOf(colon, lines.offsetAt(j.needsRange.end)), newText: `: [${items.join(', ')}]` };
}

export function replace(file: string, range: Range, newText: string): TextEdit {
  return { file, range, newText };
}

export function fix(title: string, edits: (TextEdit | undefined)[], isPreferred = true): Fix[] {
  const ok = edits.filter((e): e is TextEdit => !!e);
  return ok.length === edits.length && ok.length ? [{ title, edits: ok, isPreferred }] : [];
}
