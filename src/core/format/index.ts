import { RULES } from '../catalog';
import type { Finding, Report, Severity } from '../model';
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

/** The stable JSON contract: version, verdict, summary, findings (+ notices and timing of the run). */
export function formatJson(report: Report): string {
  const { version, verdict, summary, findings, notices, timing } = report;
  return JSON.stringify({ version, verdict, summary, findings, notices, ...(timing ? { timing } : {}) }, null, 2) + '\n';
}

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function pos(f: Finding): string {
  return `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
}

export function formatText(report: Report, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string) => (color ? COLORS[k] + s + COLORS.reset : s);
  const lines: string[] = [];
  let lastFile = '';
  for (const f of report.findings) {
    if (f.file !== lastFile) {
      if (lastFile) lines.push('');
      lines.push(c('bold', f.file));
      lastFile = f.file;
    }
    lines.push(`  ${pos(f).slice(f.file.length + 1).padEnd(8)} ${c(f.severity, f.severity.padEnd(7))} ${f.message} ${c('dim', f.ruleId)}`);
  }
  if (report.findings.length) lines.push('');
  for (const n of report.notices) lines.push(c('dim', `note: ${n.message}`));
  const { error, warning, info } = report.summary;
  const verdictColor: Record<string, keyof typeof COLORS> = { blocked: 'error', review: 'warning', ready: 'info' };
  lines.push(`${c(verdictColor[report.verdict], c('bold', `Verdict: ${report.verdict}`))} (${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(info, 'info')})`);
  return lines.join('\n') + '\n';
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 || w === 'info' ? '' : 's'}`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(report: Report): string {
  const usedRules = RULES.filter((r) => report.findings.some((f) => f.ruleId === r.id));
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
        results: report.findings.map((f) => ({
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
          properties: f.data,
        })),
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
  const lines = report.findings.map(
    (f) =>
      `::${cmd[f.severity]} file=${escProp(f.file)},line=${f.range.start.line + 1},col=${f.range.start.character + 1},endLine=${f.range.end.line + 1},endColumn=${f.range.end.character + 1},title=${escProp(f.ruleId)}::${esc(f.message)}`,
  );
  for (const n of report.notices) lines.push(`::notice title=deploy-readiness::${esc(n.message)}`);
  lines.push(`Verdict: ${report.verdict} (${report.summary.error} errors, ${report.summary.warning} warnings, ${report.summary.info} info)`);
  return lines.join('\n') + '\n';
}

const AREA_TITLE: Record<string, string> = { migration: 'Migrations', env: 'Environment', api: 'API contract', checklist: 'Checklist' };
const VERDICT_ICON: Record<string, string> = { blocked: '⛔', review: '⚠️', ready: '✅' };

export function mdEscape(s: string): string {
  return s.replace(/[|\\`*_<>[\]]/g, (c) => '\\' + c);
}

export function formatMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`## ${VERDICT_ICON[report.verdict]} Deploy Readiness: ${report.verdict}`);
  out.push('');
  out.push(`${report.summary.error} errors · ${report.summary.warning} warnings · ${report.summary.info} info`);
  for (const area of ['migration', 'env', 'api', 'checklist']) {
    const fs = report.findings.filter((f) => f.area === area);
    if (!fs.length) continue;
    out.push('', `### ${AREA_TITLE[area]} (${fs.length})`, '', '| Severity | Location | Finding | Rule |', '| --- | --- | --- | --- |');
    for (const f of fs) out.push(`| ${f.severity} | \`${pos(f)}\` | ${mdEscape(f.message)} | [${f.ruleId}](${DOCS_BASE}${f.docs ?? ''}) |`);
  }
  if (report.notices.length) {
    out.push('', '<details><summary>Notes</summary>', '');
    for (const n of report.notices) out.push(`- ${mdEscape(n.message)}`);
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}

export function formatRules(fmt: 'text' | 'json'): string {
  if (fmt === 'json') return JSON.stringify({ version: 1, rules: RULES.map(metaOf) }, null, 2) + '\n';
  const lines = RULES.map((r) => {
    const eq = Object.entries(r.equivalents ?? {})
      .filter(([, v]) => v?.length)
      .map(([k, v]) => `${k}: ${v!.join(', ')}`)
      .join('; ');
    return `${r.id.padEnd(40)} ${r.defaultSeverity.padEnd(8)}${r.optIn ? '(opt-in) ' : ''}${r.summary}${eq ? `\n${' '.repeat(49)}also: ${eq}` : ''}`;
  });
  return lines.join('\n') + '\n';
}
