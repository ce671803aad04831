import type { Finding } from '../model';
import { LineIndex } from '../text';
import { describeBlocks, effectOf, lockOf, lockText } from './locks';
import { PG_LOCK_MODES, tableKey, type LintOpsInput, type Lock, type MigrationOp, type SchemaState, type Suppression, type TypeRef } from './ops';
import { CHECKS, migrationRules, suppressionNeedsReason, unusedSuppression } from './rules';
import type { CheckContext, OpFacts } from './context';

interface Pending {
  finding: Finding;
  offset: number;
  stmt?: number;
  ruleIds: string[];
}

/** Peer names → our rule ids, from the rules' `equivalents`. */
const peerNames = (() => {
  const m = new Map<string, string[]>();
  for (const r of migrationRules) {
    const short = r.id.slice(r.id.indexOf('/') + 1);
    for (const k of [r.id, short]) m.set(k.toLowerCase(), [...(m.get(k.toLowerCase()) ?? []), r.id]);
    for (const names of Object.values(r.equivalents ?? {})) {
      for (const n of names ?? []) m.set(n.toLowerCase(), [...(m.get(n.toLowerCase()) ?? []), r.id]);
    }
  }
  return m;
})();

function tableOf(op: MigrationOp): string | undefined {
  return 'table' in op ? op.table : undefined;
}

/**
 * Lints a list of ops with a transaction model and settings. The single entry point of every
 * front end (SQL here; Rails, Django, Alembic, Knex, TypeORM, Sequelize elsewhere).
 */
export function lintOps(given: LintOpsInput): Finding[] {
  const input: LintOpsInput = { ...given, ops: withKnownTypes(given.ops, given.schema) };
  const index = new LineIndex(input.text);
  const facts = computeFacts(input);
  const pending: Pending[] = [];
  const newTables = new Set<string>();
  for (const f of input.ops) if (f.kind === 'create-table') newTables.add(f.table);
  const stmts = new Set(input.ops.map((o) => o.stmt));
  const notNullChecks = collectNotNullChecks(input);
  const stmtLocks = statementLocks(facts);
  const ctx: CheckContext = {
    input,
    index,
    facts,
    newTables,
    statementCount: stmts.size,
    schema: input.schema,
    hasValidatedNotNullCheck(table, column, beforeOp) {
      const local = notNullChecks.find((c) => c.table === table && c.column === column && c.validatedAt < beforeOp);
      if (local) return true;
      const t = input.schema?.tables.get(table);
      if (!t) return false;
      for (const c of t.constraints.values()) if (c.type === 'check' && c.notNullColumn === column && c.validated) return true;
      return false;
    },
    report(rule, at, init) {
      const span = init.span ?? (at ? (at.op.clause ?? at.op.span) : { start: 0, end: 0 });
      let message = init.message;
      const data: Record<string, string | number | boolean | string[]> = { ...(init.data ?? {}) };
      // Every finding on a statement carries the lock the statement holds (the strongest of its ops), so findings on one statement agree.
      const held = at ? stmtLocks.get(at.op.stmt) : undefined;
      if (held) {
        data.lock = held.mode;
        data.blocks = held.blocks;
        data.lockDuration = held.duration;
        if (held.algorithm) data.algorithm = held.algorithm;
      }
      if (at && !init.noLock) {
        if (at.lock) message += ` Takes ${lockText(at.lock)}${at.lock.on.length ? ` on ${at.lock.on.map((t) => `"${t}"`).join(', ')}` : ''}: ${describeBlocks(at.lock)}.`;
        data.classification = at.effect.change;
        data.backwardCompatible = at.effect.backwardCompatible;
        const t = tableOf(at.op);
        if (t) data.table = t;
      }
      let fixes = init.fixes;
      if (at && input.fixer) {
        const dsl = input.fixer(rule.id, at.op);
        if (dsl?.length) fixes = [...dsl, ...(fixes ?? [])];
      }
      const finding = rule.finding({ message, file: input.file, range: index.rangeOf(span.start, span.end), fixes, related: init.related, data, ...(init.severity ? { severity: init.severity } : {}) });
      pending.push({ finding, offset: span.start, stmt: at?.op.stmt, ruleIds: [rule.id] });
    },
  };
  for (const check of CHECKS) check(ctx);
  for (const e of input.extra ?? []) pending.push({ finding: e, offset: index.offsetAt(e.range.start), ruleIds: [e.ruleId] });
  return applySuppressions(input, index, pending);
}

