/** MySQL and MariaDB online DDL: blocking ALTERs, ALGORITHM/LOCK, ENUM and SET changes. */
import { defineMigrationRule } from './define';
import type { Check } from '../context';
import * as fx from '../fixes';
import { isMariadb, mysqlDefault } from '../locks';
import { q, isMy, each, ALTER_KINDS } from './helpers';

export const mysqlCopyAlgorithm = defineMigrationRule({
  id: 'migration/mysql-blocking-alter',
  defaultSeverity: 'error',
  summary: 'A MySQL/MariaDB ALTER that copies the table (ALGORITHM=COPY) or blocks writes (LOCK=SHARED/EXCLUSIVE)',
  equivalents: { strong_migrations: ['copy_algorithm', 'lock_option', 'add_check_constraint_mysql', 'add_foreign_key_mysql'] },
  doc: {
    dialect: 'MySQL, MariaDB',
    lock: '`ALGORITHM=COPY` / `LOCK=SHARED` or `EXCLUSIVE`',
    what: 'An ALTER that copies the table or blocks writes: changing a column\'s type, `ADD FOREIGN KEY` (copy unless `foreign_key_checks=0`), `ADD CHECK`, `DROP PRIMARY KEY`, adding an `AUTO_INCREMENT` or stored generated column, or an explicit `ALGORITHM=COPY` / `LOCK=SHARED|EXCLUSIVE`.',
    why: 'Writes (or reads and writes) wait for the whole copy; replicas lag behind it.',
    fix: 'When the statement forces `ALGORITHM=COPY` but the change can run in place, the quick fix replaces it with `ALGORITHM=INPLACE, LOCK=NONE` (or `INSTANT`).',
  },
  examples: {
    mysql: {
      flagged: ['ALTER TABLE users MODIFY email varchar(320) NOT NULL;'],
      safe: ['-- gh-ost / pt-online-schema-change for large tables'],
    },
  },
});

export const mysqlExplicitAlgorithm = defineMigrationRule({
  id: 'migration/mysql-explicit-algorithm',
  defaultSeverity: 'warning',
  summary: 'Give ALGORITHM= and LOCK= on MySQL/MariaDB ALTER TABLE so the server fails instead of silently falling back to a blocking table copy',
  doc: {
    dialect: 'MySQL, MariaDB',
    lock: 'the algorithm the server picks',
    what: 'An `ALTER TABLE` that can run `INSTANT` or `INPLACE, LOCK=NONE` but does not say so.',
    why: 'If the server cannot use the online algorithm (row format, version, a FULLTEXT index, the 64 instant-change limit) it silently falls back to copying the table. Stating `ALGORITHM=`/`LOCK=` makes it fail instead.',
    fix: 'The quick fix appends `, ALGORITHM=INSTANT` or `, ALGORITHM=INPLACE, LOCK=NONE`, as valid for the operation and `migrations.mysqlVersion`.',
  },
  examples: {
    mysql: {
      flagged: ['ALTER TABLE users ADD COLUMN note text;'],
      safe: ['ALTER TABLE users ADD COLUMN note text, ALGORITHM=INSTANT;'],
    },
  },
});

export const mysqlEnumReorder = defineMigrationRule({
  id: 'migration/mysql-enum-reorder',
  defaultSeverity: 'error',
  summary: 'Changing an ENUM or SET other than appending values copies the MySQL/MariaDB table',
  equivalents: { atlas: ['MY110', 'MY111', 'MY112', 'MY113', 'MY120', 'MY121', 'MY122', 'MY123'] },
  doc: {
    dialect: 'MySQL, MariaDB',
    lock: '`ALGORITHM=COPY`',
    what: 'A `MODIFY`/`CHANGE` of an ENUM or SET column that does anything but append members (known from the replayed earlier migrations).',
    why: 'Only appending members (without crossing 255 members for ENUM) is instant; reordering, inserting or removing copies the table.',
    fix: 'No automatic fix.',
  },
  examples: {
    mysql: {
      flagged: [{ before: "CREATE TABLE t (id int PRIMARY KEY, status ENUM('new','active'));", sql: "ALTER TABLE t MODIFY status ENUM('new','paused','active');" }],
      safe: [{ before: "CREATE TABLE t (id int PRIMARY KEY, status ENUM('new','active'));", sql: "ALTER TABLE t MODIFY status ENUM('new','active','paused');" }],
    },
  },
});

