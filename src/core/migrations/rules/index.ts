/**
 * The migration rules, one module per small family under this folder: each holds the rules'
 * metadata, docs prose and examples (./define.ts), and the checks that raise them. Checks read ops
 * (../ops.ts), never SQL; they report through the context of ../context.ts. Fix builders shared by
 * several rules are in ../fixes.ts.
 *
 * Add a rule: `defineMigrationRule` in its family's module (or a new one listed here), its check in
 * the family's `…Checks`, its examples, then `node scripts/build.mjs && node scripts/gen-rule-docs.mjs`.
 */
import type { Check } from '../context';
import type { MigrationRule } from './define';
import * as indexes from './indexes';
import * as constraints from './constraints';
import * as columns from './columns';
import * as drops from './drops';
import * as renames from './renames';
import * as rewrites from './rewrites';
import * as session from './session';
import * as data from './data';
import * as mysql from './mysql';
import * as hygiene from './hygiene';
import * as meta from './meta';
import * as triggers from './triggers';

export { requireConcurrentIndex, requireConcurrentReindex, concurrentInTransaction, concurrentIndexPg14 } from './indexes';
export { constraintNotValid, validateInSameTransaction, uniqueWithoutIndex, exclusionConstraint, setNotNull, foreignKeyWithoutIndex, domainConstraint } from './constraints';
export { addColumnRequired, volatileDefault, rewritingColumn, columnTypeChange, preferJsonb } from './columns';
export { dropColumn, dropTable, dropSchema, dropNotNull, truncateTable, dropDefaultNotNull } from './drops';
export { renameColumn, renameTable, renameSchema, renameEnumValue, enumValueOrdering } from './renames';
export { requireConcurrentDetach, tableRewrite, attachPartition } from './rewrites';
export { triggerChange } from './triggers';
export { requireLockTimeout, requireStatementTimeout, statementAfterAccessExclusive, multipleAlters, uncommittedTransaction, transactionNesting, mysqlLockWaitTimeout } from './session';
export { dataInSchemaMigration } from './data';
export { mysqlCopyAlgorithm, mysqlExplicitAlgorithm, mysqlEnumReorder } from './mysql';
export { preferBigint, preferText, preferTimestamptz, preferIdentity, identifierTooLong } from './hygiene';
export { syntaxError, unreadable, unusedSuppression, suppressionNeedsReason } from './meta';
export { durationMs } from './session';
export type { MigrationRule, RuleDoc, RuleExample, Example, DialectExamples } from './define';
export { exampleOf } from './define';

/** Every migration rule the linter raises, in the order of the original catalog. */
export const migrationRules: MigrationRule[] = [
  indexes.requireConcurrentIndex,
  indexes.requireConcurrentReindex,
  indexes.concurrentInTransaction,
  indexes.concurrentIndexPg14,
  constraints.constraintNotValid,
  constraints.validateInSameTransaction,
  constraints.uniqueWithoutIndex,
  constraints.exclusionConstraint,
  constraints.setNotNull,
  constraints.foreignKeyWithoutIndex,
  constraints.domainConstraint,
  columns.addColumnRequired,
  columns.volatileDefault,
  columns.rewritingColumn,
  columns.columnTypeChange,
  drops.dropColumn,
  renames.renameColumn,
  drops.dropNotNull,
  columns.preferJsonb,
  drops.dropTable,
  renames.renameTable,
  drops.dropSchema,
  renames.renameSchema,
  renames.renameEnumValue,
  renames.enumValueOrdering,
  drops.truncateTable,
  rewrites.requireConcurrentDetach,
  rewrites.tableRewrite,
  rewrites.attachPartition,
  triggers.triggerChange,
  drops.dropDefaultNotNull,
  session.requireLockTimeout,
  session.requireStatementTimeout,
  session.statementAfterAccessExclusive,
  session.multipleAlters,
  session.uncommittedTransaction,
  session.transactionNesting,
  data.dataInSchemaMigration,
  mysql.mysqlCopyAlgorithm,
  mysql.mysqlExplicitAlgorithm,
  session.mysqlLockWaitTimeout,
  mysql.mysqlEnumReorder,
  hygiene.preferBigint,
  hygiene.preferText,
  hygiene.preferTimestamptz,
  hygiene.preferIdentity,
  hygiene.identifierTooLong,
  meta.syntaxError,
  meta.unreadable,
  meta.unusedSuppression,
  meta.suppressionNeedsReason,
];

/** Every check, in report order. */
export const CHECKS: readonly Check[] = [
  ...indexes.indexesChecks,
  ...constraints.constraintsChecks,
  ...columns.columnsChecks,
  ...drops.dropsChecks,
  ...renames.renamesChecks,
  ...rewrites.rewritesChecks,
  ...triggers.triggersChecks,
  ...session.sessionChecks,
  ...data.dataChecks,
  ...mysql.mysqlChecks,
  ...hygiene.hygieneChecks,
];
