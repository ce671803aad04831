/**
 * Rails reads the environment inside ERB tags in its YAML config (`config/database.yml`:
 * `host: <%= ENV.fetch("DB_HOST") { "127.0.0.1" } %>`). The Ruby inside the tags is kept at its
 * own offsets and everything else becomes spaces (newlines kept), so the Ruby scanner's positions
 * are the file's positions. Linear in the text.
 */

/** YAML that Rails runs through ERB: `config/*.yml` and any `*.yml.erb` / `*.yaml.erb`. */
export function isErbYaml(path: string): boolean {
  return /\.ya?ml\.erb$/i.test(path) || /(?:^|\/)config\/[^/]+\.ya?ml$/i.test(path);
}

/** The Ruby code of the ERB tags, blanked elsewhere; undefined when the text has no tag. */
export function erbRuby(text: string): string | undefined {
  if (!text.includes('<%')) return undefined;
  const out: string[] = [];
  let i = 0;
  let found = false;
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  while (i < text.length) {
    const open = text.indexOf('<%', i);
    if (open < 0) break;
    const close = text.indexOf('%>', open + 2);
    if (close < 0) break;
    out.push(blank(text.slice(i, open)));
    let start = open + 2;
    // <%% is a literal "<%"; <%# is a comment: neither holds code.
    const mark = text[start];
    if (mark === '%' || mark === '#') {
      out.push(blank(text.slice(open, close + 2)));
      i = close + 2;
      continue;
    }
    if (mark === '=' || mark === '-') start++;
    out.push(' '.repeat(start - open));
    let end = close;
    if (text[end - 1] === '-' && end - 1 >= start) end--;
    out.push(text.slice(start, end));
    // The closing tag ends a statement: two fragments on one line stay two statements.
    out.push(';'.padEnd(close + 2 - end, ' '));
    found = true;
    i = close + 2;
  }
  if (!found) return undefined;
  out.push(blank(text.slice(i)));
  return out.join('');
}
