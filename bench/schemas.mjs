// Large-schema API diff (issue 16): a ~38,000-line GraphQL SDL pair against graphql-inspector (the
// peer, and the library our GraphQL diff is built on), and a large protobuf pair against
// `buf breaking` from npm (@bufbuild/buf, a native binary). Corpora are generated deterministically
// in a temp folder (rng seed printed); both sides run on the same files, in the same process kind:
// GraphQL warm in-process (our CLI main() vs graphql-inspector's buildSchema + diff), protobuf as
// cold child processes (our CLI vs the buf binary). Prints finding counts of both.
//
//   node bench/schemas.mjs [--quick] [--write <dir>]      (after `npm run build`)
//   --write <dir>: only write the generated pairs there (for profiling), measure nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, QUICK, ROOT, compare, report, require, rng, stats, tempDir, versionOf } from './common.mjs';

const SEED = 16;
const writeAt = process.argv.includes('--write') ? path.resolve(process.argv[process.argv.indexOf('--write') + 1]) : undefined;
const dir = writeAt ?? tempDir('dr-bench-schemas-');
const { main } = require(path.join(ROOT, 'dist', 'cli.js'));

// ---------------------------------------------------------------------------------------------
// GraphQL: object types with described fields and arguments, enums, inputs, unions, interfaces.

const SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID', 'DateTime'];

function gqlModel(types) {
  const r = rng(SEED);
  const model = { objects: [], enums: [], inputs: [] };
  for (let e = 0; e < Math.ceil(types / 10); e++) model.enums.push({ name: `State${e}`, values: Array.from({ length: 4 + r.int(8) }, (_, i) => `VALUE_${i}`) });
  for (let e = 0; e < Math.ceil(types / 8); e++) {
    model.inputs.push({ name: `Filter${e}`, fields: Array.from({ length: 3 + r.int(6) }, (_, i) => ({ name: `f${i}`, type: r.pick(SCALARS), nonNull: r.next() < 0.2 })) });
  }
  for (let t = 0; t < types; t++) {
    const fields = [];
    const n = 8 + r.int(10);
    for (let i = 0; i < n; i++) {
      const k = r.next();
      const type = k < 0.55 ? r.pick(SCALARS) : k < 0.7 ? `State${r.int(model.enums.length)}` : k < 0.9 && t > 0 ? `Type${r.int(t)}` : `[Type${r.int(Math.max(1, t))}!]`;
      const args = r.next() < 0.25 ? [{ name: 'first', type: 'Int' }, { name: 'filter', type: `Filter${r.int(model.inputs.length)}` }] : [];
      fields.push({ name: `field${i}`, type, nonNull: r.next() < 0.4, args, desc: r.next() < 0.6 });
    }
    model.objects.push({ name: `Type${t}`, fields, desc: true });
  }
  return model;
}

/** The head revision: a realistic release's worth of changes. */
function gqlMutate(model) {
  const r = rng(SEED + 1);
  const m = structuredClone(model);
  let changes = 0;
  for (const o of m.objects) {
    for (const f of o.fields) {
      const k = r.next();
      if (k < 0.004) {
        f.removed = true;
        changes++;
      } else if (k < 0.008) {
        f.nonNull = !f.nonNull;
        changes++;
      } else if (k < 0.012) {
        f.deprecated = 'use something else';
        changes++;
      } else if (k < 0.014 && f.args.length) {
        f.args.push({ name: 'after', type: 'String!' });
        changes++;
      }
    }
    if (r.next() < 0.01) {
      o.fields.push({ name: 'added', type: 'String', nonNull: false, args: [], desc: false });
      changes++;
    }
  }
  for (const e of m.enums) if (r.next() < 0.1) (e.values.pop(), changes++);
  return { model: m, changes };
}

