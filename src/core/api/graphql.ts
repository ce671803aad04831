import { ChangeType, CriticalityLevel, diff, DiffRule, type Change } from '@graphql-inspector/core';
import { buildASTSchema, GraphQLError, Kind, parse, type ASTNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Finding, Range } from '../model';
import { zeroRange } from '../model';
import { defineRule, type Rule } from '../rule';
import { fingerprint } from './fingerprint';
import { invalidSchema } from './rules';

/**
 * GraphQL SDL diff through @graphql-inspector/core (the change catalogue and criticality users of
 * graphql-inspector know: BREAKING → error, DANGEROUS → warning, NON_BREAKING → info, the last
 * only with api.includeInfo). graphql-js's own findBreakingChanges has no paths; the inspector's
 * dotted paths (`User.email`, `Query.user.id`) are mapped to SDL positions with graphql's parser,
 * in the head file, or for removals at the surviving parent with the base position related.
 * The `suppressRemovalOfDeprecatedField` rule is on: removing a deprecated field is DANGEROUS.
 */

const T = ChangeType;
type CT = (typeof ChangeType)[keyof typeof ChangeType];

function gql(id: string, summary: string, types: CT[], severity: 'error' | 'warning' | 'info' = 'error'): Rule & { types: CT[] } {
  return { ...defineRule({ id, defaultSeverity: severity, summary, equivalents: { 'graphql-inspector': types }, comparesBase: true }), types };
}

export const gqlTypeRemoved = gql('api/graphql-type-removed', 'A GraphQL type was removed or changed kind (object → interface…)', [T.TypeRemoved, T.TypeKindChanged, T.TypeAdded]);
export const gqlFieldRemoved = gql('api/graphql-field-removed', 'A GraphQL field or input field was removed: queries selecting it fail validation', [T.FieldRemoved, T.InputFieldRemoved, T.FieldAdded, T.FieldDeprecationRemoved, T.FieldDeprecationAdded]);
export const gqlFieldTypeChanged = gql('api/graphql-field-type-changed', 'A GraphQL field, input field or argument type changed in an unsafe direction (nullable output, non-null input…)', [T.FieldTypeChanged, T.InputFieldTypeChanged, T.FieldArgumentTypeChanged]);
export const gqlArgumentChanged = gql('api/graphql-argument-changed', 'A GraphQL argument was removed, or a required argument or input field was added, or a default changed', [
  T.FieldArgumentRemoved,
  T.FieldArgumentAdded,
  T.FieldArgumentDefaultChanged,
  T.InputFieldAdded,
  T.InputFieldDefaultValueChanged,
]);
export const gqlEnumChanged = gql('api/graphql-enum-changed', 'A GraphQL enum value was removed (breaking) or added (dangerous: clients with exhaustive switches)', [T.EnumValueRemoved, T.EnumValueAdded]);
export const gqlUnionInterfaceChanged = gql('api/graphql-union-changed', 'A union member or an implemented interface was removed (breaking) or added (dangerous)', [
  T.UnionMemberRemoved,
  T.UnionMemberAdded,
  T.ObjectTypeInterfaceRemoved,
  T.ObjectTypeInterfaceAdded,
]);
export const gqlSchemaRootChanged = gql('api/graphql-schema-root-changed', 'The schema query, mutation or subscription root type changed', [T.SchemaQueryTypeChanged, T.SchemaMutationTypeChanged, T.SchemaSubscriptionTypeChanged]);
export const gqlDirectiveChanged = gql('api/graphql-directive-changed', 'A GraphQL directive, its location or argument was removed, or a required directive argument was added', [
  T.DirectiveRemoved,
  T.DirectiveLocationRemoved,
  T.DirectiveArgumentRemoved,
  T.DirectiveArgumentAdded,
  T.DirectiveArgumentTypeChanged,
  T.DirectiveArgumentDefaultValueChanged,
  T.DirectiveRepeatableRemoved,
]);
export const gqlOtherChange = defineRule({
  id: 'api/graphql-other-change',
  defaultSeverity: 'info',
  summary: 'Another GraphQL schema change graphql-inspector reports (directive usage, descriptions…), at its level',
  comparesBase: true,
});

const GQL_RULES = [gqlTypeRemoved, gqlFieldRemoved, gqlFieldTypeChanged, gqlArgumentChanged, gqlEnumChanged, gqlUnionInterfaceChanged, gqlSchemaRootChanged, gqlDirectiveChanged];
export const graphqlRules: Rule[] = [...GQL_RULES, gqlOtherChange];

function ruleOf(type: string): Rule {
  return GQL_RULES.find((r) => (r.types as string[]).includes(type)) ?? gqlOtherChange;
}

interface Sdl {
  file: string;
  text: string;
  doc?: DocumentNode;
  schema?: GraphQLSchema;
  error?: { message: string; range: Range };
  /** Dotted path (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`) -> name node range. */
  index: Map<string, Range>;
}

