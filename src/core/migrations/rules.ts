import { defineRule, type Rule } from '../rule';

/**
 * Migration rules (metadata). The checks live in ./checks.ts and read ops (./ops.ts), never SQL.
 * Each declares the peer tools' names for the same check; `-- squawk-ignore <name>` and the other
 * peers' acknowledgements are mapped through these names.
 * Add a rule here, to `migrationRules`, a check in ./checks.ts and a page in docs/rules/migration/.
 */

// ── Index operations ────────────────────────────────────────────────────────────────────────────
export const requireConcurrentIndex = defineRule({
  id: 'migration/require-concurrent-index',
  defaultSeverity: 'error',
  summary: 'Create and drop indexes CONCURRENTLY so writes to the table are not blocked while the index builds',
  equivalents: {
    squawk: ['require-concurrent-index-creation', 'require-concurrent-index-deletion'],
    strong_migrations: ['add_index', 'remove_index'],
    eugene: ['E6'],
    pgfence: ['create-index-not-concurrent', 'drop-index-not-concurrent'],
    atlas: ['PG101', 'PG102'],
    'django-migration-linter': ['CREATE_INDEX', 'DROP_INDEX'],
  },
});

export const requireConcurrentReindex = defineRule({
  id: 'migration/require-concurrent-reindex',
  defaultSeverity: 'error',
  summary: 'REINDEX without CONCURRENTLY locks out reads that use the index and all writes',
  equivalents: { squawk: ['require-concurrent-reindex'], 'django-migration-linter': ['REINDEX'] },
});

export const concurrentInTransaction = defineRule({
  id: 'migration/concurrent-in-transaction',
  defaultSeverity: 'error',
  summary: 'CONCURRENTLY cannot run inside a transaction block; the migration tool must run it outside one',
  equivalents: {
    squawk: ['ban-concurrent-index-creation-in-transaction'],
    pgfence: ['concurrent-in-transaction'],
    atlas: ['PG103'],
  },
});

export const concurrentIndexPg14 = defineRule({
  id: 'migration/concurrent-index-pg14-bug',
  defaultSeverity: 'warning',
  summary: 'CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can corrupt indexes on PostgreSQL 14.0 to 14.3',
  equivalents: { strong_migrations: ['add_index_corruption'] },
});

// ── Constraints ─────────────────────────────────────────────────────────────────────────────────
export const constraintNotValid = defineRule({
  id: 'migration/constraint-not-valid',
  defaultSeverity: 'error',
  summary: 'Add FOREIGN KEY and CHECK constraints NOT VALID, then VALIDATE them separately, to avoid a full scan under lock',
  equivalents: {
    squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
    strong_migrations: ['add_foreign_key', 'add_check_constraint'],
    eugene: ['E1'],
    pgfence: ['add-constraint-fk-no-not-valid', 'add-constraint-check-no-not-valid'],
    atlas: ['PG305', 'PG306'],
  },
});

export const validateInSameTransaction = defineRule({
  id: 'migration/validate-in-same-transaction',
  defaultSeverity: 'error',
  summary: 'VALIDATE CONSTRAINT in the transaction that added it NOT VALID, or while writes are blocked, loses the benefit of NOT VALID',
  equivalents: {
    squawk: ['constraint-missing-not-valid'],
    strong_migrations: ['validate_foreign_key', 'validate_check_constraint'],
    pgfence: ['not-valid-validate-same-tx'],
  },
});

export const uniqueWithoutIndex = defineRule({
  id: 'migration/unique-without-index',
  defaultSeverity: 'error',
  summary: 'Add UNIQUE and PRIMARY KEY constraints USING INDEX built CONCURRENTLY, not by building the index under an ACCESS EXCLUSIVE lock',
  equivalents: {
    squawk: ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
    strong_migrations: ['add_unique_constraint'],
    eugene: ['E7'],
    pgfence: ['add-constraint-unique', 'add-pk-without-using-index'],
    atlas: ['PG104', 'PG105', 'MF101'],
    'django-migration-linter': ['ADD_UNIQUE'],
  },
});

