import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { DiskReader, OverlayReader } from '../../../src/core/reader';
import { Workspace } from '../../../src/core/engine';
import { closeScanPool, scanJobsSent, scanThreadsRunning, setScanThreads } from '../../../src/core/env/parallel';
import { markerMatches, mayRead } from '../../../src/core/env/scanner';
import type { SourceLanguage } from '../../../src/core/classify';
import type { Report } from '../../../src/core/model';
import { parseCounts, resetParseCounts } from '../../../src/core/source/service';
import { branchRepo, scratchDirs } from '../helpers';

/**
 * A corpus large enough for the scan threads to start (more than the first files scanned on the
 * analysis's own thread), in several languages, with project helpers (wrappers, one a wrapper of a
 * wrapper), a Go config struct, guarded reads, a file with syntax errors and one that is not UTF-8.
 */
function corpus(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {
    '.env.example': Array.from({ length: 40 }, (_, i) => `DECLARED_${i}=`).join('\n') + '\nAPP_SECRET=\n',
    'src/lib/env.ts': "export const env = (name: string) => process.env[name];\nexport const need = (name: string) => { const v = env(name); if (!v) throw new Error(name); return v; };\n",
    'app/helpers.py': 'import os\n\ndef get_bool_from_env(name):\n    return os.environ[name]\n',
    'cmd/config.go': 'package main\n\nimport "github.com/kelseyhightower/envconfig"\n\ntype Config struct {\n\tPort int `envconfig:"PORT" default:"8080"`\n\tDB string `envconfig:"DB_URL" required:"true"`\n}\n\nfunc load() { var c Config; envconfig.Process("APP", &c) }\n',
    'src/broken.ts': 'const x = process.env.BROKEN_VAR ?? ;\nfunction (\n',
    'src/latin1.ts': Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0x3d, 0x31, 0x0a]),
  };
  for (let i = 0; i < 150; i++) {
    const v = `VAR_${i % 60}`;
    switch (i % 6) {
      case 0:
        files[`src/mod${i}/a.ts`] = `import { env, need } from '../lib/env';\nexport const a = process.env.${v} ?? 3000;\nexport const b = env('HELPER_${i % 7}');\nexport const c = need('NEEDED_${i % 5}');\nif (process.env.FEATURE_${i % 3}) { console.log(process.env.GATED_${i % 4}); }\n`;
        break;
      case 1:
        files[`app/mod${i}.py`] = `import os\nfrom app.helpers import get_bool_from_env\nA = os.environ["${v}"]\nB = os.getenv("OPT_${i % 9}", "x")\nC = get_bool_from_env("PY_FLAG_${i % 4}")\n`;
        break;
      case 2:
        files[`pkg/m${i}/m.go`] = `package m\n\nimport "os"\n\nfunc F() string { x := os.Getenv("${v}"); if v, ok := os.LookupEnv("GO_OPT_${i % 3}"); ok { return v }; return x }\n`;
        break;
      case 3:
        files[`lib/m${i}.rb`] = `A = ENV.fetch("${v}")\nB = ENV["RB_OPT_${i % 5}"] || "d"\n`;
        break;
      case 4:
        files[`scripts/s${i}.sh`] = `#!/bin/sh\nset -u\n: "\${${v}:?missing}"\necho "\${SH_DEFAULT_${i % 3}:-x}"\n`;
        break;
      default:
        // no marker: only a call to the helper (parsed for the wrapper resolution alone)
        files[`src/plain${i}.ts`] = `import { env } from './lib/env';\nexport const p = env('PLAIN_${i % 8}');\nexport const q = (a: number) => a + ${i};\n`;
    }
  }
  // distinct texts (the source service parses a text once per thread, whichever file it is)
  for (const [p, t] of Object.entries(files)) if (typeof t === 'string' && !p.startsWith('.')) files[p] = t + (/\.(py|rb|sh)$/.test(p) ? `# ${p}\n` : `// ${p}\n`);
  return files;
}

/** The report without its timing (the one part that differs from run to run). */
const stable = (r: Report) => JSON.stringify({ ...r, timing: undefined });

