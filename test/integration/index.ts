import * as path from 'node:path';
import * as fs from 'node:fs';

/**
 * Entry point loaded by the extension host (code-server offline runner or @vscode/test-electron).
 * Runs the mocha suite named by DR_SUITE (trusted | restricted) and reports its counts.
 */
export async function run(): Promise<void> {
  // mocha is resolved from the repository's node_modules at run time (not bundled).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof import('mocha');
  const suite = process.env.DR_SUITE === 'restricted' ? 'restricted' : 'trusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec' });
  const file = path.join(__dirname, `${suite}.test.js`);
  if (!fs.existsSync(file)) throw new Error(`missing suite ${file}`);
  mocha.addFile(file);
  for (const extra of ['panel.test.js']) mocha.addFile(path.join(__dirname, extra)); // runs in both suites; each file picks its cases by trust
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`DR-RESULT passed=${runner.stats?.passes ?? 0} failed=${failures}`);
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
  });
}