export const exclusionConstraint = defineRule({
  id: 'migration/exclusion-constraint',
  defaultSeverity: 'warning',
  summary: 'An EXCLUDE constraint scans and indexes the table under ACCESS EXCLUSIVE and cannot be added NOT VALID',
  equivalents: { strong_migrations: ['add_exclusion_constraint'], eugene: ['E8'], pgfence: ['add-constraint-exclude'] },
});

export const setNotNull = defineRule({
  id: 'migration/set-not-null',
  defaultSeverity: 'error',
  summary: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists',
  equivalents: {
    squawk: ['adding-not-nullable-field'],
    strong_migrations: ['change_column_null_postgresql', 'change_column_null'],
    eugene: ['E2'],
    pgfence: ['alter-column-set-not-null'],
    atlas: ['PG303', 'MF104'],
    'django-migration-linter': ['NOT_NULL'],
  },
});

export const foreignKeyWithoutIndex = defineRule({
  id: 'migration/foreign-key-without-index',
  defaultSeverity: 'warning',
  summary: 'A foreign key without an index on its referencing columns makes deletes and updates of the referenced rows scan the table',
  equivalents: { eugene: ['E15'], pgfence: ['fk-missing-index'] },
});

export const domainConstraint = defineRule({
  id: 'migration/domain-constraint',
  defaultSeverity: 'warning',
  summary: 'Constraints on a domain are checked against every column of that type, with no NOT VALID escape when added to an existing domain',
  equivalents: { squawk: ['ban-create-domain-with-constraint', 'ban-alter-domain-with-add-constraint'] },
});

// ── Columns ─────────────────────────────────────────────────────────────────────────────────────
export const addColumnRequired = defineRule({
  id: 'migration/add-column-required',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a DEFAULT fails on a table with rows and breaks INSERTs from the running code',
  equivalents: {
    squawk: ['adding-required-field'],
    pgfence: ['add-column-not-null-no-default'],
    atlas: ['MF103', 'MY101'],
    'django-migration-linter': ['NOT_NULL'],
  },
});

export const volatileDefault = defineRule({
  id: 'migration/volatile-default',
  defaultSeverity: 'error',
  summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the table under ACCESS EXCLUSIVE',
  equivalents: {
    squawk: ['adding-field-with-default'],
    strong_migrations: ['add_column_default', 'add_column_default_callable'],
    pgfence: ['add-column-non-constant-default', 'add-column-default-pre-pg11'],
    atlas: ['PG302'],
  },
});

export const rewritingColumn = defineRule({
  id: 'migration/rewriting-column',
  defaultSeverity: 'error',
  summary: 'Adding a serial, identity or stored generated column rewrites the whole table under ACCESS EXCLUSIVE',
  equivalents: {
    squawk: ['adding-serial-primary-key-field'],
    strong_migrations: ['add_column_auto_incrementing', 'add_column_generated_stored'],
    eugene: ['E11'],
    pgfence: ['add-column-serial', 'add-column-stored-generated'],
  },
});

export const columnTypeChange = defineRule({
  id: 'migration/column-type-change',
  defaultSeverity: 'error',
  summary: 'Changing a column type rewrites the table and its indexes under an exclusive lock, except for known safe casts',
  equivalents: {
    squawk: ['changing-column-type'],
    strong_migrations: ['change_column'],
    eugene: ['E5'],
    pgfence: ['alter-column-type'],
    atlas: ['PG301'],
    'django-migration-linter': ['ALTER_COLUMN'],
  },
});

export const dropColumn = defineRule({
  id: 'migration/drop-column',
  defaultSeverity: 'error',
  summary: 'Dropping a column breaks the code still running during the deploy; stop using it first (expand-contract)',
  equivalents: {
    squawk: ['ban-drop-column'],
    strong_migrations: ['remove_column'],
    pgfence: ['drop-column'],
    atlas: ['DS103'],
    'django-migration-linter': ['DROP_COLUMN'],
  },
});

