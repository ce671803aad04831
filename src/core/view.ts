import { blockersOf } from './blockers';
import type { ChecklistItem } from './checklist/items';
import type { Area, Finding, Report, Verdict } from './model';
import { verdictCounts, verdictLabel } from './present';

/**
 * What the editor's tree shows for one area, decided here so every surface agrees and the
 * extension stays an adapter: the findings this change introduces, the ones already on the base,
 * or why there is nothing to check at all.
 */
export interface AreaView {
  /** Set when the area had no input ("no API schema in the repository"): not the same as "no findings". */
  nothingToCheck?: string;
  /** New findings (all findings when there was no base to compare with). */
  fresh: Finding[];
  /** Findings already on the base. */
  existing: Finding[];
  /** The findings were split against a base: show "This branch" and "Already on <base>". */
  compared: boolean;
  /** "main" */
  baseRef?: string;
  /**
   * Set when the area's checks need the base branch and there was none (Restricted Mode runs no
   * git, not a repository...): the reason. "No findings" would then claim a comparison never made.
   */
  notCompared?: string;
}

export function areaView(report: Report, area: Area): AreaView {
  const fs = report.findings.filter((f) => f.area === area);
  const compared = !!report.baseline?.compared;
  const view: AreaView = {
    fresh: fs.filter((f) => f.baseline !== 'existing'),
    existing: fs.filter((f) => f.baseline === 'existing'),
    compared,
    baseRef: report.facts.base?.ref,
  };
  // The API contract is a diff against the base: without one only the schema files themselves are read.
  if (area === 'api' && report.facts.apiSchemas.length && !report.facts.apiSchemas.some((s) => s.hasBase) && !report.facts.base) {
    view.notCompared = report.baseline?.reason ?? 'no base branch to compare with';
  }
  if (!fs.length) {
    if (area === 'api' && !report.facts.apiSchemas.length) view.nothingToCheck = 'no API schema in the repository';
    else if (area === 'env' && !report.facts.envVars.length) view.nothingToCheck = 'no environment variable read in the code or deployment config';
    else if (area === 'migration' && !report.facts.migrations.length) view.nothingToCheck = compared ? 'no migration added or changed on this branch' : 'no migrations in the repository';
  }
  return view;
}

/** The verdict's tooltip: counts with the baseline split, then each blocker with its next action. */
export function verdictTooltip(report: Report, checklist?: readonly ChecklistItem[], verdict: Verdict = report.verdict, max = 8): string {
  const lines = [`${verdictLabel(verdict)}: ${verdictCounts(report)}`];
  const { blockers, more } = blockersOf(report, checklist, max);
  if (blockers.length) {
    lines.push(verdict === 'blocked' || blockers.some((b) => b.level === 'error') ? 'Blockers:' : 'To review:');
    for (const b of blockers) lines.push(`• ${b.title} → ${b.action}`);
    if (more) lines.push(`and ${more} more`);
  }
  if (report.baseline && !report.baseline.compared) lines.push(`Every finding counts as new: ${report.baseline.reason ?? 'no base to compare with'}.`);
  return lines.join('\n');
}
