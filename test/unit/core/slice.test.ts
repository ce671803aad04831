import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { gitInvocations } from '../../../src/core/git';
import type { Report } from '../../../src/core/model';
import { OverlayReader, DiskReader } from '../../../src/core/reader';
import { applyEdits, branchRepo, removeTree, tempTree } from '../helpers';

const SPEC_BASE = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    get: { responses: { '200': { description: ok } } }
  /orders/{id}:
    get: { responses: { '200': { description: ok } } }
    delete: { responses: { '204': { description: gone } } }
`;
const SPEC_HEAD = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    get: { responses: { '200': { description: ok } } }
`;

async function analyze(root: string, trusted = true): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), trusted });
  return ws.analyze();
}

describe('vertical slice: one real rule per area, end to end', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('migration: CREATE INDEX without CONCURRENTLY, and its quick fix yields safe SQL', async () => {
    const sql = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nCREATE INDEX users_email_idx ON users (email);\n";
    const dir = tempTree({ 'db/migrations/002_users_email.sql': sql });
    dirs.push(dir);
    const report = await analyze(dir, false);
    const f = report.findings.find((x) => x.ruleId === 'migration/require-concurrent-index');
    assert.ok(f, 'finding expected');
    assert.equal(f.file, 'db/migrations/002_users_email.sql');
    assert.deepEqual(f.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 12 } });
    assert.equal(f.data?.lock, 'SHARE');
    const fixed = applyEdits(sql, f.fixes![0].edits);
    assert.match(fixed, /CREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);/);
    assert.equal(report.verdict, 'blocked');
  });

  it('migration: a syntax error is one finding at its position and the other statements are still linted', async () => {
    const dir = tempTree({ 'migrations/003.sql': 'ALTER TABLE t ADD COLUMN a int;\nCREAT TABLE oops;\nCREATE INDEX i ON t (a);\n' });
    dirs.push(dir);
    const report = await analyze(dir, false);
    const syntax = report.findings.filter((x) => x.ruleId === 'migration/syntax-error');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].range.start.line, 1);
    assert.ok(report.findings.some((x) => x.ruleId === 'migration/require-concurrent-index' && x.range.start.line === 2));
  });

  it('env: a variable read in code but missing from .env.example, with a fix that declares it', async () => {
    const example = '# Database\nDATABASE_URL=postgres://localhost/app\n';
    const dir = tempTree({
      '.env.example': example,
      'src/config.ts': 'export const db = process.env.DATABASE_URL;\nexport const stripe = process.env.STRIPE_KEY;\nexport const port = process.env.APP_PORT ?? "3000";\n',
    });
    dirs.push(dir);
    const report = await analyze(dir, false);
    const env = report.findings.filter((x) => x.ruleId === 'env/missing-from-example');
    assert.deepEqual(env.map((x) => [x.data?.variable, x.severity, x.range.start.line]), [
      ['STRIPE_KEY', 'error', 1],
      ['APP_PORT', 'warning', 2],
    ]);
    const fix = env[0].fixes![0];
    assert.equal(fix.edits[0].file, '.env.example');
    const updated = applyEdits(example, fix.edits);
    assert.match(updated, /^STRIPE_KEY=$/m);
    assert.match(updated, /# Required: read in src\/config\.ts/);
    writeFileSync(path.join(dir, '.env.example'), updated);
    const again = await analyze(dir, false);
    assert.ok(!again.findings.some((x) => x.data?.variable === 'STRIPE_KEY'));
  });

  it('api: an OpenAPI path removed compared with the merge base, at the head file with the base location related', async () => {
    const dir = branchRepo({ 'api/openapi.yaml': SPEC_BASE }, { 'api/openapi.yaml': SPEC_HEAD });
    dirs.push(dir);
    const report = await analyze(dir);
    const removed = report.findings.filter((x) => x.ruleId === 'api/path-removed');
    assert.equal(removed.length, 1);
    assert.match(removed[0].message, /\/orders\/\{id\} \(GET, DELETE\) was removed/);
    assert.equal(removed[0].file, 'api/openapi.yaml');
    assert.equal(removed[0].range.start.line, 2, 'anchored at the surviving `paths:` key');
    assert.equal(removed[0].related?.[0].range.start.line, 5);
    assert.match(removed[0].related?.[0].revision ?? '', /^main@[0-9a-f]{7}$/);
    assert.equal(report.facts.base?.ref, 'main');
  });

  it('api: a spec compared with itself gives nothing, and a new schema file has no base', async () => {
    const dir = branchRepo({ 'openapi.yaml': SPEC_BASE }, { 'openapi.yaml': SPEC_BASE, 'v2/openapi.yaml': SPEC_HEAD });
    dirs.push(dir);
    const report = await analyze(dir);
    assert.equal(report.findings.filter((x) => x.area === 'api').length, 0);
  });

  it('checklist: uncommitted changes in the working tree', async () => {
    const dir = branchRepo({ 'a.txt': 'a' }, { 'a.txt': 'b' });
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.txt'), 'dirty');
    writeFileSync(path.join(dir, 'new.txt'), 'new');
    const report = await analyze(dir);
    const f = report.findings.find((x) => x.ruleId === 'checklist/uncommitted-changes');
    assert.ok(f);
    assert.match(f.message, /2 files have uncommitted changes/);
    assert.deepEqual(f.data?.files, ['a.txt', 'new.txt']);
  });

  it('checklist: a generated runbook (checklist.runbook.path) is not an uncommitted change', async () => {
    const dir = branchRepo({ 'a.txt': 'a' }, { 'a.txt': 'b' });
    dirs.push(dir);
    mkdirSync(path.join(dir, 'docs', 'runbooks'), { recursive: true });
    writeFileSync(path.join(dir, 'docs', 'runbooks', '2026-12-06-feature.md'), '# Runbook');
    assert.equal((await analyze(dir)).findings.filter((x) => x.ruleId === 'checklist/uncommitted-changes').length, 0);
    writeFileSync(path.join(dir, 'docs', 'runbooks', 'notes.md'), 'mine');
    const f = (await analyze(dir)).findings.find((x) => x.ruleId === 'checklist/uncommitted-changes');
    assert.deepEqual(f?.data?.files, ['docs/runbooks/notes.md']);
  });

  it('Restricted Mode: runs no git and says so', async () => {
    const dir = branchRepo({ 'a.txt': 'a' }, { 'a.txt': 'b' });
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.txt'), 'dirty');
    const before = gitInvocations();
    const report = await analyze(dir, false);
    assert.equal(gitInvocations(), before);
    assert.ok(!report.findings.some((x) => x.area === 'checklist'));
    assert.ok(report.notices.some((n) => /Restricted Mode: git was not run/.test(n.message)));
  });

  it('lints an unsaved buffer through the injected reader', async () => {
    const dir = tempTree({ 'migrations/001.sql': 'SELECT 1;\n' });
    dirs.push(dir);
    const reader = new OverlayReader(new DiskReader(dir, 1 << 20));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader });
    assert.equal((await ws.analyze()).findings.length, 0);
    reader.set('migrations/001.sql', 'CREATE INDEX i ON t (a);\n');
    const findings = await ws.analyzeFile('migrations/001.sql');
    assert.ok(findings.some((f) => f.ruleId === 'migration/require-concurrent-index'));
    assert.ok(findings.every((f) => f.file === 'migrations/001.sql'));
    assert.equal(readFileSync(path.join(dir, 'migrations/001.sql'), 'utf8'), 'SELECT 1;\n');
  });

  it('bad input: a binary or non-UTF-8 migration is reported by name and the rest is analysed', async () => {
    const dir = tempTree({
      'migrations/001_bin.sql': Buffer.from([0x43, 0x00, 0xff, 0x10]),
      'migrations/002_latin1.sql': Buffer.from('-- caf\xe9\nSELECT 1;', 'latin1'),
      'migrations/003_ok.sql': 'CREATE INDEX i ON t (a);',
    }) as string;
    dirs.push(dir);
    const report = await analyze(dir, false);
    const unreadable = report.findings.filter((f) => f.ruleId === 'migration/unreadable-file');
    assert.deepEqual(unreadable.map((f) => f.file), ['migrations/001_bin.sql', 'migrations/002_latin1.sql']);
    assert.match(unreadable[0].message, /001_bin\.sql: binary content/);
    assert.match(unreadable[1].message, /not valid UTF-8/);
    assert.ok(report.findings.some((f) => f.file === 'migrations/003_ok.sql'));
  });
});