export const renameColumn = defineRule({
  id: 'migration/rename-column',
  defaultSeverity: 'error',
  summary: 'Renaming a column breaks the code still running during the deploy; add the new column and migrate instead',
  equivalents: {
    squawk: ['renaming-column'],
    strong_migrations: ['rename_column'],
    pgfence: ['rename-column'],
    atlas: ['BC102'],
    'django-migration-linter': ['RENAME_COLUMN'],
  },
});

export const dropNotNull = defineRule({
  id: 'migration/drop-not-null',
  defaultSeverity: 'warning',
  summary: 'DROP NOT NULL lets NULLs into a column the running code assumes is never NULL',
  equivalents: { squawk: ['ban-drop-not-null'] },
});

export const preferJsonb = defineRule({
  id: 'migration/prefer-jsonb',
  defaultSeverity: 'warning',
  summary: 'Use jsonb rather than json: json has no equality operator, so SELECT DISTINCT and UNION on the table fail',
  equivalents: { strong_migrations: ['add_column_json'], eugene: ['E3'], pgfence: ['add-column-json'] },
});

// ── Tables, schemas, types ──────────────────────────────────────────────────────────────────────
export const dropTable = defineRule({
  id: 'migration/drop-table',
  defaultSeverity: 'error',
  summary: 'Dropping a table breaks the code still running during the deploy and loses its data',
  equivalents: { squawk: ['ban-drop-table'], pgfence: ['drop-table'], atlas: ['DS102'], 'django-migration-linter': ['DROP_TABLE'] },
});

export const renameTable = defineRule({
  id: 'migration/rename-table',
  defaultSeverity: 'error',
  summary: 'Renaming a table breaks the code still running during the deploy; use a view or a new table',
  equivalents: {
    squawk: ['renaming-table'],
    strong_migrations: ['rename_table'],
    pgfence: ['rename-table'],
    atlas: ['BC101'],
    'django-migration-linter': ['RENAME_TABLE'],
  },
});

export const dropSchema = defineRule({
  id: 'migration/drop-schema',
  defaultSeverity: 'error',
  summary: 'DROP SCHEMA, DROP DATABASE and DROP TYPE remove what running code and data depend on',
  equivalents: { squawk: ['ban-drop-database'], atlas: ['DS101'] },
});

export const renameSchema = defineRule({
  id: 'migration/rename-schema',
  defaultSeverity: 'error',
  summary: 'Renaming a schema breaks every query of the running code that names it',
  equivalents: { strong_migrations: ['rename_schema'] },
});

export const renameEnumValue = defineRule({
  id: 'migration/rename-enum-value',
  defaultSeverity: 'error',
  summary: 'Renaming an enum value breaks the running code that still writes the old value',
  equivalents: { strong_migrations: ['rename_enum_value'] },
});

export const enumValueOrdering = defineRule({
  id: 'migration/enum-value-ordering',
  defaultSeverity: 'info',
  summary: 'ALTER TYPE … ADD VALUE without BEFORE/AFTER appends the value, which may not be the order the code sorts by',
  equivalents: { squawk: ['require-enum-value-ordering'] },
});

export const truncateTable = defineRule({
  id: 'migration/truncate',
  defaultSeverity: 'error',
  summary: 'TRUNCATE deletes every row under ACCESS EXCLUSIVE; with CASCADE it also empties every table that references it',
  equivalents: { squawk: ['ban-truncate-cascade'], pgfence: ['truncate', 'truncate-cascade'] },
});

export const requireConcurrentDetach = defineRule({
  id: 'migration/require-concurrent-detach-partition',
  defaultSeverity: 'error',
  summary: 'DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ can detach concurrently)',
  equivalents: { squawk: ['require-concurrent-partition-detach'] },
});

export const tableRewrite = defineRule({
  id: 'migration/table-rewrite-command',
  defaultSeverity: 'error',
  summary: 'VACUUM FULL, CLUSTER, SET LOGGED/UNLOGGED and non-concurrent REFRESH MATERIALIZED VIEW rewrite under ACCESS EXCLUSIVE',
  equivalents: { squawk: ['prefer-repack'], pgfence: ['vacuum-full', 'refresh-matview-blocking', 'set-logged-unlogged'] },
});

