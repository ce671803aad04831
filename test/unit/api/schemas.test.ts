import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { diffGraphql } from '../../../src/core/api/graphql';
import { diffProto } from '../../../src/core/api/proto';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { branchRepo, removeTree, cli, stripeSpec, tempTree } from '../helpers';

const SDL = `type Query {
  user(id: ID!): User
  users(first: Int = 10): [User!]!
}

enum Role {
  ADMIN
  MEMBER
}

type User {
  id: ID!
  name: String
  email: String
  role: Role!
}

input NewUser {
  name: String!
}
`;

const line = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('api: GraphQL SDL and protobuf diffs', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('GraphQL: graphql-inspector criticality mapped to severities, located in the head SDL (removals at the parent, base related)', async () => {
    const head = SDL.replace('  email: String\n', '')
      .replace('  MEMBER\n', '  MEMBER\n  GUEST\n')
      .replace('  name: String!\n}', '  name: String!\n  age: Int!\n}')
      .replace('users(first: Int = 10)', 'users(first: Int = 20)');
    const fs = await diffGraphql('schema.graphql', SDL, head, 'main@abc1234');
    const by = (t: string) => fs.find((f) => f.data?.['graphql-inspector'] === t)!;
    assert.equal(by('FIELD_REMOVED').severity, 'error');
    assert.equal(by('FIELD_REMOVED').ruleId, 'api/graphql-field-removed');
    assert.equal(by('FIELD_REMOVED').range.start.line, line(head, 'type User'));
    assert.equal(by('FIELD_REMOVED').related?.[0].range.start.line, line(SDL, 'email: String'));
    assert.equal(by('INPUT_FIELD_ADDED').severity, 'error');
    assert.equal(by('INPUT_FIELD_ADDED').range.start.line, line(head, 'age: Int!'));
    assert.equal(by('ENUM_VALUE_ADDED').severity, 'warning');
    assert.equal(by('FIELD_ARGUMENT_DEFAULT_CHANGED').severity, 'warning');
    assert.equal(fs.length, 4, fs.map((f) => f.message).join('\n'));
    assert.deepEqual(await diffGraphql('schema.graphql', SDL, SDL), []);
  });

  it('GraphQL: removing a deprecated field is still an error; a syntax error is one finding at its line', async () => {
    const base = SDL.replace('  email: String\n', '  email: String @deprecated(reason: "use contact")\n');
    const fs = await diffGraphql('s.graphql', base, SDL.replace('  email: String\n', ''));
    assert.deepEqual(fs.map((f) => f.severity), ['error']);
    const bad = await diffGraphql('s.graphql', SDL, 'type Query {\n  a: Int\n  b: \n}\n');
    assert.equal(bad.length, 1);
    assert.equal(bad[0].ruleId, 'api/invalid-schema');
    assert.equal(bad[0].range.start.line, 3);
  });

  const PROTO = `syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  int32 total = 2;
  repeated string tags = 3;
  reserved 9;
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_OPEN = 1;
  STATUS_PAID = 2;
}

service Orders {
  rpc Get (Order) returns (Order);
  rpc Delete (Order) returns (Order);
}
`;

  it('protobuf: field deletion, type change, number reuse, enum value and RPC removal, with buf names and head positions', () => {
    const head = PROTO.replace('  int32 total = 2;\n', '')
      .replace('repeated string tags = 3;', 'repeated int64 tags = 3;\n  string note = 9;')
      .replace('  STATUS_PAID = 2;\n', '')
      .replace('  rpc Delete (Order) returns (Order);\n', '');
    const fs = diffProto('shop.proto', PROTO, head, 'main@abc1234');
    const by = (id: string) => fs.find((f) => f.data?.buf === id)!;
    assert.deepEqual(fs.map((f) => f.data?.buf).sort(), ['ENUM_VALUE_NO_DELETE', 'FIELD_NO_DELETE', 'FIELD_SAME_TYPE', 'RESERVED_MESSAGE_NO_DELETE', 'RPC_NO_DELETE']);
    assert.equal(by('FIELD_NO_DELETE').range.start.line, line(head, 'message Order'));
    assert.equal(by('FIELD_NO_DELETE').related?.[0].range.start.line, line(PROTO, 'int32 total'));
    assert.equal(by('FIELD_SAME_TYPE').range.start.line, line(head, 'tags = 3'));
    assert.match(by('FIELD_SAME_TYPE').message, /string to int64.*buf FIELD_SAME_TYPE/);
    assert.equal(by('RPC_NO_DELETE').ruleId, 'api/proto-service-changed');
    assert.ok(fs.every((f) => f.severity === 'error'));
    assert.deepEqual(diffProto('shop.proto', PROTO, PROTO), []);
    // Deleting a field with its number and name reserved is the safe way.
    assert.deepEqual(diffProto('shop.proto', PROTO, PROTO.replace('  int32 total = 2;\n', '  reserved 2;\n  reserved "total";\n')), []);
  });

  it('protobuf: a renamed package and a parse error are reported', () => {
    const fs = diffProto('a.proto', PROTO, PROTO.replace('package shop.v1;', 'package shop.v2;'));
    assert.deepEqual(fs.map((f) => f.data?.buf), ['FILE_SAME_PACKAGE']);
    const bad = diffProto('a.proto', PROTO, PROTO.replace('int32 total = 2;', 'int32 total = ;'));
    assert.equal(bad.length, 1);
    assert.equal(bad[0].ruleId, 'api/invalid-schema');
    assert.equal(bad[0].range.start.line, line(PROTO, 'int32 total'));
  });

  it('runs in the workspace against the merge base for .graphql and .proto files; a new schema file has no findings', async () => {
    const dir = branchRepo(
      { 'schema.graphql': SDL, 'proto/shop.proto': PROTO },
      { 'schema.graphql': SDL.replace('  email: String\n', ''), 'proto/shop.proto': PROTO.replace('  rpc Delete (Order) returns (Order);\n', ''), 'proto/new.proto': PROTO },
    );
    dirs.push(dir);
    const report = await (await Workspace.open({ root: dir, config: defaultConfig() })).analyze();
    const api = report.findings.filter((f) => f.area === 'api');
    assert.deepEqual(api.map((f) => `${f.file}:${f.ruleId}`).sort(), ['proto/shop.proto:api/proto-service-changed', 'schema.graphql:api/graphql-field-removed']);
    assert.ok(api.every((f) => f.related?.[0].revision?.startsWith('main@')));
  });
});

