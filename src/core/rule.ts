import type { Area, Finding, Fix, Location, Range, Severity } from './model';

/** Peer tools whose names for the same check users already know. */
export type PeerTool =
  | 'squawk'
  | 'strong_migrations'
  | 'eugene'
  | 'pgfence'
  | 'atlas'
  | 'django-migration-linter'
  | 'oasdiff'
  | 'openapi-diff'
  | 'graphql-inspector'
  | 'buf'
  | 'dotenv-linter'
  | 'eslint-plugin-turbo'
  | 'dotenvx';

export const PEER_TOOLS: readonly PeerTool[] = [
  'squawk',
  'strong_migrations',
  'eugene',
  'pgfence',
  'atlas',
  'django-migration-linter',
  'oasdiff',
  'openapi-diff',
  'graphql-inspector',
  'buf',
  'dotenv-linter',
  'eslint-plugin-turbo',
  'dotenvx',
];

/** Areas of rules: the analysis areas plus `engine` (the run itself, e.g. an analyzer that failed). */
export type RuleArea = Area | 'engine';

/** Metadata every rule declares. The catalog, the `rules` command, docs and README are generated from it. */
export interface RuleMeta {
  /** `<area>/<kebab-name>` */
  id: string;
  /** The area of the rule's findings; `engine` rules (a failed analysis) report in the area that failed. */
  area: RuleArea;
  defaultSeverity: Severity;
  /** One line, imperative or descriptive, no trailing period. */
  summary: string;
  /** Repository-relative docs page: docs/rules/<area>/<name>.md */
  docs: string;
  equivalents?: Partial<Record<PeerTool, string[]>>;
  /** Opt-in rules run only when enabled in the config. */
  optIn?: boolean;
  /**
   * The rule compares the merge base with head (a variable new on the branch, an API change, a
   * migration edited after deploy): its findings are introduced by the change by definition.
   */
  comparesBase?: boolean;
}

export interface RuleInit {
  id: string;
  defaultSeverity: Severity;
  summary: string;
  equivalents?: Partial<Record<PeerTool, string[]>>;
  optIn?: boolean;
  comparesBase?: boolean;
}

export interface Rule extends RuleMeta {
  /** Builds a finding of this rule; severity defaults to the rule's default (config overrides apply later). */
  finding(init: {
    message: string;
    file: string;
    range: Range;
    severity?: Severity;
    related?: Location[];
    fixes?: Fix[];
    data?: Finding['data'];
    /** The finding's area when the rule's own area is `engine` (default: checklist). */
    area?: Area;
  }): Finding;
}

export function defineRule(init: RuleInit): Rule {
  const slash = init.id.indexOf('/');
  const area = init.id.slice(0, slash) as RuleArea;
  if (!/^(migration|env|api|checklist|engine)\/[a-z0-9]+(-[a-z0-9]+)*$/.test(init.id)) {
    throw new Error(`invalid rule id ${init.id}`);
  }
  const docs = `docs/rules/${area}/${init.id.slice(slash + 1)}.md`;
  const meta: RuleMeta = { ...init, area, docs };
  return {
    ...meta,
    finding(f) {
      const out: Finding = {
        ruleId: meta.id,
        area: f.area ?? (area === 'engine' ? 'checklist' : area),
        severity: f.severity ?? meta.defaultSeverity,
        message: f.message,
        file: f.file,
        range: f.range,
        docs,
      };
      if (f.related?.length) out.related = f.related;
      if (f.fixes?.length) out.fixes = f.fixes;
      if (f.data) out.data = f.data;
      return out;
    },
  };
}

/** The metadata part only (for JSON output). */
export function metaOf(rule: RuleMeta): RuleMeta {
  const { id, area, defaultSeverity, summary, docs, equivalents, optIn, comparesBase } = rule;
  const m: RuleMeta = { id, area, defaultSeverity, summary, docs };
  if (equivalents && Object.keys(equivalents).length) m.equivalents = equivalents;
  if (optIn) m.optIn = true;
  if (comparesBase) m.comparesBase = true;
  return m;
}
