import picomatch from 'picomatch';
import type { Config } from './config';

export type MigrationTool =
  | 'flyway'
  | 'golang-migrate'
  | 'goose'
  | 'dbmate'
  | 'prisma'
  | 'supabase'
  | 'sqlx'
  | 'node-pg-migrate'
  | 'drizzle'
  | 'atlas'
  | 'liquibase'
  | 'sql'
  | 'rails'
  | 'django'
  | 'alembic'
  | 'knex'
  | 'typeorm'
  | 'sequelize';

export type SourceLanguage =
  | 'javascript'
  | 'typescript'
  | 'tsx'
  | 'python'
  | 'ruby'
  | 'go'
  | 'rust'
  | 'java'
  | 'kotlin'
  | 'php'
  | 'csharp'
  | 'shell';

export type Classification =
  | { kind: 'migration'; tool: MigrationTool; format: 'sql' | 'dsl'; direction: 'up' | 'down' }
  | { kind: 'source'; language: SourceLanguage }
  | { kind: 'env-example' }
  | { kind: 'env-file' }
  | { kind: 'api-candidate'; format: 'yaml' | 'json' }
  | { kind: 'api-schema'; schema: 'graphql' | 'proto' }
  | { kind: 'ci-config'; system: 'github-actions' | 'gitlab' | 'circleci' | 'azure' | 'bitbucket' | 'jenkins' }
  | { kind: 'deploy-manifest'; system: 'dockerfile' | 'compose' | 'kubernetes' | 'helm' | 'fly' | 'heroku' }
  | { kind: 'config' }
  | { kind: 'other' };

const SOURCE_EXT: Record<string, SourceLanguage> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  py: 'python',
  rb: 'ruby',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  kts: 'kotlin',
  php: 'php',
  cs: 'csharp',
  sh: 'shell',
  bash: 'shell',
};

function ext(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i + 1).toLowerCase();
}

