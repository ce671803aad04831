import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the GitHub REST endpoints Deploy Readiness uses, on loopback, with
 * GitHub's status codes, error bodies, rate-limit headers and the 65,536-character body limit.
 */
export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  headRef: string;
  headSha: string;
  baseRef: string;
  state: 'open' | 'closed';
}

export interface FakeGithubState {
  owner: string;
  repo: string;
  token: string;
  pulls: FakePull[];
  statuses: Record<string, { context: string; state: string }[]>;
  checkRuns: Record<string, { name: string; status: string; conclusion: string | null }[]>;
  /** Answer every request with this status (403 scope, 403 rate limit...). */
  failWith?: { status: number; message: string; headers?: Record<string, string> };
  /** Called after a pull is read by number: simulates someone editing the description meanwhile. */
  afterGetPull?: (p: FakePull) => void;
  /** Answer pulls by number without a `body` field (a proxy or API change that drops it). */
  omitBody?: boolean;
  requests: { method: string; url: string; body?: string }[];
}

export interface FakeGithub {
  url: string;
  state: FakeGithubState;
  close(): Promise<void>;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-GitHub-Media-Type': 'github.v3', 'X-RateLimit-Limit': '5000', 'X-RateLimit-Remaining': '4999', ...headers });
  res.end(JSON.stringify(body));
}

function pullJson(s: FakeGithubState, base: string, p: FakePull) {
  return {
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state,
    html_url: `https://github.com/${s.owner}/${s.repo}/pull/${p.number}`,
    url: `${base}/repos/${s.owner}/${s.repo}/pulls/${p.number}`,
    head: { ref: p.headRef, sha: p.headSha, label: `${s.owner}:${p.headRef}` },
    base: { ref: p.baseRef },
    updated_at: '2026-01-01T00:00:00Z',
  };
}

export async function startFakeGithub(init: Partial<FakeGithubState> = {}): Promise<FakeGithub> {
  const state: FakeGithubState = { owner: 'acme', repo: 'shop', token: 'good-token', pulls: [], statuses: {}, checkRuns: {}, requests: [], ...init };
  let base = '';
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', body: raw || undefined });
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.headers.authorization !== `Bearer ${state.token}`) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      if (state.failWith) return json(res, state.failWith.status, { message: state.failWith.message }, state.failWith.headers);
      const m = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(url.pathname);
      if (!m || m[1] !== state.owner || m[2] !== state.repo) return json(res, 404, { message: 'Not Found' });
      const rest = m[3];
      let mm: RegExpExecArray | null;
      if (rest === 'pulls' && req.method === 'GET') {
        const head = url.searchParams.get('head') ?? '';
        const st = url.searchParams.get('state') ?? 'open';
        const list = state.pulls.filter((p) => (st === 'all' || p.state === st) && (!head || `${state.owner}:${p.headRef}` === head));
        return json(res, 200, list.map((p) => pullJson(state, base, p)));
      }
      if ((mm = /^pulls\/(\d+)$/.exec(rest))) {
        const p = state.pulls.find((x) => x.number === Number(mm![1]));
        if (!p) return json(res, 404, { message: 'Not Found' });
        if (req.method === 'GET') {
          const out: Record<string, unknown> = pullJson(state, base, p);
          if (state.omitBody) delete out.body;
          state.afterGetPull?.(p);
          return json(res, 200, out);
        }
        if (req.method === 'PATCH') {
          let body: { body?: unknown };
          try {
            body = JSON.parse(raw) as { body?: unknown };
          } catch {
            return json(res, 400, { message: 'Problems parsing JSON' });
          }
          if (typeof body.body === 'string' && [...body.body].length > 65536) {
            return json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
          }
          if (typeof body.body === 'string') p.body = body.body;
          return json(res, 200, pullJson(state, base, p));
        }
      }
      if ((mm = /^commits\/([0-9a-f]+)\/status$/.exec(rest))) {
        const list = state.statuses[mm[1]] ?? [];
        const combined = list.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : list.some((s) => s.state === 'pending') || !list.length ? 'pending' : 'success';
        return json(res, 200, { state: combined, sha: mm[1], total_count: list.length, statuses: list });
      }
      if ((mm = /^commits\/([0-9a-f]+)\/check-runs$/.exec(rest))) {
        const all = state.checkRuns[mm[1]] ?? [];
        const per = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return json(res, 200, { total_count: all.length, check_runs: all.slice((page - 1) * per, page * per) });
      }
      return json(res, 404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    state,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** One request the code under test tried to make, with the token it carried. */
export interface Attempt {
  url: string;
  method: string;
  authorization?: string;
}

/**
 * A `fetch` for the code under test that never leaves the machine: a URL under one of `routes`'
 * keys (e.g. `https://api.github.com`) is sent to the local server given as its value; any other
 * URL is recorded and refused as a network error. Every attempt is logged in `attempts`.
 */
export function routedFetch(routes: Record<string, string>, attempts: Attempt[] = []): typeof fetch & { attempts: Attempt[] } {
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const auth = new Headers(init?.headers).get('authorization') ?? undefined;
    attempts.push({ url, method: init?.method ?? 'GET', authorization: auth });
    for (const [from, to] of Object.entries(routes)) {
      if (url === from || url.startsWith(from + '/') || url.startsWith(from + '?')) return fetch(to + url.slice(from.length), init);
    }
    throw new TypeError('fetch failed', { cause: new Error(`test network: ${new URL(url).host} is not reachable`) });
  }) as typeof fetch & { attempts: Attempt[] };
  f.attempts = attempts;
  return f;
}
