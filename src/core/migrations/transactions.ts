import type { MigrationTool } from '../classify';
import type { Dialect, Span, TransactionModel } from './ops';

/**
 * Each migration tool's transaction model and its directives: what "inside a transaction" means
 * for a file, and how that file leaves the transaction (for messages and quick fixes).
 */

export interface TxOptions {
  /** Text of Flyway's per-script `V1__x.sql.conf`, when it exists. */
  flywayConf?: string;
  /** `migrations.assumeInTransaction` from the config, for tools whose runner is unknown. */
  assumeInTransaction?: boolean;
  lockTimeoutSetByRunner?: boolean;
  statementTimeoutSetByRunner?: boolean;
}

function lineSpan(text: string, re: RegExp): Span | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  return { start: m.index, end: m.index + m[0].length };
}

export function transactionModelFor(tool: MigrationTool | string, file: string, text: string, dialect: Dialect, opts: TxOptions = {}): TransactionModel {
  const runnerSettings = opts.lockTimeoutSetByRunner || opts.statementTimeoutSetByRunner ? { lockTimeout: opts.lockTimeoutSetByRunner, statementTimeout: opts.statementTimeoutSetByRunner } : undefined;
  const base = (m: TransactionModel): TransactionModel => (runnerSettings ? { ...m, runnerSettings } : m);
  if (dialect === 'mysql') return base({ tool, wrapped: false, implicitCommit: true, source: 'MySQL/MariaDB DDL commits implicitly' });
  const head = text.slice(0, 8000);
  switch (tool) {
    case 'flyway': {
      const off = opts.flywayConf && /^\s*executeInTransaction\s*=\s*false\s*$/im.test(opts.flywayConf);
      return base({
        tool,
        wrapped: !off,
        source: off ? `${baseName(file)}.conf sets executeInTransaction=false` : 'Flyway runs each migration in a transaction',
        optOut: { kind: 'side-file', file: `${file}.conf`, text: 'executeInTransaction=false\n', description: `create ${baseName(file)}.conf with executeInTransaction=false` },
      });
    }
    case 'goose': {
      const off = /^\s*--\s*\+goose\s+NO\s+TRANSACTION\b/im.test(head);
      return base({
        tool,
        wrapped: !off,
        source: off ? '-- +goose NO TRANSACTION' : 'goose runs each migration in a transaction',
        optOut: { kind: 'directive', text: '-- +goose NO TRANSACTION\n', at: 0, description: 'add -- +goose NO TRANSACTION at the top of the file' },
      });
    }
    case 'dbmate': {
      const upLine = lineSpan(head, /^[ \t]*--\s*migrate:up\b[^\n]*/im);
      const off = !!upLine && /transaction:\s*false/i.test(head.slice(upLine.start, upLine.end));
      return base({
        tool,
        wrapped: !off,
        source: off ? '-- migrate:up transaction:false' : 'dbmate runs each migration in a transaction',
        optOut: upLine
          ? { kind: 'directive', text: '-- migrate:up transaction:false', replace: upLine, description: 'change the header to -- migrate:up transaction:false' }
          : { kind: 'directive', text: '-- migrate:up transaction:false\n', at: 0, description: 'add -- migrate:up transaction:false' },
      });
    }
    case 'atlas': {
      const off = /^\s*--\s*atlas:txmode\s+none\b/im.test(head);
      return base({
        tool,
        wrapped: !off,
        source: off ? '-- atlas:txmode none' : 'Atlas runs each migration file in a transaction',
        optOut: { kind: 'directive', text: '-- atlas:txmode none\n\n', at: 0, description: 'add -- atlas:txmode none at the top of the file' },
      });
    }
    case 'sqlx': {
      const off = /^\s*--\s*no-transaction\b/i.test(text);
      return base({
        tool,
        wrapped: !off,
        source: off ? '-- no-transaction' : 'sqlx runs each migration in a transaction',
        optOut: { kind: 'directive', text: '-- no-transaction\n', at: 0, description: 'add -- no-transaction as the first line' },
      });
    }
    case 'golang-migrate':
      return base({
        tool,
        wrapped: true,
        singleStatementOutside: true,
        source: 'golang-migrate sends the file in one Exec: several statements run in one implicit transaction, a lone statement does not',
        optOut: { kind: 'split', description: 'move the statement into a migration of its own' },
      });
    case 'prisma':
      return base({
        tool,
        wrapped: true,
        singleStatementOutside: true,
        source: 'Prisma runs a multi-statement migration.sql in one transaction; a lone statement runs alone',
        optOut: { kind: 'split', description: 'move the statement into a migration of its own' },
      });
    case 'supabase':
      return base({ tool, wrapped: true, source: 'the Supabase CLI runs each migration file in a transaction', optOut: { kind: 'split', description: 'move the statement into a migration of its own and run it outside the migration transaction' } });
    case 'drizzle':
      return base({ tool, wrapped: true, source: 'drizzle-kit migrate runs pending migrations in a transaction' });
    case 'node-pg-migrate':
      return base({ tool, wrapped: true, source: 'node-pg-migrate runs each migration in a transaction', optOut: { kind: 'dsl', description: 'use a JS migration with pgm.noTransaction()' } });
    case 'liquibase':
      // Changesets carry their own transaction (see the SQL front end); the file itself is not one.
      return base({ tool, wrapped: false, source: 'Liquibase runs each changeset in a transaction unless runInTransaction:false' });
    default:
      return base({ tool, wrapped: !!opts.assumeInTransaction, source: opts.assumeInTransaction ? 'migrations.assumeInTransaction' : 'plain SQL: no runner transaction assumed' });
  }
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * A name for a new migration placed right after `file`, in the tool's own naming scheme: a
 * following version for Flyway, a timestamp one second later for timestamped tools, the next
 * sequence number for numbered ones.
 */
export function nextMigrationPath(file: string, tool: string, slug: string): string {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const base = baseName(file);
  if (tool === 'prisma') {
    // prisma/migrations/<ts>_<name>/migration.sql
    const parts = file.split('/');
    const folder = parts[parts.length - 2] ?? '';
    const m = /^(\d{14})_/.exec(folder);
    const ts = m ? bumpTimestamp(m[1]) : '00000000000000';
    return [...parts.slice(0, -2), `${ts}_${slug}`, 'migration.sql'].join('/');
  }
  let m = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/i.exec(base);
  if (m) {
    const sep = m[1].includes('_') ? '_' : '.';
    return `${dir}V${m[1]}${sep}1__${slug}.sql`;
  }
  m = /^(\d+)_(.+?)(\.up\.sql|\.sql)$/i.exec(base);
  if (m) {
    const num = m[1];
    const next = num.length >= 14 ? bumpTimestamp(num) : String(BigInt(num) + 1n).padStart(num.length, '0');
    return `${dir}${next}_${slug}${m[3]}`;
  }
  return `${dir}${base.replace(/\.sql$/i, '')}_${slug}.sql`;
}

function bumpTimestamp(ts: string): string {
  if (ts.length < 14) return String(BigInt(ts) + 1n).padStart(ts.length, '0');
  const y = +ts.slice(0, 4);
  const d = new Date(Date.UTC(y, +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14) + 1));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const out = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return out + ts.slice(14);
}

/** The down-file companion of a golang-migrate up file, if the tool uses one. */
export function downPathFor(upPath: string): string | undefined {
  return /\.up\.sql$/i.test(upPath) ? upPath.replace(/\.up\.sql$/i, '.down.sql') : undefined;
}
