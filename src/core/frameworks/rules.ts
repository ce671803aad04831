import { defineRule } from '../rule';

/**
 * Rules only framework migrations have. Everything else a DSL call can do wrong is reported by the
 * SQL migration rules (src/core/migrations/rules/), through the same operations.
 */
export const ormDefaultNotInDatabase = defineRule({
  id: 'migration/orm-default-not-in-database',
  defaultSeverity: 'warning',
  summary: 'A NOT NULL column whose default lives only in the ORM (Django default=, SQLAlchemy default=): code still running without the field fails to insert',
  equivalents: { 'django-migration-linter': ['NOT_NULL'] },
});

export const missingRollback = defineRule({
  id: 'migration/missing-rollback',
  defaultSeverity: 'warning',
  summary: 'A migration that changes or removes data has no down/downgrade/reverse step, so it cannot be rolled back',
  equivalents: { 'django-migration-linter': ['RUNPYTHON_REVERSIBLE', 'RUNSQL_REVERSIBLE'], strong_migrations: ['check_down'] },
});

export const notAnalysed = defineRule({
  id: 'migration/not-analysed',
  defaultSeverity: 'info',
  summary: 'Part of a framework migration cannot be resolved statically (a loop, a helper defined elsewhere, SQL built at run time) and was not checked',
  equivalents: { strong_migrations: ['execute', 'change_table'] },
});

export const frameworkRules = [ormDefaultNotInDatabase, missingRollback, notAnalysed];