function rangeOf(text: string, node: ASTNode | undefined): Range {
  const loc = node?.loc;
  if (!loc) return zeroRange;
  const s = loc.startToken;
  const endCol = s.column - 1 + (loc.end - loc.start);
  const lineLen = text.split('\n', s.line)[s.line - 1]?.length ?? endCol;
  return { start: { line: s.line - 1, character: s.column - 1 }, end: { line: s.line - 1, character: Math.min(endCol, lineLen) } };
}

function loadSdl(file: string, text: string): Sdl {
  const out: Sdl = { file, text, index: new Map() };
  try {
    out.doc = parse(text, { noLocation: false });
  } catch (e) {
    const g = e as GraphQLError;
    const l = g.locations?.[0];
    const line = l ? l.line - 1 : 0;
    const len = text.split('\n')[line]?.length ?? 0;
    const ch = l ? Math.min(l.column - 1, len) : 0;
    out.error = { message: `${file} does not parse: ${g.message.replace(/^Syntax Error: /, '')}`, range: { start: { line, character: ch }, end: { line, character: Math.min(ch + 1, len) } } };
    return out;
  }
  for (const def of out.doc.definitions) {
    if (!('name' in def) || !def.name) continue;
    const tname = def.name.value;
    out.index.set(tname, rangeOf(text, def.name));
    if ('fields' in def && def.fields) {
      for (const f of def.fields) {
        out.index.set(`${tname}.${f.name.value}`, rangeOf(text, f.name));
        if ('arguments' in f && f.arguments) for (const a of f.arguments) out.index.set(`${tname}.${f.name.value}.${a.name.value}`, rangeOf(text, a.name));
      }
    }
    if ('values' in def && def.values) for (const v of def.values) out.index.set(`${tname}.${v.name.value}`, rangeOf(text, v.name));
    if (def.kind === Kind.DIRECTIVE_DEFINITION) {
      out.index.set(`@${tname}`, rangeOf(text, def.name));
      for (const a of def.arguments ?? []) out.index.set(`@${tname}.${a.name.value}`, rangeOf(text, a.name));
    }
    if ('types' in def && def.types) for (const m of def.types) out.index.set(`${tname}.${m.name.value}`, rangeOf(text, m));
    if ('interfaces' in def && def.interfaces) for (const i of def.interfaces) out.index.set(`${tname}.${i.name.value}`, rangeOf(text, i));
  }
  try {
    out.schema = buildASTSchema(out.doc, { assumeValidSDL: false });
  } catch (e) {
    const g = e as GraphQLError;
    const node = g.nodes?.[0];
    out.error = { message: `${file} is not a valid GraphQL schema: ${g.message.split('\n')[0]}`, range: rangeOf(text, node) };
  }
  return out;
}

/** The range of the longest prefix of a dotted path found in the index. */
function locate(s: Sdl, path: string | undefined): { range: Range; exact: boolean } {
  if (!path) return { range: zeroRange, exact: false };
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const r = s.index.get(parts.slice(0, n).join('.'));
    if (r) return { range: r, exact: n === parts.length };
  }
  return { range: zeroRange, exact: false };
}

function level(c: Change): 'error' | 'warning' | 'info' {
  return c.criticality.level === CriticalityLevel.Breaking ? 'error' : c.criticality.level === CriticalityLevel.Dangerous ? 'warning' : 'info';
}

/** Diffs two SDL texts. `base` undefined: a new file, nothing to compare (only parse problems). */
export async function diffGraphql(file: string, base: string | undefined, head: string, baseLabel?: string, includeInfo = false): Promise<Finding[]> {
  const h = loadSdl(file, head);
  if (h.error) return [invalidSchema.finding({ message: h.error.message, file, range: h.error.range, data: { problem: 'parse' } })];
  if (base === undefined) return [];
  const b = loadSdl(file, base);
  if (b.error || !b.schema || !h.schema) return [];
  const changes = await diff(b.schema, h.schema, [DiffRule.suppressRemovalOfDeprecatedField]);
  const out: Finding[] = [];
  for (const c of changes) {
    const sev = level(c);
    if (sev === 'info' && !includeInfo) continue;
    const at = locate(h, c.path);
    const removed = /REMOVED$/.test(c.type) || !at.exact;
    const baseAt = removed ? locate(b, c.path) : undefined;
    out.push(
      ruleOf(c.type).finding({
        message: `${c.message}${c.criticality.reason ? ` (${c.criticality.reason.replace(/\.$/, '')})` : ''}`,
        file,
        range: at.range,
        severity: sev,
        related: baseAt && baseAt.exact ? [{ file, range: baseAt.range, message: `at ${baseLabel ?? 'the base'}`, revision: baseLabel }] : undefined,
        data: { fingerprint: fingerprint(c.type, c.path ?? c.message), change: c.type, 'graphql-inspector': c.type, ...(c.path ? { path: c.path } : {}) },
      }),
    );
  }
  return out;
}
