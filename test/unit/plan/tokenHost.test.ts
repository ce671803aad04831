import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../../src/cli/main';
import { silentLogger } from '../../../src/core/analyzer';
import { parseConfig } from '../../../src/core/config';
import { githubApiFor, parseEnterpriseUrl } from '../../../src/core/github/client';
import { AnalysisService } from '../../../src/core/service';
import { branchRepo, git, scratchDirs } from '../helpers';
import { routedFetch, startFakeGithub, type Attempt, type FakeGithub } from './fakeGithub';

/**
 * Issue 12 (critical): the GitHub token goes only to api.github.com for a github.com origin, or to
 * the Enterprise host the user configured (never the repository), over https, and only when the
 * origin is on that host. A capture server on loopback shows that nothing else receives it.
 */
interface Capture {
  url: string;
  requests: { method: string; url: string; authorization?: string }[];
  close(): Promise<void>;
}

async function startCapture(): Promise<Capture> {
  const requests: Capture['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const TOKEN = 'secret-token-12';

/** A fetch for the code under test: api.github.com (and the routes given) reach the fake GitHub; loopback URLs really go out (to the capture server); anything else fails. */
function netFor(gh: FakeGithub, attempts: Attempt[], extra: Record<string, string> = {}): typeof fetch {
  const routed = routedFetch({ 'https://api.github.com': gh.url, ...extra }, attempts);
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).hostname === '127.0.0.1') {
      attempts.push({ url, method: init?.method ?? 'GET', authorization: new Headers(init?.headers).get('authorization') ?? undefined });
      return fetch(input, init);
    }
    return routed(input, init);
  }) as typeof fetch;
}

async function cli(args: string[], cwd: string, env: Record<string, string>, f: typeof fetch): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd, isTTY: false, env: { GITHUB_TOKEN: TOKEN, ...env }, fetch: f });
  return { code, stdout, stderr };
}

const COMMANDS = [['checklist', '--now', '2026-03-03T10:00:00Z'], ['rollback-plan'], ['rollback-plan', '--write-pr'], ['runbook', '--out', '-', '--now', '2026-03-03T10:00:00Z']];

