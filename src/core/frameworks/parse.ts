import type { Tree } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import { withParse } from '../source/service';
import { emptyFile, type DslFile, type Framework } from './dsl';

/** Parses `text` through the source service (one parse per analysis) and runs `extract` on the tree. */
export async function parseWith(lang: SourceLanguage, text: string, extract: (tree: Tree) => DslFile, framework: Framework, file?: string): Promise<DslFile> {
  const r = await withParse(lang, text, file, (p) => extract(p.tree));
  return r ?? { ...emptyFile(framework), errors: [{ start: 0, end: Math.min(1, text.length) }] };
}

/** Only parses (the benchmark's floor); not memoised, so each call parses. */
export async function parseOnly(lang: SourceLanguage, text: string): Promise<boolean> {
  return (await withParse(lang, text, undefined, (p) => !p.root.hasError, { keep: false })) ?? false;
}
