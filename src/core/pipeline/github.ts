import { isMap, isScalar, isSeq } from 'yaml';
import type { Job, Pipeline, Step, Triggers } from './model';
import { YamlDoc } from './yamlDoc';

/** Reads a GitHub Actions workflow (`.github/workflows/*.yml`). */
export function readGithub(file: string, text: string): Pipeline {
  const y = new YamlDoc(text);
  const p: Pipeline = { file, system: 'github-actions', jobs: [], triggers: {}, problems: [...y.errors], opaque: [], includes: [], templateScans: [], text };
  if (y.errors.length) return p;
  const root = y.root;
  if (!root || !isMap(root)) {
    p.problems.push({ message: 'a workflow must be a mapping with `on` and `jobs`', range: y.range(root) });
    return p;
  }
  p.name = y.str(y.get(root, 'name'));
  const onPair = y.pair(root, 'on') ?? y.pair(root, 'true');
  if (onPair) {
    p.triggers = readTriggers(y, y.resolve(onPair.value));
    p.triggersRange = y.keyRange(onPair);
  }
  const conc = y.pair(root, 'concurrency');
  if (conc) p.concurrency = y.keyRange(conc);
  const jobs = y.get(root, 'jobs');
  if (!jobs || !isMap(jobs)) {
    p.problems.push({ message: 'the workflow has no `jobs` mapping', range: y.range(root) });
    return p;
  }
  for (const { key, value, pair } of y.entries(jobs)) {
    const job: Job = {
      id: key,
      name: y.str(y.get(value, 'name')),
      keyRange: y.keyRange(pair),
      range: { start: y.range(pair.key).start, end: y.range(value).end },
      bodyIndent: y.indentOf(value),
      steps: [],
      needs: [],
      triggers: p.triggers,
    };
    const needsPair = y.pair(value, 'needs');
    if (needsPair) {
      job.needs = y.strings(needsPair.value);
      job.needsRange = y.range(needsPair.value);
    }
    const env = y.get(value, 'environment');
    if (env) {
      const name = isMap(env) ? y.str(y.get(env, 'name')) : y.str(env);
      if (name) job.environment = { name, range: y.range(env) };
    }
    if (job.environment) job.manual = { range: job.environment.range, how: `environment "${job.environment.name}" (approval rules live in the repository settings)` };
    const coe = y.pair(value, 'continue-on-error');
    if (coe && y.bool(coe.value) === true) job.allowFailure = { range: y.range(coe.value), keyRange: y.keyRange(coe) };
    const jc = y.pair(value, 'concurrency');
    if (jc) job.concurrency = y.keyRange(jc);
    const uses = y.pair(value, 'uses');
    if (uses) {
      const ref = y.str(uses.value) ?? '';
      if (ref.startsWith('./')) job.calls = ref.replace(/^\.\//, '').replace(/@.*$/, '');
      else job.opaque = { reason: `job "${key}" calls the reusable workflow ${ref} from another repository; its steps cannot be read here`, range: y.range(uses.value) };
    }
    for (const s of y.items(y.get(value, 'steps'))) job.steps.push(readStep(y, s));
    p.jobs.push(job);
  }
  return p;
}

function readStep(y: YamlDoc, s: ReturnType<YamlDoc['resolve']>): Step {
  const step: Step = { range: y.range(s), inputs: {} };
  step.name = y.str(y.get(s, 'name'));
  const run = y.pair(s, 'run');
  if (run) {
    step.run = y.str(run.value);
    step.runRange = y.range(run.value);
  }
  const uses = y.pair(s, 'uses');
  if (uses) {
    step.uses = y.str(uses.value);
    step.usesRange = y.range(uses.value);
  }
  for (const { key, value, pair } of y.entries(y.get(s, 'with'))) {
    const v = y.str(value);
    if (v !== undefined) step.inputs[key] = { value: v, range: y.range(value), keyRange: y.keyRange(pair) };
  }
  const coe = y.pair(s, 'continue-on-error');
  if (coe && y.bool(coe.value) === true) step.continueOnError = { range: y.range(coe.value), keyRange: y.keyRange(coe) };
  return step;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group']);
const MANUAL_EVENTS = new Set(['workflow_dispatch', 'schedule', 'workflow_run', 'repository_dispatch', 'workflow_call', 'release', 'deployment']);

function readTriggers(y: YamlDoc, on: ReturnType<YamlDoc['resolve']>): Triggers {
  const t: Triggers = {};
  let events: string[];
  if (isScalar(on) || isSeq(on)) events = y.strings(on);
  else events = y.entries(on).map((e) => e.key);
  t.pullRequest = events.some((e) => PR_EVENTS.has(e));
  if (events.includes('push')) {
    const push = isMap(on) ? y.get(on, 'push') : undefined;
    const branches = push ? y.get(push, 'branches') : undefined;
    const tags = push ? y.get(push, 'tags') : undefined;
    if (branches) t.pushBranches = y.strings(branches);
    else if (tags) {
      t.pushBranches = [];
      t.tagsOnly = !t.pullRequest;
    }
  } else t.pushBranches = [];
  t.manualOnly = !t.pullRequest && (t.pushBranches?.length ?? 1) === 0 && !t.tagsOnly && events.some((e) => MANUAL_EVENTS.has(e));
  return t;
}
