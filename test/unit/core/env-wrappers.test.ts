import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Report } from '../../../src/core/model';
import { branchRepo, scratchDirs } from '../helpers';

/** Reads through a project's own helpers (`env('X')`, `get_bool_from_env("X", False)`, `envStr(&c.Addr, "ADDR")`). */
async function analyze(root: string, trusted = false, readers: { call: string; arg: number }[] = []): Promise<Report> {
  const config = defaultConfig();
  config.env.readers = readers;
  const ws = await Workspace.open({ root, config, trusted, areas: ['env'] });
  return ws.analyze();
}
const by = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.ruleId === rule);
const missing = (r: Report) => by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}:${f.data?.use}:${f.range.start.line + 1}`);
const unused = (r: Report) => by(r, 'env/unused-in-example').map((f) => f.data?.variable);

describe('env analysis: reads through project helpers (wrappers)', () => {
  const { tree, keep } = scratchDirs();

  it('TypeScript: `env(name)` returning `process?.env?.[name]` and `requireEnv` that throws; calls in files with no env marker are reads', async () => {
    const dir = tree({
      '.env.example': 'NEXT_PUBLIC_WEBAPP_URL=\nNEXT_PRIVATE_SMTP_HOST=\nUNUSED_ONE=\n',
      'packages/lib/utils/env.ts': [
        'export const env = (variable: string): string | undefined => {',
        "  if (typeof window !== 'undefined' && typeof window.__ENV__ === 'object') return window.__ENV__[variable];",
        '  return process?.env?.[variable];',
        '};',
        'export const requireEnv = (variable: string): string => {',
        '  const value = env(variable);',
        '  if (!value) throw new Error(`Missing ${variable}`);',
        '  return value;',
        '};',
        '',
      ].join('\n'),
      'apps/web/src/url.ts': [
        "import { env, requireEnv } from '@documenso/lib/utils/env';",
        "export const url = env('NEXT_PUBLIC_WEBAPP_URL') ?? 'http://localhost:3000';",
        "export const host = env('NEXT_PRIVATE_SMTP_HOST');",
        "export const key = requireEnv('NEXT_PRIVATE_SIGNING_KEY');",
        "export const port = env('NEXT_PRIVATE_SMTP_PORT') || 587;",
        "export const notAName = env('production');",
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);

    assert.deepEqual(unused(r), ['UNUSED_ONE']);
    assert.deepEqual(missing(r), ['apps/web/src/url.ts:NEXT_PRIVATE_SIGNING_KEY:required:4', 'apps/web/src/url.ts:NEXT_PRIVATE_SMTP_PORT:default:5']);
    const key = by(r, 'env/missing-from-example')[0];
    assert.equal(key.severity, 'error');
    assert.match(key.message, /via requireEnv\(\)/);
    // the helper's own `process?.env?.[variable]` is not a dynamic read to report
    assert.deepEqual(by(r, 'env/dynamic-read'), []);
  });

  it('Python: `get_bool_from_env("X", False)` is a read with a default; `os.environ[name]` in a helper without a default is required', async () => {
    const dir = tree({
      '.env.example': 'DEBUG_TOOLBAR=\n',
      'app/settings_utils.py': [
        'import os',
        'import ast',
        '',
        'def get_bool_from_env(name, default_value):',
        '    if name in os.environ:',
        '        value = os.environ[name]',
        '        try:',
        '            return ast.literal_eval(value)',
        '        except ValueError as e:',
        '            raise ValueError(f"{value} is an invalid value for {name}") from e',
        '    return default_value',
        '',
        'def need(key):',
        '    return os.environ[key]',
        '',
      ].join('\n'),
      'app/settings.py': [
        'from .settings_utils import get_bool_from_env, need',
        '',
        'DEBUG_TOOLBAR = get_bool_from_env("DEBUG_TOOLBAR", False)',
        'ENABLE_SSL = get_bool_from_env("ENABLE_SSL", False)',
        'SECRET_KEY = need("SECRET_KEY")',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['app/settings.py:ENABLE_SSL:default:4', 'app/settings.py:SECRET_KEY:required:5']);
    assert.deepEqual(unused(r), []);
    assert.deepEqual(by(r, 'env/dynamic-read'), []);
  });

  it('Python: a helper passing its name and its default positionally (`os.getenv(key, fallback)`) reads the name at argument 0, not the default', async () => {
    const dir = tree({
      '.env.example': 'WORKER_COUNT=4\nTOKEN_FOR_BOT=\n',
      'conf/helpers.py': [
        'import os',
        '',
        'def number_from_env(key, fallback):',
        '    raw = os.getenv(key, fallback)',
        '    return None if raw == "None" else int(raw)',
        '',
        'def secret_from_env(key, fallback=None):',
        '    if path := os.getenv(key + "_PATH"):',
        '        return open(path).read()',
        '    return os.getenv(key, fallback)',
        '',
      ].join('\n'),
      'conf/settings.py': [
        'from .helpers import number_from_env, secret_from_env',
        'WORKERS = number_from_env("WORKER_COUNT", "4")',
        'BOT = secret_from_env("TOKEN_FOR_BOT")',
        'RETRIES = number_from_env("RETRY_LIMIT", "3")',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(unused(r), [], 'both declared names are read through the helpers');
    assert.deepEqual(missing(r), ['conf/settings.py:RETRY_LIMIT:default:4']);
  });

  it('Go: `envStr(&c.Addr, "ADDR")` reads ADDR (the name is the second argument); a computed name stays dynamic', async () => {
    const dir = tree({
      '.env.example': 'ADDR=\n',
      'internal/config/env.go': [
        'package config',
        '',
        'import "os"',
        '',
        'func envStr(dst *string, key string) {',
        '\tif v := os.Getenv(key); v != "" {',
        '\t\t*dst = v',
        '\t}',
        '}',
        '',
        'func prefixed(p string) string { return os.Getenv(p + "_URL") }',
        '',
      ].join('\n'),
      'internal/config/config.go': [
        'package config',
        '',
        'type Config struct{ Addr, DB string }',
        '',
        'func Load() Config {',
        '\tvar c Config',
        '\tenvStr(&c.Addr, "ADDR")',
        '\tenvStr(&c.DB, "DATABASE_URL")',
        '\treturn c',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['internal/config/config.go:DATABASE_URL:optional:8']);
    assert.deepEqual(unused(r), []);
    assert.equal(by(r, 'env/dynamic-read').length, 1);
  });

  it('helpers are per language family: a Python `env("X")` call does not read through a TypeScript `env`', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'web/env.ts': 'export function env(name: string) { return process.env[name]; }\nexport const u = process.env.APP_URL;\n',
      'tools/run.py': 'def env(x):\n    return x\n\nprint(env("NOT_A_READ"))\n',
    });
    const r = await analyze(dir);
    assert.ok(!r.findings.some((f) => f.data?.variable === 'NOT_A_READ'));
  });

  it('env.readers names a helper the analysis cannot see into (an SDK): its literal calls are reads', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\nFROM_CONFIG=\n',
      'src/a.ts': "import { getConfig } from 'some-sdk';\nexport const a = [getConfig('FROM_CONFIG'), process.env.APP_URL, getConfig('OTHER_SETTING') ?? 1];\n",
    });
    const without = await analyze(dir);
    assert.deepEqual(unused(without), ['FROM_CONFIG']);
    const r = await analyze(dir, false, [{ call: 'getConfig', arg: 0 }]);
    assert.deepEqual(unused(r), []);
    assert.deepEqual(missing(r), ['src/a.ts:OTHER_SETTING:default:2']);
  });

  it('a variable first read on the branch through a helper is new; one read through the helper at the base is not', async () => {
    const dir = keep(
      branchRepo(
        {
          '.env.example': 'APP_URL=\nOLD_SERVICE_URL=\n',
          'src/env.ts': 'export const env = (n: string) => process.env[n];\nexport const a = process.env.APP_URL;\n',
          'src/old.ts': "import { env } from './env';\nexport const o = env('OLD_SERVICE_URL');\n",
        },
        { 'src/new.ts': "import { env } from './env';\nexport const s = env('BILLING_SERVICE_URL');\n", 'src/old.ts': "import { env } from './env';\nexport const o = env('OLD_SERVICE_URL');\nexport const p = 1;\n" },
      ),
    );
    const r = await analyze(dir, true);
    const billing = by(r, 'env/missing-from-example').find((f) => f.data?.variable === 'BILLING_SERVICE_URL');
    assert.ok(billing, 'the new variable read through the helper is found');
    assert.equal(billing.data?.newOnBranch, true);
    assert.ok(r.facts.envVars.some((v) => v.name === 'BILLING_SERVICE_URL' && v.isNew));
    assert.ok(r.facts.envVars.some((v) => v.name === 'OLD_SERVICE_URL' && !v.isNew));
  });
});

describe('env analysis: new variables through real-shaped helpers on a branch', () => {
  const { keep } = scratchDirs();

  it("healthchecks' envbool/envint and microservices-demo's mustMapEnv(&field, \"X\"): each new name is new on the branch, advised by its use", async () => {
    const settings = [
      'import os',
      '',
      'def envbool(s: str, default: str) -> bool:',
      '    v = os.getenv(s, default=default)',
      '    if v not in ("", "True", "False"):',
      '        raise ValueError(s)',
      '    return v == "True"',
      '',
      'def envint(s: str, default: str) -> int | None:',
      '    v = os.getenv(s, default)',
      '    return None if v == "None" else int(v)',
      '',
      'ZULIP_ENABLED = envbool("ZULIP_ENABLED", "True")',
      '',
    ].join('\n');
    const main = [
      'package main',
      'import ("fmt"; "os")',
      'type frontendServer struct { cartSvcAddr string; loyaltySvcAddr string }',
      'func main() {',
      '  svc := new(frontendServer)',
      '  mustMapEnv(&svc.cartSvcAddr, "CART_SERVICE_ADDR")',
      '}',
      'func mustMapEnv(target *string, envKey string) {',
      '  v := os.Getenv(envKey)',
      '  if v == "" {',
      '    panic(fmt.Sprintf("environment variable %q not set", envKey))',
      '  }',
      '  *target = v',
      '}',
      '',
    ].join('\n');
    const dir = keep(
      branchRepo(
        { 'hc/settings.py': settings, 'src/frontend/main.go': main },
        {
          'hc/settings.py': settings + 'ROCKETCHAT_THREADS_ENABLED = envbool("ROCKETCHAT_THREADS_ENABLED", "False")\n',
          'hc/lib/workers.py': 'from hc.settings import envint\n\nMAX_WORKERS = envint("HC_SENDALERTS_WORKERS", "4")\n',
          'src/frontend/main.go': main.replace('  mustMapEnv(&svc.cartSvcAddr, "CART_SERVICE_ADDR")\n', '  mustMapEnv(&svc.cartSvcAddr, "CART_SERVICE_ADDR")\n  mustMapEnv(&svc.loyaltySvcAddr, "LOYALTY_SERVICE_ADDR")\n'),
        },
      ),
    );
    const found = by(await analyze(dir, true), 'env/new-on-branch');
    assert.deepEqual(
      found.map((f) => `${f.file}:${f.range.start.line + 1}:${f.data?.variable}:${f.data?.use}`),
      ['hc/lib/workers.py:3:HC_SENDALERTS_WORKERS:default', 'hc/settings.py:14:ROCKETCHAT_THREADS_ENABLED:default', 'src/frontend/main.go:7:LOYALTY_SERVICE_ADDR:required'],
    );
    assert.match(found[2].message, /LOYALTY_SERVICE_ADDR is first read on this branch \(required, via mustMapEnv\(\)\).*Set it in every production environment before deploying/);
    assert.match(found[0].message, /has a default: set it in production where the default is not right/);
    assert.doesNotMatch(found[0].message, /every production environment/);
  });
});

describe('env analysis: how a read through a helper treats absence', () => {
  const { tree } = scratchDirs();

  it("a helper that passes its default parameter on: a call with a default has one, a call without it (healthchecks' envsecret(\"X\")) is optional", async () => {
    const dir = tree({
      '.env.example': 'SITE_ROOT=\n',
      'hc/settings.py': [
        'import os',
        'from pathlib import Path',
        '',
        'def envsecret(s: str, default: str | None = None) -> str | None:',
        '    if secret_path := os.getenv(s + "_FILE"):',
        '        p = Path(secret_path)',
        '        if not p.is_file():',
        '            raise ValueError(s)',
        '        return p.read_text()',
        '    return os.getenv(s, default)',
        '',
        'SITE_ROOT = os.getenv("SITE_ROOT", "http://localhost:8000")',
        'SECRET_KEY = envsecret("SECRET_KEY", "---")',
        'TELEGRAM_TOKEN = envsecret("TELEGRAM_TOKEN")',
        '',
      ].join('\n'),
    });
    assert.deepEqual(missing(await analyze(dir)), ['hc/settings.py:SECRET_KEY:default:13', 'hc/settings.py:TELEGRAM_TOKEN:optional:14']);
  });

  it('a helper call kept in a local that is tested later, or guarded by the same call, is optional; a plain use is required', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'src/env.ts': 'export const env = (n: string) => process.env[n];\nexport const a = process.env.APP_URL;\n',
      'src/pdf.ts': [
        "import { env } from './env';",
        'export async function open() {',
        "  const browserless = env('BROWSERLESS_URL');",
        '  if (browserless) {',
        '    return browserless;',
        '  }',
        "  if (env('CDN_DOMAIN')) {",
        "    return `${env('CDN_DOMAIN')}/x`;",
        '  }',
        "  const key = String(env('STORAGE_KEY'));",
        '  return key;',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['src/pdf.ts:BROWSERLESS_URL:optional:3', 'src/pdf.ts:CDN_DOMAIN:optional:7', 'src/pdf.ts:STORAGE_KEY:required:10']);
  });

  it('helper calls and direct reads kept in a local follow one rule: the first later test decides, an `if` that throws keeps it required', async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'src/env.ts': 'export const env = (n: string) => process.env[n];\nexport const a = process.env.APP_URL;\n',
      // documenso's session-cookies.ts and bullmq.ts: the helper's value is checked and the code throws
      'src/session.ts': [
        "import { env } from './env';",
        'const getAuthSecret = () => {',
        "  const authSecret = env('NEXTAUTH_SECRET');",
        '',
        '  if (!authSecret) {',
        "    throw new Error('NEXTAUTH_SECRET is not set');",
        '  }',
        '  return authSecret;',
        '};',
        "const prefix = env('REDIS_PREFIX') || 'documenso';",
        "const region = env('SES_REGION');",
        'export const client = () => new Client({ region: region ?? "us-east-1", prefix });',
        '',
      ].join('\n'),
      // documenso's telemetry-client.ts: module constants tested inside a method, which returns
      'src/telemetry.ts': [
        'const TELEMETRY_KEY = process.env.TELEMETRY_KEY;',
        'const TELEMETRY_HOST = process.env.TELEMETRY_HOST;',
        'export class TelemetryClient {',
        '  start() {',
        '    if (!TELEMETRY_KEY || !TELEMETRY_HOST) {',
        '      return;',
        '    }',
        '    send(TELEMETRY_KEY, TELEMETRY_HOST);',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(missing(await analyze(dir)), [
      'src/session.ts:NEXTAUTH_SECRET:required:3',
      'src/session.ts:REDIS_PREFIX:default:10',
      'src/session.ts:SES_REGION:optional:11',
      'src/telemetry.ts:TELEMETRY_KEY:optional:1',
      'src/telemetry.ts:TELEMETRY_HOST:optional:2',
    ]);
  });
});

describe('env analysis: example files under other names', () => {
  const { tree } = scratchDirs();

  for (const name of ['example.env', 'example.docker.env', 'env.sample', '.env.local.example', '.env.example.docker', 'config/app.env.example']) {
    it(`finds ${name} by pattern and checks reads against it`, async () => {
      const dir = name.includes('/') ? tree({ [name]: 'APP_URL=\n', 'config/a.ts': 'export const a = [process.env.APP_URL, process.env.API_SECRET];\n' }) : tree({ [name]: 'APP_URL=\n', 'a.ts': 'export const a = [process.env.APP_URL, process.env.API_SECRET];\n' });
      const r = await analyze(dir);
      const fs = by(r, 'env/missing-from-example');
      assert.deepEqual(fs.map((f) => f.data?.variable), ['API_SECRET']);
      assert.match(fs[0].message, new RegExp(`not declared in ${name.replace(/\./g, '\\.')}`));
      assert.ok(!r.notices.some((n) => /no example file/.test(n.message)));
    });
  }

  it('a configured name is preferred over one found by pattern in the same folder', async () => {
    const dir = tree({ '.env.example': 'APP_URL=\n', 'example.env': 'APP_URL=\nAPI_SECRET=\n', 'a.ts': 'export const a = [process.env.APP_URL, process.env.API_SECRET];\n' });
    const fs = by(await analyze(dir), 'env/missing-from-example');
    assert.deepEqual(fs.map((f) => `${f.data?.variable}:${/in \.env\.example\./.test(f.message)}`), ['API_SECRET:true']);
  });

  it('with no example file, the notice says which names were looked for and how to configure one', async () => {
    const dir = tree({ 'a.ts': 'export const a = process.env.APP_URL;\n', 'env.txt': 'APP_URL=\n' });
    const n = (await analyze(dir)).notices.find((x) => /no example file/.test(x.message));
    assert.ok(n);
    assert.match(n.message, /\.env\.example/);
    assert.match(n.message, /example\.env/);
    assert.match(n.message, /env\.sample/);
    assert.match(n.message, /env\.exampleFiles/);
  });
});

describe('env analysis: platform-provided names per runtime', () => {
  const { tree } = scratchDirs();

  it("Vite's names only in code Vite bundles, Next's only in Next apps, GITHUB_TOKEN-like names only in workflows; PATH, HOME and Actions defaults (GITHUB_SHA) everywhere", async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'web/vite.config.ts': 'export default {};\n',
      'web/src/main.ts': 'export const a = [import.meta.env.BASE_URL, import.meta.env.MODE, process.env.APP_URL];\n',
      'web/src/ssr.ts': 'export const s = process.env.SSR;\n',
      'other/src/x.ts': 'export const b = [import.meta.env.DEV, process.env.PROD, process.env.NEXT_RUNTIME];\n',
      'site/next.config.js': 'module.exports = {};\n',
      'site/app/page.ts': 'export const r = process.env.NEXT_RUNTIME;\n',
      'svc/main.go': 'package main\n\nimport "os"\n\nfunc main() { _ = os.Getenv("BASE_URL"); _ = os.Getenv("PATH"); _ = os.Getenv("GITHUB_TOKEN"); _ = os.Getenv("GITHUB_SHA") }\n',
      'tools/run.py': 'import os\nDEBUG = os.environ.get("DEBUG")\nHOME = os.environ["HOME"]\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$GITHUB_SHA $RUNNER_OS"\n',
    });
    const r = await analyze(dir);
    const names = by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}`).sort();
    assert.deepEqual(names, ['other/src/x.ts:NEXT_RUNTIME', 'other/src/x.ts:PROD', 'svc/main.go:BASE_URL', 'svc/main.go:GITHUB_TOKEN', 'tools/run.py:DEBUG']);
  });

  it("Vercel's NEXT_PUBLIC_VERCEL_* system names are provided in a Next app only; a project's own NEXT_PUBLIC_*VERCEL* flag is not", async () => {
    const dir = tree({
      '.env.example': 'APP_URL=\n',
      'shop/next.config.mjs': 'export default { env: { STAGE: process.env.NEXT_PUBLIC_VERCEL_ENV } };\n',
      'shop/src/build.ts': 'export const b = [process.env.NEXT_PUBLIC_VERCEL_GIT_COMMIT_SHA, process.env.NEXT_PUBLIC_VERCEL_URL, process.env.NEXT_PUBLIC_SHOP_VERCEL_INSIGHTS];\n',
      'worker/src/main.ts': 'export const w = process.env.NEXT_PUBLIC_VERCEL_ENV;\n',
    });
    const r = await analyze(dir);
    const names = by(r, 'env/missing-from-example').map((f) => `${f.file}:${f.data?.variable}`).sort();
    assert.deepEqual(names, ['shop/src/build.ts:NEXT_PUBLIC_SHOP_VERCEL_INSIGHTS', 'worker/src/main.ts:NEXT_PUBLIC_VERCEL_ENV']);
  });

  it('env.ignorePlatform: false reports them all', async () => {
    const dir = tree({ '.env.example': 'APP_URL=\n', 'web/vite.config.ts': 'export default {};\n', 'web/src/main.ts': 'export const a = [import.meta.env.BASE_URL, process.env.APP_URL];\n' });
    const config = defaultConfig();
    config.env.ignorePlatform = false;
    const r = await (await Workspace.open({ root: dir, config, trusted: false, areas: ['env'] })).analyze();
    assert.deepEqual(by(r, 'env/missing-from-example').map((f) => f.data?.variable), ['BASE_URL']);
  });
});

