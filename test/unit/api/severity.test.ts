import * as assert from 'node:assert/strict';
import { diffOpenApi, loadOpenApi } from '../../../src/core/api/analyzer';
import type { ReadFn } from '../../../src/core/api/openapi';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { branchRepo, removeTree } from '../helpers';

const noFiles: ReadFn = async (rel) => ({ problem: `${rel} not found` });

const V3 = `openapi: 3.0.3
info: { title: Shop, version: 1.2.0 }
paths:
  /orders:
    get:
      responses: { '200': { description: ok } }
  /legacy:
    get:
      deprecated: true
      x-sunset: '2099-01-01'
      responses: { '200': { description: ok } }
  /old:
    get:
      deprecated: true
      responses: { '200': { description: ok } }
    delete:
      deprecated: true
      x-sunset: '2001-01-01'
      responses: { '204': { description: ok } }
`;

async function diff(base: string, head: string, deprecationDays?: number) {
  const b = await loadOpenApi('api/openapi.yaml', base, noFiles);
  const h = await loadOpenApi('api/openapi.yaml', head, noFiles);
  return diffOpenApi(b.model!, h.model!, { deprecationDays });
}

describe('api: removals of deprecated operations, accepted changes and the version rule, one API in two files', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('a removed deprecated path or operation is an error naming the deprecation, its x-sunset and api.deprecationDays', async () => {
    const head = V3.replace(/ {2}\/old:[\s\S]*$/, '').replace('version: 1.2.0', 'version: 2.0.0');
    const fs = await diff(V3, head, 90);
    const path = fs.find((f) => f.data?.change === 'api-path-removed-with-deprecation')!;
    assert.equal(path.severity, 'error');
    assert.equal(path.ruleId, 'api/path-removed');
    assert.match(path.message, /Path \/old \(GET, DELETE\) was removed; it was deprecated/);
    assert.match(path.message, /api\.deprecationDays\) asks for 90 days/);
    const op = await diff(V3, V3.replace(/ {4}delete:\n[\s\S]*$/, '').replace('version: 1.2.0', 'version: 2.0.0'));
    assert.deepEqual(op.map((f) => [f.data?.change, f.severity]), [['api-removed-with-deprecation', 'error']]);
    assert.match(op[0].message, /x-sunset 2001-01-01, which has passed/);
    // Before the sunset date: the stricter oasdiff id, still an error.
    const early = await diff(V3, V3.replace(/ {2}\/legacy:\n[\s\S]*?(?= {2}\/old:)/, '').replace('version: 1.2.0', 'version: 2.0.0'));
    assert.deepEqual(early.map((f) => [f.data?.change, f.severity]), [['api-path-removed-before-sunset', 'error']]);
  });

  it('api/version-not-bumped counts only unaccepted breaking changes and goes away when all are accepted', async () => {
    const head = V3.replace(/ {2}\/orders:\n[\s\S]*?(?= {2}\/legacy:)/, '').replace(/ {4}delete:\n[\s\S]*$/, '');
    const dir = branchRepo({ 'api/openapi.yaml': V3 }, { 'api/openapi.yaml': head });
    dirs.push(dir);
    const run = async (config = defaultConfig()) => (await (await Workspace.open({ root: dir, config })).analyze()).findings.filter((f) => f.area === 'api');
    const all = await run();
    const bump = all.find((f) => f.ruleId === 'api/version-not-bumped')!;
    assert.match(bump.message, /has 2 breaking changes/);
    const removals = all.filter((f) => f.severity === 'error');
    assert.equal(removals.length, 2);
    const config = defaultConfig();
    config.api.accepted = [{ fingerprint: String(removals[0].data!.fingerprint), rule: removals[0].ruleId, reason: 'gone on purpose' }];
    const one = await run(config);
    assert.match(one.find((f) => f.ruleId === 'api/version-not-bumped')!.message, /has 1 breaking change:/);
    config.api.accepted.push({ fingerprint: String(removals[1].data!.fingerprint), rule: removals[1].ruleId, reason: 'also on purpose' });
    const none = await run(config);
    assert.equal(none.find((f) => f.ruleId === 'api/version-not-bumped'), undefined, 'nothing left to bump for');
    assert.ok(none.filter((f) => f.data?.accepted).length === 2);
  });

  it('the same API in a Swagger 2 JSON and an OpenAPI 3 YAML: a removed path is one finding, the other file related', async () => {
    const swagger = (paths: string[]) =>
      JSON.stringify(
        {
          swagger: '2.0',
          info: { title: 'Pet Store', version: '1.0.0' },
          paths: Object.fromEntries(paths.map((p) => [p, { get: { responses: { '200': { description: 'ok' } } } }])),
        },
        null,
        2,
      ) + '\n';
    const oas3 = (paths: string[]) => `openapi: 3.0.3\ninfo: { title: Pet Store, version: 1.0.0 }\npaths:\n${paths.map((p) => `  ${p}:\n    get:\n      responses: { '200': { description: ok } }\n`).join('')}`;
    const before = ['/pets', '/pets/{id}', '/stores'];
    const after = ['/pets', '/pets/{id}'];
    const dir = branchRepo(
      { 'api/swagger.json': swagger(before), 'api/openapi.yaml': oas3(before), 'other/openapi.yaml': oas3(before).replace('Pet Store', 'Billing') },
      { 'api/swagger.json': swagger(after), 'api/openapi.yaml': oas3(after), 'other/openapi.yaml': oas3(after).replace('Pet Store', 'Billing') },
    );
    dirs.push(dir);
    const fs = (await (await Workspace.open({ root: dir, config: defaultConfig() })).analyze()).findings.filter((f) => f.ruleId === 'api/path-removed');
    // One for the Pet Store (two files), one for Billing (another API that happens to remove the same path).
    assert.equal(fs.length, 2, fs.map((f) => `${f.file}: ${f.message}`).join('\n'));
    const pet = fs.find((f) => f.file.startsWith('api/'))!;
    const other = pet.file === 'api/openapi.yaml' ? 'api/swagger.json' : 'api/openapi.yaml';
    assert.ok(pet.related?.some((r) => r.file === other && /the same change in/.test(r.message ?? '')));
    assert.deepEqual(pet.data?.alsoIn, [other]);
    assert.ok(fs.some((f) => f.file === 'other/openapi.yaml'));
  });
});
