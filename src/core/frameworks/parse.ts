import type { Parser as TSParser, Tree } from '@vscode/tree-sitter-wasm';
import { parserFor, type Grammar } from '../treesitter';
import { emptyFile, type DslFile, type Framework } from './dsl';

const parsers = new Map<Grammar, Promise<TSParser>>();

/** One parser per grammar for the process (parsing is synchronous, so it is never shared mid-parse). */
async function parser(g: Grammar): Promise<TSParser> {
  let p = parsers.get(g);
  if (!p) {
    p = parserFor(g).then((x) => x.parser);
    parsers.set(g, p);
  }
  return p;
}

/** Parses `text` and runs `extract` on the tree; the tree is freed afterwards. */
export async function parseWith(g: Grammar, text: string, extract: (tree: Tree) => DslFile, framework: Framework): Promise<DslFile> {
  const p = await parser(g);
  const tree = p.parse(text);
  if (!tree) return { ...emptyFile(framework), errors: [{ start: 0, end: Math.min(1, text.length) }] };
  try {
    return extract(tree);
  } finally {
    tree.delete();
  }
}

/** Only parses (the benchmark's floor). */
export async function parseOnly(g: Grammar, text: string): Promise<boolean> {
  const p = await parser(g);
  const tree = p.parse(text);
  const ok = !!tree && !tree.rootNode.hasError;
  tree?.delete();
  return ok;
}
