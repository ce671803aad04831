/**
 * A small GitHub REST client on Node's fetch: the few endpoints Deploy Readiness uses (pull
 * requests by head branch, get/update a pull request, combined status and check runs of a commit).
 * No editor types; the token is passed in (VS Code session, or GITHUB_TOKEN/GH_TOKEN in the CLI).
 */

export interface RemoteRepo {
  host: string;
  owner: string;
  repo: string;
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  url: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  updatedAt: string;
}

export type CiState = 'success' | 'failure' | 'pending' | 'none';

export interface CiResult {
  state: CiState;
  /** Names of failing or pending contexts/checks, for the reason. */
  failing: string[];
  pending: string[];
  total: number;
}

/** GitHub's limit on a pull request body, in characters. */
export const BODY_LIMIT = 65_536;

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** owner/repo from a git remote URL (https, ssh, scp-like); undefined when it is not parseable. */
export function parseRemote(url: string): RemoteRepo | undefined {
  const u = url.trim();
  if (!u.includes('://')) {
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):\/?([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(u); // git@host:owner/repo.git
    return scp ? { host: scp[1].toLowerCase(), owner: scp[2], repo: scp[3] } : undefined;
  }
  try {
    const parsed = new URL(u);
    const parts = parsed.pathname.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '').split('/');
    if (parts.length < 2 || !parts[parts.length - 2] || !parts[parts.length - 1]) return undefined;
    return { host: parsed.hostname.toLowerCase(), owner: parts[parts.length - 2], repo: parts[parts.length - 1] };
  } catch {
    return undefined;
  }
}

/** The public GitHub REST API: the only host a github.com repository's token goes to. */
export const GITHUB_API = 'https://api.github.com';

/** Where the GitHub token may be sent for a repository, or why it is not sent anywhere. */
export type GithubApiTarget = { apiUrl: string } | { problem: string };

/** Where a GitHub Enterprise URL can be set: never the repository. */
export const ENTERPRISE_SOURCES = 'the user setting deployReadiness.githubEnterpriseUrl, GITHUB_API_URL in the environment, or --github-api-url';

/**
 * A GitHub Enterprise API URL given by the user (setting, environment, flag): https only, no
 * credentials, query or fragment. `https://HOST` means `https://HOST/api/v3` (Enterprise Server).
 */
export function parseEnterpriseUrl(raw: string): { apiUrl: string; host: string } | { problem: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { problem: `the GitHub Enterprise URL "${raw}" is not a URL` };
  }
  if (u.protocol !== 'https:') return { problem: `the GitHub Enterprise URL ${u.origin} is not https: the token is only sent over https` };
  if (u.username || u.password || u.search || u.hash) return { problem: 'the GitHub Enterprise URL must not carry credentials, a query or a fragment' };
  const host = u.hostname.toLowerCase();
  let pathname = u.pathname.replace(/\/+$/, '');
  if (!pathname && !host.startsWith('api.')) pathname = '/api/v3';
  return { apiUrl: `https://${u.host.toLowerCase()}${pathname}`, host };
}

/**
 * The REST API for the origin remote. The repository never chooses it: github.com goes to
 * api.github.com; any other host only when the user-level Enterprise URL names that same host
 * (`HOST` or `api.HOST`), over https. Otherwise the token is sent nowhere.
 */
export function githubApiFor(remote: RemoteRepo | undefined, enterpriseUrl?: string): GithubApiTarget {
  if (!remote) return { problem: 'no origin remote: the repository on GitHub is not known' };
  const host = remote.host.toLowerCase();
  if (host === 'github.com' || host === 'www.github.com') return { apiUrl: GITHUB_API };
  if (!enterpriseUrl?.trim()) return { problem: `origin (${remote.host}) is not on github.com; for GitHub Enterprise set ${ENTERPRISE_SOURCES}` };
  const ent = parseEnterpriseUrl(enterpriseUrl);
  if ('problem' in ent) return ent;
  if (ent.host !== host && ent.host !== `api.${host}`) return { problem: `origin (${remote.host}) is neither github.com nor the GitHub Enterprise host ${ent.host}: the token is not sent` };
  return { apiUrl: ent.apiUrl };
}

/** The user's GitHub Enterprise URL for the CLI: --github-api-url, then GITHUB_API_URL (as GitHub Actions sets it). */
export function enterpriseUrlFrom(flag: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  return flag?.trim() || env.GITHUB_API_URL?.trim() || undefined;
}

/** A token from the environment (CLI): GITHUB_TOKEN, then GH_TOKEN. */
export function tokenFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.GITHUB_TOKEN || env.GH_TOKEN || undefined;
}

interface RawPull {
  number: number;
  title: string;
  body: string | null;
  html_url: string;
  head: { sha: string; ref: string };
  base: { ref: string };
  updated_at: string;
}

function toPull(p: RawPull): PullRequest {
  return { number: p.number, title: p.title, body: p.body ?? '', url: p.html_url, headSha: p.head.sha, headRef: p.head.ref, baseRef: p.base.ref, updatedAt: p.updated_at };
}

export interface GitHubClientOptions {
  apiUrl: string;
  token?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Milliseconds before a request is abandoned (default 15 s). */
  timeoutMs?: number;
}

