import type { MigrationTool } from '../classify';
import type { Finding } from '../model';
import { LineIndex } from '../text';
import { lex, type Tok } from './lexer';
import { lintOps } from './lint';
import type { Dialect, MigrationLintSettings, MigrationOp, SchemaState, Span, Suppression, TransactionModel } from './ops';
import { PgFront } from './pgfront';
import { parsePostgres, type PgModule } from './postgres';
import { syntaxError } from './rules';
import { transactionModelFor, type TxOptions } from './transactions';
import { mysqlOps } from './myfront';
import { detemplate, restorePlaceholders, type Substitution } from './templates';

/**
 * The SQL front end of a migration file: the tool's sections and directives, suppression comments,
 * the dialect, then the statements as ops for `lintOps`.
 */

export interface SqlFileOptions {
  file: string;
  tool: MigrationTool | string;
  /** Forced by config; otherwise inferred from the SQL. */
  dialect?: Dialect;
  settings: Omit<MigrationLintSettings, 'dialect'>;
  tx?: TxOptions;
  /** Schema before this file, from the replay of earlier migrations. */
  schema?: SchemaState;
  /** Indexes later migrations of the same sequence create. */
  laterIndexes?: { table: string; columns: string[] }[];
  /** Opt-in rules enabled in the config. */
  optIn?: string[];
  direction?: 'up' | 'down';
  /** Placeholders the config declares (`migrations.placeholders`), on top of the known template syntaxes. */
  placeholders?: readonly string[];
  /** `sqlOps` as the caller wants it run (the engine passes one through its per-file memo). */
  parse?: typeof sqlOps;
}

export interface SqlFileResult {
  findings: Finding[];
  ops: MigrationOp[];
  dialect: Dialect;
  tx: TransactionModel;
  /** Statement spans in file order (index = op.stmt). */
  statements: Span[];
}

/** Blanks everything but the "up" part of tools that keep up and down in one file (offsets kept). */
export function upSection(text: string, tool: string): string {
  let down: RegExp | undefined;
  let up: RegExp | undefined;
  if (tool === 'goose') {
    up = /^[ \t]*--\s*\+goose\s+Up\b.*$/im;
    down = /^[ \t]*--\s*\+goose\s+Down\b.*$/im;
  } else if (tool === 'dbmate') {
    up = /^[ \t]*--\s*migrate:up\b.*$/im;
    down = /^[ \t]*--\s*migrate:down\b.*$/im;
  } else if (tool === 'node-pg-migrate') {
    up = /^[ \t]*--\s*Up\s+Migration\b.*$/im;
    down = /^[ \t]*--\s*Down\s+Migration\b.*$/im;
  }
  if (!down) return text;
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  const d = down.exec(text);
  const u = up?.exec(text);
  let out = text;
  if (d && (!u || d.index > u.index)) out = out.slice(0, d.index) + blank(out.slice(d.index));
  else if (d && u && d.index < u.index) out = blank(out.slice(0, u.index)) + out.slice(u.index);
  return out;
}

/** The down part of a goose/dbmate/node-pg-migrate file, or undefined when it has none. */
export function downSection(text: string, tool: string): string | undefined {
  const dirs: Record<string, [RegExp, RegExp]> = {
    goose: [/^[ \t]*--\s*\+goose\s+Up\b.*$/im, /^[ \t]*--\s*\+goose\s+Down\b.*$/im],
    dbmate: [/^[ \t]*--\s*migrate:up\b.*$/im, /^[ \t]*--\s*migrate:down\b.*$/im],
    'node-pg-migrate': [/^[ \t]*--\s*Up\s+Migration\b.*$/im, /^[ \t]*--\s*Down\s+Migration\b.*$/im],
  };
  const pair = dirs[tool];
  const d = pair?.[1].exec(text);
  if (!pair || !d) return undefined;
  const from = d.index + d[0].length;
  const u = pair[0].exec(text.slice(from));
  return u ? text.slice(from, from + u.index) : text.slice(from);
}

const MYSQL_WORDS = new Set(['ENGINE', 'AUTO_INCREMENT', 'UNSIGNED', 'MODIFY', 'ALGORITHM', 'TINYINT', 'MEDIUMTEXT', 'LONGTEXT', 'DATETIME', 'CHARSET']);

