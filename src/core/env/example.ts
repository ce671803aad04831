import { parse as dotenvParse } from 'dotenv';
import { LineIndex } from '../text';
import type { Range } from '../model';

export interface DeclaredVar {
  name: string;
  /** Range of the name on its line. */
  range: Range;
  line: number;
}

export interface ExampleFile {
  path: string;
  vars: DeclaredVar[];
  names: Set<string>;
  lineCount: number;
  endsWithNewline: boolean;
  eol: string;
}

/**
 * Parses an example file with dotenv's own parser (the set of names), and locates each name's line
 * for positions. Values are never kept.
 */
export function parseExample(path: string, text: string): ExampleFile {
  const parsed = dotenvParse(text);
  const names = new Set(Object.keys(parsed));
  const index = new LineIndex(text);
  const vars: DeclaredVar[] = [];
  const seen = new Set<string>();
  for (let line = 0; line < index.lineCount; line++) {
    const lt = index.lineText(line);
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]/.exec(lt);
    if (!m || !names.has(m[1]) || seen.has(m[1] + '@' + line)) continue;
    seen.add(m[1] + '@' + line);
    const col = lt.indexOf(m[1]);
    vars.push({ name: m[1], line, range: { start: { line, character: col }, end: { line, character: col + m[1].length } } });
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { path, vars, names, lineCount: index.lineCount, endsWithNewline: text.length === 0 || text.endsWith('\n'), eol };
}