describe('api: api-diff on the command line', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('compares GraphQL and protobuf files, in every output format, with exit codes by severity', async () => {
    const dir = tempTree({
      'old.graphql': 'type Query { a: Int, b: String }\n',
      'new.graphql': 'type Query { a: Int }\n',
      'old.proto': 'syntax = "proto3";\nmessage M { int32 a = 1; }\n',
      'new.proto': 'syntax = "proto3";\nmessage M { int64 a = 1; }\n',
    });
    dirs.push(dir);
    const g = await cli(['api-diff', 'old.graphql', 'new.graphql', '--format', 'json'], dir);
    assert.equal(g.code, 1, g.stderr);
    assert.equal(JSON.parse(g.stdout).findings[0].ruleId, 'api/graphql-field-removed');
    const p = await cli(['api-diff', 'old.proto', 'new.proto', '--format', 'sarif'], dir);
    assert.equal(p.code, 1, p.stderr);
    const sarif = JSON.parse(p.stdout);
    assert.equal(sarif.runs[0].results[0].ruleId, 'api/proto-field-changed');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, 2);
    for (const fmt of ['text', 'github', 'markdown']) {
      const r = await cli(['api-diff', 'old.proto', 'new.proto', '--format', fmt], dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /FIELD\\?_SAME\\?_TYPE/);
    }
    assert.equal((await cli(['api-diff', 'old.proto', 'new.graphql'], dir)).code, 2);
  });

  it('analyses a real 4 MB spec over the general maxFileSize (api.maxFileSize), and reports one over the API cap by name', async function () {
    this.timeout(120000);
    const spec = stripeSpec('spec3-2023-08-09-38321b8c.yaml');
    const dir = tempTree({ 'a.yaml': spec, 'b.yaml': spec.replace(/(^ {4}tax_id:\n[\s\S]*?enum:\n)/m, '$1            - zz_new\n'), '.deploy-readiness.yaml': 'api:\n  maxFileSize: 1000000\n' });
    dirs.push(dir);
    const ok = await cli(['api-diff', 'a.yaml', 'b.yaml', '--format', 'json'], dir);
    assert.equal(ok.code, 2, 'the local config caps API files at 1 MB');
    assert.match(ok.stderr, /a\.yaml: \d+ bytes is over the size limit of 1000000 bytes \(api\.maxFileSize\)/);
    writeFileSync(path.join(dir, '.deploy-readiness.yaml'), '');
    const r = await cli(['api-diff', 'a.yaml', 'b.yaml', '--format', 'json', '--fail-on', 'warning'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.findings.map((f: { message: string }) => f.message.replace(/^.*?: schema/, 'schema')), ['schema tax_id property object: enum value "zz_new" added; clients with an exhaustive switch may not handle them']);
  });
});
