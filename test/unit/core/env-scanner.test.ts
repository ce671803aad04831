import * as assert from 'node:assert/strict';
import type { SourceLanguage } from '../../../src/core/classify';
import { scanSource, type ScanResult } from '../../../src/core/env/scanner';

async function reads(lang: SourceLanguage, text: string): Promise<string[]> {
  const r = await scanSource(lang, text);
  return r.reads.map((x) => `${x.name}:${x.kind}`);
}

function at(r: ScanResult, name: string): [number, number] {
  const x = r.reads.find((v) => v.name === name);
  assert.ok(x, `${name} not found`);
  return [x.range.start.line, x.range.start.character];
}

describe('env scanner: reads per language, with their kind and position', () => {
  it('JavaScript/TypeScript: member, string subscript, destructuring, defaults, import.meta, Bun, Deno, SvelteKit', async () => {
    const src = [
      'const a = process.env.A;',
      "const b = process.env['B'] ?? 'x';",
      'const c = import.meta.env.VITE_C || "y";',
      'const d = Bun.env.D;',
      'const e = Deno.env.get("E");',
      "import { F, G as g } from '$env/static/private';",
      "import { env as pub } from '$env/dynamic/public';",
      'const h = pub.PUBLIC_H;',
      'const { I, J: jj, K = "k", ...rest } = process.env;',
      'const dyn = process.env[name];',
      'if (process.env.L) {}',
      'const n: string = process.env.N!;',
    ].join('\n');
    const r = await scanSource('typescript', src);
    assert.deepEqual(
      r.reads.map((x) => `${x.name}:${x.kind}`),
      ['A:required', 'B:default', 'VITE_C:default', 'D:required', 'E:optional', 'F:required', 'G:required', 'PUBLIC_H:required', 'I:required', 'J:required', 'K:default', 'L:optional', 'N:required'],
    );
    assert.deepEqual(at(r, 'A'), [0, 22]);
    assert.deepEqual(at(r, 'B'), [1, 23]);
    assert.equal(r.dynamic.length, 2, 'the ...rest and the computed subscript are dynamic');
    assert.deepEqual(r.dynamic.map((d) => d.range.start.line).sort(), [8, 9]);
  });

  it('JavaScript: envalid, t3-env and zod schemas declare their keys with required/optional/default', async () => {
    const src = [
      'const env = cleanEnv(process.env, { PORT: port({ default: 3000 }), API_KEY: str() });',
      'export const t3 = createEnv({ server: { DB_URL: z.string().url(), OPT: z.string().optional() }, client: { NEXT_PUBLIC_X: z.string().default("a") }, runtimeEnv: {} });',
      'const cfg = z.object({ REDIS_URL: z.string() }).parse(process.env);',
    ].join('\n');
    assert.deepEqual(await reads('javascript', src), ['PORT:default', 'API_KEY:required', 'DB_URL:required', 'OPT:optional', 'NEXT_PUBLIC_X:default', 'REDIS_URL:required']);
  });

  it('Python: os.environ[], .get, getenv, from-imports, setdefault, pydantic BaseSettings with env_prefix', async () => {
    const src = [
      'import os',
      'from os import environ, getenv',
      'a = os.environ["A"]',
      'b = os.environ.get("B", "d")',
      'c = os.getenv("C")',
      "d = environ.get('D')",
      'e = getenv("E", default="x")',
      'os.environ["SET_HERE"] = "1"',
      'k = os.environ[key]',
      'class Settings(BaseSettings):',
      '    model_config = SettingsConfigDict(env_prefix="APP_")',
      '    db_url: str',
      '    port: int = 8000',
      '    sentry: str | None = None',
    ].join('\n');
    const r = await scanSource('python', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`), ['A:required', 'B:default', 'C:optional', 'D:optional', 'E:default', 'APP_DB_URL:required', 'APP_PORT:default', 'APP_SENTRY:optional']);
    assert.equal(r.dynamic.length, 1);
    assert.deepEqual(at(r, 'A'), [2, 16]);
  });

  it('Ruby: ENV[], ENV.fetch with and without a default', async () => {
    const src = 'a = ENV["A"]\nb = ENV.fetch("B")\nc = ENV.fetch("C", "d")\nd = ENV["D"] || "x"\ne = ENV.fetch("E") { "z" }\nENV["W"] = "1"\n';
    assert.deepEqual(await reads('ruby', src), ['A:optional', 'B:required', 'C:default', 'D:default', 'E:default']);
  });

  it('Go: os.Getenv, os.LookupEnv, envconfig and caarlos0/env tags', async () => {
    const src = [
      'package main',
      'import "os"',
      'type C struct {',
      '\tPort int    `envconfig:"PORT_NUM" default:"80"`',
      '\tKey  string `env:"API_KEY,required"`',
      '\tOpt  string `env:"OPT_X"`',
      '}',
      'func main() { a := os.Getenv("A"); _, _ = os.LookupEnv("B"); _ = os.Getenv(k) }',
    ].join('\n');
    const r = await scanSource('go', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`), ['PORT_NUM:default', 'API_KEY:required', 'OPT_X:optional', 'A:optional', 'B:optional']);
    assert.deepEqual(at(r, 'API_KEY'), [4, 19]);
    assert.equal(r.dynamic.length, 1);
  });

  it('Rust: env::var with unwrap/?/unwrap_or, env! and option_env!', async () => {
    const src = 'fn main() -> R { let a = std::env::var("A").unwrap(); let b = env::var("B").unwrap_or("x".into()); let c = env!("C"); let d = option_env!("D"); let e = env::var("E")?; let f = env::var_os("F"); Ok(()) }';
    assert.deepEqual(await reads('rust', src), ['A:required', 'B:default', 'C:required', 'D:optional', 'E:required', 'F:optional']);
  });

  it('Java: System.getenv and Spring @Value placeholders', async () => {
    const src = 'class A { String a = System.getenv("A"); @Value("${B:def}") String b; @Value("${C}") String c; @Value("${spring.x}") String d; }';
    assert.deepEqual(await reads('java', src), ['A:optional', 'B:default', 'C:required']);
  });

  it('PHP: getenv, $_ENV, $_SERVER (not request headers), Laravel env() with a default', async () => {
    const src = "<?php\n$a = getenv('A'); $b = $_ENV['B']; $c = env('C', 'd'); $d = $_SERVER['D']; $e = env('E'); $m = $_SERVER['REQUEST_METHOD'];\n";
    assert.deepEqual(await reads('php', src), ['A:optional', 'B:optional', 'C:default', 'D:optional', 'E:optional']);
  });

  it('C#: Environment.GetEnvironmentVariable with and without ??', async () => {
    const src = 'class A { void M() { var a = Environment.GetEnvironmentVariable("A"); var b = System.Environment.GetEnvironmentVariable("B") ?? "x"; } }';
    assert.deepEqual(await reads('csharp', src), ['A:optional', 'B:default']);
  });

  it('shell: ${X:?} required, ${X:-d} default, locals, loop variables, positional and built-ins skipped', async () => {
    const src = '#!/bin/sh\n: "${A:?missing}"\necho "$B ${C:-d} ${D:+alt} $1 $HOME"\nE=1\necho $E\nfor G in a b; do echo $G; done\necho ${H}\nread -r I\necho $I $RANDOM\n';
    assert.deepEqual(await reads('shell', src), ['A:required', 'B:optional', 'C:default', 'D:optional', 'HOME:optional', 'H:optional']);
    const strict = await reads('shell', 'set -eu\necho "$TOKEN"\n');
    assert.deepEqual(strict, ['TOKEN:required'], 'set -u makes a plain expansion required');
  });

  it('a file that does not parse is still scanned where it parses, and says so', async () => {
    const r = await scanSource('typescript', 'const a = process.env.GOOD;\nfunction (( {\nconst b = process.env.ALSO;\n');
    assert.equal(r.hasErrors, true);
    assert.ok(r.reads.some((x) => x.name === 'GOOD'));
  });

  it('files without any read marker are not parsed and give nothing', async () => {
    assert.deepEqual(await reads('python', 'print("hello")\n'), []);
    assert.deepEqual(await reads('kotlin', 'val x = getenvFromSomewhere("X") // System.getenv not called'), [], 'Kotlin: only System.getenv in call position');
  });

  it('a read tested inside an && / || chain that is a condition (or Boolean(…)) is optional; the same read used as a value stays required', async () => {
    const src = [
      "if (typeof process !== 'undefined' && process?.env?.BACKEND_ORIGIN) { setBase(); }",
      'while (ready() || process.env.KEEP_POLLING) { poll(); }',
      'const tag = isProd() && process.env.RELEASE_TAG ? 1 : 0;',
      'if (!(flag && process.env.TRACE_ON)) { quiet(); }',
      'const token = enabled && process.env.SERVICE_TOKEN;',
      'send(process.env.MAIL_RELAY);',
      'const on = Boolean(process.env.CHAT_ID && process.env.CHAT_SECRET);',
    ].join('\n');
    assert.deepEqual(await reads('typescript', src), ['BACKEND_ORIGIN:optional', 'KEEP_POLLING:optional', 'RELEASE_TAG:optional', 'TRACE_ON:optional', 'SERVICE_TOKEN:required', 'MAIL_RELAY:required', 'CHAT_ID:optional', 'CHAT_SECRET:optional']);
  });

  it('in a dev tool config file, a read that sets a dev-server or preview option is optional; other reads there and the same code elsewhere stay required', async () => {
    const src = [
      "import { defineConfig } from 'vite';",
      'export default defineConfig({',
      '  define: { RELEASE: JSON.stringify(process.env.RELEASE_NAME) },',
      "  server: { host: process.env.DEV_HOST, hmr: { clientPort: process.env['HMR_PORT'] } },",
      '  preview: { port: process.env.PREVIEW_PORT },',
      '});',
    ].join('\n');
    const kinds = async (file: string) => (await scanSource('typescript', src, file)).reads.map((x) => `${x.name}:${x.kind}`);
    assert.deepEqual(await kinds('web/vite.config.ts'), ['RELEASE_NAME:required', 'DEV_HOST:optional', 'HMR_PORT:optional', 'PREVIEW_PORT:optional']);
    assert.deepEqual(await kinds('web/src/settings.ts'), ['RELEASE_NAME:required', 'DEV_HOST:required', 'HMR_PORT:required', 'PREVIEW_PORT:required']);
  });

  it('a read kept in a local that the next if tests is optional unless that if throws', async () => {
    const src = [
      'export function client() {',
      '  const key = process.env.SEARCH_KEY;',
      '  if (!key) {',
      '    return null;',
      '  }',
      '  return key;',
      '}',
      'export function strict() {',
      "  const secret = process.env['SIGNING_SECRET'];",
      '  log(secret);',
      '  if (!secret) {',
      "    throw new Error('SIGNING_SECRET is not set');",
      '  }',
      '}',
      'export function plain() {',
      '  const region = process.env.STORE_REGION;',
      '  return region;',
      '}',
    ].join('\n');
    assert.deepEqual(await reads('typescript', src), ['SEARCH_KEY:optional', 'SIGNING_SECRET:required', 'STORE_REGION:required']);
  });

  it('a read reached only when another variable is set is optional; a production-only or negated gate keeps it required', async () => {
    const src = [
      'if (process.env.CDN_DOMAIN && ready) {',
      '  sign(process.env.CDN_KEY_ID);',
      '} else {',
      '  plain(process.env.BUCKET_NAME);',
      '}',
      'const sig = process.env.AUDIT_SINK ? send(process.env.AUDIT_TOKEN) : null;',
      "if (process.env.NODE_ENV === 'production') { pay(process.env.PAYMENT_KEY); }",
      'if (!process.env.SKIP_MAIL) { mail(process.env.MAIL_HOST); }',
    ].join('\n');
    assert.deepEqual(await reads('typescript', src), [
      'CDN_DOMAIN:optional', 'CDN_KEY_ID:optional', 'BUCKET_NAME:required', 'AUDIT_SINK:optional', 'AUDIT_TOKEN:optional', 'NODE_ENV:optional', 'PAYMENT_KEY:required', 'SKIP_MAIL:optional', 'MAIL_HOST:required',
    ]);
  });
});
