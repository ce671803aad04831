import type { Finding } from '../model';
import { lintOps } from '../migrations/lint';
import type { MigrationLintSettings, MigrationOp, SchemaState, Suppression, TransactionModel } from '../migrations/ops';
import { effectOf } from '../migrations/locks';
import { syntaxError } from '../migrations/rules';
import { LineIndex } from '../text';
import { allCalls, type DslCall, type DslFile, type Framework, type Span } from './dsl';
import { DslFixer } from './fixes';
import { extractJs } from './javascript';
import { extractPython } from './python';
import { missingRollback, notAnalysed, ormDefaultNotInDatabase } from './rules';
import { extractRails } from './ruby';
import { dslToOps, type MappedOps, type SqlFrontEnd } from './toOps';

export interface DslLintInput {
  /** Workspace-relative path. */
  path: string;
  text: string;
  framework: Framework;
  settings: MigrationLintSettings;
  /** Turns embedded SQL into ops (the SQL migration linter's front end). */
  sql: SqlFrontEnd;
  /** The schema before this migration (earlier migrations of the same folder replayed). */
  schema?: SchemaState;
  /** Where the dialect came from, for messages ("config/database.yml"). */
  dialectSource?: string;
  /** Timeouts the runner already sets (strong_migrations, env.py, knexfile…). */
  runnerTimeouts?: { lockTimeout?: boolean; statementTimeout?: boolean; source?: string };
}

export interface DslLintResult {
  findings: Finding[];
  file: DslFile;
  mapped: MappedOps;
  tx: TransactionModel;
  /** A rollback exists for everything the migration does. */
  reversible: boolean;
  /** Calls that have no rollback, and why (empty when every step can be rolled back). */
  irreversible: { calls: DslCall[]; why: string };
}

export async function extract(framework: Framework, text: string, path = ''): Promise<DslFile> {
  switch (framework) {
    case 'rails':
      return extractRails(text);
    case 'django':
    case 'alembic':
      return extractPython(framework, text);
    default:
      return extractJs(framework, text, path);
  }
}

const TX_TEXT: Record<Framework, { on: string; off: string; how: string }> = {
  rails: { on: 'Rails runs each migration in a transaction', off: 'disable_ddl_transaction!', how: 'add disable_ddl_transaction! to the migration class' },
  django: { on: 'Django runs each migration in a transaction (atomic = True)', off: 'atomic = False', how: 'set atomic = False on the Migration class' },
  alembic: { on: 'Alembic runs the upgrade in a transaction', off: 'op.get_context().autocommit_block()', how: 'run it inside with op.get_context().autocommit_block():' },
  knex: { on: 'Knex runs each migration in a transaction', off: 'config = { transaction: false }', how: 'export config = { transaction: false } from the migration' },
  typeorm: { on: 'TypeORM runs migrations in a transaction (migrationsTransactionMode "all")', off: 'transaction = false', how: 'set transaction = false on the migration class' },
  sequelize: { on: 'this migration wraps its steps in sequelize.transaction()', off: 'no transaction', how: 'move the step out of sequelize.transaction()' },
};

export function transactionModel(file: DslFile, settings: MigrationLintSettings): TransactionModel {
  const t = TX_TEXT[file.framework];
  if (settings.dialect === 'mysql') return { tool: file.framework, wrapped: false, implicitCommit: true, source: 'MySQL/MariaDB DDL commits implicitly' };
  const wrapped = file.framework === 'sequelize' ? !!file.txOptIn : file.framework === 'alembic' ? !file.calls.some((c) => c.autocommit) : !file.txOptOut;
  return { tool: file.framework, wrapped, source: wrapped ? t.on : file.framework === 'sequelize' ? 'Sequelize runs migrations without a transaction' : t.off, optOut: { kind: 'dsl', description: t.how } };
}

/** Alembic with autocommit blocks: the runner's transaction made explicit around them, so ops inside run outside it. */
function alembicTransactions(mapped: MappedOps, file: DslFile): MigrationOp[] {
  if (file.framework !== 'alembic' || !file.calls.some((c) => c.autocommit)) return mapped.ops;
  const out: MigrationOp[] = [];
  let open = false;
  for (const op of mapped.ops) {
    const auto = !!mapped.origin.get(op)?.autocommit;
    const at = { start: op.span.start, end: op.span.start };
    if (!auto && !open) {
      out.push({ kind: 'transaction', action: 'begin', implicit: true, stmt: op.stmt, span: at });
      open = true;
    } else if (auto && open) {
      out.push({ kind: 'transaction', action: 'commit', implicit: true, stmt: op.stmt, span: at });
      open = false;
    }
    out.push(op);
  }
  if (open) {
    const last = out[out.length - 1];
    out.push({ kind: 'transaction', action: 'commit', implicit: true, stmt: last.stmt, span: { start: last.span.end, end: last.span.end } });
  }
  return out;
}

