import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Language as TSLanguage, Parser as TSParser } from '@vscode/tree-sitter-wasm';

/**
 * Tree-sitter grammars from @vscode/tree-sitter-wasm, loaded lazily and once per process.
 * Bundled builds carry the .wasm files in `<bundle dir>/wasm/`; unbundled runs use node_modules.
 */
export type Grammar =
  | 'javascript'
  | 'typescript'
  | 'tsx'
  | 'python'
  | 'ruby'
  | 'go'
  | 'rust'
  | 'java'
  | 'php'
  | 'c-sharp'
  | 'bash';

type Module = typeof import('@vscode/tree-sitter-wasm');

let modulePromise: Promise<Module> | undefined;
const languages = new Map<Grammar, Promise<TSLanguage>>();

export function wasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  // Unbundled (tests): resolve from node_modules. createRequire keeps bundlers from inlining the lookup.
  return path.dirname(createRequire(__filename).resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter.js'));
}

async function loadModule(): Promise<Module> {
  modulePromise ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@vscode/tree-sitter-wasm') as Module;
    const dir = wasmDir();
    await mod.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return mod;
  })();
  return modulePromise;
}

export async function language(g: Grammar): Promise<TSLanguage> {
  let p = languages.get(g);
  if (!p) {
    p = loadModule().then((mod) => mod.Language.load(fs.readFileSync(path.join(wasmDir(), `tree-sitter-${g}.wasm`))));
    languages.set(g, p);
  }
  return p;
}

/** A parser for the grammar. Parsers are cheap; callers should `delete()` trees they keep. */
export async function parserFor(g: Grammar): Promise<{ parser: TSParser; lang: TSLanguage; mod: Module }> {
  const mod = await loadModule();
  const lang = await language(g);
  const parser = new mod.Parser();
  parser.setLanguage(lang);
  return { parser, lang, mod };
}
