import type { AnalysisContext } from '../analyzer';
import type { CommitInfo } from '../git';
import type { DeployFacts, FlagFact, MigrationFact, Report } from '../model';
import { parseRemote, type RemoteRepo } from '../github/client';

/**
 * What the rollback plan, the runbook and the checklist render: the report's facts (filled by
 * the analyzers; nothing here parses a file) plus who is deploying, the remote and the commits
 * since the base, from git. Rendering is pure.
 */
export interface PlanMigration extends MigrationFact {
  /** Locks taken, from the migration findings. */
  locks: string[];
}

/** Commits since the base, summarised when there are many. */
export interface History {
  /** Number of commits since the base. */
  total: number;
  /** Commits per area of the files they touch (a commit counts once per area). */
  byArea: { area: string; commits: number }[];
  /** Commits that touch migrations, configuration or API schemas (newest first, at most 20). */
  notable: { hash: string; subject: string; areas: string[] }[];
}

export interface PlanFacts {
  branch?: string;
  headCommit?: string;
  base?: { ref: string; commit: string };
  migrations: PlanMigration[];
  envVars: { name: string; files: string[] }[];
  apiBreaking: { file: string; message: string }[];
  flags: FlagFact[];
  /** False when flags could not be compared with the base (no base). */
  flagsCompared: boolean;
  sourceChanged: boolean;
  deploy: DeployFacts;
  smoke: { command: string; source: string }[];
  health: { path: string; file: string }[];
  /** Newest first. */
  commits: CommitInfo[];
  history?: History;
  user?: string;
  remote?: RemoteRepo;
  remoteUrl?: string;
}

/** The plan facts of a report, without git: pure. */
export function planFactsOf(report: Report): PlanFacts {
  const f = report.facts;
  // A migration edited after it reached the base does not run again where it ran: never listed for reversal.
  const editedInPlace = new Set(report.findings.filter((x) => x.ruleId === 'migration/edited-after-deploy').map((x) => x.file));
  const migrations: PlanMigration[] = f.migrations
    .filter((m) => m.direction !== 'down' && !/\.down\.sql$/i.test(m.file) && (m.isNew || !f.base || m.reversibility !== undefined) && !editedInPlace.has(m.file))
    .map((m) => ({ ...m, locks: [...new Set(report.findings.filter((x) => x.file === m.file && typeof x.data?.lock === 'string').map((x) => String(x.data!.lock)))] }))
    .sort((a, b) => a.file.localeCompare(b.file));
  return {
    branch: f.head?.branch,
    headCommit: f.head?.commit,
    base: f.base,
    migrations,
    envVars: f.envVars.filter((v) => v.isNew).map((v) => ({ name: v.name, files: [...v.files].sort() })).sort((a, b) => a.name.localeCompare(b.name)),
    apiBreaking: report.findings.filter((x) => x.area === 'api' && x.severity === 'error').map((x) => ({ file: x.file, message: x.message })),
    flags: f.flags ?? [],
    flagsCompared: f.flagsCompared ?? false,
    sourceChanged: f.sourceChanged ?? false,
    deploy: f.deploy ?? { targets: [] },
    smoke: f.smoke ?? [],
    health: f.health ?? [],
    commits: [],
  };
}

const AREA_OF: [RegExp, string][] = [
  [/(^|\/)(migrations?|migrate|alembic|db\/migrate)\//i, 'migrations'],
  [/(^|\/)\.github\/|(^|\/)\.gitlab-ci\.yml$|(^|\/)Jenkinsfile$|(^|\/)\.circleci\//i, 'CI'],
  [/(^|\/)(openapi|swagger)[^/]*\.(ya?ml|json)$|\.(graphql|gql|proto)$/i, 'API'],
  [/(^|\/)(\.env[^/]*|[^/]*\.(ya?ml|toml|ini|conf)|Dockerfile|docker-compose[^/]*|Procfile|fly\.toml|Chart\.yaml)$/i, 'config'],
  [/(^|\/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|Gemfile(\.lock)?|requirements[^/]*\.txt|poetry\.lock|go\.(mod|sum)|Cargo\.(toml|lock))$/i, 'dependencies'],
  [/(^|\/)(tests?|spec|__tests__)\/|[._-](test|spec)\.[a-z]+$/i, 'tests'],
  [/\.(md|rst|adoc|txt)$|(^|\/)docs?\//i, 'docs'],
];

function areaOf(file: string): string {
  for (const [re, a] of AREA_OF) if (re.test(file)) return a;
  return 'code';
}

/** Commit history since the base, with the files of each commit (one git process). */
async function history(ctx: AnalysisContext, commits: CommitInfo[]): Promise<History | undefined> {
  if (!ctx.git || !ctx.trusted || !ctx.base || commits.length === 0) return undefined;
  // Read with the base snapshot when the CLI asked for it (and kept in its report cache), else now.
  const files = ctx.base.commitFiles ?? (await ctx.git.commitFiles(ctx.base.commit).catch(() => new Map<string, string[]>()));
  const counts = new Map<string, number>();
  const notable: History['notable'] = [];
  for (const c of commits) {
    const areas = [...new Set((files.get(c.hash) ?? []).map(areaOf))].sort();
    for (const a of areas) counts.set(a, (counts.get(a) ?? 0) + 1);
    const key = areas.filter((a) => a === 'migrations' || a === 'config' || a === 'API');
    if (key.length && notable.length < 20) notable.push({ hash: c.hash, subject: c.subject, areas: key });
  }
  return { total: commits.length, byArea: [...counts].map(([area, n]) => ({ area, commits: n })).sort((a, b) => b.commits - a.commits || a.area.localeCompare(b.area)), notable };
}

/** The plan facts of the analysed workspace: the report's facts plus git (user, remote, commits). Runs no git in Restricted Mode. */
export async function gatherPlanFacts(ctx: AnalysisContext, report: Report): Promise<PlanFacts> {
  const key = `plan-facts:${report.facts.head?.commit ?? ''}:${report.findings.length}`;
  const cached = ctx.cache.get(key) as PlanFacts | undefined;
  if (cached) return cached;
  const facts = planFactsOf(report);
  facts.commits = ctx.base?.commits ?? [];
  if (ctx.git && ctx.trusted) {
    // Independent git reads, at once.
    const [{ user, originUrl }, hist] = await Promise.all([ctx.git.userAndOrigin(), facts.commits.length > 10 ? history(ctx, facts.commits) : undefined]);
    facts.user = user;
    facts.remoteUrl = originUrl;
    facts.remote = facts.remoteUrl ? parseRemote(facts.remoteUrl) : undefined;
    if (hist) facts.history = hist;
  }
  ctx.cache.set(key, facts);
  return facts;
}
