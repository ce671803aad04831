/**
 * A tiny declarative schema for `.deploy-readiness.yaml`, validated against the YAML document so
 * every error names the key and its position. Each area contributes its own section.
 */
export type Schema =
  | { kind: 'string'; description: string }
  | { kind: 'number'; description: string; min?: number; max?: number; integer?: boolean }
  | { kind: 'boolean'; description: string }
  | { kind: 'enum'; description: string; values: readonly string[] }
  | { kind: 'array'; description: string; of: Schema }
  | { kind: 'object'; description: string; fields: Record<string, Schema> }
  | { kind: 'map'; description: string; of: Schema }
  /** A key that is no longer read from the repository: always an error that says where it moved. */
  | { kind: 'removed'; description: string; message: string };

export const str = (description: string): Schema => ({ kind: 'string', description });
export const num = (description: string, opts: { min?: number; max?: number; integer?: boolean } = {}): Schema => ({
  kind: 'number',
  description,
  ...opts,
});
export const bool = (description: string): Schema => ({ kind: 'boolean', description });
export const oneOf = (description: string, values: readonly string[]): Schema => ({ kind: 'enum', description, values });
export const list = (description: string, of: Schema): Schema => ({ kind: 'array', description, of });
export const obj = (description: string, fields: Record<string, Schema>): Schema => ({ kind: 'object', description, fields });
export const mapOf = (description: string, of: Schema): Schema => ({ kind: 'map', description, of });
export const removed = (description: string, message: string): Schema => ({ kind: 'removed', description, message });

export interface SchemaIssue {
  path: string;
  message: string;
  /** The issue is about the key itself (unknown or removed key), not its value. */
  onKey?: boolean;
}

/** Validates a plain JS value; returns issues with dotted key paths. */
export function validate(schema: Schema, value: unknown, path = ''): SchemaIssue[] {
  const at = path || '(root)';
  switch (schema.kind) {
    case 'removed':
      return [{ path: at, message: schema.message, onKey: true }];
    case 'string':
      return typeof value === 'string' ? [] : [{ path: at, message: `expected a string, got ${describe(value)}` }];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [{ path: at, message: `expected true or false, got ${describe(value)}` }];
    case 'number': {
      if (typeof value !== 'number' || Number.isNaN(value)) return [{ path: at, message: `expected a number, got ${describe(value)}` }];
      if (schema.integer && !Number.isInteger(value)) return [{ path: at, message: `expected a whole number, got ${value}` }];
      if (schema.min !== undefined && value < schema.min) return [{ path: at, message: `must be at least ${schema.min}, got ${value}` }];
      if (schema.max !== undefined && value > schema.max) return [{ path: at, message: `must be at most ${schema.max}, got ${value}` }];
      return [];
    }
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? []
        : [{ path: at, message: `expected one of ${schema.values.join(', ')}, got ${describe(value)}` }];
    case 'array': {
      if (!Array.isArray(value)) return [{ path: at, message: `expected a list, got ${describe(value)}` }];
      return value.flatMap((v, i) => validate(schema.of, v, `${path}[${i}]`));
    }
    case 'map': {
      if (!isPlainObject(value)) return [{ path: at, message: `expected a mapping, got ${describe(value)}` }];
      return Object.keys(value).flatMap((k) => {
        const p = path ? `${path}.${k}` : k;
        // Keys that name an object's machinery are never entries (they could reach Object.prototype).
        if (RESERVED_KEYS.has(k)) return [{ path: p, message: `unknown key "${k}"`, onKey: true }];
        return validate(schema.of, value[k], p);
      });
    }
    case 'object': {
      if (!isPlainObject(value)) return [{ path: at, message: `expected a mapping, got ${describe(value)}` }];
      const issues: SchemaIssue[] = [];
      for (const k of Object.keys(value)) {
        const v = value[k];
        // Own fields only: `toString`, `constructor`, `__proto__` are unknown keys like any other.
        const sub = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined;
        const p = path ? `${path}.${k}` : k;
        if (!sub) {
          const known = Object.keys(schema.fields);
          const near = known.find((n) => n.toLowerCase() === k.toLowerCase());
          issues.push({
            path: p,
            message: `unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ''}; known keys: ${known.join(', ')}`,
          });
          continue;
        }
        issues.push(...validate(sub, v, p));
      }
      return issues;
    }
  }
}

/** Keys that are never entries of a mapping in the configuration. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A JSON Schema (draft-07) fragment. */
export type JsonSchema = Record<string, unknown>;

/**
 * The same definition as JSON Schema, for editors (VS Code's yamlValidation, the YAML language
 * server) and other tools. `defaults` is the matching slice of the default configuration; each
 * key gets its default so an editor can offer it on completion.
 */
export function toJsonSchema(schema: Schema, defaults?: unknown): JsonSchema {
  const out: JsonSchema = { description: schema.description };
  switch (schema.kind) {
    case 'string':
      out.type = 'string';
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'number':
      out.type = schema.integer ? 'integer' : 'number';
      if (schema.min !== undefined) out.minimum = schema.min;
      if (schema.max !== undefined) out.maximum = schema.max;
      break;
    case 'enum':
      out.type = 'string';
      out.enum = [...schema.values];
      break;
    case 'array':
      out.type = 'array';
      out.items = toJsonSchema(schema.of);
      break;
    case 'map':
      out.type = 'object';
      out.additionalProperties = toJsonSchema(schema.of);
      break;
    case 'object': {
      out.type = 'object';
      const props: Record<string, JsonSchema> = {};
      const d = isPlainObject(defaults) ? defaults : {};
      for (const [k, sub] of Object.entries(schema.fields)) props[k] = toJsonSchema(sub, Object.hasOwn(d, k) ? d[k] : undefined);
      out.properties = props;
      out.additionalProperties = false;
      break;
    }
  }
  if (defaults !== undefined && schema.kind !== 'object' && schema.kind !== 'map') out.default = defaults;
  return out;
}
