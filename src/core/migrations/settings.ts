import { list, num, obj, oneOf, str, type Schema } from '../schema';

export interface MigrationSettings {
  /** Force a dialect; otherwise inferred from the migration tool or the SQL. */
  dialect?: 'postgres' | 'mysql';
  postgresVersion: number;
  mysqlVersion: string;
  /** Extra globs of files to treat as migrations, on top of the framework conventions. */
  paths: string[];
}

export const migrationDefaults: MigrationSettings = {
  postgresVersion: 16,
  mysqlVersion: '8.0',
  paths: [],
};

export const migrationSchema: Schema = obj('Migration linting', {
  dialect: oneOf('SQL dialect of raw SQL migrations (default: inferred)', ['postgres', 'mysql']),
  postgresVersion: num('PostgreSQL major version in production', { min: 9, max: 30, integer: true }),
  mysqlVersion: str('MySQL/MariaDB version in production, e.g. "8.0" or "10.11"'),
  paths: list('Extra globs of migration files', str('glob')),
});
