import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildASTSchema, GraphQLError, Kind, parse, type ASTNode, type DefinitionNode, type DirectiveNode, type DocumentNode, type FieldDefinitionNode, type GraphQLSchema, type InputValueDefinitionNode, type NamedTypeNode, type NameNode, type TypeNode } from 'graphql';
import type { Finding, Range } from '../model';
import { zeroRange } from '../model';
import { defineRule, type Rule } from '../rule';
import { fingerprint } from './fingerprint';
import { invalidSchema } from './rules';
import { LineIndex } from '../text';
import { validateSDL } from 'graphql/validation/validate';

/**
 * GraphQL SDL diff through @graphql-inspector/core (the change catalogue and criticality users of
 * graphql-inspector know: BREAKING → error, DANGEROUS → warning, NON_BREAKING → info, the last
 * only with api.includeInfo). graphql-js's own findBreakingChanges has no paths; the inspector's
 * dotted paths (`User.email`, `Query.user.id`) are mapped to SDL positions with graphql's parser,
 * in the head file, or for removals at the surviving parent with the base position related.
 * Removing a deprecated field is an error like any removal (the deprecation is in the message).
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
  lines: LineIndex;
  doc?: DocumentNode;
  schema?: GraphQLSchema;
  error?: { message: string; range: Range };
  /** Definitions by name (directives as `@name`); members are found on demand (a 38,000-line SDL has ~10^5 of them). */
  defs: Map<string, DefinitionNode>;
  /** Type name -> the `Type.field` / `Type.field.arg` / `Input.field` paths whose type names it, built on first use. */
  refs?: Map<string, string[]>;
}

/** The node's range, cut at the end of its first line (a name, or a definition's first line). */
function rangeOf(lines: LineIndex, node: ASTNode | undefined): Range {
  const loc = node?.loc;
  if (!loc) return zeroRange;
  const start = lines.positionAt(loc.start);
  return { start, end: lines.positionAt(Math.min(loc.end, lines.lineEnd(start.line))) };
}

function loadSdl(file: string, text: string, validate: boolean): Sdl {
  const lines = new LineIndex(text);
  const out: Sdl = { file, text, lines, defs: new Map() };
  try {
    out.doc = parse(text);
  } catch (e) {
    const g = e as GraphQLError;
    const l = g.locations?.[0];
    const line = l ? Math.min(l.line - 1, lines.lineCount - 1) : 0;
    const len = lines.lineEnd(line) - lines.lineStart(line);
    const ch = l ? Math.min(l.column - 1, len) : 0;
    out.error = { message: `${file} does not parse: ${g.message.replace(/^Syntax Error: /, '')}`, range: { start: { line, character: ch }, end: { line, character: Math.min(ch + 1, len) } } };
    return out;
  }
  for (const def of out.doc.definitions) {
    if (!('name' in def) || !def.name) continue;
    const key = def.kind === Kind.DIRECTIVE_DEFINITION ? `@${def.name.value}` : def.name.value;
    if (!out.defs.has(key)) out.defs.set(key, def);
  }
  if (!validate) return out;
  // validateSDL (not assertValidSDL, which joins the messages) keeps each error's nodes: the
  // finding points at the offending definition, not at line 1.
  const errors = validateSDL(out.doc);
  if (errors.length) {
    const g = errors[0];
    const node = g.nodes?.[g.nodes.length - 1];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'})` : '';
    out.error = { message: `${file} is not a valid GraphQL schema: ${g.message.split('\n')[0]}${more}`, range: rangeOf(lines, node) };
  }
  return out;
}

/** The whole schema, built once (SDL validation, when asked, was done on load). */
function schemaOf(s: Sdl): GraphQLSchema {
  return (s.schema ??= buildASTSchema(s.doc!, { assumeValidSDL: true }));
}

type Named = { readonly name: NameNode; readonly kind: string };

/** The members of a definition named `name` (field, argument, enum value, union member, interface). */
function member(def: ASTNode, name: string): ASTNode | undefined {
  const d = def as { fields?: readonly Named[]; values?: readonly Named[]; arguments?: readonly Named[]; types?: readonly NamedTypeNode[]; interfaces?: readonly NamedTypeNode[] };
  for (const list of [d.fields, d.values, d.arguments, d.types, d.interfaces]) {
    if (!list) continue;
    for (const m of list) if (m.name.value === name) return m as unknown as ASTNode;
  }
  return undefined;
}

