import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { DiskReader, type FileReader } from '../../../src/core/reader';
import { branchRepo, cli, scratchDirs } from '../helpers';

const BASE_SPEC = `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /orders:
    get:
      responses:
        '200': { description: ok }
  /users:
    get:
      responses:
        '200': { description: ok }
`;

const HEAD_SPEC = `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /orders:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: 'bad%.yaml' }
        '201':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/%' }
`;

describe('fail closed: an analyzer that throws never lets a run pass', () => {
  const scratch = scratchDirs();

  it('a malformed $ref is reported as unresolved and the rest of the file is still diffed (the removed path is reported)', async () => {
    const dir = scratch.keep(branchRepo({ 'openapi.yaml': BASE_SPEC }, { 'openapi.yaml': HEAD_SPEC }));
    const r = await cli(['check', '--base', 'main', '--format', 'json'], dir);
    const report = JSON.parse(r.stdout);
    const ids = report.findings.map((f: { ruleId: string; message: string }) => `${f.ruleId} ${f.message}`);
    assert.ok(ids.some((s: string) => s.startsWith('api/') && s.includes('/users')), ids.join('\n'));
    assert.ok(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'api/unresolved-ref').length >= 2, ids.join('\n'));
    assert.equal(r.code, 1);
    assert.notEqual(report.verdict, 'ready');
  });

  it('an exception inside an analyzer becomes an engine/analysis-failed error on that file: check blocks, the editor path gets it too', async () => {
    const dir = scratch.tree({ 'openapi.yaml': BASE_SPEC, '.env.example': 'A=1\n', 'src/a.js': 'process.env.A;\n' });
    const disk = new DiskReader(dir, 1 << 20);
    const hostile: FileReader = {
      read: (rel, limit) => (rel === 'openapi.yaml' ? Promise.reject(new URIError('URI malformed')) : disk.read(rel, limit)),
    };
    const ws = await Workspace.open({ root: dir, config: parseConfig('').config, reader: hostile, trusted: false });
    const report = await ws.analyze();
    const failed = report.findings.filter((f) => f.ruleId === 'engine/analysis-failed');
    // Each area that read the file says so on that file; the other files are still analysed.
    assert.ok(failed.length >= 1 && failed.every((f) => f.file === 'openapi.yaml'), JSON.stringify(failed));
    failed.splice(0, failed.length, ...failed.filter((f) => f.area === 'api'));
    assert.equal(failed.length, 1);
    assert.equal(failed[0].severity, 'error');
    assert.equal(failed[0].area, 'api');
    assert.match(failed[0].message, /URIError: URI malformed/);
    assert.equal(report.verdict, 'blocked');
    assert.ok(report.facts.envVars.some((v) => v.name === 'A'), 'the env analysis of the other files went on');
    const perFile = await ws.analyzeFile('openapi.yaml');
    assert.ok(perFile.length >= 1 && perFile.every((f) => f.ruleId === 'engine/analysis-failed' && f.severity === 'error'), JSON.stringify(perFile));
  });

  it('the rule has a documentation page and is listed by `rules`', async () => {
    const r = await cli(['rules', '--format', 'json'], path.resolve('.'));
    const rule = JSON.parse(r.stdout).rules.find((x: { id: string }) => x.id === 'engine/analysis-failed');
    assert.equal(rule?.defaultSeverity, 'error');
    assert.equal(rule?.docs, 'docs/rules/engine/analysis-failed.md');
  });
});
