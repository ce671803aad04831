import { defineRule } from '../rule';

/**
 * Migration rules. Each declares the peer tools' names for the same check.
 * Add new rules here and to `migrationRules`; the catalog, `rules` command and docs follow.
 */
export const requireConcurrentIndex = defineRule({
  id: 'migration/require-concurrent-index',
  defaultSeverity: 'error',
  summary: 'Create and drop indexes CONCURRENTLY so writes to the table are not blocked while the index builds',
  equivalents: {
    squawk: ['require-concurrent-index-creation', 'require-concurrent-index-deletion'],
    strong_migrations: ['add_index', 'remove_index'],
    eugene: ['E6', 'E7'],
    pgfence: ['create-index-not-concurrent', 'drop-index-not-concurrent'],
  },
});

export const syntaxError = defineRule({
  id: 'migration/syntax-error',
  defaultSeverity: 'error',
  summary: 'The migration does not parse; it will fail when it runs',
});

export const unreadable = defineRule({
  id: 'migration/unreadable-file',
  defaultSeverity: 'warning',
  summary: 'A migration file could not be read as text (binary, not UTF-8, or over the size limit) and was not checked',
});

export const migrationRules = [requireConcurrentIndex, syntaxError, unreadable];
