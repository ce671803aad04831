// API contract diff throughput on real specs (Stripe's public OpenAPI, test/fixtures/openapi/stripe),
// in one process and one run: our full diff (read + parse with positions + $refs + diff +
// findings) against the parse floor (js-yaml just loading both files) and against the npm peer
// api-smart-diff (parse with js-yaml + apiDiff). Prints times and ratios, and one `BENCH {json}`
// row per comparison through report() (contract: CONTRIBUTING.md, "Benchmarks"); asserts nothing.
// Targets (issue 5): the ten-month pair in at most 2.5× the js-yaml floor and at most 1.5 s.
//
//   node bench/api.mjs [--quick] [--runs N] [--no-peer]      (after `npm run build`)
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { QUICK, ROOT, require, report, stats, versionOf } from './common.mjs';

const root = ROOT;
const fixtures = path.join(root, 'test', 'fixtures', 'openapi', 'stripe');
// The one-day pair needs a third commit, kept out of the repository: ../shared/data/openapi if present.
const extra = path.resolve(root, '../shared/data/openapi/stripe');
const args = process.argv.slice(2);
const runs = (args.includes('--runs') && Number(args[args.indexOf('--runs') + 1])) || (QUICK ? 2 : 3);
const withPeer = !args.includes('--no-peer');

const jsyaml = require('js-yaml');
const { main } = require(path.join(root, 'dist', 'cli.js'));

const files = {
  old: 'spec3-2022-10-31-4ef45360.yaml',
  aug9: 'spec3-2023-08-09-38321b8c.yaml',
  aug10: 'spec3-2023-08-10-04e078f5.yaml',
};
// api-diff reads files: unpack the compressed fixtures into a scratch folder (not timed).
const data = mkdtempSync(path.join(os.tmpdir(), 'dr-bench-api-'));
process.on('exit', () => rmSync(data, { recursive: true, force: true }));
for (const f of [files.old, files.aug9]) writeFileSync(path.join(data, f), gunzipSync(readFileSync(path.join(fixtures, `${f}.gz`))));
const haveAug10 = existsSync(path.join(extra, files.aug10));
if (haveAug10) copyFileSync(path.join(extra, files.aug10), path.join(data, files.aug10));
const pairs = [
  ['ten months (2022-10-31 → 2023-08-09)', files.old, files.aug9, { text: '≤ 2.5× the js-yaml floor and ≤ 1500 ms', ratioAtMost: 2.5, atMost: 1500 }],
  ...(haveAug10 ? [['one day (2023-08-09 → 2023-08-10)', files.aug9, files.aug10]] : []),
  ['self (2023-08-09 vs itself)', files.aug9, files.aug9],
];
if (!haveAug10) report({ area: 'api', name: 'OpenAPI diff, Stripe spec one day (2023-08-09 → 2023-08-10) vs the parse floor', skipped: `${path.relative(root, extra)}/${files.aug10} not found (the shared real-data folder)` });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
};

async function ours(a, b) {
  let out = '';
  const io = { stdout: (s) => (out += s), stderr: () => {}, cwd: data, env: {}, isTTY: false };
  const code = await main(['api-diff', a, b, '--format', 'json', '--fail-on', 'never'], io);
  if (code !== 0) throw new Error(`api-diff exited ${code}`);
  return JSON.parse(out).summary;
}

function floor(a, b) {
  jsyaml.load(readFileSync(path.join(data, a), 'utf8'));
  jsyaml.load(readFileSync(path.join(data, b), 'utf8'));
}

let apiDiff;
if (withPeer) {
  try {
    ({ apiDiff } = require('api-smart-diff'));
  } catch {
    console.log('api-smart-diff not installed (npm install): peer skipped');
  }
}
// api-smart-diff's "exports" hide its package.json from require(): read it from node_modules.
function peerVersion() {
  try {
    return JSON.parse(readFileSync(path.join(path.dirname(require.resolve('api-smart-diff')).split(`${path.sep}dist`)[0], 'package.json'), 'utf8')).version;
  } catch {
    return versionOf('api-smart-diff') ?? '';
  }
}
function peer(a, b) {
  const before = jsyaml.load(readFileSync(path.join(data, a), 'utf8'));
  const after = jsyaml.load(readFileSync(path.join(data, b), 'utf8'));
  const diffs = apiDiff(before, after);
  return { breaking: diffs.filter((d) => d.type === 'breaking').length, total: diffs.length };
}

console.log(`API diff benchmark, node ${process.version}, ${runs} runs each (median), ${path.relative(root, fixtures)}${haveAug10 ? ` and ${path.relative(root, extra)}` : ''}`);
// Warm-up: JIT and lazy module loading are not part of the measurement.
await ours(files.old, files.aug9);
floor(files.old, files.aug9);
const FLOOR_LABEL = `js-yaml ${versionOf('js-yaml') ?? ''} load of both files`.replace('  ', ' ');
for (const [label, a, b, target] of pairs) {
  const ourT = [];
  const floorT = [];
  let summary;
  for (let i = 0; i < runs; i++) {
    const [tf] = await time(() => floor(a, b));
    floorT.push(tf);
    const [to, s] = await time(() => ours(a, b));
    ourT.push(to);
    summary = s;
  }
  const o = median(ourT);
  const f = median(floorT);
  console.log(`\n${label}`);
  console.log(`  parse floor (js-yaml load x2):   ${f.toFixed(0).padStart(6)} ms`);
  console.log(`  deploy-readiness api-diff:       ${o.toFixed(0).padStart(6)} ms   ${(o / f).toFixed(2)}x the floor   findings: ${summary.error} error, ${summary.warning} warning, ${summary.info} info`);
  const findings = summary.error + summary.warning + summary.info;
  report({
    area: 'api',
    name: `OpenAPI diff, Stripe spec ${label} vs the parse floor`,
    ours: stats(ourT),
    baseline: { label: FLOOR_LABEL, kind: 'floor', ...stats(floorT) },
    ...(target ? { target } : {}),
    notes: `our full api-diff (read, parse with positions, $refs, diff, findings) through dist/cli.js main() in-process; findings: ${summary.error} error, ${summary.warning} warning, ${summary.info} info`,
  });
  if (label.startsWith('ten months')) {
    if (apiDiff) {
      const [tp, r] = await time(() => peer(a, b));
      console.log(`  api-smart-diff (js-yaml + diff): ${tp.toFixed(0).padStart(6)} ms   ${(tp / f).toFixed(2)}x the floor   ${r.breaking} "breaking" of ${r.total} diffs   (ours is ${(tp / o).toFixed(1)}x faster)`);
      report({
        area: 'api',
        name: `OpenAPI diff, Stripe spec ${label} vs api-smart-diff`,
        ours: stats(ourT),
        baseline: { label: `api-smart-diff ${peerVersion()} (js-yaml load + apiDiff, in-process)`, kind: 'peer', ...stats([tp]) },
        counts: { label: 'findings (ours) / diffs (api-smart-diff)', ours: findings, baseline: r.total },
        notes: `api-smart-diff timed once (it is slow); it reports ${r.breaking} "breaking" of ${r.total} diffs against our ${summary.error} error / ${summary.warning} warning / ${summary.info} info findings`,
      });
    } else {
      report({ area: 'api', name: `OpenAPI diff, Stripe spec ${label} vs api-smart-diff`, ours: stats(ourT), skipped: withPeer ? 'api-smart-diff is not installed (npm install)' : '--no-peer' });
    }
  }
}
