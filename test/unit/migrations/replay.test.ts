import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { DiskReader, type FileReader } from '../../../src/core/reader';
import { scratchDirs } from '../helpers';

describe('migrations: the schema history is built once, in order, without a git base', () => {
  const { tree } = scratchDirs();

  it('400 migrations analyse with a linear number of file reads, and each sees the schema its predecessors built', async function () {
    this.timeout(120_000);
    const n = 400;
    const files: Record<string, string> = {};
    for (let i = 1; i <= n; i++) files[`migrations/${String(i).padStart(4, '0')}_step.sql`] = `CREATE TABLE t${i} (id int PRIMARY KEY);\n`;
    // The last one depends on the replay: t1 exists (created by the first), so this locks a live table.
    files[`migrations/${String(n + 1).padStart(4, '0')}_index.sql`] = 'CREATE INDEX t1_id ON t1 (id);\nALTER TABLE t2 ADD COLUMN c int NOT NULL;\n';
    const dir = tree(files);
    let reads = 0;
    const disk = new DiskReader(dir, 1 << 20);
    const counting: FileReader = {
      read: (rel, limit) => {
        if (rel.endsWith('.sql')) reads++;
        return disk.read(rel, limit);
      },
    };
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), reader: counting, trusted: false, areas: ['migration'] });
    const report = await ws.analyze();
    assert.equal(report.facts.migrations.length, n + 1);
    // Before: every migration re-read every other one (n² = 160,000 reads for 400).
    assert.ok(reads <= 3 * (n + 1), `${reads} reads for ${n + 1} migrations`);
    const last = `migrations/${String(n + 1).padStart(4, '0')}_index.sql`;
    const batch = report.findings.filter((f) => f.file === last).map((f) => `${f.ruleId}@${f.range.start.line}`);
    assert.ok(batch.length > 0);
    // The same file analysed on its own (the per-file path replays its predecessors itself) gives the same findings.
    const alone = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, areas: ['migration'] });
    const single = (await alone.analyzeFile(last)).map((f) => `${f.ruleId}@${f.range.start.line}`);
    assert.deepEqual(batch, single);
  });
});
