import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Language as TSLanguage, Parser as TSParser } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';

/**
 * Tree-sitter grammars from @vscode/tree-sitter-wasm, loaded lazily and once per process.
 * Bundled builds carry the .wasm files in `<bundle dir>/wasm/`; unbundled runs use node_modules.
 * Callers name a language by the one language enum (`SourceLanguage`); the grammar file behind it
 * is this module's business.
 */
const GRAMMAR_FILE: Partial<Record<SourceLanguage, string>> = {
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  python: 'python',
  ruby: 'ruby',
  go: 'go',
  rust: 'rust',
  java: 'java',
  php: 'php',
  csharp: 'c-sharp',
  shell: 'bash',
};

type Module = typeof import('@vscode/tree-sitter-wasm');

let modulePromise: Promise<Module> | undefined;
const languages = new Map<string, Promise<TSLanguage>>();
const parsers = new Map<string, Promise<TSParser>>();

/** Whether the language has a tree-sitter grammar here. */
export function hasGrammar(lang: SourceLanguage): boolean {
  return lang in GRAMMAR_FILE;
}

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

async function grammar(lang: SourceLanguage): Promise<TSLanguage> {
  const file = GRAMMAR_FILE[lang];
  if (!file) throw new Error(`no tree-sitter grammar for ${lang}`);
  let p = languages.get(file);
  if (!p) {
    p = loadModule().then((mod) => mod.Language.load(fs.readFileSync(path.join(wasmDir(), `tree-sitter-${file}.wasm`))));
    languages.set(file, p);
  }
  return p;
}

/**
 * The process's one parser for the language. Parsing is synchronous, so calls never interleave on
 * a thread; the parser is never deleted.
 */
export function sharedParser(lang: SourceLanguage): Promise<TSParser> {
  const file = GRAMMAR_FILE[lang];
  if (!file) return Promise.reject(new Error(`no tree-sitter grammar for ${lang}`));
  let p = parsers.get(file);
  if (!p) {
    p = (async () => {
      const mod = await loadModule();
      const parser = new mod.Parser();
      parser.setLanguage(await grammar(lang));
      return parser;
    })();
    parsers.set(file, p);
  }
  return p;
}