// ── Transactions and session settings ───────────────────────────────────────────────────────────
export const requireLockTimeout = defineRule({
  id: 'migration/require-lock-timeout',
  defaultSeverity: 'warning',
  summary: 'Set lock_timeout (MySQL: lock_wait_timeout) before a statement that takes a blocking lock, so it fails fast instead of queueing traffic behind it',
  equivalents: { squawk: ['require-lock-timeout'], eugene: ['E9'], pgfence: ['missing-lock-timeout', 'lock-timeout-too-long'] },
});

export const requireStatementTimeout = defineRule({
  id: 'migration/require-statement-timeout',
  defaultSeverity: 'info',
  summary: 'Set statement_timeout before statements that scan or rewrite a table under a blocking lock',
  equivalents: { squawk: ['require-statement-timeout'], pgfence: ['missing-statement-timeout'] },
});

export const statementAfterAccessExclusive = defineRule({
  id: 'migration/statement-after-access-exclusive',
  defaultSeverity: 'warning',
  summary: 'Statements that run after an ACCESS EXCLUSIVE lock in the same transaction keep the table locked for their whole duration',
  equivalents: { eugene: ['E4'], pgfence: ['statement-after-access-exclusive'], 'django-migration-linter': ['CREATE_INDEX_EXCLUSIVE'] },
});

export const multipleAlters = defineRule({
  id: 'migration/multiple-alters',
  defaultSeverity: 'info',
  summary: 'Several ALTER TABLE statements on one table in a transaction take its lock several times; combine them into one',
  equivalents: { eugene: ['W12'] },
});

export const uncommittedTransaction = defineRule({
  id: 'migration/uncommitted-transaction',
  defaultSeverity: 'error',
  summary: 'A BEGIN without COMMIT: the migration reports success but nothing is applied',
  equivalents: { squawk: ['ban-uncommitted-transaction'] },
});

export const transactionNesting = defineRule({
  id: 'migration/transaction-nesting',
  defaultSeverity: 'warning',
  summary: 'BEGIN or COMMIT inside a migration the tool already runs in a transaction',
  equivalents: { squawk: ['transaction-nesting'] },
});

// ── Data changes ────────────────────────────────────────────────────────────────────────────────
export const dataInSchemaMigration = defineRule({
  id: 'migration/data-in-schema-migration',
  defaultSeverity: 'warning',
  summary: 'UPDATE or DELETE in a schema migration: unbatched backfills hold row locks and bloat, and one without WHERE touches every row',
  equivalents: { pgfence: ['update-in-migration', 'delete-without-where'] },
});

// ── MySQL / MariaDB online DDL ──────────────────────────────────────────────────────────────────
export const mysqlCopyAlgorithm = defineRule({
  id: 'migration/mysql-blocking-alter',
  defaultSeverity: 'error',
  summary: 'A MySQL/MariaDB ALTER that copies the table (ALGORITHM=COPY) or blocks writes (LOCK=SHARED/EXCLUSIVE)',
  equivalents: { strong_migrations: ['copy_algorithm', 'lock_option', 'add_check_constraint_mysql', 'add_foreign_key_mysql'] },
});

export const mysqlExplicitAlgorithm = defineRule({
  id: 'migration/mysql-explicit-algorithm',
  defaultSeverity: 'warning',
  summary: 'Give ALGORITHM= and LOCK= on MySQL/MariaDB ALTER TABLE so the server fails instead of silently falling back to a blocking table copy',
});

export const mysqlLockWaitTimeout = defineRule({
  id: 'migration/mysql-lock-wait-timeout',
  defaultSeverity: 'warning',
  summary: 'Set lock_wait_timeout before MySQL/MariaDB DDL: the metadata lock otherwise queues every query on the table behind a long transaction',
});

export const mysqlEnumReorder = defineRule({
  id: 'migration/mysql-enum-reorder',
  defaultSeverity: 'error',
  summary: 'Changing an ENUM or SET other than appending values copies the MySQL/MariaDB table',
  equivalents: { atlas: ['MY110', 'MY111', 'MY112', 'MY113', 'MY120', 'MY121', 'MY122', 'MY123'] },
});