const mysql: Check = (ctx) => {
  if (!isMy(ctx)) return;
  const settings = ctx.input.settings;
  const stmtsWithAlgorithm = new Set<number>();
  for (const f of ctx.facts) {
    if (!f.lock || f.newTable || !ALTER_KINDS.has(f.op.kind) && f.op.kind !== 'create-index' && f.op.kind !== 'drop-index') continue;
    const blockingMy = f.lock.algorithm === 'COPY' || f.lock.mode === 'MYSQL SHARED' || f.lock.mode === 'MYSQL EXCLUSIVE';
    if (blockingMy) {
      const d = mysqlDefault(f.op, settings);
      const explicitCopy = f.op.mysql?.algorithm === 'COPY' || f.op.mysql?.lock === 'SHARED' || f.op.mysql?.lock === 'EXCLUSIVE';
      const why =
        f.op.kind === 'modify-column' || f.op.kind === 'alter-column-type'
          ? 'changing a column definition (type, charset, or anything but appending ENUM values or growing a VARCHAR within its length byte) copies the table'
          : f.op.kind === 'add-constraint' && f.op.constraint.type === 'foreign-key'
            ? 'adding a FOREIGN KEY copies the table unless foreign_key_checks=0'
            : f.op.kind === 'add-constraint' && f.op.constraint.type === 'check'
              ? 'adding a CHECK constraint copies the table to validate it'
              : explicitCopy
                ? `the statement asks for ${f.op.mysql?.algorithm ? `ALGORITHM=${f.op.mysql.algorithm}` : ''}${f.op.mysql?.lock ? ` LOCK=${f.op.mysql.lock}` : ''}`
                : 'this change cannot be done in place';
      ctx.report(mysqlCopyAlgorithm, f, {
        message: `This ALTER blocks writes to ${q((f.op as { table?: string }).table ?? '?')} for its whole duration: ${why}. Use an online schema change tool (gh-ost, pt-online-schema-change) for large tables${explicitCopy && d && d.algorithm !== 'COPY' ? `, or ALGORITHM=${d.algorithm}, LOCK=${d.lock}` : ''}.`,
        fixes: explicitCopy && d && d.algorithm !== 'COPY' && d.lock === 'NONE' ? fx.mysqlAlgorithm(ctx, f, d.algorithm, true) : undefined,
      });
    }
    if (!f.op.mysql?.algorithm && !stmtsWithAlgorithm.has(f.op.stmt) && (f.op.kind !== 'create-index' || true)) {
      stmtsWithAlgorithm.add(f.op.stmt);
      const ops = ctx.facts.filter((g) => g.op.stmt === f.op.stmt);
      const algos = ops.map((g) => mysqlDefault(g.op, settings));
      if (algos.some((a) => !a || a.algorithm === 'COPY' || a.lock !== 'NONE')) continue;
      const algo = algos.every((a) => a!.algorithm === 'INSTANT') ? 'INSTANT' : 'INPLACE';
      ctx.report(mysqlExplicitAlgorithm, f, {
        message: `No ALGORITHM/LOCK clause: if ${isMariadb(settings) ? 'MariaDB' : 'MySQL'} cannot do this ${algo === 'INSTANT' ? 'instantly' : 'in place'} (row format, version, a FULLTEXT index…), it silently copies the table and blocks writes. Add ALGORITHM=${algo}${algo === 'INPLACE' ? ', LOCK=NONE' : ''} so it fails instead.`,
        fixes: fx.mysqlAlgorithm(ctx, f, algo, false),
        noLock: true,
      });
    }
  }
  each(ctx, ['modify-column'], (f) => {
    const t = f.op.def.type;
    if (!t || !(t.name === 'enum' || t.name === 'set') || !t.values) return;
    const before = ctx.schema?.tables.get(f.op.table)?.columns.get(f.op.column)?.type;
    if (!before?.values) return;
    const appended = before.values.every((v, i) => t.values![i] === v) && t.values.length >= before.values.length;
    if (appended && !(t.name === 'enum' && before.values.length <= 255 && t.values.length > 255)) return;
    ctx.report(mysqlEnumReorder, f, {
      message: `${t.name.toUpperCase()} ${q(f.op.column)} changes from (${before.values.join(', ')}) to (${t.values.join(', ')}): only appending values at the end is instant; removing, reordering or inserting copies the table and blocks writes.`,
    });
  });
};

export const mysqlChecks: readonly Check[] = [mysql];