/** Tool of a raw SQL migration from its path alone (content refines goose/dbmate/liquibase). */
export function sqlMigrationTool(p: string): MigrationTool | undefined {
  const lower = p.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  const dirs = lower.split('/').slice(0, -1);
  if (/^v\d+(?:[._]\d+)*__.+\.sql$/.test(base) || /^[ru]\d*__.+\.sql$/.test(base)) return 'flyway';
  if (/(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/.test(lower) || (base === 'migration.sql' && dirs.includes('migrations'))) return 'prisma';
  if (/(^|\/)supabase\/migrations\/[^/]+\.sql$/.test(lower)) return 'supabase';
  if (/\.(up|down)\.sql$/.test(base)) return dirs.includes('migrations') && /^\d+_/.test(base) ? 'golang-migrate' : 'golang-migrate';
  if (/(^|\/)drizzle\/[^/]+\.sql$/.test(lower)) return 'drizzle';
  if (/(^|\/)db\/migrations\/\d{14}_.+\.sql$/.test(lower)) return 'dbmate';
  if (dirs.some((d) => d === 'migrations' || d === 'migrate' || d === 'migration' || d === 'schema-migrations') && base.endsWith('.sql')) return 'sql';
  return undefined;
}

/** Refines a SQL migration's tool from its content (directives). */
export function sqlToolFromContent(text: string, fallback: MigrationTool): MigrationTool {
  const head = text.slice(0, 4000);
  if (/^\s*--\s*\+goose\s+(Up|Down)/im.test(head)) return 'goose';
  if (/^\s*--\s*migrate:(up|down)/im.test(head)) return 'dbmate';
  if (/^\s*--\s*liquibase\s+formatted\s+sql/im.test(head)) return 'liquibase';
  if (/^\s*--\s*atlas:/im.test(head)) return 'atlas';
  if (/^\s*--\s*Up\s+Migration/im.test(head) && fallback === 'sql') return 'node-pg-migrate';
  return fallback;
}

function dslMigrationTool(p: string, e: string): MigrationTool | undefined {
  const lower = p.toLowerCase();
  if (e === 'rb' && /(^|\/)db\/(migrate|post_migrate)\/[^/]+\.rb$/.test(lower)) return 'rails';
  if (e === 'py' && /(^|\/)(alembic|migrations)\/versions\/[^/]+\.py$/.test(lower)) return 'alembic';
  if (e === 'py' && /(^|\/)migrations\/\d{4}_[^/]+\.py$/.test(lower)) return 'django';
  if (['js', 'ts', 'mjs', 'cjs'].includes(e) && /(^|\/)migrations?\/[^/]+$/.test(lower)) {
    if (/(^|\/)\d{10,}-[^/]+\.(ts|js)$/.test(lower)) return 'typeorm';
    if (/(^|\/)\d{14}-[^/]+\.(js|cjs|ts)$/.test(lower)) return 'sequelize';
    return 'knex';
  }
  return undefined;
}

const ENV_FILE = /^\.env(\.[A-Za-z0-9_-]+)*$/;

/**
 * Example files under other names than env.exampleFiles: `example.env`, `example.docker.env`,
 * `env.sample`, `.env.local.example`, `.env.example.docker`, `config/app.env.example`.
 */
export const EXAMPLE_FILE_PATTERN = /^(?:example(?:\.[\w-]+)*\.env|env\.(?:sample|example|template)|\.env(?:\.[\w-]+)*\.(?:example|sample|template)|\.env\.(?:example|sample|template)(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*\.env\.(?:example|sample|template))$/;
export const EXAMPLE_FILE_PATTERNS_TEXT = 'example.env, example.*.env, env.sample, .env.*.example, .env.example.*, *.env.example';

export class Classifier {
  private readonly extraMigrations?: picomatch.Matcher;
  private readonly extraSchemas?: picomatch.Matcher;
  private readonly exampleNames: Set<string>;
  constructor(readonly config: Config) {
    if (config.migrations.paths.length) this.extraMigrations = picomatch(config.migrations.paths, { dot: true });
    if (config.api.schemas.length) this.extraSchemas = picomatch(config.api.schemas, { dot: true });
    this.exampleNames = new Set(config.env.exampleFiles);
  }

  /** Classification from the path alone. `api-candidate` files need `refineApi` with their content. */
  classify(p: string): Classification {
    const base = p.slice(p.lastIndexOf('/') + 1);
    const e = ext(p);
    const lower = p.toLowerCase();
    if (base === '.deploy-readiness.yaml') return { kind: 'config' };
    if (this.exampleNames.has(base) || EXAMPLE_FILE_PATTERN.test(base)) return { kind: 'env-example' };
    if (ENV_FILE.test(base)) return { kind: 'env-file' };
    if (e === 'sql') {
      const tool = sqlMigrationTool(p) ?? (this.extraMigrations?.(p) ? 'sql' : undefined);
      if (tool) return { kind: 'migration', tool, format: 'sql', direction: /(\.down\.sql$|^u\d*__)/i.test(base) ? 'down' : 'up' };
      return { kind: 'other' };
    }
    if (this.extraMigrations?.(p)) {
      const dsl = dslMigrationTool(p, e);
      return { kind: 'migration', tool: dsl ?? 'sql', format: dsl ? 'dsl' : 'sql', direction: 'up' };
    }
    const dsl = dslMigrationTool(p, e);
    if (dsl) return { kind: 'migration', tool: dsl, format: 'dsl', direction: 'up' };
    if (lower.startsWith('.github/workflows/') && (e === 'yml' || e === 'yaml')) return { kind: 'ci-config', system: 'github-actions' };
    if (base === '.gitlab-ci.yml') return { kind: 'ci-config', system: 'gitlab' };
    if (lower === '.circleci/config.yml') return { kind: 'ci-config', system: 'circleci' };
    if (base === 'azure-pipelines.yml') return { kind: 'ci-config', system: 'azure' };
    if (base === 'bitbucket-pipelines.yml') return { kind: 'ci-config', system: 'bitbucket' };
    if (base === 'Jenkinsfile') return { kind: 'ci-config', system: 'jenkins' };
    if (base === 'Dockerfile' || base.endsWith('.Dockerfile') || base.startsWith('Dockerfile.')) return { kind: 'deploy-manifest', system: 'dockerfile' };
    if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(base)) return { kind: 'deploy-manifest', system: 'compose' };
    if (base === 'fly.toml') return { kind: 'deploy-manifest', system: 'fly' };
    if (base === 'Procfile' || base === 'app.json') return { kind: 'deploy-manifest', system: 'heroku' };
    if (base === 'Chart.yaml') return { kind: 'deploy-manifest', system: 'helm' };
    if (e === 'graphql' || e === 'gql') return { kind: 'api-schema', schema: 'graphql' };
    if (e === 'proto') return { kind: 'api-schema', schema: 'proto' };
    if (e === 'yaml' || e === 'yml') return { kind: 'api-candidate', format: 'yaml' };
    if (e === 'json' && !/(^|\/)(package(-lock)?|tsconfig[^/]*|composer|\.eslintrc|jsconfig)\.json$/.test(lower)) return { kind: 'api-candidate', format: 'json' };
    const lang = SOURCE_EXT[e];
    if (lang) return { kind: 'source', language: lang };
    return { kind: 'other' };
  }

  isExtraSchema(p: string): boolean {
    return !!this.extraSchemas?.(p);
  }
}

/** Does this YAML/JSON text look like an OpenAPI or Swagger document (a root `openapi`/`swagger` key)? */
export function looksLikeOpenApi(text: string): 'openapi' | 'swagger' | undefined {
  const head = text.slice(0, 4096);
  const m = /(?:^|\n)["']?(openapi|swagger)["']?\s*:\s*["']?(\d)/.exec(head) ?? /^\s*\{[\s\S]*?"(openapi|swagger)"\s*:\s*"(\d)/.exec(head);
  if (!m) return undefined;
  return m[1] === 'swagger' ? 'swagger' : 'openapi';
}

/** Kubernetes manifests are YAML with apiVersion + kind. */
export function looksLikeKubernetes(text: string): boolean {
  return /(^|\n)apiVersion:\s*\S+/.test(text) && /(^|\n)kind:\s*(Deployment|StatefulSet|DaemonSet|CronJob|Job|Pod|Service|ConfigMap|Secret)\b/.test(text);
}
