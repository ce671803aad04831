import * as assert from 'node:assert/strict';
import { silentLogger } from '../../../src/core/analyzer';
import { defaultConfig } from '../../../src/core/config';
import type { Progress } from '../../../src/core/protocol';
import { AnalysisService } from '../../../src/core/service';
import { compareFindings, replaceFileFindings, type Finding } from '../../../src/core/model';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, removeTree, BLOCKING_MIGRATION, blockingMigrationRepo } from '../helpers';

const { path: MIGRATION, bad: BAD, fixed: FIXED } = BLOCKING_MIGRATION;

const repo = blockingMigrationRepo;

describe('the analysis worker: per-file first, cancel, progress, hovers', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('lints an opened migration before any full analysis, with the areas that need no whole-repository report', async () => {
    const dir = repo(5);
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    await service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    const r = await service.call('analyzeFile', { rel: MIGRATION, text: BAD });
    assert.ok(r.findings.some((f) => f.ruleId === 'migration/require-concurrent-index' && f.file === MIGRATION), JSON.stringify(r.findings.map((f) => f.ruleId)));
    assert.deepEqual([...r.areas].sort(), ['api', 'migration'], 'environment findings wait for the report (they need every example file)');
  });

  it('a per-file lint does not wait for a running full analysis; after the report it covers every per-file area', async () => {
    const dir = repo(600);
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    await service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    await service.call('analyzeFile', { rel: MIGRATION, text: BAD }); // the parser is loaded
    const order: string[] = [];
    const full = service.call('analyze', {}).then((r) => (order.push('analyze'), r));
    const t0 = performance.now();
    const one = await service.call('analyzeFile', { rel: MIGRATION, text: FIXED }).then((r) => (order.push('analyzeFile'), r));
    const ms = performance.now() - t0;
    const report = (await full).report;
    assert.deepEqual(order, ['analyzeFile', 'analyze'], `the per-file answer came after the full analysis (${Math.round(ms)} ms)`);
    assert.ok(!one.findings.some((f) => f.ruleId === 'migration/require-concurrent-index'));
    assert.ok(report.findings.some((f) => f.file.startsWith('src/')), 'the full analysis read the sources');
    const after = await service.call('analyzeFile', { rel: 'src/m1.js', text: 'const x = process.env.BRAND_NEW;\n' });
    assert.ok(after.areas.includes('env'), JSON.stringify(after.areas));
    assert.ok(after.findings.some((f) => f.ruleId === 'env/missing-from-example' && /BRAND_NEW/.test(f.message)), JSON.stringify(after.findings.map((f) => f.message)));
  });

  it('cancel stops the running analysis; the workspace stays usable and the next analysis completes', async () => {
    const dir = repo(600);
    dirs.push(dir);
    const phases: Progress[] = [];
    const service = new AnalysisService(silentLogger, undefined, (p) => phases.push(p));
    const opened = await service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    assert.equal(opened.files, 603);
    const full = service.call('analyze', {});
    await new Promise((r) => setTimeout(r, 50));
    await service.call('abort', {});
    await assert.rejects(full, /cancelled/);
    const again = await service.call('analyze', {});
    assert.ok(again.report.findings.some((f) => f.ruleId === 'migration/require-concurrent-index'));
    // The phases people see, with counts.
    assert.deepEqual(phases[0], { phase: 'Reading files' });
    assert.ok(phases.some((p) => p.phase === 'Reading files' && p.total === 603), JSON.stringify(phases.slice(0, 3)));
    assert.ok(phases.some((p) => p.phase === 'Reading base tree'));
    assert.ok(phases.some((p) => p.phase === 'Migrations' && p.done === 2 && p.total === 2), JSON.stringify(phases));
    assert.ok(phases.some((p) => p.phase === 'Environment' && p.done === 601 && p.total === 601), JSON.stringify(phases));
  });

  it('the checklist follows a per-file fix (no full analysis): "Migrations backward-compatible" passes after the quick fix', async () => {
    const dir = repo(3);
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    await service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    await service.call('analyze', {});
    const item = async () => (await service.call('checklist', { ticks: {} })).checklist.items.find((i) => i.id === 'migrations-compatible')!;
    assert.equal((await item()).state, 'fail');
    await service.call('analyzeFile', { rel: MIGRATION, text: FIXED });
    assert.equal((await item()).state, 'pass', JSON.stringify(await item()));
  });

  it('a git change re-reads the status alone when only uncommitted files changed, and asks for a whole analysis after a commit', async () => {
    const dir = repo(2);
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    await service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    const first = await service.call('analyze', {});
    assert.ok(!first.report.findings.some((f) => f.ruleId === 'checklist/uncommitted-changes'));
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'x\n');
    const light = await service.call('status', {});
    assert.equal(light.full, false);
    assert.ok(!light.full && light.report.findings.some((f) => f.ruleId === 'checklist/uncommitted-changes' && f.file === 'NOTES.md'));
    const item = async () => (await service.call('checklist', { ticks: {} })).checklist.items.find((i) => i.id === 'clean-tree')!;
    assert.match((await item()).reason ?? '', /NOTES\.md/);
    git(dir, 'add', 'NOTES.md');
    git(dir, 'commit', '-qm', 'notes');
    assert.deepEqual(await service.call('status', {}), { full: true }, 'the head moved: the findings need a whole analysis');
  });

  it('one file\'s findings are replaced in place, in the order a full sort gives', () => {
    const f = (file: string, line: number, area: Finding['area'], ruleId = `${area}/x`): Finding =>
      ({ file, ruleId, area, severity: 'warning', message: `${file}:${line}`, range: { start: { line, character: 0 }, end: { line, character: 1 } } }) as Finding;
    const all = [f('a.sql', 1, 'migration'), f('b.js', 2, 'env'), f('b.sql', 3, 'migration'), f('b.sql', 9, 'env'), f('c.sql', 1, 'migration')].sort(compareFindings);
    const fresh = [f('b.sql', 12, 'migration'), f('b.sql', 1, 'migration')];
    const expected = [...all.filter((x) => !(x.file === 'b.sql' && x.area === 'migration')), ...fresh].sort(compareFindings);
    assert.deepEqual(replaceFileFindings(all, 'b.sql', ['migration'], fresh), expected);
    assert.deepEqual(replaceFileFindings(all, 'new.sql', ['migration'], [f('new.sql', 0, 'migration')]), [...all, f('new.sql', 0, 'migration')].sort(compareFindings));
    // A large report (the editor's case): every file in turn, first, last, absent, mixed case.
    const files = ['A.sql', 'a.sql', 'db/1.sql', 'db/10.sql', 'db/2.sql', 'Z.js', 'z.js', 'é.sql', 'src/x.ts'];
    const big = files.flatMap((file, i) => [0, 1, 2].flatMap((line) => [f(file, line + i, 'migration'), f(file, line, 'env')])).sort(compareFindings);
    for (const file of [...files, '0.sql', 'zz.sql', 'db/15.sql']) {
      const fresh2 = [f(file, 7, 'migration')];
      const want = [...big.filter((x) => !(x.file === file && x.area === 'migration')), ...fresh2].sort(compareFindings);
      assert.deepEqual(replaceFileFindings(big, file, ['migration'], fresh2), want, file);
    }
  });

  it('hovers and the rule catalog are answered by the worker', async () => {
    const dir = repo(1);
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    await service.call('open', { root: dir, config: defaultConfig(), trusted: false, overlays: {} });
    const hover = await service.call('hover', { rel: MIGRATION, text: BAD, offset: 3 });
    assert.ok(hover, 'a hover on CREATE INDEX');
    assert.match(hover.markdown, /SHARE/);
    assert.deepEqual([hover.range.start.line, hover.range.start.character], [0, 0]);
    assert.equal(await service.call('hover', { rel: 'src/m0.js', text: 'x', offset: 0 }), null, 'not a migration');
    const rules = await service.call('rules', {});
    const rule = rules.find((r) => r.id === 'migration/require-concurrent-index');
    assert.ok(rule && rule.summary && rule.docs.endsWith('.md'));
  });
});
