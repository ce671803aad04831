import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { AnalysisContext } from './analyzer';
import { readText } from './reader';

const EMPTY: ReadonlyMap<string, string> = new Map();

/**
 * The root package.json's `scripts` (name → command), for every analysis that needs them (CI steps
 * that run `npm run x`, smoke commands for the plan): parsed once per content of the file. Empty when
 * there is no package.json or it holds no object of strings; its parse errors are reported by the
 * analyzers that own the file, not here.
 */
export async function packageScripts(ctx: AnalysisContext): Promise<ReadonlyMap<string, string>> {
  if (!ctx.files.some((f) => f.path === 'package.json')) return EMPTY;
  const text = await readText(ctx.reader, 'package.json', () => undefined);
  if (text === undefined) return EMPTY;
  const key = 'npm-scripts:package.json';
  const cached = ctx.cache.get(key) as { text: string; scripts: ReadonlyMap<string, string> } | undefined;
  if (cached?.text === text) return cached.scripts;
  const scripts = new Map<string, string>();
  const root = parseTree(text);
  const node = root && findNodeAtLocation(root, ['scripts']);
  for (const prop of node?.type === 'object' ? (node.children ?? []) : []) {
    const [k, v] = prop.children ?? [];
    if (k?.type === 'string' && v?.type === 'string') scripts.set(String(k.value), String(v.value));
  }
  ctx.cache.set(key, { text, scripts });
  return scripts;
}