export class GitHubClient {
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly opts: GitHubClientOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
  }

  get authenticated(): boolean {
    return !!this.opts.token;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<{ data: T; headers: Headers }> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'deploy-readiness',
    };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 15_000);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await this.fetchImpl(this.opts.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (e) {
      const err = e as Error;
      const why = err.name === 'TimeoutError' ? 'timed out' : (((err as { cause?: Error }).cause?.message ?? err.message) || 'network error');
      throw new GitHubError(`GitHub is not reachable at ${this.opts.apiUrl} (${why})`, 0);
    }
    if (!res.ok) throw await this.errorOf(res, method, path);
    const text = await res.text();
    return { data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  private async errorOf(res: Response, method: string, path: string): Promise<GitHubError> {
    let detail = '';
    try {
      const j = (await res.json()) as { message?: string; errors?: { message?: string; field?: string; code?: string }[] };
      detail = [j.message, ...(j.errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' '))].filter(Boolean).join('; ');
    } catch {
      detail = res.statusText;
    }
    const what = `${method} ${path}`;
    switch (res.status) {
      case 401:
        return new GitHubError(`GitHub rejected the token (401${detail ? `: ${detail}` : ''}): sign in to GitHub again, or set GITHUB_TOKEN to a valid token.`, 401);
      case 403: {
        if (res.headers.get('x-ratelimit-remaining') === '0') {
          const reset = Number(res.headers.get('x-ratelimit-reset'));
          const at = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
          return new GitHubError(`GitHub's API rate limit is exhausted${at} (403).`, 403);
        }
        return new GitHubError(`GitHub refused ${what} (403${detail ? `: ${detail}` : ''}): the token needs the "repo" scope (or pull-request write access) on this repository.`, 403);
      }
      case 404:
        return new GitHubError(`GitHub answered 404 for ${what}: the repository does not exist or the token cannot see it (private repositories need the "repo" scope).`, 404);
      case 422:
        return new GitHubError(`GitHub did not accept the change (422${detail ? `: ${detail}` : ''}).`, 422);
      default:
        return new GitHubError(`GitHub answered ${res.status} for ${what}${detail ? `: ${detail}` : ''}.`, res.status);
    }
  }

  /** The open pull request whose head is `owner:branch` (undefined when there is none). */
  async findPullRequest(r: RemoteRepo, branch: string): Promise<PullRequest | undefined> {
    const q = `?state=open&head=${encodeURIComponent(`${r.owner}:${branch}`)}&per_page=10`;
    const { data } = await this.request<RawPull[]>('GET', `/repos/${enc(r.owner)}/${enc(r.repo)}/pulls${q}`);
    return data.length ? toPull(data[0]) : undefined;
  }

  /** One pull request by number; refuses an answer without a `body` field (null is an empty description, a missing field is unknown). */
  async getPullRequest(r: RemoteRepo, n: number): Promise<PullRequest> {
    const { data } = await this.request<RawPull>('GET', `/repos/${enc(r.owner)}/${enc(r.repo)}/pulls/${n}`);
    if (!data || typeof data !== 'object' || !Object.hasOwn(data, 'body') || (data.body !== null && typeof data.body !== 'string')) {
      throw new GitHubError(`GitHub's answer for pull request #${n} has no description field: not written, so the description is not replaced.`, 0);
    }
    return toPull(data);
  }

  async updatePullRequestBody(r: RemoteRepo, n: number, body: string): Promise<PullRequest> {
    if (charLength(body) > BODY_LIMIT) {
      throw new GitHubError(`The pull request description would be ${charLength(body)} characters, over GitHub's limit of ${BODY_LIMIT}: shorten the description or the rollback plan.`, 422);
    }
    const { data } = await this.request<RawPull>('PATCH', `/repos/${enc(r.owner)}/${enc(r.repo)}/pulls/${n}`, { body });
    return toPull(data);
  }

  /** Combined commit statuses and check runs of one commit, reduced to one state. */
  async ciState(r: RemoteRepo, sha: string): Promise<CiResult> {
    const base = `/repos/${enc(r.owner)}/${enc(r.repo)}/commits/${enc(sha)}`;
    const { data: status } = await this.request<{ state: string; statuses: { context: string; state: string }[] }>('GET', `${base}/status?per_page=100`);
    const runs: { name: string; status: string; conclusion: string | null }[] = [];
    for (let page = 1; page <= 10; page++) {
      const { data } = await this.request<{ total_count: number; check_runs: { name: string; status: string; conclusion: string | null }[] }>(
        'GET',
        `${base}/check-runs?per_page=100&page=${page}`,
      );
      runs.push(...data.check_runs);
      if (runs.length >= data.total_count || data.check_runs.length === 0) break;
    }
    return combineCi(status.statuses ?? [], runs);
  }
}

/** Reduces commit statuses and check runs to one state: any failure fails, any pending is pending. */
export function combineCi(statuses: { context: string; state: string }[], runs: { name: string; status: string; conclusion: string | null }[]): CiResult {
  const failing: string[] = [];
  const pending: string[] = [];
  for (const s of statuses) {
    if (s.state === 'failure' || s.state === 'error') failing.push(s.context);
    else if (s.state === 'pending') pending.push(s.context);
  }
  for (const c of runs) {
    if (c.status !== 'completed') pending.push(c.name);
    else if (!['success', 'neutral', 'skipped'].includes(c.conclusion ?? '')) failing.push(c.name);
  }
  const total = statuses.length + runs.length;
  const state: CiState = failing.length ? 'failure' : pending.length ? 'pending' : total ? 'success' : 'none';
  return { state, failing: [...new Set(failing)].sort(), pending: [...new Set(pending)].sort(), total };
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Length in Unicode code points (how GitHub counts the body limit, not UTF-16 units). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