describe('the GitHub token never goes to a host the repository names', function () {
  this.timeout(180_000);
  const scratch = scratchDirs();
  let capture: Capture;
  let gh: FakeGithub;
  before(async () => {
    capture = await startCapture();
    gh = await startFakeGithub({ token: TOKEN, pulls: [{ number: 7, title: 'Feature', body: 'Why: speed.', headRef: 'feature', headSha: 'x', baseRef: 'main', state: 'open' }] });
  });
  after(async () => {
    await capture.close();
    await gh.close();
  });
  beforeEach(() => {
    capture.requests.length = 0;
    gh.state.requests.length = 0;
  });

  function repoWith(origin: string, config?: string): string {
    const dir = scratch.keep(branchRepo({ 'a.ts': 'export const a = 1;\n' }, { 'db/migrations/001_a.up.sql': 'CREATE TABLE a (id int);\n', ...(config ? { '.deploy-readiness.yaml': config } : {}) }));
    git(dir, 'remote', 'add', 'origin', origin);
    return dir;
  }

  it('checklist.githubApiUrl in the repository is a config error naming the file, the line and where the setting moved; nothing is contacted', async () => {
    const dir = repoWith('git@github.com:acme/shop.git', `checklist:\n  rollback:\n    notify: ["#deploys"]\n  githubApiUrl: ${capture.url}/x\n`);
    for (const args of COMMANDS) {
      const attempts: Attempt[] = [];
      const r = await cli(args, dir, {}, netFor(gh, attempts));
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /\.deploy-readiness\.yaml: checklist\.githubApiUrl: no longer read from the repository.*deployReadiness\.githubEnterpriseUrl.*GITHUB_API_URL.*--github-api-url.*\(line 4\)/);
      assert.deepEqual(attempts, [], args.join(' '));
    }
    assert.deepEqual(capture.requests, []);
    const parsed = parseConfig(`checklist:\n  githubApiUrl: ${capture.url}\n`);
    assert.equal(parsed.problems.length, 1);
    assert.deepEqual([parsed.problems[0].range.start.line, parsed.problems[0].range.start.character, parsed.problems[0].range.end.character], [1, 2, 14], 'the key is underlined');
  });

  it('a github.com origin: every request, the PATCH included, goes to https://api.github.com, whatever the user-level URLs say', async () => {
    const dir = repoWith('git@github.com:acme/shop.git');
    const attempts: Attempt[] = [];
    for (const args of COMMANDS) {
      const r = await cli([...args, '--github-api-url', `https://127.0.0.1:${new URL(capture.url).port}/api/v3`], dir, { GITHUB_API_URL: `${capture.url}/api/v3` }, netFor(gh, attempts));
      assert.equal(r.code === 0 || r.code === 1, true, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.ok(attempts.some((a) => a.method === 'PATCH'), 'the plan was written');
    assert.match(gh.state.pulls[0].body ?? '', /deploy-readiness:rollback/);
    for (const a of attempts) assert.ok(a.url.startsWith('https://api.github.com/repos/acme/shop/'), a.url);
    assert.deepEqual(capture.requests, []);
  });

  it('an origin on another host (even one named like GitHub) gets no token without the user naming that host', async () => {
    for (const origin of ['https://github.evil.example/acme/shop.git', `${capture.url}/acme/shop.git`, 'git@gitlab.com:acme/shop.git']) {
      const dir = repoWith(origin);
      const attempts: Attempt[] = [];
      for (const args of COMMANDS) await cli(args, dir, {}, netFor(gh, attempts));
      const r = await cli(['checklist', '--format', 'json', '--now', '2026-03-03T10:00:00Z'], dir, {}, netFor(gh, attempts));
      const ci = (JSON.parse(r.stdout).items as { id: string; reason: string }[]).find((i) => i.id === 'ci-green')!;
      assert.match(ci.reason, /not on github\.com; for GitHub Enterprise set the user setting deployReadiness\.githubEnterpriseUrl/);
      assert.deepEqual(attempts, [], origin);
    }
    assert.deepEqual(capture.requests, []);
  });

  it('GitHub Enterprise: only from GITHUB_API_URL or --github-api-url, https only, and only for the origin on that host', async () => {
    const dir = repoWith('git@ghe.corp.example:acme/shop.git');
    const routes = { 'https://ghe.corp.example/api/v3': gh.url };
    let attempts: Attempt[] = [];
    let r = await cli(['rollback-plan', '--write-pr'], dir, { GITHUB_API_URL: 'https://ghe.corp.example/api/v3' }, netFor(gh, attempts, routes));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(attempts.length > 0 && attempts.every((a) => a.url.startsWith('https://ghe.corp.example/api/v3/repos/acme/shop/')), JSON.stringify(attempts));
    attempts = [];
    r = await cli(['checklist'], dir, {}, netFor(gh, attempts, routes));
    assert.equal(attempts.length, 0, 'no Enterprise URL given: nothing is contacted');
    r = await cli(['checklist', '--github-api-url', 'https://ghe.corp.example'], dir, {}, netFor(gh, attempts, routes));
    assert.ok(attempts.length > 0 && attempts.every((a) => a.url.startsWith('https://ghe.corp.example/api/v3/')), 'https://HOST means HOST/api/v3');
    attempts = [];
    r = await cli(['checklist', '--format', 'json'], dir, { GITHUB_API_URL: 'https://other.example/api/v3' }, netFor(gh, attempts, routes));
    assert.match(JSON.parse(r.stdout).items.find((i: { id: string }) => i.id === 'ci-green').reason, /neither github\.com nor the GitHub Enterprise host other\.example/);
    r = await cli(['checklist', '--format', 'json'], dir, { GITHUB_API_URL: 'http://ghe.corp.example/api/v3' }, netFor(gh, attempts, routes));
    assert.match(JSON.parse(r.stdout).items.find((i: { id: string }) => i.id === 'ci-green').reason, /is not https/);
    assert.deepEqual(attempts, [], 'another host, or plain http: nothing is contacted');
    r = await cli(['checklist', '--github-api-url', 'http://ghe.corp.example/api/v3'], dir, {}, netFor(gh, attempts, routes));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--github-api-url: .*not https/);
    assert.deepEqual(capture.requests, []);
  });

  it("the extension's client (the analysis worker) is held to the same rule", async () => {
    const dir = repoWith('https://github.com/acme/shop.git');
    const attempts: Attempt[] = [];
    const service = new AnalysisService(silentLogger, netFor(gh, attempts));
    const loaded = parseConfig(`checklist:\n  githubApiUrl: ${capture.url}\n`);
    assert.ok(loaded.problems.length, 'the editor shows the config error');
    await service.call('open', { root: dir, config: loaded.config, trusted: true, overlays: {} });
    const ent = `https://127.0.0.1:${new URL(capture.url).port}`;
    await service.call('checklist', { token: TOKEN, enterpriseUrl: ent, ticks: {} });
    const plan = await service.call('rollbackPlan', { token: TOKEN, enterpriseUrl: ent, write: true });
    assert.ok(plan.published?.status !== 'failed', JSON.stringify(plan));
    await service.call('runbook', { token: TOKEN, enterpriseUrl: ent, ticks: {} });
    assert.ok(attempts.length > 0);
    for (const a of attempts) assert.ok(a.url.startsWith('https://api.github.com/'), a.url);
    assert.deepEqual(capture.requests, []);
    // A workspace in another folder: the editor's Enterprise URL applies only to its own host.
    const other = repoWith(`${capture.url}/acme/shop.git`);
    const service2 = new AnalysisService(silentLogger, netFor(gh, attempts));
    await service2.call('open', { root: other, config: parseConfig('').config, trusted: true, overlays: {} });
    await service2.call('rollbackPlan', { token: TOKEN, enterpriseUrl: `http://127.0.0.1:${new URL(capture.url).port}`, write: true });
    assert.deepEqual(capture.requests, [], 'plain http is never used, even for the matching host');
  });

  it('githubApiFor: the decision table', () => {
    const gh = { host: 'github.com', owner: 'a', repo: 'b' };
    const ghe = { host: 'ghe.corp.example', owner: 'a', repo: 'b' };
    assert.deepEqual(githubApiFor(gh), { apiUrl: 'https://api.github.com' });
    assert.deepEqual(githubApiFor(gh, 'https://ghe.corp.example/api/v3'), { apiUrl: 'https://api.github.com' });
    assert.deepEqual(githubApiFor(ghe, 'https://ghe.corp.example/api/v3/'), { apiUrl: 'https://ghe.corp.example/api/v3' });
    assert.deepEqual(githubApiFor(ghe, 'https://GHE.corp.example'), { apiUrl: 'https://ghe.corp.example/api/v3' });
    assert.deepEqual(githubApiFor({ host: 'acme.ghe.com', owner: 'a', repo: 'b' }, 'https://api.acme.ghe.com'), { apiUrl: 'https://api.acme.ghe.com' });
    assert.ok('problem' in githubApiFor(ghe));
    assert.ok('problem' in githubApiFor(ghe, 'http://ghe.corp.example/api/v3'));
    assert.ok('problem' in githubApiFor(ghe, 'https://evil.example/api/v3'));
    assert.ok('problem' in githubApiFor({ host: 'github.com.evil.example', owner: 'a', repo: 'b' }));
    assert.ok('problem' in parseEnterpriseUrl('https://user:pw@ghe.corp.example/api/v3'));
    assert.ok('problem' in parseEnterpriseUrl('not a url'));
  });
});
