import { loadPg } from '../migrations/postgres';
import { sqlOps } from '../migrations/sqlfile';
import type { SqlFrontEnd } from './toOps';

/** Embedded SQL goes through the SQL migration linter's own front end (libpg-query / MySQL parser). */
export const sqlFrontEnd: SqlFrontEnd = async (sql, dialect) => {
  const pg = await loadPg();
  const r = sqlOps(pg, sql, dialect);
  return { ops: r.ops, errors: r.errors };
};
