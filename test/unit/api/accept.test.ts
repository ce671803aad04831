import * as assert from 'node:assert/strict';
import { acceptEdit } from '../../../src/core/api/accept';
import { OASDIFF_LEVELS } from '../../../src/core/api/oasdiff-ids';
import { openApiRules } from '../../../src/core/api/rules';
import { defaultConfig, parseConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { applyEdits, branchRepo, removeTree } from '../helpers';

const spec = (props: string) => `openapi: 3.0.3
info: { title: Shop, version: 1.0.0 }
paths:
  /orders/{id}:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
${props}`;
const BASE = spec('                  id: { type: string }\n                  total: { type: integer }\n');
const HEAD = spec('                  id: { type: string }\n');

describe('api: accepting a breaking change on purpose', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('writes an api.accepted entry that the config reads back, into a missing, a plain and an existing config', () => {
    const entry = { fingerprint: 'abc123def456', rule: 'api/property-removed', reason: 'mobile app 3.2 no longer reads it: "total"', expires: '2030-01-01' };
    const configs: (string | undefined)[] = [
      undefined,
      'failOn: warning\n',
      'failOn: error\napi:\n  schemas: [api/*.yaml]\nrules:\n  api/enum-changed: off\n',
      'api:\n  accepted:\n    - fingerprint: "000000000000"\n      rule: api/path-removed\n      reason: old\nbase: main\n',
      'api:\n  accepted: []\n',
    ];
    for (const before of configs) {
      const edit = acceptEdit('.deploy-readiness.yaml', before, entry);
      assert.equal(edit.create ?? false, before === undefined);
      const after = applyEdits(before ?? '', [edit]);
      const loaded = parseConfig(after);
      assert.deepEqual(loaded.problems, [], `${after}`);
      const got = loaded.config.api.accepted.find((a) => a.fingerprint === entry.fingerprint);
      assert.deepEqual(got, entry, after);
      const parsedBefore = parseConfig(before ?? '').config;
      assert.equal(loaded.config.failOn, parsedBefore.failOn);
      assert.deepEqual(loaded.config.rules, parsedBefore.rules);
      assert.equal(loaded.config.api.accepted.length, parsedBefore.api.accepted.length + 1);
    }
  });

  it('writes the entry at the right place in a CRLF config, and appends at the editor end of a CR-only one', () => {
    const entry = { fingerprint: 'abc123def456', rule: 'api/property-removed', reason: 'agreed' };
    // yaml reads a CR-only file as one line (not valid YAML here): the entry goes after the last editor line
    const cr = 'failOn: error\rbase: main';
    assert.deepEqual(acceptEdit('.deploy-readiness.yaml', cr, entry).range.start, { line: 1, character: 10 });
    for (const eol of ['\r\n']) {
      const before = ['failOn: error', 'api:', '  accepted:', '    - fingerprint: "000000000000"', '      rule: api/path-removed', '      reason: old', 'base: main', ''].join(eol);
      const after = applyEdits(before, [acceptEdit('.deploy-readiness.yaml', before, entry)]);
      const loaded = parseConfig(after);
      assert.deepEqual(loaded.problems, [], JSON.stringify(after));
      assert.deepEqual(loaded.config.api.accepted.map((a) => a.fingerprint), ['000000000000', 'abc123def456'], JSON.stringify(after));
      assert.equal(loaded.config.base, 'main');
    }
  });

  it('an accepted change drops to info and stays info under a severity override; an expired one fires again', async () => {
    const dir = branchRepo({ 'api/openapi.yaml': BASE }, { 'api/openapi.yaml': HEAD });
    dirs.push(dir);
    const run = async (config = defaultConfig()) => (await (await Workspace.open({ root: dir, config })).analyze()).findings.filter((f) => f.ruleId === 'api/property-removed');
    const [f] = await run();
    assert.equal(f.severity, 'warning', 'an optional response property removed is a warning, as in oasdiff');
    const fp = String(f.data!.fingerprint);
    const config = defaultConfig();
    config.api.accepted = [{ fingerprint: fp, rule: 'api/property-removed', reason: 'nobody reads total' }];
    config.rules['api/property-removed'] = 'error';
    const [accepted] = await run(config);
    assert.equal(accepted.severity, 'info');
    assert.equal(accepted.data?.accepted, true);
    assert.match(accepted.message, /Accepted: nobody reads total/);
    config.api.accepted[0].expires = '2001-01-01';
    const [expired] = await run(config);
    assert.equal(expired.severity, 'error', 'the override applies again once the acceptance expired');
    assert.match(expired.message, /expired on 2001-01-01/);
    // The fingerprint does not depend on line numbers: an unrelated edit above keeps it.
    const moved = branchRepo({ 'api/openapi.yaml': BASE }, { 'api/openapi.yaml': HEAD.replace('paths:', '# a comment\n\npaths:') });
    dirs.push(moved);
    const again = (await (await Workspace.open({ root: moved, config: defaultConfig() })).analyze()).findings.find((x) => x.ruleId === 'api/property-removed');
    assert.equal(again?.data?.fingerprint, fp);
  });

  it('maps every oasdiff ERR and WARN check to a specific rule', () => {
    const covered = new Set(openApiRules.filter((r) => r.id !== 'api/other-change').flatMap((r) => r.equivalents?.oasdiff ?? []));
    const missing = [...OASDIFF_LEVELS].filter(([id, lvl]) => lvl !== 'INFO' && !covered.has(id)).map(([id]) => id);
    assert.deepEqual(missing, []);
    const all = openApiRules.flatMap((r) => r.equivalents?.oasdiff ?? []);
    assert.equal(new Set(all).size, all.length, 'each oasdiff id belongs to one rule');
  });
});

describe('api: workspace analysis against the merge base', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('reads $ref\'d files at the merge base too, and reports a change made only in the referenced file there, once for the two specs using it', async () => {
    const root = `openapi: 3.0.3
info: { title: Pets, version: 1.0.0 }
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: 'schemas/pet.yaml#/Pet' }
`;
    const pet = (status: string) => `Pet:
  type: object
  properties:
    name: { type: string }
    status: { type: string, enum: [${status}] }
`;
    const dir = branchRepo(
      { 'api/openapi.yaml': root, 'api/v2.yaml': root.replace('/pets:', '/v2/pets:'), 'api/schemas/pet.yaml': pet('available, sold') },
      { 'api/schemas/pet.yaml': pet('available, sold, lost') },
    );
    dirs.push(dir);
    const ws = await Workspace.open({ root: dir, config: defaultConfig() });
    const report = await ws.analyze();
    const api = report.findings.filter((f) => f.area === 'api');
    assert.deepEqual(api.map((f) => [f.file, f.ruleId, f.severity, f.range.start.line]), [['api/schemas/pet.yaml', 'api/enum-changed', 'warning', 4]]);
    assert.equal(api[0].related?.[0].file, 'api/schemas/pet.yaml');
    assert.ok(ws.affectsWorkspace('api/schemas/pet.yaml'), 'editing the referenced file re-runs the analysis of its root');
  });
});
