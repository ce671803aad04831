import * as assert from 'node:assert/strict';
import { parseConfig, defaultConfig } from '../../../src/core/config';
import { applyConfig } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/model';

describe('config: .deploy-readiness.yaml', () => {
  it('applies valid keys over the defaults, keeping unspecified defaults', () => {
    const { config, problems } = parseConfig('base: develop\nfailOn: warning\nmigrations:\n  postgresVersion: 13\nrules:\n  migration/require-concurrent-index: warning\n');
    assert.deepEqual(problems, []);
    assert.equal(config.base, 'develop');
    assert.equal(config.failOn, 'warning');
    assert.equal(config.migrations.postgresVersion, 13);
    assert.equal(config.migrations.mysqlVersion, defaultConfig().migrations.mysqlVersion);
    assert.deepEqual(config.env.exampleFiles, defaultConfig().env.exampleFiles);
  });

  it('reports an unknown key with its line and a suggestion, and still applies the rest', () => {
    const { config, problems } = parseConfig('base: main\nMigrations:\n  dialect: mysql\n');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /unknown key "Migrations" \(did you mean "migrations"\?\)/);
    assert.equal(problems[0].range.start.line, 1);
    assert.equal(config.base, 'main');
    assert.equal(config.migrations.dialect, undefined);
  });

  it('reports a wrong type at the value and keeps the default', () => {
    const { config, problems } = parseConfig('maxFileSize: big\nmigrations:\n  dialect: oracle\n');
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /maxFileSize: expected a number, got string "big"/);
    assert.equal(problems[0].range.start.line, 0);
    assert.equal(problems[0].range.start.character, 13);
    assert.match(problems[1].message, /migrations.dialect: expected one of postgres, mysql/);
    assert.equal(config.maxFileSize, defaultConfig().maxFileSize);
  });

  it('reports YAML syntax errors instead of throwing', () => {
    const { problems } = parseConfig('base: [unclosed\n');
    assert.ok(problems.length >= 1);
    assert.match(problems[0].message, /\.deploy-readiness\.yaml/);
  });

  it('turns rules off and overrides severity', () => {
    const f = (ruleId: string): Finding => ({ ruleId, area: 'migration', severity: 'error', message: 'm', file: 'a.sql', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });
    const { config } = parseConfig('rules:\n  migration/syntax-error: "off"\n  migration/require-concurrent-index: info\n');
    const out = applyConfig(config, [f('migration/syntax-error'), f('migration/require-concurrent-index')]);
    assert.deepEqual(out.map((x) => [x.ruleId, x.severity]), [['migration/require-concurrent-index', 'info']]);
  });
});
