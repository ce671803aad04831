import { defineRule, type Rule, type RuleInit } from '../../rule';
import type { Dialect } from '../ops';

/**
 * A migration rule's module declares, next to its check: the metadata (`defineRule`), the prose of
 * its docs page, and examples that test/unit/migrations/examples.test.ts runs (every `flagged`
 * example must raise the rule, no `safe` one may, and every fix's output is linted again).
 * docs/rules/migration/<name>.md is generated from all of it by scripts/gen-rule-docs.mjs.
 */

/** Prose of the docs page; Markdown. */
export interface RuleDoc {
  /** The databases (and versions) it applies to, e.g. "PostgreSQL 14+". */
  dialect: string;
  /** The lock the statements it flags take. */
  lock: string;
  what: string;
  /** Why it matters during a rolling deploy. */
  why: string;
  fix: string;
  /** Not backward-compatible with the code still running, whatever the lock. */
  compat?: boolean;
}

/** One example migration: SQL, or SQL with the settings it needs. */
export interface RuleExample {
  sql: string;
  /** The migration tool (default: plain SQL, no transaction of the runner's). */
  tool?: string;
  /** The file name (default db/migrations/002_example.sql). */
  file?: string;
  postgresVersion?: number;
  mysqlVersion?: string;
  /** An earlier migration replayed into the schema first: the tables, types and enums that already exist. */
  before?: string;
  /** The example is run through the whole engine on a folder holding only this file (rules about the file, not its SQL). */
  engine?: boolean;
  /** Shown on the docs page instead of `sql` when the example cannot be shown as text (a binary file…). */
  shown?: string;
}

export type Example = string | RuleExample;

export interface DialectExamples {
  /** Each raises the rule. */
  flagged: Example[];
  /** None raises the rule. */
  safe: Example[];
}

export interface MigrationRule extends Rule {
  doc: RuleDoc;
  examples: Partial<Record<Dialect, DialectExamples>>;
  /** Rules the output of this rule's fix may still raise, on purpose (e.g. the next step of a pattern it starts). */
  fixMayRaise?: string[];
}

export function defineMigrationRule(init: RuleInit & { doc: RuleDoc; examples: Partial<Record<Dialect, DialectExamples>>; fixMayRaise?: string[] }): MigrationRule {
  const { doc, examples, fixMayRaise, ...meta } = init;
  return { ...defineRule(meta), doc, examples, ...(fixMayRaise ? { fixMayRaise } : {}) };
}

export function exampleOf(e: Example): RuleExample {
  return typeof e === 'string' ? { sql: e } : e;
}
