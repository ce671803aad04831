import { isMap, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Finding, TextEdit } from '../model';
import { LineIndex } from '../text';
import type { AcceptedChange } from './settings';

/**
 * Accepting a breaking change on purpose: `api.accepted` entries in `.deploy-readiness.yaml`
 * (fingerprint, rule, reason, optional expiry). Accepted findings drop to info with
 * `data.accepted`; expired entries stop applying and the finding says so.
 */

export function applyAccepted(findings: Finding[], accepted: readonly AcceptedChange[], today = new Date().toISOString().slice(0, 10)): Finding[] {
  if (!accepted.length) return findings;
  const byFp = new Map<string, AcceptedChange>();
  for (const a of accepted) if (a && typeof a.fingerprint === 'string') byFp.set(a.fingerprint, a);
  return findings.map((f) => {
    const fp = f.data?.fingerprint;
    if (typeof fp !== 'string') return f;
    const a = byFp.get(fp);
    if (!a || (a.rule && a.rule !== f.ruleId)) return f;
    if (a.expires && a.expires < today) {
      return { ...f, message: `${f.message} (its acceptance expired on ${a.expires})`, data: { ...f.data, acceptanceExpired: a.expires } };
    }
    return {
      ...f,
      severity: 'info',
      message: `${f.message} Accepted: ${a.reason}`,
      data: { ...f.data, accepted: true, acceptedReason: a.reason, ...(a.expires ? { acceptedUntil: a.expires } : {}) },
    };
  });
}

const yamlString = (s: string) => JSON.stringify(s);

/**
 * The edit that records `entry` in the config text (which may be empty or missing): appended to
 * an existing `api.accepted` list, else to an existing `api:` mapping, else a new `api:` section.
 */
export function acceptEdit(configFile: string, configText: string | undefined, entry: AcceptedChange): TextEdit {
  const text = configText ?? '';
  const lines = [`fingerprint: ${yamlString(entry.fingerprint)}`, `rule: ${entry.rule}`, `reason: ${yamlString(entry.reason)}`];
  if (entry.expires) lines.push(`expires: ${yamlString(entry.expires)}`);
  const item = (indent: string) => `${indent}- ${lines[0]}\n${lines.slice(1).map((l) => `${indent}  ${l}\n`).join('')}`;
  // editor positions (a lone CR ends a line too): the one mapping, not yaml's LF-only LineCounter
  const index = new LineIndex(text);
  const end = index.positionAt(text.length);
  const appendAtEnd = (s: string): TextEdit => ({ file: configFile, range: { start: end, end }, newText: (text.length && !text.endsWith('\n') ? '\n' : '') + s, create: configText === undefined });
  if (!text.trim()) return appendAtEnd(`api:\n  accepted:\n${item('    ')}`);
  const doc = parseDocument(text);
  const root = doc.contents;
  if (doc.errors.length || !isMap(root)) return appendAtEnd(`api:\n  accepted:\n${item('    ')}`);
  const apiPair = (root as YAMLMap).items.find((p) => (p.key as { value?: unknown })?.value === 'api') as Pair<Node, Node> | undefined;
  const posAt = (offset: number) => index.positionAt(offset);
  const insertAfter = (node: Node, s: string): TextEdit => {
    const off = node.range![2];
    // Insert at the start of the line after the node.
    let o = off;
    while (o > 0 && text[o - 1] !== '\n') o--;
    const at = o === off ? off : text.indexOf('\n', off - 1) + 1 || text.length;
    const pos = at >= text.length ? end : posAt(at);
    const prefix = at >= text.length && !text.endsWith('\n') ? '\n' : '';
    return { file: configFile, range: { start: pos, end: pos }, newText: prefix + s };
  };
  if (!apiPair || !isMap(apiPair.value)) {
    if (apiPair && apiPair.value && !isMap(apiPair.value)) return appendAtEnd(`# api: (above) is not a mapping; fix it to accept changes\n`);
    return appendAtEnd(`api:\n  accepted:\n${item('    ')}`);
  }
  const api = apiPair.value as YAMLMap<Node, Node>;
  const keyIndent = indentOf(text, (api.items[0]?.key as Node | undefined)?.range?.[0] ?? 0);
  const accPair = api.items.find((p) => (p.key as { value?: unknown })?.value === 'accepted') as Pair<Node, Node> | undefined;
  if (!accPair) return insertAfter(api, `${keyIndent}accepted:\n${item(keyIndent + '  ')}`);
  if (isSeq(accPair.value) && accPair.value.items.length && !accPair.value.flow) {
    const first = accPair.value.items[0] as Node;
    const itemIndent = indentOf(text, first.range![0]).replace(/- $/, '');
    const dash = /^(\s*)/.exec(text.slice(lineStart(text, first.range![0])))![1];
    return insertAfter(accPair.value, item(dash.length ? dash : itemIndent));
  }
  // `accepted: []` or empty: replace the value.
  const v = accPair.value;
  const from = v?.range ? v.range[0] : (accPair.key as Node).range![1] + 1;
  const to = v?.range ? v.range[1] : from;
  return { file: configFile, range: { start: posAt(from), end: posAt(to) }, newText: `\n${item(keyIndent + '  ')}`.replace(/\n$/, '') };
}

function lineStart(text: string, offset: number): number {
  let o = offset;
  while (o > 0 && text[o - 1] !== '\n') o--;
  return o;
}

function indentOf(text: string, offset: number): string {
  return ' '.repeat(offset - lineStart(text, offset));
}

