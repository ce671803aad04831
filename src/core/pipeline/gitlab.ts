import { isMap, isScalar, type Node } from 'yaml';
import type { Range } from '../model';
import type { Job, Pipeline, Step, Triggers } from './model';
import { YamlDoc } from './yamlDoc';

/** Top-level keys of `.gitlab-ci.yml` that are not jobs. */
const RESERVED = new Set([
  'stages', 'variables', 'include', 'default', 'workflow', 'image', 'services', 'before_script', 'after_script',
  'cache', 'types', 'spec',
]);
const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];
const SECURITY_TEMPLATE = /(^|\/)(Security|Jobs)\/(SAST|Dependency-Scanning|Container-Scanning|Secret-Detection|DAST|License-Scanning|SAST-IaC)[\w.-]*\.gitlab-ci\.yml$/i;

/** Reads GitLab CI configuration (`.gitlab-ci.yml`, or a file it includes with `include: local`). */
export function readGitlab(file: string, text: string): Pipeline {
  const y = new YamlDoc(text);
  const p: Pipeline = { file, system: 'gitlab', jobs: [], triggers: {}, problems: [...y.errors], opaque: [], includes: [], templateScans: [], text };
  if (y.errors.length) return p;
  const root = y.root;
  if (!root || !isMap(root)) {
    if (root) p.problems.push({ message: 'GitLab CI configuration must be a mapping of jobs', range: y.range(root) });
    return p;
  }
  const stages = y.get(root, 'stages') ? y.strings(y.get(root, 'stages')) : DEFAULT_STAGES;
  const allStages = ['.pre', ...stages.filter((s) => s !== '.pre' && s !== '.post'), '.post'];
  readIncludes(y, y.pair(root, 'include'), p);
  const workflow = y.get(root, 'workflow');
  if (workflow) p.triggers = rulesTriggers(y, y.get(workflow, 'rules'));
  const entries = y.entries(root);
  const byKey = new Map(entries.map((e) => [e.key, e.value]));
  /** A job's key, following `extends` (nearest definition wins). */
  const lookup = (value: Node | undefined, key: string, depth = 0): { node: Node | undefined; pair?: ReturnType<YamlDoc['pair']> } => {
    const own = y.pair(value, key);
    if (own || depth > 5) return { node: own ? y.resolve(own.value) : undefined, pair: own };
    const parents = y.strings(y.get(value, 'extends'));
    for (let i = parents.length - 1; i >= 0; i--) {
      const r = lookup(byKey.get(parents[i]), key, depth + 1);
      if (r.pair) return r;
    }
    return { node: undefined };
  };
  for (const { key, value, pair } of entries) {
    if (RESERVED.has(key) || key.startsWith('.') || !isMap(value)) continue;
    const job: Job = {
      id: key,
      keyRange: y.keyRange(pair),
      range: { start: y.range(pair.key).start, end: y.range(value).end },
      bodyIndent: y.indentOf(value),
      steps: [],
      needs: [],
      triggers: p.triggers,
    };
    const stage = y.str(lookup(value, 'stage').node) ?? 'test';
    job.stage = stage;
    job.stageIndex = allStages.indexOf(stage) >= 0 ? allStages.indexOf(stage) : allStages.length;
    for (const k of ['before_script', 'script', 'after_script']) {
      const { node } = lookup(value, k);
      if (!node) continue;
      const lines = y.strings(node);
      if (!lines.length) continue;
      job.steps.push({ name: k, run: lines.join('\n'), range: y.range(node), runRange: y.range(node), inputs: {} });
    }
    const release = lookup(value, 'release');
    if (release.pair) job.steps.push({ name: 'release', uses: 'gitlab-release', range: y.range(release.pair.key), inputs: {} });
    const needs = lookup(value, 'needs');
    if (needs.pair) {
      job.needs = y.items(needs.node).map((n) => (isMap(n) ? y.str(y.get(n, 'job')) : y.str(n))).filter((s): s is string => !!s);
      job.needsRange = y.range(needs.node);
    }
    const env = lookup(value, 'environment').node;
    if (env) {
      const name = isMap(env) ? y.str(y.get(env, 'name')) : y.str(env);
      const tier = isMap(env) ? y.str(y.get(env, 'deployment_tier')) : undefined;
      const action = isMap(env) ? y.str(y.get(env, 'action')) : undefined;
      if (name && action !== 'stop' && action !== 'prepare' && action !== 'access') job.environment = { name: tier ? `${name} (${tier})` : name, range: y.range(env) };
    }
    const when = lookup(value, 'when');
    if (y.str(when.node) === 'manual') job.manual = { range: y.range(when.node), how: 'when: manual' };
    const rules = lookup(value, 'rules').node;
    if (rules) {
      for (const r of y.items(rules)) {
        const w = y.pair(r, 'when');
        if (w && y.str(w.value) === 'manual' && !job.manual) job.manual = { range: y.range(w.value), how: 'rules: when: manual' };
      }
      job.triggers = { ...p.triggers, ...rulesTriggers(y, rules) };
    }
    const only = lookup(value, 'only').node;
    if (only) job.triggers = { ...job.triggers, ...onlyTriggers(y, only) };
    const af = lookup(value, 'allow_failure');
    if (af.pair && (y.bool(af.node) === true || (af.node && isMap(af.node)))) job.allowFailure = { range: y.range(af.node), keyRange: y.keyRange(af.pair) };
    const rg = lookup(value, 'resource_group');
    if (rg.pair) job.concurrency = y.keyRange(rg.pair);
    const trigger = y.get(value, 'trigger');
    if (trigger) {
      const inc = isMap(trigger) ? y.get(trigger, 'include') : undefined;
      const generated = inc && y.items(inc).some((i) => y.get(i, 'artifact'));
      const project = isMap(trigger) ? y.str(y.get(trigger, 'project')) : y.str(trigger);
      job.opaque = {
        reason: generated
          ? `job "${key}" runs a child pipeline generated at run time (trigger: include: artifact); it cannot be read statically`
          : project
            ? `job "${key}" triggers the pipeline of ${project}; it is not in this repository`
            : `job "${key}" triggers a child pipeline`,
        range: y.keyRange(y.pair(value, 'trigger')!),
      };
      if (!generated && !project && inc) for (const i of y.items(inc)) {
        const local = y.str(y.get(i, 'local')) ?? y.str(i);
        if (local && !local.includes('$')) p.includes.push({ path: local.replace(/^\//, ''), range: y.range(i) });
      }
      if (!generated && !project && inc) delete job.opaque;
    }
    p.jobs.push(job);
  }
  return p;
}

function readIncludes(y: YamlDoc, pair: ReturnType<YamlDoc['pair']>, p: Pipeline): void {
  if (!pair) return;
  for (const item of y.items(pair.value)) {
    const r: Range = y.range(item);
    if (isScalar(item)) {
      const s = y.str(item) ?? '';
      if (/^https?:/.test(s)) p.opaque.push({ reason: `include of a remote file (${s}) cannot be read here`, range: r });
      else if (s.includes('$')) p.opaque.push({ reason: `include with a variable (${s}) is resolved at run time`, range: r });
      else p.includes.push({ path: s.replace(/^\//, ''), range: r });
      continue;
    }
    const local = y.str(y.get(item, 'local'));
    const template = y.str(y.get(item, 'template'));
    const remote = y.str(y.get(item, 'remote'));
    const project = y.str(y.get(item, 'project'));
    const component = y.str(y.get(item, 'component'));
    if (local) {
      if (local.includes('$') || local.includes('*')) p.opaque.push({ reason: `include of ${local} is resolved at run time`, range: r });
      else p.includes.push({ path: local.replace(/^\//, ''), range: r });
    } else if (template && SECURITY_TEMPLATE.test(template)) p.templateScans.push({ name: template, range: r });
    else if (template) p.opaque.push({ reason: `GitLab template ${template} defines jobs that are not in this repository`, range: r });
    else if (remote) p.opaque.push({ reason: `include of a remote file (${remote}) cannot be read here`, range: r });
    else if (project) p.opaque.push({ reason: `include from project ${project} is not in this repository`, range: r });
    else if (component) {
      if (/(sast|dependency-scanning|container-scanning|secret-detection)/i.test(component)) p.templateScans.push({ name: component, range: r });
      else p.opaque.push({ reason: `CI/CD component ${component} defines jobs that are not in this repository`, range: r });
    }
  }
}

const MR = /\$CI_PIPELINE_SOURCE\s*==\s*["']merge_request_event["']|\$CI_MERGE_REQUEST_(IID|ID)\b/;
const BRANCH = /\$CI_COMMIT_(BRANCH|REF_NAME)\s*==\s*(["']([^"']+)["']|\$CI_DEFAULT_BRANCH)/;

/** What `rules: - if:` clauses say about when a job (or the whole pipeline) runs. */
function rulesTriggers(y: YamlDoc, rules: Node | undefined): Triggers {
  const t: Triggers = {};
  const ifs = y.items(rules).map((r) => ({ cond: y.str(y.get(r, 'if')) ?? '', never: y.str(y.get(r, 'when')) === 'never' }));
  if (!ifs.length) return t;
  const running = ifs.filter((r) => !r.never);
  if (running.some((r) => r.cond === '')) return t; // an unconditional rule: runs everywhere
  t.pullRequest = running.some((r) => MR.test(r.cond));
  const branches: string[] = [];
  let anyBranch = false;
  for (const r of running) {
    const m = BRANCH.exec(r.cond);
    if (m) branches.push(m[3] ?? '$CI_DEFAULT_BRANCH');
    else if (/\$CI_COMMIT_BRANCH\b/.test(r.cond) && !/==/.test(r.cond)) anyBranch = true;
    else if (/\$CI_COMMIT_TAG\b/.test(r.cond) && !/==|=~/.test(r.cond.replace(/\$CI_COMMIT_TAG\s*(==|=~)/, ''))) continue;
    else if (!MR.test(r.cond)) anyBranch = true;
  }
  t.pushBranches = anyBranch ? undefined : branches;
  t.tagsOnly = !t.pullRequest && !anyBranch && !branches.length && running.some((r) => /\$CI_COMMIT_TAG\b/.test(r.cond));
  return t;
}

function onlyTriggers(y: YamlDoc, only: Node): Triggers {
  const refs = isMap(only) ? y.strings(y.get(only, 'refs')) : y.strings(only);
  if (!refs.length) return {};
  const t: Triggers = { pullRequest: refs.includes('merge_requests') };
  const branches = refs.filter((r) => !['merge_requests', 'tags', 'branches', 'pushes', 'web', 'schedules', 'api', 'triggers', 'pipelines', 'external'].includes(r));
  t.pushBranches = refs.includes('branches') || refs.includes('pushes') ? undefined : branches;
  t.tagsOnly = refs.length === 1 && refs[0] === 'tags';
  return t;
}

export type { Step };