const DURATION_RANK: Record<Lock['duration'], number> = { brief: 0, rows: 1, build: 2, scan: 3, rewrite: 4 };
const MYSQL_RANK: Record<string, number> = { 'MYSQL NONE': 0, 'MYSQL DEFAULT': 1, 'MYSQL SHARED': 2, 'MYSQL EXCLUSIVE': 3 };
const ALGORITHM_RANK: Record<string, number> = { INSTANT: 0, NOCOPY: 1, INPLACE: 2, DEFAULT: 2, COPY: 3 };

function lockRank(l: Lock): number[] {
  const mode = (PG_LOCK_MODES as readonly string[]).indexOf(l.mode);
  return [mode >= 0 ? mode : (MYSQL_RANK[l.mode] ?? 0), ALGORITHM_RANK[l.algorithm ?? 'INSTANT'] ?? 0, DURATION_RANK[l.duration]];
}

/** The lock each statement holds: the strongest of its ops' (one ALTER TABLE holds its strongest lock for every action). */
function statementLocks(facts: OpFacts[]): Map<number, Lock> {
  const out = new Map<number, Lock>();
  for (const f of facts) {
    if (!f.lock) continue;
    const cur = out.get(f.op.stmt);
    if (!cur) {
      out.set(f.op.stmt, f.lock);
      continue;
    }
    const a = lockRank(f.lock);
    const b = lockRank(cur);
    const i = a.findIndex((x, k) => x !== b[k]);
    if (i >= 0 && a[i] > b[i]) out.set(f.op.stmt, f.lock);
  }
  return out;
}

/** Fills `fromType` of type changes from earlier statements in the file or the replayed schema. */
function withKnownTypes(ops: MigrationOp[], schema: SchemaState | undefined): MigrationOp[] {
  if (!ops.some((o) => o.kind === 'alter-column-type' && !o.fromType)) return ops;
  const local = new Map<string, TypeRef | undefined>();
  const known = (t: string, c: string) => (local.has(`${t}.${c}`) ? local.get(`${t}.${c}`) : schema?.tables.get(t)?.columns.get(c)?.type);
  return ops.map((op) => {
    if (op.kind === 'create-table') for (const c of op.columns) local.set(`${op.table}.${c.name}`, c.type);
    else if (op.kind === 'add-column') local.set(`${op.table}.${op.column.name}`, op.column.type);
    else if (op.kind === 'alter-column-type') {
      const from = op.fromType ?? known(op.table, op.column);
      local.set(`${op.table}.${op.column}`, op.type);
      return from ? { ...op, fromType: from } : op;
    }
    return op;
  });
}

function collectNotNullChecks(input: LintOpsInput): { table: string; column: string; validatedAt: number }[] {
  const out: { table: string; column: string; validatedAt: number }[] = [];
  const pendingNames = new Map<string, { table: string; column: string }>();
  input.ops.forEach((op, i) => {
    if (op.kind === 'add-constraint' && op.constraint.type === 'check' && op.constraint.notNullColumn) {
      if (!op.constraint.notValid) out.push({ table: op.table, column: op.constraint.notNullColumn, validatedAt: i });
      else if (op.constraint.name) pendingNames.set(`${op.table}.${op.constraint.name}`, { table: op.table, column: op.constraint.notNullColumn });
    }
    if (op.kind === 'validate-constraint') {
      const p = pendingNames.get(`${op.table}.${op.name}`);
      const known = input.schema?.tables.get(op.table)?.constraints.get(op.name);
      if (p) out.push({ ...p, validatedAt: i });
      else if (known?.type === 'check' && known.notNullColumn) out.push({ table: op.table, column: known.notNullColumn, validatedAt: i });
    }
  });
  return out;
}

