// npm run bench: runs every bench/<area>.mjs in turn (each prints its own figures and ratios).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(2);
let failed = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs') && n !== 'run.mjs').sort()) {
  if (only.length && !only.some((o) => f.startsWith(o))) continue;
  console.log(`\n━━ bench/${f}`);
  const r = spawnSync(process.execPath, [path.join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
