import type { Node } from 'yaml';

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
/**
 * The YAML parser, loaded on first use: most repositories have no configuration file, and a command
 * served from the CLI's report cache (or the editor's extension host at activation) then never
 * initialises it.
 */
function yaml(): Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('yaml') as Yaml);
}
import { LineIndex } from './text';
import type { Notice, Range, Scope, Severity } from './model';
import { list, mapOf, num, obj, oneOf, RESERVED_KEYS, str, validate, type Schema } from './schema';
import { migrationDefaults, migrationSchema, type MigrationSettings } from './migrations/settings';
import { envDefaults, envSchema, type EnvSettings } from './env/settings';
import { apiDefaults, apiSchema, type ApiSettings } from './api/settings';
import { checklistDefaults, checklistSchema, type ChecklistSettings } from './checklist/settings';

import { CONFIG_FILE } from './configFile';
export { CONFIG_FILE };

export type RuleSetting = Severity | 'off';
export type FailOn = 'error' | 'warning' | 'never';

export interface Config {
  /** Base branch or ref to compare with (merge base of HEAD and it). */
  base?: string;
  failOn: FailOn;
  /** Which findings decide the verdict and exit code: "new" (introduced by the branch, default) or "all". */
  scope: Scope;
  /** Globs (workspace-relative) never analysed, on top of .gitignore and vendor folders. */
  exclude: string[];
  /** Files larger than this many bytes are skipped with a notice. */
  maxFileSize: number;
  /** Per-rule severity override or "off"; opt-in rules need an entry to run. */
  rules: Record<string, RuleSetting>;
  migrations: MigrationSettings;
  env: EnvSettings;
  api: ApiSettings;
  checklist: ChecklistSettings;
}

export const configSchema: Schema = obj('Deploy Readiness configuration', {
  base: str('Base branch or ref'),
  failOn: oneOf('Lowest severity that fails the CLI', ['error', 'warning', 'never']),
  scope: oneOf('Findings that decide the verdict: new (introduced by the branch) or all', ['new', 'all']),
  exclude: list('Globs never analysed', str('glob')),
  maxFileSize: num('Largest file analysed, in bytes', { min: 1, integer: true }),
  rules: mapOf('Severity per rule id, or off', oneOf('severity', ['error', 'warning', 'info', 'off'])),
  migrations: migrationSchema,
  env: envSchema,
  api: apiSchema,
  checklist: checklistSchema,
});

export function defaultConfig(): Config {
  return structuredClone({
    failOn: 'error',
    scope: 'new',
    exclude: [],
    maxFileSize: 2 * 1024 * 1024,
    rules: {},
    migrations: migrationDefaults,
    env: envDefaults,
    api: apiDefaults,
    checklist: checklistDefaults,
  } satisfies Config);
}

export interface ConfigProblem extends Notice {
  file: string;
  range: Range;
}

export interface LoadedConfig {
  config: Config;
  problems: ConfigProblem[];
  /** Stable hash input: the normalised config, for caches. */
  key: string;
}

/**
 * Parses and validates `.deploy-readiness.yaml`. Invalid keys are reported with their position
 * and ignored; the rest of the file still applies.
 */
