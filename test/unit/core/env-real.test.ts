import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Report } from '../../../src/core/model';
import { applyEdits, branchRepo, scratchDirs } from '../helpers';

/** Environment findings on code shaped like real applications' (guarded reads, helpers, flags). */
async function analyze(root: string, trusted = false): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), trusted, areas: ['env'] });
  return ws.analyze();
}
const by = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.ruleId === rule);
const missing = (r: Report) => by(r, 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.data?.use}:${f.severity}:${f.range.start.line + 1}`);

describe('env analysis on real-shaped code', () => {
  const { tree, keep } = scratchDirs();

  it('a read the code has tested first is optional: inside `if (env.X)`, after `if (!env.X) return`, `env.X && …`, and `env.X === "1"`', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'src/db.ts': [
        'export function url() {',
        '  if (process.env.POSTGRES_URL) {',
        '    process.env.NEXT_PRIVATE_DATABASE_URL = process.env.POSTGRES_URL;',
        '  }',
        '  const debug = process.env.DEBUG_PDF === "1" || process.env.DEBUG_PDF === "true";',
        '  const replica = process.env.REPLICA_HOST && process.env.REPLICA_HOST.trim();',
        '  if (!process.env.REPLICA_URLS) {',
        '    return undefined;',
        '  }',
        '  const urls = process.env.REPLICA_URLS.split(",");',
        '  return [debug, replica, urls, process.env.API_SECRET];',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), [
      'POSTGRES_URL:optional:warning:2',
      'DEBUG_PDF:optional:warning:5',
      'REPLICA_HOST:optional:warning:6',
      'REPLICA_URLS:optional:warning:7',
      'API_SECRET:required:error:11',
    ]);
    // `process.env.X = …` is a write: NEXT_PRIVATE_DATABASE_URL is never reported as read.
    assert.ok(!r.findings.some((f) => f.data?.variable === 'NEXT_PRIVATE_DATABASE_URL'));
  });

  it('one finding per variable per file: later reads are related locations, and the strongest use decides', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'src/a.ts': 'const a = process.env.TOKEN_TTL ?? 60;\nconst b = process.env.TOKEN_TTL;\nconst c = process.env.TOKEN_TTL;\n',
    });
    const fs = by(await analyze(dir), 'env/missing-from-example');
    assert.equal(fs.length, 1);
    assert.equal(fs[0].severity, 'error');
    assert.equal(fs[0].data?.use, 'required');
    assert.deepEqual(fs[0].related?.filter((l) => l.file === 'src/a.ts').map((l) => l.range.start.line), [1, 2]);
  });

  it('a new variable missing from the example is one finding that says both; the checklist still lists it as new', async () => {
    const dir = keep(branchRepo({ '.env.example': 'APP_URL=\n', 'src/a.ts': 'export const a = process.env.APP_URL;\n' }, { 'src/b.ts': 'export const b = process.env.PAYMENT_TIMEOUT_MS ?? 5000;\n' }));
    const r = await analyze(dir, true);
    const forVar = r.findings.filter((f) => f.data?.variable === 'PAYMENT_TIMEOUT_MS');
    assert.deepEqual(forVar.map((f) => f.ruleId), ['env/missing-from-example']);
    assert.match(forVar[0].message, /first read on this branch/);
    assert.equal(forVar[0].data?.newOnBranch, true);
    assert.ok(r.facts.envVars.some((v) => v.name === 'PAYMENT_TIMEOUT_MS' && v.isNew));
    // The declare fix writes the code's default, commented out, not an empty value that `?? 5000` would not replace.
    assert.equal(applyEdits('APP_URL=\n', forVar[0].fixes![0].edits), 'APP_URL=\n\n# Optional: read in src/b.ts, which has a default\n# PAYMENT_TIMEOUT_MS=5000\n');
  });

  it('a variable written commented out in the example (`# SENTRY_DSN=`) is documented for optional reads, not for required ones', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n# SENTRY_DSN=\n# export MAIL_HOST=smtp.example.com\n',
      'src/a.ts': 'export const a = [process.env.APP_URL, process.env.SENTRY_DSN ?? "", process.env.MAIL_HOST];\n',
    });
    const fs = by(await analyze(dir), 'env/missing-from-example');
    assert.deepEqual(fs.map((f) => `${f.data?.variable}:${f.severity}`), ['MAIL_HOST:warning']);
    assert.match(fs[0].message, /only commented out/);
  });

  it('a public flag about a password is not a secret; a public password is', async () => {
    const dir = tree({
      '.env.example': 'NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP=false\nNEXT_PUBLIC_SMTP_PASSWORD=\n',
      'src/a.ts': 'export const a = [process.env.NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP, process.env.NEXT_PUBLIC_SMTP_PASSWORD];\n',
    });
    const exposed = by(await analyze(dir), 'env/client-exposed-secret').map((f) => f.data?.variable);
    assert.ok(exposed.includes('NEXT_PUBLIC_SMTP_PASSWORD'));
    assert.ok(!exposed.includes('NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNUP'));
  });

  it("a browser SDK's client token (polar's NEXT_PUBLIC_POSTHOG_TOKEN) is public by design; the same vendor's personal or server key is not", async () => {
    const names = ['NEXT_PUBLIC_POSTHOG_TOKEN', 'VITE_SEGMENT_WRITE_KEY', 'NEXT_PUBLIC_MAPBOX_ACCESS_TOKEN', 'NEXT_PUBLIC_POSTHOG_PERSONAL_TOKEN', 'VITE_MIXPANEL_SECRET', 'NEXT_PUBLIC_STRIPE_SECRET_KEY', 'NEXT_PUBLIC_SENTRY_AUTH_TOKEN'];
    const dir = tree({
      '.env.example': names.map((n) => `${n}=`).join('\n') + '\n',
      'src/a.ts': `export const a = [${names.map((n) => `process.env.${n}`).join(', ')}];\n`,
    });
    const exposed = by(await analyze(dir), 'env/client-exposed-secret').map((f) => f.data?.variable);
    assert.deepEqual([...new Set(exposed)].sort(), ['NEXT_PUBLIC_POSTHOG_PERSONAL_TOKEN', 'NEXT_PUBLIC_SENTRY_AUTH_TOKEN', 'NEXT_PUBLIC_STRIPE_SECRET_KEY', 'VITE_MIXPANEL_SECRET']);
  });
});