/** The node of the longest prefix of a dotted path (`Type`, `Type.field`, `Type.field.arg`, `@dir.arg`). */
function locateNode(s: Sdl, path: string | undefined): { node?: ASTNode; exact: boolean } {
  if (!path) return { exact: false };
  const parts = path.split('.');
  const def = s.defs.get(parts[0]);
  if (!def) return { exact: false };
  let node: ASTNode = def;
  let named: ASTNode = 'name' in def && def.name ? def.name : def;
  for (let i = 1; i < parts.length; i++) {
    const m = member(node, parts[i]);
    if (!m) return { node: named, exact: false };
    node = m;
    named = m.kind === Kind.NAMED_TYPE ? m : ((m as unknown as Named).name ?? m);
  }
  return { node: named, exact: true };
}

function locate(s: Sdl, path: string | undefined): { range: Range; exact: boolean } {
  const r = locateNode(s, path);
  return { range: r.node ? rangeOf(s.lines, r.node) : zeroRange, exact: r.exact };
}

function namedTypeOf(t: TypeNode): string {
  return t.kind === Kind.NAMED_TYPE ? t.name.value : namedTypeOf(t.type);
}

/** Where each type is used in a field, argument or input field type (for locating a removed type). */
function referrers(s: Sdl, type: string): string[] {
  if (!s.refs) {
    const refs = new Map<string, string[]>();
    const add = (t: string, p: string) => {
      const l = refs.get(t);
      if (l) l.push(p);
      else refs.set(t, [p]);
    };
    for (const [name, def] of s.defs) {
      const fields = (def as { fields?: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] }).fields ?? [];
      for (const f of fields) {
        add(namedTypeOf(f.type), `${name}.${f.name.value}`);
        for (const a of (f as FieldDefinitionNode).arguments ?? []) add(namedTypeOf(a.type), `${name}.${f.name.value}.${a.name.value}`);
      }
      for (const m of (def as { types?: readonly NamedTypeNode[] }).types ?? []) add(m.name.value, `${name}.${m.name.value}`);
    }
    s.refs = refs;
  }
  return s.refs.get(type) ?? [];
}

/**
 * Where a removed type is shown in the head: the first field (or argument, union) that used it in
 * the base and still exists, else its parent type, else the definition that preceded it.
 */
function locateRemovedType(b: Sdl, h: Sdl, type: string): Range {
  let parent: Range | undefined;
  for (const p of referrers(b, type)) {
    const at = locate(h, p);
    if (at.exact) return at.range;
    if (!parent && at.range !== zeroRange) parent = at.range;
  }
  if (parent) return parent;
  let prev: string | undefined;
  for (const name of b.defs.keys()) {
    if (name === type) break;
    if (h.defs.has(name)) prev = name;
  }
  return prev ? locate(h, prev).range : zeroRange;
}

/** The `@deprecated` reason of a base node, when it was deprecated. */
function deprecationOf(node: ASTNode | undefined): string | undefined {
  const dirs = (node as { directives?: readonly DirectiveNode[] } | undefined)?.directives;
  const d = dirs?.find((x) => x.name.value === 'deprecated');
  if (!d) return undefined;
  const arg = d.arguments?.find((a) => a.name.value === 'reason');
  return arg && arg.value.kind === Kind.STRING ? arg.value.value : 'No longer supported';
}

function level(c: Change): 'error' | 'warning' | 'info' {
  return c.criticality.level === CriticalityLevel.Breaking ? 'error' : c.criticality.level === CriticalityLevel.Dangerous ? 'warning' : 'info';
}

export interface GraphqlDiffOptions {
  includeInfo?: boolean;
  /** api.deprecationDays, named in the message of a removal of something deprecated. */
  deprecationDays?: number;
}