function gqlRender(model) {
  const out = ['scalar DateTime', '', 'interface Node {', '  id: ID!', '}', ''];
  for (const e of model.enums) out.push(`"""The ${e.name} states."""`, `enum ${e.name} {`, ...e.values.map((v) => `  ${v}`), '}', '');
  for (const i of model.inputs) out.push(`input ${i.name} {`, ...i.fields.map((f) => `  ${f.name}: ${f.type}${f.nonNull ? '!' : ''}`), '}', '');
  for (const o of model.objects) {
    out.push('"""', `${o.name} is one of the generated object types.`, '"""', `type ${o.name} implements Node {`, '  id: ID!');
    for (const f of o.fields) {
      if (f.removed) continue;
      if (f.desc) out.push(`  """The ${f.name} of ${o.name}."""`);
      const args = f.args.length ? `(${f.args.map((a) => `${a.name}: ${a.type}`).join(', ')})` : '';
      out.push(`  ${f.name}${args}: ${f.type}${f.nonNull ? '!' : ''}${f.deprecated ? ` @deprecated(reason: "${f.deprecated}")` : ''}`);
    }
    out.push('}', '');
  }
  out.push('type Query {', ...model.objects.filter((_, i) => i % 7 === 0).map((o) => `  ${o.name[0].toLowerCase()}${o.name.slice(1)}(id: ID!): ${o.name}`), '}', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Protobuf: one package of messages, enums and services.

function protoModel(messages) {
  const r = rng(SEED + 2);
  const m = { messages: [], enums: [], services: [] };
  for (let e = 0; e < Math.ceil(messages / 10); e++) m.enums.push({ name: `Kind${e}`, values: Array.from({ length: 3 + r.int(6) }, (_, i) => i) });
  const PT = ['string', 'int32', 'int64', 'bool', 'double', 'bytes'];
  for (let i = 0; i < messages; i++) {
    const fields = Array.from({ length: 5 + r.int(12) }, (_, j) => ({ n: j + 1, name: `field_${j}`, type: r.next() < 0.7 ? r.pick(PT) : r.next() < 0.5 && i > 0 ? `Message${r.int(i)}` : `Kind${r.int(m.enums.length)}`, repeated: r.next() < 0.15 }));
    m.messages.push({ name: `Message${i}`, fields });
  }
  for (let s = 0; s < Math.ceil(messages / 25); s++) m.services.push({ name: `Service${s}`, rpcs: Array.from({ length: 5 }, (_, k) => ({ name: `Call${k}`, req: `Message${r.int(messages)}`, res: `Message${r.int(messages)}` })) });
  return m;
}

function protoMutate(model) {
  const r = rng(SEED + 3);
  const m = structuredClone(model);
  for (const msg of m.messages) {
    for (const f of msg.fields) {
      const k = r.next();
      if (k < 0.005) f.removed = true;
      else if (k < 0.01 && f.type === 'int32') f.type = 'int64';
      else if (k < 0.015) f.name = `${f.name}_renamed`;
    }
  }
  for (const s of m.services) if (r.next() < 0.2) s.rpcs.pop();
  for (const e of m.enums) if (r.next() < 0.1) e.values.pop();
  return m;
}

function protoRender(model) {
  const out = ['syntax = "proto3";', '', 'package bench.v1;', ''];
  for (const e of model.enums) out.push(`enum ${e.name} {`, ...e.values.map((v) => `  ${e.name.toUpperCase()}_V${v} = ${v};`), '}', '');
  for (const msg of model.messages) {
    out.push(`// ${msg.name} is a generated message.`, `message ${msg.name} {`);
    for (const f of msg.fields) if (!f.removed) out.push(`  ${f.repeated ? 'repeated ' : ''}${f.type} ${f.name} = ${f.n};`);
    out.push('}', '');
  }
  for (const s of model.services) out.push(`service ${s.name} {`, ...s.rpcs.map((x) => `  rpc ${x.name}(${x.req}) returns (${x.res});`), '}', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function ours(a, b, cwd) {
  let out = '';
  const io = { stdout: (s) => (out += s), stderr: () => {}, cwd, isTTY: false };
  const code = await main(['api-diff', a, b, '--format', 'json', '--fail-on', 'never'], io);
  if (code !== 0) throw new Error(`api-diff exited ${code}`);
  return JSON.parse(out).summary;
}

const lineCount = (s) => s.split('\n').length;

// GraphQL
gql: {
  const types = QUICK ? 300 : 1300;
  const base = gqlModel(types);
  const { model: headModel, changes } = gqlMutate(base);
  const baseText = gqlRender(base);
  const headText = gqlRender(headModel);
  const gdir = path.join(dir, 'graphql');
  mkdirSync(gdir, { recursive: true });
  writeFileSync(path.join(gdir, 'base.graphql'), baseText);
  writeFileSync(path.join(gdir, 'head.graphql'), headText);
  if (writeAt) console.log(`wrote ${gdir}`);
  console.log(`GraphQL SDL pair: ${lineCount(baseText)} / ${lineCount(headText)} lines, ${(baseText.length / 1e6).toFixed(2)} MB, ${changes} generated changes (seed ${SEED})`);
  if (writeAt) break gql;
  const { buildSchema } = require('graphql');
  const { diff } = require('@graphql-inspector/core');
  const peer = async () => {
    // The peer reads the same files: what `graphql-inspector diff base.graphql head.graphql` does.
    const b = buildSchema(readFileSync(path.join(gdir, 'base.graphql'), 'utf8'));
    const h = buildSchema(readFileSync(path.join(gdir, 'head.graphql'), 'utf8'));
    const c = await diff(b, h);
    return { breaking: c.filter((x) => x.criticality.level === 'BREAKING').length, dangerous: c.filter((x) => x.criticality.level === 'DANGEROUS').length, total: c.length };
  };
  const res = await compare({ ours: () => ours('base.graphql', 'head.graphql', gdir), peer }, { warmup: 1, runs: QUICK ? 3 : 5 });
  const s = res.ours.result;
  const p = res.peer.result;
  report({
    area: 'api',
    name: `GraphQL diff, ${lineCount(baseText).toLocaleString('en-US')}-line generated SDL pair vs graphql-inspector`,
    ours: res.ours,
    baseline: { label: `@graphql-inspector/core ${versionOf('@graphql-inspector/core') ?? ''} (buildSchema ×2 + diff, in-process)`, kind: 'peer', ...res.peer },
    target: { text: "≤ 1× graphql-inspector's time", ratioAtMost: 1 },
    counts: { label: 'errors + warnings (ours) / breaking + dangerous (graphql-inspector)', ours: s.error + s.warning, baseline: p.breaking + p.dangerous },
    notes: `our full api-diff through dist/cli.js main() in-process (read, parse with positions, build, diff, locate, report): ${s.error} error, ${s.warning} warning, ${s.info} info; graphql-inspector: ${p.breaking} breaking, ${p.dangerous} dangerous of ${p.total} changes; ${changes} generated changes (seed ${SEED})`,
  });
}

// Protobuf
{
  const messages = QUICK ? 300 : 1500;
  const base = protoModel(messages);
  const head = protoMutate(base);
  const baseText = protoRender(base);
  const headText = protoRender(head);
  const pdir = path.join(dir, 'proto');
  mkdirSync(path.join(pdir, 'base'), { recursive: true });
  mkdirSync(path.join(pdir, 'head'), { recursive: true });
  writeFileSync(path.join(pdir, 'base', 'bench.proto'), baseText);
  writeFileSync(path.join(pdir, 'head', 'bench.proto'), headText);
  const bufYaml = 'version: v2\nbreaking:\n  use:\n    - WIRE_JSON\n';
  writeFileSync(path.join(pdir, 'base', 'buf.yaml'), bufYaml);
  writeFileSync(path.join(pdir, 'head', 'buf.yaml'), bufYaml);
  console.log(`\nprotobuf pair: ${lineCount(baseText)} lines, ${(baseText.length / 1e6).toFixed(2)} MB (seed ${SEED + 2})`);
  if (writeAt) process.exit(0);
  let bufBin;
  try {
    bufBin = path.join(path.dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
  } catch {
    bufBin = undefined;
  }
  const env = { ...process.env, BUF_CACHE_DIR: path.join(dir, 'buf-cache'), NO_COLOR: '1' };
  const runBuf = () => spawnSync(bufBin, ['breaking', 'head', '--against', 'base', '--error-format', 'json'], { cwd: pdir, env, encoding: 'utf8', timeout: 120_000 });
  const probe = bufBin && existsSync(bufBin) ? runBuf() : undefined;
  const name = `protobuf diff, ${lineCount(baseText).toLocaleString('en-US')}-line generated .proto pair vs buf breaking (WIRE_JSON)`;
  if (!probe || probe.error || (probe.status !== 0 && probe.status !== 100)) {
    const why = !probe ? '@bufbuild/buf is not installed (npm install)' : `buf did not run here: ${probe.error?.message ?? probe.stderr.split('\n')[0]}`;
    report({ area: 'api', name, skipped: why });
  } else {
    const runOurs = () => spawnSync(process.execPath, [CLI, 'api-diff', 'base/bench.proto', 'head/bench.proto', '--format', 'json', '--fail-on', 'never'], { cwd: pdir, encoding: 'utf8', timeout: 120_000 });
    const timeIt = (fn) => {
      const t = performance.now();
      const r = fn();
      return [performance.now() - t, r];
    };
    const oursT = [];
    const bufT = [];
    let o;
    let b;
    runOurs();
    for (let i = 0; i < (QUICK ? 3 : 5); i++) {
      let t;
      [t, o] = timeIt(runOurs);
      oursT.push(t);
      [t, b] = timeIt(runBuf);
      bufT.push(t);
    }
    if (o.status !== 0) throw new Error(`api-diff exited ${o.status}: ${o.stderr}`);
    const s = JSON.parse(o.stdout).summary;
    const bufFindings = b.stdout.split('\n').filter((l) => l.trim().startsWith('{')).length;
    report({
      area: 'api',
      name,
      ours: stats(oursT),
      baseline: { label: `buf ${versionOf('@bufbuild/buf') ?? ''} breaking (native binary from npm, cold process)`, kind: 'peer', ...stats(bufT) },
      counts: { label: 'errors (ours) / violations (buf)', ours: s.error, baseline: bufFindings },
      notes: `both as cold processes on the same two files; ours: node dist/cli.js api-diff (${s.error} error, ${s.warning} warning); buf: ${bufFindings} WIRE_JSON violations`,
    });
  }
}
