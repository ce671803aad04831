import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { defaultConfig, parseConfig } from '../../../src/core/config';
import { CONFIG_SCHEMA_ID, CONFIG_SCHEMA_PATH, configJsonSchema } from '../../../src/core/configSchema';
import { REPO_ROOT } from '../helpers';

describe('JSON Schema for .deploy-readiness.yaml', () => {
  const schema = configJsonSchema();
  const ajv = new Ajv({ allErrors: true, strict: true });
  const check = ajv.compile(schema);
  const jsonOk = (yamlText: string): boolean => check(parseYaml(yamlText) ?? {}) as boolean;
  const validatorOk = (yamlText: string): boolean => parseConfig(yamlText).problems.length === 0;

  it('the published file is what scripts/gen-config-schema.mjs generates from the validator table', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-config-schema.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(path.join(REPO_ROOT, CONFIG_SCHEMA_PATH), 'utf8')), schema);
  });

  it('the default configuration, the repository own config and the README example validate', () => {
    assert.ok(check(JSON.parse(JSON.stringify(defaultConfig()))), ajv.errorsText(check.errors));
    const own = readFileSync(path.join(REPO_ROOT, '.deploy-readiness.yaml'), 'utf8');
    assert.ok(jsonOk(own), ajv.errorsText(check.errors));
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Configuration')));
    assert.ok(block, 'a yaml block under ## Configuration');
    assert.ok(jsonOk(block[1]), ajv.errorsText(check.errors));
  });

  it('accepts and rejects the same files as the validator the CLI and the extension use', () => {
    const cases = [
      'failOn: warning\n',
      'failOn: sometimes\n',
      'maxFileSize: 0\n',
      'maxFileSize: 1.5\n',
      'fail_on: error\n',
      'rules:\n  migrations/add-column-not-null: off\n',
      'rules:\n  migrations/add-column-not-null: fatal\n',
      'exclude: vendor/**\n',
      'exclude: [vendor/**]\n',
      'migrations:\n  dialect: oracle\n',
      'migrations:\n  dialect: mysql\n',
      'env:\n  ignore: [A, B]\n',
      'env:\n  unknown: 1\n',
      'checklist:\n  window:\n    timezone: Europe/Berlin\n',
      'checklist:\n  window:\n    timezone: 3\n',
      'checklist:\n  manual:\n    - id: a\n      title: b\n      required: true\n',
      'checklist:\n  manual:\n    - id: a\n      required: maybe\n',
    ];
    for (const c of cases) assert.equal(jsonOk(c), validatorOk(c), `disagree on:\n${c}`);
    // Both sides of every kind of value are covered.
    assert.ok(cases.some(jsonOk) && !cases.every(jsonOk));
  });

  it('is contributed to VS Code for .deploy-readiness.yaml and shipped in the .vsix', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const entry = pkg.contributes.yamlValidation.find((v: { url: string }) => v.url === `./${CONFIG_SCHEMA_PATH}`);
    assert.ok(entry, 'a yamlValidation entry for the schema');
    assert.ok(entry.fileMatch.includes('.deploy-readiness.yaml'));
    assert.ok(existsSync(path.join(REPO_ROOT, CONFIG_SCHEMA_PATH)));
    // Other editors: the documented yaml-language-server modeline names the schema's own $id.
    assert.ok(CONFIG_SCHEMA_ID.endsWith(`/${CONFIG_SCHEMA_PATH}`));
    assert.ok(readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8').includes(`# yaml-language-server: $schema=${CONFIG_SCHEMA_ID}`));
    assert.match(readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8'), new RegExp(`^!${CONFIG_SCHEMA_PATH.replace(/\./g, '\\.')}$`, 'm'));
  });
});