const IRREVERSIBLE_IN_CHANGE: Record<string, (c: DslCall) => boolean> = {
  execute: () => true,
  exec_query: () => true,
  change_column: () => true,
  remove_column: (c) => c.args.length < 3 && !c.kwargs.type,
  remove_columns: (c) => !c.kwargs.type,
  drop_table: (c) => !c.children,
  change_column_default: (c) => !c.kwargs.from && !c.kwargs.to && !(c.args[2]?.t === 'hash'),
  remove_index: (c) => !c.kwargs.column && c.args.length < 2,
  remove_foreign_key: (c) => c.args.length < 2 && !c.kwargs.to_table,
  remove_check_constraint: (c) => c.args.length < 2,
  remove_timestamps: () => false,
};

/** Calls whose rollback is missing: the whole migration's when there is no down at all. */
function irreversible(file: DslFile, mapped: MappedOps): { calls: DslCall[]; why: string } {
  const ups = file.calls.filter((c) => c.section !== 'down');
  const changing = (c: DslCall) => mapped.ops.some((op) => (mapped.origin.get(op) === c || (c.children ?? []).includes(mapped.origin.get(op)!)) && (effectOf(op).change !== 'additive' || op.kind === 'opaque'));
  switch (file.framework) {
    case 'rails': {
      if (file.sections.down) return { calls: [], why: '' };
      if (file.sections.change) {
        const calls = ups.filter((c) => c.section === 'change' && IRREVERSIBLE_IN_CHANGE[c.name]?.(c));
        return { calls, why: 'Rails cannot reverse it inside `change` (rollback raises ActiveRecord::IrreversibleMigration); add `def down` or use the reversible form' };
      }
      return { calls: ups.filter(changing), why: 'the migration has no `down` method' };
    }
    case 'django': {
      const calls = [...allCalls(file.calls)].filter((c) => (c.name === 'RunSQL' && !(c.kwargs.reverse_sql ?? c.args[1])) || (c.name === 'RunPython' && !(c.kwargs.reverse_code ?? c.args[1])));
      return { calls, why: 'Django cannot unapply it: pass reverse_sql= / reverse_code= (migrations.RunSQL.noop or migrations.RunPython.noop when nothing needs undoing)' };
    }
    case 'alembic':
      return file.sections.down ? { calls: [], why: '' } : { calls: ups.filter(changing), why: '`downgrade()` is missing or does nothing' };
    default:
      return file.sections.down ? { calls: [], why: '' } : { calls: ups.filter(changing), why: 'the migration has no `down`' };
  }
}

const SUPP = /^(?:#|\/\/|\/\*)\**\s*(deploy-readiness-ignore(?:-file)?|pgfence-ignore|squawk-ignore(?:-file)?)\b:?/i;

/** `# deploy-readiness-ignore rule: reason` (or `//`) above a DSL call; `-file` for the whole file. */
export function dslSuppressions(text: string, comments: Span[], ops: MigrationOp[], origin: MappedOps['origin']): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    const body = text.slice(c.start, c.end).trim();
    const m = SUPP.exec(body);
    if (!m) continue;
    const kw = m[1].toLowerCase();
    // The rest of the comment, without a closing `*/` (sliced, not matched: `(.*?)\s*$` backtracks).
    let rest = body.slice(m[0].length);
    if (rest.endsWith('*/')) rest = rest.slice(0, -2);
    rest = rest.trim();
    let reason: string | undefined;
    const from = kw.startsWith('deploy-readiness') ? 'deploy-readiness' : kw.startsWith('pgfence') ? 'pgfence' : 'squawk';
    const colon = rest.indexOf(':');
    if (colon >= 0) {
      reason = rest.slice(colon + 1).trim() || undefined;
      rest = rest.slice(0, colon);
    }
    const s: Suppression = { rules: rest.split(/[\s,]+/).filter(Boolean), scope: kw.endsWith('-file') ? 'file' : 'statement', span: { start: c.start, end: c.end }, from };
    if (reason) s.reason = reason;
    if (s.scope === 'statement') {
      const next = ops.find((op) => op.span.start >= c.end);
      if (next) {
        s.stmt = next.stmt;
        const call = origin.get(next);
        s.covers = call ? { start: call.span.start, end: call.span.end } : next.span;
      }
    }
    out.push(s);
  }
  return out;
}

/**
 * Lints one framework migration: extract DSL calls with tree-sitter, map them to the SQL linter's
 * operations (embedded SQL through its SQL front end), lint them with the framework's transaction
 * model and DSL quick fixes, then the framework-only checks.
 */
