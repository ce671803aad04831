// Writes docs/rules/migration/<name>.md for every migration rule from the rule catalog (built CLI,
// `rules --format json`) plus the prose below. Run after adding a rule: node scripts/gen-migration-docs.mjs
// `--check` exits 1 when a page is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { rules } = JSON.parse(execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'rules', '--format', 'json'], { encoding: 'utf8' }));

const PEER = { squawk: 'squawk', strong_migrations: 'strong_migrations', eugene: 'eugene', pgfence: 'pgfence', atlas: 'Atlas lint', 'django-migration-linter': 'django-migration-linter' };

/** Prose per rule: dialect, lock it reports, what, why, flagged/safe examples, fix. */
const D = {
  'require-concurrent-index': {
    dialect: 'PostgreSQL', lock: '`SHARE` (create) or `ACCESS EXCLUSIVE` (drop) on the table; with CONCURRENTLY `SHARE UPDATE EXCLUSIVE`',
    what: '`CREATE INDEX` or `DROP INDEX` without `CONCURRENTLY` on a table that existed before this migration.',
    why: 'A plain `CREATE INDEX` takes a `SHARE` lock for the whole build: every `INSERT`, `UPDATE` and `DELETE` waits, on a large table for minutes, while the old code is still serving traffic. A plain `DROP INDEX` takes `ACCESS EXCLUSIVE`: reads wait too. `CONCURRENTLY` does not block writes, at the cost of running outside a transaction block.',
    bad: 'CREATE INDEX users_email_idx ON users (email);', good: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
    fix: 'The quick fix inserts `CONCURRENTLY` and leaves the runner\'s transaction in the tool\'s own way: `-- +goose NO TRANSACTION` (goose), `-- migrate:up transaction:false` (dbmate), a `V…__x.sql.conf` with `executeInTransaction=false` (Flyway), `-- atlas:txmode none` (Atlas), `-- no-transaction` (sqlx); for golang-migrate and Prisma, whose lone statement runs outside a transaction, it moves the statement into a new migration of its own, named for the tool. If a concurrent build fails it leaves an `INVALID` index: drop it and retry. Tables created earlier in the same migration are empty, so indexing them is not flagged.',
  },
  'require-concurrent-reindex': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` on the index, `SHARE` on the table', what: '`REINDEX` without `CONCURRENTLY`.',
    why: 'A plain REINDEX blocks writes to the table and every query that wants the index being rebuilt. `REINDEX … CONCURRENTLY` (PostgreSQL 12+) does not.',
    bad: 'REINDEX INDEX users_email_idx;', good: 'REINDEX INDEX CONCURRENTLY users_email_idx;', fix: 'The quick fix inserts `CONCURRENTLY` (and leaves the transaction the tool\'s way, as for indexes).',
  },
  'concurrent-in-transaction': {
    dialect: 'PostgreSQL', lock: 'none: the statement fails', what: '`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `DETACH PARTITION … CONCURRENTLY` or `REFRESH MATERIALIZED VIEW CONCURRENTLY` that will run inside a transaction: the file\'s own `BEGIN`, or the runner\'s transaction (Flyway, goose, dbmate, Atlas, sqlx, Prisma and golang-migrate with several statements, Supabase, Drizzle, node-pg-migrate).',
    why: 'PostgreSQL refuses: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block". The migration fails during the deploy. A lone statement in a golang-migrate or Prisma file is fine: those tools send it alone, outside a transaction, so it is not flagged.',
    bad: '-- +goose Up\nCREATE TABLE a (id bigint);\nCREATE INDEX CONCURRENTLY b_x_idx ON b (x);', good: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY b_x_idx ON b (x);',
    fix: 'The quick fix applies the tool\'s opt-out (directive, `.sql.conf`, or a migration of its own for golang-migrate/Prisma).',
  },
  'concurrent-index-pg14-bug': {
    dialect: 'PostgreSQL 14.0–14.3', lock: '`SHARE UPDATE EXCLUSIVE`', what: '`CREATE INDEX CONCURRENTLY` or `REINDEX CONCURRENTLY` when `migrations.postgresVersion` is set to 14.0–14.3 (e.g. `14.2`).',
    why: 'These releases can build corrupt indexes concurrently (fixed in 14.4). Set `postgresVersion` to the minor version you run to get this check.',
    bad: 'CREATE INDEX CONCURRENTLY i ON t (a);  -- on 14.2', good: '-- upgrade to 14.4+ first', fix: 'Upgrade the server.',
  },
  'constraint-not-valid': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` (CHECK) or `SHARE ROW EXCLUSIVE` on both tables (FOREIGN KEY) during a full scan', what: '`ADD CONSTRAINT … FOREIGN KEY` or `… CHECK` without `NOT VALID` on an existing table, and `ADD COLUMN … REFERENCES`.',
    why: 'Validating scans every row while the lock is held: writes (and for CHECK, reads) wait for the whole scan. Added `NOT VALID`, the constraint applies to new rows at once and the lock is brief; `VALIDATE CONSTRAINT` later takes only `SHARE UPDATE EXCLUSIVE`, which lets reads and writes continue.',
    bad: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    good: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- next migration (another transaction):\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;',
    fix: 'The quick fix adds `NOT VALID` (and a constraint name if there was none) and creates the next migration, named for the tool, with the `VALIDATE CONSTRAINT`. When the file runs outside a transaction, the VALIDATE goes right after the statement.',
  },
  'validate-in-same-transaction': {
    dialect: 'PostgreSQL', lock: '`SHARE UPDATE EXCLUSIVE` plus whatever the transaction already holds', what: '`VALIDATE CONSTRAINT` in the transaction that added the constraint `NOT VALID`, or after an `ACCESS EXCLUSIVE` lock on the table in the same transaction.',
    why: 'Locks are held until commit, so the ACCESS EXCLUSIVE of the ADD is still held during the validation scan: NOT VALID bought nothing.',
    bad: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;', good: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\n-- next migration:\nALTER TABLE t VALIDATE CONSTRAINT c;',
    fix: 'The quick fix moves the VALIDATE into a new migration after this one.',
  },
  'unique-without-index': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during the index build', what: '`ADD CONSTRAINT … UNIQUE` / `PRIMARY KEY` (or `ADD COLUMN … UNIQUE/PRIMARY KEY`) on an existing table without `USING INDEX`.',
    why: 'The unique index is built while reads and writes are blocked. Building it first with `CREATE UNIQUE INDEX CONCURRENTLY` and attaching it with `USING INDEX` makes the lock brief. It also fails if duplicates exist (Atlas MF101): the concurrent build tells you without blocking anything.',
    bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    good: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key_idx;',
    fix: 'The quick fix writes both statements; it leaves the transaction the tool\'s way, or for golang-migrate/Prisma splits them into migrations of their own.',
  },
  'exclusion-constraint': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during the build', what: '`ADD CONSTRAINT … EXCLUDE` on an existing table.', why: 'There is no `NOT VALID` or `USING INDEX` form: the index is built and every row checked under ACCESS EXCLUSIVE.',
    bad: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);', good: '-- add it when the table is created, or in a maintenance window', fix: 'No automatic fix; ignore with a reason when the table is small.',
  },
  'set-not-null': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during a full scan', what: '`ALTER COLUMN … SET NOT NULL` on an existing column, unless a validated `CHECK (col IS NOT NULL)` exists earlier in the file or in an earlier migration (replayed) and the server is PostgreSQL 12+.',
    why: 'PostgreSQL scans the whole table to prove there are no NULLs while reads and writes wait. Since PostgreSQL 12 a validated CHECK constraint lets it skip the scan.',
    bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    good: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    fix: 'The quick fix writes exactly this: the CHECK NOT VALID in place of the SET NOT NULL, and the rest in a new migration (or right after it when the file runs outside a transaction).',
  },
  'foreign-key-without-index': {
    dialect: 'PostgreSQL', lock: 'none itself; later deletes on the referenced table scan', what: 'A foreign key whose referencing columns are not the leading columns of an index created in the file, a primary key or unique constraint, or an index known from earlier migrations.',
    why: 'PostgreSQL does not index referencing columns automatically. Every DELETE (or key UPDATE) of a referenced row scans the referencing table, and ON DELETE CASCADE becomes slow and lock-heavy.',
    bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));', good: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
    fix: 'The quick fix adds the index (CONCURRENTLY, in a migration of its own, when the table already exists and the file runs in a transaction).',
  },
  'domain-constraint': {
    dialect: 'PostgreSQL', lock: '`SHARE` on every table using the domain while they are checked', what: '`CREATE DOMAIN … CHECK/NOT NULL` and `ALTER DOMAIN … ADD CONSTRAINT` without `NOT VALID`.',
    why: 'Changing a domain constraint later checks every column of that type in every table. Constraints on columns are easier to change safely.',
    bad: 'CREATE DOMAIN email AS text CHECK (VALUE ~ \'@\');', good: 'CREATE DOMAIN email AS text;\n-- and CHECK constraints on the columns', fix: 'No automatic fix.',
  },
  'add-column-required': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` (PostgreSQL) or the ALTER\'s metadata lock', what: '`ADD COLUMN … NOT NULL` without a `DEFAULT` (and not generated or serial) on an existing table.',
    why: 'On PostgreSQL it fails as soon as the table has a row. On MySQL existing rows get the zero value (or it fails in strict mode). Either way the code still running inserts rows without the column, which fail.',
    bad: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;', good: 'ALTER TABLE users ADD COLUMN tenant_id bigint;\n-- backfill, then enforce NOT NULL through a CHECK … NOT VALID',
    fix: 'The quick fix removes `NOT NULL` so the column is added nullable; enforce it after the backfill (see migration/set-not-null).',
  },
  'volatile-default': {
    dialect: 'PostgreSQL (version-aware)', lock: '`ACCESS EXCLUSIVE` during a table rewrite', what: '`ADD COLUMN … DEFAULT` with a volatile expression (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`…), or any non-NULL default when `migrations.postgresVersion` is below 11. Constants and stable functions such as `now()` and `CURRENT_TIMESTAMP` are not flagged on 11+.',
    why: 'Since PostgreSQL 11 a constant default is stored in the catalog and the ADD is instant; a volatile default still computes a value per row, rewriting the table while reads and writes wait.',
    bad: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    good: 'ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- next migration: backfill NULLs in batches',
    fix: 'The quick fix adds the column without a default, sets the default in a second statement (new rows get it), and creates the next migration with a batched backfill loop.',
  },
  'rewriting-column': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during a table rewrite', what: '`ADD COLUMN` of a `serial`/`bigserial`, identity, or `GENERATED … STORED` column on an existing table.',
    why: 'Each existing row gets a computed value, so the table is rewritten under ACCESS EXCLUSIVE.', bad: 'ALTER TABLE events ADD COLUMN seq bigserial;', good: 'ALTER TABLE events ADD COLUMN seq bigint;\n-- fill in batches, then attach a sequence default',
    fix: 'No automatic fix; add a plain column and fill it in batches.',
  },
  'column-type-change': {
    dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during a table and index rewrite', what: '`ALTER COLUMN … TYPE` on an existing column, except casts known not to rewrite: `varchar(n)` → larger `varchar` or `text`, `text` ↔ unbounded `varchar`, `numeric(p,s)` → larger precision with the same scale, removing a modifier, `cidr` → `inet`. The current type comes from earlier statements in the file or from the replayed earlier migrations.',
    why: 'Other type changes rewrite the table and rebuild every index on it while reads and writes wait, and the running code may write values the new type rejects.',
    bad: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;', good: '-- new column, dual writes, batched backfill, switch reads, drop the old column',
    fix: 'No automatic fix for a real rewrite; follow the expand-contract steps.',
  },
  'drop-column': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly (PostgreSQL); INSTANT or INPLACE (MySQL)', what: '`DROP COLUMN` of a column that existed before this migration.', compat: true,
    why: 'The lock is brief, but the code still running during a rolling deploy selects and inserts the column (ORMs cache the column list), so it errors until every instance runs the new code.',
    bad: 'ALTER TABLE users DROP COLUMN legacy_flag;', good: '-- release 1: stop using legacy_flag in the code (Rails: ignored_columns)\n-- release 2: ALTER TABLE users DROP COLUMN legacy_flag;',
    fix: 'The quick fix moves the drop into a later migration file marked as the contract step, to ship after the code no longer uses the column.',
  },
  'rename-column': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly', what: '`RENAME COLUMN` of an existing column.', compat: true,
    why: 'The code still running uses the old name and fails as soon as the rename commits.',
    bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;', good: 'ALTER TABLE users ADD COLUMN full_name text;\n-- trigger keeps both in sync, backfill; later: drop name',
    fix: 'When the column type is known (from earlier migrations), the quick fix replaces the rename with the expand step: add the new column, a trigger that keeps both columns in sync, and a backfill, with the contract step as a comment.',
  },
  'drop-not-null': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly', what: '`ALTER COLUMN … DROP NOT NULL`.', compat: true,
    why: 'The code still running may assume the column is never NULL; once new code writes NULLs, old readers can break.', bad: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', good: '-- make sure every reader handles NULL first', fix: 'No automatic fix; ignore with a reason once readers handle NULL.',
  },
  'prefer-jsonb': {
    dialect: 'PostgreSQL', lock: 'none', what: 'A `json` column in `CREATE TABLE` or `ADD COLUMN`.', why: '`json` has no equality operator, so `SELECT DISTINCT`, `UNION` and `GROUP BY` over a row containing it fail, and it is re-parsed on every access. `jsonb` has neither problem.',
    bad: 'ALTER TABLE events ADD COLUMN payload json;', good: 'ALTER TABLE events ADD COLUMN payload jsonb;', fix: 'The quick fix replaces the type with `jsonb`.',
  },
  'drop-table': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly', what: '`DROP TABLE` of a table not created in the same migration.', compat: true,
    why: 'The running code still reads and writes the table, and the data is gone for good.', bad: 'DROP TABLE legacy_sessions;', good: '-- release 1: stop using legacy_sessions\n-- release 2: DROP TABLE legacy_sessions;',
    fix: 'The quick fix moves the drop into a later migration file marked as the contract step.',
  },
  'rename-table': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly', what: '`ALTER TABLE … RENAME TO` of an existing table.', compat: true,
    why: 'The code still running uses the old name.', bad: 'ALTER TABLE users RENAME TO accounts;', good: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;  -- drop in a later release',
    fix: 'The quick fix (PostgreSQL) adds an updatable view under the old name right after the rename, so old code keeps reading and writing until it is gone.',
  },
  'drop-schema': {
    dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` on every object dropped', what: '`DROP SCHEMA`, `DROP DATABASE`, `DROP TYPE`.', compat: true,
    why: 'Everything in it, data included, disappears, and running code that uses it fails.', bad: 'DROP SCHEMA reporting CASCADE;', good: '-- stop using it first; drop in a later release', fix: 'No automatic fix.',
  },
  'rename-schema': { dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` briefly', what: '`ALTER SCHEMA … RENAME TO`.', compat: true, why: 'Every query of the running code that names the schema fails.', bad: 'ALTER SCHEMA app RENAME TO core;', good: '-- create the new schema, move objects, keep the old names working until the code has moved', fix: 'No automatic fix.' },
  'rename-enum-value': { dialect: 'PostgreSQL', lock: 'brief lock on the type', what: '`ALTER TYPE … RENAME VALUE`.', compat: true, why: 'The code still running writes the old value, which no longer exists.', bad: "ALTER TYPE status RENAME VALUE 'done' TO 'completed';", good: "ALTER TYPE status ADD VALUE 'completed' AFTER 'done';\n-- support both, backfill, then stop writing 'done'", fix: 'No automatic fix.' },
  'enum-value-ordering': { dialect: 'PostgreSQL', lock: 'brief lock on the type', what: '`ALTER TYPE … ADD VALUE` without `BEFORE` or `AFTER`.', why: 'The value is appended, so `ORDER BY` on the enum sorts it last, which may not be what the code expects.', bad: "ALTER TYPE status ADD VALUE 'paused';", good: "ALTER TYPE status ADD VALUE 'paused' AFTER 'active';", fix: 'No automatic fix: only you know where it belongs.' },
  truncate: { dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ACCESS EXCLUSIVE` briefly', what: '`TRUNCATE` of a table not created in the same migration.', why: 'It deletes every row, with no WHERE; `CASCADE` silently empties every table with a foreign key to it.', bad: 'TRUNCATE audit_log CASCADE;', good: '-- delete in batches, or ignore with a reason', fix: 'No automatic fix.' },
  'require-concurrent-detach-partition': { dialect: 'PostgreSQL 14+', lock: '`ACCESS EXCLUSIVE` on the partitioned table; CONCURRENTLY: `SHARE UPDATE EXCLUSIVE`', what: '`ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY` (PostgreSQL 14+).', why: 'Detaching takes ACCESS EXCLUSIVE on the parent, blocking every query on every partition.', bad: 'ALTER TABLE events DETACH PARTITION events_2023;', good: 'ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;', fix: 'The quick fix inserts `CONCURRENTLY` and leaves the transaction the tool\'s way.' },
  'table-rewrite-command': { dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` during a rewrite', what: '`VACUUM FULL`, `CLUSTER`, `ALTER TABLE … SET LOGGED/UNLOGGED`, and `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`.', why: 'Each rewrites the table (or view) while reads and writes wait.', bad: 'VACUUM FULL events;', good: '-- pg_repack / pg_squeeze, or REPACK (CONCURRENTLY) on PostgreSQL 19+', fix: 'For `REFRESH MATERIALIZED VIEW` the quick fix inserts `CONCURRENTLY` (the view needs a unique index).' },
  'require-lock-timeout': {
    dialect: 'PostgreSQL', lock: 'any lock that blocks reads or writes', what: 'The first statement that takes a lock blocking writes or reads on an existing table, when no `SET lock_timeout` (or `SET LOCAL`) precedes it and the runner does not set one (`migrations.lockTimeoutSetByRunner: true` says it does).',
    why: 'A DDL statement waiting for its lock behind a long-running query makes every later query on the table queue behind it: a brief lock becomes an outage. With lock_timeout it fails fast and can be retried.',
    bad: 'ALTER TABLE users ADD COLUMN note text;', good: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;",
    fix: "The quick fix inserts `SET LOCAL lock_timeout = '2s';` before the first statement when the tool runs the file in a transaction (so it does not leak to the next migration), or `SET lock_timeout` otherwise.",
  },
  'require-statement-timeout': { dialect: 'PostgreSQL', lock: 'locks held during a scan, rewrite or index build', what: 'The first statement that scans, rewrites or indexes an existing table under a blocking lock, with no `statement_timeout` set.', why: 'It bounds how long traffic can be blocked if the operation is slower than expected.', bad: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);', good: "SET statement_timeout = '5min';\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);", fix: 'The quick fix inserts `SET [LOCAL] statement_timeout` before the first statement.' },
  'statement-after-access-exclusive': { dialect: 'PostgreSQL', lock: '`ACCESS EXCLUSIVE` held until commit', what: 'A statement that runs, in the same transaction, after one that took `ACCESS EXCLUSIVE` on an existing table. Reported once per transaction.', why: 'Locks are held until the transaction commits: everything after the ACCESS EXCLUSIVE statement (index builds, backfills…) extends the time during which nobody can read or write the table.', bad: 'ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_note_idx ON users (note);', good: '-- put the ACCESS EXCLUSIVE statements last, or in a migration of their own', fix: 'No automatic fix; reorder or split.' },
  'multiple-alters': { dialect: 'PostgreSQL, MySQL, MariaDB', lock: 'the table lock, taken again for each statement', what: 'Several `ALTER TABLE` statements on the same existing table in one transaction (MySQL: one file).', why: 'Each statement queues for the lock again; MySQL may rebuild the table for each. One ALTER TABLE with comma-separated actions does it once.', bad: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;', good: 'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;', fix: 'No automatic fix.' },
  'uncommitted-transaction': { dialect: 'PostgreSQL', lock: 'whatever the open transaction holds', what: 'A `BEGIN` with no `COMMIT` after it.', why: 'When the connection closes the work is rolled back, but the migration tool records the migration as applied.', bad: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;', good: 'BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;', fix: 'The quick fix appends `COMMIT;`.' },
  'transaction-nesting': { dialect: 'PostgreSQL', lock: 'none', what: '`BEGIN` inside an open transaction, or `BEGIN`/`COMMIT` in a file the tool already runs in a transaction.', why: 'A nested BEGIN is ignored with a warning, and the first COMMIT ends the runner\'s transaction early, so the rest runs outside it and cannot roll back.', bad: '-- Flyway V3__x.sql\nBEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;', good: 'ALTER TABLE t ADD COLUMN a int;', fix: 'Remove the BEGIN/COMMIT, or opt out of the runner\'s transaction.' },
  'data-in-schema-migration': { dialect: 'PostgreSQL, MySQL, MariaDB', lock: '`ROW EXCLUSIVE` and row locks until commit', what: '`UPDATE` or `DELETE` on an existing table in a migration; the message says when there is no `WHERE`.', why: 'A backfill of unknown size in the schema migration holds row locks until commit, bloats the table and slows the deploy; without WHERE it touches every row in one statement.', bad: "UPDATE users SET plan = 'free';", good: '-- a separate data migration or job that updates in batches by primary-key range', fix: 'No automatic fix.' },
  'mysql-blocking-alter': { dialect: 'MySQL, MariaDB', lock: '`ALGORITHM=COPY` / `LOCK=SHARED` or `EXCLUSIVE`', what: 'An ALTER that copies the table or blocks writes: changing a column\'s type, `ADD FOREIGN KEY` (copy unless `foreign_key_checks=0`), `ADD CHECK`, `DROP PRIMARY KEY`, adding an `AUTO_INCREMENT` or stored generated column, or an explicit `ALGORITHM=COPY` / `LOCK=SHARED|EXCLUSIVE`.', why: 'Writes (or reads and writes) wait for the whole copy; replicas lag behind it.', bad: 'ALTER TABLE users MODIFY email varchar(320) NOT NULL;', good: '-- gh-ost / pt-online-schema-change for large tables', fix: 'When the statement forces `ALGORITHM=COPY` but the change can run in place, the quick fix replaces it with `ALGORITHM=INPLACE, LOCK=NONE` (or `INSTANT`).' },
  'mysql-explicit-algorithm': { dialect: 'MySQL, MariaDB', lock: 'the algorithm the server picks', what: 'An `ALTER TABLE` that can run `INSTANT` or `INPLACE, LOCK=NONE` but does not say so.', why: 'If the server cannot use the online algorithm (row format, version, a FULLTEXT index, the 64 instant-change limit) it silently falls back to copying the table. Stating `ALGORITHM=`/`LOCK=` makes it fail instead.', bad: 'ALTER TABLE users ADD COLUMN note text;', good: 'ALTER TABLE users ADD COLUMN note text, ALGORITHM=INSTANT;', fix: 'The quick fix appends `, ALGORITHM=INSTANT` or `, ALGORITHM=INPLACE, LOCK=NONE`, as valid for the operation and `migrations.mysqlVersion`.' },
  'mysql-lock-wait-timeout': { dialect: 'MySQL, MariaDB', lock: 'the exclusive metadata lock every ALTER takes', what: 'DDL on an existing table with no `SET [SESSION] lock_wait_timeout` before it.', why: 'Every ALTER, even INSTANT, needs an exclusive metadata lock; behind a long transaction it waits (default: a year) and every query on the table queues behind it.', bad: 'ALTER TABLE users ADD COLUMN note text;', good: 'SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD COLUMN note text;', fix: 'The quick fix inserts `SET SESSION lock_wait_timeout = 5;` before the first statement.' },
  'mysql-enum-reorder': { dialect: 'MySQL, MariaDB', lock: '`ALGORITHM=COPY`', what: 'A `MODIFY`/`CHANGE` of an ENUM or SET column that does anything but append members (known from the replayed earlier migrations).', why: 'Only appending members (without crossing 255 members for ENUM) is instant; reordering, inserting or removing copies the table.', bad: "ALTER TABLE t MODIFY status ENUM('new','paused','active');", good: "ALTER TABLE t MODIFY status ENUM('new','active','paused');", fix: 'No automatic fix.' },
  'prefer-bigint': { dialect: 'PostgreSQL', lock: 'none', what: '`int`, `smallint`, `serial` columns in new tables and columns (opt-in).', why: 'Widening later is a table rewrite.', bad: 'CREATE TABLE t (id serial PRIMARY KEY);', good: 'CREATE TABLE t (id bigserial PRIMARY KEY);', fix: 'The quick fix replaces the type.', optIn: true },
  'prefer-text': { dialect: 'PostgreSQL', lock: 'none', what: '`varchar(n)` and `char(n)` columns (opt-in).', why: 'Changing n later takes an exclusive lock; `char` pads with spaces.', bad: 'ALTER TABLE t ADD COLUMN code varchar(10);', good: 'ALTER TABLE t ADD COLUMN code text CHECK (length(code) <= 10);', fix: 'The quick fix replaces the type with `text`.', optIn: true },
  'prefer-timestamptz': { dialect: 'PostgreSQL', lock: 'none', what: '`timestamp` (without time zone) columns (opt-in).', why: 'Values are ambiguous across time zones.', bad: 'ALTER TABLE t ADD COLUMN at timestamp;', good: 'ALTER TABLE t ADD COLUMN at timestamptz;', fix: 'The quick fix replaces the type.', optIn: true },
  'prefer-identity': { dialect: 'PostgreSQL', lock: 'none', what: '`serial` types (opt-in).', why: 'Identity columns are standard SQL, own their sequence and need no separate grants.', bad: 'CREATE TABLE t (id bigserial PRIMARY KEY);', good: 'CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);', fix: 'The quick fix replaces the type.', optIn: true },
  'identifier-too-long': { dialect: 'PostgreSQL', lock: 'none', what: 'A table, column, index or constraint name longer than 63 bytes.', why: 'PostgreSQL truncates it silently, so the object exists under a different name than the one the code and later migrations use.', bad: 'CREATE INDEX a_very_long_name_… ON t (a);', good: '-- a name of at most 63 bytes', fix: 'No automatic fix.' },
  'syntax-error': { dialect: 'PostgreSQL, MySQL, MariaDB', lock: 'none: the statement was not read', what: 'Statements the real grammar (libpg-query for PostgreSQL, node-sql-parser for MySQL/MariaDB) rejects, after template placeholders are replaced: Go text/template and pop/fizz `{{ … }}`, Jinja `{{ … }}`, `{% … %}` and `{# … #}`, Flyway `${name}`, psql `:name`, `:\'name\'` and `:"name"`, and the placeholders declared in `migrations.placeholders`. One warning per file, at the first position the parser stopped.', why: 'What does not parse is not checked. It is a warning, not an error: the grammar may lag the server, or the file may be rendered by a tool before it runs, so it is not claimed that the migration fails. The statements that parsed are still checked.', bad: 'CREAT TABLE t (id int);', good: 'CREATE TABLE t (id int);', fix: 'Fix the SQL. For a template syntax we do not know, declare it: `migrations: { placeholders: ["__SCHEMA__", "@@…@@"] }` (a literal token, or open…close delimiters). For MySQL syntax the parser does not know, set `migrations.dialect` or ignore with a reason.' },
  'unreadable-file': { dialect: 'all', lock: 'none', what: 'A migration that is binary, not UTF-8, or larger than `maxFileSize`.', why: 'It was not checked; the finding says why so nothing is skipped silently.', bad: '(a binary file named V3__x.sql)', good: '(a UTF-8 text file)', fix: 'Convert it to UTF-8 or raise `maxFileSize`.' },
  'unused-suppression': { dialect: 'all', lock: 'none', what: 'A `-- deploy-readiness-ignore <rule>: <reason>` comment (statement or file level) or a `-- squawk-ignore` comment naming a check that matches no finding.', why: 'Stale suppressions hide the next real problem and misspelled rule names suppress nothing.', bad: '-- deploy-readiness-ignore drop-table: legacy\nALTER TABLE t ADD COLUMN a int;', good: '(remove it)', fix: 'Remove the comment or correct the rule name.' },
  'suppression-needs-reason': { dialect: 'all', lock: 'none', what: 'A `-- deploy-readiness-ignore` comment with no reason after the rule name.', why: 'An acknowledgement without a reason is not an acknowledgement: reviewers need to know why it is safe. The suppression is not applied.', bad: '-- deploy-readiness-ignore drop-table', good: '-- deploy-readiness-ignore drop-table: table unused since release 41', fix: 'Add `: <why this is safe>`.' },
};

const out = [];
let stale = false;
for (const r of rules.filter((x) => x.area === 'migration')) {
  const name = r.id.slice('migration/'.length);
  const d = D[name];
  if (!d) {
    console.error(`no prose for ${r.id} in scripts/gen-migration-docs.mjs`);
    process.exit(1);
  }
  const eq = Object.entries(r.equivalents ?? {}).map(([k, v]) => `${PEER[k] ?? k} ${v.map((x) => `\`${x}\``).join(', ')}`);
  const md = [
    `# ${r.id}`,
    '',
    `**Default severity:** ${r.defaultSeverity}${r.optIn ? ' (opt-in: enable it under `rules:`)' : ''} · **Area:** migrations (${d.dialect})`,
    '',
    `${r.summary}.`,
    '',
    '## What it checks',
    d.what,
    '',
    '## Lock and compatibility',
    `Lock reported: ${d.lock}. Every finding states the lock it takes, what that lock blocks, and whether the statement is additive, transformative or destructive${d.compat ? '; this one is **not backward-compatible** with the code still running during a rolling deploy, whatever the lock' : ''}.`,
    '',
    '## Why it matters during a deploy',
    d.why,
    '',
    '## Example',
    '```sql',
    '-- flagged',
    d.bad,
    '-- safe',
    d.good,
    '```',
    '',
    '## How to fix',
    d.fix,
    '',
    'To accept it on purpose, put `-- deploy-readiness-ignore ' + name + ': <reason>` on the line before the statement (or anywhere before the first statement, with `-- deploy-readiness-ignore-file`), or use the **Ignore … (with a reason)** quick fix. A reason is required.',
    '',
    '## Same check elsewhere',
    eq.length ? eq.join('; ') + '.' : 'No peer tool has this check.',
    '',
    '## Configure',
    '```yaml',
    '# .deploy-readiness.yaml',
    'rules:',
    `  ${r.id}: ${r.optIn ? 'warning   # opt in' : 'warning   # or off'}`,
    '```',
    '',
  ].join('\n');
  const p = path.join(root, 'docs', 'rules', 'migration', `${name}.md`);
  const old = existsSync(p) ? readFileSync(p, 'utf8') : '';
  if (old !== md) {
    stale = true;
    if (!process.argv.includes('--check')) writeFileSync(p, md);
  }
  out.push(name);
}
if (process.argv.includes('--check') && stale) {
  console.error('docs/rules/migration is out of date: run node scripts/gen-migration-docs.mjs');
  process.exit(1);
}
console.log(`${out.length} migration rule pages`);