describe('env analysis: secrets in the example file', () => {
  const { tree } = scratchDirs();
  it('a URL whose password is a reference to another variable (full-stack-fastapi-template) is not a secret; a real-looking one is', async () => {
    const planted = 'Xk29fPq7vLm3Zt';
    const dir = tree({
      '.env.example': `DATABASE_URL=postgresql://postgres:\${POSTGRES_PASSWORD}@localhost:5432/app\nCACHE_URL=redis://default:$REDIS_PASSWORD@cache:6379\nLEGACY_DB_URL=postgres://app:${planted}@db.internal/app\n`,
      'app/config.py': 'import os\nDB = os.environ["DATABASE_URL"]\nCACHE = os.environ["CACHE_URL"]\nLEGACY = os.environ["LEGACY_DB_URL"]\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(by(r, 'env/secret-in-example').map((f) => f.data?.variable), ['LEGACY_DB_URL']);
    assert.ok(!JSON.stringify(r).includes(planted));
  });
});

describe('env analysis: test code is not production', () => {
  const { tree } = scratchDirs();
  it('variables read only in tests (by each language convention) are not reported or listed; env.includeTests reads them', async () => {
    const files = {
      '.env.example': 'APP_URL=\n',
      'src/app.ts': 'export const a = process.env.APP_URL;\n',
      'src/app.test.ts': 'const w = process.env.JEST_WORKER_ID;\n',
      'tests/test_db.py': 'import os\npw = os.environ["TEST_DB_PASSWORD"]\n',
      'pkg/db_test.go': 'package db\nimport "os"\nvar d = os.Getenv("TEST_DSN")\n',
      'app/__tests__/x.js': 'process.env.SNAPSHOT_DIR;\n',
      'spec/models/user_spec.rb': 'ENV.fetch("SPEC_SEED")\n',
      // memos: a Go test helper package, and a Windows folder the platform sets
      'internal/testutil/minio/server.go': 'package minio\nimport "os"\nvar skip = os.Getenv("SKIP_CONTAINER_TESTS") != ""\n',
      'internal/profile/profile.go': 'package profile\nimport "os"\nvar dir = os.Getenv("ProgramData")\n',
    };
    const r = await analyze(tree(files));
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'env/missing-from-example'), []);
    assert.deepEqual(r.facts.envVars.map((v) => v.name), ['APP_URL']);
    const config = defaultConfig();
    config.env.includeTests = true;
    const ws = await Workspace.open({ root: tree(files), config, trusted: false, areas: ['env'] });
    const all = (await ws.analyze()).findings.filter((f) => f.ruleId === 'env/missing-from-example').map((f) => f.data?.variable).sort();
    assert.deepEqual(all, ['JEST_WORKER_ID', 'SKIP_CONTAINER_TESTS', 'SNAPSHOT_DIR', 'SPEC_SEED', 'TEST_DB_PASSWORD', 'TEST_DSN']);
  });

  it('a declared variable only tests read is said to be read by tests (info, no "remove it", no fix); one nobody reads keeps the remove fix', async () => {
    const dir = tree({
      '.env.example': 'SITE_ROOT=\nDB_TEST_PASSWORD=\nE2E_ADMIN_EMAIL=\nTEST_SMTP_PORT=\nLINENOTIFY_CLIENT_ID=\n',
      'hc/settings.py': 'import os\n\ndef envint(s, default):\n    v = os.getenv(s, default)\n    return int(v)\n\nSITE_ROOT = os.getenv("SITE_ROOT", "http://localhost:8000")\n',
      'hc/api/tests/test_db.py': 'import os\nPASSWORD = os.environ["DB_TEST_PASSWORD"]\n',
      'hc/api/tests/test_smtp.py': 'from hc.settings import envint\nPORT = envint("TEST_SMTP_PORT", "2525")\n',
      'packages/app-tests/e2e/admin.spec.ts': 'const email = process.env.E2E_ADMIN_EMAIL ?? "admin@example.com";\n',
    });
    const unused = by(await analyze(dir), 'env/unused-in-example');
    const row = (v: string) => unused.find((f) => f.data?.variable === v)!;
    for (const [v, file, line] of [['DB_TEST_PASSWORD', 'hc/api/tests/test_db.py', 2], ['TEST_SMTP_PORT', 'hc/api/tests/test_smtp.py', 2], ['E2E_ADMIN_EMAIL', 'packages/app-tests/e2e/admin.spec.ts', 1]] as const) {
      const f = row(v);
      assert.ok(f, `${v} is reported`);
      assert.equal(f.severity, 'info');
      assert.equal(f.data?.testOnly, true);
      assert.ok(f.message.includes(`read only by test code (${file}:${line})`), f.message);
      assert.doesNotMatch(f.message, /remov/i);
      assert.equal(f.fixes, undefined, `${v}: no remove fix`);
    }
    const stale = row('LINENOTIFY_CLIENT_ID');
    assert.equal(stale.data?.testOnly, undefined);
    assert.match(stale.message, /no read of it was found.*before removing it/);
    assert.equal(stale.fixes?.[0].title, 'Remove LINENOTIFY_CLIENT_ID from .env.example');
    assert.equal(row('SITE_ROOT'), undefined);
  });
});
