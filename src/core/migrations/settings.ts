import { bool, list, num, obj, oneOf, str, type Schema } from '../schema';

export interface MigrationSettings {
  /** Force a dialect; otherwise inferred from the migration tool or the SQL. */
  dialect?: 'postgres' | 'mysql';
  /** PostgreSQL version in production: a major (16) or major.minor (14.2) for minor-specific checks. */
  postgresVersion: number;
  /** MySQL or MariaDB version in production, e.g. "8.0", "8.4", "10.11" (MariaDB), "11.4-mariadb". */
  mysqlVersion: string;
  /** Extra globs of files to treat as migrations, on top of the framework conventions. */
  paths: string[];
  /** For plain SQL files whose runner is unknown: assume each file runs in one transaction. */
  assumeInTransaction?: boolean;
  /** The migration runner sets lock_timeout (e.g. Flyway initSql, alembic env.py, StrongMigrations.lock_timeout). */
  lockTimeoutSetByRunner?: boolean;
  /** The migration runner sets statement_timeout. */
  statementTimeoutSetByRunner?: boolean;
  /**
   * Template placeholders of raw SQL migrations, on top of the known syntaxes ({{ }}, {% %}, ${ },
   * psql :name): a literal token ("__SCHEMA__") or open…close delimiters ("@@…@@").
   */
  placeholders?: string[];
}

export const migrationDefaults: MigrationSettings = {
  postgresVersion: 16,
  mysqlVersion: '8.0',
  paths: [],
};

export const migrationSchema: Schema = obj('Migration linting', {
  dialect: oneOf('SQL dialect of raw SQL migrations (default: inferred)', ['postgres', 'mysql']),
  postgresVersion: num('PostgreSQL version in production (major, or major.minor such as 14.2)', { min: 9, max: 30 }),
  mysqlVersion: str('MySQL/MariaDB version in production, e.g. "8.0" or "10.11"'),
  paths: list('Extra globs of migration files', str('glob')),
  assumeInTransaction: bool('Plain SQL migrations run inside one transaction per file'),
  lockTimeoutSetByRunner: bool('The migration runner already sets lock_timeout'),
  statementTimeoutSetByRunner: bool('The migration runner already sets statement_timeout'),
  placeholders: list('Template placeholders in SQL migrations: a literal token ("__SCHEMA__") or open…close delimiters ("@@…@@")', str('placeholder')),
});
