import { isMap } from 'yaml';
import type { Job, Pipeline, Step } from './model';
import { YamlDoc } from './yamlDoc';

/** Reads CircleCI configuration (`.circleci/config.yml`): each job of each workflow is a job. */
export function readCircleci(file: string, text: string): Pipeline {
  const y = new YamlDoc(text);
  const p: Pipeline = { file, system: 'circleci', jobs: [], triggers: {}, problems: [...y.errors], opaque: [], includes: [], templateScans: [], text };
  if (y.errors.length) return p;
  const root = y.root;
  if (!root || !isMap(root)) {
    p.problems.push({ message: 'CircleCI configuration must be a mapping', range: y.range(root) });
    return p;
  }
  const setup = y.pair(root, 'setup');
  if (setup && y.bool(setup.value)) {
    p.opaque.push({ reason: 'dynamic configuration (setup: true): the pipeline that runs is generated at run time', range: y.keyRange(setup) });
    return p;
  }
  const defs = y.get(root, 'jobs');
  const workflows = y.get(root, 'workflows');
  for (const wf of y.entries(workflows)) {
    if (wf.key === 'version' || !isMap(wf.value)) continue;
    for (const item of y.items(y.get(wf.value, 'jobs'))) {
      let ref: string | undefined;
      let params: ReturnType<YamlDoc['resolve']>;
      let keyRange = y.range(item);
      if (isMap(item)) {
        const e = y.entries(item)[0];
        if (!e) continue;
        ref = e.key;
        params = e.value;
        keyRange = y.keyRange(e.pair);
      } else ref = y.str(item);
      if (!ref) continue;
      const id = y.str(y.get(params, 'name')) ?? ref;
      const job: Job = { id, name: ref !== id ? ref : undefined, keyRange, range: y.range(item), steps: [], needs: y.strings(y.get(params, 'requires')), triggers: {} };
      const req = y.get(params, 'requires');
      if (req) job.needsRange = y.range(req);
      job.bodyIndent = undefined;
      if (y.str(y.get(params, 'type')) === 'approval') {
        job.isApprovalGate = true;
        job.manual = { range: keyRange, how: 'approval job' };
      }
      const branches = y.get(y.get(params, 'filters'), 'branches');
      const only = y.get(branches, 'only');
      if (only) job.triggers = { pushBranches: y.strings(only), pullRequest: false };
      const tags = y.get(y.get(params, 'filters'), 'tags');
      if (tags && y.strings(y.get(branches, 'ignore')).some((b) => b === '/.*/')) job.triggers = { tagsOnly: true, pushBranches: [] };
      const ctxName = y.strings(y.get(params, 'context')).join(' ');
      const def = y.get(defs, ref);
      if (def) {
        job.name ??= y.str(y.get(def, 'name'));
        for (const s of y.items(y.get(def, 'steps'))) job.steps.push(readStep(y, s));
        const env = y.get(def, 'environment');
        void env;
      } else if (ref.includes('/')) {
        // An orb job: only its name is known.
        job.steps.push({ name: ref, uses: ref, range: keyRange, inputs: {} });
      }
      if (/\b(prod|production|staging|stage)\b/i.test(ctxName.replace(/[-_]/g, ' '))) job.environment = { name: ctxName, range: keyRange };
      p.jobs.push(job);
    }
  }
  if (!p.jobs.length && defs) {
    // Old configs with jobs and no workflows run the job named `build`.
    for (const { key, value, pair } of y.entries(defs)) {
      const job: Job = { id: key, keyRange: y.keyRange(pair), range: y.range(value), steps: [], needs: [], triggers: {} };
      for (const s of y.items(y.get(value, 'steps'))) job.steps.push(readStep(y, s));
      p.jobs.push(job);
    }
  }
  return p;
}

function readStep(y: YamlDoc, s: ReturnType<YamlDoc['resolve']>): Step {
  const step: Step = { range: y.range(s), inputs: {} };
  if (!isMap(s)) {
    step.uses = y.str(s); // checkout, setup_remote_docker, orb commands
    return step;
  }
  const [e] = y.entries(s);
  if (!e) return step;
  if (e.key === 'run') {
    if (isMap(e.value)) {
      step.name = y.str(y.get(e.value, 'name'));
      const cmd = y.pair(e.value, 'command');
      if (cmd) {
        step.run = y.str(cmd.value);
        step.runRange = y.range(cmd.value);
      }
      const when = y.str(y.get(e.value, 'when'));
      if (when === 'always') step.continueOnError = { range: y.range(e.value), keyRange: y.keyRange(e.pair) };
    } else {
      step.run = y.str(e.value);
      step.runRange = y.range(e.value);
    }
  } else {
    step.uses = e.key;
    for (const inp of y.entries(e.value)) {
      const v = y.str(inp.value);
      if (v !== undefined) step.inputs[inp.key] = { value: v, range: y.range(inp.value), keyRange: y.keyRange(inp.pair) };
    }
  }
  return step;
}
