import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { silentLogger } from '../../../src/core/analyzer';
import { defaultConfig } from '../../../src/core/config';
import { EngineClient } from '../../../src/extension/engineClient';
import type { EditTrace } from '../../../src/extension/editTrace';
import { removeTree, BLOCKING_MIGRATION, blockingMigrationRepo } from '../helpers';

/** The repository root (dist/worker.js is built there by scripts/build.mjs). */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const { path: MIGRATION, bad: BAD, fixed: FIXED } = BLOCKING_MIGRATION;

const repo = blockingMigrationRepo;

const trace = (): EditTrace => ({ file: MIGRATION, kind: 'edit', changed: performance.timeOrigin + performance.now() });

describe('the editor engine client: per-file lints never queue behind the full analysis', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  let engine: EngineClient | undefined;
  afterEach(() => engine?.dispose());
  after(() => dirs.forEach(removeTree));

  it('while the analysis worker runs the full analysis, the lint worker answers; after the report, the analysis worker answers with every area', async () => {
    const dir = repo(1500);
    dirs.push(dir);
    engine = new EngineClient(ROOT, silentLogger);
    await engine.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    assert.equal(await engine.lintOpened(), true);
    // Both workers have loaded the SQL parser before the race below.
    await engine.call('analyzeFile', { rel: MIGRATION, text: BAD });
    const order: string[] = [];
    const full = engine.call('analyze', {}).then((r) => (order.push('analyze'), r));
    await new Promise((r) => setTimeout(r, 100));
    const during = trace();
    const one = await engine.call('analyzeFile', { rel: MIGRATION, text: FIXED }, during).then((r) => (order.push('analyzeFile'), r));
    assert.equal(during.worker, 'lint');
    assert.deepEqual(order, ['analyzeFile'], 'answered before the full analysis finished');
    assert.ok(!one.findings.some((f) => f.ruleId === 'migration/require-concurrent-index'), 'the edited text was linted');
    assert.deepEqual([...one.areas].sort(), ['api', 'migration']);
    const report = (await full).report;
    assert.ok(report.findings.some((f) => f.file.startsWith('src/')), 'the full analysis read the sources');
    const afterReport = trace();
    const two = await engine.call('analyzeFile', { rel: MIGRATION, text: BAD }, afterReport);
    assert.equal(afterReport.worker, 'analysis');
    assert.ok(two.areas.includes('env'), JSON.stringify(two.areas));
    assert.ok(two.findings.some((f) => f.ruleId === 'migration/require-concurrent-index'));
    for (const k of ['sent', 'workerReceived', 'workerAnswered', 'received'] as const) assert.equal(typeof afterReport[k], 'number', k);
    assert.ok(afterReport.sent! <= afterReport.workerReceived! && afterReport.workerReceived! <= afterReport.workerAnswered! && afterReport.workerAnswered! <= afterReport.received!, JSON.stringify(afterReport));
  });

  it('with no editable file open at the analysis, the lint worker opens on the first per-file lint; that lint is answered by whichever worker is first', async () => {
    const dir = repo(1500);
    dirs.push(dir);
    engine = new EngineClient(ROOT, silentLogger);
    engine.lintEagerly = () => false;
    await engine.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    assert.equal(await engine.lintOpened(), false, 'not opened with the analysis worker');
    const order: string[] = [];
    const full = engine.call('analyze', {}).then((r) => (order.push('analyze'), r));
    await new Promise((r) => setTimeout(r, 100));
    const first = trace();
    const one = await engine.call('analyzeFile', { rel: MIGRATION, text: FIXED }, first);
    order.push('analyzeFile');
    assert.ok(!one.findings.some((f) => f.ruleId === 'migration/require-concurrent-index'));
    assert.ok(first.worker === 'lint' || first.worker === 'analysis', JSON.stringify(first));
    assert.equal(await engine.lintOpened(), true, 'the first lint opened the folder in the lint worker');
    const second = trace();
    await engine.call('analyzeFile', { rel: MIGRATION, text: BAD }, second);
    order.push('analyzeFile');
    await full;
    assert.deepEqual(order.slice(0, 2), ['analyzeFile', 'analyzeFile'], 'both lints answered before the full analysis finished');
    assert.equal(second.worker, 'lint');
  });

  it('the analysis worker keeps the text the lint worker linted: the next full analysis reads it', async () => {
    const dir = repo(300);
    dirs.push(dir);
    engine = new EngineClient(ROOT, silentLogger);
    await engine.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {} });
    assert.equal(await engine.lintOpened(), true);
    const full = engine.call('analyze', {});
    const t = trace();
    await engine.call('analyzeFile', { rel: MIGRATION, text: FIXED }, t);
    assert.equal(t.worker, 'lint');
    await full;
    const again = await engine.call('analyze', {});
    assert.ok(!again.report.findings.some((f) => f.file === MIGRATION && f.ruleId === 'migration/require-concurrent-index'), 'the unsaved fix, not the file on disk');
  });
});
