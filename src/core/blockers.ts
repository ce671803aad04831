import type { ChecklistItem } from './checklist/items';
import { decidingFindings, type Finding, type Range, type Report } from './model';

/**
 * What stands between this change and "ready", each with its next action: the findings that
 * decide the verdict (errors block, warnings ask for review) and the required checklist items not
 * done. Every surface (CLI text, status-bar tooltip, tree) renders this one list.
 */
export interface Blocker {
  kind: 'finding' | 'checklist';
  /** "error" and failed/unticked required items block; "warning" asks for review. */
  level: 'error' | 'warning';
  /** One line: where and what. */
  title: string;
  /** The next action: the preferred quick fix, the command to run, or the file to open. */
  action: string;
  ruleId?: string;
  itemId?: string;
  file?: string;
  range?: Range;
}

const MAX_LISTED = 20;

function firstLine(s: string, max = 120): string {
  const l = s.split('\n')[0];
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

export function findingAction(f: Finding): string {
  const fix = f.fixes?.find((x) => x.isPreferred) ?? f.fixes?.[0];
  if (fix) return `quick fix: ${fix.title}`;
  return `open ${f.file}:${f.range.start.line + 1}${f.docs ? ` (see ${f.docs})` : ''}`;
}

/** The findings listed as blockers: the deciding errors, or the deciding warnings when no error decides. */
export function blockingFindings(report: Report): Finding[] {
  const deciding = decidingFindings(report);
  const errors = deciding.filter((f) => f.severity === 'error');
  return errors.length ? errors : deciding.filter((f) => f.severity === 'warning');
}

/** The required checklist items that block: failed or not ticked, and not advisory. */
export function blockingItems(checklist: readonly ChecklistItem[] = []): ChecklistItem[] {
  return checklist.filter((i) => i.required && !i.advisory && (i.state === 'fail' || i.state === 'manual'));
}

/**
 * Blockers of a report (and a checklist when given): errors first, then warnings when nothing
 * blocks (the verdict is then "review" and these are what to review). At most `max` listed;
 * `more` counts the rest.
 */
export function blockersOf(report: Report, checklist?: readonly ChecklistItem[], max = MAX_LISTED): { blockers: Blocker[]; more: number } {
  const all: Blocker[] = [];
  for (const f of blockingFindings(report)) {
    all.push({
      kind: 'finding',
      level: f.severity === 'error' ? 'error' : 'warning',
      title: `${f.file}:${f.range.start.line + 1} ${f.ruleId}: ${firstLine(f.message)}`,
      action: findingAction(f),
      ruleId: f.ruleId,
      file: f.file,
      range: f.range,
    });
  }
  for (const i of blockingItems(checklist)) {
    all.push({
      kind: 'checklist',
      level: 'error',
      title: `checklist: ${i.title} (${i.state === 'fail' ? firstLine(i.reason) : 'not ticked'})`,
      action: i.tickable ? `when done: deploy-readiness checklist --tick ${i.id}` : firstLine(i.reason),
      itemId: i.id,
    });
  }
  all.sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
  return { blockers: all.slice(0, max), more: Math.max(0, all.length - max) };
}
