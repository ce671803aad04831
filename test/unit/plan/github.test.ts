import * as assert from 'node:assert/strict';
import { combineCi, githubApiFor, GitHubClient, GitHubError, parseRemote } from '../../../src/core/github/client';
import { publishRollbackPlan } from '../../../src/core/plan/rollback';
import { extractSection, ROLLBACK_START } from '../../../src/core/plan/section';
import { startFakeGithub, type FakeGithub } from './fakeGithub';

const repo = { host: 'github.com', owner: 'acme', repo: 'shop' };
const SHA = 'a'.repeat(40);

describe('GitHub client against a local GitHub stand-in', () => {
  let gh: FakeGithub;
  let client: GitHubClient;
  beforeEach(async () => {
    gh = await startFakeGithub({
      pulls: [
        { number: 7, title: 'Checkout v2', body: 'Adds checkout v2.\r\n\r\nCloses #3', headRef: 'feature/checkout', headSha: SHA, baseRef: 'main', state: 'open' },
        { number: 5, title: 'Old', body: null, headRef: 'old', headSha: SHA, baseRef: 'main', state: 'closed' },
      ],
    });
    client = new GitHubClient({ apiUrl: gh.url, token: 'good-token' });
  });
  afterEach(() => gh.close());

  it('finds the open pull request of a branch, and none for a branch without one', async () => {
    const pr = await client.findPullRequest(repo, 'feature/checkout');
    assert.equal(pr?.number, 7);
    assert.equal(pr?.headSha, SHA);
    assert.equal(await client.findPullRequest(repo, 'old'), undefined, 'closed pull requests do not count');
    assert.match(gh.state.requests[0].url, /head=acme%3Afeature%2Fcheckout/);
  });

  it('writes the section into the PR, keeps the author text byte for byte, and is idempotent', async () => {
    const r = await publishRollbackPlan(client, repo, 'feature/checkout', '## Rollback plan\n1. kubectl rollout undo deployment/api -n prod');
    assert.equal(r.status, 'updated');
    const body = gh.state.pulls[0].body!;
    assert.ok(body.startsWith('Adds checkout v2.\r\n\r\nCloses #3\r\n\r\n' + ROLLBACK_START + '\r\n'), 'CRLF body stays CRLF');
    assert.match(extractSection(body)!, /kubectl rollout undo/);
    const again = await publishRollbackPlan(client, repo, 'feature/checkout', '## Rollback plan\n1. kubectl rollout undo deployment/api -n prod');
    assert.equal(again.status, 'unchanged');
    assert.equal(gh.state.requests.filter((q) => q.method === 'PATCH').length, 1);
  });

  it('re-reads the body right before writing, so an edit made meanwhile is kept', async () => {
    let edits = 0;
    // Someone edits the description after our search but before our write: the search result is stale.
    const originalFind = client.findPullRequest.bind(client);
    client.findPullRequest = async (...a) => {
      const p = await originalFind(...a);
      if (edits++ === 0) gh.state.pulls[0].body = 'Edited by a reviewer a moment ago.';
      return p;
    };
    await publishRollbackPlan(client, repo, 'feature/checkout', 'plan');
    assert.ok(gh.state.pulls[0].body!.startsWith('Edited by a reviewer a moment ago.\n\n'));
  });

  it('answers with no-pr when the branch has no open pull request', async () => {
    assert.deepEqual(await publishRollbackPlan(client, repo, 'nothing-here', 'plan'), { status: 'no-pr', branch: 'nothing-here' });
  });

  it('refuses a body over 65,536 characters before sending it, and reports GitHub\'s 422 otherwise', async () => {
    await assert.rejects(client.updatePullRequestBody(repo, 7, 'x'.repeat(65_537)), /over GitHub's limit of 65536/);
    assert.equal(gh.state.requests.filter((q) => q.method === 'PATCH').length, 0);
    // Code points, not UTF-16 units: 40,000 emoji are 80,000 units but under the limit.
    await client.updatePullRequestBody(repo, 7, '😀'.repeat(40_000));
    assert.equal(gh.state.pulls[0].body, '😀'.repeat(40_000));
  });

  it('gives clear messages for 401, 403 (scope and rate limit), 404 and 422', async () => {
    await assert.rejects(new GitHubClient({ apiUrl: gh.url, token: 'expired' }).findPullRequest(repo, 'x'), (e: GitHubError) => e.status === 401 && /rejected the token .*Bad credentials.*sign in/.test(e.message));
    await assert.rejects(client.getPullRequest({ ...repo, repo: 'secret' }, 1), (e: GitHubError) => e.status === 404 && /does not exist or the token cannot see it/.test(e.message));
    gh.state.failWith = { status: 403, message: 'Resource not accessible by integration' };
    await assert.rejects(client.getPullRequest(repo, 7), (e: GitHubError) => e.status === 403 && /needs the "repo" scope/.test(e.message) && /Resource not accessible/.test(e.message));
    gh.state.failWith = { status: 403, message: 'API rate limit exceeded', headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1800000000' } };
    await assert.rejects(client.getPullRequest(repo, 7), /rate limit is exhausted until 2027-01-15T08:00:00.000Z/);
    gh.state.failWith = { status: 422, message: 'Validation Failed' };
    await assert.rejects(client.updatePullRequestBody(repo, 7, 'x'), /did not accept the change \(422: Validation Failed\)/);
  });

  it('an unreachable server is a clear error, not a crash', async () => {
    const dead = new GitHubClient({ apiUrl: 'http://127.0.0.1:9', token: 't', timeoutMs: 2000 });
    await assert.rejects(dead.findPullRequest(repo, 'x'), /GitHub is not reachable at http:\/\/127\.0\.0\.1:9/);
  });

  it('combines commit statuses and paginated check runs of the exact head commit', async () => {
    gh.state.statuses[SHA] = [{ context: 'ci/build', state: 'success' }];
    gh.state.checkRuns[SHA] = Array.from({ length: 130 }, (_, i) => ({ name: `job-${i}`, status: 'completed', conclusion: i === 120 ? 'failure' : 'success' }));
    const ci = await client.ciState(repo, SHA);
    assert.equal(ci.state, 'failure');
    assert.deepEqual(ci.failing, ['job-120'], 'the failing run is on the second page');
    assert.equal(ci.total, 131);
    const other = 'b'.repeat(40);
    assert.equal((await client.ciState(repo, other)).state, 'none');
  });

  it('reduces states: pending beats success, skipped and neutral pass', () => {
    assert.equal(combineCi([{ context: 'a', state: 'pending' }], [{ name: 'b', status: 'completed', conclusion: 'success' }]).state, 'pending');
    assert.equal(combineCi([], [{ name: 'b', status: 'completed', conclusion: 'skipped' }, { name: 'c', status: 'completed', conclusion: 'neutral' }]).state, 'success');
    assert.equal(combineCi([{ context: 'a', state: 'error' }], []).state, 'failure');
    assert.equal(combineCi([], [{ name: 'b', status: 'completed', conclusion: 'timed_out' }]).state, 'failure');
  });

  it('parses the remotes people use and derives the API URL (github.com and Enterprise)', () => {
    assert.deepEqual(parseRemote('git@github.com:acme/shop.git'), repo);
    assert.deepEqual(parseRemote('https://github.com/acme/shop'), repo);
    assert.deepEqual(parseRemote('ssh://git@github.com/acme/shop.git'), repo);
    assert.deepEqual(parseRemote('https://user@ghe.corp.example/acme/shop.git'), { host: 'ghe.corp.example', owner: 'acme', repo: 'shop' });
    assert.equal(parseRemote('not a url'), undefined);
    assert.deepEqual(githubApiFor(repo), { apiUrl: 'https://api.github.com' });
    assert.deepEqual(githubApiFor({ host: 'ghe.corp.example', owner: 'a', repo: 'b' }, 'https://ghe.corp.example/api/v3/'), { apiUrl: 'https://ghe.corp.example/api/v3' });
  });
});