const TIMEOUT_OFF = /^(0|'0'|"0"|0ms|'0ms'|default|'default')$/i;

function computeFacts(input: LintOpsInput): OpFacts[] {
  const { tx, settings } = input;
  const out: OpFacts[] = [];
  // Tables created earlier in this file, or by an earlier file this branch adds, and still empty.
  const created = new Set<string>();
  const filled = new Set<string>();
  for (const t of input.schema?.tables.values() ?? []) {
    if (!t.newOnBranch) continue;
    created.add(t.name);
    if (t.hasRows) filled.add(t.name);
  }
  const realStmts = new Set(input.ops.filter((o) => o.kind !== 'transaction').map((o) => o.stmt));
  // Flyway runs a file whose statements all must run outside a transaction (CONCURRENTLY…) without one.
  const allConcurrent = tx.tool === 'flyway' && input.ops.some(isConcurrentOp) && input.ops.every((o) => o.kind === 'set' || o.kind === 'transaction' || isConcurrentOp(o));
  const implicit = settings.dialect === 'postgres' && tx.wrapped && !(tx.singleStatementOutside && realStmts.size <= 1) && !allConcurrent;
  // The runner's transaction: `COMMIT; … CONCURRENTLY …; BEGIN;` closes it and hands a new one back.
  let runner = implicit;
  let explicit = false;
  let txId = 0;
  let lockTimeout = !!tx.runnerSettings?.lockTimeout;
  let statementTimeout = !!tx.runnerSettings?.statementTimeout;
  const notNullChecks = collectNotNullChecks(input);
  let current = 0;
  const lockCtx = {
    settings,
    newTables: created,
    schema: input.schema,
    hasNotNullCheck: (t: string, c: string) => notNullChecks.some((x) => x.table === t && x.column === c && x.validatedAt < current) || schemaHasNotNullCheck(input.schema, t, c),
    hasImpliedPartitionCheck: (t: string) => checkedTables.has(t) || [...(input.schema?.tables.get(t)?.constraints.values() ?? [])].some((c) => c.type === 'check' && c.validated),
  };
  // Tables given a validated CHECK constraint earlier in this file.
  const checkedTables = new Set<string>();
  const notValidChecks = new Set<string>();
  input.ops.forEach((op, i) => {
    current = i;
    const runnerOpen = runner;
    if (op.kind === 'transaction') {
      if (op.action === 'begin' && !explicit && implicit && !runner) {
        runner = true;
        txId = i;
      } else if (op.action === 'begin' && !explicit) {
        explicit = true;
        if (!runner) txId = i;
      } else if ((op.action === 'commit' || op.action === 'rollback') && explicit) {
        explicit = false;
        txId = i + 1;
      } else if ((op.action === 'commit' || op.action === 'rollback') && runner) {
        runner = false;
        txId = i + 1;
      }
    }
    if (op.kind === 'set') {
      const n = op.name.toLowerCase();
      const on = !TIMEOUT_OFF.test(op.value.trim());
      if (n === 'lock_timeout' || n === 'lock_wait_timeout' || n === 'innodb_lock_wait_timeout') lockTimeout = on;
      if (n === 'statement_timeout' || n === 'max_execution_time' || n === 'max_statement_time') statementTimeout = on;
    }
    const key = 'table' in op && op.table ? tableKey(op) : undefined;
    const newTable = !!key && created.has(key);
    const lock = op.lock ?? lockOf(op, lockCtx);
    out.push({
      op,
      i,
      lock,
      effect: effectOf(op),
      inTx: settings.dialect === 'postgres' && (runner || explicit),
      implicitTx: runner && !explicit,
      runnerOpen,
      txId,
      newTable,
      newTableHasRows: newTable && filled.has(key!),
      lockTimeout,
      statementTimeout,
    });
    if (op.kind === 'add-constraint' && op.constraint.type === 'check') {
      if (op.constraint.notValid) notValidChecks.add(`${op.table}.${op.constraint.name ?? ''}`);
      else checkedTables.add(op.table);
    }
    if (op.kind === 'validate-constraint' && (notValidChecks.has(`${op.table}.${op.name}`) || input.schema?.tables.get(op.table)?.constraints.get(op.name)?.type === 'check')) checkedTables.add(op.table);
    if (op.kind === 'create-table') {
      created.add(tableKey(op));
      filled.delete(tableKey(op));
    }
    // Rows inserted into a new table: later statements on it scan or rewrite real rows.
    if (op.kind === 'dml' && key && (op.verb === 'insert' || op.verb === 'merge') && created.has(key)) filled.add(key);
  });
  return out;
}

