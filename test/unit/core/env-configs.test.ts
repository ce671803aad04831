import * as assert from 'node:assert/strict';
import type { SourceLanguage } from '../../../src/core/classify';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { scanSource } from '../../../src/core/env/scanner';
import type { Finding, Report } from '../../../src/core/model';
import { scratchDirs } from '../helpers';

async function reads(lang: SourceLanguage, text: string): Promise<string[]> {
  const r = await scanSource(lang, text);
  return r.reads.map((x) => `${x.name}:${x.kind}`);
}

async function analyze(root: string): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), trusted: false, areas: ['env'] });
  return ws.analyze();
}
const by = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.ruleId === rule);
const missing = (r: Report) => by(r, 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.data?.use}`).sort();
const unused = (r: Report) => by(r, 'env/unused-in-example').map((f) => f.data?.variable).sort();

describe('env config structs: caarlos0/env', () => {
  const { tree } = scratchDirs();

  it('envPrefix on nested struct fields prefixes their fields; one struct nested twice yields both names', async () => {
    const src = [
      'package config',
      '',
      'import "github.com/caarlos0/env/v11"',
      '',
      'type Database struct {',
      '\tHost string `env:"HOST,required"`',
      '\tPool int    `env:"POOL" envDefault:"10"`',
      '}',
      '',
      'type Config struct {',
      '\tPrimary Database `envPrefix:"PRIMARY_DB_"`',
      '\tReplica Database `envPrefix:"REPLICA_DB_"`',
      '\tToken   string   `env:"TOKEN,notEmpty"`',
      '\tSkip    string   `env:"-"`',
      '\tPlain   string',
      '}',
      '',
      'func Load() (Config, error) {',
      '\tvar cfg Config',
      '\terr := env.Parse(&cfg)',
      '\treturn cfg, err',
      '}',
    ].join('\n');
    const r = await scanSource('go', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`).sort(), [
      'PRIMARY_DB_HOST:required', 'PRIMARY_DB_POOL:default', 'REPLICA_DB_HOST:required', 'REPLICA_DB_POOL:default', 'TOKEN:required',
    ]);
    // the bare HOST of the nested struct is a suffix, not a variable
    assert.ok(!r.reads.some((x) => x.name === 'HOST' || x.name === 'POOL'));
    // positioned on the name inside the nested struct's tag
    const host = r.reads.find((x) => x.name === 'PRIMARY_DB_HOST')!;
    assert.deepEqual([host.range.start.line, host.range.start.character, host.range.end.character], [5, 19, 23]);
  });

  it('ParseWithOptions with a literal Prefix (inline or a local), RequiredIfNoDef and UseFieldNameByDefault', async () => {
    const src = [
      'package main',
      '',
      'import (',
      '\tcenv "github.com/caarlos0/env/v10"',
      ')',
      '',
      'type Server struct {',
      '\tAddr    string `env:"ADDR" envDefault:":8080"`',
      '\tSecret  string `env:"SECRET"`',
      '}',
      '',
      'type Worker struct {',
      '\tQueueName string',
      '}',
      '',
      'func main() {',
      '\ts := Server{}',
      '\t_ = cenv.ParseWithOptions(&s, cenv.Options{Prefix: "APP_", RequiredIfNoDef: true})',
      '\topts := cenv.Options{UseFieldNameByDefault: true, Prefix: "WORKER_"}',
      '\tw := &Worker{}',
      '\t_ = cenv.ParseWithOptions(w, opts)',
      '}',
    ].join('\n');
    assert.deepEqual((await reads('go', src)).sort(), ['APP_ADDR:default', 'APP_SECRET:required', 'WORKER_QUEUE_NAME:optional']);
  });

  it('an Options value it cannot read is said once (dynamic), and its struct is not read under a guessed prefix', async () => {
    const src = [
      'package main',
      'import "github.com/caarlos0/env/v11"',
      'type C struct {',
      '\tKey string `env:"KEY"`',
      '}',
      'func load(o env.Options) { var c C; _ = env.ParseWithOptions(&c, o) }',
    ].join('\n');
    const r = await scanSource('go', src);
    assert.equal(r.dynamic.length, 1);
    assert.match(r.dynamic[0].via, /prefix of its variables cannot be derived/);
    assert.deepEqual(r.reads, []);
  });

  it('cleanenv and sethvargo/go-envconfig tag shapes: env-prefix, env-default, env-required, "X, required", prefix=', async () => {
    const src = [
      'package main',
      'type Redis struct {',
      '\tURL string `env:"URL" env-required:"true"`',
      '\tTTL int    `env:"TTL" env-default:"60"`',
      '}',
      'type Mail struct {',
      '\tFrom string `env:"FROM, required"`',
      '\tPort int    `env:"PORT, default=25"`',
      '}',
      'type Config struct {',
      '\tCache Redis `env-prefix:"CACHE_"`',
      '\tMail  Mail  `env:", prefix=SMTP_"`',
      '}',
    ].join('\n');
    assert.deepEqual((await reads('go', src)).sort(), ['CACHE_TTL:default', 'CACHE_URL:required', 'SMTP_FROM:required', 'SMTP_PORT:default']);
  });

  it('analysis: the prefixed names are checked against the example, and declaring them is not "remove it"', async () => {
    const dir = tree({
      '.env.example': 'APP_DB_HOST=\nAPP_DB_PASSWORD=\n',
      'internal/config/config.go': [
        'package config',
        'import "github.com/caarlos0/env/v11"',
        'type DB struct {',
        '\tHost     string `env:"HOST,required"`',
        '\tPassword string `env:"PASSWORD,required,unset"`',
        '\tName     string `env:"NAME,required"`',
        '}',
        'type Config struct {',
        '\tDB DB `envPrefix:"DB_"`',
        '}',
        'func Load() (*Config, error) { return env.ParseAsWithOptions[Config](env.Options{Prefix: "APP_"}) }',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['APP_DB_NAME:required']);
    assert.deepEqual(unused(r), []);
  });
});