// ── Type hygiene (opt-in) ───────────────────────────────────────────────────────────────────────
export const preferBigint = defineRule({
  id: 'migration/prefer-bigint',
  defaultSeverity: 'info',
  optIn: true,
  summary: 'Prefer bigint over int and smallint for new columns: widening later rewrites the table',
  equivalents: { squawk: ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'], pgfence: ['prefer-bigint-over-int'] },
});

export const preferText = defineRule({
  id: 'migration/prefer-text',
  defaultSeverity: 'info',
  optIn: true,
  summary: 'Prefer text (with a CHECK on length) over varchar(n) and char(n): changing n takes an exclusive lock',
  equivalents: { squawk: ['prefer-text-field', 'ban-char-field'], pgfence: ['prefer-text-field'] },
});

export const preferTimestamptz = defineRule({
  id: 'migration/prefer-timestamptz',
  defaultSeverity: 'info',
  optIn: true,
  summary: 'Prefer timestamptz over timestamp without time zone',
  equivalents: { squawk: ['prefer-timestamp-tz', 'prefer-timestamptz'], pgfence: ['prefer-timestamptz'] },
});

export const preferIdentity = defineRule({
  id: 'migration/prefer-identity',
  defaultSeverity: 'info',
  optIn: true,
  summary: 'Prefer GENERATED … AS IDENTITY over serial types',
  equivalents: { squawk: ['prefer-identity'] },
});

export const identifierTooLong = defineRule({
  id: 'migration/identifier-too-long',
  defaultSeverity: 'warning',
  summary: 'PostgreSQL silently truncates identifiers longer than 63 bytes',
  equivalents: { squawk: ['identifier-too-long'] },
});

// ── Meta ────────────────────────────────────────────────────────────────────────────────────────
export const syntaxError = defineRule({
  id: 'migration/syntax-error',
  defaultSeverity: 'warning',
  summary: 'Part of the migration could not be parsed (a template, another tool\'s syntax, or an error), so it was not checked',
});

export const unreadable = defineRule({
  id: 'migration/unreadable-file',
  defaultSeverity: 'warning',
  summary: 'A migration file could not be read as text (binary, not UTF-8, or over the size limit) and was not checked',
});

export const unusedSuppression = defineRule({
  id: 'migration/unused-suppression',
  defaultSeverity: 'warning',
  summary: 'A deploy-readiness-ignore (or squawk-ignore) comment that suppresses nothing',
  equivalents: { squawk: ['unused-ignore'] },
});

export const suppressionNeedsReason = defineRule({
  id: 'migration/suppression-needs-reason',
  defaultSeverity: 'warning',
  summary: 'A deploy-readiness-ignore comment without a reason is not applied',
});

export const migrationRules: Rule[] = [
  requireConcurrentIndex,
  requireConcurrentReindex,
  concurrentInTransaction,
  concurrentIndexPg14,
  constraintNotValid,
  validateInSameTransaction,
  uniqueWithoutIndex,
  exclusionConstraint,
  setNotNull,
  foreignKeyWithoutIndex,
  domainConstraint,
  addColumnRequired,
  volatileDefault,
  rewritingColumn,
  columnTypeChange,
  dropColumn,
  renameColumn,
  dropNotNull,
  preferJsonb,
  dropTable,
  renameTable,
  dropSchema,
  renameSchema,
  renameEnumValue,
  enumValueOrdering,
  truncateTable,
  requireConcurrentDetach,
  tableRewrite,
  requireLockTimeout,
  requireStatementTimeout,
  statementAfterAccessExclusive,
  multipleAlters,
  uncommittedTransaction,
  transactionNesting,
  dataInSchemaMigration,
  mysqlCopyAlgorithm,
  mysqlExplicitAlgorithm,
  mysqlLockWaitTimeout,
  mysqlEnumReorder,
  preferBigint,
  preferText,
  preferTimestamptz,
  preferIdentity,
  identifierTooLong,
  syntaxError,
  unreadable,
  unusedSuppression,
  suppressionNeedsReason,
];
