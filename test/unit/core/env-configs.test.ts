import * as assert from 'node:assert/strict';
import type { SourceLanguage } from '../../../src/core/classify';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { springConfigReads, springPlaceholders } from '../../../src/core/env/configs/spring';
import { scanSource } from '../../../src/core/env/scanner';
import type { Finding, Report } from '../../../src/core/model';
import { branchRepo, scratchDirs } from '../helpers';

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

  it('envPrefix on nested struct fields prefixes their fields; one struct nested twice yields both names; a struct field with its own name is a variable', async () => {
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
      '\tLevel   Database `env:"LEVEL_AS_TEXT"`',
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
      'LEVEL_AS_TEXT:optional', 'PRIMARY_DB_HOST:required', 'PRIMARY_DB_POOL:default', 'REPLICA_DB_HOST:required', 'REPLICA_DB_POOL:default', 'TOKEN:required',
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

describe('env config structs across files: a Go package, and a struct parsed by another package', () => {
  const { tree, keep } = scratchDirs();
  const config = 'package config\n\ntype Config struct {\n\tMySQL MySQL `envPrefix:"MYSQL_"`\n\tJWT   JWT   `envPrefix:"JWT_"`\n\tDebug bool  `env:"LOCAL_DEBUG_MODE"`\n}\n';
  const jwt = 'package config\n\ntype JWT struct {\n\tSecretKey string `env:"SECRET_KEY,required"`\n\tTTL       int    `env:"EXPIRED_MINUTE" envDefault:"15"`\n}\n';
  const mysql = 'package config\n\ntype MySQL struct {\n\tHost string `env:"HOST,required"`\n}\n';
  const main = [
    'package main',
    '',
    'import (',
    '\t"github.com/caarlos0/env/v11"',
    '\t"example.com/app/internal/config"',
    ')',
    '',
    'func main() {',
    '\tvar cfg config.Config',
    '\tif err := env.ParseWithOptions(&cfg, env.Options{Prefix: "APP_"}); err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '}',
  ].join('\n');

  it('sections declared in sibling files get their prefix from the struct that nests them; the Options prefix from cmd/ applies', async () => {
    const dir = tree({
      '.env.example': 'APP_JWT_SECRET_KEY=\nAPP_MYSQL_HOST=\nAPP_LOCAL_DEBUG_MODE=\n',
      'internal/config/config.go': config,
      'internal/config/jwt.go': jwt,
      'internal/config/mysql.go': mysql,
      'cmd/api/main.go': main,
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['APP_JWT_EXPIRED_MINUTE:default']);
    assert.deepEqual(unused(r), []);
    const ttl = by(r, 'env/missing-from-example')[0];
    assert.equal(ttl.file, 'internal/config/jwt.go');
    assert.deepEqual([ttl.range.start.line, ttl.range.start.character], [4, 24]);
  });

  it('a struct name two packages declare is not given another package\'s prefix', async () => {
    const dir = tree({
      '.env.example': 'LOCAL_DEBUG_MODE=\nMYSQL_HOST=\nJWT_SECRET_KEY=\nJWT_EXPIRED_MINUTE=\n',
      'internal/config/config.go': config,
      'internal/config/jwt.go': jwt,
      'internal/config/mysql.go': mysql,
      'tools/config/config.go': 'package config\n\ntype Config struct {\n\tOther string `env:"TOOL_ONLY"`\n}\n',
      'cmd/api/main.go': main,
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['TOOL_ONLY:optional']);
    assert.deepEqual(unused(r), []);
  });

  it('on a branch that edits one section file, the resolved names read at the base are not new', async () => {
    const dir = keep(
      branchRepo(
        { '.env.example': 'APP_JWT_SECRET_KEY=\n', 'internal/config/config.go': config, 'internal/config/jwt.go': jwt, 'internal/config/mysql.go': mysql, 'cmd/api/main.go': main },
        { 'internal/config/jwt.go': jwt.replace('}\n', '\tIssuer string `env:"ISSUER,required"`\n}\n') },
      ),
    );
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: true, areas: ['env'] });
    const r = await ws.analyze();
    const isNew = r.facts.envVars.filter((v) => v.isNew).map((v) => v.name);
    assert.deepEqual(isNew, ['APP_JWT_ISSUER']);
  });
});

describe('env config: viper', () => {
  const { tree } = scratchDirs();

  it('BindEnv with explicit names; SetEnvPrefix + AutomaticEnv + a literal "." → "_" replacer derive APP_DB_HOST; SetDefault gives a default', async () => {
    const src = [
      'package config',
      '',
      'import (',
      '\t"strings"',
      '\t"github.com/spf13/viper"',
      ')',
      '',
      'func Load() {',
      '\tviper.SetEnvPrefix("app")',
      '\tviper.SetEnvKeyReplacer(strings.NewReplacer(".", "_", "-", "_"))',
      '\tviper.AutomaticEnv()',
      '\tviper.SetDefault("http.port", 8080)',
      '\t_ = viper.BindEnv("sentry.dsn", "SENTRY_DSN", "LEGACY_SENTRY")',
      '\t_ = viper.BindEnv("log-level")',
      '\thost := viper.GetString("db.host")',
      '\tport := viper.GetInt("http.port")',
      '\tif viper.IsSet("feature.beta") {}',
      '\t_, _ = host, port',
      '}',
    ].join('\n');
    const r = await scanSource('go', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`), [
      'SENTRY_DSN:optional', 'LEGACY_SENTRY:optional', 'APP_LOG_LEVEL:optional', 'APP_DB_HOST:optional', 'APP_HTTP_PORT:default', 'APP_FEATURE_BETA:optional',
    ]);
    const host = r.reads.find((x) => x.name === 'APP_DB_HOST')!;
    assert.deepEqual([host.range.start.line, host.range.start.character, host.range.end.character], [14, 26, 33]);
    assert.deepEqual(r.dynamic, []);
  });

  it('a viper.New() instance has its own prefix; without AutomaticEnv, Get reads no variable; keys with dots and no replacer are not names', async () => {
    const src = [
      'package main',
      'import "github.com/spf13/viper"',
      'func main() {',
      '\tv := viper.New()',
      '\tv.SetEnvPrefix("SVC")',
      '\tv.AutomaticEnv()',
      '\t_ = v.GetString("token")',
      '\t_ = v.GetString("db.url")',
      '\t_ = viper.GetString("global_only")',
      '}',
    ].join('\n');
    assert.deepEqual(await reads('go', src), ['SVC_TOKEN:optional']);
  });

  it('a prefix or replacer that is not literal: said once, no name guessed; explicit BindEnv names still read', async () => {
    const src = [
      'package main',
      'import (',
      '\t"strings"',
      '\t"github.com/spf13/viper"',
      ')',
      'func Init(app string, r *strings.Replacer) {',
      '\tviper.SetEnvPrefix(app)',
      '\tviper.SetEnvKeyReplacer(r)',
      '\tviper.AutomaticEnv()',
      '\t_ = viper.BindEnv("a", "EXPLICIT_A")',
      '\t_ = viper.GetString("one")',
      '\t_ = viper.GetString("two")',
      '}',
    ].join('\n');
    const r = await scanSource('go', src);
    assert.deepEqual(r.reads.map((x) => x.name), ['EXPLICIT_A']);
    assert.equal(r.dynamic.length, 1);
    assert.match(r.dynamic[0].via, /the prefix and the key replacer not literal/);
  });

  it('analysis: viper names are never errors, and a declared APP_DB_HOST read through AutomaticEnv is not "remove it"', async () => {
    const dir = tree({
      '.env.example': 'APP_DB_HOST=\n',
      'cmd/root.go': [
        'package cmd',
        'import (',
        '\t"strings"',
        '\t"github.com/spf13/viper"',
        ')',
        'func init() {',
        '\tviper.SetEnvPrefix("APP")',
        '\tviper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))',
        '\tviper.AutomaticEnv()',
        '\t_ = viper.GetString("db.host")',
        '\t_ = viper.GetString("db.password")',
        '}',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(unused(r), []);
    assert.deepEqual(missing(r), ['APP_DB_PASSWORD:optional']);
    assert.equal(by(r, 'env/missing-from-example')[0].severity, 'warning');
  });
});

describe('env config: pydantic settings', () => {
  const { tree } = scratchDirs();

  it('v2: SettingsConfigDict env_prefix, upper-cased names, alias/validation_alias/AliasChoices without prefix, defaults, Annotated Field', async () => {
    const src = [
      'from typing import Annotated, Optional',
      'from pydantic import AliasChoices, Field',
      'from pydantic_settings import BaseSettings, SettingsConfigDict',
      '',
      'class Settings(BaseSettings):',
      '    model_config = SettingsConfigDict(env_prefix="shop_", env_file=".env")',
      '    database_url: str',
      '    workers: int = 4',
      '    sentry_dsn: Optional[str] = None',
      '    maybe: Optional[str]',
      '    api_key: str = Field(alias="PAYMENTS_API_KEY")',
      '    region: str = Field("eu", validation_alias=AliasChoices("AWS_REGION", "REGION"))',
      '    token: Annotated[str, Field(validation_alias="BOT_TOKEN")]',
      '    tags: list[str] = Field(default_factory=list)',
      '    required_too: int = Field(...)',
      '    _private: str = "x"',
      '',
    ].join('\n');
    assert.deepEqual(await reads('python', src), [
      'SHOP_DATABASE_URL:required', 'SHOP_WORKERS:default', 'SHOP_SENTRY_DSN:optional', 'SHOP_MAYBE:required', 'PAYMENTS_API_KEY:required',
      'AWS_REGION:default', 'REGION:default', 'BOT_TOKEN:required', 'SHOP_TAGS:default', 'SHOP_REQUIRED_TOO:required',
    ]);
  });

  it('v1: class Config env_prefix and case_sensitive, Field(env=…) names it, alias does not, Optional without default is optional', async () => {
    const src = [
      'from typing import Optional',
      'from pydantic import BaseSettings, Field',
      '',
      'class Settings(BaseSettings):',
      '    redis_url: str',
      '    smtp_host: Optional[str]',
      '    secret: str = Field(..., env="LEGACY_SECRET")',
      '    named: str = Field("x", alias="IGNORED_IN_V1")',
      '',
      '    class Config:',
      '        env_prefix = "Worker_"',
      '        case_sensitive = True',
      '',
    ].join('\n');
    assert.deepEqual(await reads('python', src), ['Worker_redis_url:required', 'Worker_smtp_host:optional', 'LEGACY_SECRET:required', 'Worker_named:default']);
  });

  it('class keywords, inheritance (only leaf classes, fields inherited, nearest config wins), nested delimiter into a same-file model', async () => {
    const src = [
      'from pydantic import BaseModel',
      'from pydantic_settings import BaseSettings, SettingsConfigDict',
      '',
      'class Db(BaseModel):',
      '    host: str',
      '    port: int = 5432',
      '',
      'class Common(BaseSettings):',
      '    model_config = SettingsConfigDict(env_prefix="BASE_")',
      '    debug: bool = False',
      '',
      'class Api(Common, env_prefix="API_", env_nested_delimiter="__"):',
      '    db: Db',
      '    name: str',
      '',
    ].join('\n');
    assert.deepEqual(await reads('python', src), ['API_DB__HOST:optional', 'API_DB__PORT:optional', 'API_DEBUG:default', 'API_NAME:required']);
  });

  it('a prefix that is not a literal is said once and its fields are not guessed', async () => {
    const src = [
      'import os',
      'from pydantic_settings import BaseSettings, SettingsConfigDict',
      'class S(BaseSettings):',
      '    model_config = SettingsConfigDict(env_prefix=os.environ.get("PREFIX", ""))',
      '    value: str',
    ].join('\n');
    const r = await scanSource('python', src);
    assert.deepEqual(r.reads.map((x) => x.name), ['PREFIX']);
    assert.ok(r.dynamic.some((d) => /env_prefix not literal/.test(d.via)));
  });

  it('analysis: settings fields are checked against the example; an aliased variable declared there is not "remove it"', async () => {
    const dir = tree({
      '.env.example': 'APP_DATABASE_URL=\nOPENAI_API_KEY=\n',
      'app/config.py': [
        'from pydantic import Field',
        'from pydantic_settings import BaseSettings, SettingsConfigDict',
        'class Settings(BaseSettings):',
        '    model_config = SettingsConfigDict(env_prefix="APP_")',
        '    database_url: str',
        '    openai_key: str = Field(alias="OPENAI_API_KEY")',
        '    jwt_secret: str',
        '    log_level: str = "info"',
        'settings = Settings()',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(unused(r), []);
    assert.deepEqual(missing(r), ['APP_JWT_SECRET:required', 'APP_LOG_LEVEL:default']);
  });
});

describe('env config: Spring placeholders', () => {
  const { tree } = scratchDirs();

  it('placeholders: required, default, empty default, nested default (optional), property names and unclosed ones are not reads', () => {
    const got = springPlaceholders('jdbc:${DB_URL} ${PORT:8080} ${EMPTY:} ${PRIMARY:${FALLBACK}} ${A:${B:x}} ${server.port} ${UNCLOSED');
    assert.deepEqual(got.map((p) => `${p.name}:${p.kind}`), ['DB_URL:required', 'PORT:default', 'EMPTY:default', 'PRIMARY:default', 'FALLBACK:optional', 'A:default', 'B:default']);
    assert.equal(got[0].offset, 7);
  });

  it('placeholders stay linear on hostile input (deep nesting, many opens)', () => {
    const s = '${A:'.repeat(50_000) + '}'.repeat(50_000) + '${'.repeat(100_000);
    const t = Date.now();
    springPlaceholders(s);
    assert.ok(Date.now() - t < 2000);
  });

  it('application.yml (profiles as documents, quoted and block scalars) with positions; a placeholder in a comment is not read', () => {
    const text = [
      'spring:',
      '  datasource:',
      '    url: ${DATABASE_URL}',
      '    password: "${DB_PASSWORD:}"',
      '# ${COMMENTED_OUT}',
      'app:',
      '  banner: |',
      '    Hello ${GREETING_NAME:world}',
      '---',
      'spring.config.activate.on-profile: prod',
      'sentry.dsn: ${SENTRY_DSN}',
      '',
    ].join('\n');
    const f = springConfigReads('src/main/resources/application.yml', text);
    assert.deepEqual(f.reads.map((r) => `${r.name}:${r.kind}@${r.range.start.line}:${r.range.start.character}`), [
      'DATABASE_URL:required@2:11', 'DB_PASSWORD:default@3:17', 'GREETING_NAME:default@7:12', 'SENTRY_DSN:required@10:14',
    ]);
    assert.equal(f.reads[0].via, 'application.yml');
  });

  it('application.properties: values, continuations, comments (# and !), separators = : and blank', () => {
    const text = [
      '# ${NOT_A_READ}',
      '! ${NOR_THIS}',
      'spring.datasource.url=${JDBC_URL}',
      'server.port: ${PORT:8080}',
      'mail.host ${MAIL_HOST}',
      'long.value=a,\\',
      '    ${CONTINUED}',
      'key.with.${DOLLAR_IN_KEY}=x',
      '',
    ].join('\r\n');
    const f = springConfigReads('application-prod.properties', text);
    assert.deepEqual(f.reads.map((r) => `${r.name}:${r.kind}@${r.range.start.line}:${r.range.start.character}`), [
      'JDBC_URL:required@2:24', 'PORT:default@3:15', 'MAIL_HOST:required@4:12', 'CONTINUED:required@6:6',
    ]);
  });

  it('Java @Value: required and default', async () => {
    assert.deepEqual(await reads('java', 'class A { @Value("${STRIPE_KEY}") String k; @Value("${TIMEOUT_MS:5000}") int t; }'), ['STRIPE_KEY:required', 'TIMEOUT_MS:default']);
  });

  it('analysis: application.yml and application-<profile>.properties placeholders are checked; test resources are not', async () => {
    const dir = tree({
      '.env.example': 'DATABASE_URL=\nREDIS_HOST=\n',
      'src/main/resources/application.yml': 'spring:\n  datasource:\n    url: ${DATABASE_URL}\n  data:\n    redis:\n      host: ${REDIS_HOST:localhost}\njwt:\n  secret: ${JWT_SECRET}\n',
      'src/main/resources/application-prod.properties': 'sentry.dsn=${SENTRY_DSN:}\n',
      'src/test/resources/application.yml': 'x: ${ONLY_IN_TESTS}\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['JWT_SECRET:required', 'SENTRY_DSN:default']);
    assert.deepEqual(unused(r), []);
    const jwt = by(r, 'env/missing-from-example').find((f) => f.data?.variable === 'JWT_SECRET')!;
    assert.equal(jwt.file, 'src/main/resources/application.yml');
    assert.equal(jwt.severity, 'error');
    assert.deepEqual([jwt.range.start.line, jwt.range.start.character], [7, 12]);
  });
});

describe('env config: .NET IConfiguration', () => {
  const { tree } = scratchDirs();

  it('indexer, GetValue<T>, GetSection chains, .Value, GetConnectionString → A__B; defaults; Environment.GetEnvironmentVariable still read', async () => {
    const src = [
      'public class Startup {',
      '  public void Configure(IConfiguration configuration, WebApplicationBuilder builder) {',
      '    var a = configuration["Jwt:Issuer"];',
      '    var b = _config["Smtp:Port"] ?? "25";',
      '    var c = configuration.GetValue<int>("Cache:TtlSeconds", 60);',
      '    var d = builder.Configuration.GetSection("Stripe")["ApiKey"];',
      '    var e = configuration.GetSection("A").GetSection("B:C").GetValue<string>("D");',
      '    var f = configuration.GetSection("Sentry:Dsn").Value;',
      '    var g = configuration.GetConnectionString("Default");',
      '    var h = Environment.GetEnvironmentVariable("PLAIN_VAR");',
      '    var i = dictionary["NotConfig"];',
      '    var j = configuration["has.dot"];',
      '    var k = configuration["Must:Have"] ?? throw new InvalidOperationException();',
      '  }',
      '}',
    ].join('\n');
    const r = await scanSource('csharp', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`), [
      'Jwt__Issuer:optional', 'Smtp__Port:default', 'Cache__TtlSeconds:default', 'Stripe__ApiKey:optional', 'A__B__C__D:optional',
      'Sentry__Dsn:optional', 'ConnectionStrings__Default:optional', 'PLAIN_VAR:optional', 'Must__Have:required',
    ]);
    const issuer = r.reads[0];
    assert.deepEqual([issuer.range.start.line, issuer.range.start.character, issuer.range.end.character], [2, 27, 37]);
  });

  it('analysis: a key appsettings.json gives a value is supplied (info, not a warning); one it lacks is a warning', async () => {
    const dir = tree({
      '.env.example': 'Jwt__Key=\n',
      'Api/appsettings.json': '{\n  // comments are allowed\n  "ConnectionStrings": { "Default": "Host=db" },\n  "Jwt": { "Key": "" }\n}\n',
      'Api/Program.cs': [
        'var builder = WebApplication.CreateBuilder(args);',
        'var db = builder.Configuration.GetConnectionString("Default");',
        'var key = builder.Configuration["Jwt:Key"];',
        'var issuer = builder.Configuration["Jwt:Issuer"];',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(unused(r), []);
    const m = by(r, 'env/missing-from-example').map((f) => `${f.data?.variable}:${f.severity}`).sort();
    assert.deepEqual(m, ['ConnectionStrings__Default:info', 'Jwt__Issuer:warning']);
  });
});

describe('env: Kotlin (lexer, no grammar in @vscode/tree-sitter-wasm)', () => {
  const { tree } = scratchDirs();

  it('System.getenv in call position with !!, ?: default, ?: error; getenv()["X"], .get, .getOrDefault; @Value with \\${}', async () => {
    const src = [
      'package app',
      '',
      'import org.springframework.beans.factory.annotation.Value',
      '',
      '/* System.getenv("IN_BLOCK_COMMENT") /* nested */ still comment */',
      'class Config(@Value("\\${STRIPE_KEY}") val stripe: String, @Value("\\${TIMEOUT:30}") val t: Int) {',
      '    val db = System.getenv("DATABASE_URL")!!',
      '    val port = System.getenv("PORT_NUM") ?: "8080"',
      '    val token = System.getenv("TOKEN") ?: error("TOKEN is required")',
      '    val opt = System.getenv("OPTIONAL_ONE")',
      '    val m = System.getenv()["FROM_MAP"]',
      '    val g = System.getenv().get("FROM_GET")',
      '    val d = System.getenv().getOrDefault("WITH_DEFAULT", "x")',
      '    val s = "System.getenv(\\"IN_STRING\\") ${System.getenv("IN_TEMPLATE")}"',
      '    val raw = """System.getenv("IN_RAW")"""',
      '    // System.getenv("IN_LINE_COMMENT")',
      '    val dyn = System.getenv(name)',
      '    val tpl = System.getenv("${prefix}_URL")',
      '    val c = \'"\'',
      '    val after = System.getenv("AFTER_CHAR")',
      '}',
    ].join('\n');
    const r = await scanSource('kotlin', src);
    assert.deepEqual(r.reads.map((x) => `${x.name}:${x.kind}`), [
      'STRIPE_KEY:required', 'TIMEOUT:default', 'DATABASE_URL:required', 'PORT_NUM:default', 'TOKEN:required', 'OPTIONAL_ONE:optional',
      'FROM_MAP:optional', 'FROM_GET:optional', 'WITH_DEFAULT:default', 'AFTER_CHAR:optional',
    ]);
    assert.equal(r.dynamic.length, 2);
    assert.equal(r.hasErrors, false);
    const db = r.reads.find((x) => x.name === 'DATABASE_URL')!;
    assert.deepEqual([db.range.start.line, db.range.start.character, db.range.end.character], [6, 28, 40]);
    const key = r.reads.find((x) => x.name === 'STRIPE_KEY')!;
    assert.deepEqual([key.range.start.line, key.range.start.character], [5, 24]);
  });

  it('the lexer is linear and bounded on hostile input (deep templates, unterminated strings and comments)', async () => {
    const t = Date.now();
    await scanSource('kotlin', 'val a = System.getenv("X")\n' + '"${'.repeat(20_000) + '\n/*'.repeat(20_000));
    await scanSource('kotlin', 'System.getenv("' + 'a'.repeat(200_000));
    assert.ok(Date.now() - t < 3000);
  });

  it('analysis: .kt and .kts files are scanned; a Kotlin test file is not', async () => {
    const dir = tree({
      '.env.example': 'DATABASE_URL=\n',
      'src/main/kotlin/App.kt': 'fun main() {\n  val u = System.getenv("DATABASE_URL")!!\n  val k = System.getenv("API_KEY")!!\n}\n',
      'build.gradle.kts': 'val v = System.getenv("BUILD_NUMBER") ?: "0"\n',
      'src/test/kotlin/AppTest.kt': 'val t = System.getenv("TEST_ONLY")!!\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['API_KEY:required', 'BUILD_NUMBER:default']);
    assert.deepEqual(unused(r), []);
  });
});

describe('env: Rails credentials are not environment variables', () => {
  const { tree } = scratchDirs();

  it('credentials.x, credentials.dig(:a, :b), credentials[:k] and config.x are not reads; ENV reads in the same file are', async () => {
    const src = [
      'Rails.application.configure do',
      '  config.secret_key_base = Rails.application.credentials.secret_key_base',
      '  config.x.stripe = Rails.application.credentials.dig(:stripe, :secret_key)',
      '  creds = Rails.application.credentials[:aws]',
      '  config.action_mailer.smtp_settings = { password: Rails.application.credentials.smtp&.password }',
      '  config.redis_url = ENV.fetch("REDIS_URL")',
      '  config.log_level = ENV["LOG_LEVEL"] || :info',
      'end',
    ].join('\n');
    assert.deepEqual(await reads('ruby', src), ['REDIS_URL:required', 'LOG_LEVEL:default']);
  });

  it('analysis: a credentials-only file gives no finding; the ENV read beside it is checked', async () => {
    const dir = tree({
      '.env.example': 'REDIS_URL=\n',
      'config/environments/production.rb': 'Rails.application.configure do\n  config.secret_key_base = Rails.application.credentials.secret_key_base\n  config.redis = ENV.fetch("REDIS_URL")\n  config.sentry = ENV.fetch("SENTRY_DSN")\nend\n',
      'config/initializers/aws.rb': 'Aws.config.update(credentials: Aws::Credentials.new(Rails.application.credentials.dig(:aws, :access_key_id), Rails.application.credentials.dig(:aws, :secret_access_key)))\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(missing(r), ['SENTRY_DSN:required']);
    assert.ok(!r.findings.some((f) => /SECRET_KEY_BASE|ACCESS_KEY_ID|AWS/i.test(String(f.data?.variable ?? ''))));
  });
});

describe('env: shell self-defaults and test-only deployment files (seen on a real Go service)', () => {
  const { tree } = scratchDirs();

  it('`PUID=${PUID:-1000}` in an entrypoint reads PUID with a default, so declaring it is not "remove it"; a compose file under tests/ is not production', async () => {
    const dir = tree({
      '.env.example': 'PUID=1000\nAPP_URL=\n',
      'scripts/docker/entrypoint.sh': '#!/bin/sh\nPUID=${PUID:-1000}\nLOCAL=1\necho "$LOCAL $PUID $APP_URL"\n',
      'tests/setup/docker-compose.yml': 'services:\n  app:\n    image: app\n    environment:\n      FILE_BACKEND: ${FILE_BACKEND}\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(unused(r), []);
    assert.deepEqual(missing(r), []);
    // with nounset, later uses of the defaulted local are not required reads
    const sh = await scanSource('shell', 'set -u\nX=${X:-1}\nY=2\nZ="$Z/bin"\necho $X $Y $Z\n');
    assert.deepEqual(sh.reads.map((x) => `${x.name}:${x.kind}`), ['X:default', 'Z:required']);
  });
});

describe('env config: kelseyhightower/envconfig across packages (seen on supabase-auth)', () => {
  const { tree } = scratchDirs();

  it('Process in one package, the structs in another (one file without an envconfig tag); the bare tag name is a fallback; a self-decoding struct is a value', async () => {
    const dir = tree({
      'example.env': 'GOTRUE_LOG_LEVEL=\nDATABASE_URL=\nGOTRUE_SMS_VALID_UNTIL=\nGOTRUE_STALE=\n',
      'example.docker.env': 'GOTRUE_SITE_URL=\n',
      'internal/conf/configuration.go': [
        'package conf',
        '',
        'type DBConfiguration struct {',
        '\tURL string `json:"url" envconfig:"DATABASE_URL" required:"true"`',
        '}',
        '',
        'type SmsConfiguration struct {',
        '\tValidUntil Time `split_words:"true"`',
        '}',
        '',
        'type Time struct{ Raw string }',
        '',
        'func (t *Time) Decode(v string) error { t.Raw = v; return nil }',
        '',
        'type GlobalConfiguration struct {',
        '\tSiteURL string           `json:"site_url" split_words:"true" required:"true"`',
        '\tDB      DBConfiguration  `json:"db"`',
        '\tLogging LoggingConfig    `envconfig:"LOG"`',
        '\tSms     SmsConfiguration `json:"sms"`',
        '}',
      ].join('\n'),
      'internal/conf/logging.go': 'package conf\n\ntype LoggingConfig struct {\n\tLevel         string `json:"log_level"`\n\tDisableColors bool   `split_words:"true"`\n}\n',
      'internal/conf/confload/confload.go': [
        'package confload',
        '',
        'import (',
        '\t"github.com/kelseyhightower/envconfig"',
        '\t"example.com/auth/internal/conf"',
        ')',
        '',
        'func loadGlobal(config *conf.GlobalConfiguration) error {',
        '\treturn envconfig.Process("gotrue", config)',
        '}',
      ].join('\n'),
    });
    const r = await analyze(dir);
    // the stale entry is the only "remove it"; a read under example.docker.env counts for example.env too
    assert.deepEqual(unused(r), ['GOTRUE_STALE']);
    assert.deepEqual(missing(r), ['GOTRUE_DB_DATABASE_URL:optional', 'GOTRUE_LOG_DISABLE_COLORS:optional']);
  });
});
