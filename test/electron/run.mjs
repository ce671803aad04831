// npm run test:electron: the same integration suite with @vscode/test-electron, for machines that
// can download a desktop VS Code build (it cannot run on the offline machines this project is
// developed on; there `npm test` uses code-server instead). Prints `N passed, N failed`.
import { runTests } from '@vscode/test-electron';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildExampleRepo, ROOT } from '../../scripts/fixture-workspace.mjs';

let passed = 0;
let failed = 0;
for (const suite of ['trusted', 'restricted']) {
  const ws = buildExampleRepo(`dr-electron-${suite}-`);
  try {
    await runTests({
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/index.js'),
      extensionTestsEnv: { DR_SUITE: suite },
      launchArgs: [ws, '--disable-extensions', ...(suite === 'trusted' ? ['--disable-workspace-trust'] : [])],
    });
    passed++;
  } catch (e) {
    console.error(`${suite} suite failed: ${e?.message ?? e}`);
    failed++;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}
console.log(`${passed} passed, ${failed} failed (suites)`);
process.exit(failed ? 1 : 0);
