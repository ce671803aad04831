/**
 * Framework migrations (Rails, Django, Alembic, Knex, TypeORM, Sequelize): the public surface.
 * The extension's hover provider calls `describeDslCall`; the engine runs `frameworkAnalyzer`.
 */
export { describeDslCall, sqlOf, type DslCallDescription, type DescribeInput } from './describe';
export { lintDslMigration, extract, transactionModel, type DslLintInput, type DslLintResult } from './lint';
export { frameworkAnalyzer, settingsFor } from './analyzer';
export { frameworkFromContent, detectDialect, isFramework } from './detect';
export { parseOnly } from './parse';
export { grammarFor } from './javascript';
export { sqlFrontEnd } from './sqlFront';
export { frameworkRules } from './rules';
export { FRAMEWORKS, type Framework, type DslFile, type DslCall } from './dsl';
export { commentPrefixFor } from './comments';
