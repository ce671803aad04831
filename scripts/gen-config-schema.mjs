// Writes schemas/deploy-readiness.schema.json from the config definitions in src/core (the table
// the validator uses). `--check` exits 1 when the committed file is stale.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const built = await esbuild.build({
  stdin: { contents: "export { configJsonSchema, CONFIG_SCHEMA_PATH } from './src/core/configSchema';", resolveDir: root, loader: 'ts', sourcefile: 'gen-config-schema-entry.ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  packages: 'external',
  logLevel: 'warning',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', built.outputFiles[0].text)(mod, mod.exports, require);
const { configJsonSchema, CONFIG_SCHEMA_PATH } = mod.exports;
const file = path.join(root, CONFIG_SCHEMA_PATH);
const text = JSON.stringify(configJsonSchema(), null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current !== text) {
    console.error(`${CONFIG_SCHEMA_PATH} is out of date: run \`node scripts/gen-config-schema.mjs\``);
    process.exit(1);
  }
} else {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${CONFIG_SCHEMA_PATH}`);
}
