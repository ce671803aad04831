import { createHash } from 'node:crypto';
import type { Report, Severity } from '../model';

/**
 * GitLab Code Quality report (the Code Climate issue subset GitLab reads from
 * `artifacts: reports: codequality`): merge request widgets and diff annotations.
 * The fingerprint ignores the line so a finding that moves is still the same finding.
 */
const SEVERITY: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'info' };

export function formatGitlab(report: Report): string {
  const seen = new Map<string, number>();
  const issues = report.findings.map((f) => {
    // The engine's fingerprint (rule, file across renames, anchor text) when it made one: GitLab tells new from existing with it.
    const base = createHash('md5').update(f.fingerprint ?? `${f.ruleId}\0${f.file}\0${f.message}`).digest('hex');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const fingerprint = n ? createHash('md5').update(`${base}\0${n}`).digest('hex') : base;
    return {
      type: 'issue',
      description: f.message,
      check_name: f.ruleId,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint,
      location: { path: f.file, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}
