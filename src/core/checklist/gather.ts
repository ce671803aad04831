import type { AnalysisContext } from '../analyzer';
import { githubApiFor, GitHubClient, type RemoteRepo } from '../github/client';
import type { Report } from '../model';
import { gatherPlanFacts, type PlanFacts } from '../plan/facts';
import { checklistVerdict, computeChecklist, type Checklist, type ChecklistInput, type Tick } from './items';

export interface ChecklistOptions {
  /** GitHub token (VS Code session, GITHUB_TOKEN/GH_TOKEN). Without one GitHub is not contacted. */
  token?: string;
  /** The user's GitHub Enterprise API URL (setting, GITHUB_API_URL, --github-api-url); never from the repository. */
  enterpriseUrl?: string;
  fetch?: typeof fetch;
  now?: Date;
  ticks?: Record<string, Tick>;
}

/**
 * A client for the origin's GitHub, or why there is none. The API host comes from the origin
 * remote (github.com) or the user's Enterprise URL, never from the repository's files.
 */
export function clientFor(facts: PlanFacts, opts: { token?: string; enterpriseUrl?: string; fetch?: typeof fetch }): { client: GitHubClient; remote: RemoteRepo } | { problem: string } | undefined {
  if (!opts.token) return undefined;
  const target = githubApiFor(facts.remote, opts.enterpriseUrl);
  if ('problem' in target || !facts.remote) return { problem: 'problem' in target ? target.problem : 'no origin remote' };
  return { client: new GitHubClient({ apiUrl: target.apiUrl, token: opts.token, fetch: opts.fetch }), remote: facts.remote };
}

/**
 * Computes the checklist for the analysed workspace: git (behind the base), GitHub (CI on the
 * head commit, the PR's rollback section) when a token is given and the workspace is trusted.
 */
export async function buildChecklist(ctx: AnalysisContext, report: Report, opts: ChecklistOptions = {}): Promise<Checklist & { facts: PlanFacts }> {
  const settings = ctx.config.checklist;
  // How far behind the base the branch is: counted with the base snapshot (the CLI, which keeps it
  // in its report cache), else read while the plan facts are gathered.
  const known = ctx.base?.behind;
  const behind = known === undefined && ctx.trusted && ctx.git && report.facts.base ? ctx.git.raw(['rev-list', '--count', `HEAD..${report.facts.base.ref}`]).catch(() => '') : undefined;
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
  if (known !== undefined) input.behindBase = known;
  else if (behind) {
    const out = (await behind).trim();
    const n = Number(out);
    input.behindBase = Number.isFinite(n) && out !== '' ? n : undefined;
  }
  if (ctx.trusted) {
    const gh = clientFor(facts, opts);
    if (gh && 'problem' in gh) {
      input.ci = { ok: false, reason: gh.problem };
      input.pr = { ok: false, reason: gh.problem };
    } else if (gh) {
      const { client, remote } = gh;
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
