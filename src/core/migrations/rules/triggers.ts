/** Triggers: CREATE, DROP, ENABLE and DISABLE TRIGGER on a table the running code writes to. */
import { defineMigrationRule } from './define';
import type { Check } from '../context';
import { q, isPg, each, existing } from './helpers';

export const triggerChange = defineMigrationRule({
  id: 'migration/trigger-change',
  defaultSeverity: 'warning',
  summary: 'CREATE, DROP, ENABLE or DISABLE TRIGGER on an existing table locks out its writes and changes what the running code\'s writes do',
  equivalents: { pgfence: ['create-trigger'] },
  doc: {
    dialect: 'PostgreSQL',
    lock: '`SHARE ROW EXCLUSIVE` (CREATE, ENABLE, DISABLE TRIGGER) or `ACCESS EXCLUSIVE` (DROP TRIGGER) on the table, briefly (verified on PostgreSQL 15 with `pg_locks`)',
    what: '`CREATE [OR REPLACE] TRIGGER`, `DROP TRIGGER` and `ALTER TABLE … ENABLE/DISABLE TRIGGER` on a table not created earlier in the migration.',
    why: 'The lock is brief, but it blocks writes (DROP: reads too) and, without `lock_timeout`, waits behind any long transaction on the table while every later query queues. The trigger also changes what the writes of the code still running do: a new trigger runs on them (they must satisfy it), a dropped or disabled one stops doing its work for them (an audit row, a synced column) while that code still relies on it.',
    fix: 'Set `lock_timeout`; create the trigger after the code that needs it is deployed, drop or disable it only once no running code relies on it.',
  },
  examples: {
    postgres: {
      flagged: ['CREATE TRIGGER users_audit AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION audit();', 'DROP TRIGGER users_audit ON users;', 'ALTER TABLE users DISABLE TRIGGER users_audit;'],
      safe: ['CREATE TABLE events (id bigint PRIMARY KEY);\nCREATE TRIGGER events_audit AFTER UPDATE ON events FOR EACH ROW EXECUTE FUNCTION audit();'],
    },
  },
});

const TRIGGER_ACTION = /^(Enable|Disable)(Always|Replica)?Trig(All|User)?$/;

const triggers: Check = (ctx) => {
  if (!isPg(ctx)) return;
  each(ctx, ['create-trigger', 'drop-trigger'], (f) => {
    if (!existing(f)) return;
    ctx.report(triggerChange, f, {
      message:
        f.op.kind === 'create-trigger'
          ? `CREATE TRIGGER ${q(f.op.name)} on ${q(f.op.table)}: from now on it runs on every write of the code still running too, which must satisfy it.`
          : `DROP TRIGGER ${q(f.op.name)} on ${q(f.op.table)}: the code still running may rely on what it does (an audit row, a synced column); drop it once no running code needs it.`,
      data: { trigger: f.op.name },
    });
  });
  each(ctx, ['alter-table-other'], (f) => {
    const m = TRIGGER_ACTION.exec(f.op.action);
    if (!m || !existing(f)) return;
    const all = m[3] === 'All' ? ' (ALL: foreign-key triggers too, so referential integrity is not checked meanwhile)' : '';
    ctx.report(triggerChange, f, {
      message:
        m[1] === 'Disable'
          ? `DISABLE TRIGGER on ${q(f.op.table)}${all}: until it is enabled again, writes of the code still running skip what it does.`
          : `ENABLE TRIGGER on ${q(f.op.table)}: from now on it runs on every write of the code still running too, which must satisfy it.`,
    });
  });
};

export const triggersChecks: readonly Check[] = [triggers];
