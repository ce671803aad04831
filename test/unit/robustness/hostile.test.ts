import * as assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Report } from '../../../src/core/model';
import { branchRepo, git, removeTree, cli, tempTree } from '../helpers';
import { rangeProblems, Sandbox } from './sandbox';

/**
 * Hostile repositories through the whole engine (in a watchdog worker) and the CLI: each yields a
 * clear finding or notice naming the file, the rest is analysed, and the CLI keeps its exit codes
 * (0 clean, 1 findings, 2 usage/runtime error).
 */
const IDX = 'CREATE INDEX i ON t (a);\n';

function sparse(file: string, bytes: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

function messages(r: Report): string[] {
  return [...r.findings.map((f) => `${f.file}: ${f.message}`), ...r.notices.map((n) => n.message)];
}

describe('robustness: hostile repositories', function () {
  this.timeout(60_000);
  const sandbox = new Sandbox();
  const dirs: string[] = [];
  after(async () => {
    dirs.forEach(removeTree);
    await sandbox.close();
  });
  const tree = (files: Record<string, string | Buffer>) => {
    const d = tempTree(files);
    dirs.push(d);
    return d;
  };
  async function analyze(root: string, label: string, trusted = false, timeoutMs = 20_000): Promise<Report> {
    const r = await sandbox.run({ op: 'workspace', root, trusted }, label, timeoutMs);
    return r.report!;
  }

  it('symlink loops are not followed, and links out of the workspace are never read', async () => {
    const outside = tree({ 'secret.sql': 'CREATE INDEX leaked ON secrets (v);\n', 'dir/x.sql': IDX });
    const root = tree({ 'migrations/001_ok.sql': IDX });
    symlinkSync(root, path.join(root, 'loop'));
    mkdirSync(path.join(root, 'a/b'), { recursive: true });
    symlinkSync('../..', path.join(root, 'a/b/up'));
    symlinkSync(path.join(outside, 'secret.sql'), path.join(root, 'migrations/002_link.sql'));
    symlinkSync(path.join(outside, 'dir'), path.join(root, 'migrations/linked-dir'));
    const report = await analyze(root, 'symlinks');
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ['migrations/001_ok.sql']);
    // Passed explicitly, a link to a file outside the workspace is named and not read.
    const r = await cli(['check', 'migrations/002_link.sql', '--format', 'json'], root);
    assert.notEqual(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(!JSON.stringify(out).includes('leaked'), 'content from outside the workspace was read');
    assert.ok(out.findings.some((f: { file: string; message: string }) => f.file === 'migrations/002_link.sql' && /outside the workspace/.test(f.message)), r.stdout);
  });

  it('gigantic files (50 MB) are skipped with a notice naming each; the rest is analysed', async () => {
    const root = tree({ 'migrations/001_ok.sql': IDX, '.env.example': 'A=\n' });
    sparse(path.join(root, 'migrations/002_huge.sql'), 50 * 1024 * 1024);
    sparse(path.join(root, 'api/openapi.json'), 50 * 1024 * 1024);
    sparse(path.join(root, 'src/bundle.js'), 50 * 1024 * 1024);
    // Just under the limit: one 1.5 MB line of code.
    writeFileSync(path.join(root, 'src/one-line.js'), 'const a = process.env.A;' + ' x = 1;'.repeat(220_000) + 'const b = process.env.HUGE_LINE_VAR;');
    const report = await analyze(root, 'gigantic files');
    const all = messages(report);
    assert.ok(all.some((m) => m.includes('migrations/002_huge.sql') && /over the size limit/.test(m)), all.join('\n'));
    assert.ok(all.some((m) => m.includes('api/openapi.json') && /over the size limit/.test(m)), all.join('\n'));
    assert.ok(all.some((m) => m.includes('src/bundle.js') && /over the size limit/.test(m)), all.join('\n'));
    assert.ok(report.findings.some((f) => f.file === 'migrations/001_ok.sql'));
    const huge = report.findings.find((f) => f.data?.variable === 'HUGE_LINE_VAR');
    assert.ok(huge, 'the read at the end of the 1.5 MB line is found');
    assert.ok(huge.range.start.character > 1_500_000);
  });

  it('thousands of files in deep folders are all analysed', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`pkg${i % 30}/${'d/'.repeat(i % 12)}m${i}.txt`] = 'x';
    for (let i = 0; i < 150; i++) files[`svc${i % 5}/migrations/${String(i).padStart(4, '0')}_x.sql`] = i % 2 ? IDX : 'SELECT 1;\n';
    const report = await analyze(tree(files), '3,150 files');
    assert.equal(report.facts.migrations.length, 150);
    assert.equal(report.findings.filter((f) => f.ruleId === 'migration/require-concurrent-index').length, 75);
  });

  it('weird file names are reported exactly, in every output format', async () => {
    const names = ['001 with space.sql', '002_ünïcødé_🚀.sql', '003_new\nline.sql', '-rf.sql', '%s%n%0A.sql', `a'b"c\`$(x).sql`, '::error file=x::.sql', `${'long_'.repeat(45)}.sql`, '#hash,comma.sql', '..dots.sql'];
    const files = Object.fromEntries(names.map((n) => [`migrations/${n}`, IDX]));
    const root = tree(files);
    const report = await analyze(root, 'weird names');
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))].sort(), names.map((n) => `migrations/${n}`).sort());
    const json = await cli(['check', '.', '--format', 'json'], root);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual([...new Set<string>(JSON.parse(json.stdout).findings.map((f: { file: string }) => f.file))].sort(), names.map((n) => `migrations/${n}`).sort());
    const explicit = await cli(['check', 'migrations/..dots.sql', '--format', 'json'], root);
    assert.deepEqual([...new Set(JSON.parse(explicit.stdout).findings.map((f: { file: string }) => f.file))], ['migrations/..dots.sql'], explicit.stderr);
    const gh = await cli(['check', '.', '--format', 'github'], root);
    // One annotation per finding, each on its own line: a name cannot inject a workflow command.
    const commands = gh.stdout.split('\n').filter((l) => l.startsWith('::'));
    assert.equal(commands.filter((l) => l.startsWith('::error ')).length, names.length, gh.stdout);
    assert.ok(commands.every((l) => /^::(error|warning|notice) /.test(l)), gh.stdout);
  });

  it('a `.git` that is a file pointing nowhere: a notice, and static analysis still runs', async () => {
    const root = tree({ '.git': 'gitdir: /nonexistent/worktrees/x\n', 'migrations/001.sql': IDX });
    const report = await analyze(root, '.git file', true);
    assert.ok(report.notices.some((n) => /not a git repository/.test(n.message)), messages(report).join('\n'));
    assert.ok(report.findings.some((f) => f.file === 'migrations/001.sql'));
  });

  it('YAML alias bombs in an OpenAPI file and in the config are bounded and reported', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const text = bomb.join('\n') + '\n';
    const root = tree({ 'api/openapi.yaml': `openapi: 3.0.0\ninfo: { title: x, version: '1' }\npaths: {}\n${text}`, 'migrations/001.sql': IDX });
    const report = await analyze(root, 'alias bomb', false, 20_000);
    assert.ok(report.findings.some((f) => f.file === 'migrations/001.sql'));
    writeFileSync(path.join(root, '.deploy-readiness.yaml'), text);
    const r = await cli(['check', '.'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.deploy-readiness\.yaml/);
  });

  it('$ref cycles, $refs out of the workspace and http $refs: analysed without following them', async () => {
    const spec = (extra: string) => `openapi: 3.0.3
info: { title: x, version: '1' }
paths:
  /a:
    get:
      responses:
        '200': { $ref: '#/components/responses/A' }
  /b:
    $ref: '../../../../../../etc/passwd#/x'
  /c:
    $ref: 'http://127.0.0.1:9/never.yaml'
${extra}components:
  responses:
    A: { $ref: '#/components/responses/B' }
    B: { $ref: '#/components/responses/A' }
  schemas:
    Self: { $ref: '#/components/schemas/Self' }
`;
    const root = branchRepo({ 'openapi.yaml': spec('  /gone:\n    get: { responses: {} }\n') }, { 'openapi.yaml': spec('') });
    dirs.push(root);
    const report = await analyze(root, '$ref cycles', true);
    const removed = report.findings.filter((f) => f.ruleId === 'api/path-removed');
    assert.deepEqual(removed.map((f) => f.data?.path), ['/gone']);
    assert.ok(!JSON.stringify(report).includes('root:x:0:0'), '/etc/passwd was read');
  });

  it('100,000-deep nesting in JSON, YAML, SQL and code: bounded, named, the rest analysed', async () => {
    const depth = 100_000;
    const root = tree({
      'api/openapi.json': `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      'api/deep.yaml': `openapi: 3.0.0\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
      'migrations/001_deep.sql': `SELECT ${'('.repeat(depth)}1${')'.repeat(depth)};\n`,
      'src/deep.js': `const a = ${'['.repeat(depth)}${']'.repeat(depth)}; const b = process.env.AFTER_DEEP;\n`,
      'migrations/002_ok.sql': IDX,
      'openapi.yaml': 'openapi: 3.0.0\ninfo: { title: x, version: "1" }\npaths: {}\n',
      '.env.example': 'A=\n',
    });
    const report = await analyze(root, 'deep nesting', false, 45_000);
    assert.ok(report.findings.some((f) => f.file === 'migrations/002_ok.sql'), messages(report).join('\n'));
    for (const f of report.findings) assert.deepEqual(rangeProblems([f], f.file, undefined).filter((p) => !p.includes('past line 0')), []);
    assert.ok(!report.findings.some((f) => f.ruleId === 'engine/analysis-failed'), `an analyzer failed:\n${messages(report).join('\n')}`);
    const ruleAt = (file: string) => report.findings.filter((f) => f.file === file).map((f) => f.ruleId);
    assert.deepEqual(ruleAt('api/openapi.json'), ['api/invalid-schema']);
    assert.deepEqual(ruleAt('api/deep.yaml'), ['api/invalid-schema']);
    assert.deepEqual(ruleAt('migrations/001_deep.sql'), ['migration/syntax-error']);
    assert.ok(report.findings.some((f) => f.file === 'src/deep.js' && f.data?.variable === 'AFTER_DEEP'), 'code after the nesting is still scanned');
  });

  it('a file deleted between the walk and the analysis is skipped; the rest is analysed', async () => {
    const root = tree({ 'migrations/001.sql': IDX, 'migrations/002.sql': IDX, 'src/a.js': 'process.env.X', '.env.example': '' });
    const ws = await Workspace.open({ root, config: defaultConfig(), trusted: false });
    rmSync(path.join(root, 'migrations/001.sql'));
    rmSync(path.join(root, 'src/a.js'));
    const report = await ws.analyze();
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ['migrations/002.sql']);
  });

  describe('git states (CLI exit codes)', () => {
    it('no git repository: exit 1 on findings with a note; --base is a runtime error (exit 2)', async () => {
      const root = tree({ 'migrations/001.sql': IDX });
      const r = await cli(['check', '.'], root);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /not a git repository/);
      const b = await cli(['check', '.', '--base', 'main'], root);
      assert.equal(b.code, 2);
      assert.match(b.stderr, /could not compare with --base main/);
    });

    it('a shallow clone without the base, a detached HEAD, a missing base branch', async () => {
      const origin = branchRepo({ 'migrations/001.sql': 'SELECT 1;\n' }, { 'migrations/002.sql': IDX });
      dirs.push(origin);
      const clones = tree({});
      const shallow = path.join(clones, 'shallow');
      git(clones, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, shallow);
      const s = await cli(['check', '.', '--base', 'main'], shallow);
      assert.equal(s.code, 2);
      assert.match(s.stderr, /shallow clone/);
      git(origin, 'checkout', '-q', '--detach', 'HEAD');
      const d = await cli(['check', '.', '--base', 'main', '--format', 'json'], origin);
      assert.equal(d.code, 1, d.stderr);
      assert.deepEqual([...new Set(JSON.parse(d.stdout).findings.map((f: { file: string }) => f.file))], ['migrations/002.sql']);
      const m = await cli(['check', '.', '--base', 'no-such-branch'], origin);
      assert.equal(m.code, 2);
      assert.match(m.stderr, /no-such-branch/);
    });
  });
});