describe('env scan on threads: the same findings as on one thread', function () {
  this.timeout(120_000);
  const { tree, keep } = scratchDirs();
  afterEach(() => {
    setScanThreads(undefined);
    closeScanPool();
  });

  async function analyze(root: string, threads: number, base?: string): Promise<{ report: Report; parses: Map<string, number> }> {
    // threads start after 4 KB of marker text here (the default, 1 MB, is more than this corpus)
    setScanThreads(threads, { inlineBytes: 4096 });
    const ws = await Workspace.open({ root, config: defaultConfig(), trusted: !!base, ...(base ? { baseRef: base } : {}) });
    resetParseCounts();
    const report = await ws.analyze();
    ws.close();
    return { report, parses: new Map(parseCounts().byFile) };
  }

  it('a corpus scanned on two threads gives a byte-identical report to one thread, parsing each file once', async () => {
    const dir = tree(corpus());
    const one = await analyze(dir, 0);
    assert.equal(scanThreadsRunning(), 0);
    const two = await analyze(dir, 2);
    assert.equal(scanThreadsRunning(), 2, 'the threads started');
    // the corpus exercises what it should: reads through both helpers, the Go struct, notices
    const names = new Set(one.report.facts.envVars.map((v) => v.name));
    for (const n of ['VAR_0', 'HELPER_0', 'NEEDED_0', 'PLAIN_1', 'PY_FLAG_1', 'APP_PORT', 'APP_DB_URL', 'RB_OPT_0', 'SH_DEFAULT_1', 'GO_OPT_2']) assert.ok(names.has(n), n);
    assert.ok(one.report.notices.some((n) => n.file === 'src/broken.ts'));
    assert.ok(one.report.findings.length > 20);
    assert.equal(stable(two.report), stable(one.report));
    // once per file, wherever it was parsed (the threads report their parses)
    assert.deepEqual([...two.parses].filter(([, n]) => n !== 1), []);
    assert.deepEqual([...two.parses.keys()].sort(), [...one.parses.keys()].sort());
    // warm threads, again: the same
    const again = await analyze(dir, 2);
    assert.equal(stable(again.report), stable(one.report));
    assert.deepEqual([...again.parses].filter(([, n]) => n !== 1), []);
  });

  it('on a branch (the merge base scanned too) the report is the same on threads', async () => {
    const base = corpus();
    const head = { ...base, 'src/mod0/a.ts': String(base['src/mod0/a.ts']) + 'export const n = process.env.NEW_ON_BRANCH;\n' };
    const dir = keep(branchRepo(base as Record<string, string>, head as Record<string, string>));
    const one = await analyze(dir, 0, 'main');
    const two = await analyze(dir, 2, 'main');
    assert.ok(one.report.findings.some((f) => f.data?.variable === 'NEW_ON_BRANCH'));
    assert.equal(stable(two.report), stable(one.report));
  });

  it('a repository with little marker text starts no thread (its parses cost less than a thread start)', async () => {
    const dir = tree(corpus());
    closeScanPool();
    setScanThreads(2);
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
    const r = await ws.analyze();
    assert.ok(r.facts.envVars.length > 50);
    assert.equal(scanThreadsRunning(), 0);
  });

  it('with threads running, the editor re-scans an edited file on its own thread (no wait for a thread), with the same findings', async () => {
    const dir = tree(corpus());
    const files = corpus();
    const findingsOf = async (threads: number) => {
      setScanThreads(threads, { inlineBytes: 4096 });
      const reader = new OverlayReader(new DiskReader(dir, 1 << 20));
      const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader, areas: ['env'] });
      await ws.analyze();
      const sent = scanJobsSent();
      if (threads) assert.ok(scanThreadsRunning() > 0);
      reader.set('src/mod0/a.ts', String(files['src/mod0/a.ts']) + "export const e = process.env.EDITED ?? env('EDITED_HELPER');\n");
      const found = await ws.analyzeFile('src/mod0/a.ts');
      assert.equal(scanJobsSent(), sent, 'no job for the edited file went to a thread');
      // a file without a marker that calls a helper: its calls are scanned here too
      reader.set('src/plain5.ts', String(files['src/plain5.ts']) + "export const f = env('EDITED_PLAIN');\n");
      const plain = await ws.analyzeFile('src/plain5.ts');
      assert.equal(scanJobsSent(), sent);
      found.push(...plain);
      return JSON.stringify(found);
    };
    const two = await findingsOf(2);
    assert.match(two, /EDITED_HELPER/);
    assert.match(two, /EDITED_PLAIN/);
    assert.equal(two, await findingsOf(0));
  });

  it('threads that stop (closed mid-analysis) leave their files to this thread: same report', async () => {
    const dir = tree(corpus());
    const one = await analyze(dir, 0);
    setScanThreads(2, { inlineBytes: 4096 });
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
    const running = ws.analyze();
    // let the first files go to the threads, then stop them
    await new Promise((r) => setTimeout(r, 50));
    closeScanPool();
    assert.equal(stable(await running), stable(one.report));
  });
});

describe('env scan prefilter: the substring gates never hide a read marker', () => {
  const LANGS: SourceLanguage[] = ['javascript', 'typescript', 'tsx', 'python', 'ruby', 'go', 'rust', 'java', 'php', 'csharp', 'shell', 'kotlin'];
  // every marker syntax, near misses, and filler, combined at random (a fixed seed)
  const pieces = [
    'process.env.X', 'process?.env', 'process .env', 'import.meta.env', 'Bun.env', 'Deno.env', "from '$env/dynamic/private'", 'cleanEnv(', 'createEnv({', '.env', 'env',
    'os.environ', 'environ', 'getenv(', 'BaseSettings', 'ENV["X"]', 'ENVY', 'MY_ENV', 'ENV', 'os.Getenv("X")', 'os.LookupEnv', '`env:"X"`', 'envconfig:"X"', 'envconfig.MustProcess',
    'envconfig.Process', 'caarlos0/env', 'spf13/viper', 'split_words:"true"', 'env::var("X")', 'env!("X")', 'dotenvy::var', 'dotenv::var', 'System.getenv', '@Value("${X}")',
    '$_ENV', '$_SERVER', 'env(', ' env (', 'GetEnvironmentVariable', 'IConfiguration config', '${HOME}', '$X', '$x', '${#A}', '$', '{', '"', 'x', ' ', '\n', '.', '(', ':', '_',
  ];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  it('on 3,000 random texts per language, mayRead is true exactly when the marker expression matches', () => {
    let matched = 0;
    for (const lang of LANGS) {
      for (let k = 0; k < 3000; k++) {
        const text = Array.from({ length: 1 + rand(6) }, () => pieces[rand(pieces.length)]).join(rand(2) ? '' : ' ');
        const want = markerMatches(lang, text);
        if (want) matched++;
        assert.equal(mayRead(lang, text), want, `${lang}: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(matched > 3000, `the texts hit markers (${matched})`);
  });
});
