import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from '../helpers';

/** Every .ts file under a folder, recursively. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The import graph among the files of a folder: relative imports, type-only ones and re-exports included. */
export function importGraph(dir: string): Map<string, string[]> {
  const files = new Set(tsFiles(dir));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
    const targets: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), fileName);
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => files.has(c));
      if (hit) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The cycles found by a depth-first walk, each as the list of files around it. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return found;
}

describe('migrations: module structure', () => {
  const dir = path.join(REPO_ROOT, 'src', 'core', 'migrations');

  it('the walk finds a cycle when there is one (a → b → a), and none in a chain', () => {
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['a']]])), [['a', 'b', 'a']]);
    assert.deepEqual(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]])), []);
  });

  it('no import cycle among src/core/migrations (type-only imports and re-exports count)', () => {
    const graph = importGraph(dir);
    assert.ok(graph.size > 15, `read ${graph.size} files`);
    assert.ok(graph.get(path.join(dir, 'lint.ts'))?.includes(path.join(dir, 'rules', 'index.ts')), 'the graph sees lint.ts → rules/index.ts');
    assert.ok(graph.get(path.join(dir, 'rules', 'index.ts'))?.includes(path.join(dir, 'rules', 'indexes.ts')), 'and rules/index.ts → rules/indexes.ts');
    const rel = (p: string) => path.relative(dir, p);
    assert.deepEqual(cycles(graph).map((c) => c.map(rel).join(' → ')), []);
  });

  it('ops.ts (the operation model) imports nothing from the linter and re-exports nothing', () => {
    const text = readFileSync(path.join(dir, 'ops.ts'), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, false);
    assert.deepEqual(importedFiles.map((f) => f.fileName).filter((f) => f.startsWith('./')), []);
    assert.doesNotMatch(text, /^export\s*(\*|\{[^}]*\})\s*from/m);
  });
});