export async function lintDslMigration(input: DslLintInput): Promise<DslLintResult> {
  const { path, text, framework, settings } = input;
  const index = new LineIndex(text);
  const file = await extract(framework, text, path);
  const mapped = await dslToOps(file, path, settings.dialect, input.sql, input.schema);
  const tx = transactionModel(file, settings);
  const rt = input.runnerTimeouts;
  if (rt && (rt.lockTimeout || rt.statementTimeout)) tx.runnerSettings = { lockTimeout: rt.lockTimeout, statementTimeout: rt.statementTimeout };
  const parents = new Map<DslCall, DslCall>();
  for (const c of allCalls(file.calls)) for (const ch of c.children ?? []) parents.set(ch, c);
  const fixer = new DslFixer({ path, text, file, origin: mapped.origin, embedded: mapped.embedded, parents });
  const extra: Finding[] = [];
  const lang = framework === 'rails' ? 'Ruby' : framework === 'django' || framework === 'alembic' ? 'Python' : /\.ts$/.test(path) ? 'TypeScript' : 'JavaScript';
  for (const e of file.errors.slice(0, 5)) {
    extra.push(syntaxError.finding({ message: `The ${lang} of this migration does not parse here. What parsed was still checked; the rest was not.`, file: path, range: index.rangeOf(e.start, Math.max(e.end, e.start + 1)) }));
  }
  for (const e of mapped.sqlErrors) {
    extra.push(syntaxError.finding({ message: `The SQL in this string does not parse: ${e.message}. The other statements were still checked.`, file: path, range: index.rangeOf(e.span.start, e.span.end) }));
  }
  for (const u of mapped.unresolved) {
    extra.push(notAnalysed.finding({ message: `Not analysed: ${u.what} cannot be resolved without running the code. Review it by hand, or write the step with literal arguments.`, file: path, range: index.rangeOf(u.span.start, u.span.end) }));
  }
  if (file.unread) {
    extra.push(
      notAnalysed.finding({
        severity: 'warning',
        message: `Not analysed: none of the statements in the up() of ${path} could be read as migration operations (queryRunner.query, queryRunner.addColumn, …), so nothing in this migration was checked. Review it by hand, or call the query runner directly.`,
        file: path,
        range: index.rangeOf(file.unread.start, Math.min(file.unread.end, file.unread.start + 1)),
      }),
    );
  }
  for (const d of mapped.ormDefaults) {
    const how =
      d.how === 'django'
        ? 'Django applies `default=` in Python and drops the DEFAULT from the database after the migration'
        : d.how === 'django-blank'
          ? "Django fills the existing rows with '' (blank=True, no default) and drops that DEFAULT from the database after the migration"
          : d.how === 'django-auto_now'
            ? 'Django fills the existing rows with the current time (auto_now) and drops that DEFAULT from the database after the migration'
            : 'SQLAlchemy `default=` is applied by the ORM, not by the database';
    extra.push(
      ormDefaultNotInDatabase.finding({
        message: `"${d.column}" on "${d.table}" is NOT NULL but its default lives only in the ORM: ${how}, so INSERTs from code still running without this field fail during the deploy.`,
        file: path,
        range: index.rangeOf(d.span.start, d.span.end),
        fixes: d.how === 'django-auto_now' ? undefined : fixer.ormDefaultFix(d.call, d.span, d.how === 'django-blank' ? '""' : undefined),
        data: { table: d.table, column: d.column, backwardCompatible: false },
      }),
    );
  }
  const irr = irreversible(file, mapped);
  for (const c of irr.calls) {
    extra.push(missingRollback.finding({ message: `No rollback for \`${c.name}\`: ${irr.why}. The rollback plan cannot undo this step.`, file: path, range: index.rangeOf(c.span.start, c.nameSpan.end > c.span.start ? c.nameSpan.end : c.span.end), data: { rollback: false } }));
  }
  const ops = alembicTransactions(mapped, file);
  const suppressions = dslSuppressions(text, file.comments, mapped.ops, mapped.origin);
  let findings = lintOps({ file: path, text, ops, tx, settings, sql: false, extra, suppressions, ...(input.schema ? { schema: input.schema } : {}), fixer: (ruleId, op) => fixer.fixes(ruleId, op) });
  findings = acknowledge(findings, file, index);
  if (input.dialectSource) for (const f of findings) if (f.data) f.data.dialectFrom = input.dialectSource;
  return { findings, file, mapped, tx, irreversible: irr, reversible: irr.calls.length === 0 && (!!file.sections.down || framework === 'django' || (framework === 'rails' && !!file.sections.change)) };
}

/** strong_migrations `safety_assured { }` and Django `IgnoreMigration()`: reported as info, with the reason. */
function acknowledge(findings: Finding[], file: DslFile, index: LineIndex): Finding[] {
  const acked: { span: Span; by: string; reason?: string }[] = [];
  for (const c of allCalls(file.calls)) if (c.acknowledged) acked.push({ span: c.span, ...c.acknowledged });
  if (!acked.length) return findings;
  return findings.map((f) => {
    if (f.ruleId === 'migration/syntax-error' || f.ruleId === 'migration/not-analysed') return f;
    const o = index.offsetAt(f.range.start);
    const a = acked.find((x) => o >= x.span.start && o <= x.span.end);
    if (!a) return f;
    return { ...f, severity: 'info', message: `${f.message} Acknowledged with ${a.by}${a.reason ? `: ${a.reason}` : ' (no reason given)'}.`, data: { ...(f.data ?? {}), acknowledged: a.by, ...(a.reason ? { reason: a.reason } : {}) } };
  });
}
