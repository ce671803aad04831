/** Data changes: UPDATE and DELETE in a schema migration. */
import { defineMigrationRule } from './define';
import type { Check } from '../context';
import { q, each } from './helpers';

export const dataInSchemaMigration = defineMigrationRule({
  id: 'migration/data-in-schema-migration',
  defaultSeverity: 'warning',
  summary: 'UPDATE or DELETE in a schema migration: unbatched backfills hold row locks and bloat, and one without WHERE touches every row',
  equivalents: { pgfence: ['update-in-migration', 'delete-without-where'] },
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: '`ROW EXCLUSIVE` and row locks until commit',
    what: '`UPDATE` or `DELETE` on an existing table in a migration; the message says when there is no `WHERE`.',
    why: 'A backfill of unknown size in the schema migration holds row locks until commit, bloats the table and slows the deploy; without WHERE it touches every row in one statement.',
    fix: 'No automatic fix.',
  },
  examples: {
    postgres: {
      flagged: ["UPDATE users SET plan = 'free';", 'DELETE FROM sessions WHERE expires_at < now();'],
      safe: ['-- a separate data migration or job that updates in batches by primary-key range', "INSERT INTO plans (name) VALUES ('free');", "CREATE TABLE plans (id bigint, name text);\nUPDATE plans SET name = 'free';"],
    },
    mysql: {
      flagged: ["UPDATE users SET plan = 'free';"],
      safe: ["INSERT INTO plans (name) VALUES ('free');"],
    },
  },
});

const dml: Check = (ctx) => {
  each(ctx, ['dml'], (f) => {
    if (f.op.verb === 'insert' || f.newTable) return;
    if (!f.op.hasWhere) {
      ctx.report(dataInSchemaMigration, f, {
        message: `${f.op.verb.toUpperCase()} on ${q(f.op.table)} without WHERE touches every row in one statement${f.inTx ? ', holding every row lock until the migration commits' : ''}. Backfill in batches (by primary key ranges), outside the schema migration.`,
      });
    } else {
      ctx.report(dataInSchemaMigration, f, {
        message: `${f.op.verb.toUpperCase()} on ${q(f.op.table)} in a schema migration: a backfill of unknown size holds row locks${f.inTx ? ' until the migration commits' : ''} and slows the deploy. Run it in batches as a separate data migration or job.`,
      });
    }
  });
};

export const dataChecks: readonly Check[] = [dml];