export function parseConfig(text: string, file = CONFIG_FILE): LoadedConfig {
  // logLevel: yaml's own warnings (collection keys…) would go to stderr; problems are reported below.
  const doc = yaml().parseDocument(text, { prettyErrors: false, logLevel: 'error' });
  const problems: ConfigProblem[] = [];
  // Positions as the editor counts lines (CRLF, LF and a lone CR each end a line); yaml's own
  // LineCounter only knows LF, which put ranges past the end of the line in CR-only files.
  const index = new LineIndex(text);
  const rangeOfOffsets = (a: number, b: number): Range => index.rangeOf(a, b);
  for (const err of doc.errors) {
    problems.push({ level: 'error', file, message: `${file}: ${err.message.split('\n')[0]}`, range: rangeOfOffsets(err.pos[0], err.pos[1]) });
  }
  let raw: unknown = {};
  if (doc.errors.length === 0) {
    try {
      raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
    } catch (e) {
      problems.push({ level: 'error', file, message: `${file}: ${(e as Error).message}`, range: rangeOfOffsets(0, 0) });
      raw = {};
    }
  }
  const config = defaultConfig();
  const issues = [...validate(configSchema, raw), ...excludeIssues(raw)];
  const bad = new Set(issues.map((i) => i.path));
  for (const issue of issues) {
    const node = nodeAt(doc.contents as Node | null, issue.path, !!issue.onKey || issue.message.startsWith('unknown key'));
    const r = node?.range ? rangeOfOffsets(node.range[0], node.range[1]) : rangeOfOffsets(0, 0);
    problems.push({ level: 'error', file, message: `${file}: ${issue.path}: ${issue.message}`, range: r });
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) mergeValid(config as unknown as Record<string, unknown>, raw as Record<string, unknown>, '', bad);
  // Rule ids are looked up by name: a null prototype, so `rules[id]` never finds Object.prototype's members.
  config.rules = Object.assign(Object.create(null) as Record<string, RuleSetting>, config.rules);
  return { config, problems, key: JSON.stringify(config) };
}

/**
 * `exclude` globs that cannot be what was meant: an empty pattern (picomatch throws on it, far from
 * the config file) and a bare negation like `!`, which matches every path and would exclude everything.
 */
function excludeIssues(raw: unknown): { path: string; message: string; onKey?: boolean }[] {
  const list = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { exclude?: unknown }).exclude : undefined;
  if (!Array.isArray(list)) return [];
  const out: { path: string; message: string; onKey?: boolean }[] = [];
  list.forEach((g, i) => {
    if (typeof g !== 'string') return;
    if (g.trim() === '') out.push({ path: `exclude[${i}]`, message: 'an empty glob matches nothing: remove it' });
    else if (/^!+$/.test(g.trim())) out.push({ path: `exclude[${i}]`, message: `"${g}" is a negation of nothing, which would exclude every file: write the glob to exclude (e.g. "docs/**")` });
  });
  return out;
}

/**
 * Copies valid values over the defaults: mappings merge, lists and scalars replace. Only own
 * properties are read and written (as data properties), so no key reaches a prototype.
 */
function mergeValid(target: Record<string, unknown>, src: Record<string, unknown>, path: string, bad: Set<string>): void {
  for (const k of Object.keys(src)) {
    if (RESERVED_KEYS.has(k)) continue;
    const v = src[k];
    const cur = Object.hasOwn(target, k) ? target[k] : undefined;
    const p = path ? `${path}.${k}` : k;
    const mergeable = isObject(v) && isObject(cur);
    if (bad.has(p) || [...bad].some((b) => b.startsWith(p + '.') || b.startsWith(p + '['))) {
      if (mergeable) mergeValid(cur, v, p, bad);
      continue;
    }
    if (mergeable) mergeValid(cur, v, p, bad);
    else Object.defineProperty(target, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The YAML node at a dotted path: the key itself when `wantKey` (unknown keys), else the value. */
function nodeAt(root: Node | null, path: string, wantKey: boolean): Node | undefined {
  const { isMap, isSeq } = yaml();
  if (!root || path === '(root)') return root ?? undefined;
  let node: unknown = root;
  const parts = path.split(/\.|(?=\[)/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.startsWith('[')) {
      if (!isSeq(node)) return node as Node;
      node = node.items[Number(part.slice(1, -1))];
      continue;
    }
    if (!isMap(node)) return node as Node;
    const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === part);
    if (!pair) return node as Node;
    const last = i === parts.length - 1;
    node = last && wantKey ? pair.key : ((pair.value as Node | null)?.range ? pair.value : pair.key);
  }
  return node as Node;
}

/** Severity of a rule after config overrides; undefined when off (or opt-in and not enabled). */
export function effectiveSeverity(config: Config, ruleId: string, defaultSeverity: Severity, optIn = false): Severity | undefined {
  const s = Object.hasOwn(config.rules, ruleId) ? config.rules[ruleId] : undefined;
  if (s === 'off') return undefined;
  if (s) return s;
  return optIn ? undefined : defaultSeverity;
}
