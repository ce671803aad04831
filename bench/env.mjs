// Environment-variable scan benchmark: the full env analysis of a large tree, measured in the same
// run against ripgrep searching the same files for the same read syntaxes, and against the
// tree-sitter parse floor (parsing every file, doing nothing else). Figures are ratios, printed
// as a table and as JSON (--json), and as `BENCH {json}` rows through report() (contract:
// CONTRIBUTING.md, "Benchmarks"). Not a test: nothing here asserts a time. It also counts parses
// through the source service's counter: each file with a read marker is parsed once per analysis,
// files without one never (ripgrep is the @vscode/ripgrep binary, the same rg as VS Code's search).
//
//   node bench/env.mjs [--quick] [--files 20000] [--tree <dir>] [--runs 3] [--json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { rgPath } from '@vscode/ripgrep';
import { QUICK, ROOT, report, stats } from './common.mjs';

const root = ROOT;
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const FILES = Number(opt('files', QUICK ? 3000 : 20000));
const RUNS = Number(opt('runs', 3));
const JSON_OUT = args.includes('--json');

// ── the engine, bundled from source (dependencies resolved from node_modules) ──
// (into a temporary folder under node_modules/.cache so it resolves node_modules like the sources;
// never into the repository's tracked tree)
mkdirSync(path.join(root, 'node_modules', '.cache'), { recursive: true });
const outDir = mkdtempSync(path.join(root, 'node_modules', '.cache', 'dr-bench-env-'));
const outfile = path.join(outDir, 'env-bench.cjs');
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
await esbuild.build({
  stdin: {
    contents: [
      "export { Workspace } from './src/core/engine';",
      "export { defaultConfig } from './src/core/config';",
      "export { sharedParser } from './src/core/source/grammars';",
      "export { parseCounts, resetParseCounts } from './src/core/source/service';",
      "export { Classifier } from './src/core/classify';",
      "export { mayRead } from './src/core/env/scanner';",
      "export { OverlayReader, DiskReader } from './src/core/reader';",
      "export { walk } from './src/core/walk';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
// the scan threads' entry, beside the bundle as in dist/ (src/core/env/parallel.ts looks for it there)
await esbuild.build({ entryPoints: [path.join(root, 'src/core/env/scanWorker.ts')], outfile: path.join(outDir, 'scanWorker.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' });
const require = createRequire(outfile);
const E = require(outfile);

// ── the tree ──
const NAMES = Array.from({ length: 300 }, (_, i) => `SERVICE_${['DB', 'CACHE', 'MAIL', 'PAY', 'AUTH', 'QUEUE'][i % 6]}_${i}`);
const pick = (i, k) => NAMES[(i * 7 + k * 13) % NAMES.length];
const filler = (lang, i, lines) => {
  const out = [];
  for (let l = 0; l < lines; l++) {
    switch (lang) {
      case 'js': case 'ts': out.push(`export function f${i}_${l}(a, b) { const x = a * ${l} + b; if (x > ${i % 97}) { return [x, 'item-${l}'].join(':'); } return String(x); }`); break;
      case 'py': out.push(`def f_${i}_${l}(a, b):\n    x = a * ${l} + b\n    return str(x) if x > ${i % 97} else ":".join([str(x), "item-${l}"])`); break;
      case 'rb': out.push(`def f_${i}_${l}(a, b)\n  x = a * ${l} + b\n  x > ${i % 97} ? x.to_s : [x, "item-${l}"].join(":")\nend`); break;
      case 'go': out.push(`func F${i}_${l}(a, b int) string { x := a*${l} + b; if x > ${i % 97} { return fmt.Sprint(x) }; return "item-${l}" }`); break;
      case 'rs': out.push(`pub fn f_${i}_${l}(a: i64, b: i64) -> String { let x = a * ${l} + b; if x > ${i % 97} { x.to_string() } else { format!("item-{}", ${l}) } }`); break;
      case 'java': out.push(`  public static String f${i}_${l}(int a, int b) { int x = a * ${l} + b; return x > ${i % 97} ? String.valueOf(x) : "item-${l}"; }`); break;
      case 'php': out.push(`function f_${i}_${l}($a, $b) { $x = $a * ${l} + $b; return $x > ${i % 97} ? strval($x) : "item-${l}"; }`); break;
      case 'cs': out.push(`  public static string F${i}_${l}(int a, int b) { var x = a * ${l} + b; return x > ${i % 97} ? x.ToString() : "item-${l}"; }`); break;
      case 'sh': out.push(`f_${i}_${l}() { local x=$(( $1 * ${l} + $2 )); echo "item-${l} $x"; }`); break;
    }
  }
  return out.join('\n');
};
const reads = {
  js: (i) => `const a${i} = process.env.${pick(i, 0)};\nconst b${i} = process.env['${pick(i, 1)}'] ?? 'd';\nconst { ${pick(i, 2)} } = process.env;`,
  ts: (i) => `const a${i}: string = process.env.${pick(i, 0)}!;\nconst b${i} = import.meta.env.${pick(i, 1)} || 'd';`,
  py: (i) => `import os\nA = os.environ["${pick(i, 0)}"]\nB = os.getenv("${pick(i, 1)}", "d")`,
  rb: (i) => `A = ENV.fetch("${pick(i, 0)}")\nB = ENV["${pick(i, 1)}"] || "d"`,
  go: (i) => `func cfg${i}() { a := os.Getenv("${pick(i, 0)}"); _, _ = os.LookupEnv("${pick(i, 1)}"); _ = a }`,
  rs: (i) => `fn cfg${i}() { let a = std::env::var("${pick(i, 0)}").unwrap(); let b = env::var("${pick(i, 1)}").unwrap_or_default(); }`,
  java: (i) => `  static String A${i} = System.getenv("${pick(i, 0)}");`,
  php: (i) => `$a = getenv('${pick(i, 0)}'); $b = $_ENV['${pick(i, 1)}'];`,
  cs: (i) => `  static string A${i} = Environment.GetEnvironmentVariable("${pick(i, 0)}");`,
  sh: (i) => `: "\${${pick(i, 0)}:?missing}"\necho "\${${pick(i, 1)}:-default}"`,
};
const wrap = {
  js: (b) => b, ts: (b) => b, py: (b) => b, rb: (b) => b, php: (b) => `<?php\n${b}\n`, sh: (b) => `#!/bin/sh\n${b}\n`,
  go: (b) => `package main\nimport ("fmt"; "os")\n${b}\n`, rs: (b) => b,
  java: (b) => `public class C {\n${b}\n}\n`, cs: (b) => `public class C {\n${b}\n}\n`,
};
const LANGS = ['js', 'ts', 'py', 'rb', 'go', 'rs', 'java', 'php', 'cs', 'sh'];

function generate(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-bench-env-'));
  writeFileSync(path.join(dir, '.env.example'), NAMES.filter((_, i) => i % 5 !== 0).map((x) => `${x}=`).join('\n') + '\n');
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
  for (let i = 0; i < n; i++) {
    const lang = LANGS[i % LANGS.length];
    const d = path.join(dir, `pkg${i % 50}`, `mod${Math.floor(i / 50) % 40}`);
    mkdirSync(d, { recursive: true });
    const withReads = i % 8 === 0;
    const body = filler(lang, i, 20 + (i % 30)) + (withReads ? '\n' + reads[lang](i) : '');
    const name = lang === 'java' ? `C${i}.java` : `f${i}.${lang}`;
    writeFileSync(path.join(d, name), wrap[lang](body) + '\n');
  }
  return dir;
}

const given = opt('tree');
const tree = given ? path.resolve(given) : generate(FILES);

// ── measurements ──
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
}

const config = E.defaultConfig();
// warm the WASM grammars once (the editor loads them once per session too)
for (const g of ['javascript', 'typescript', 'tsx', 'python', 'ruby', 'go', 'rust', 'java', 'php', 'csharp', 'shell']) await E.sharedParser(g);

const files = await E.walk(tree, {});
const classifier = new E.Classifier(config);
const PARSED_LANGS = new Set(['javascript', 'typescript', 'tsx', 'python', 'ruby', 'go', 'rust', 'java', 'php', 'csharp', 'shell']);
const sources = files.map((p) => ({ p, cls: classifier.classify(p) })).filter((f) => f.cls.kind === 'source' && PARSED_LANGS.has(f.cls.language));

if (args.includes('--scan-only')) {
  const t = performance.now();
  const ws = await E.Workspace.open({ root: tree, config, trusted: false, areas: ['env'] });
  const rep = await ws.analyze();
  console.log(`scan ${Math.round(performance.now() - t)} ms, ${rep.findings.length} findings`);
  process.exit(0);
}
const scanRuns = [];
const scanCpu = [];
let scanReport;
const parseRuns = [];
for (let r = 0; r < RUNS; r++) {
  const cpu0 = process.cpuUsage();
  E.resetParseCounts();
  const { ms, r: rep } = await time(async () => {
    const ws = await E.Workspace.open({ root: tree, config, trusted: false, areas: ['env'] });
    return ws.analyze();
  });
  const cpu = process.cpuUsage(cpu0);
  scanCpu.push((cpu.user + cpu.system) / 1000);
  scanRuns.push(ms);
  scanReport = rep;
  parseRuns.push({ total: E.parseCounts().total, byFile: new Map(E.parseCounts().byFile) });
}

// parses per file (the source service's counter, last run): files with a read marker once, others never
const withMarker = new Set(sources.filter((f) => E.mayRead(f.cls.language, readFileSync(path.join(tree, f.p), 'utf8'))).map((f) => f.p));
const lastParses = parseRuns[parseRuns.length - 1];
let parsesOfMarked = 0;
let parsesOfUnmarked = 0;
let maxPerFile = 0;
for (const f of sources) {
  const n = lastParses.byFile.get(f.p) ?? 0;
  if (withMarker.has(f.p)) parsesOfMarked += n;
  else parsesOfUnmarked += n;
  maxPerFile = Math.max(maxPerFile, n);
}
const parsesPerMarkedFile = withMarker.size ? parsesOfMarked / withMarker.size : 0;

// ripgrep: the same read syntaxes, over the same files (it honours .gitignore like the walker)
const RG_PATTERNS = [
  'process\\.env', 'import\\.meta\\.env', 'Bun\\.env', 'Deno\\.env', 'os\\.environ', 'getenv\\(', 'environ\\.get', 'ENV\\[', 'ENV\\.fetch',
  'os\\.Getenv', 'os\\.LookupEnv', 'env::var', 'env!\\(', 'option_env!', 'System\\.getenv', '\\$_ENV', '\\$_SERVER', 'GetEnvironmentVariable', '\\$\\{?[A-Z_][A-Z0-9_]*',
];
const rgArgs = ['--count-matches', '--no-messages', '--hidden', ...RG_PATTERNS.flatMap((p) => ['-e', p]), '.'];
const rgRun = (extra) => {
  const t = performance.now();
  const res = spawnSync(rgPath, [...extra, ...rgArgs], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: performance.now() - t, status: res.status, matches: res.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':').pop()), 0) };
};
// CPU time of ripgrep (user + system), through bash's time builtin
const rgCpuRun = (extra) => {
  const q = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
  const res = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; { time ${[rgPath, ...extra, ...rgArgs].map(q).join(' ')} >/dev/null ; } 2>&1`], { cwd: tree, encoding: 'utf8' });
  const [u, sy] = res.stdout.trim().split(/\s+/).slice(-2).map(Number);
  return (u + sy) * 1000;
};
const rg = [];
const rg1 = [];
const rgCpu = [];
for (let r = 0; r < RUNS; r++) {
  rg.push(rgRun([]).ms);
  rg1.push(rgRun(['-j1']).ms);
  rgCpu.push(rgCpuRun([]));
}
const rgMatches = rgRun([]).matches;

// the parse floor: read and parse every source file with its grammar, nothing else
const parsers = {};
for (const g of PARSED_LANGS) parsers[g] = await E.sharedParser(g);
const floorRuns = [];
const parsedFloorRuns = [];
for (let r = 0; r < RUNS; r++) {
  let t = performance.now();
  let markerOnly = 0;
  for (const f of sources) {
    const text = readFileSync(path.join(tree, f.p), 'utf8');
    const tr = parsers[f.cls.language].parse(text);
    tr.delete();
  }
  floorRuns.push(performance.now() - t);
  // the same, restricted to the files the scanner actually parses (those with a read marker)
  t = performance.now();
  for (const f of sources) {
    const text = readFileSync(path.join(tree, f.p), 'utf8');
    if (!E.mayRead(f.cls.language, text)) continue;
    const tr = parsers[f.cls.language].parse(text);
    tr.delete();
    markerOnly++;
  }
  parsedFloorRuns.push(performance.now() - t);
  parsedFloorRuns.count = markerOnly;
}

// incremental: one file edited in the editor, its env findings recomputed
const reader = new E.OverlayReader(new E.DiskReader(tree, config.maxFileSize));
const ws = await E.Workspace.open({ root: tree, config, trusted: false, areas: ['env'], reader });
await ws.analyze();
const target = sources.find((f) => f.cls.language === 'typescript')?.p ?? sources[0].p;
const original = readFileSync(path.join(tree, target), 'utf8');
const inc = [];
for (let i = 0; i < 60; i++) {
  reader.set(target, original + `\nexport const edited${i} = process.env.EDITED_${i % 5} ?? 'x';\n`);
  const t = performance.now();
  await ws.analyzeFile(target);
  inc.push(performance.now() - t);
}

const scan = median(scanRuns);
const out = {
  tree: given ? tree : `generated (${FILES} source files, ${LANGS.length} languages)`,
  files: files.length,
  sourceFiles: sources.length,
  parsedByScanner: parsedFloorRuns.count,
  parses: { perFileWithMarker: Number(parsesPerMarkedFile.toFixed(3)), ofFilesWithoutMarker: parsesOfUnmarked, maxPerFile, total: lastParses.total, filesWithMarker: withMarker.size },
  findings: scanReport.findings.length,
  envVars: scanReport.facts.envVars.length,
  ripgrepMatches: rgMatches,
  ms: {
    scan: Math.round(scan),
    scanCpu: Math.round(median(scanCpu)),
    ripgrepCpu: Math.round(median(rgCpu)),
    ripgrep: Math.round(median(rg)),
    ripgrepOneThread: Math.round(median(rg1)),
    parseFloorAllFiles: Math.round(median(floorRuns)),
    parseFloorFilesWithMarkers: Math.round(median(parsedFloorRuns)),
    incrementalMedian: Number(median(inc).toFixed(2)),
    incrementalP95: Number([...inc].sort((a, b) => a - b)[Math.floor(inc.length * 0.95)].toFixed(2)),
  },
  ratios: {
    scanVsRipgrep: Number((scan / median(rg)).toFixed(2)),
    scanVsRipgrepOneThread: Number((scan / median(rg1)).toFixed(2)),
    scanVsParseFloor: Number((scan / median(floorRuns)).toFixed(2)),
    scanCpuVsRipgrepCpu: Number((median(scanCpu) / median(rgCpu)).toFixed(2)),
  },
  targets: { scanVsRipgrep: '<= 3', parsesPerFileWithMarker: '1.0', parsesOfFilesWithoutMarker: 0, incrementalMs: '< 5' },
};
if (JSON_OUT) console.log(JSON.stringify(out, null, 2));
else {
  console.log(`env scan benchmark — ${out.tree}: ${out.files} files walked, ${out.sourceFiles} source files, ${out.parsedByScanner} parsed (had a read marker)`);
  console.log(`  full env scan (walk, read, parse, rules)   ${String(out.ms.scan).padStart(7)} ms   ${out.findings} findings, ${out.envVars} variables`);
  console.log(`  parses per file with a read marker         ${String(out.parses.perFileWithMarker.toFixed(2)).padStart(7)}      (target 1.0; ${out.parses.filesWithMarker} files, max ${out.parses.maxPerFile} per file)`);
  console.log(`  parses of files without a marker           ${String(out.parses.ofFilesWithoutMarker).padStart(7)}      (target 0)`);
  console.log(`  ripgrep, same patterns (all threads)       ${String(out.ms.ripgrep).padStart(7)} ms   scan/rg = ${out.ratios.scanVsRipgrep} (target <= 3)`);
  console.log(`  ripgrep, same patterns (-j1)               ${String(out.ms.ripgrepOneThread).padStart(7)} ms   scan/rg-j1 = ${out.ratios.scanVsRipgrepOneThread}`);
  console.log(`  CPU time: scan ${out.ms.scanCpu} ms vs ripgrep ${out.ms.ripgrepCpu} ms      scan/rg = ${out.ratios.scanCpuVsRipgrepCpu}`);
  console.log(`  tree-sitter parse floor (every file)       ${String(out.ms.parseFloorAllFiles).padStart(7)} ms   scan/floor = ${out.ratios.scanVsParseFloor}`);
  console.log(`  tree-sitter parse floor (marker files)     ${String(out.ms.parseFloorFilesWithMarkers).padStart(7)} ms`);
  console.log(`  incremental: one edited file               median ${out.ms.incrementalMedian} ms, p95 ${out.ms.incrementalP95} ms (target < 5)`);
}

// ── BENCH rows: medians of the runs above ──
{
  const treeText = `${out.tree}: ${out.files} files walked, ${out.sourceFiles} source files, ${out.parsedByScanner} with a read marker`;
  const counts = { label: 'findings (ours) / pattern matches (ripgrep)', ours: out.findings, baseline: out.ripgrepMatches };
  const scanStats = stats(scanRuns);
  report({
    area: 'env',
    name: `env scan of ${out.sourceFiles} source files vs ripgrep (same read patterns)`,
    ours: scanStats,
    baseline: { label: 'ripgrep, same patterns, all threads (child process)', kind: 'floor', ...stats(rg) },
    target: { text: '≤ 3× ripgrep', ratioAtMost: 3 },
    counts,
    notes: `${treeText}; ours is the full env analysis (walk, read, parse, rules) in-process with grammars loaded, ${out.findings} findings, ${out.envVars} variables; ripgrep only counts matches`,
  });
  report({
    area: 'env',
    name: 'parses per source file with a read marker (env analysis)',
    ours: { median: out.parses.perFileWithMarker, unit: 'parses', runs: 1 },
    target: { text: '1.0 per file with a marker', atMost: 1 },
    notes: `source service counter, one analysis: ${out.parses.total} parses for ${out.parses.filesWithMarker} files with a marker (max ${out.parses.maxPerFile} per file)`,
  });
  report({
    area: 'env',
    name: 'parses of source files without a read marker (env analysis)',
    ours: { median: out.parses.ofFilesWithoutMarker, unit: 'parses', runs: 1 },
    target: { text: '0', atMost: 0 },
    notes: `${out.sourceFiles - out.parses.filesWithMarker} source files without a marker`,
  });
  report({ area: 'env', name: 'env scan vs ripgrep -j1 (one thread)', ours: scanStats, baseline: { label: 'ripgrep -j1, same patterns (child process)', kind: 'floor', ...stats(rg1) }, counts });
  report({ area: 'env', name: 'env scan CPU time vs ripgrep CPU time', ours: stats(scanCpu), baseline: { label: 'ripgrep CPU time (user + system)', kind: 'floor', ...stats(rgCpu) }, notes: 'process CPU time: what each costs regardless of other load on the machine' });
  report({
    area: 'env',
    name: 'env scan vs tree-sitter parse floor (every source file)',
    ours: scanStats,
    baseline: { label: 'read + tree-sitter parse of every source file', kind: 'floor', ...stats(floorRuns) },
    notes: `parse floor of only the ${out.parsedByScanner} files with a read marker (what the scanner parses): median ${out.ms.parseFloorFilesWithMarkers} ms`,
  });
  report({
    area: 'env',
    name: 'per-file re-analysis after an edit (env findings of one file)',
    ours: stats(inc),
    target: { text: '< 5 ms (median)', atMost: 5 },
    notes: `${inc.length} edits of one TypeScript file in the open workspace, analyzeFile() in-process`,
  });
}
if (!given && !args.includes('--keep')) rmSync(tree, { recursive: true, force: true });
else if (!given) console.log(`tree kept at ${tree}`);