/** Dialect from the SQL itself: backticks, `#` comments, ENGINE=, AUTO_INCREMENT, MODIFY… */
export function inferDialect(text: string, toks?: Tok[]): Dialect {
  const ts = toks ?? lex(text);
  let score = 0;
  for (const t of ts) {
    if (t.kind === 'op' && text[t.start] === '`') score += 2;
    else if (t.kind === 'word' && t.end - t.start <= 14 && MYSQL_WORDS.has(text.slice(t.start, t.end).toUpperCase())) score++;
    else if (t.kind === 'dollar' || (t.kind === 'word' && /^(CONCURRENTLY|JSONB|TIMESTAMPTZ|BIGSERIAL|PLPGSQL)$/i.test(text.slice(t.start, t.end)))) score -= 2;
    if (score >= 2) return 'mysql';
  }
  return 'postgres';
}

const SUPP = /^--\s*(deploy-readiness-ignore(?:-file)?|squawk-ignore(?:-file)?|pgfence-ignore|pgfence:\s*ignore|eugene:\s*ignore|atlas:nolint)\b(.*)$/i;

/** Suppression comments: ours (reason required), and peers' acknowledgements. */
export function suppressionsOf(text: string, comments: Tok[], statements: Span[]): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    const raw = text.slice(c.start, c.end);
    const m = SUPP.exec(raw.trim());
    if (!m) continue;
    const kw = m[1].toLowerCase().replace(/\s+/g, ' ');
    let rest = m[2].trim();
    let reason: string | undefined;
    let from = 'deploy-readiness';
    if (kw.startsWith('deploy-readiness')) {
      const colon = rest.indexOf(':');
      if (colon >= 0) {
        reason = rest.slice(colon + 1).trim() || undefined;
        rest = rest.slice(0, colon);
      }
    } else {
      from = kw.startsWith('squawk') ? 'squawk' : kw.startsWith('pgfence') ? 'pgfence' : kw.startsWith('eugene') ? 'eugene' : 'atlas';
      rest = rest.replace(/^:/, '');
    }
    const rules = rest
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const fileScope = kw.endsWith('-file');
    const s: Suppression = { rules, scope: fileScope ? 'file' : 'statement', span: { start: c.start, end: c.end }, from };
    if (reason) s.reason = reason;
    if (!fileScope) {
      const next = statements.findIndex((st) => st.start >= c.end);
      if (next >= 0) {
        s.stmt = next;
        s.covers = statements[next];
      }
    }
    out.push(s);
  }
  return out;
}

/** Liquibase formatted SQL: each `--changeset` runs in its own transaction unless runInTransaction:false. */
function liquibaseTransactions(text: string, comments: Tok[], ops: MigrationOp[]): MigrationOp[] {
  const sets = comments
    .map((c) => ({ c, t: text.slice(c.start, c.end).trim() }))
    .map(({ c, t }) => ({ c, t, m: /^--\s*changeset\s+\S+/i.exec(t) }))
    .filter((x) => x.m)
    .map((x) => ({ at: x.c.start, tx: !/runInTransaction:\s*false/i.test(x.t.slice(x.m![0].length)) }));
  if (!sets.length) return ops;
  const out: MigrationOp[] = [];
  let open = false;
  let si = 0;
  for (const op of ops) {
    while (si < sets.length && sets[si].at < op.span.start) {
      const zero = { start: sets[si].at, end: sets[si].at };
      if (open) out.push({ kind: 'transaction', action: 'commit', implicit: true, stmt: op.stmt, span: zero });
      open = sets[si].tx;
      if (open) out.push({ kind: 'transaction', action: 'begin', implicit: true, stmt: op.stmt, span: zero });
      si++;
    }
    out.push(op);
  }
  if (open) out.push({ kind: 'transaction', action: 'commit', implicit: true, stmt: ops.length ? ops[ops.length - 1].stmt : 0, span: { start: text.length, end: text.length } });
  return out;
}

/** Parses one SQL migration into ops (no linting). */
export function sqlOps(
  pg: PgModule,
  source: string,
  dialect: Dialect,
  mariadb = false,
  placeholders: readonly string[] = [],
): { ops: MigrationOp[]; statements: Span[]; errors: { message: string; offset: number }[]; subs: Substitution[] } {
  // Templated SQL: placeholders become same-length identifiers, so offsets need no mapping.
  const { text, subs } = detemplate(source, placeholders);
  if (dialect === 'mysql') return { ...mysqlOps(text, mariadb), subs };
  const parsed = parsePostgres(pg, text);
  const front = new PgFront(text);
  const ops: MigrationOp[] = [];
  const statements: Span[] = [];
  parsed.statements.forEach((s, i) => {
    statements.push({ start: s.start, end: s.end });
    ops.push(...front.ops(s, i));
  });
  return { ops, statements, errors: parsed.errors, subs };
}

