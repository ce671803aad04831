import type { MigrationTool } from '../classify';
import type { FileReader } from '../reader';
import type { Framework } from './dsl';

export function isFramework(tool: MigrationTool): tool is Framework {
  return tool === 'rails' || tool === 'django' || tool === 'alembic' || tool === 'knex' || tool === 'typeorm' || tool === 'sequelize';
}

/**
 * Refines the framework of a JS/TS or Python migration from its content (the path alone cannot
 * tell a Knex file from a Sequelize one, or an Alembic revision from a Django migration).
 * Mirrors what pgfence's `detectFormat` looks at.
 */
export function frameworkFromContent(text: string, fallback: Framework): Framework | undefined {
  const head = text.slice(0, 20000);
  if (fallback === 'rails') return fallback;
  if (fallback === 'django' || fallback === 'alembic') {
    if (/^[ \t]*(down_)?revision[ \t]*(:[^=\n]*)?=/m.test(head) && /\bdef\s+upgrade\s*\(/.test(head)) return 'alembic';
    if (/class\s+Migration\s*\(/.test(head)) return 'django';
    return undefined;
  }
  if (/\bMigrationInterface\b|\bqueryRunner\b|\bQueryRunner\b/.test(head)) return 'typeorm';
  if (/\bqueryInterface\b|\bQueryInterface\b/.test(head)) return 'sequelize';
  if (/\bknex\b|\bKnex\b|\.schema\.(create|alter)Table\b|exports\.up\b/.test(head)) return 'knex';
  return undefined;
}

export type DialectGuess = { dialect: 'postgres' | 'mysql' | 'sqlite' | 'other'; source: string };

const CACHE_KEY = 'frameworks:dialect';

function fromUrlOrName(s: string): DialectGuess['dialect'] | undefined {
  const v = s.toLowerCase();
  if (/postg|psycopg|\bpg\b|postgis|redshift|cockroach/.test(v)) return 'postgres';
  if (/mysql|mariadb|trilogy/.test(v)) return 'mysql';
  if (/sqlite/.test(v)) return 'sqlite';
  return undefined;
}

/**
 * The database a framework's migrations run against, from the project's own configuration:
 * Rails `config/database.yml` adapter, Django `ENGINE`, `knexfile` client, `alembic.ini` URL,
 * TypeORM/Sequelize config `type`/`dialect`. Values are matched, never echoed.
 */
export async function detectDialect(reader: FileReader, framework: Framework, migrationPath: string, cache?: Map<string, unknown>): Promise<DialectGuess | undefined> {
  const key = `${CACHE_KEY}:${framework}:${migrationPath.split('/').slice(0, -3).join('/')}`;
  if (cache?.has(key)) return cache.get(key) as DialectGuess | undefined;
  const dirs = ancestors(migrationPath);
  const candidates: { file: string; re: RegExp }[] = [];
  for (const d of dirs) {
    const p = (f: string) => (d ? `${d}/${f}` : f);
    if (framework === 'rails') candidates.push({ file: p('config/database.yml'), re: /^\s*adapter:\s*["']?([\w-]+)/m });
    if (framework === 'django') {
      for (const f of ['settings.py', 'settings/base.py', 'config/settings.py', 'config/settings/base.py']) candidates.push({ file: p(f), re: /["']ENGINE["']\s*:\s*["']([\w.]+)["']/ });
    }
    if (framework === 'alembic') candidates.push({ file: p('alembic.ini'), re: /^\s*sqlalchemy\.url\s*=\s*([\w+]+):/m });
    if (framework === 'knex') for (const f of ['knexfile.js', 'knexfile.ts', 'knexfile.cjs']) candidates.push({ file: p(f), re: /client\s*:\s*["'`]([\w-]+)["'`]/ });
    if (framework === 'typeorm') for (const f of ['ormconfig.json', 'ormconfig.js', 'ormconfig.ts', 'src/data-source.ts', 'data-source.ts']) candidates.push({ file: p(f), re: /["']?type["']?\s*:\s*["'`]([\w-]+)["'`]/ });
    if (framework === 'sequelize') for (const f of ['config/config.json', 'config/config.js', '.sequelizerc']) candidates.push({ file: p(f), re: /["']?dialect["']?\s*:\s*["'`]([\w-]+)["'`]/ });
  }
  let guess: DialectGuess | undefined;
  for (const c of candidates) {
    const r = await reader.read(c.file).catch(() => undefined);
    if (!r || r.kind !== 'text') continue;
    const m = c.re.exec(r.text);
    const d = m ? fromUrlOrName(m[1]) : undefined;
    if (d) {
      guess = { dialect: d, source: c.file };
      break;
    }
  }
  cache?.set(key, guess);
  return guess;
}

function ancestors(p: string): string[] {
  const parts = p.split('/').slice(0, -1);
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}

export interface RunnerTimeouts {
  lockTimeout?: boolean;
  statementTimeout?: boolean;
  /** The file that sets them. */
  source?: string;
}

/**
 * Timeouts the migration runner sets for every migration, so a file needs no `SET` of its own:
 * strong_migrations' initializer, `variables:` in database.yml, Alembic's env.py, a knexfile pool
 * hook, Django `OPTIONS`, TypeORM/Sequelize connection options. Only names are matched.
 */
export async function detectRunnerTimeouts(reader: FileReader, framework: Framework, migrationPath: string, cache?: Map<string, unknown>): Promise<RunnerTimeouts> {
  const dir = migrationPath.slice(0, migrationPath.lastIndexOf('/'));
  const key = `frameworks:timeouts:${framework}:${dir}`;
  if (cache?.has(key)) return cache.get(key) as RunnerTimeouts;
  const files: string[] = [];
  for (const d of ancestors(migrationPath)) {
    const p = (f: string) => (d ? `${d}/${f}` : f);
    if (framework === 'rails') files.push(p('config/initializers/strong_migrations.rb'), p('config/database.yml'));
    if (framework === 'alembic') files.push(p('env.py'), p('alembic/env.py'), p('migrations/env.py'));
    if (framework === 'django') files.push(p('settings.py'), p('settings/base.py'), p('config/settings.py'));
    if (framework === 'knex') files.push(p('knexfile.js'), p('knexfile.ts'), p('knexfile.cjs'));
    if (framework === 'typeorm') files.push(p('ormconfig.json'), p('ormconfig.ts'), p('src/data-source.ts'), p('data-source.ts'));
    if (framework === 'sequelize') files.push(p('config/config.js'), p('config/config.json'));
  }
  const out: RunnerTimeouts = {};
  for (const f of files) {
    const r = await reader.read(f).catch(() => undefined);
    if (!r || r.kind !== 'text') continue;
    const code = r.text.replace(/^\s*(#|\/\/).*$/gm, '');
    const lock = /lock_timeout/i.test(code);
    const stmt = /statement_timeout/i.test(code);
    if (lock || stmt) {
      out.lockTimeout ||= lock;
      out.statementTimeout ||= stmt;
      out.source ??= f;
    }
  }
  cache?.set(key, out);
  return out;
}
