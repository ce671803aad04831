// Runs every benchmark in bench/ (each prints its own figures and ratios).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
let failed = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.mjs') && x !== 'run.mjs').sort()) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [path.join(dir, f), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
