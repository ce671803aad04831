import { createHash } from 'node:crypto';
import type { Fix, TextEdit } from '../model';
import type { MigrationOp } from '../migrations/ops';
import { eolOf, LineIndex } from '../text';
import type { DslCall, DslFile, Span, StaticString } from './dsl';

/**
 * Quick fixes written the way each framework writes the safe pattern: Rails
 * `algorithm: :concurrently` + `disable_ddl_transaction!`, Django `AddIndexConcurrently` +
 * `atomic = False`, Alembic `postgresql_concurrently=True` inside `autocommit_block()`, Sequelize
 * `concurrently: true`, Knex/TypeORM raw SQL with the transaction turned off; follow-up
 * migrations get the framework's naming (timestamps, Django numbering and `dependencies`,
 * Alembic `down_revision`).
 */
export interface FixContext {
  path: string;
  text: string;
  file: DslFile;
  origin: Map<MigrationOp, DslCall>;
  embedded: Map<MigrationOp, StaticString>;
  parents: Map<DslCall, DslCall>;
}

const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export class DslFixer {
  private readonly index: LineIndex;
  private readonly eol: string;
  constructor(private readonly ctx: FixContext) {
    this.index = new LineIndex(ctx.text);
    this.eol = eolOf(ctx.text);
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { file: this.ctx.path, range: this.index.rangeOf(start, end), newText: newText.replace(/\n/g, this.eol) };
  }

  private newFile(path: string, text: string): TextEdit {
    return { file: path, range: zero, newText: text.replace(/\n/g, this.eol), create: true };
  }

  private lineStart(o: number): number {
    return this.ctx.text.lastIndexOf('\n', o - 1) + 1;
  }

  private lineEndWithBreak(o: number): number {
    const i = this.ctx.text.indexOf('\n', o);
    return i < 0 ? this.ctx.text.length : i + 1;
  }

  private indentAt(o: number): string {
    return /^[ \t]*/.exec(this.ctx.text.slice(this.lineStart(o)))![0];
  }

  /** Appends a keyword argument to a call: before `)` when parenthesised, else after the last argument. */
  private appendArg(c: DslCall, frag: string): TextEdit | undefined {
    if (!c.argsSpan) return undefined;
    const closes = this.ctx.text[c.argsSpan.end - 1] === ')';
    let at = closes ? c.argsSpan.end - 1 : c.argsSpan.end;
    // Keep a trailing comma / newline layout: insert right after the last non-space character.
    while (at > c.argsSpan.start && /[\s,]/.test(this.ctx.text[at - 1])) at--;
    return this.edit(at, at, `, ${frag}`);
  }

  /** Replaces a keyword argument's value, or appends the argument. */
  private setKwarg(c: DslCall, key: string, value: string, sep: string): TextEdit | undefined {
    const v = c.kwargs[key];
    if (v) return this.edit(v.span.start, v.span.end, value);
    return this.appendArg(c, `${key}${sep}${value}`);
  }

  // ── transaction opt-outs ────────────────────────────────────────────

  /** The framework's way out of the migration's transaction, as edits (empty when already out). */
  txOptOut(): { edits: TextEdit[]; description: string } | undefined {
    const f = this.ctx.file;
    if (f.txOptOut) return { edits: [], description: '' };
    const ins = f.classBodyInsert;
    switch (f.framework) {
      case 'rails':
        if (!ins) return undefined;
        return { edits: [this.edit(ins.offset, ins.offset, `${ins.indent}disable_ddl_transaction!\n\n`)], description: 'disable_ddl_transaction!' };
      case 'django': {
        if (f.meta.atomic) return { edits: [this.edit(f.meta.atomic.span.start, f.meta.atomic.span.end, 'atomic = False')], description: 'atomic = False' };
        if (!ins) return undefined;
        return { edits: [this.edit(ins.offset, ins.offset, `${ins.indent}atomic = False\n\n`)], description: 'atomic = False' };
      }
      case 'knex': {
        const esm = /^\s*export\s/m.test(this.ctx.text) || /\.ts$/.test(this.ctx.path);
        const end = this.ctx.text.length;
        const nl = this.ctx.text.endsWith('\n') ? '' : '\n';
        return { edits: [this.edit(end, end, `${nl}\n${esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };'}\n`)], description: 'config = { transaction: false }' };
      }
      case 'typeorm':
        if (!ins) return undefined;
        return { edits: [this.edit(ins.offset, ins.offset, `${ins.indent}transaction = false;\n\n`)], description: 'transaction = false' };
      default:
        return undefined;
    }
  }

  /** Alembic: wraps the call's statement in `with op.get_context().autocommit_block():`. */
  private autocommit(c: DslCall, extraKwarg?: string): TextEdit | undefined {
    if (c.autocommit) return extraKwarg ? this.appendArg(c, extraKwarg) : undefined;
    const start = this.lineStart(c.span.start);
    const end = this.lineEndWithBreak(c.span.end - 1);
    const indent = this.indentAt(c.span.start);
    let body = this.ctx.text.slice(start, end);
    if (extraKwarg && c.argsSpan) {
      let at = c.argsSpan.end - 1 - start;
      while (at > 0 && /[\s,]/.test(body[at - 1])) at--;
      body = body.slice(0, at) + `, ${extraKwarg}` + body.slice(at);
    }
    const indented = body.replace(/^(?=.)/gm, '    ');
    return this.edit(start, end, `${indent}with op.get_context().autocommit_block():\n${indented}${body.endsWith('\n') ? '' : '\n'}`);
  }

  // ── fix builders per rule ───────────────────────────────────────────

  fixes(ruleId: string, op: MigrationOp): Fix[] | undefined {
    const c = this.ctx.origin.get(op);
    if (!c) return undefined;
    const s = this.ctx.embedded.get(op);
    if (s) return this.embeddedFix(ruleId, op, c);
    switch (ruleId) {
      case 'migration/require-concurrent-index':
        return this.concurrentIndex(op, c);
      case 'migration/concurrent-in-transaction':
        return this.leaveTx(c);
      case 'migration/constraint-not-valid':
        return op.kind === 'add-constraint' ? this.notValid(op, c) : undefined;
      case 'migration/set-not-null':
        return op.kind === 'set-not-null' ? this.notNullViaCheck(op, c) : undefined;
      case 'migration/add-column-required':
        return this.nullableFirst(c);
      case 'migration/drop-column':
      case 'migration/drop-table':
        return this.stateOnly(c);
      case 'migration/mysql-explicit-algorithm':
        return this.railsAlgorithm(c);
      default:
        return undefined;
    }
  }

  private embeddedFix(ruleId: string, op: MigrationOp, c: DslCall): Fix[] | undefined {
    if (ruleId === 'migration/require-concurrent-index' && (op.kind === 'create-index' || op.kind === 'drop-index')) {
      const at = op.anchors?.concurrently;
      if (at === undefined) return undefined;
      const ins = this.edit(at, at, ' CONCURRENTLY');
      return this.withTxOptOut(c, [ins], op.kind === 'create-index' ? 'Create the index CONCURRENTLY' : 'Drop the index CONCURRENTLY');
    }
    if (ruleId === 'migration/concurrent-in-transaction') return this.leaveTx(c);
    return undefined;
  }

  private withTxOptOut(c: DslCall, edits: TextEdit[], title: string): Fix[] | undefined {
    const f = this.ctx.file;
    if (f.framework === 'alembic') {
      // The argument edit and the wrap touch the same lines: build the wrap around the edited text.
      if (c.autocommit) return [{ title, isPreferred: true, edits }];
      const start = this.lineStart(c.span.start);
      const end = this.lineEndWithBreak(c.span.end - 1);
      const inner = edits.filter((e) => e.file === this.ctx.path);
      let body = this.ctx.text.slice(start, end);
      for (const e of [...inner].sort((a, b) => this.index.offsetAt(b.range.start) - this.index.offsetAt(a.range.start))) {
        const a = this.index.offsetAt(e.range.start) - start;
        const b = this.index.offsetAt(e.range.end) - start;
        body = body.slice(0, a) + e.newText + body.slice(b);
      }
      const indent = this.indentAt(c.span.start);
      return [{ title: `${title} inside op.get_context().autocommit_block()`, isPreferred: true, edits: [this.edit(start, end, `${indent}with op.get_context().autocommit_block():\n${body.replace(/^(?=.)/gm, '    ')}${body.endsWith('\n') ? '' : '\n'}`)] }];
    }
    if (f.framework === 'sequelize') return [{ title, isPreferred: true, edits }];
    const out = this.txOptOut();
    if (!out) return undefined;
    return [{ title: out.description ? `${title} and set ${out.description}` : title, isPreferred: true, edits: [...edits, ...out.edits] }];
  }

  private leaveTx(c: DslCall): Fix[] | undefined {
    if (this.ctx.file.framework === 'alembic') {
      const e = this.autocommit(c);
      return e ? [{ title: 'Run it inside op.get_context().autocommit_block()', isPreferred: true, edits: [e] }] : undefined;
    }
    const out = this.txOptOut();
    if (!out || !out.edits.length) return undefined;
    return [{ title: `Run this migration outside a transaction (${out.description})`, isPreferred: true, edits: out.edits }];
  }

  private concurrentIndex(op: MigrationOp, c: DslCall): Fix[] | undefined {
    const fw = this.ctx.file.framework;
    const create = op.kind === 'create-index';
    const title = create ? 'Create the index concurrently' : 'Drop the index concurrently';
    if (fw === 'rails') {
      if (c.name === 'add_index' || c.name === 'remove_index') {
        const e = this.setKwarg(c, 'algorithm', ':concurrently', ': ');
        return e ? this.withTxOptOut(c, [e], `${title} (algorithm: :concurrently)`) : undefined;
      }
      if ((c.name === 'add_reference' || c.name === 'add_belongs_to') && create) {
        const idx = c.kwargs.index;
        const e = idx?.t === 'hash' ? this.appendInto(idx.span, 'algorithm: :concurrently', ': ') : this.setKwarg(c, 'index', '{ algorithm: :concurrently }', ': ');
        return e ? this.withTxOptOut(c, [e], `${title} (index: { algorithm: :concurrently })`) : undefined;
      }
      return undefined;
    }
    if (fw === 'django' && (c.name === 'AddIndex' || c.name === 'RemoveIndex')) {
      const name = `${c.name}Concurrently`;
      const edits = [this.edit(c.span.start, c.nameSpan.end, name), ...this.djangoImport(name)];
      return this.withTxOptOut(c, edits, `Use ${name}`);
    }
    if (fw === 'alembic' && (c.name === 'create_index' || c.name === 'drop_index')) {
      const e = this.autocommit(c, 'postgresql_concurrently=True');
      return e ? [{ title: `${title} (postgresql_concurrently=True inside autocommit_block())`, isPreferred: true, edits: [e] }] : undefined;
    }
    if (fw === 'sequelize' && (c.name === 'addIndex' || c.name === 'removeIndex')) {
      const opts = c.args.find((a, i) => i >= 1 && a.t === 'hash');
      const e = opts ? this.appendInto(opts.span, 'concurrently: true', ': ') : this.appendArg(c, '{ concurrently: true }');
      return e ? this.withTxOptOut(c, [e], `${title} (concurrently: true)`) : undefined;
    }
    if (fw === 'knex' && create && c.name === 'index' && op.kind === 'create-index') {
      const parent = this.ctx.parents.get(c);
      if (!parent) return undefined;
      const name = op.name ?? `${op.table}_${op.columns.join('_')}_index`;
      const stmtStart = this.lineStart(c.span.start);
      const stmtEnd = this.lineEndWithBreak(c.span.end);
      const parentEnd = this.lineEndWithBreak(parent.span.end);
      const indent = this.indentAt(parent.span.start);
      const sql = `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" ON "${op.table}" (${op.columns.map((x) => `"${x}"`).join(', ')})`;
      const kn = (parent.receiver ?? 'knex').replace(/\.schema$/, '');
      const edits = [this.edit(stmtStart, stmtEnd, ''), this.edit(parentEnd, parentEnd, `${indent}await ${kn}.raw('${sql}');\n`)];
      return this.withTxOptOut(c, edits, 'Create the index CONCURRENTLY with knex.raw');
    }
    return undefined;
  }

  /** Adds `key: value` inside an object/hash literal span `{ … }`. */
  private appendInto(span: Span, frag: string, _sep: string): TextEdit | undefined {
    const t = this.ctx.text;
    let at = span.end - 1;
    if (t[at] !== '}') return undefined;
    let p = at;
    while (p > span.start && /\s/.test(t[p - 1])) p--;
    const empty = t[p - 1] === '{';
    at = p;
    if (t[at - 1] === ',') return this.edit(at, at, ` ${frag}`);
    return this.edit(at, at, empty ? ` ${frag} ` : `, ${frag}`);
  }

  private djangoImport(name: string): TextEdit[] {
    if (new RegExp(`\\b${name}\\b`).test(this.ctx.text.replace(/#.*$/gm, '')) && /django\.contrib\.postgres\.operations/.test(this.ctx.text)) return [];
    const m = /^from django\.contrib\.postgres\.operations import ([^\n(]+)$/m.exec(this.ctx.text);
    if (m) {
      const end = m.index + m[0].length;
      return [this.edit(end, end, `, ${name}`)];
    }
    const imports = [...this.ctx.text.matchAll(/^(from|import)\s[^\n]*\n/gm)];
    const at = imports.length ? imports[imports.length - 1].index! + imports[imports.length - 1][0].length : 0;
    return [this.edit(at, at, `from django.contrib.postgres.operations import ${name}\n`)];
  }

  private notValid(op: Extract<MigrationOp, { kind: 'add-constraint' }>, c: DslCall): Fix[] | undefined {
    const fw = this.ctx.file.framework;
    const con = op.constraint;
    if (fw === 'rails') {
      if (c.name === 'add_foreign_key') {
        const e = this.setKwarg(c, 'validate', 'false', ': ');
        const to = con.references?.table ?? '';
        const body = `validate_foreign_key :${op.table}, :${to}${c.kwargs.column ? `, column: :${con.columns[0]}` : ''}${con.name ? `, name: "${con.name}"` : ''}`;
        const next = this.railsNext(`validate_${op.table}_${to}_foreign_key`, body, true);
        return e ? [{ title: `Add the foreign key with validate: false and validate it in ${base(next.path)}`, isPreferred: true, edits: [e, next.edit] }] : undefined;
      }
      if (c.name === 'add_check_constraint') {
        const name = con.name ?? `${op.table}_${con.columns[0] ?? 'check'}_check`.slice(0, 63);
        const edits = [this.setKwarg(c, 'validate', 'false', ': ')!];
        if (!con.name) edits.push(this.appendArg(c, `name: "${name}"`)!);
        const next = this.railsNext(`validate_${name}`, `validate_check_constraint :${op.table}, name: "${name}"`, true);
        return edits.every(Boolean) ? [{ title: `Add the check with validate: false and validate it in ${base(next.path)}`, isPreferred: true, edits: [...edits, next.edit] }] : undefined;
      }
      if ((c.name === 'add_reference' || c.name === 'add_belongs_to') && con.type === 'foreign-key') {
        const fk = c.kwargs.foreign_key;
        const e = fk?.t === 'hash' ? this.appendInto(fk.span, 'validate: false', ': ') : fk ? this.edit(fk.span.start, fk.span.end, '{ validate: false }') : undefined;
        const next = this.railsNext(`validate_${op.table}_${con.columns[0]}_foreign_key`, `validate_foreign_key :${op.table}, column: :${con.columns[0]}`, true);
        return e ? [{ title: `Add the foreign key with validate: false and validate it in ${base(next.path)}`, isPreferred: true, edits: [e, next.edit] }] : undefined;
      }
      return undefined;
    }
    if (fw === 'django' && c.name === 'AddConstraint' && con.type === 'check' && con.name) {
      const model = c.kwargs.model_name ?? c.args[0];
      const modelName = model && (model.t === 'str' || model.t === 'sym') ? model.value : undefined;
      if (!modelName) return undefined;
      const edits = [this.edit(c.span.start, c.nameSpan.end, 'AddConstraintNotValid'), ...this.djangoImport('AddConstraintNotValid')];
      const next = this.djangoNext(`validate_${con.name}`, `ValidateConstraint(model_name="${modelName}", name="${con.name}")`, ['ValidateConstraint']);
      if (!next) return undefined;
      return [{ title: `Use AddConstraintNotValid and ValidateConstraint in ${base(next.path)}`, isPreferred: true, edits: [...edits, next.edit] }];
    }
    if (fw === 'alembic' && (c.name === 'create_foreign_key' || c.name === 'create_check_constraint') && con.name) {
      const e = this.setKwarg(c, 'postgresql_not_valid', 'True', '=');
      const next = this.alembicNext(`validate_${con.name}`, [`op.execute('ALTER TABLE "${op.table}" VALIDATE CONSTRAINT "${con.name}"')`]);
      return e && next ? [{ title: `Add it with postgresql_not_valid=True and validate it in ${base(next.path)}`, isPreferred: true, edits: [e, next.edit] }] : undefined;
    }
    return undefined;
  }

  private notNullViaCheck(op: Extract<MigrationOp, { kind: 'set-not-null' }>, c: DslCall): Fix[] | undefined {
    const fw = this.ctx.file.framework;
    const name = `${op.table}_${op.column}_not_null`.slice(0, 63);
    if (fw === 'rails' && c.name === 'change_column_null') {
      const indent = this.indentAt(c.span.start);
      const replace = this.edit(c.span.start, c.span.end, `add_check_constraint :${op.table}, "${op.column} IS NOT NULL", name: "${name}", validate: false`);
      const next = this.railsNext(`validate_${op.table}_${op.column}_not_null`, [`validate_check_constraint :${op.table}, name: "${name}"`, `change_column_null :${op.table}, :${op.column}, false`, `remove_check_constraint :${op.table}, name: "${name}"`].join(`\n${indent}`), true, true);
      return [{ title: `Add a NOT VALID check now; validate it and set NOT NULL in ${base(next.path)}`, isPreferred: true, edits: [replace, next.edit] }];
    }
    if (fw === 'alembic' && c.name === 'alter_column' && Object.keys(c.kwargs).every((k) => ['nullable', 'existing_type', 'existing_nullable', 'existing_server_default', 'schema'].includes(k))) {
      const replace = this.edit(c.span.start, c.span.end, `op.create_check_constraint("${name}", "${op.table}", "${op.column} IS NOT NULL", postgresql_not_valid=True)`);
      const next = this.alembicNext(`${op.table}_${op.column}_not_null`, [
        `op.execute('ALTER TABLE "${op.table}" VALIDATE CONSTRAINT "${name}"')`,
        `op.alter_column("${op.table}", "${op.column}", nullable=False)`,
        `op.drop_constraint("${name}", "${op.table}", type_="check")`,
      ]);
      return next ? [{ title: `Add a NOT VALID check now; validate it and set NOT NULL in ${base(next.path)}`, isPreferred: true, edits: [replace, next.edit] }] : undefined;
    }
    return undefined;
  }

  /** Rails on MySQL: `algorithm: :inplace, lock: :none` makes the server fail rather than copy the table. */
  private railsAlgorithm(c: DslCall): Fix[] | undefined {
    if (this.ctx.file.framework !== 'rails' || (c.name !== 'add_index' && c.name !== 'remove_index')) return undefined;
    const edits = [this.setKwarg(c, 'algorithm', ':inplace', ': ')];
    if (!c.kwargs.lock) edits.push(this.appendArg(c, 'lock: :none'));
    if (!c.kwargs.algorithm && edits[0] && edits[1]) {
      // Both appended at the same place: one edit keeps their order.
      const e = this.appendArg(c, 'algorithm: :inplace, lock: :none');
      return e ? [{ title: 'Ask for algorithm: :inplace, lock: :none (fails instead of copying the table)', isPreferred: true, edits: [e] }] : undefined;
    }
    const ok = edits.filter((e): e is TextEdit => !!e);
    return ok.length ? [{ title: 'Ask for algorithm: :inplace, lock: :none (fails instead of copying the table)', isPreferred: true, edits: ok }] : undefined;
  }

  /**
   * Django expand-contract: remove the field (or model) from Django's state now, so the new code
   * stops using it, and leave the column in the database to be dropped in a later release.
   */
  private stateOnly(c: DslCall): Fix[] | undefined {
    if (this.ctx.file.framework !== 'django' || (c.name !== 'RemoveField' && c.name !== 'DeleteModel') || this.ctx.parents.get(c)) return undefined;
    const indent = this.indentAt(c.span.start);
    const orig = this.ctx.text.slice(c.span.start, c.span.end);
    const prefix = /^migrations\./.test(orig) || /\bmigrations\.Migration\b/.test(this.ctx.text) ? 'migrations.' : '';
    const text = `${prefix}SeparateDatabaseAndState(\n${indent}    state_operations=[${orig}],\n${indent}    # Drop it from the database in a later release, once no running code uses it.\n${indent}    database_operations=[],\n${indent})`;
    return [{ title: `Remove it from Django's state only; drop it from the database in a later release`, isPreferred: true, edits: [this.edit(c.span.start, c.span.end, text)] }];
  }

  private nullableFirst(c: DslCall): Fix[] | undefined {
    const fw = this.ctx.file.framework;
    if (fw === 'rails' && c.name === 'add_column') {
      const v = c.kwargs.null;
      return v ? [{ title: 'Add the column as nullable first (null: true); set NOT NULL after a backfill', isPreferred: true, edits: [this.edit(v.span.start, v.span.end, 'true')] }] : undefined;
    }
    if (fw === 'django' && c.name === 'AddField') {
      const f = c.kwargs.field ?? c.args[2];
      if (f?.t !== 'call') return undefined;
      const e = f.kwargs.null ? this.edit(f.kwargs.null.span.start, f.kwargs.null.span.end, 'True') : this.appendArg({ ...c, argsSpan: { start: f.span.start, end: f.span.end } }, 'null=True');
      return e ? [{ title: 'Add the field with null=True first; make it NOT NULL after a backfill', isPreferred: true, edits: [e] }] : undefined;
    }
    return undefined;
  }

  /** Django `default=` → also `db_default=` (Django 5), SQLAlchemy `default=` → also `server_default=`. */
  /** `literal`: the default's text when the span is not the value itself (Django's implicit '' for blank=True). */
  ormDefaultFix(c: DslCall, valueSpan: Span, literal?: string): Fix[] | undefined {
    const fw = this.ctx.file.framework;
    const valueText = literal ?? this.ctx.text.slice(valueSpan.start, valueSpan.end);
    const at = valueSpan.end;
    if (fw === 'django') {
      if (/^(lambda\b|[A-Za-z_][\w.]*$)/.test(valueText) && !/^(True|False|None)$/.test(valueText)) return undefined; // a callable: no database equivalent
      return [{ title: `Also set db_default=${valueText} so the database has the default (Django 5.0+)`, isPreferred: true, edits: [this.edit(at, at, `, db_default=${valueText}`)] }];
    }
    if (fw === 'alembic') {
      const lit = /^(True|False)$/.test(valueText) ? `sa.text("${valueText.toLowerCase()}")` : /^-?\d+(\.\d+)?$/.test(valueText) ? `"${valueText}"` : /^["']/.test(valueText) ? valueText : undefined;
      if (!lit) return undefined;
      return [{ title: `Also set server_default=${lit} so the database has the default`, isPreferred: true, edits: [this.edit(at, at, `, server_default=${lit}`)] }];
    }
    return undefined;
  }

  // ── follow-up migrations in each framework's naming ─────────────────

  private railsNext(slug: string, body: string, outsideTx: boolean, upDown = false): { path: string; edit: TextEdit } {
    const dir = this.ctx.path.slice(0, this.ctx.path.lastIndexOf('/') + 1);
    const baseName = this.ctx.path.slice(dir.length);
    const m = /^(\d{14})_/.exec(baseName);
    const ts = m ? bumpTimestamp(m[1]) : '00000000000001';
    const cleanSlug = slug.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 80);
    const path = `${dir}${ts}_${cleanSlug}.rb`;
    const version = /ActiveRecord::Migration\[([\d.]+)\]/.exec(this.ctx.text)?.[1];
    const cls = cleanSlug.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    const lines = [`class ${cls} < ActiveRecord::Migration${version ? `[${version}]` : ''}`];
    if (outsideTx && upDown) lines.push('  disable_ddl_transaction!', '');
    if (upDown) lines.push('  def up', `    ${body}`, '  end', '', '  def down', '    raise ActiveRecord::IrreversibleMigration', '  end');
    else lines.push('  def change', `    ${body}`, '  end');
    lines.push('end', '');
    return { path, edit: this.newFile(path, lines.join('\n')) };
  }

  private djangoNext(slug: string, operation: string, imports: string[]): { path: string; edit: TextEdit } | undefined {
    const dir = this.ctx.path.slice(0, this.ctx.path.lastIndexOf('/') + 1);
    const baseName = this.ctx.path.slice(dir.length).replace(/\.py$/, '');
    const m = /^(\d{4})_/.exec(baseName);
    if (!m) return undefined;
    const parts = this.ctx.path.split('/');
    const app = parts[parts.lastIndexOf('migrations') - 1] ?? 'app';
    const num = String(Number(m[1]) + 1).padStart(4, '0');
    const path = `${dir}${num}_${slug.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 60)}.py`;
    const text = [
      'from django.db import migrations',
      `from django.contrib.postgres.operations import ${imports.join(', ')}`,
      '',
      '',
      'class Migration(migrations.Migration):',
      `    dependencies = [("${app}", "${baseName}")]`,
      '',
      '    operations = [',
      `        ${operation},`,
      '    ]',
      '',
    ].join('\n');
    return { path, edit: this.newFile(path, text) };
  }

  private alembicNext(slug: string, upgrade: string[]): { path: string; edit: TextEdit } | undefined {
    const prev = this.ctx.file.meta.revision;
    if (!prev) return undefined;
    const dir = this.ctx.path.slice(0, this.ctx.path.lastIndexOf('/') + 1);
    const rev = createHash('sha1').update(`${this.ctx.path}\n${slug}`).digest('hex').slice(0, 12);
    const cleanSlug = slug.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 60);
    const path = `${dir}${rev}_${cleanSlug}.py`;
    const text = [
      `"""${slug.replace(/_/g, ' ')}`,
      '',
      `Revision ID: ${rev}`,
      `Revises: ${prev}`,
      '"""',
      'from alembic import op',
      '',
      `revision = "${rev}"`,
      `down_revision = "${prev}"`,
      'branch_labels = None',
      'depends_on = None',
      '',
      '',
      'def upgrade():',
      ...upgrade.map((l) => `    ${l}`),
      '',
      '',
      'def downgrade():',
      '    pass',
      '',
    ].join('\n');
    return { path, edit: this.newFile(path, text) };
  }
}

function base(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function bumpTimestamp(ts: string): string {
  const d = new Date(Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14) + 1));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
