import type { TypeRef } from './ops';

/**
 * ALTER COLUMN … TYPE changes PostgreSQL makes without rewriting the table, as data.
 *
 * PostgreSQL skips the rewrite when the cast is binary coercible (a `WITHOUT FUNCTION` cast: only
 * a relabel) or when the length-coercion function's support function proves the new modifier
 * accepts every old value (varchar, numeric, bit varying, the datetime types). Everything else
 * rewrites the table and its indexes under ACCESS EXCLUSIVE. Each row names its example, and
 * test/unit/migrations/typechange.db.test.ts runs every example on a real server and compares
 * `pg_relation_filenode` before and after.
 */

export type TypeChangeVerdict =
  /** No rewrite, no scan: a catalogue change (indexes on the column may still be rebuilt). */
  | 'safe'
  /** No rewrite only when the session TimeZone is UTC (PostgreSQL 12+). */
  | 'safe-if-utc'
  /** Rewrites the table (or scans it to check every value). */
  | 'rewrite';

export interface TypeChangeRow {
  from: string;
  to: string;
  /** When the modifiers matter: `wider` = every modifier of `to` accepts every value of `from`. */
  when: 'any' | 'wider' | 'unbounded';
  verdict: TypeChangeVerdict;
  /** First PostgreSQL major where this holds. */
  since: number;
  why: string;
  /** A column type and the new type, for the real-server test. */
  example: [string, string];
}

/** Same-type modifier changes and binary-coercible casts; anything not listed rewrites. */
export const PG_TYPE_CHANGES: readonly TypeChangeRow[] = [
  { from: 'varchar', to: 'varchar', when: 'wider', verdict: 'safe', since: 9.2, why: 'a longer (or no) limit accepts every value', example: ['varchar(10)', 'varchar(20)'] },
  { from: 'varchar', to: 'varchar', when: 'unbounded', verdict: 'safe', since: 9.2, why: 'no limit accepts every value', example: ['varchar(10)', 'varchar'] },
  { from: 'varchar', to: 'text', when: 'any', verdict: 'safe', since: 9.2, why: 'varchar to text is binary coercible', example: ['varchar(10)', 'text'] },
  { from: 'text', to: 'varchar', when: 'unbounded', verdict: 'safe', since: 9.2, why: 'text to unbounded varchar is binary coercible', example: ['text', 'varchar'] },
  { from: 'text', to: 'citext', when: 'any', verdict: 'safe', since: 9.2, why: 'citext declares text → citext WITHOUT FUNCTION (indexes on the column are rebuilt)', example: ['text', 'citext'] },
  { from: 'citext', to: 'text', when: 'any', verdict: 'safe', since: 9.2, why: 'citext declares citext → text WITHOUT FUNCTION (indexes on the column are rebuilt)', example: ['citext', 'text'] },
  { from: 'varchar', to: 'citext', when: 'any', verdict: 'safe', since: 9.2, why: 'citext declares varchar → citext WITHOUT FUNCTION', example: ['varchar(10)', 'citext'] },
  { from: 'citext', to: 'varchar', when: 'unbounded', verdict: 'safe', since: 9.2, why: 'citext declares citext → varchar WITHOUT FUNCTION', example: ['citext', 'varchar'] },
  { from: 'numeric', to: 'numeric', when: 'wider', verdict: 'safe', since: 9.2, why: 'a larger precision with the same scale accepts every value', example: ['numeric(10,2)', 'numeric(12,2)'] },
  { from: 'numeric', to: 'numeric', when: 'unbounded', verdict: 'safe', since: 9.2, why: 'unconstrained numeric accepts every value', example: ['numeric(10,2)', 'numeric'] },
  { from: 'varbit', to: 'varbit', when: 'wider', verdict: 'safe', since: 9.2, why: 'a longer bit varying accepts every value', example: ['varbit(8)', 'varbit(16)'] },
  { from: 'timestamp', to: 'timestamp', when: 'wider', verdict: 'safe', since: 9.2, why: 'a higher fractional precision keeps every value', example: ['timestamp(3)', 'timestamp(6)'] },
  { from: 'timestamptz', to: 'timestamptz', when: 'wider', verdict: 'safe', since: 9.2, why: 'a higher fractional precision keeps every value', example: ['timestamptz(3)', 'timestamptz'] },
  { from: 'time', to: 'time', when: 'wider', verdict: 'safe', since: 9.2, why: 'a higher fractional precision keeps every value', example: ['time(3)', 'time(6)'] },
  { from: 'timetz', to: 'timetz', when: 'wider', verdict: 'safe', since: 9.2, why: 'a higher fractional precision keeps every value', example: ['timetz(3)', 'timetz(6)'] },
  { from: 'interval', to: 'interval', when: 'wider', verdict: 'safe', since: 9.2, why: 'a higher fractional precision keeps every value', example: ['interval(3)', 'interval(6)'] },
  { from: 'cidr', to: 'inet', when: 'any', verdict: 'safe', since: 9.2, why: 'cidr to inet is binary coercible', example: ['cidr', 'inet'] },
  { from: 'timestamp', to: 'timestamptz', when: 'any', verdict: 'safe-if-utc', since: 12, why: 'the values are the same instants only when the session TimeZone is UTC', example: ['timestamp', 'timestamptz'] },
  { from: 'timestamptz', to: 'timestamp', when: 'any', verdict: 'safe-if-utc', since: 12, why: 'the values are the same instants only when the session TimeZone is UTC', example: ['timestamptz', 'timestamp'] },
];