function schemaHasNotNullCheck(schema: SchemaState | undefined, table: string, column: string): boolean {
  const t = schema?.tables.get(table);
  if (!t) return false;
  for (const c of t.constraints.values()) if (c.type === 'check' && c.notNullColumn === column && c.validated) return true;
  return false;
}

function resolveRules(names: string[]): string[] | '*' {
  if (!names.length || names.includes('*') || names.includes('all')) return '*';
  const out: string[] = [];
  for (const n of names) out.push(...(peerNames.get(n.toLowerCase()) ?? []));
  return out;
}

function applySuppressions(input: LintOpsInput, index: LineIndex, pending: Pending[]): Finding[] {
  const supps = input.suppressions ?? [];
  if (!supps.length) return pending.map((p) => p.finding);
  const used = new Set<Suppression>();
  const meta: Finding[] = [];
  const active: { s: Suppression; rules: string[] | '*' }[] = [];
  for (const s of supps) {
    if (s.from === 'deploy-readiness' && !s.reason?.trim()) {
      meta.push(
        suppressionNeedsReason.finding({
          message: `This suppression has no reason, so it is not applied: write "-- deploy-readiness-ignore ${s.rules[0] ?? '<rule>'}: <why this is safe>".`,
          file: input.file,
          range: index.rangeOf(s.span.start, s.span.end),
        }),
      );
      continue;
    }
    active.push({ s, rules: resolveRules(s.rules) });
  }
  const kept: Finding[] = [];
  for (const p of pending) {
    let hit: Suppression | undefined;
    for (const { s, rules } of active) {
      if (rules !== '*' && !p.ruleIds.some((r) => rules.includes(r))) continue;
      if (s.scope === 'statement') {
        const inStmt = s.stmt !== undefined && p.stmt !== undefined ? s.stmt === p.stmt : !!s.covers && p.offset >= s.covers.start && p.offset <= s.covers.end;
        if (!inStmt) continue;
      }
      hit = s;
      break;
    }
    if (hit) used.add(hit);
    else kept.push(p.finding);
  }
  for (const { s, rules } of active) {
    if (used.has(s)) continue;
    // A peer's acknowledgement of a check we do not have is not "unused".
    if (s.from !== 'deploy-readiness' && rules !== '*' && rules.length === 0) continue;
    if (s.from !== 'deploy-readiness' && rules === '*') continue;
    meta.push(
      unusedSuppression.finding({
        message: `This suppression of ${s.rules.join(', ') || 'every rule'} matches no finding${s.scope === 'statement' ? ' on the next statement' : ' in this file'}: remove it, or fix the rule name.`,
        file: input.file,
        range: index.rangeOf(s.span.start, s.span.end),
      }),
    );
  }
  return [...kept, ...meta];
}

function isConcurrentOp(o: MigrationOp): boolean {
  return (o.kind === 'create-index' || o.kind === 'drop-index' || o.kind === 'reindex' || o.kind === 'detach-partition' || o.kind === 'refresh-matview') && o.concurrently;
}
