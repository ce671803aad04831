import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { MAX_PER_RULE_AND_FILE, Workspace } from '../../../src/core/engine';
import type { Report } from '../../../src/core/model';
import { scratchDirs } from '../helpers';

async function analyze(root: string): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), trusted: false });
  return ws.analyze();
}

/** An example file of n keys in reverse order, and a source file reading n undeclared variables. */
function hostile(n: number): Record<string, string> {
  let example = '';
  for (let i = n; i > 0; i--) example += `K${String(i).padStart(5, '0')}=v\n`;
  let code = '';
  for (let i = 0; i < n; i++) code += `process.env.V${i};\n`;
  return { '.env.example': example, 'src/a.js': code };
}

const bytes = (files: Record<string, string>) => Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);

describe('output size is bounded: the report is linear in the input', () => {
  const { tree } = scratchDirs();

  it('2,000 out-of-order keys and 2,000 undeclared process.env reads: a report a few times the input, capped per rule and file', async function () {
    this.timeout(120_000);
    const small = hostile(1000);
    const large = hostile(2000);
    const rs = JSON.stringify(await analyze(tree(small))).length;
    const report = await analyze(tree(large));
    const rl = JSON.stringify(report).length;
    // Before: 33 MB for the keys (each fix rewrote the whole group) and 141 MB for the reads.
    assert.ok(rl < 10 * bytes(large), `${rl} bytes of JSON for ${bytes(large)} bytes of input`);
    assert.ok(rl < 2.5 * rs, `doubling the input took the report from ${rs} to ${rl} bytes`);
    const unordered = report.findings.filter((f) => f.data?.check === 'UnorderedKey' || (f.ruleId === 'env/example-hygiene' && f.data?.omitted));
    assert.equal(unordered.length, MAX_PER_RULE_AND_FILE + 1);
    const summary = report.findings.find((f) => f.ruleId === 'env/example-hygiene' && f.data?.omitted);
    assert.equal(summary?.data?.omitted, 1999 - MAX_PER_RULE_AND_FILE);
    assert.match(summary!.message, /1949 more env\/example-hygiene findings in \.env\.example are not listed/);
    assert.ok(report.findings.every((f) => !f.fixes?.some((x) => x.title.startsWith('Sort'))), 'no sorting fix in the report');
    const missing = report.findings.filter((f) => f.ruleId === 'env/missing-from-example');
    assert.equal(missing.length, MAX_PER_RULE_AND_FILE + 1);
    assert.equal(missing.filter((f) => f.fixes?.some((x) => x.title.startsWith('Add all'))).length, 1, 'the add-all fix once per file');
    assert.equal(missing.find((f) => f.data?.omitted)?.severity, 'error', 'the summary keeps the severity of what it counts');
    assert.equal(report.verdict, 'blocked');
  });
});
