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
    if (/^\s*(down_)?revision\s*(:\s*[^=]+)?=/m.test(head) && /\bdef\s+upgrade\s*\(/.test(head)) return 'alembic';
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
