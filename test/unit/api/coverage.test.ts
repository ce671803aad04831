import * as assert from 'node:assert/strict';
import { diffOpenApi, loadOpenApi } from '../../../src/core/api/analyzer';
import type { ReadFn } from '../../../src/core/api/openapi';
import type { Finding } from '../../../src/core/model';

/**
 * The change families of issue 16, written from the OpenAPI specification (2.0, 3.0, 3.1), each on
 * the request and the response side with the direction rules: narrowing what a client may send is
 * breaking, widening what it may receive is breaking.
 */

type Obj = Record<string, unknown>;
type Version = '2.0' | '3.0' | '3.1';
const ALL: Version[] = ['2.0', '3.0', '3.1'];
const V3: Version[] = ['3.0', '3.1'];

interface Shape {
  req?: Obj;
  res?: Obj;
  params?: Obj[];
  security?: unknown;
  globalSecurity?: unknown;
  schemes?: Obj;
  operationId?: string;
  bodyRequired?: boolean;
  resHeaders?: Obj;
  resTypes?: string[];
}

const ITEM: Obj = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'boolean' } } };

function spec(v: Version, s: Shape): string {
  const req = s.req ?? ITEM;
  const res = s.res ?? ITEM;
  const resTypes = s.resTypes ?? ['application/json'];
  if (v === '2.0') {
    const op: Obj = {
      ...(s.operationId ? { operationId: s.operationId } : {}),
      ...(s.security !== undefined ? { security: s.security } : {}),
      produces: resTypes,
      parameters: [...(s.params ?? []), { name: 'body', in: 'body', required: s.bodyRequired ?? false, schema: req }],
      responses: { '200': { description: 'ok', schema: res, ...(s.resHeaders ? { headers: s.resHeaders } : {}) } },
    };
    return JSON.stringify({ swagger: '2.0', info: { title: 'T', version: '1.0.0' }, ...(s.globalSecurity !== undefined ? { security: s.globalSecurity } : {}), consumes: ['application/json'], paths: { '/items': { post: op } }, ...(s.schemes ? { securityDefinitions: s.schemes } : {}) }, null, 2);
  }
  const op: Obj = {
    ...(s.operationId ? { operationId: s.operationId } : {}),
    ...(s.security !== undefined ? { security: s.security } : {}),
    ...(s.params ? { parameters: s.params } : {}),
    requestBody: { required: s.bodyRequired ?? false, content: { 'application/json': { schema: req } } },
    responses: { '200': { description: 'ok', ...(s.resHeaders ? { headers: s.resHeaders } : {}), content: Object.fromEntries(resTypes.map((t) => [t, { schema: res }])) } },
  };
  return JSON.stringify(
    { openapi: v === '3.0' ? '3.0.3' : '3.1.0', info: { title: 'T', version: '1.0.0' }, ...(s.globalSecurity !== undefined ? { security: s.globalSecurity } : {}), paths: { '/items': { post: op } }, ...(s.schemes ? { components: { securitySchemes: s.schemes } } : {}) },
    null,
    2,
  );
}

const noFiles: ReadFn = async (rel) => ({ problem: `${rel} not found` });

async function diff(v: Version, base: Shape, head: Shape): Promise<Finding[]> {
  const b = await loadOpenApi('api/openapi.yaml', spec(v, base), noFiles);
  const h = await loadOpenApi('api/openapi.yaml', spec(v, head), noFiles);
  assert.ok(b.model && h.model, `both ${v} specs load: ${JSON.stringify(h.set.problems)}`);
  return diffOpenApi(b.model, h.model, {}).filter((f) => f.ruleId !== 'api/version-not-bumped');
}

const changes = (fs: Finding[]) => fs.map((f) => `${f.data?.change}:${f.severity}`).sort();
const has = (fs: Finding[], change: string, severity: string) => assert.ok(fs.some((f) => f.data?.change === change && f.severity === severity), `expected ${change} (${severity}), got ${changes(fs).join(', ') || 'nothing'}`);

const withProp = (schema: Obj, name: string, prop: Obj): Obj => ({ ...schema, properties: { ...(schema.properties as Obj), [name]: prop } });

