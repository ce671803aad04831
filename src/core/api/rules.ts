import { defineRule, type Rule, type RuleInit } from '../rule';
import { OASDIFF_IDS, OASDIFF_LEVELS } from './oasdiff-ids';

/**
 * OpenAPI rules: each groups a family of oasdiff checks (the ids it covers are listed in
 * `equivalents.oasdiff`, derived from the pattern below and the oasdiff catalogue). A finding's
 * severity is the level of the oasdiff id it matches (ERR → error, WARN → warning, INFO → info),
 * and `data.oasdiff` names that id.
 */

interface OasRule {
  rule: Rule;
  pattern: RegExp;
}

const oasRules: OasRule[] = [];

function oas(init: Omit<RuleInit, 'equivalents'>, pattern: RegExp, openapiDiff?: string[]): Rule {
  const ids = OASDIFF_IDS.filter((id) => pattern.test(id) && !oasRules.some((r) => r.pattern.test(id)));
  const rule = defineRule({ ...init, equivalents: { ...(ids.length ? { oasdiff: ids } : {}), ...(openapiDiff ? { 'openapi-diff': openapiDiff } : {}) }, comparesBase: true });
  oasRules.push({ rule, pattern });
  return rule;
}

export const pathRemoved = oas(
  { id: 'api/path-removed', defaultSeverity: 'error', summary: 'An API path that exists at the merge base was removed: clients still calling it get 404s during and after the deploy' },
  /^api-path-removed/,
);

export const operationRemoved = oas(
  { id: 'api/operation-removed', defaultSeverity: 'error', summary: 'An operation (method on a path) was removed without deprecation, or before its sunset date' },
  /^api-removed-|^endpoint-added$/,
);

export const operationIdChanged = oas(
  { id: 'api/operation-id-changed', defaultSeverity: 'warning', summary: 'An operationId was changed or removed: client generators rename the method clients call' },
  /^api-operation-id-/,
  ['incompatible.operation.id.changed'],
);

export const webhookRemoved = oas({ id: 'api/webhook-removed', defaultSeverity: 'error', summary: 'A webhook (OpenAPI 3.1) was removed: subscribers stop receiving it' }, /^webhook-/);

export const sunsetChanged = oas(
  { id: 'api/sunset-changed', defaultSeverity: 'error', summary: 'A deprecation contract got worse: an x-sunset date was deleted, moved earlier or is not a date, or a deprecated item was removed before its sunset' },
  /sunset-deleted|sunset-date-changed-too-small|sunset-parse|sunset-invalid|removed-before-sunset|^endpoint-deprecated|-deprecated$|-deprecated-with-sunset$|reactivated$|^request-parameter-removed-with-deprecation$/,
);

export const deprecationPolicy = oas(
  { id: 'api/deprecation-policy', defaultSeverity: 'error', summary: 'A new deprecation has no x-sunset date, or one closer than api.deprecationDays (off unless that setting is above 0)' },
  /deprecated-sunset-missing|sunset-date-too-small/,
);

export const stabilityDecreased = oas(
  { id: 'api/stability-decreased', defaultSeverity: 'error', summary: 'The x-stability-level of an operation or property was lowered (stable → beta…), or is not a known level' },
  /stability-|invalid-stability-level/,
);

export const parameterRemoved = oas(
  { id: 'api/parameter-removed', defaultSeverity: 'warning', summary: 'A request parameter was removed: clients that still send it may be rejected or silently ignored' },
  /^request-parameter-removed$|^request-parameter-property-removed$/,
);

export const parameterSerializationChanged = oas(
  { id: 'api/parameter-serialization-changed', defaultSeverity: 'error', summary: 'A parameter\'s style, explode or collectionFormat changed, or it no longer allows an empty value: clients serialize it the old way' },
  /^request-parameter-(style|explode|collection-format|allow-empty-value)-/,
  ['incompatible.request.param.style.changed', 'incompatible.request.param.explode.changed', 'incompatible.request.param.allowempty.decreased'],
);

export const requiredParameterAdded = oas(
  { id: 'api/required-parameter-added', defaultSeverity: 'error', summary: 'A new required parameter (or path parameter) was added to an existing operation: existing clients do not send it' },
  /^new-(required|optional)-request-(default-)?parameter|^new-request-path-parameter$|^new-required-request-header-property$/,
);

export const parameterChanged = oas(
  { id: 'api/parameter-became-required', defaultSeverity: 'error', summary: 'An optional request parameter became required, or its default value changed' },
  /^request-(parameter|header-property)-became-(required|optional)$|^request-parameter-default-value-/,
);

export const requestBodyChanged = oas(
  { id: 'api/request-body-changed', defaultSeverity: 'error', summary: 'A request body was added as required, became required, was removed, or lost a media type clients send' },
  /^request-body-(added|removed|became-(required|optional)|media-type)/,
);

export const responseStatusRemoved = oas(
  { id: 'api/response-status-removed', defaultSeverity: 'error', summary: 'A success response status was removed: clients expecting it break' },
  /^response-(success|non-success)-status-removed$/,
);

export const responseMediaTypeRemoved = oas(
  { id: 'api/response-media-type-removed', defaultSeverity: 'error', summary: 'A response media type (or its schema) was removed: clients asking for it break' },
  /^response-media-type-|^response-body-media-type-schema-/,
);

export const responseHeaderChanged = oas(
  { id: 'api/response-header-changed', defaultSeverity: 'error', summary: 'A response header was removed, became optional, or changed type or nullability' },
  /response-header-/,
);

export const propertyRemoved = oas(
  { id: 'api/property-removed', defaultSeverity: 'error', summary: 'A schema property was removed: from a response, clients reading it break; from a request, clients sending it may be rejected' },
  /^(request-property|request-parameter-property|response-(required|optional)(-write-only)?-property)-removed$/,
);

