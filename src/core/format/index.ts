import { blockersOf } from '../blockers';
import { analysis } from '../lazy';
import { inScope, type Finding, type Report, type Severity } from '../model';
import { metaOf } from '../rule';
import { formatGitlab } from './gitlab';

export type Format = 'text' | 'json' | 'sarif' | 'github' | 'markdown' | 'gitlab';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github', 'markdown', 'gitlab'];

export const TOOL_NAME = 'deploy-readiness';
export const TOOL_VERSION = '0.1.0';
export const DOCS_BASE = 'https://github.com/deploy-readiness/deploy-readiness/blob/main/';

export function format(report: Report, fmt: Format, opts: { color?: boolean } = {}): string {
  switch (fmt) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'gitlab':
      return formatGitlab(report);
    default:
      return formatText(report, opts.color ?? false);
  }
}

/**
 * The stable JSON contract: version, verdict, summary (with new / existing / fixed), findings
 * (each with `baseline` and `fingerprint`), baseline (compared, scope, base, fixed findings) and
 * notices about the run.
 */
export function formatJson(report: Report): string {
  const { version, verdict, summary, findings, baseline, notices, timing } = report;
  return JSON.stringify({ version, verdict, summary, findings, baseline, notices, ...(timing ? { timing } : {}) }, null, 2) + '\n';
}

/** "main@3f2a1c0", or "the base" when unknown. */
function baseLabel(report: Report): string {
  return report.baseline?.base ?? 'the base';
}

/** Does this finding decide the verdict? */
function deciding(report: Report, f: Finding): boolean {
  return inScope(f, report.baseline?.scope ?? 'all');
}

/** The counts part of a verdict line (in present.ts: the editor's host bundle uses it without the formatters). */
import { verdictCounts } from '../present';
export { verdictCounts };

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * Control characters of repository-supplied text (identifiers, paths, messages) shown as escapes in
 * the human formats: a SQL identifier holding `\n::error file=…::` must not start a new line that a CI
 * runner reads as a workflow command. Only `--format github` writes `::` lines.
 */
export function escapeControl(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function pos(f: Finding): string {
  return `${escapeControl(f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
}

/**
 * Findings that decide the verdict grouped by file (with --scope all, existing ones are tagged);
 * existing findings under the default scope as one line per rule; notes; then the verdict line
 * and each blocker with its next action.
 */
export function formatText(report: Report, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string) => (color ? COLORS[k] + s + COLORS.reset : s);
  const lines: string[] = [];
  let lastFile = '';
  const shown = report.findings.filter((f) => deciding(report, f));
  for (const f of shown) {
    if (f.file !== lastFile) {
      if (lastFile) lines.push('');
      lines.push(c('bold', escapeControl(f.file)));
      lastFile = f.file;
    }
    const tag = f.baseline === 'existing' ? c('dim', ` (existing on ${baseLabel(report)})`) : '';
    lines.push(`  ${`${f.range.start.line + 1}:${f.range.start.character + 1}`.padEnd(8)} ${c(f.severity, f.severity.padEnd(7))} ${escapeControl(f.message)}${tag} ${c('dim', f.ruleId)}`);
  }
  if (shown.length) lines.push('');
  const hidden = report.findings.filter((f) => !deciding(report, f));
  if (hidden.length) {
    const byRule = new Map<string, number>();
    for (const f of hidden) byRule.set(`${f.severity.padEnd(7)} ${f.ruleId}`, (byRule.get(`${f.severity.padEnd(7)} ${f.ruleId}`) ?? 0) + 1);
    lines.push(c('bold', `Already on ${baseLabel(report)} (${hidden.length}, not deciding the verdict; --scope all lists them):`));
    const rows = [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    for (const [k, n] of rows.slice(0, 10)) lines.push(c('dim', `  ${String(n).padStart(5)}  ${k}`));
    if (rows.length > 10) lines.push(c('dim', `         and ${rows.length - 10} more rules`));
    lines.push('');
  }
  for (const n of report.notices) lines.push(c('dim', `note: ${escapeControl(n.message)}`));
  const verdictColor: Record<string, keyof typeof COLORS> = { blocked: 'error', review: 'warning', ready: 'info' };
  lines.push(`${c(verdictColor[report.verdict], c('bold', `Verdict: ${report.verdict}`))} (${verdictCounts(report)})`);
  const { blockers, more } = blockersOf(report);
  if (blockers.length) {
    lines.push(report.verdict === 'blocked' ? 'Blockers:' : 'To review:');
    for (const b of blockers) lines.push(`  ${c(b.level, b.level === 'error' ? '✗' : '!')} ${escapeControl(b.title)}`, `      ${c('dim', `→ ${escapeControl(b.action)}`)}`);
    if (more) lines.push(`  and ${more} more`);
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 || w === 'info' ? '' : 's'}`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(report: Report): string {
  // The rule catalog loads the analyzers: only SARIF (rule metadata per used rule) and `rules` need it.
  const usedRules = analysis().RULES.filter((r) => report.findings.some((f) => f.ruleId === r.id) || report.baseline?.fixed.some((f) => f.ruleId === r.id));
  const ruleIndex = new Map(usedRules.map((r, i) => [r.id, i]));
  const region = (r: Finding['range']) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            informationUri: DOCS_BASE + 'README.md',
            rules: usedRules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              helpUri: DOCS_BASE + r.docs,
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
              properties: { area: r.area, equivalents: r.equivalents ?? {} },
            })),
          },
        },
        results: [
          ...report.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: region(f.range) } }],
          relatedLocations: f.related
            ?.filter((l) => !l.revision)
            .map((l, i) => ({ id: i, message: l.message ? { text: l.message } : undefined, physicalLocation: { artifactLocation: { uri: l.file, uriBaseId: '%SRCROOT%' }, region: region(l.range) } })),
          fixes: f.fixes?.map((fx) => ({
            description: { text: fx.title },
            artifactChanges: groupBy(fx.edits, (e) => e.file).map(([file, edits]) => ({
              artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' },
              replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
            })),
          })),
          // Code scanning's own split: new / unchanged (existing at the merge base), and the stable id it tracks.
          baselineState: report.baseline?.compared ? (f.baseline === 'existing' ? 'unchanged' : 'new') : undefined,
          partialFingerprints: f.fingerprint ? { 'deployReadiness/v1': f.fingerprint } : undefined,
          properties: f.data,
          })),
          // Findings at the merge base that this change removes.
          ...(report.baseline?.fixed ?? []).map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: ruleIndex.get(f.ruleId),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: region(f.range) } }],
            baselineState: 'absent',
          })),
        ],
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: report.notices.map((n) => ({ level: n.level === 'info' ? 'note' : n.level, message: { text: n.message } })) }],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function groupBy<T>(items: T[], key: (t: T) => string): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return [...m];
}

