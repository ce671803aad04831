import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model';
import { lintSqlMigration } from '../../../src/core/migrations/analyzer';
import type { SqlFileOptions } from '../../../src/core/migrations/sqlfile';
import { detemplate } from '../../../src/core/migrations/templates';

const ids = (fs: Finding[]) => fs.map((f) => f.ruleId);
const lint = (text: string, o: Partial<SqlFileOptions> = {}) => lintSqlMigration('db/migrations/001_x.sql', text, o);
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n";

describe('migrations: templated SQL', () => {
  it('substitutes placeholders with text of the same length, so offsets need no mapping', () => {
    const src = 'ALTER TABLE {{ index .Options "Namespace" }}.users ADD COLUMN a int;\nCREATE TABLE ${schema}.t (b text DEFAULT :\'val\', c int);\n{% if x %}DROP TABLE :"tbl";{% endif %}\n';
    const { text, subs } = detemplate(src);
    assert.equal(text.length, src.length);
    assert.equal(text.split('\n').length, src.split('\n').length);
    assert.deepEqual(subs.map((s) => s.original), ['{{ index .Options "Namespace" }}', '${schema}', ":'val'", '{% if x %}', ':"tbl"', '{% endif %}']);
    assert.doesNotMatch(text, /[{}$]|:['"]/);
  });

  it('leaves casts, array slices, $1 parameters and colons in strings alone', () => {
    const src = "SELECT a::text, b[1:n], $1, '10:30', ':x' FROM t;";
    assert.deepEqual(detemplate(src).subs, []);
  });

  it('lints a Go-template migration instead of calling it a syntax error, and names the placeholder as written', async () => {
    const fs = await lint(`${TIMEOUTS}ALTER TABLE {{ index .Options "Namespace" }}.users DROP COLUMN legacy;\n`);
    assert.deepEqual(ids(fs), ['migration/drop-column']);
    assert.equal(fs[0].range.start.line, 2);
    assert.match(fs[0].message, /"users"/);
  });

  it('pop/fizz and Jinja control blocks render nothing; their bodies are still linted', async () => {
    const fs = await lint(`${TIMEOUTS}{{ if eq .Dialect "postgres" }}\nCREATE INDEX idx_a ON accounts (a);\n{{ end }}\n{# comment #}{% for x in y %}{% endfor %}\n`);
    assert.deepEqual(ids(fs), ['migration/require-concurrent-index']);
  });

  it('Flyway ${placeholders} and psql :variables parse', async () => {
    const fs = await lint(`${TIMEOUTS}CREATE TABLE \${flyway:defaultSchema}.audit (id bigint PRIMARY KEY, who text DEFAULT :'user');\nGRANT SELECT ON :"schema".audit TO :role;\n`);
    assert.deepEqual(ids(fs), []);
  });

  it('a table name built from a placeholder is reported with the placeholder, also in quick fixes', async () => {
    const fs = await lint(`${TIMEOUTS}CREATE INDEX i ON {{.Prefix}}users (email);\n`);
    assert.equal(fs.length, 1);
    assert.match(fs[0].message, /"\{\{\.Prefix\}\}users"/);
  });

  it('placeholders declared in the config are substituted: literal tokens and open…close delimiters', async () => {
    const src = `${TIMEOUTS}ALTER TABLE __SCHEMA__.users DROP COLUMN a;\nALTER TABLE @@ns@@.t DROP COLUMN b;\n`;
    assert.ok(ids(await lint(src)).includes('migration/syntax-error'), '@@ is not SQL');
    const fs = await lint(src, { placeholders: ['__SCHEMA__', '@@…@@'] });
    assert.deepEqual(ids(fs), ['migration/drop-column', 'migration/drop-column']);
  });

  it('what still does not parse is ONE warning naming the position, never an error claiming it fails', async () => {
    const fs = await lint(`${TIMEOUTS}CREAT TABLE a (id int);\nALTR TABLE b;\nDROP TABLE c;\n`);
    const syntax = fs.filter((f) => f.ruleId === 'migration/syntax-error');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].severity, 'warning');
    assert.match(syntax[0].message, /line 3, column 1/);
    assert.match(syntax[0].message, /1 more statement/);
    assert.doesNotMatch(syntax[0].message, /will fail/);
    assert.ok(ids(fs).includes('migration/drop-table'), 'the statements that parsed are checked');
  });

  it('an unclosed template opener is left as it is (and reported once), without scanning again from every brace', async () => {
    const src = `SELECT 1;\n${'{{ '.repeat(40000)}\n`;
    const t0 = Date.now();
    assert.equal(detemplate(src).subs.length, 0);
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
    const fs = await lint(src);
    assert.equal(fs.filter((f) => f.ruleId === 'migration/syntax-error').length, 1);
  });
});
