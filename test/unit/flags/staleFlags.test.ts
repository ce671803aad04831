import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { defaultConfig } from '../../../src/core/config';
import { findFlags } from '../../../src/core/flags/detect';
import { removeTree, tempTree, writeTree } from '../helpers';
import { analyze } from '../pipeline/helpers';

const DAY = 24 * 60 * 60 * 1000;

/** Commits everything with author and committer dates `daysAgo` days in the past. */
function commitAt(dir: string, message: string, daysAgo: number): void {
  const date = new Date(Date.now() - daysAgo * DAY).toISOString();
  const env = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-qm', message], { cwd: dir, env });
}

describe('stale feature flags', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('finds flag keys in SDK calls (LaunchDarkly, Unleash, GrowthBook, OpenFeature, waffle) and nothing else', async () => {
    // Each SDK's import is in the file: a receiver with no SDK behind it is not a flag client (below).
    const imports = "import * as LaunchDarkly from '@launchdarkly/node-server-sdk'; import { initialize } from 'unleash-client'; import { GrowthBook } from '@growthbook/growthbook'; import { OpenFeature } from '@openfeature/server-sdk'; import { useFlag } from '@unleash/proxy-client-react';";
    const ts = `${imports}
const a = ldClient.variation('new-checkout', user, false);
if (unleash.isEnabled("search-v2")) {}
const b = gb.isOn('dark-mode');
const c = await client.getBooleanValue('beta-pricing', false);
const d = cache.get('not-a-flag');
const e = isEnabled(\`dyn-\${x}\`);
const f = useFlag('Sidebar.Redesign');
`;
    const reads = await findFlags('typescript', 'a.ts', ts);
    assert.deepEqual(reads.map((r) => r.key), ['new-checkout', 'search-v2', 'dark-mode', 'beta-pricing', 'Sidebar.Redesign']);
    assert.deepEqual(reads[0].range, { start: { line: 1, character: 30 }, end: { line: 1, character: 42 } });
    // the same calls in a file that imports no flag SDK are not flag reads
    assert.deepEqual(await findFlags('typescript', 'a.ts', ts.slice(imports.length)), []);
    const py = "from waffle import flag_is_active\nimport ldclient as ld\nif flag_is_active(request, 'new_onboarding'):\n    pass\nld.variation('py-flag', ctx, False)\n";
    assert.deepEqual((await findFlags('python', 'a.py', py)).map((r) => r.key), ['new_onboarding', 'py-flag']);
  });

  it('with git: a flag introduced longer ago than maxAgeDays is clean-up debt, listed with every place it is read', async () => {
    const dir = tempTree({ 'src/checkout.ts': "import * as ld from '@launchdarkly/node-server-sdk';\nexport const on = () => ld.variation('new-checkout', u, false);\n" });
    dirs.push(dir);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    commitAt(dir, 'add new-checkout flag', 90);
    writeTree(dir, {
      'src/cart.ts': "import * as ld from '@launchdarkly/node-server-sdk';\nexport const c = () => ld.variation('new-checkout', u, false);\n",
      'src/search.ts': "import { initialize } from 'unleash-client';\nexport const s = () => unleash.isEnabled('search-v2');\n",
    });
    commitAt(dir, 'add search-v2 flag', 3);
    const r = await analyze(dir, { trusted: true });
    const stale = r.findings.filter((f) => f.ruleId === 'checklist/stale-feature-flag');
    assert.equal(stale.length, 1);
    assert.equal(stale[0].data?.flag, 'new-checkout');
    assert.equal(stale[0].file, 'src/cart.ts');
    assert.deepEqual(stale[0].related?.map((l) => l.file), ['src/checkout.ts']);
    assert.match(stale[0].message, /"new-checkout" was introduced (89|90) days ago .* over the 30-day limit, and is still read in 2 places across 2 files/);

    const config = defaultConfig();
    config.checklist.staleFlags.maxAgeDays = 120;
    const relaxed = await analyze(dir, { trusted: true, config });
    assert.ok(!relaxed.findings.some((f) => f.ruleId === 'checklist/stale-feature-flag'));
    config.checklist.staleFlags.maxAgeDays = 2;
    config.checklist.staleFlags.ignore = ['new-checkout'];
    const strict = await analyze(dir, { trusted: true, config });
    assert.deepEqual(strict.findings.filter((f) => f.ruleId === 'checklist/stale-feature-flag').map((f) => f.data?.flag), ['search-v2']);
  });

  it('Restricted Mode: no git, so only flags listed as rolled out are reported, and a notice says why', async () => {
    const dir = tempTree({ 'app/flags.py': "from UnleashClient import UnleashClient\nclient = UnleashClient('https://unleash.example', 'app')\nif client.is_enabled('legacy-export'):\n    pass\nif client.is_enabled('other'):\n    pass\n" });
    dirs.push(dir);
    const config = defaultConfig();
    config.checklist.staleFlags.rolledOut = ['legacy-export'];
    const r = await analyze(dir, { trusted: false, config });
    const stale = r.findings.filter((f) => f.ruleId === 'checklist/stale-feature-flag');
    assert.deepEqual(stale.map((f) => [f.data?.flag, f.range.start.line]), [['legacy-export', 2]]);
    assert.match(stale[0].message, /fully rolled out/);
    assert.ok(r.notices.some((n) => /2 feature flags read in code; their age needs git history/.test(n.message)));
  });
});