/** Changes that rewrite, listed so the real-server test proves them too (the default is "rewrite"). */
export const PG_REWRITE_EXAMPLES: readonly [string, string][] = [
  ['varchar(20)', 'varchar(10)'],
  ['text', 'varchar(10)'],
  ['numeric(12,2)', 'numeric(10,2)'],
  ['numeric(10,2)', 'numeric(12,4)'],
  ['timestamp(6)', 'timestamp(3)'],
  ['time(6)', 'time(3)'],
  ['inet', 'cidr'],
  ['int4', 'int8'],
  ['char(10)', 'char(20)'],
  ['char(10)', 'text'],
  ['varchar(10)', 'int4'],
];

/** Modifier that limits the values: the length or precision; `undefined` when unlimited. */
function limit(t: TypeRef): number | undefined {
  if (t.name === 'interval') return t.args.length >= 2 ? t.args[1] : undefined;
  return t.args.length ? t.args[0] : undefined;
}

function wider(from: TypeRef, to: TypeRef): boolean {
  if (to.name === 'numeric') {
    if (!to.args.length) return true;
    if (!from.args.length) return false;
    return (to.args[1] ?? 0) === (from.args[1] ?? 0) && to.args[0] >= from.args[0];
  }
  if (to.name === 'interval' && to.args.length && from.args.length && to.args[0] !== from.args[0]) return false;
  const t = limit(to);
  if (t === undefined) return true;
  const f = limit(from);
  return f !== undefined && t >= f;
}

/** What PostgreSQL `pgVersion` does for ALTER COLUMN … TYPE `to` on a column of type `from`. */
export function classifyPgTypeChange(from: TypeRef | undefined, to: TypeRef, pgVersion: number): { verdict: TypeChangeVerdict; row?: TypeChangeRow } {
  if (!from || from.array !== to.array) return { verdict: 'rewrite' };
  for (const row of PG_TYPE_CHANGES) {
    if (row.from !== from.name || row.to !== to.name || pgVersion < row.since) continue;
    if (row.when === 'unbounded' && limit(to) !== undefined) continue;
    if (row.when === 'wider' && !wider(from, to)) continue;
    return { verdict: row.verdict, row };
  }
  // The same type written again with the same modifiers changes nothing.
  if (from.name === to.name && from.args.join(',') === to.args.join(',')) return { verdict: 'safe' };
  return { verdict: 'rewrite' };
}
