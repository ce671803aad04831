import * as assert from 'node:assert/strict';
import { findFlags as scanFlags } from '../../../src/core/flags/detect';

describe('feature-flag keys with tree-sitter', () => {
  it('finds keys of each SDK in files that import it', async () => {
    const cases: [string, 'typescript' | 'javascript' | 'python', string, string[]][] = [
      ['LaunchDarkly', 'typescript', `import * as ld from '@launchdarkly/node-server-sdk';\nconst on = await client.boolVariation('checkout-v2', ctx, false);\nconst d = await client.variationDetail("pricing", ctx, 1);`, ['checkout-v2', 'pricing']],
      ['Unleash', 'javascript', `const { initialize } = require('unleash-client');\nif (unleash.isEnabled('new-search')) {}`, ['new-search']],
      ['OpenFeature', 'typescript', `import { OpenFeature } from '@openfeature/server-sdk';\nconst v = await client.getBooleanValue('fast-path', false);`, ['fast-path']],
      ['Flagsmith', 'javascript', `import flagsmith from 'flagsmith';\nflagsmith.hasFeature('beta_banner');`, ['beta_banner']],
      ['GrowthBook', 'typescript', `import { GrowthBook } from '@growthbook/growthbook';\nif (gb.isOn('dark-mode')) {}\nconst c = gb.getFeatureValue('button-color', 'blue');`, ['dark-mode', 'button-color']],
      ['Split', 'javascript', `const { SplitFactory } = require('@splitsoftware/splitio');\nconst t = client.getTreatment('user-42', 'new_onboarding');\nconst b = client.getTreatment('browser_flag');`, ['new_onboarding', 'browser_flag']],
      ['LaunchDarkly', 'python', `import ldclient\nshow = ldclient.get().variation("py-flag", context, False)`, ['py-flag']],
    ];
    for (const [sdk, lang, text, keys] of cases) {
      const found = await scanFlags(lang, `src/x.${lang === 'python' ? 'py' : 'ts'}`, text);
      assert.deepEqual(found.map((f) => f.key), keys, sdk);
      assert.ok(found.every((f) => f.sdk === sdk), sdk);
    }
  });

  it('the same method names without an SDK import are not flags; dynamic keys are skipped', async () => {
    assert.deepEqual(await scanFlags('typescript', 'a.ts', `if (cache.isEnabled('warm')) {}\nconfig.getValue('x');`), []);
    const dyn = await scanFlags('typescript', 'a.ts', `import { init } from '@launchdarkly/node-server-sdk';\nclient.variation(name, ctx, false);\nclient.variation(\`k-\${n}\`, ctx, false);`);
    assert.deepEqual(dyn, []);
  });

  it('reports the line of the key and survives broken code', async () => {
    const f = await scanFlags('typescript', 'a.ts', `import x from 'unleash-client';\n\n\nunleash.isEnabled('late') && (;`);
    assert.deepEqual(f.map((u) => [u.key, u.line]), [['late', 3]]);
  });
});