/** Lints one SQL migration's text. Pure: text + path + settings in, findings out. */
/** Cheap pre-checks: most files have no suppression comment and no MySQL-only syntax. */
const COMMENT_HINT = /ignore|nolint|changeset/i;
const MYSQL_HINT = /[`#]|\b(ENGINE|AUTO_INCREMENT|UNSIGNED|MODIFY|ALGORITHM|TINYINT|MEDIUMTEXT|LONGTEXT|DATETIME|CHARSET)\b/i;

export function lintSqlFile(pg: PgModule, text: string, o: SqlFileOptions): SqlFileResult {
  const body = upSection(text, o.tool);
  const needComments = COMMENT_HINT.test(body);
  const needDialect = !o.dialect && MYSQL_HINT.test(body);
  const toks = needComments || needDialect ? lex(body, 0, body.length, o.dialect === 'mysql') : [];
  const dialect = o.dialect ?? (needDialect ? inferDialect(body, toks) : 'postgres');
  const comments = needComments ? toks.filter((t) => t.kind === 'comment') : [];
  const settings: MigrationLintSettings = { ...o.settings, dialect };
  const { ops: rawOps, statements, errors, subs } = (o.parse ?? sqlOps)(pg, body, dialect, settings.mariadb, o.placeholders);
  const extra = errors.length ? [unparsed(text, body, o.file, dialect, errors, subs.length > 0)] : [];
  const tx = transactionModelFor(o.tool, o.file, text, dialect, o.tx);
  if (o.direction === 'down') return { findings: extra, ops: rawOps, dialect, tx, statements };
  const ops = o.tool === 'liquibase' ? liquibaseTransactions(body, comments, rawOps) : rawOps;
  const suppressions = suppressionsOf(body, comments, statements);
  const findings = lintOps({ file: o.file, text, ops, tx, settings, sql: true, suppressions, schema: o.schema, laterIndexes: o.laterIndexes, optIn: o.optIn, extra });
  return { findings: subs.length ? findings.map((f) => withPlaceholders(f, subs)) : findings, ops, dialect, tx, statements };
}

/**
 * What the parser could not read, as ONE warning at the first position: the grammar of this
 * library may lag the server, or the file may be a template of a kind we do not know, so it is not
 * claimed that the migration fails.
 */
function unparsed(text: string, body: string, file: string, dialect: Dialect, errors: { message: string; offset: number }[], templated: boolean): Finding {
  const index = new LineIndex(text);
  const first = errors.reduce((a, b) => (b.offset < a.offset ? b : a));
  const word = /^[^\s;]*/.exec(body.slice(first.offset, first.offset + 200))![0];
  const pos = index.positionAt(first.offset);
  const more = errors.length > 1 ? ` (${errors.length - 1} more statement${errors.length > 2 ? 's' : ''} could not be read either)` : '';
  const what = dialect === 'mysql' ? 'MySQL' : 'PostgreSQL';
  return syntaxError.finding({
    message:
      `The ${what} parser could not read this file at line ${pos.line + 1}, column ${pos.character + 1}: ${first.message}${more}. ` +
      `${templated ? 'Template placeholders were replaced before parsing; ' : ''}if this is a template or another tool's syntax, declare its placeholders in migrations.placeholders. ` +
      'The statements that parsed were still checked; review the rest by hand.',
    file,
    range: index.rangeOf(first.offset, Math.min(body.length, first.offset + Math.max(1, word.length))),
    data: { line: pos.line + 1, column: pos.character + 1, statementsNotRead: errors.length },
  });
}

/** Findings name the placeholders as written, not their stand-ins. */
function withPlaceholders(f: Finding, subs: Substitution[]): Finding {
  const r = (s: string) => restorePlaceholders(s, subs);
  return {
    ...f,
    message: r(f.message),
    data: f.data && Object.fromEntries(Object.entries(f.data).map(([k, v]) => [k, typeof v === 'string' ? r(v) : v])),
    fixes: f.fixes?.map((x) => ({ ...x, title: r(x.title), edits: x.edits.map((e) => ({ ...e, newText: r(e.newText) })) })),
  };
}