describe('env analysis: Go envconfig structs', () => {
  const { tree } = scratchDirs();

  it('envconfig.Process("GOTRUE", &c): fields are prefixed, a tagged nested struct is a prefix, split_words, required and default', async () => {
    const dir = tree({
      '.env.example': 'GOTRUE_SITE_URL=\n',
      'conf/config.go': [
        'package conf',
        '',
        'import "github.com/kelseyhightower/envconfig"',
        '',
        'type OAuthProvider struct {',
        '\tClientID string `json:"client_id" split_words:"true"`',
        '\tEnabled  bool',
        '}',
        '',
        'type GlobalConfiguration struct {',
        '\tSiteURL     string        `json:"site_url" split_words:"true" required:"true"`',
        '\tJWTSecret   string        `envconfig:"JWT_SECRET" required:"true"`',
        '\tRateLimit   int           `split_words:"true" default:"30"`',
        '\tCustomOAuth OAuthProvider `envconfig:"CUSTOM_OAUTH"`',
        '\tInternal    string        `ignored:"true"`',
        '}',
        '',
        'func Load() (*GlobalConfiguration, error) {',
        '\tconfig := new(GlobalConfiguration)',
        '\tif err := envconfig.Process("GOTRUE", config); err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\treturn config, nil',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(by(r, 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.data?.use}`).sort(), [
      'GOTRUE_CUSTOM_OAUTH_CLIENT_ID:optional',
      'GOTRUE_CUSTOM_OAUTH_ENABLED:optional',
      'GOTRUE_JWT_SECRET:required',
      'GOTRUE_RATE_LIMIT:default',
    ]);
    assert.ok(!r.findings.some((f) => f.data?.variable === 'CUSTOM_OAUTH' || f.data?.variable === 'GOTRUE_INTERNAL'));
    assert.deepEqual(by(r, 'env/unused-in-example'), []);
  });
});
