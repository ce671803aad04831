import type { Fix, Range, Severity } from '../model';
import { parseExample, type ExampleFile, type ExampleLine } from './example';

/** dotenv-linter's check names, kept verbatim so users can map findings and `off` comments. */
export type HygieneCheck =
  | 'DuplicatedKey'
  | 'EndingBlankLine'
  | 'ExtraBlankLine'
  | 'IncorrectDelimiter'
  | 'KeyWithoutValue'
  | 'LeadingCharacter'
  | 'LowercaseKey'
  | 'QuoteCharacter'
  | 'SpaceCharacter'
  | 'SubstitutionKey'
  | 'TrailingWhitespace'
  | 'UnorderedKey'
  | 'ValueWithoutQuotes'
  | 'UnterminatedQuote';

export const HYGIENE_CHECKS: readonly HygieneCheck[] = [
  'DuplicatedKey', 'EndingBlankLine', 'ExtraBlankLine', 'IncorrectDelimiter', 'KeyWithoutValue', 'LeadingCharacter', 'LowercaseKey',
  'QuoteCharacter', 'SpaceCharacter', 'SubstitutionKey', 'TrailingWhitespace', 'UnorderedKey', 'ValueWithoutQuotes', 'UnterminatedQuote',
];

export interface HygieneProblem {
  check: HygieneCheck;
  message: string;
  severity: Severity;
  range: Range;
  fix?: Fix;
}

const lineRange = (l: ExampleLine): Range => ({ start: { line: l.line, character: 0 }, end: { line: l.line, character: l.text.length } });

/**
 * The dotenv-linter checks on an example file, with the same names and messages, and fixes as
 * plain text edits. `# dotenv-linter:off A, B` / `# dotenv-linter:on` comments are honoured, and so
 * is the `skip` list from the configuration.
 */
