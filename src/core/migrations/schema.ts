import { tableKey, type MigrationOp, type SchemaState, type TableState } from './ops';

/**
 * A static schema model: migrations replayed in order, without a database. It knows the tables,
 * their columns and types, constraints with their validity, indexes and enum values, so rules can
 * tell an existing column's type, a validated CHECK (col IS NOT NULL), or an FK's supporting index.
 */

export function emptySchema(): SchemaState {
  return { tables: new Map(), enums: new Map() };
}

export function cloneSchema(s: SchemaState): SchemaState {
  const tables = new Map<string, TableState>();
  for (const [k, t] of s.tables) tables.set(k, { ...t, columns: new Map(t.columns), constraints: new Map(t.constraints), indexes: new Map(t.indexes) });
  return { tables, enums: new Map(s.enums), ...(s.separated ? { separated: new Map(s.separated) } : {}) };
}

function table(s: SchemaState, name: string, file?: string): TableState {
  let t = s.tables.get(name);
  if (!t) {
    t = { name, columns: new Map(), constraints: new Map(), indexes: new Map(), ...(file ? { createdIn: file } : {}) };
    s.tables.set(name, t);
  }
  return t;
}

/** Applies ops (one migration) to the schema, in place. */
export function applyOps(s: SchemaState, ops: readonly MigrationOp[], file?: string): void {
  for (const op of ops) {
    switch (op.kind) {
      case 'create-table': {
        if (s.tables.has(tableKey(op)) && op.ifNotExists) break;
        s.tables.delete(tableKey(op));
        const t = table(s, tableKey(op), file);
        for (const c of op.columns) {
          t.columns.set(c.name, { type: c.type, notNull: c.notNull, hasDefault: !!c.default || !!c.serial || !!c.generated });
          if (c.primaryKey) t.indexes.set(`${tableKey(op)}_pkey`, { columns: [c.name], unique: true });
          else if (c.unique) t.indexes.set(`${tableKey(op)}_${c.name}_key`, { columns: [c.name], unique: true });
        }
        op.constraints.forEach((c, i) => {
          const name = c.name ?? `${tableKey(op)}_${c.type}_${i}`;
          t.constraints.set(name, { ...c, validated: !c.notValid });
          if (c.type === 'primary-key' || c.type === 'unique') t.indexes.set(name, { columns: c.columns, unique: true });
          if (c.type === 'primary-key') for (const col of c.columns) { const cc = t.columns.get(col); if (cc) cc.notNull = true; }
        });
        break;
      }
      case 'drop-table':
        for (const x of op.tables) s.tables.delete(tableKey(x));
        break;
      case 'dml':
        if (op.verb === 'insert' || op.verb === 'merge') {
          const t = s.tables.get(tableKey(op));
          if (t) t.hasRows = true;
        }
        break;
      case 'state-remove':
        (s.separated ??= new Map()).set(op.column ? `${tableKey(op)}.${op.column}` : tableKey(op), file ?? '');
        break;
      case 'rename-table': {
        const t = s.tables.get(tableKey(op));
        if (t) {
          s.tables.delete(tableKey(op));
          s.tables.set(op.newName, { ...t, name: op.newName });
        }
        break;
      }
      case 'add-column': {
        const t = table(s, tableKey(op));
        const c = op.column;
        t.columns.set(c.name, { type: c.type, notNull: c.notNull, hasDefault: !!c.default || !!c.serial || !!c.generated });
        break;
      }
      case 'drop-column':
        s.tables.get(tableKey(op))?.columns.delete(op.column);
        break;
      case 'rename-column': {
        const t = s.tables.get(tableKey(op));
        const c = t?.columns.get(op.column);
        if (t && c) {
          t.columns.delete(op.column);
          t.columns.set(op.newName, c);
        }
        break;
      }
      case 'alter-column-type': {
        const c = s.tables.get(tableKey(op))?.columns.get(op.column);
        if (c) c.type = op.type;
        break;
      }
      case 'modify-column': {
        const t = table(s, tableKey(op));
        const c = op.def;
        if (op.newName && op.newName !== op.column) t.columns.delete(op.column);
        t.columns.set(op.newName ?? op.column, { type: c.type, notNull: c.notNull, hasDefault: !!c.default });
        break;
      }
      case 'set-not-null':
      case 'drop-not-null': {
        const c = s.tables.get(tableKey(op))?.columns.get(op.column);
        if (c) c.notNull = op.kind === 'set-not-null';
        break;
      }
      case 'set-default':
      case 'drop-default': {
        const c = s.tables.get(tableKey(op))?.columns.get(op.column);
        if (c) c.hasDefault = op.kind === 'set-default';
        break;
      }
      case 'add-constraint': {
        const t = table(s, tableKey(op));
        const c = op.constraint;
        const name = c.name ?? `${tableKey(op)}_${c.columns.join('_')}_${c.type}`;
        t.constraints.set(name, { ...c, validated: !c.notValid });
        if (c.type === 'primary-key' || c.type === 'unique') t.indexes.set(c.usingIndex ?? name, { columns: c.columns, unique: true });
        break;
      }
      case 'validate-constraint': {
        const c = s.tables.get(tableKey(op))?.constraints.get(op.name);
        if (c) c.validated = true;
        break;
      }
      case 'drop-constraint':
        s.tables.get(tableKey(op))?.constraints.delete(op.name);
        break;
      case 'create-index':
        if (tableKey(op)) table(s, tableKey(op)).indexes.set(op.name ?? `${tableKey(op)}_${op.columns.join('_')}_idx`, { columns: op.columns, unique: op.unique });
        break;
      case 'drop-index':
        for (const t of s.tables.values()) for (const n of op.names) t.indexes.delete(n);
        break;
      case 'create-enum':
        s.enums.set(op.name, [...op.values]);
        break;
      case 'add-enum-value': {
        const v = s.enums.get(op.type);
        if (v && !v.includes(op.value)) {
          const at = op.before ? v.indexOf(op.before) : op.after ? v.indexOf(op.after) + 1 : v.length;
          v.splice(at < 0 ? v.length : at, 0, op.value);
        }
        break;
      }
      case 'rename-enum-value': {
        const v = s.enums.get(op.type);
        const i = v?.indexOf(op.value) ?? -1;
        if (v && i >= 0) v[i] = op.newValue;
        break;
      }
      case 'drop-type':
        s.enums.delete(op.name);
        break;
      default:
        break;
    }
  }
}

/** Sort key for migration order: numbers compared numerically (Flyway V1_10 after V1_9), then names. */
export function migrationOrderKey(path: string): string {
  const parts = path.split('/');
  let base = parts[parts.length - 1];
  if (base === 'migration.sql' && parts.length > 1) base = parts[parts.length - 2];
  const m = /^[VvUuRr]?(\d+(?:[._]\d+)*)/.exec(base);
  if (!m) return `~${base}`;
  return m[1]
    .split(/[._]/)
    .map((n) => n.padStart(20, '0'))
    .join('.') + ` ${base}`;
}

/** The directory whose files form one ordered migration sequence with `path`. */
export function sequenceDir(path: string, tool: string): string {
  const parts = path.split('/');
  if (tool === 'prisma' && parts[parts.length - 1] === 'migration.sql') return parts.slice(0, -2).join('/');
  return parts.slice(0, -1).join('/');
}

/** Marks the tables `file` created as new on this branch (the branch adds that file). */
export function markNewOnBranch(s: SchemaState, file: string): void {
  for (const t of s.tables.values()) if (t.createdIn === file) t.newOnBranch = true;
}
