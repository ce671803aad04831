/** About the migration file itself: parse failures, unreadable files, suppressions. */
import { defineMigrationRule } from './define';

export const syntaxError = defineMigrationRule({
  id: 'migration/syntax-error',
  defaultSeverity: 'warning',
  summary: 'Part of the migration could not be parsed (a template, another tool\'s syntax, or an error), so it was not checked',
  doc: {
    dialect: 'PostgreSQL, MySQL, MariaDB',
    lock: 'none: the statement was not read',
    what: 'Statements the real grammar (libpg-query for PostgreSQL, node-sql-parser for MySQL/MariaDB) rejects, after template placeholders are replaced: Go text/template and pop/fizz `{{ … }}`, Jinja `{{ … }}`, `{% … %}` and `{# … #}`, Flyway `${name}`, psql `:name`, `:\'name\'` and `:"name"`, and the placeholders declared in `migrations.placeholders`. One warning per file, at the first position the parser stopped.',
    why: 'What does not parse is not checked. It is a warning, not an error: the grammar may lag the server, or the file may be rendered by a tool before it runs, so it is not claimed that the migration fails. The statements that parsed are still checked.',
    fix: 'Fix the SQL. For a template syntax we do not know, declare it: `migrations: { placeholders: ["__SCHEMA__", "@@…@@"] }` (a literal token, or open…close delimiters). For MySQL syntax the parser does not know, set `migrations.dialect` or ignore with a reason.',
  },
  examples: {
    postgres: {
      flagged: ['CREAT TABLE t (id int);'],
      safe: ['CREATE TABLE t (id int);', 'CREATE TABLE {{ .Schema }}.t (id int);', ''],
    },
    mysql: {
      flagged: ['ALTER TABLE `users` ADD COLUMN (;'],
      safe: ['CREATE TABLE `t` (id int) ENGINE=InnoDB;'],
    },
  },
});

export const unreadable = defineMigrationRule({
  id: 'migration/unreadable-file',
  defaultSeverity: 'warning',
  summary: 'A migration file could not be read as text (binary, not UTF-8, or over the size limit) and was not checked',
  doc: {
    dialect: 'all',
    lock: 'none',
    what: 'A migration that is binary, not UTF-8, or larger than `maxFileSize`.',
    why: 'It was not checked; the finding says why so nothing is skipped silently.',
    fix: 'Convert it to UTF-8 or raise `maxFileSize`.',
  },
  examples: {
    postgres: {
      flagged: [{ engine: true, sql: 'CREATE TABLE t (id int);\u0000\u0001', shown: '(a binary file named V3__x.sql)' }],
      safe: [{ engine: true, sql: 'CREATE TABLE t (id int);', shown: '(a UTF-8 text file)' }],
    },
  },
});

export const unusedSuppression = defineMigrationRule({
  id: 'migration/unused-suppression',
  defaultSeverity: 'warning',
  summary: 'A deploy-readiness-ignore (or squawk-ignore) comment that suppresses nothing',
  equivalents: { squawk: ['unused-ignore'] },
  doc: {
    dialect: 'all',
    lock: 'none',
    what: 'A `-- deploy-readiness-ignore <rule>: <reason>` comment (statement or file level) or a `-- squawk-ignore` comment naming a check that matches no finding.',
    why: 'Stale suppressions hide the next real problem and misspelled rule names suppress nothing.',
    fix: 'Remove the comment or correct the rule name.',
  },
  examples: {
    postgres: {
      flagged: ['-- deploy-readiness-ignore drop-table: legacy\nALTER TABLE t ADD COLUMN a int;'],
      safe: ['(remove it)'],
    },
  },
});

export const suppressionNeedsReason = defineMigrationRule({
  id: 'migration/suppression-needs-reason',
  defaultSeverity: 'warning',
  summary: 'A deploy-readiness-ignore comment without a reason is not applied',
  doc: {
    dialect: 'all',
    lock: 'none',
    what: 'A `-- deploy-readiness-ignore` comment with no reason after the rule name.',
    why: 'An acknowledgement without a reason is not an acknowledgement: reviewers need to know why it is safe. The suppression is not applied.',
    fix: 'Add `: <why this is safe>`.',
  },
  examples: {
    postgres: {
      flagged: ['-- deploy-readiness-ignore drop-table'],
      safe: ['-- deploy-readiness-ignore drop-table: table unused since release 41'],
    },
  },
});
