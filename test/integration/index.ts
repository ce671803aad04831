import * as path from 'node:path';
import * as fs from 'node:fs';

/**
 * Entry point loaded by the extension host (code-server offline runner or @vscode/test-electron).
 * Runs the mocha suite named by DR_SUITE: `trusted` (trusted.test.js first, then every other
 * *.test.js but the Restricted Mode and bench ones), `restricted` (restricted*.test.js) or `bench`
 * (bench*.test.js, a generated 10,000-file repository), and reports its counts.
 */
export async function run(): Promise<void> {
  // mocha is resolved from the repository's node_modules at run time (not bundled).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof import('mocha');
  const suite = process.env.DR_SUITE === 'restricted' ? 'restricted' : process.env.DR_SUITE === 'bench' ? 'bench' : 'trusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec' });
  const BOTH = ['panel.test.js', 'prompts.test.js'];
  const all = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  const files =
    suite === 'trusted'
      ? ['trusted.test.js', ...all.filter((f) => f !== 'trusted.test.js' && !f.startsWith('restricted') && !f.startsWith('bench'))]
      : suite === 'restricted'
        ? [...all.filter((f) => f.startsWith('restricted')), ...BOTH] // files in BOTH pick their cases by trust
        : all.filter((f) => f.startsWith(suite));
  for (const f of files) {
    const file = path.join(__dirname, f);
    if (!fs.existsSync(file)) throw new Error(`missing suite ${file}`);
    mocha.addFile(file);
  }
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`DR-RESULT passed=${runner.stats?.passes ?? 0} failed=${failures}`);
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
  });
}
