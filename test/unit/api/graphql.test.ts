import * as assert from 'node:assert/strict';
import { diffGraphql } from '../../../src/core/api/graphql';

const SDL = `type Query {
  user(id: ID!): User
  account(id: ID!): Account
  search(term: String): [SearchResult!]!
}

"""A person."""
type User {
  id: ID!
  name: String
  email: String @deprecated(reason: "use contact, removal after 2024-01-31")
  legacyId: Int @deprecated
}

type Account {
  id: ID!
  owner: User
}

type Team {
  id: ID!
}

union SearchResult = User | Team

enum Role {
  ADMIN
  MEMBER
  GUEST @deprecated(reason: "guests were merged into members")
}
`;

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('api: GraphQL diff (severity of removals, positions, large schemas)', () => {
  it('removing a deprecated field or enum value is an error that names the deprecation and its date', async () => {
    const head = SDL.replace(/ {2}email: String @deprecated.*\n/, '').replace(/ {2}GUEST @deprecated.*\n/, '');
    const fs = await diffGraphql('schema.graphql', SDL, head, 'main@abc1234');
    const email = fs.find((f) => f.data?.path === 'User.email')!;
    assert.equal(email.severity, 'error');
    assert.equal(email.ruleId, 'api/graphql-field-removed');
    assert.match(email.message, /deprecated \("use contact, removal after 2024-01-31"\) \(dated 2024-01-31\)/);
    assert.match(email.message, /Accept the change/);
    assert.doesNotMatch(email.message, /\(deprecated\) was/);
    assert.equal(email.related?.[0].range.start.line, lineOf(SDL, 'email: String'));
    const guest = fs.find((f) => f.data?.path === 'Role.GUEST')!;
    assert.equal(guest.severity, 'error');
    assert.match(guest.message, /deprecated \("guests were merged into members"\)/);
  });

  it('names api.deprecationDays in the message when set, and a bare @deprecated gets the default reason', async () => {
    const head = SDL.replace('  legacyId: Int @deprecated\n', '');
    const [f] = await diffGraphql('schema.graphql', SDL, head, undefined, { deprecationDays: 90 });
    assert.equal(f.severity, 'error');
    assert.match(f.message, /No longer supported/);
    assert.match(f.message, /api\.deprecationDays\) asks for 90 days/);
    const [g] = await diffGraphql('schema.graphql', SDL.replace('"use contact, removal after 2024-01-31"', '"since 2024-01-31"'), SDL.replace(/ {2}email: String @deprecated.*\n/, ''), undefined, { deprecationDays: 30 });
    assert.match(g.message, /dated 2024-01-31, \d+ days ago/);
  });

  it('a removal that was never deprecated keeps the graphql-inspector message', async () => {
    const [f] = await diffGraphql('schema.graphql', SDL, SDL.replace('  name: String\n', ''));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /Field 'name' was removed from object type 'User'/);
  });

  it('a removed type is shown where it was used (a field that now has another type), with its base definition related', async () => {
    const head = SDL.replace(/type Account \{[^}]*\}\n\n/, '').replace('account(id: ID!): Account', 'account(id: ID!): User');
    const fs = await diffGraphql('schema.graphql', SDL, head, 'main@abc1234');
    const removed = fs.find((f) => f.data?.['graphql-inspector'] === 'TYPE_REMOVED')!;
    assert.equal(removed.ruleId, 'api/graphql-type-removed');
    assert.equal(removed.range.start.line, lineOf(head, 'account(id: ID!): User'));
    assert.notEqual(removed.range.start.line, 0);
    assert.equal(removed.related?.[0].range.start.line, lineOf(SDL, 'type Account'));
    assert.match(removed.related?.[0].message ?? '', /defined at main@abc1234/);
  });

  it('a removed type whose users are gone too is shown at its parent or the definition before it, not at line 1', async () => {
    // Team is used by the union SearchResult: removing both the member and the type.
    const head = SDL.replace(/type Team \{[^}]*\}\n\n/, '').replace('union SearchResult = User | Team', 'union SearchResult = User');
    const fs = await diffGraphql('schema.graphql', SDL, head);
    const removed = fs.find((f) => f.data?.['graphql-inspector'] === 'TYPE_REMOVED')!;
    assert.equal(removed.range.start.line, lineOf(head, 'union SearchResult'));
    // A type nobody used: at the definition that preceded it.
    const lone = SDL.replace('type Team {\n  id: ID!\n}\n', 'type Team {\n  id: ID!\n}\n\ntype Orphan {\n  id: ID!\n}\n');
    const fs2 = await diffGraphql('schema.graphql', lone, SDL);
    const r2 = fs2.find((f) => f.data?.['graphql-inspector'] === 'TYPE_REMOVED')!;
    assert.equal(r2.range.start.line, lineOf(SDL, 'type Team'));
  });

  it('locates members precisely on a large schema, with CRLF line breaks', async () => {
    const parts = ['type Query {\r\n  t0: T0\r\n}\r\n'];
    for (let i = 0; i < 1500; i++) parts.push(`type T${i} {\r\n  a: String\r\n  b(x: Int): Int\r\n}\r\n`);
    const base = parts.join('');
    const head = base.replace('type T1499 {\r\n  a: String\r\n  b(x: Int): Int', 'type T1499 {\r\n  a: String!\r\n  b(x: Int, y: Int!): Int');
    const fs = await diffGraphql('big.graphql', base, head);
    const arg = fs.find((f) => f.data?.path === 'T1499.b.y')!;
    const lines = head.split('\r\n');
    const l = lines.findIndex((x) => x.includes('y: Int!'));
    assert.equal(arg.range.start.line, l);
    assert.equal(arg.range.start.character, lines[l].indexOf('y'));
    assert.equal(arg.range.end.character, lines[l].indexOf('y') + 1);
  });

  it('compares only what changed on a large schema, yet a head that removes a type an unchanged type uses is invalid, not a removal', async () => {
    const parts = ['type Query {\n  t0: T0\n}\n', 'type Used {\n  id: ID\n}\n'];
    for (let i = 0; i < 200; i++) parts.push(`type T${i} {\n  a: String\n  u: Used\n}\n`);
    const base = parts.join('');
    const bad = await diffGraphql('big.graphql', base, base.replace('type Used {\n  id: ID\n}\n', ''));
    assert.deepEqual(bad.map((f) => f.ruleId), ['api/invalid-schema']);
    assert.match(bad[0].message, /Unknown type "Used"/);
    // A change deep in the file among 200 unchanged types is found, with the same message as a full diff.
    const fs = await diffGraphql('big.graphql', base, base.replace('type T150 {\n  a: String\n', 'type T150 {\n  a: Int\n'));
    assert.deepEqual(fs.map((f) => [f.data?.path, f.severity]), [['T150.a', 'error']]);
    assert.match(fs[0].message, /Field 'T150.a' changed type from 'String' to 'Int'/);
  });

  it('an invalid head (a field defined twice, as in GitHub\'s public schema of 2025-02) is located at the duplicate, not line 1', async () => {
    const head = SDL.replace('  name: String\n', '  name: String\n  name: String\n');
    const [f] = await diffGraphql('schema.graphql', SDL, head);
    assert.equal(f.ruleId, 'api/invalid-schema');
    assert.match(f.message, /Field "User.name" can only be defined once/);
    assert.equal(f.range.start.line, lineOf(head, 'name: String') + 1);
  });
});
