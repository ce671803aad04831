import type { AnalysisContext } from '../analyzer';
import { apiUrlFor, GitHubClient, type RemoteRepo } from '../github/client';
import type { Report } from '../model';
import { gatherPlanFacts, type PlanFacts } from '../plan/facts';
import { checklistVerdict, computeChecklist, type Checklist, type ChecklistInput, type Tick } from './items';

export interface ChecklistOptions {
  /** GitHub token (VS Code session, GITHUB_TOKEN/GH_TOKEN). Without one GitHub is not contacted. */
  token?: string;
  fetch?: typeof fetch;
  now?: Date;
  ticks?: Record<string, Tick>;
}

/** Is this remote on GitHub (github.com, or the Enterprise host of the configured API URL)? */
export function githubRemote(remote: RemoteRepo | undefined, apiUrl: string): boolean {
  if (!remote) return false;
  if (remote.host === 'github.com') return true;
  if (!apiUrl) return /github/i.test(remote.host);
  try {
    return new URL(apiUrl).hostname.replace(/^api\./, '') === remote.host.replace(/^api\./, '');
  } catch {
    return false;
  }
}

export function clientFor(facts: PlanFacts, apiUrl: string, token: string | undefined, f?: typeof fetch): GitHubClient | undefined {
  if (!token || !facts.remote || !githubRemote(facts.remote, apiUrl)) return undefined;
  return new GitHubClient({ apiUrl: apiUrlFor(facts.remote, apiUrl), token, fetch: f });
}

/**
 * Computes the checklist for the analysed workspace: git (behind the base), GitHub (CI on the
 * head commit, the PR's rollback section) when a token is given and the workspace is trusted.
 */
export async function buildChecklist(ctx: AnalysisContext, report: Report, opts: ChecklistOptions = {}): Promise<Checklist & { facts: PlanFacts }> {
  const settings = ctx.config.checklist;
  const facts = await gatherPlanFacts(ctx, report);
  const input: ChecklistInput = {
    report,
    settings,
    trusted: ctx.trusted,
    now: opts.now ?? new Date(),
    status: ctx.status,
    ticks: opts.ticks ?? {},
    codeChanged: facts.sourceChanged,
    destructive: facts.migrations.map((m) => ({ file: m.file, ops: m.destructive ?? [] })),
    flags: facts.flagsCompared ? { added: facts.flags, sourceChanged: facts.sourceChanged } : undefined,
  };
  if (ctx.trusted && ctx.git && report.facts.base) {
    const n = Number((await ctx.git.raw(['rev-list', '--count', `HEAD..${report.facts.base.ref}`]).catch(() => '')).trim());
    input.behindBase = Number.isFinite(n) && String(n) !== '' ? n : undefined;
  }
  if (ctx.trusted) {
    const client = clientFor(facts, settings.githubApiUrl, opts.token, opts.fetch);
    if (opts.token && !client) {
      const why = facts.remote ? `origin (${facts.remote.host}) is not a GitHub repository; set checklist.githubApiUrl for GitHub Enterprise` : 'no origin remote to find the repository on GitHub';
      input.ci = { ok: false, reason: why };
      input.pr = { ok: false, reason: why };
    } else if (client && facts.remote) {
      const remote = facts.remote;
      const head = report.facts.head?.commit;
      const [ci, pr] = await Promise.all([
        head ? client.ciState(remote, head).then((value) => ({ ok: true as const, value }), (e: Error) => ({ ok: false as const, reason: e.message })) : undefined,
        facts.branch
          ? client.findPullRequest(remote, facts.branch).then(
              (p) => ({ ok: true as const, value: p ? { number: p.number, url: p.url, body: p.body } : null }),
              (e: Error) => ({ ok: false as const, reason: e.message }),
            )
          : { ok: false as const, reason: 'detached HEAD: no branch to find a pull request for' },
      ]);
      input.ci = ci;
      input.pr = pr;
    }
  }
  const items = computeChecklist(input);
  return { items, verdict: checklistVerdict(items, report.verdict), branch: facts.branch, facts };
}