/** Diffs two SDL texts. `base` undefined: a new file, nothing to compare (only parse problems). */
export async function diffGraphql(file: string, base: string | undefined, head: string, baseLabel?: string, opts: GraphqlDiffOptions | boolean = {}): Promise<Finding[]> {
  const o: GraphqlDiffOptions = typeof opts === 'boolean' ? { includeInfo: opts } : opts;
  const h = loadSdl(file, head, true);
  if (h.error) return [invalidSchema.finding({ message: h.error.message, file, range: h.error.range, data: { problem: 'parse' } })];
  if (base === undefined) return [];
  // The base is not validated (a sixth of the work on a large schema): its problems are never
  // reported, and those that would make the diff wrong (an unknown type, a bad root) still throw
  // while building, which skips the comparison.
  const b = loadSdl(file, base, false);
  if (b.error || !b.doc || !h.doc) return [];
  let pair: [GraphQLSchema, GraphQLSchema];
  try {
    pair = reducedSchemas(b, h) ?? [schemaOf(b), schemaOf(h)];
  } catch {
    return [];
  }
  // Removing a deprecated field stays BREAKING (no suppressRemovalOfDeprecatedField): clients still
  // selecting it fail validation; the deprecation is named in the message, and accepting the change
  // is how it ships on purpose.
  const changes = await diff(pair[0], pair[1]);
  const out: Finding[] = [];
  for (const c of changes) {
    const sev = level(c);
    if (sev === 'info' && !o.includeInfo) continue;
    const removed = /REMOVED$/.test(c.type);
    const typeRemoved = c.type === T.TypeRemoved && !!c.path;
    const at = typeRemoved ? { range: locateRemovedType(b, h, c.path!), exact: false } : locate(h, c.path);
    const baseNode = removed || !at.exact ? locateNode(b, c.path) : undefined;
    const baseAt = baseNode?.exact && baseNode.node ? rangeOf(b.lines, baseNode.node) : undefined;
    let message = `${c.message}${c.criticality.reason ? ` (${c.criticality.reason.replace(/\.$/, '')})` : ''}`;
    if (removed && sev === 'error' && c.path) {
      const reason = deprecationOf(baseMember(b, c.path));
      if (reason !== undefined) message = deprecatedRemovalMessage(c.message, reason, o.deprecationDays);
    }
    out.push(
      ruleOf(c.type).finding({
        message,
        file,
        range: at.range,
        severity: sev,
        related: baseAt ? [{ file, range: baseAt, message: `${typeRemoved ? 'defined ' : ''}at ${baseLabel ?? 'the base'}`, revision: baseLabel }] : undefined,
        data: { fingerprint: fingerprint(c.type, c.path ?? c.message), change: c.type, 'graphql-inspector': c.type, ...(c.path ? { path: c.path } : {}) },
      }),
    );
  }
  return out;
}

/**
 * The two schemas graphql-inspector compares, without the definitions whose text is the same on
 * both sides: those become `scalar` stubs (their name is all a changed definition compares), so
 * the diff walks only what changed. Its changes are the full diff's (a change is always inside a
 * definition whose text changed), except that an argument default of an unchanged type that
 * coerces through a changed input type is not re-reported beside the input change itself.
 * Undefined (compare the full schemas) with type extensions or duplicate names.
 */
function reducedSchemas(b: Sdl, h: Sdl): [GraphQLSchema, GraphQLSchema] | undefined {
  if (!b.doc || !h.doc) return undefined;
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  const slices = (s: Sdl) => {
    const m = new Map<string, string>();
    for (const d of s.doc!.definitions) {
      if (d.kind === Kind.SCHEMA_DEFINITION) {
        for (const o of d.operationTypes) roots.add(o.type.name.value);
        continue;
      }
      if (d.kind === Kind.DIRECTIVE_DEFINITION) continue;
      if (!('name' in d) || !d.name || /EXTENSION$/.test(d.kind) || !d.loc) return undefined;
      if (m.has(d.name.value)) return undefined;
      m.set(d.name.value, s.text.slice(d.loc.start, d.loc.end));
    }
    return m;
  };
  const bs = slices(b);
  const hs = slices(h);
  if (!bs || !hs) return undefined;
  const same = new Set<string>();
  for (const [name, text] of bs) if (hs.get(name) === text && !roots.has(name)) same.add(name);
  if (same.size < 16) return undefined;
  const stub = (name: string): DefinitionNode => ({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value: name } });
  const stubs = [...same].map(stub);
  const build = (s: Sdl): GraphQLSchema => buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...s.doc!.definitions.filter((d) => !('name' in d && d.name && d.kind !== Kind.DIRECTIVE_DEFINITION && same.has(d.name.value))), ...stubs] }, { assumeValidSDL: true });
  try {
    return [build(b), build(h)];
  } catch {
    return undefined;
  }
}

/** The base declaration (not its name) at a dotted path, for its directives. */
function baseMember(b: Sdl, path: string): ASTNode | undefined {
  const parts = path.split('.');
  let node: ASTNode | undefined = b.defs.get(parts[0]);
  for (let i = 1; node && i < parts.length; i++) node = member(node, parts[i]);
  return node;
}

const DATE = /\b(\d{4}-\d{2}-\d{2})\b/;

function deprecatedRemovalMessage(what: string, reason: string, days: number | undefined): string {
  const date = DATE.exec(reason)?.[1];
  const policy = days && days > 0 ? `; the policy (api.deprecationDays) asks for ${days} days of deprecation` : '';
  const since = date ? ` (dated ${date}${days && days > 0 ? `, ${daysSince(date)} days ago` : ''})` : '';
  return `${what.replace(/ \(deprecated\)/, '')}: it was deprecated ("${reason}")${since}${policy}, but clients still selecting it fail validation after the deploy. Accept the change once no client uses it.`;
}

function daysSince(date: string): number {
  return Math.floor((Date.now() - Date.parse(date)) / 86400000);
}