export const requiredPropertyAdded = oas(
  { id: 'api/required-property-added', defaultSeverity: 'error', summary: 'A new required property was added to a request body: existing clients do not send it' },
  /^new-(required|optional)-request-property|^response-(required|optional)(-write-only)?-property-added$/,
);

export const requirednessChanged = oas(
  { id: 'api/requiredness-changed', defaultSeverity: 'error', summary: 'A request property became required, or a response property became optional' },
  /property-became-(required|optional)/,
);

export const securityChanged = oas(
  { id: 'api/security-changed', defaultSeverity: 'error', summary: 'An operation now requires credentials or more scopes, lost the security alternative clients use, or a security scheme\'s type, scheme, bearer format, OpenID Connect or OAuth URLs changed' },
  /security/,
  [
    'incompatible.security.requirements.decreased',
    'incompatible.security.requirement.schemes.increased',
    'incompatible.security.scheme.scopes.increased',
    'incompatible.security.scheme.scheme.changed',
    'incompatible.security.scheme.bearer.format.changed',
    'incompatible.security.scheme.openidconnect.url.changed',
    'incompatible.security.scheme.oauth2.auth.url.changed',
    'incompatible.security.scheme.oauth2.token.url.changed',
    'incompatible.security.scheme.oauth2.refresh.url.changed',
  ],
);

export const compositionChanged = oas(
  { id: 'api/composition-changed', defaultSeverity: 'error', summary: 'A oneOf/anyOf union changed in a breaking direction, a schema was wrapped in oneOf, or a JSON Schema 2020-12 keyword (if/then/else, contains, prefixItems, dependent*, unevaluated*, content*) was added to a request or removed from a response' },
  /-(all-of|any-of|one-of)-|wrapped-in-one-of|prefix-items|-(if|then|else)-(added|removed)$|-contains-(added|removed)$|dependent-|pattern-property|property-names|unevaluated|-content-(schema|media-type|encoding)/,
);

export const typeChanged = oas(
  { id: 'api/type-changed', defaultSeverity: 'error', summary: 'A schema type or format changed in a breaking direction (narrowed in a request, widened in a response)' },
  /-type-(changed|generalized|specialized|compatible)$|list-of-types/,
);

export const nullabilityChanged = oas(
  { id: 'api/nullability-changed', defaultSeverity: 'error', summary: 'A request value became not nullable, or a response value became nullable (3.0 nullable, 3.1 type arrays and {type: null} branches are the same thing)' },
  /became-(not-)?nullable/,
);

export const enumChanged = oas(
  { id: 'api/enum-changed', defaultSeverity: 'error', summary: 'An enum value was removed from a request, a value became an enum, or a value was added to a response enum' },
  /enum-value-(added|removed)|became-enum|x-extensible-enum/,
);

export const constChanged = oas({ id: 'api/const-changed', defaultSeverity: 'error', summary: 'A const value was added or changed in a request, or removed or changed in a response' }, /-const-/);

export const constraintChanged = oas(
  { id: 'api/constraint-changed', defaultSeverity: 'error', summary: 'A validation constraint (min/max, length, items, properties, pattern, additionalProperties) was tightened in a request or loosened in a response' },
  /-(max|min|exclusive-max|exclusive-min|max-length|min-length|max-items|min-items|max-contains|min-contains|max-properties|min-properties)-(set|unset|increased|decreased)$|-pattern-(added|removed|changed|generalized)$|-additional-properties-(narrowed|widened)$/,
);

export const mutabilityChanged = oas(
  { id: 'api/mutability-changed', defaultSeverity: 'warning', summary: 'A required response property stopped being write-only (it now appears in responses), or readOnly/writeOnly changed' },
  /(read|write)-only/,
);

export const defaultChanged = oas({ id: 'api/default-changed', defaultSeverity: 'info', summary: 'A default value of a request body or property changed (servers fill omitted values differently)' }, /default-value/);

export const discriminatorChanged = oas({ id: 'api/discriminator-changed', defaultSeverity: 'warning', summary: 'A discriminator property name changed, or a mapping entry changed or was removed: clients pick the wrong branch' }, /discriminator/, ['incompatible.schema.discriminator.changed']);

export const versionNotBumped = oas(
  { id: 'api/version-not-bumped', defaultSeverity: 'warning', summary: 'The branch has breaking API changes but info.version keeps the same major version' },
  /^api-(major-)?version-/,
);

export const otherChange = oas({ id: 'api/other-change', defaultSeverity: 'info', summary: 'Another contract change oasdiff reports (tags, components, request body enum…), kept for completeness' }, /./);

export const invalidSchema = defineRule({
  id: 'api/invalid-schema',
  defaultSeverity: 'error',
  summary: 'An API schema file does not parse, or part of it is not valid structure, so that part of the contract could not be compared',
});

export const unresolvedRef = defineRule({
  id: 'api/unresolved-ref',
  defaultSeverity: 'warning',
  summary: 'A $ref cannot be resolved, leaves the workspace or points at a URL: what it describes is not compared',
});

/** The rule that covers an oasdiff-style change id. */
export function ruleForChange(id: string): Rule {
  for (const r of oasRules) if (r.pattern.test(id)) return r.rule;
  return otherChange;
}

export function severityOf(level: 'ERR' | 'WARN' | 'INFO'): 'error' | 'warning' | 'info' {
  return level === 'ERR' ? 'error' : level === 'WARN' ? 'warning' : 'info';
}

export { OASDIFF_LEVELS };

export const openApiRules: Rule[] = [...oasRules.map((r) => r.rule), invalidSchema, unresolvedRef];
