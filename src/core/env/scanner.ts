import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../classify';
import type { Range } from '../model';
import { parserFor, type Grammar } from '../treesitter';

export type ReadKind = 'required' | 'optional' | 'default';

export interface EnvRead {
  name: string;
  kind: ReadKind;
  range: Range;
}

export interface DynamicRead {
  range: Range;
}

export interface ScanResult {
  reads: EnvRead[];
  dynamic: DynamicRead[];
  /** Set when the grammar reported errors: the file was still scanned where it parsed. */
  hasErrors: boolean;
}

const GRAMMAR: Partial<Record<SourceLanguage, Grammar>> = {
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
};

export function scannable(lang: SourceLanguage): boolean {
  return lang in GRAMMAR;
}

function rangeOf(n: TSNode): Range {
  return {
    start: { line: n.startPosition.row, character: n.startPosition.column },
    end: { line: n.endPosition.row, character: n.endPosition.column },
  };
}

/** Is `n` the expression `process.env` (or `import.meta.env`)? */
function isEnvObject(n: TSNode | null): boolean {
  if (!n || n.type !== 'member_expression') return false;
  const obj = n.childForFieldName('object');
  const prop = n.childForFieldName('property');
  if (!obj || !prop || prop.text !== 'env') return false;
  return (obj.type === 'identifier' && obj.text === 'process') || obj.type === 'meta_property' || obj.text === 'import.meta';
}

/** How the value of a read is used: with a `??`/`||` fallback it has a default. */
function kindOfUse(n: TSNode): ReadKind {
  const parent = n.parent;
  if (parent?.type === 'binary_expression') {
    const op = parent.childForFieldName('operator')?.text;
    if ((op === '??' || op === '||') && parent.childForFieldName('left')?.id === n.id) return 'default';
  }
  return 'required';
}

/**
 * Finds environment reads in JavaScript/TypeScript with the tree-sitter grammar: member access,
 * string subscripts and destructuring of `process.env`; computed subscripts are dynamic.
 */
export async function scanSource(lang: SourceLanguage, text: string): Promise<ScanResult> {
  const g = GRAMMAR[lang];
  if (!g) return { reads: [], dynamic: [], hasErrors: false };
  const { parser } = await parserFor(g);
  const tree = parser.parse(text);
  parser.delete();
  if (!tree) return { reads: [], dynamic: [], hasErrors: true };
  const reads: EnvRead[] = [];
  const dynamic: DynamicRead[] = [];
  try {
    const cursor = tree.walk();
    let done = false;
    while (!done) {
      const n = cursor.currentNode;
      if (n.type === 'member_expression' && isEnvObject(n.childForFieldName('object'))) {
        const prop = n.childForFieldName('property');
        if (prop) reads.push({ name: prop.text, kind: kindOfUse(n), range: rangeOf(prop) });
      } else if (n.type === 'subscript_expression' && isEnvObject(n.childForFieldName('object'))) {
        const idx = n.childForFieldName('index');
        const str = idx?.type === 'string' ? idx.namedChildren.find((c) => c?.type === 'string_fragment') : undefined;
        if (str) reads.push({ name: str.text, kind: kindOfUse(n), range: rangeOf(str) });
        else dynamic.push({ range: rangeOf(n) });
      } else if (n.type === 'variable_declarator' && isEnvObject(n.childForFieldName('value'))) {
        const pattern = n.childForFieldName('name');
        if (pattern?.type === 'object_pattern') {
          for (const c of pattern.namedChildren) {
            if (!c) continue;
            if (c.type === 'shorthand_property_identifier_pattern') reads.push({ name: c.text, kind: 'required', range: rangeOf(c) });
            else if (c.type === 'pair_pattern') {
              const key = c.childForFieldName('key');
              const value = c.childForFieldName('value');
              if (key) reads.push({ name: key.text.replace(/^['"]|['"]$/g, ''), kind: value?.type === 'assignment_pattern' ? 'default' : 'required', range: rangeOf(key) });
            } else if (c.type === 'object_assignment_pattern') {
              const left = c.childForFieldName('left');
              if (left) reads.push({ name: left.text, kind: 'default', range: rangeOf(left) });
            }
          }
        }
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
      }
    }
    cursor.delete();
    return { reads, dynamic, hasErrors: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}
