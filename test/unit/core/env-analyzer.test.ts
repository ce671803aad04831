import { rmSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { bufferFix } from '../../../src/core/env/hygiene';
import type { Finding, Report } from '../../../src/core/model';
import { DiskReader, OverlayReader } from '../../../src/core/reader';
import { applyEdits, branchRepo, git, scratchDirs } from '../helpers';

async function analyze(root: string, trusted = false, config: Config = defaultConfig()): Promise<Report> {
  const ws = await Workspace.open({ root, config, trusted, areas: ['env'] });
  return ws.analyze();
}

const by = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.ruleId === rule);

describe('env analysis: code and config against the nearest example file', () => {
  const { tree, keep } = scratchDirs();

  it('monorepo: each read resolves against the nearest example up the tree', async () => {
    const dir = tree({
      '.env.example': 'SHARED_URL=\n',
      'apps/web/.env.sample': 'NEXT_PUBLIC_SITE=\n',
      'apps/web/src/page.ts': 'const a = process.env.NEXT_PUBLIC_SITE;\nconst b = process.env.SHARED_URL;\n',
      'services/api/main.py': 'import os\nx = os.environ["SHARED_URL"]\ny = os.environ["API_SECRET"]\n',
    });
    const r = await analyze(dir);
    const missing = by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}:${f.severity}:${f.related?.[0].file}`);
    assert.deepEqual(missing, ['apps/web/src/page.ts:SHARED_URL:error:apps/web/.env.sample', 'services/api/main.py:API_SECRET:error:.env.example']);
  });

  it('the add fix keeps a sorted group sorted, and appends with a correct final newline otherwise', async () => {
    const example = '# Database\nDB_HOST=localhost\nDB_PORT=5432\n\n# Mail\nSMTP_HOST=\n';
    const dir = tree({ '.env.example': example, 'src/a.ts': 'export const u = process.env.DB_NAME;\nexport const v = process.env.STRIPE_KEY ?? "";\n' });
    const r = await analyze(dir);
    const [dbName, stripe] = by(r, 'env/missing-from-example');
    assert.equal(dbName.data?.variable, 'DB_NAME');
    assert.equal(applyEdits(example, dbName.fixes![0].edits), '# Database\nDB_HOST=localhost\n# Required: read in src/a.ts\nDB_NAME=\nDB_PORT=5432\n\n# Mail\nSMTP_HOST=\n');
    assert.equal(applyEdits(example, stripe.fixes![0].edits), example + '\n# Optional: read in src/a.ts, which has a default in code\n# STRIPE_KEY=\n');
    const all = dbName.fixes!.find((f) => /Add all 2/.test(f.title));
    assert.ok(all, 'an "add all missing" fix');
    const withAll = applyEdits(example, all.edits);
    assert.match(withAll, /^DB_NAME=$/m);
    assert.match(withAll, /^# STRIPE_KEY=$/m);
    assert.ok(withAll.endsWith('=\n') && !withAll.endsWith('\n\n'));
    // an example without a final newline gets one before the appended line
    const dir2 = tree({ '.env.example': 'A=1', 'x.js': 'process.env.ZED;\n' });
    const f2 = by(await analyze(dir2), 'env/missing-from-example')[0];
    assert.equal(applyEdits('A=1', f2.fixes![0].edits), 'A=1\n\n# Required: read in x.js\nZED=\n');
  });

  it('deployment config: compose pass-through is checked, a Dockerfile ENV makes a missing variable informational', async () => {
    const dir = tree({
      '.env.example': 'DATABASE_URL=\n',
      'docker-compose.yml': 'services:\n  api:\n    environment:\n      DATABASE_URL: ${DATABASE_URL:?}\n      MAIL_TOKEN:\n',
      Dockerfile: 'FROM node:20\nENV LOG_LEVEL=info\n',
      'src/log.js': 'module.exports = process.env.LOG_LEVEL;\n',
    });
    const r = await analyze(dir);
    const m = by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}:${f.severity}`);
    assert.deepEqual(m, ['docker-compose.yml:MAIL_TOKEN:error', 'src/log.js:LOG_LEVEL:info']);
    assert.equal(by(r, 'env/unused-in-example').length, 0, 'DATABASE_URL is read by the compose interpolation');
  });

  it('"remove it" only for a name no code reads: not for a second example beside the main one, a deploy-folder example, or a test-run example', async () => {
    const dir = tree({
      '.env.example': 'APP_MODE=\n',
      '.env.local.example': 'APP_MODE=dev\nPRICE_FEED_KEY=\nNOBODY_READS=1\n',
      '.env.test.example': 'SLOW_SPECS=false\n',
      'ops/container/.env.example': 'QUEUE_URL=\nSTALE_KNOB=1\n',
      'ops/container/compose.yml': 'services:\n  app:\n    env_file: .env\n',
      'lib/mode.rb': 'MODE = ENV["APP_MODE"]\nFEED = ENV.fetch("PRICE_FEED_KEY", nil)\n',
      'worker/queue.py': 'import os\nq = os.environ["QUEUE_URL"]\n',
      'spec/spec_helper.rb': 'SLOW = ENV["SLOW_SPECS"] == "true"\n',
    });
    const r = await analyze(dir);
    const unused = by(r, 'env/unused-in-example').map((f) => `${f.file}:${f.data?.variable}`).sort();
    assert.deepEqual(unused, ['.env.local.example:NOBODY_READS', 'ops/container/.env.example:STALE_KNOB']);
  });

  it('Rails YAML run through ERB: ENV reads inside <%= %> tags count, at their own positions; comments and plain YAML do not', async () => {
    const dir = tree({
      '.env.example': 'PG_HOST=\nPG_PORT=\n',
      'config/database.yml': [
        'default: &default',
        '  adapter: postgresql',
        '  host: <%= ENV.fetch("PG_HOST") { "localhost" } %>',
        '  port: <%= ENV.fetch("PG_PORT") { 5432 } %>',
        '  pool: <%= ENV["PG_POOL"] %><%# ENV["IN_A_COMMENT"] %>',
        '  note: ENV["NOT_RUBY_HERE"]',
        '',
      ].join('\n'),
      'config/cable.yml.erb': 'production:\n  url: <%= ENV.fetch("CABLE_URL") %>\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(by(r, 'env/unused-in-example'), [], 'PG_HOST and PG_PORT are read by database.yml');
    const m = by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}:${f.data?.use}:${f.range.start.line}:${f.range.start.character}`);
    assert.deepEqual(m.sort(), ['config/cable.yml.erb:CABLE_URL:required:1:22', 'config/database.yml:PG_POOL:optional:4:17']);
  });

  it('compose: a missing ${X:?err} blocks (error), a missing bare ${X} (substituted blank) is a warning', async () => {
    const dir = tree({
      '.env.example': 'APP_PORT=\n',
      'compose.yml': 'services:\n  web:\n    environment:\n      CHAT_MODEL_TOKEN: ${CHAT_MODEL_TOKEN}\n      SESSION_KEY: ${SESSION_KEY:?set a session key}\n      PORT: $APP_PORT\n',
    });
    const m = by(await analyze(dir), 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.severity}`);
    assert.deepEqual(m, ['CHAT_MODEL_TOKEN:warning', 'SESSION_KEY:error']);
  });

  it('unused, dynamic, client-exposed, secret-looking values (named, never shown) and hygiene', async () => {
    const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    const example = `API_URL=https://example.com\nNEXT_PUBLIC_STRIPE_SECRET_KEY=\nGITHUB_PAT=${token}\nOLD_FLAG=1\nlower_key=1\nSPACED = 2\n`;
    const dir = tree({
      '.env.example': example,
      'src/a.ts': 'const u = process.env.API_URL;\nconst s = process.env.NEXT_PUBLIC_STRIPE_SECRET_KEY;\nconst t = process.env.GITHUB_PAT;\nconst k = process.env[key];\nconst l = process.env.lower_key; const sp = process.env.SPACED;\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(by(r, 'env/unused-in-example').map((f) => f.data?.variable), ['OLD_FLAG']);
    assert.deepEqual(by(r, 'env/dynamic-read').map((f) => f.range.start.line), [3]);
    assert.deepEqual(by(r, 'env/client-exposed-secret').map((f) => f.file).sort(), ['.env.example', 'src/a.ts']);
    const secret = by(r, 'env/secret-in-example');
    assert.equal(secret.length, 1);
    assert.match(secret[0].message, /GITHUB_PAT.*GitHub token/);
    assert.ok(!JSON.stringify(r).includes(token), 'the value never appears in the report');
    assert.equal(applyEdits(example, secret[0].fixes![0].edits).includes(token), false);
    const checks = by(r, 'env/example-hygiene').map((f) => f.data?.check);
    assert.ok(checks.includes('LowercaseKey') && checks.includes('SpaceCharacter') && checks.includes('UnorderedKey'), checks.join(','));
  });

  it('hygiene: dotenv-linter checks with fixes, off comments and a malformed (unterminated) example', async () => {
    const example = 'B=1\nA=1\nA=2\n\n\nFOO-BAR=x\nNOVALUE\nSUB=${BAR\nMSG=hello world\nQ="plain"\n# dotenv-linter:off LowercaseKey\nquiet=1\nBROKEN="never closed\nAFTER=1';
    const dir = tree({ '.env.example': example, 'a.js': 'process.env.AFTER; process.env.B;\n' });
    const r = await analyze(dir);
    const h = by(r, 'env/example-hygiene');
    const checks = h.map((f) => f.data?.check);
    for (const c of ['UnorderedKey', 'DuplicatedKey', 'ExtraBlankLine', 'IncorrectDelimiter', 'KeyWithoutValue', 'SubstitutionKey', 'ValueWithoutQuotes', 'QuoteCharacter', 'UnterminatedQuote', 'EndingBlankLine']) {
      assert.ok(checks.includes(c), `${c} expected in ${checks.join(',')}`);
    }
    assert.ok(!checks.includes('LowercaseKey'), 'switched off by the comment');
    // Fixes that move or rewrite values are not in the report; the editor computes them from the buffer.
    const sorted = h.find((f) => f.data?.check === 'UnorderedKey')!;
    assert.equal(sorted.fixes, undefined);
    assert.equal(applyEdits(example, bufferFix('UnorderedKey', '.env.example', example, sorted.range)!.edits).slice(0, 12), 'A=1\nA=2\nB=1\n');
    const quotes = h.find((f) => f.data?.check === 'ValueWithoutQuotes')!;
    assert.equal(quotes.fixes, undefined);
    assert.match(applyEdits(example, bufferFix('ValueWithoutQuotes', '.env.example', example, quotes.range)!.edits), /^MSG="hello world"$/m);
    const plain = h.find((f) => f.data?.check === 'QuoteCharacter')!;
    assert.equal(plain.fixes, undefined);
    assert.match(applyEdits(example, bufferFix('QuoteCharacter', '.env.example', example, plain.range)!.edits), /^Q=plain$/m);
    const json = JSON.stringify(r);
    for (const value of ['hello world', '\"plain', '\"never closed']) assert.ok(!json.includes(value), `${value} is in the report`);
    // the rest of the file is still analysed: AFTER is declared after the broken line
    assert.equal(by(r, 'env/missing-from-example').length, 0);
  });

  it('new on branch: first read since the merge base, fed into facts with required and provider', async () => {
    const dir = branchRepo(
      { '.env.example': 'DATABASE_URL=\n', 'src/db.ts': 'export const db = process.env.DATABASE_URL;\n' },
      {
        '.env.example': 'DATABASE_URL=\nPAYMENTS_KEY=\n',
        'src/pay.ts': 'export const k = process.env.PAYMENTS_KEY;\nexport const again = process.env.PAYMENTS_KEY;\n',
        'src/db.ts': 'export const db = process.env.DATABASE_URL;\nexport const t = process.env.DB_TIMEOUT ?? "5";\n',
        'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          env:\n            - name: PAYMENTS_KEY\n              valueFrom: { secretKeyRef: { name: pay, key: k } }\n',
      },
    );
    keep(dir);
    const r = await analyze(dir, true);
    const fresh = by(r, 'env/new-on-branch').map((f) => `${f.file}:${f.range.start.line}:${f.data?.variable}`);
    assert.deepEqual(fresh, ['src/pay.ts:0:PAYMENTS_KEY']);
    // DB_TIMEOUT is new and missing from the example: one finding says both.
    const both = by(r, 'env/missing-from-example').filter((f) => f.data?.variable === 'DB_TIMEOUT');
    assert.deepEqual(both.map((f) => `${f.file}:${f.range.start.line}:${f.data?.newOnBranch}`), ['src/db.ts:1:true']);
    const pay = r.facts.envVars.find((v) => v.name === 'PAYMENTS_KEY')!;
    assert.deepEqual({ isNew: pay.isNew, required: pay.required, files: pay.files }, { isNew: true, required: true, files: ['src/pay.ts'] });
    assert.match(pay.provider ?? '', /Secret pay \(k8s\/deploy.yaml\)/);
    assert.equal(r.facts.envVars.find((v) => v.name === 'DATABASE_URL')!.isNew, false);
    assert.equal(r.facts.envVars.find((v) => v.name === 'DB_TIMEOUT')!.required, false);
  });

  it('.env tracked by git is reported by path with a fix that ignores it; values are never read', async () => {
    // pocket-id commits backend/.env.development-example: an example by its name, not a leaked .env
    const dir = tree({ '.env': 'SECRET=abc\n', '.env.example': 'SECRET=\n', '.gitignore': 'node_modules\n', 'a.js': 'process.env.SECRET;\n', 'backend/.env.development-example': 'SECRET=\n', 'web/.env.sample': 'SECRET=\n' });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'oops');
    const r = await analyze(dir, true);
    const c = by(r, 'env/dotenv-committed');
    assert.deepEqual(c.map((f) => `${f.file}:${f.severity}`), ['.env:error']);
    assert.equal(applyEdits('node_modules\n', c[0].fixes![0].edits), 'node_modules\n.env\n');
    const untrusted = await analyze(dir, false);
    assert.equal(by(untrusted, 'env/dotenv-committed').length, 0, 'Restricted Mode runs no git');
  });

  it('ignore list with wildcards and platform variables', async () => {
    const config = defaultConfig();
    config.env.ignore = ['INTERNAL_*', 'ONE_OFF'];
    const dir = tree({ '.env.example': '', 'a.py': 'import os\nos.environ["INTERNAL_X"]; os.environ["ONE_OFF"]; os.environ["HOME"]; os.environ["GITHUB_SHA"]; os.environ["REAL"]\n' });
    const r = await analyze(dir, false, config);
    assert.deepEqual(by(r, 'env/missing-from-example').map((f) => f.data?.variable), ['REAL']);
  });

  it('per-file re-analysis of an unsaved buffer updates that file only', async () => {
    const dir = tree({ '.env.example': 'A=\n', 'a.ts': 'process.env.A;\n' });
    const reader = new OverlayReader(new DiskReader(dir, 1e6));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader, areas: ['env'] });
    assert.equal(by(await ws.analyze(), 'env/missing-from-example').length, 0);
    reader.set('a.ts', 'process.env.A;\nprocess.env.TYPED_NOW;\n');
    const findings = await ws.analyzeFile('a.ts');
    assert.deepEqual(findings.filter((f) => f.ruleId === 'env/missing-from-example').map((f) => f.data?.variable), ['TYPED_NOW']);
  });
});

describe('env analysis: bad input', () => {
  const scratch = scratchDirs();

  it('an unparsable source file is named in a notice and still scanned where it parses; a file deleted mid-scan is skipped', async () => {
    const dir = scratch.tree({
      '.env.example': 'A=\n',
      'broken.py': 'import os\nx = os.environ["FROM_BROKEN"]\ndef (((:\n',
      'gone.ts': 'process.env.GONE;\n',
      'ok.rb': 'ENV.fetch("FROM_RUBY")\n',
      'Dockerfile': 'FROM x\nENV A=1 \\\n',
    });
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, areas: ['env'] });
    rmSync(`${dir}/gone.ts`);
    const r = await ws.analyze();
    assert.ok(r.notices.some((n) => n.file === 'broken.py' && /syntax errors/.test(n.message)));
    assert.deepEqual(by(r, 'env/missing-from-example').map((f) => f.data?.variable).sort(), ['FROM_BROKEN', 'FROM_RUBY']);
  });
});