export function checkHygiene(ex: ExampleFile, skip: readonly string[] = []): HygieneProblem[] {
  const out: HygieneProblem[] = [];
  const off = new Set<string>(skip);
  const edit = (title: string, range: Range, newText: string): Fix => ({ title, isPreferred: true, edits: [{ file: ex.path, range, newText }] });
  const seen = new Map<string, number>();
  let prevBlank = false;
  let group: ExampleLine[] = [];
  const flushGroup = () => {
    if (!off.has('UnorderedKey')) out.push(...unordered(ex, group));
    group = [];
  };
  for (const l of ex.lines) {
    if (l.kind === 'comment') {
      const directive = /^#\s*dotenv-linter:(on|off)/.exec(l.text.trim());
      if (directive) {
        const names = l.text.trim().slice(directive[0].length).split(/[\s,]+/).filter(Boolean);
        for (const n of names) {
          if (directive[1] === 'off') off.add(n);
          else off.delete(n);
        }
      }
      flushGroup();
      prevBlank = false;
      continue;
    }
    if (l.kind === 'blank') {
      if (prevBlank && !off.has('ExtraBlankLine')) {
        out.push({ check: 'ExtraBlankLine', message: 'Extra blank line detected', severity: 'info', range: lineRange(l), fix: edit('Remove the extra blank line', { start: { line: l.line, character: 0 }, end: { line: l.line + 1, character: 0 } }, '') });
      }
      prevBlank = true;
      flushGroup();
      continue;
    }
    prevBlank = false;
    if (l.kind !== 'entry' || l.key === undefined || l.keyStart === undefined) continue;
    const key = l.key;
    const keyRange: Range = { start: { line: l.line, character: l.keyStart }, end: { line: l.line, character: l.keyStart + key.length } };
    const on = (c: HygieneCheck) => !off.has(c);
    if (l.text.length !== l.text.trimEnd().length && on('TrailingWhitespace')) {
      const t = l.text.trimEnd().length;
      out.push({ check: 'TrailingWhitespace', message: 'Trailing whitespace detected', severity: 'info', range: { start: { line: l.line, character: t }, end: { line: l.line, character: l.text.length } }, fix: edit('Remove trailing whitespace', { start: { line: l.line, character: t }, end: { line: l.line, character: l.text.length } }, '') });
    }
    if (/^[^A-Za-z_]/.test(key) && on('LeadingCharacter')) {
      const fixed = key.replace(/^[^A-Za-z_]+/, '');
      out.push({ check: 'LeadingCharacter', message: 'Invalid leading character detected', severity: 'warning', range: keyRange, fix: fixed ? edit(`Rename to ${fixed}`, keyRange, fixed) : undefined });
    } else if (l.keyStart > 0 && !/^\s*export\s/.test(l.text) && on('LeadingCharacter')) {
      out.push({ check: 'LeadingCharacter', message: 'Invalid leading character detected', severity: 'info', range: keyRange, fix: edit('Remove the leading spaces', { start: { line: l.line, character: 0 }, end: keyRange.start }, '') });
    }
    if (/[^A-Za-z0-9_]/.test(key.replace(/^[^A-Za-z_]+/, '')) && on('IncorrectDelimiter')) {
      const fixed = key.replace(/[^A-Za-z0-9_]/g, '_');
      out.push({ check: 'IncorrectDelimiter', message: `The ${key} key has incorrect delimiter`, severity: 'warning', range: keyRange, fix: edit(`Rename to ${fixed}`, keyRange, fixed) });
    }
    if (/[a-z]/.test(key) && on('LowercaseKey')) {
      out.push({ check: 'LowercaseKey', message: `The ${key} key should be in uppercase`, severity: 'info', range: keyRange, fix: edit(`Rename to ${key.toUpperCase()}`, keyRange, key.toUpperCase()) });
    }
    const after = l.text.slice(l.keyStart + key.length);
    const dm = /^(\s*)([=:]?)(\s*)/.exec(after)!;
    if (!dm[2]) {
      if (on('KeyWithoutValue')) out.push({ check: 'KeyWithoutValue', message: `The ${key} key should be with a value or have an equal sign`, severity: 'warning', range: keyRange, fix: edit('Add an equal sign', { start: keyRange.end, end: { line: l.line, character: l.text.trimEnd().length } }, '=') });
    } else if ((dm[1] || (dm[3] && after.slice(dm[0].length).length > 0)) && on('SpaceCharacter')) {
      const start = { line: l.line, character: keyRange.end.character };
      const end = { line: l.line, character: keyRange.end.character + dm[0].length };
      out.push({ check: 'SpaceCharacter', message: 'The line has spaces around equal sign', severity: 'warning', range: { start, end }, fix: edit('Remove the spaces', { start, end }, dm[2]) });
    }
    const dup = seen.get(key);
    if (dup !== undefined && on('DuplicatedKey')) {
      out.push({ check: 'DuplicatedKey', message: `The ${key} key is duplicated (first declared on line ${dup + 1})`, severity: 'warning', range: keyRange, fix: edit(`Remove this ${key} line`, { start: { line: l.line, character: 0 }, end: { line: (l.entry?.endLine ?? l.line) + 1, character: 0 } }, '') });
    } else if (dup === undefined) seen.set(key, l.line);
    const v = l.entry;
    if (v && v.endLine === v.line && !v.secret) {
      const raw = l.text.slice(v.valueRange.start.character, v.valueRange.end.character);
      const vr = v.valueRange;
      if (/^(["'])[^\s"'#$\\]*\1$/.test(raw) && raw.length > 2 && on('QuoteCharacter')) {
        // No fix in the report (it would carry the value): the editor computes it from the buffer (bufferFix).
        out.push({ check: 'QuoteCharacter', message: 'The value has quote characters (\', ")', severity: 'info', range: vr });
      }
      if (!/^["'`]/.test(raw) && /\s/.test(raw) && on('ValueWithoutQuotes')) {
        out.push({ check: 'ValueWithoutQuotes', message: 'This value needs to be surrounded in quotes', severity: 'warning', range: vr });
      }
      if (!raw.startsWith("'") && on('SubstitutionKey')) {
        for (const m of raw.matchAll(/\$\{([^}]*)(\}|$)/g)) {
          if (!m[2] || !/^[A-Za-z_][A-Za-z0-9_]*(:?[-+?=][^}]*)?$/.test(m[1])) {
            out.push({ check: 'SubstitutionKey', message: `The ${key} key is not assigned properly`, severity: 'warning', range: vr });
            break;
          }
        }
      }
    }
    if (ex.unterminated.includes(l.line) && on('UnterminatedQuote')) {
      out.push({ check: 'UnterminatedQuote', message: `The value of ${key} opens a quote that is never closed; dotenv reads only the first line of it`, severity: 'warning', range: v?.valueRange ?? keyRange });
    }
    group.push(l);
  }
  flushGroup();
  if (!ex.endsWithNewline && !off.has('EndingBlankLine')) {
    const last = ex.lineCount - 1;
    const lastText = ex.lines.find((l) => l.line === last)?.text ?? '';
    out.push({ check: 'EndingBlankLine', message: 'No blank line at the end of the file', severity: 'info', range: { start: { line: last, character: lastText.length }, end: { line: last, character: lastText.length } }, fix: edit('Add a final line break', { start: { line: last, character: lastText.length }, end: { line: last, character: lastText.length } }, ex.eol) });
  }
  return out;
}

const collator = new Intl.Collator('en');

/**
 * UnorderedKey within a group of consecutive entries, named against the greatest key above it (one
 * pass). No fix in the report: sorting moves lines with their values, so the editor computes it from
 * the buffer (bufferFix), once per group.
 */
function unordered(_ex: ExampleFile, group: ExampleLine[]): HygieneProblem[] {
  const out: HygieneProblem[] = [];
  let max: string | undefined;
  for (const l of group) {
    const key = l.key!;
    if (max !== undefined && collator.compare(max, key) > 0) {
      const range: Range = { start: { line: l.line, character: l.keyStart! }, end: { line: l.line, character: l.keyStart! + key.length } };
      out.push({ check: 'UnorderedKey', message: `The ${key} key should go before the ${max} key`, severity: 'info', range });
    } else max = key;
  }
  return out;
}

/** Hygiene checks whose fix would copy a value: computed from the editor's buffer, never put in a report. */
export const BUFFER_FIX_CHECKS: readonly HygieneCheck[] = ['QuoteCharacter', 'ValueWithoutQuotes', 'UnorderedKey'];

/**
 * The fix of a value-carrying hygiene problem, computed from the file's current text (the editor's
 * buffer) at the finding's range. Undefined when the text no longer shows the problem.
 */
export function bufferFix(check: string, file: string, text: string, range: Range): Fix | undefined {
  const ex = parseExample(file, text);
  const line = ex.lines.find((l) => l.line === range.start.line);
  if (!line || line.kind !== 'entry') return undefined;
  const edit = (title: string, r: Range, newText: string): Fix => ({ title, isPreferred: true, edits: [{ file, range: r, newText }] });
  if (check === 'QuoteCharacter' || check === 'ValueWithoutQuotes') {
    const v = line.entry;
    if (!v || v.endLine !== v.line || v.secret) return undefined;
    const raw = line.text.slice(v.valueRange.start.character, v.valueRange.end.character);
    if (check === 'QuoteCharacter') return /^(["'])[^\s"'#$\\]*\1$/.test(raw) && raw.length > 2 ? edit('Remove the quotes', v.valueRange, raw.slice(1, -1)) : undefined;
    return !/^["'`]/.test(raw) && /\s/.test(raw) ? edit('Surround the value with quotes', v.valueRange, `"${raw.replace(/"/g, '\\"')}"`) : undefined;
  }
  if (check !== 'UnorderedKey') return undefined;
  // The group of consecutive entries around the line (blank lines and comments end a group).
  const at = ex.lines.indexOf(line);
  let a = at;
  let b = at;
  const inGroup = (l: ExampleLine | undefined) => l !== undefined && l.kind !== 'blank' && l.kind !== 'comment';
  while (inGroup(ex.lines[a - 1])) a--;
  while (inGroup(ex.lines[b + 1])) b++;
  const group = ex.lines.slice(a, b + 1).filter((l) => l.kind === 'entry' && l.key !== undefined);
  // moving lines carries their values: never for a group holding a multi-line or secret-looking value
  if (group.length !== b - a + 1 || group.some((g) => (g.entry?.endLine ?? g.line) !== g.line || g.entry?.secret)) return undefined;
  const sorted = [...group].sort((x, y) => collator.compare(x.key!, y.key!));
  const last = group[group.length - 1];
  return edit('Sort the keys of this group', { start: { line: group[0].line, character: 0 }, end: { line: last.line, character: last.text.length } }, sorted.map((g) => g.text).join(ex.eol));
}

/** Is a group of keys sorted (so an insertion should keep it sorted)? */
export function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1].localeCompare(keys[i], 'en') > 0) return false;
  return true;
}
