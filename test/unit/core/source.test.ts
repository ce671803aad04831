import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { scanSource, scanWrapperCalls } from '../../../src/core/env/scanner';
import { OverlayReader, DiskReader } from '../../../src/core/reader';
import { forgetParses, parseCounts, resetParseCounts } from '../../../src/core/source/service';
import { scratchDirs } from '../helpers';

/** Parses per file since the last reset, as `file=count`, sorted. */
const counts = () => [...parseCounts().byFile].map(([f, n]) => `${f}=${n}`).sort();

describe('source service: one parse per file per analysis', () => {
  const { tree } = scratchDirs();
  const files = {
    '.env.example': 'DATABASE_URL=\nSMTP_HOST=\n',
    // reads the environment, defines a wrapper, calls it, and reads a flag: env scan, wrapper
    // resolution, stale-flag rule and the checklist's flag facts all need its tree
    'src/env.ts': [
      "import posthog from 'posthog-js';",
      'export const env = (name: string) => process.env[name];',
      "export const db = process.env.DATABASE_URL ?? 'x';",
      "export const host = env('SMTP_HOST');",
      "export const on = posthog.isFeatureEnabled('new-ui');",
      '',
    ].join('\n'),
    // no env marker, calls the wrapper: parsed once, for the wrapper resolution
    'src/mail.ts': "import { env } from './env';\nexport const port = env('SMTP_PORT');\n",
    // nothing to find: never parsed
    'src/plain.ts': 'export const add = (a: number, b: number) => a + b;\n',
    'app/settings.py': "import os\nSECRET = os.environ['APP_SECRET']\n",
  };

  it('a full analysis parses each file with a marker once and files without none; the next analysis parses again, once', async () => {
    const dir = tree(files);
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false });
    resetParseCounts();
    const r = await ws.analyze();
    assert.deepEqual(counts(), ['app/settings.py=1', 'src/env.ts=1', 'src/mail.ts=1']);
    // the three consumers were fed from those parses
    assert.ok(r.facts.envVars.some((v) => v.name === 'SMTP_PORT'), 'read through the wrapper in a file without a marker');
    assert.ok(r.facts.envVars.some((v) => v.name === 'DATABASE_URL'));
    const config = defaultConfig();
    config.checklist.staleFlags.rolledOut = ['new-ui'];
    const ws2 = await Workspace.open({ root: dir, config, trusted: false });
    resetParseCounts();
    const r2 = await ws2.analyze();
    assert.ok(r2.findings.some((f) => f.ruleId === 'checklist/stale-feature-flag' && f.data?.flag === 'new-ui'));
    assert.deepEqual(counts(), ['app/settings.py=1', 'src/env.ts=1', 'src/mail.ts=1']);
    resetParseCounts();
    await ws2.analyze();
    assert.ok(counts().every((c) => c.endsWith('=1')), counts().join(' '));
  });

  it('in the editor, an edit of a file with a marker that calls a wrapper parses it once', async () => {
    const dir = tree(files);
    const reader = new OverlayReader(new DiskReader(dir, 1 << 20));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader, areas: ['env'] });
    await ws.analyze();
    for (let i = 0; i < 3; i++) {
      reader.set('src/env.ts', files['src/env.ts'] + `export const x${i} = env('EDITED_${i}') ?? process.env.OTHER_${i};\n`);
      resetParseCounts();
      const found = await ws.analyzeFile('src/env.ts');
      assert.deepEqual(counts(), ['src/env.ts=1']);
      assert.ok(found.some((f) => f.data?.variable === `EDITED_${i}`), `EDITED_${i}`);
    }
  });

  it('the memo is per content: the same text is parsed once until forgotten', async () => {
    forgetParses();
    resetParseCounts();
    const text = "const a = process.env.A;\nexport const env = (n: string) => process.env[n];\nenv('B');\n";
    await scanSource('typescript', text, 'a.ts');
    await scanSource('typescript', text, 'a.ts');
    const w = (await scanSource('typescript', text, 'a.ts')).wrappers ?? [];
    assert.deepEqual((await scanWrapperCalls('typescript', text, w, 'a.ts')).reads.map((x) => x.name), ['B']);
    assert.equal(parseCounts().byFile.get('a.ts'), 1);
    forgetParses();
    await scanSource('typescript', text, 'a.ts');
    assert.equal(parseCounts().byFile.get('a.ts'), 2);
  });

  it('ranges of env reads and wrapper calls use the one position mapping (lone CR, CRLF, UTF-16 columns)', async () => {
    forgetParses();
    const text = "export const env = (n: string) => process.env[n];\r\n// note\rconst s = '😀'; const a = env('WRAPPED') ?? process.env.DIRECT;\n";
    const scan = await scanSource('typescript', text, 'b.ts');
    const direct = scan.reads.find((r) => r.name === 'DIRECT')!;
    const wrapped = (await scanWrapperCalls('typescript', text, scan.wrappers ?? [], 'b.ts')).reads[0];
    const line = text.split(/\r\n|\r|\n/)[2];
    assert.equal(direct.range.start.line, 2);
    assert.equal(line.slice(direct.range.start.character, direct.range.end.character), 'DIRECT');
    assert.equal(wrapped.range.start.line, 2);
    assert.equal(line.slice(wrapped.range.start.character, wrapped.range.end.character), 'WRAPPED');
  });
});