/** GitHub Actions workflow commands: annotations on the pull request's diff. */
export function formatGithub(report: Report): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const cmd: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
  // Annotations for what the change introduces (all findings with --scope all); existing ones stay in the summary.
  const lines = report.findings.filter((f) => deciding(report, f)).map(
    (f) =>
      `::${cmd[f.severity]} file=${escProp(f.file)},line=${f.range.start.line + 1},col=${f.range.start.character + 1},endLine=${f.range.end.line + 1},endColumn=${f.range.end.character + 1},title=${escProp(f.ruleId)}::${esc(f.message)}`,
  );
  for (const n of report.notices) lines.push(`::notice title=deploy-readiness::${esc(n.message)}`);
  lines.push(`Verdict: ${report.verdict} (${verdictCounts(report)})`);
  return lines.join('\n') + '\n';
}

const AREA_TITLE: Record<string, string> = { migration: 'Migrations', env: 'Environment', api: 'API contract', checklist: 'Checklist' };
const VERDICT_ICON: Record<string, string> = { blocked: '⛔', review: '⚠️', ready: '✅' };

export function mdEscape(s: string): string {
  return escapeControl(s).replace(/[|\\`*_<>[\]]/g, (c) => '\\' + c);
}

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`## ${VERDICT_ICON[report.verdict]} Deploy Readiness: ${report.verdict}`);
  out.push('');
  const { error, warning, info } = report.summary;
  const b = report.baseline;
  out.push(
    `${plural(error, 'error')} · ${plural(warning, 'warning')} · ${plural(info, 'info')}` +
      (b?.compared ? ` ${b.scope === 'new' ? 'introduced by this change' : 'in the repository'} · ${report.summary.existing} already on \`${b.base}\` · ${report.summary.fixed} fixed` : ''),
  );
  const { blockers, more } = blockersOf(report);
  if (blockers.length) {
    out.push('', report.verdict === 'blocked' ? '**Blockers**' : '**To review**', '');
    for (const x of blockers) out.push(`- ${mdEscape(x.title)} → ${mdEscape(x.action)}`);
    if (more) out.push(`- and ${more} more`);
  }
  const table = (fs: Finding[]) => ['| Severity | Location | Finding | Rule |', '| --- | --- | --- | --- |', ...fs.map((f) => `| ${f.severity} | \`${pos(f)}\` | ${mdEscape(f.message)} | [${f.ruleId}](${DOCS_BASE}${f.docs ?? ''}) |`)];
  // What the change introduces first, area by area; findings already on the base folded below.
  const fresh = report.findings.filter((f) => f.baseline !== 'existing');
  for (const area of ['migration', 'env', 'api', 'checklist']) {
    const fs = fresh.filter((f) => f.area === area);
    if (!fs.length) continue;
    out.push('', `### ${AREA_TITLE[area]} (${fs.length})`, '', ...table(fs));
  }
  const existing = report.findings.filter((f) => f.baseline === 'existing');
  if (existing.length) {
    out.push('', `<details><summary>Already on ${mdEscape(baseLabel(report))}: ${existing.length} finding${existing.length === 1 ? '' : 's'}${b?.scope === 'all' ? '' : ' (not deciding the verdict)'}</summary>`, '', ...table(existing), '', '</details>');
  }
  if (b?.fixed.length) {
    out.push('', `<details><summary>Fixed by this change: ${report.summary.fixed}</summary>`, '');
    for (const f of b.fixed) out.push(`- \`${f.file}:${f.range.start.line + 1}\` ${mdEscape(f.ruleId)}: ${mdEscape(f.message)}`);
    out.push('', '</details>');
  }
  if (report.notices.length) {
    out.push('', '<details><summary>Notes</summary>', '');
    for (const n of report.notices) out.push(`- ${mdEscape(n.message)}`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}

export function formatRules(fmt: 'text' | 'json'): string {
  const { RULES } = analysis();
  // `enabled`: whether the rule runs with the default config (opt-in rules need an entry under `rules`).
  if (fmt === 'json') return JSON.stringify({ version: 1, rules: RULES.map((r) => ({ ...metaOf(r), enabled: !r.optIn })) }, null, 2) + '\n';
  const lines = RULES.map((r) => {
    const eq = Object.entries(r.equivalents ?? {})
      .filter(([, v]) => v?.length)
      .map(([k, v]) => `${k}: ${v!.join(', ')}`)
      .join('; ');
    return `${r.id.padEnd(40)} ${r.defaultSeverity.padEnd(8)}${r.optIn ? '(opt-in) ' : ''}${r.summary}${eq ? `\n${' '.repeat(49)}also: ${eq}` : ''}`;
  });
  return lines.join('\n') + '\n';
}
