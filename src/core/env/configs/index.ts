import type { Node as TSNode } from '@vscode/tree-sitter-wasm';
import type { SourceLanguage } from '../../classify';
import type { ConfigFacts } from '../deploy';
import type { DynamicRead, EnvRead } from '../scanner';
import { isSpringConfig, springConfigReads } from './spring';
import { appSettingsProvides, dotnetConfigReads, isAppSettings } from './dotnet';
import { goEnvStructReads, remapTable, type GoEnvTable } from './goenv';
import { LineIndex } from '../../text';
import type { Range } from '../../model';
import { pydanticReads } from './pydantic';
import { viperReads } from './viper';

/**
 * Reads by configuration libraries that name variables indirectly (struct tags with prefixes, key
 * binding, settings classes): run once per parsed file after the syntax walk. Each returns the
 * reads it derives and the `via` of the plain reads it replaces (a bare tag name that is really a
 * suffix under a prefix).
 */
export function configReads(lang: SourceLanguage, root: TSNode, text: string, reads: EnvRead[], dynamic: DynamicRead[]): { reads: EnvRead[]; dynamic: DynamicRead[]; goEnv?: GoEnvTable } {
  let goEnv: GoEnvTable | undefined;
  if (lang === 'go') {
    if (text.includes('env:"') || text.includes('caarlos0/env') || text.includes('env-prefix:"') || text.includes('envconfig') || text.includes('split_words:"')) {
      const r = goEnvStructReads(root);
      if (r) {
        reads = byPosition([...reads.filter((x) => x.via !== 'env tag'), ...r.reads]);
        dynamic = [...dynamic, ...r.dynamic];
        goEnv = /\r(?!\n)/.test(text) ? remapTable(r.table, loneCrMap(text)) : r.table;
      }
    }
    if (text.includes('spf13/viper')) {
      const r = viperReads(root);
      if (r) {
        reads = byPosition([...reads, ...r.reads]);
        dynamic = [...dynamic, ...r.dynamic];
      }
    }
  }
  if (lang === 'csharp' && /onfig/.test(text)) {
    const r = dotnetConfigReads(root);
    if (r.length) reads = byPosition([...reads, ...r]);
  }
  if (lang === 'python' && text.includes('BaseSettings')) {
    // replaces the scanner's own reading of direct BaseSettings subclasses
    const r = pydanticReads(root);
    reads = byPosition([...reads.filter((x) => x.via !== 'pydantic BaseSettings'), ...(r?.reads ?? [])]);
    if (r) dynamic = [...dynamic, ...r.dynamic];
  }
  return { reads, dynamic, ...(goEnv ? { goEnv } : {}) };
}

/** tree-sitter rows count "\n" only; the editor also breaks at a lone "\r" (as the scanner's fixLoneCr). */
function loneCrMap(text: string): (r: Range) => Range {
  const nl = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) nl.push(i + 1);
  const idx = new LineIndex(text);
  const at = (p: { line: number; character: number }) => idx.positionAt((nl[p.line] ?? text.length) + p.character);
  return (g) => ({ start: at(g.start), end: at(g.end) });
}

const byPosition = (reads: EnvRead[]) => reads.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

/** Application configuration files that read variables (Spring `application*.yml|properties`) or supply keys (.NET appsettings*.json): their path decides. */
export function isAppConfigFile(path: string): boolean {
  return isSpringConfig(path) || isAppSettings(path);
}

export function appConfigFacts(path: string, text: string): ConfigFacts {
  if (isAppSettings(path)) return { reads: [], dynamic: [], provides: appSettingsProvides(path, text), ci: [], notes: [] };
  const f = springConfigReads(path, text);
  return { reads: f.reads, dynamic: [], provides: [], ci: [], notes: f.notes };
}
