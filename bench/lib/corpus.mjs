// A deterministic mixed repository for whole-repository measurements: Postgres migrations (some
// with findings, some with syntax errors), JavaScript/TypeScript sources reading environment
// variables, OpenAPI documents, other YAML/JSON, and files the engine only lists.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { rng } from '../common.mjs';

const TABLES = ['users', 'orders', 'payments', 'invoices', 'sessions', 'events', 'audit_log', 'products'];
const COLS = ['email', 'status', 'created_at', 'account_id', 'amount', 'kind', 'ref', 'region'];
const VARS = ['DATABASE_URL', 'REDIS_URL', 'STRIPE_KEY', 'SENTRY_DSN', 'S3_BUCKET', 'SMTP_HOST', 'JWT_SECRET', 'FEATURE_X', 'LOG_LEVEL', 'QUEUE_URL'];

function migration(r, i) {
  const t = r.pick(TABLES);
  const c = r.pick(COLS);
  const stmts = [`-- migration ${i}`, `CREATE TABLE IF NOT EXISTS ${t}_${i} (id bigserial PRIMARY KEY, ${c} text NOT NULL, created_at timestamptz DEFAULT now());`];
  for (let k = 0, n = 2 + r.int(6); k < n; k++) {
    const kind = r.int(6);
    const col = `${r.pick(COLS)}_${k}`;
    if (kind === 0) stmts.push(`CREATE INDEX ${t}_${i}_${col}_idx ON ${t}_${i} (${c});`);
    else if (kind === 1) stmts.push(`CREATE INDEX CONCURRENTLY ${t}_${i}_${k}_c ON ${t}_${i} (created_at);`);
    else if (kind === 2) stmts.push(`ALTER TABLE ${t}_${i} ADD COLUMN ${col} integer;`);
    else if (kind === 3) stmts.push(`UPDATE ${t}_${i} SET ${c} = lower(${c}) WHERE id < ${r.int(100000)};`);
    else if (kind === 4) stmts.push(`CREATE OR REPLACE FUNCTION f_${i}_${k}() RETURNS trigger AS $$\nBEGIN\n  NEW.${c} := trim(NEW.${c});\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;`);
    else stmts.push(`COMMENT ON TABLE ${t}_${i} IS 'table ${i}; part ${k}';`);
  }
  if (r.int(50) === 0) stmts.push('ALTER TABLE oops ADD COLUM broken int;');
  return stmts.join('\n\n') + '\n';
}

function source(r, i, ts) {
  const lines = [`// module ${i}`, ts ? `import { helper } from './lib';` : `const { helper } = require('./lib');`];
  for (let k = 0, n = 3 + r.int(10); k < n; k++) {
    const v = r.pick(VARS);
    const form = r.int(4);
    if (form === 0) lines.push(`export const v${k} = process.env.${v};`);
    else if (form === 1) lines.push(`export const v${k} = process.env.${v} ?? 'default-${k}';`);
    else if (form === 2) lines.push(`export const v${k} = process.env['${v}'] || helper(${k});`);
    else lines.push(`export function f${k}(x${ts ? ': number' : ''}) {\n  const items = [1, 2, 3].map((n) => n * x + ${k});\n  return items.reduce((a, b) => a + b, 0);\n}`);
  }
  lines.push(`export default function main${ts ? '(): void' : '()'} {\n  for (let i = 0; i < 10; i++) helper(i);\n}`);
  return lines.join('\n') + '\n';
}

function openapi(r, i) {
  const paths = [];
  for (let k = 0, n = 5 + r.int(20); k < n; k++) {
    paths.push(`  /r${i}/items${k}/{id}:\n    get:\n      operationId: get${i}_${k}\n      parameters:\n        - { name: id, in: path, required: true, schema: { type: string } }\n      responses:\n        '200': { description: ok }`);
  }
  return `openapi: 3.0.3\ninfo: { title: Service ${i}, version: 1.0.${i} }\npaths:\n${paths.join('\n')}\n`;
}

/** Writes `count` files under `dir`; returns counts per kind. */
export function generateRepo(dir, count, seed = 7) {
  const r = rng(seed);
  const kinds = { migration: 0, source: 0, openapi: 0, yaml: 0, other: 0 };
  const write = (rel, text) => {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  write('.env.example', VARS.slice(0, 6).map((v) => `${v}=`).join('\n') + '\n');
  for (let i = 0; i < count - 1; i++) {
    const roll = r.int(100);
    const pkg = `packages/p${i % 40}`;
    if (roll < 20) {
      write(`${pkg}/db/migrations/${String(i).padStart(6, '0')}_change.sql`, migration(r, i));
      kinds.migration++;
    } else if (roll < 70) {
      const ts = r.int(2) === 0;
      write(`${pkg}/src/m${i}.${ts ? 'ts' : 'js'}`, source(r, i, ts));
      kinds.source++;
    } else if (roll < 72) {
      write(`${pkg}/api/openapi-${i}.yaml`, openapi(r, i));
      kinds.openapi++;
    } else if (roll < 78) {
      write(`${pkg}/config/c${i}.yaml`, `name: c${i}\nreplicas: ${r.int(9)}\nlabels:\n  tier: ${r.pick(['web', 'worker'])}\n`);
      kinds.yaml++;
    } else {
      write(`${pkg}/docs/n${i}.md`, `# Note ${i}\n\n${'Lorem ipsum dolor sit amet. '.repeat(1 + r.int(20))}\n`);
      kinds.other++;
    }
  }
  return kinds;
}
