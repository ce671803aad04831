// The physical floor of a whole-repository check: list the files, read each one, and parse the
// ones the engine parses with the same parsers (libpg-query for migrations, tree-sitter for
// JavaScript/TypeScript, `yaml` for OpenAPI documents). No rules, no findings, no report.
// Run as a script (`node bench/lib/floor.mjs <dir>`) for a cold-process figure; import
// `parseFloor` for a warm in-process one.
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));

let loaded;
async function load() {
  loaded ??= (async () => {
    const pg = require('libpg-query');
    await pg.loadModule();
    const ts = require('@vscode/tree-sitter-wasm');
    const wasmDir = path.dirname(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.js'));
    await ts.Parser.init({ locateFile: (f) => path.join(wasmDir, f) });
    const langs = {};
    for (const g of ['javascript', 'typescript', 'tsx']) langs[g] = await ts.Language.load(await fs.readFile(path.join(wasmDir, `tree-sitter-${g}.wasm`)));
    const yaml = require('yaml');
    return { pg, ts, langs, yaml };
  })();
  return loaded;
}

async function list(dir, rel = '', out = []) {
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== 'node_modules') await list(dir, r, out);
    } else if (e.isFile()) out.push(r);
  }
  return out;
}

const LANG = { js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx' };

export async function parseFloor(dir) {
  const { pg, ts, langs, yaml } = await load();
  const files = await list(dir);
  const counts = { files: files.length, sql: 0, sqlErrors: 0, source: 0, yaml: 0 };
  for (const rel of files) {
    const text = await fs.readFile(path.join(dir, rel), 'utf8');
    const ext = rel.slice(rel.lastIndexOf('.') + 1);
    if (ext === 'sql' && /(^|\/)migrations?\//.test(rel)) {
      counts.sql++;
      try {
        pg.parseSync(text);
      } catch {
        counts.sqlErrors++;
      }
    } else if (LANG[ext]) {
      counts.source++;
      const p = new ts.Parser();
      p.setLanguage(langs[LANG[ext]]);
      p.parse(text)?.delete();
      p.delete();
    } else if ((ext === 'yaml' || ext === 'yml' || ext === 'json') && /(^|\n)["']?(openapi|swagger)["']?\s*:/.test(text.slice(0, 4096))) {
      counts.yaml++;
      yaml.parseDocument(text, { lineCounter: new yaml.LineCounter() });
    }
  }
  return counts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  parseFloor(path.resolve(process.argv[2])).then((c) => console.log(JSON.stringify(c)));
}
