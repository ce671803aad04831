import * as assert from 'node:assert/strict';
import * as jsyaml from 'js-yaml';
import { diffOpenApi, loadOpenApi } from '../../../src/core/api/analyzer';
import type { ReadFn } from '../../../src/core/api/openapi';
import type { Finding } from '../../../src/core/model';
import { stripeSpec } from '../helpers';

const noFiles: ReadFn = async (rel) => ({ problem: `${rel} not found` });
const filesOf =
  (files: Record<string, string>): ReadFn =>
  async (rel) =>
    files[rel] !== undefined ? { text: files[rel] } : { problem: `${rel} not found` };

async function diff(base: string, head: string, opts: { files?: Record<string, string>; includeInfo?: boolean; headName?: string } = {}): Promise<Finding[]> {
  const read = opts.files ? filesOf(opts.files) : noFiles;
  const b = await loadOpenApi('api/openapi.yaml', base, read);
  const h = await loadOpenApi(opts.headName ?? 'api/openapi.yaml', head, read);
  assert.ok(b.model && h.model, 'both sides load');
  return diffOpenApi(b.model, h.model, { includeInfo: opts.includeInfo, baseLabel: 'main@abc1234' });
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

const BASE = `openapi: 3.0.3
info: { title: Shop, version: 1.2.0 }
paths:
  /orders:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewOrder' }
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Order' }
  /orders/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: expand, in: query, schema: { type: string } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Order' }
    delete:
      responses: { '204': { description: gone } }
components:
  schemas:
    NewOrder:
      type: object
      required: [sku]
      properties:
        sku: { type: string, maxLength: 64 }
        note: { type: string }
        channel: { type: string, enum: [web, app, phone] }
    Order:
      type: object
      required: [id, total, status]
      properties:
        id: { type: string }
        total: { type: integer }
        status: { type: string, enum: [open, paid] }
        coupon: { type: string, nullable: true }
`;

describe('api: OpenAPI contract diff', () => {
  it('finds nothing when a spec is compared with itself, or with a copy whose $refs are inlined and nullable written the 3.1 way', async () => {
    assert.deepEqual(await diff(BASE, BASE), []);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML fixture edited in place
    const doc = jsyaml.load(BASE) as Record<string, any>;
    const schemas = doc.components.schemas;
    const inline = structuredClone(doc);
    inline.openapi = '3.1.0';
    inline.paths['/orders'].post.requestBody.content['application/json'].schema = structuredClone(schemas.NewOrder);
    inline.paths['/orders/{id}'].get.responses['200'].content['application/json'].schema = structuredClone(schemas.Order);
    inline.components.schemas.Order.properties.coupon = { type: ['string', 'null'] };
    inline.paths['/orders'].post.responses['201'].content['application/json'].schema = { $ref: '#/components/schemas/Order' };
    assert.deepEqual(await diff(BASE, JSON.stringify(inline, null, 2), { headName: 'api/openapi.json' }), []);
  });

  it('reports a removed required response property at the properties key that lost it, with the base location, once for every operation using the schema', async () => {
    const head = BASE.replace('required: [id, total, status]', 'required: [id, status]').replace('        total: { type: integer }\n', '');
    const fs = await diff(BASE, head);
    const removed = fs.filter((f) => f.data?.oasdiff === 'response-required-property-removed');
    assert.equal(removed.length, 1, JSON.stringify(fs.map((f) => f.message)));
    const f = removed[0];
    assert.equal(f.ruleId, 'api/property-removed');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /schema Order property total/);
    const propsLine = head.split('\n').findIndex((l, i) => i > lineOf(head, '    Order:') && l.trim() === 'properties:');
    assert.equal(f.range.start.line, propsLine);
    assert.equal(f.related?.[0].revision, 'main@abc1234');
    assert.equal(f.related?.[0].range.start.line, lineOf(BASE, 'total: { type: integer }'));
    assert.match(String(f.data?.fingerprint), /^[0-9a-f]{12}$/);
  });

  it('applies request/response direction: a request enum value removed and a response enum value added, a new required request property, a response property made nullable', async () => {
    const head = BASE.replace('version: 1.2.0', 'version: 2.0.0')
      .replace('enum: [web, app, phone]', 'enum: [web, app]')
      .replace('enum: [open, paid]', 'enum: [open, paid, refunded]')
      .replace('required: [sku]', 'required: [sku, note]')
      .replace('total: { type: integer }', 'total: { type: integer, nullable: true }');
    const fs = await diff(BASE, head);
    const by = (id: string) => fs.find((f) => f.data?.oasdiff === id);
    assert.equal(by('request-property-enum-value-removed')?.severity, 'error');
    assert.match(by('request-property-enum-value-removed')!.message, /"phone"/);
    assert.equal(by('request-property-enum-value-removed')!.range.start.line, lineOf(head, 'channel:'));
    assert.equal(by('response-property-enum-value-added')?.severity, 'warning');
    assert.equal(by('request-property-became-required')?.severity, 'error');
    assert.equal(by('response-property-became-nullable')?.severity, 'error');
    assert.equal(fs.length, 4, fs.map((f) => f.data?.change).join(', '));
  });

  it('reports removed paths, operations and parameters, and a new required parameter, located in the head file', async () => {
    const head = BASE.replace('version: 1.2.0', 'version: 2.0.0')
      .replace('    delete:\n      responses: { \'204\': { description: gone } }\n', '')
      .replace("        - { name: expand, in: query, schema: { type: string } }\n", "        - { name: tenant, in: header, required: true, schema: { type: string } }\n")
      .replace(/  \/orders:\n    post:[\s\S]*?(?=  \/orders\/\{id\})/, '');
    const fs = await diff(BASE, head);
    const ids = fs.map((f) => f.data?.oasdiff).sort();
    assert.deepEqual(ids, ['api-path-removed-without-deprecation', 'api-removed-without-deprecation', 'new-required-request-parameter', 'request-parameter-removed']);
    const path = fs.find((f) => f.ruleId === 'api/path-removed')!;
    assert.equal(path.range.start.line, lineOf(head, 'paths:'));
    assert.equal(path.related?.[0].range.start.line, lineOf(BASE, '  /orders:'));
    assert.equal(fs.find((f) => f.ruleId === 'api/parameter-removed')!.severity, 'warning');
  });

  it('reports a deprecated operation removed after its sunset as an error that names the deprecation (a removal is a removal)', async () => {
    const base = BASE.replace("    delete:\n", "    delete:\n      deprecated: true\n      x-sunset: '2001-01-01'\n");
    const head = BASE.replace("    delete:\n      responses: { '204': { description: gone } }\n", '');
    const fs = (await diff(base, head)).filter((f) => f.data?.oasdiff === 'api-removed-with-deprecation');
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'error');
    assert.match(fs[0].message, /deprecated with x-sunset 2001-01-01, which has passed/);
  });

  it('enforces api.deprecationDays on new deprecations only when set', async () => {
    const head = BASE.replace("    delete:\n", "    delete:\n      deprecated: true\n").replace("version: 1.2.0", "version: 2.0.0");
    assert.deepEqual(await diff(BASE, head), []);
    const b = await loadOpenApi('api/openapi.yaml', BASE, noFiles);
    const h = await loadOpenApi('api/openapi.yaml', head, noFiles);
    const fs = diffOpenApi(b.model!, h.model!, { deprecationDays: 90 });
    assert.deepEqual(fs.map((f) => [f.ruleId, f.data?.oasdiff, f.range.start.line]), [['api/deprecation-policy', 'api-deprecated-sunset-missing', lineOf(head, 'deprecated: true')]]);
  });

  it('reports more required scopes as an error (oasdiff: INFO); fewer scopes only with includeInfo', async () => {
    const base = BASE.replace("    delete:\n", "    delete:\n      security: [{ oauth: [orders.read] }]\n");
    const head = BASE.replace("    delete:\n", "    delete:\n      security: [{ oauth: [orders.read, orders.admin] }]\n");
    const fs = (await diff(base, head)).filter((f) => f.ruleId === 'api/security-changed');
    assert.deepEqual(fs.map((f) => [f.ruleId, f.severity, f.data?.oasdiff]), [['api/security-changed', 'error', 'api-security-scope-added']]);
    assert.equal(fs[0].range.start.line, lineOf(head, 'security:'));
    assert.deepEqual(await diff(head, base), []);
    const info = await diff(head, base, { includeInfo: true });
    assert.deepEqual(info.map((f) => [f.severity, f.data?.oasdiff]), [['info', 'api-security-scope-removed']]);
  });

  it('compares request constraints and types by direction', async () => {
    const head = BASE.replace('sku: { type: string, maxLength: 64 }', 'sku: { type: string, maxLength: 32, pattern: "^[A-Z]+$" }').replace('id: { type: string }\n        total', 'id: { type: integer }\n        total');
    const fs = await diff(BASE, head);
    assert.ok(fs.some((f) => f.data?.oasdiff === 'request-property-max-length-decreased' && f.ruleId === 'api/constraint-changed'));
    assert.ok(fs.some((f) => f.data?.oasdiff === 'request-property-pattern-added'));
    assert.ok(fs.some((f) => f.data?.oasdiff === 'response-property-type-changed' && /string to integer/.test(f.message)));
  });

  it('follows relative-file $refs, reports changes in the referenced file, and ends on circular schemas', async () => {
    const root = (v: string) => `openapi: 3.1.0
info: { title: T, version: ${v} }
paths:
  /nodes:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: './schemas/node.yaml#/Node' }
`;
    const node = (extra: string) => `Node:
  type: object
  required: [name${extra}]
  properties:
    name: { type: string }
    children:
      type: array
      items: { $ref: '#/Node' }
    parent: { $ref: '#/Node' }
`;
    const b = await loadOpenApi('api/openapi.yaml', root('1.0.0'), filesOf({ 'api/schemas/node.yaml': node(', parent') }));
    const h = await loadOpenApi('api/openapi.yaml', root('1.1.0'), filesOf({ 'api/schemas/node.yaml': node('') }));
    assert.deepEqual(h.set.problems, []);
    const fs = diffOpenApi(b.model!, h.model!);
    assert.equal(fs.length, 2, fs.map((f) => f.message).join('\n'));
    const opt = fs.find((f) => f.data?.oasdiff === 'response-property-became-optional')!;
    assert.equal(opt.file, 'api/schemas/node.yaml');
    assert.equal(opt.range.start.line, 6 - 1 + 3);
    const bump = fs.find((f) => f.ruleId === 'api/version-not-bumped')!;
    assert.equal(bump.file, 'api/openapi.yaml');
    assert.equal(bump.range.start.line, 1);
  });

  it('reports unresolvable, remote and out-of-workspace $refs at the $ref, and still compares the rest', async () => {
    const text = BASE.replace("schema: { $ref: '#/components/schemas/NewOrder' }", "schema: { $ref: '#/components/schemas/Missing' }")
      .replace("              schema: { $ref: '#/components/schemas/Order' }\n  /orders/{id}", "              schema: { $ref: 'https://example.com/order.yaml' }\n  /orders/{id}")
      .replace("schema: { type: string } }\n        - { name: expand", "schema: { $ref: '../../../etc/passwd' } }\n        - { name: expand");
    const h = await loadOpenApi('api/openapi.yaml', text, noFiles);
    const msgs = h.set.problems.map((p) => `${p.range.start.line}:${p.message}`);
    assert.equal(h.set.problems.length, 3, msgs.join('\n'));
    assert.ok(h.set.problems.some((p) => /Missing cannot be resolved/.test(p.message) && p.range.start.line === lineOf(text, 'Missing')));
    assert.ok(h.set.problems.some((p) => /not fetched/.test(p.message)));
    assert.ok(h.set.problems.some((p) => /leaves the workspace/.test(p.message)));
    const b = await loadOpenApi('api/openapi.yaml', BASE, noFiles);
    const fs = diffOpenApi(b.model!, h.model!);
    assert.ok(fs.length >= 0);
  });

  it('reports invalid YAML and JSON at a position inside the file, never past the end of a line', async () => {
    for (const [name, text] of [
      ['a.yaml', 'openapi: 3.0.0\npaths:\n  /x: [\n'],
      ['a.json', '{"openapi": "3.0.0",\n "paths": {"/x": }\n}'],
      ['a.yaml', 'openapi: 3.0.0\n' + '['.repeat(2000) + ']'.repeat(2000)],
    ]) {
      const r = await loadOpenApi(name, text, noFiles);
      assert.equal(r.model, undefined);
      assert.ok(r.set.problems.length >= 1, name);
      const lines = text.split('\n');
      for (const p of r.set.problems) {
        assert.ok(p.range.start.line < lines.length, p.message);
        assert.ok(p.range.end.character <= lines[p.range.end.line].length, `${name}: ${p.message} ${JSON.stringify(p.range)}`);
        assert.match(p.message, /does not parse/);
      }
    }
  });

  it('reads Swagger 2.0 into the same model: a 2.0 spec and its 3.0 translation do not differ', async () => {
    const swagger = `swagger: '2.0'
info: { title: Pets, version: '1' }
consumes: [application/json]
produces: [application/json]
paths:
  /pets:
    post:
      parameters:
        - { name: body, in: body, required: true, schema: { $ref: '#/definitions/Pet' } }
        - { name: limit, in: query, type: integer, maximum: 50 }
      responses:
        '200': { description: ok, schema: { $ref: '#/definitions/Pet' } }
definitions:
  Pet: { type: object, required: [name], properties: { name: { type: string } } }
`;
    const oas3 = `openapi: 3.0.3
info: { title: Pets, version: '1' }
paths:
  /pets:
    post:
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 50 } }
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
components:
  schemas:
    Pet: { type: object, required: [name], properties: { name: { type: string } } }
`;
    assert.deepEqual(await diff(swagger, oas3), []);
    const tightened = await diff(swagger, oas3.replace('maximum: 50', 'maximum: 20'));
    assert.deepEqual(tightened.map((f) => f.data?.oasdiff), ['request-parameter-max-decreased', 'api-major-version-not-bumped']);
  });

  it('Stripe: the spec against itself yields nothing; ten months apart yields real breaking changes, each reported once', async function () {
    this.timeout(120000);
    const a = stripeSpec('spec3-2022-10-31-4ef45360.yaml');
    const b = stripeSpec('spec3-2023-08-09-38321b8c.yaml');
    const A = await loadOpenApi('spec3.yaml', a, noFiles);
    const B = await loadOpenApi('spec3.yaml', b, noFiles);
    assert.deepEqual(diffOpenApi(A.model!, A.model!), []);
    const fs = diffOpenApi(A.model!, B.model!);
    const fps = fs.map((f) => f.data?.fingerprint);
    assert.equal(new Set(fps).size, fps.length);
    const charges = fs.filter((f) => /schema payment_intent property charges: was removed/.test(f.message));
    assert.equal(charges.length, 1);
    assert.equal(b.split('\n')[charges[0].range.start.line].trim(), 'properties:');
    assert.ok(fs.some((f) => f.severity === 'error' && f.ruleId === 'api/path-removed'));
    const lines = b.split('\n');
    for (const f of fs) assert.ok(f.range.end.character <= lines[f.range.end.line].length);
  });
});
