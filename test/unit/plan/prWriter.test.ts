import * as assert from 'node:assert/strict';
import { GitHubClient, GitHubError } from '../../../src/core/github/client';
import { publishRollbackPlan } from '../../../src/core/plan/rollback';
import { extractSection, fencedRanges, findSection, ROLLBACK_END, ROLLBACK_START } from '../../../src/core/plan/section';
import { startFakeGithub, type FakeGithub } from './fakeGithub';

/** Issue 12 (PR writer): fenced examples are not the section; a missing body field is not an empty body; a concurrent edit is never overwritten. */
const repo = { host: 'github.com', owner: 'acme', repo: 'shop' };
const EXAMPLE = `How to keep a plan in your PR:\n\n\`\`\`md\n${ROLLBACK_START}\nyour plan here\n${ROLLBACK_END}\n\`\`\`\n`;

describe('PR writer against the fake GitHub', () => {
  let gh: FakeGithub;
  let client: GitHubClient;
  const pull = (body: string | null) => ({ number: 9, title: 'T', body, headRef: 'feature', headSha: 'x', baseRef: 'main', state: 'open' as const });
  afterEach(() => gh.close());
  async function start(body: string | null) {
    gh = await startFakeGithub({ pulls: [pull(body)] });
    client = new GitHubClient({ apiUrl: gh.url, token: 'good-token' });
  }
  const patches = () => gh.state.requests.filter((r) => r.method === 'PATCH').length;

  it("markers inside a fenced code block are the author's example: kept byte for byte, the real section is written after it", async () => {
    await start(EXAMPLE);
    const r = await publishRollbackPlan(client, repo, 'feature', '## Rollback plan\nthe real one');
    assert.equal(r.status, 'updated');
    const body = gh.state.pulls[0].body!;
    assert.ok(body.startsWith(EXAMPLE), 'the example is untouched');
    assert.match(body.slice(EXAMPLE.length), /the real one/);
    // Next run: the real section (outside the fence) is the one replaced.
    await publishRollbackPlan(client, repo, 'feature', '## Rollback plan\nthe second one');
    const again = gh.state.pulls[0].body!;
    assert.ok(again.startsWith(EXAMPLE));
    assert.doesNotMatch(again, /the real one/);
    assert.equal(extractSection(again)?.trim(), '## Rollback plan\nthe second one');
  });

  it('a tilde fence, an indented fence and a longer closing fence are fences; a stale real section after them is replaced', async () => {
    const tilde = `~~~~\n${ROLLBACK_START}\nexample\n${ROLLBACK_END}\n~~~~~\n`;
    const indented = `   \`\`\`\n${ROLLBACK_START}x${ROLLBACK_END}\n   \`\`\`\n`;
    const real = `${ROLLBACK_START}\nstale\n${ROLLBACK_END}\n`;
    await start(`${tilde}\n${indented}\n${real}`);
    await publishRollbackPlan(client, repo, 'feature', 'fresh');
    const body = gh.state.pulls[0].body!;
    assert.ok(body.startsWith(`${tilde}\n${indented}\n`));
    assert.doesNotMatch(body, /stale/);
    assert.equal(extractSection(body)?.trim(), 'fresh');
    assert.deepEqual(fencedRanges('a\n```\nx\n'), [[2, 8]], 'an unclosed fence runs to the end');
    assert.equal(findSection(`\`\`\`\n${ROLLBACK_START}\n\`\`\`\n${ROLLBACK_END}`), undefined, 'a start inside a fence does not pair with an end outside it');
  });

  it('a GET without a body field is refused: nothing is written', async () => {
    await start('The author wrote this.');
    gh.state.omitBody = true;
    await assert.rejects(publishRollbackPlan(client, repo, 'feature', 'plan'), (e: GitHubError) => /no description field/.test(e.message));
    assert.equal(patches(), 0);
    assert.equal(gh.state.pulls[0].body, 'The author wrote this.');
  });

  it('a null body is an empty description and gets the section', async () => {
    await start(null);
    assert.equal((await publishRollbackPlan(client, repo, 'feature', 'plan')).status, 'updated');
    assert.ok(gh.state.pulls[0].body!.startsWith(ROLLBACK_START));
  });

  it('re-reads just before the PATCH: an edit between the read and the write is kept', async () => {
    await start('Original text.');
    let reads = 0;
    gh.state.afterGetPull = (p) => {
      if (reads++ === 0) p.body = 'Edited by a reviewer meanwhile.';
    };
    assert.equal((await publishRollbackPlan(client, repo, 'feature', 'plan')).status, 'updated');
    assert.ok(gh.state.pulls[0].body!.startsWith('Edited by a reviewer meanwhile.\n\n' + ROLLBACK_START), gh.state.pulls[0].body!);
    assert.equal(patches(), 1);
  });

  it('a description that keeps changing is not written at all', async () => {
    await start('Original text.');
    let n = 0;
    gh.state.afterGetPull = (p) => {
      p.body = `Edit ${++n}`;
    };
    await assert.rejects(publishRollbackPlan(client, repo, 'feature', 'plan'), (e: GitHubError) => /kept changing/.test(e.message));
    assert.equal(patches(), 0);
  });
});