describe('api: change families on both sides in OpenAPI 2.0, 3.0 and 3.1', () => {
  describe('schema composition', () => {
    for (const v of V3) {
      it(`${v}: a body wrapped in oneOf is one wrap, not three removed properties (request and response)`, async () => {
        const wrapped = { oneOf: [ITEM, { type: 'object', properties: { x: { type: 'string' } } }] };
        const req = await diff(v, {}, { req: wrapped });
        assert.deepEqual(changes(req), ['request-body-wrapped-in-one-of:error']);
        const res = await diff(v, {}, { res: wrapped });
        assert.deepEqual(changes(res), ['response-body-wrapped-in-one-of:error']);
        assert.match(res[0].message, /wrapped in oneOf with 1 other branch/);
      });

      it(`${v}: a oneOf/anyOf member removed from a request and added to a response are breaking; the mirrors are not`, async () => {
        const A = { type: 'object', title: 'A', properties: { a: { type: 'string' } } };
        const B = { type: 'object', title: 'B', properties: { b: { type: 'string' } } };
        const C = { type: 'object', title: 'C', properties: { c: { type: 'string' } } };
        has(await diff(v, { req: { anyOf: [A, B] } }, { req: { anyOf: [A] } }), 'request-body-any-of-removed', 'error');
        has(await diff(v, { req: { oneOf: [A, B] } }, { req: { oneOf: [A] } }), 'request-body-one-of-removed', 'error');
        has(await diff(v, { res: { oneOf: [A, B] } }, { res: { oneOf: [A, B, C] } }), 'response-body-one-of-added', 'error');
        assert.deepEqual(await diff(v, { req: { oneOf: [A, B] } }, { req: { oneOf: [A, B, C] } }), []);
        assert.deepEqual(await diff(v, { res: { oneOf: [A, B] } }, { res: { oneOf: [A] } }), []);
      });

      it(`${v}: a discriminator property or mapping entry changed is a warning on both sides`, async () => {
        const d = (prop: string, mapping: Obj) => ({ oneOf: [{ type: 'object', title: 'Cat', properties: { kind: { type: 'string' } } }, { type: 'object', title: 'Dog', properties: { kind: { type: 'string' } } }], discriminator: { propertyName: prop, mapping } });
        const base = d('kind', { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' });
        has(await diff(v, { res: base }, { res: d('type', { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' }) }), 'response-body-discriminator-property-name-changed', 'warning');
        has(await diff(v, { req: base }, { req: d('kind', { cat: '#/components/schemas/Cat' }) }), 'request-body-discriminator-mapping-deleted', 'warning');
        has(await diff(v, { res: base }, { res: d('kind', { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Hound' }) }), 'response-body-discriminator-mapping-changed', 'warning');
      });
    }
  });

  describe('type lists and null (3.1) and nullable (3.0)', () => {
    it('3.1: a type list narrowed in a request and widened in a response are breaking, the mirrors are not', async () => {
      const p = (t: unknown) => withProp(ITEM, 'id', { type: t });
      has(await diff('3.1', { req: p(['string', 'integer']) }, { req: p('string') }), 'request-property-list-of-types-narrowed', 'error');
      has(await diff('3.1', { res: p('string') }, { res: p(['string', 'integer']) }), 'response-property-list-of-types-widened', 'error');
      assert.deepEqual(await diff('3.1', { req: p('string') }, { req: p(['string', 'integer']) }), []);
      assert.deepEqual(await diff('3.1', { res: p(['string', 'integer']) }, { res: p('string') }), []);
    });

    it('3.1 ["string", "null"] and 3.0 nullable: null added to a response and removed from a request are breaking', async () => {
      has(await diff('3.1', { res: withProp(ITEM, 'id', { type: 'string' }) }, { res: withProp(ITEM, 'id', { type: ['string', 'null'] }) }), 'response-property-became-nullable', 'error');
      has(await diff('3.1', { req: withProp(ITEM, 'id', { type: ['string', 'null'] }) }, { req: withProp(ITEM, 'id', { type: 'string' }) }), 'request-property-became-not-nullable', 'error');
      has(await diff('3.0', { res: withProp(ITEM, 'id', { type: 'string' }) }, { res: withProp(ITEM, 'id', { type: 'string', nullable: true }) }), 'response-property-became-nullable', 'error');
      // The same meaning written the 3.1 way and the 3.0 way is no change.
      assert.deepEqual(await diff('3.1', { res: withProp(ITEM, 'id', { type: ['string', 'null'] }) }, { res: withProp(ITEM, 'id', { anyOf: [{ type: 'string' }, { type: 'null' }] }) }), []);
    });
  });

  describe('constraints', () => {
    for (const v of ALL) {
      it(`${v}: bounds, pattern and enum tightened in a request or loosened in a response`, async () => {
        const p = (extra: Obj) => withProp(ITEM, 'a', { type: 'string', ...extra });
        has(await diff(v, { req: p({ maxLength: 10 }) }, { req: p({ maxLength: 5 }) }), 'request-property-max-length-decreased', 'error');
        has(await diff(v, { res: p({ maxLength: 5 }) }, { res: p({ maxLength: 10 }) }), 'response-property-max-length-increased', 'error');
        has(await diff(v, { req: withProp(ITEM, 'b', { type: 'integer', minimum: 1 }) }, { req: withProp(ITEM, 'b', { type: 'integer', minimum: 5 }) }), 'request-property-min-increased', 'error');
        has(await diff(v, { req: p({ pattern: '^[a-z]+$' }) }, { req: p({ pattern: '^[a-c]+$' }) }), 'request-property-pattern-changed', 'warning');
        has(await diff(v, { req: p({ enum: ['x', 'y'] }) }, { req: p({ enum: ['x'] }) }), 'request-property-enum-value-removed', 'error');
        has(await diff(v, { res: p({ enum: ['x'] }) }, { res: p({ enum: ['x', 'y'] }) }), 'response-property-enum-value-added', 'warning');
        assert.deepEqual(await diff(v, { req: p({ maxLength: 5 }) }, { req: p({ maxLength: 10 }) }), []);
        assert.deepEqual(await diff(v, { res: p({ enum: ['x', 'y'] }) }, { res: p({ enum: ['x'] }) }), []);
      });

      it(`${v}: minProperties/maxProperties and additionalProperties: false, by direction`, async () => {
        has(await diff(v, { req: { ...ITEM, minProperties: 1 } }, { req: { ...ITEM, minProperties: 2 } }), 'request-body-min-properties-increased', 'error');
        has(await diff(v, { req: { ...ITEM, maxProperties: 3 } }, { req: { ...ITEM, maxProperties: 2 } }), 'request-body-max-properties-decreased', 'error');
        has(await diff(v, { res: { ...ITEM, maxProperties: 2 } }, { res: { ...ITEM, maxProperties: 3 } }), 'response-body-max-properties-increased', 'error');
        assert.deepEqual(await diff(v, { res: { ...ITEM, minProperties: 1 } }, { res: { ...ITEM, minProperties: 2 } }), []);
        has(await diff(v, { req: ITEM }, { req: { ...ITEM, additionalProperties: false } }), 'request-body-additional-properties-narrowed', 'warning');
        has(await diff(v, { res: { ...ITEM, additionalProperties: false } }, { res: { ...ITEM, additionalProperties: true } }), 'response-body-additional-properties-widened', 'warning');
        assert.deepEqual(await diff(v, { res: ITEM }, { res: { ...ITEM, additionalProperties: false } }), []);
      });

      it(`${v}: readOnly/writeOnly decide which side counts, and a request body that became required`, async () => {
        // A new required property the client never sends (readOnly) is not breaking.
        const ro = { ...withProp(ITEM, 'id', { type: 'string', readOnly: true }), required: ['id'] };
        assert.deepEqual(await diff(v, { req: ITEM }, { req: ro }), []);
        has(await diff(v, { req: ITEM }, { req: { ...withProp(ITEM, 'id', { type: 'string' }), required: ['id'] } }), 'new-required-request-property', 'error');
        // A response property the client never reads (writeOnly) may be removed.
        const wo = withProp(ITEM, 'secret', { type: 'string', writeOnly: true });
        assert.deepEqual(await diff(v, { res: wo }, { res: ITEM }), []);
        has(await diff(v, { bodyRequired: false }, { bodyRequired: true }), 'request-body-became-required', 'error');
      });
    }
  });

  describe('parameters and headers', () => {
    for (const v of V3) {
      it(`${v}: style and explode changed (defaults by location), a parameter removed, a required response header removed, a header's explode changed`, async () => {
        const q = (extra: Obj) => [{ name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } }, ...extra }];
        has(await diff(v, { params: q({}) }, { params: q({ explode: false }) }), 'request-parameter-explode-changed', 'error');
        has(await diff(v, { params: q({}) }, { params: q({ style: 'pipeDelimited' }) }), 'request-parameter-style-changed', 'error');
        assert.deepEqual(await diff(v, { params: q({}) }, { params: q({ style: 'form', explode: true }) }), [], 'the defaults written out are no change');
        has(await diff(v, { params: q({ allowEmptyValue: true }) }, { params: q({}) }), 'request-parameter-allow-empty-value-removed', 'error');
        has(await diff(v, { params: q({}) }, {}), 'request-parameter-removed', 'warning');
        const h = (extra: Obj) => ({ 'X-Rate': { required: true, schema: { type: 'integer' }, ...extra } });
        has(await diff(v, { resHeaders: h({}) }, {}), 'required-response-header-removed', 'error');
        has(await diff(v, { resHeaders: h({}) }, { resHeaders: h({ explode: true }) }), 'response-header-explode-changed', 'warning');
      });
    }

    it('2.0: collectionFormat changed and allowEmptyValue removed', async () => {
      const q = (extra: Obj) => [{ name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, ...extra }];
      has(await diff('2.0', { params: q({}) }, { params: q({ collectionFormat: 'multi' }) }), 'request-parameter-collection-format-changed', 'error');
      has(await diff('2.0', { params: q({ allowEmptyValue: true }) }, { params: q({}) }), 'request-parameter-allow-empty-value-removed', 'error');
      has(await diff('2.0', { params: q({}) }, {}), 'request-parameter-removed', 'warning');
    });
  });

  describe('media types', () => {
    for (const v of ALL) {
      it(`${v}: a response media type removed, and a response type changed`, async () => {
        has(await diff(v, { resTypes: ['application/json', 'application/xml'] }, { resTypes: ['application/json'] }), 'response-media-type-removed', 'error');
        has(await diff(v, {}, { res: { type: 'array', items: ITEM } }), 'response-body-type-changed', 'error');
        assert.deepEqual(await diff(v, { resTypes: ['application/json'] }, { resTypes: ['application/json', 'application/xml'] }), []);
      });
    }
  });

  describe('security', () => {
    for (const v of ALL) {
      const apiKey = { type: 'apiKey', in: 'header', name: 'X-Key' };
      const oauth =
        v === '2.0'
          ? (tokenUrl: string) => ({ type: 'oauth2', flow: 'application', tokenUrl, scopes: { read: 'r', write: 'w' } })
          : (tokenUrl: string) => ({ type: 'oauth2', flows: { clientCredentials: { tokenUrl, scopes: { read: 'r', write: 'w' } } } });
      const schemes = { key: apiKey, oauth: oauth('https://auth.example.com/token') };
      it(`${v}: a requirement added where calls were anonymous, an alternative removed, more scopes: errors; the mirrors are not`, async () => {
        has(await diff(v, { schemes }, { schemes, security: [{ key: [] }] }), 'api-security-added', 'error');
        has(await diff(v, { schemes, security: [{ key: [] }, { oauth: ['read'] }] }, { schemes, security: [{ oauth: ['read'] }] }), 'api-security-removed', 'error');
        has(await diff(v, { schemes, security: [{ oauth: ['read'] }] }, { schemes, security: [{ oauth: ['read', 'write'] }] }), 'api-security-scope-added', 'error');
        // Inherited from the global requirement, the same.
        has(await diff(v, { schemes, globalSecurity: [{ oauth: ['read'] }] }, { schemes, globalSecurity: [{ oauth: ['read', 'write'] }] }), 'api-security-scope-added', 'error');
        assert.deepEqual(await diff(v, { schemes, security: [{ oauth: ['read'] }] }, { schemes, security: [{ oauth: ['read'] }, { key: [] }] }), [], 'a new alternative is not breaking');
        assert.deepEqual(await diff(v, { schemes, security: [{ oauth: ['read', 'write'] }] }, { schemes, security: [{ oauth: ['read'] }] }), []);
        assert.deepEqual(await diff(v, { schemes, security: [{ key: [] }] }, { schemes }), [], 'dropping the requirement is not breaking');
      });

      it(`${v}: a security scheme's type, header name or OAuth token URL changed`, async () => {
        has(await diff(v, { schemes }, { schemes: { ...schemes, oauth: oauth('https://login.example.com/token') } }), 'api-security-component-oauth-token-url-changed', 'error');
        has(await diff(v, { schemes }, { schemes: { ...schemes, key: { ...apiKey, name: 'X-Api-Key' } } }), 'api-security-component-name-changed', 'error');
      });
    }

    for (const v of V3) {
      it(`${v}: an HTTP scheme's scheme (error) or bearerFormat (warning), an OpenID Connect URL changed`, async () => {
        const s = (scheme: string, bearerFormat: string) => ({ jwt: { type: 'http', scheme, bearerFormat }, oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://a.example.com/.well-known/openid-configuration' } });
        has(await diff(v, { schemes: s('bearer', 'JWT') }, { schemes: s('basic', 'JWT') }), 'api-security-component-scheme-changed', 'error');
        has(await diff(v, { schemes: s('bearer', 'JWT') }, { schemes: s('bearer', 'opaque') }), 'api-security-component-bearer-format-changed', 'warning');
        const moved = { ...s('bearer', 'JWT'), oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://b.example.com/.well-known/openid-configuration' } };
        has(await diff(v, { schemes: s('bearer', 'JWT') }, { schemes: moved }), 'api-security-component-open-id-connect-url-changed', 'error');
      });
    }
  });

  describe('sub-schemas', () => {
    for (const v of V3) {
      it(`${v}: changes inside additionalProperties and not (in the opposite direction) are compared`, async () => {
        const ap = (max: number) => ({ type: 'object', additionalProperties: { type: 'string', maxLength: max } });
        has(await diff(v, { req: ap(10) }, { req: ap(5) }), 'request-property-max-length-decreased', 'error');
        has(await diff(v, { res: ap(5) }, { res: ap(10) }), 'response-property-max-length-increased', 'error');
        // A request `not` that excludes more values accepts fewer: breaking; excluding fewer is not.
        const not = (values: string[]) => withProp(ITEM, 'a', { type: 'string', not: { enum: values } });
        assert.ok((await diff(v, { req: not(['x']) }, { req: not(['x', 'y']) })).some((f) => f.severity !== 'info'));
        assert.deepEqual(await diff(v, { req: not(['x', 'y']) }, { req: not(['x']) }), []);
      });
    }

    it('3.1: changes inside prefixItems, contains, then/else and propertyNames are compared in place', async () => {
      const arr = (max: number) => withProp(ITEM, 'pair', { type: 'array', prefixItems: [{ type: 'string', maxLength: max }, { type: 'integer' }] });
      has(await diff('3.1', { req: arr(10) }, { req: arr(5) }), 'request-property-max-length-decreased', 'error');
      const contains = (min: number) => withProp(ITEM, 'tags', { type: 'array', contains: { type: 'string', minLength: min } });
      has(await diff('3.1', { req: contains(1) }, { req: contains(3) }), 'request-property-min-length-increased', 'error');
      const cond = (max: number) => ({ ...ITEM, if: { properties: { c: { const: true } } }, then: { properties: { a: { type: 'string', maxLength: max } } } });
      has(await diff('3.1', { res: cond(5) }, { res: cond(10) }), 'response-property-max-length-increased', 'error');
      const names = (pattern: string) => ({ type: 'object', propertyNames: { type: 'string', pattern } });
      has(await diff('3.1', { req: names('^[a-z]+$') }, { req: names('^[a-c]+$') }), 'request-property-pattern-changed', 'warning');
    });
  });

  describe('operation identity', () => {
    for (const v of ALL) {
      it(`${v}: an operationId changed or removed is a warning on the operation`, async () => {
        const fs = await diff(v, { operationId: 'createItem' }, { operationId: 'addItem' });
        assert.deepEqual(changes(fs), ['api-operation-id-changed:warning']);
        assert.equal(fs[0].ruleId, 'api/operation-id-changed');
        assert.match(fs[0].message, /createItem to addItem/);
        has(await diff(v, { operationId: 'createItem' }, {}), 'api-operation-id-removed', 'warning');
        assert.deepEqual(await diff(v, {}, { operationId: 'createItem' }), []);
      });
    }
  });

  describe('webhooks (3.1)', () => {
    it('a webhook payload is compared in the direction subscribers read it: a property removed or made nullable breaks them', async () => {
      const hook = (props: Obj, required: string[]) =>
        JSON.stringify({ openapi: '3.1.0', info: { title: 'T', version: '1.0.0' }, webhooks: { orderPaid: { post: { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required, properties: props } } } }, responses: { '200': { description: 'ok' } } } } } });
      const run = async (a: string, b: string) => {
        const x = await loadOpenApi('api/openapi.yaml', a, noFiles);
        const y = await loadOpenApi('api/openapi.yaml', b, noFiles);
        return diffOpenApi(x.model!, y.model!, {}).filter((f) => f.ruleId !== 'api/version-not-bumped');
      };
      const base = hook({ id: { type: 'string' }, total: { type: 'integer' } }, ['id', 'total']);
      const fs = await run(base, hook({ id: { type: 'string' } }, ['id']));
      has(fs, 'response-required-property-removed', 'error');
      assert.match(fs[0].message, /Webhook orderPaid payload/);
      has(await run(base, hook({ id: { type: ['string', 'null'] }, total: { type: 'integer' } }, ['id', 'total'])), 'response-property-became-nullable', 'error');
      assert.deepEqual(await run(base, hook({ id: { type: 'string' }, total: { type: 'integer' }, note: { type: 'string' } }, ['id', 'total'])), [], 'a new property is not breaking');
    });
  });
});
