import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { format, FORMATS } from '../../../src/core/format';
import { DiskReader, type FileReader, type ReadResult } from '../../../src/core/reader';
import { branchRepo, removeTree, cli } from '../helpers';

/**
 * Values never leave the machine's files: a canary planted in `.env` files, in source defaults and
 * in an example file appears in no output of any format, and `.env` files are never even read.
 */
describe('env secrets: values never appear in any output', () => {
  // Distinct canaries so a failure says which source leaked.
  const DOTENV = 'CANARYdotenv7f3a9b2c41d8e6';
  const LOCAL = 'CANARYlocal5e1d7c9a3b2f40';
  const SOURCE = 'CANARYsource2b8e4f6a1c9d35';
  const EXAMPLE_TOKEN = 'ghp_' + 'Zq8Xw2Lm4Np6Rs1Tv3Yb5Cd7Ef9Gh0Jk2Mn4P';
  let repo: string;
  before(() => {
    repo = branchRepo(
      { '.env.example': 'DATABASE_URL=\n', 'src/db.ts': 'export const db = process.env.DATABASE_URL;\n' },
      {
        // committed on the branch on purpose: env/dotenv-committed fires on it, by name only
        '.env': `DATABASE_URL=postgres://u:${DOTENV}@db/app\nSTRIPE_KEY=${DOTENV}\n`,
        '.env.local': `STRIPE_KEY=${LOCAL}\n`,
        '.env.example': `DATABASE_URL=\nGITHUB_TOKEN=${EXAMPLE_TOKEN}\nNEXT_PUBLIC_API_SECRET=\n`,
        'src/pay.ts': `export const k = process.env.STRIPE_KEY ?? "${SOURCE}";\nexport const s = process.env.NEXT_PUBLIC_API_SECRET;\nexport const g = process.env.GITHUB_TOKEN;\n`,
        'app/settings.py': `import os\nKEY = os.getenv("STRIPE_KEY", "${SOURCE}")\n`,
      },
    );
  });
  after(() => removeTree(repo));

  const leaks = (text: string) => [DOTENV, LOCAL, SOURCE, EXAMPLE_TOKEN].filter((c) => text.includes(c));

  for (const fmt of FORMATS) {
    it(`the CLI's ${fmt} output contains no planted value and still names the variables`, async () => {
      const r = await cli(['check', '--base', 'main', '--format', fmt], repo);
      assert.ok(r.code === 0 || r.code === 1, `${fmt}: exit ${r.code}: ${r.stderr}`);
      assert.deepEqual(leaks(r.stdout + r.stderr), [], `${fmt} output leaks a value`);
      const out = r.stdout.replace(/\\_/g, '_'); // markdown escapes underscores
      assert.match(out, /STRIPE_KEY/, `${fmt} names the variable`);
      assert.match(out, /GITHUB_TOKEN/, `${fmt} names the secret-looking example entry`);
    });
  }

  it('the engine never reads a .env file, and the report (facts and fixes included) holds no value', async () => {
    const read: string[] = [];
    const disk = new DiskReader(repo, 1e6);
    const recording: FileReader = {
      read(rel: string): Promise<ReadResult> {
        read.push(rel);
        return disk.read(rel);
      },
    };
    const ws = await Workspace.open({ root: repo, config: defaultConfig(), reader: recording, trusted: true, baseRef: 'main' });
    const report = await ws.analyze();
    assert.ok(report.findings.some((f) => f.ruleId === 'env/dotenv-committed' && f.file === '.env'));
    assert.ok(report.findings.some((f) => f.ruleId === 'env/secret-in-example'));
    assert.deepEqual(read.filter((p) => /(^|\/)\.env(\.local)?$/.test(p)), [], '.env files are never read');
    assert.deepEqual(leaks(JSON.stringify(report)), []);
    for (const fmt of FORMATS) assert.deepEqual(leaks(format(report, fmt)), [], fmt);
    // per-file analysis of a source with a default value leaks nothing either
    assert.deepEqual(leaks(JSON.stringify(await ws.analyzeFile('src/pay.ts'))), []);
  });
});
