import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../src/core/catalog';
import { PEER_TOOLS } from '../../../src/core/rule';
import { REPO_ROOT } from '../helpers';

describe('rule catalog', () => {
  it('has unique ids of the form <area>/<kebab-name> whose area matches', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of RULES) {
      assert.match(r.id, /^(migration|env|api|checklist|engine)\/[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.equal(r.id.split('/')[0], r.area);
      assert.ok(r.summary.length > 10 && !r.summary.endsWith('.'), `${r.id} summary`);
    }
  });

  it('gives every rule a documentation page that names the rule', () => {
    for (const r of RULES) {
      const p = path.join(REPO_ROOT, r.docs);
      assert.ok(existsSync(p), `missing docs page ${r.docs}`);
      assert.ok(readFileSync(p, 'utf8').includes(r.id), `${r.docs} does not mention ${r.id}`);
    }
  });

  it('names peer-tool equivalents only with the known tool keys', () => {
    for (const r of RULES) {
      for (const [k, v] of Object.entries(r.equivalents ?? {})) {
        assert.ok((PEER_TOOLS as readonly string[]).includes(k), `${r.id}: unknown peer tool ${k}`);
        assert.ok(Array.isArray(v) && v.length > 0, `${r.id}: empty equivalents for ${k}`);
      }
    }
  });
});
