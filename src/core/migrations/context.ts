/**
 * The types checks and fixes share with the linter (./lint.ts): what is known about each op and the
 * context a check reports through. Kept apart so that lint → checks → fixes never imports back.
 */
import type { Finding, Fix, Location, Severity } from '../model';
import type { Rule } from '../rule';
import type { LineIndex } from '../text';
import type { Effect } from './locks';
import type { LintOpsInput, Lock, MigrationOp, SchemaState, Span } from './ops';

/** What the linter knows about one op: its place in the transaction, the session settings in effect… */
export interface OpFacts {
  op: MigrationOp;
  /** Position in `ops`. */
  i: number;
  lock?: Lock;
  effect: Effect;
  /** Runs inside a transaction (explicit BEGIN, or the runner's own). */
  inTx: boolean;
  /** The transaction is the runner's (implicit), not a BEGIN in the file. */
  implicitTx: boolean;
  /** The runner's own transaction was open when this op started (before a BEGIN or COMMIT of the file's takes effect). */
  runnerOpen: boolean;
  /** Index (in ops) of the first op of the transaction this op runs in. */
  txId: number;
  /** The op's table was created earlier in this file (or by an earlier file this branch adds). */
  newTable: boolean;
  /** …and rows were inserted into it since: no lock matters (no running code uses it), but NOT NULL without a default fails. */
  newTableHasRows: boolean;
  lockTimeout: boolean;
  statementTimeout: boolean;
}

export interface CheckContext {
  input: LintOpsInput;
  index: LineIndex;
  facts: OpFacts[];
  /** Tables created in this file (lower-case names as in ops). */
  newTables: Set<string>;
  /** Number of distinct statements in the file (transaction control included). */
  statementCount: number;
  schema?: SchemaState;
  /** Report a finding on an op (or a span when `op` is undefined). */
  report(rule: Rule, at: OpFacts | undefined, init: ReportInit): void;
  /** A validated CHECK (col IS NOT NULL) exists before op i (same file earlier, or in the replayed schema). */
  hasValidatedNotNullCheck(table: string, column: string, beforeOp: number): boolean;
}

export interface ReportInit {
  message: string;
  span?: Span;
  fixes?: Fix[];
  related?: Location[];
  /** Leave out the lock sentence (rules about the file, not a statement). */
  noLock?: boolean;
  data?: Finding['data'];
  /** Below the rule's default when the check is not sure (the rule's configured severity still wins). */
  severity?: Severity;
}

/** A check: reads ops and their facts and reports through `ctx.report`, which appends the lock taken and what it blocks. */
export type Check = (ctx: CheckContext) => void;
