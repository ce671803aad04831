import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { findFlags } from '../../../src/core/flags/detect';
import { branchRepo, scratchDirs } from '../helpers';

const keys = async (lang: 'typescript' | 'javascript' | 'python', text: string, clients?: string[]) => (await findFlags(lang, `src/x.${lang === 'python' ? 'py' : 'ts'}`, text, { clients })).map((f) => `${f.sdk}:${f.key}`);

describe('the one feature-flag detector (import-checked receivers)', () => {
  const { keep } = scratchDirs();

  it('cache.isEnabled("user-42") is not a flag, with or without a flag SDK imported in the file', async () => {
    assert.deepEqual(await keys('typescript', "import cache from './cache';\nif (cache.isEnabled('user-42')) {}\n"), []);
    // the file imports Unleash, but `cache` is bound to something else
    assert.deepEqual(await keys('typescript', "import { initialize } from 'unleash-client';\nimport cache from './cache';\nconst lru = new Map();\ncache.isEnabled('user-42');\nlru.isEnabled('user-43');\nunleash.isEnabled('real-flag');\n"), ['Unleash:real-flag']);
    assert.deepEqual(await keys('python', "from myapp.cache import cache\nimport UnleashClient\ncache.is_enabled('user-42')\n"), []);
  });

  it('posthog.isFeatureEnabled("x") with posthog imported is a flag; receivers initialised from an SDK are followed', async () => {
    assert.deepEqual(await keys('typescript', "import posthog from 'posthog-js';\nif (posthog.isFeatureEnabled('x')) {}\n"), ['PostHog:x']);
    assert.deepEqual(await keys('javascript', "const { PostHog } = require('posthog-node');\nconst ph = new PostHog(key);\nawait ph.isFeatureEnabled('new-billing', 'user-1');\n"), ['PostHog:new-billing']);
    assert.deepEqual(await keys('typescript', "import * as LaunchDarkly from '@launchdarkly/node-server-sdk';\nconst ld = LaunchDarkly.init(sdkKey);\nconst on = await ld.boolVariation('checkout-v2', ctx, false);\n"), ['LaunchDarkly:checkout-v2']);
    assert.deepEqual(await keys('python', "from posthog import Posthog\nposthog = Posthog('k', host='h')\nposthog.feature_enabled('py-flag', 'user')\n"), ['PostHog:py-flag']);
    // without the import the same call is not a flag
    assert.deepEqual(await keys('typescript', "if (posthog.isFeatureEnabled('x')) {}\n"), []);
  });

  it('a configured client name counts without an import; Statsig and waffle keys come after the subject', async () => {
    assert.deepEqual(await keys('typescript', "import { flags } from '@/lib/flags';\nflags.isEnabled('beta');\n"), []);
    assert.deepEqual(await keys('typescript', "import { flags } from '@/lib/flags';\nflags.isEnabled('beta');\n", ['flags']), ['Unleash:beta']);
    assert.deepEqual(await keys('javascript', "const statsig = require('statsig-node');\nstatsig.checkGate(user, 'new_gate');\nstatsig.checkGate('client_gate');\n"), ['Statsig:new_gate', 'Statsig:client_gate']);
    assert.deepEqual(await keys('python', "from waffle import flag_is_active, switch_is_active\nflag_is_active(request, 'f1')\nswitch_is_active('s1')\n"), ['django-waffle:f1', 'django-waffle:s1']);
  });

  it('ranges are editor positions: lone CR and CRLF break lines, columns count UTF-16 units', async () => {
    const text = "import posthog from 'posthog-js';\r\n// lone CR follows\rconst é = '😀'; posthog.isFeatureEnabled('new-ui');\n";
    const [f] = await findFlags('typescript', 'a.ts', text);
    assert.deepEqual(f.range, { start: { line: 2, character: 42 }, end: { line: 2, character: 48 } });
    assert.equal(f.line, 2);
    const line = text.split(/\r\n|\r|\n/)[2];
    assert.equal(line.slice(f.range.start.character, f.range.end.character), 'new-ui');
  });

  it('the checklist and the rollback plan use it: an unimported isEnabled call on the branch is not a new flag, an imported one is', async () => {
    const dir = keep(
      branchRepo(
        { 'src/app.ts': 'export const a = 1;\n' },
        {
          'src/app.ts': "import posthog from 'posthog-js';\nimport cache from './cache';\nexport const a = posthog.isFeatureEnabled('new-onboarding') && cache.isEnabled('user-42');\n",
          'src/cache.ts': 'export default { isEnabled: (k: string) => !!k };\n',
        },
      ),
    );
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: true, baseRef: 'main' });
    const r = await ws.analyze();
    ws.close();
    assert.deepEqual(r.facts.flags?.map((f) => `${f.key} ${f.sdk} ${f.file}:${f.line + 1}`), ['new-onboarding PostHog src/app.ts:3']);
  });
});
