import type { Analyzer } from '../analyzer';
import type { Finding } from '../model';
import { zeroRange } from '../model';
import { fillPlanFacts } from '../deploy/facts';
import { checklistRules, uncommittedChanges } from './rules';
import { generatedRunbookMatcher } from './settings';

export const checklistAnalyzer: Analyzer = {
  area: 'checklist',
  rules: checklistRules,
  async analyze(ctx) {
    const out: Finding[] = [];
    await fillPlanFacts(ctx);
    // Generated runbooks are not uncommitted work (Generate Deployment Runbook writes them into the tree).
    const runbook = generatedRunbookMatcher(ctx.config.checklist.runbook.path);
    const dirty = (ctx.status?.dirty ?? []).filter((d) => !runbook(d.path));
    if (!dirty.length || !ctx.config.checklist.requireCleanTree) return out;
    const names = dirty.slice(0, 5).map((d) => d.path).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
    out.push(
      uncommittedChanges.finding({
        message: `${dirty.length} file${dirty.length === 1 ? ' has' : 's have'} uncommitted changes (${names}): commit or stash them so the deployed commit is the reviewed one.`,
        file: dirty[0].path,
        range: zeroRange,
        related: dirty.slice(1, 50).map((d) => ({ file: d.path, range: zeroRange, message: d.state })),
        data: { files: dirty.map((d) => d.path) },
      }),
    );
    return out;
  },
};
