import { isMap } from 'yaml';
import type { Job, Pipeline, Step, Triggers } from './model';
import { YamlDoc } from './yamlDoc';

/** Reads an Azure Pipelines file: stages → jobs/deployments → steps (or a single implicit job). */
export function readAzure(file: string, text: string): Pipeline {
  const y = new YamlDoc(text);
  const p: Pipeline = { file, system: 'azure', jobs: [], triggers: {}, problems: [...y.errors], opaque: [], includes: [], templateScans: [], text };
  if (y.errors.length) return p;
  const root = y.root;
  if (!root || !isMap(root)) {
    p.problems.push({ message: 'an Azure pipeline must be a mapping', range: y.range(root) });
    return p;
  }
  const ext = y.pair(root, 'extends');
  if (ext) {
    p.opaque.push({ reason: 'the pipeline extends a template; its stages are defined there', range: y.keyRange(ext) });
    return p;
  }
  p.triggers = triggers(y, root);
  const tp = y.pair(root, 'trigger') ?? y.pair(root, 'pr');
  if (tp) p.triggersRange = y.keyRange(tp);
  const stages = y.get(root, 'stages');
  if (stages) {
    y.items(stages).forEach((st, i) => {
      const tpl = y.pair(st, 'template');
      if (tpl) {
        p.opaque.push({ reason: `stage template ${y.str(tpl.value) ?? ''} is not read`, range: y.range(tpl.value) });
        return;
      }
      const name = y.str(y.get(st, 'stage')) ?? `stage${i}`;
      readJobs(y, p, y.get(st, 'jobs'), name, i);
    });
  } else if (y.get(root, 'jobs')) readJobs(y, p, y.get(root, 'jobs'), undefined, 0);
  else if (y.get(root, 'steps')) {
    const sp = y.pair(root, 'steps')!;
    p.jobs.push({ id: 'job', keyRange: y.keyRange(sp), range: y.range(sp.value), steps: y.items(sp.value).map((s) => readStep(y, p, s)), needs: [], triggers: p.triggers });
  }
  return p;
}

function readJobs(y: YamlDoc, p: Pipeline, jobs: ReturnType<YamlDoc['get']>, stage: string | undefined, stageIndex: number): void {
  for (const j of y.items(jobs)) {
    const tpl = y.pair(j, 'template');
    if (tpl) {
      p.opaque.push({ reason: `job template ${y.str(tpl.value) ?? ''} is not read`, range: y.range(tpl.value) });
      continue;
    }
    const kp = y.pair(j, 'deployment') ?? y.pair(j, 'job');
    if (!kp) continue;
    const id = y.str(kp.value) ?? 'job';
    const job: Job = { id, name: y.str(y.get(j, 'displayName')), keyRange: y.range(kp.value), range: y.range(j), steps: [], needs: y.strings(y.get(j, 'dependsOn')), triggers: p.triggers, stage, stageIndex };
    const env = y.get(j, 'environment');
    if (env) {
      const name = isMap(env) ? y.str(y.get(env, 'name')) : y.str(env);
      if (name) {
        job.environment = { name, range: y.range(env) };
        job.manual = { range: y.range(env), how: `environment "${name}" (approvals and checks live on the environment)` };
      }
    }
    const coe = y.pair(j, 'continueOnError');
    if (coe && y.bool(coe.value)) job.allowFailure = { range: y.range(coe.value), keyRange: y.keyRange(coe) };
    let steps = y.get(j, 'steps');
    const strategy = y.get(j, 'strategy');
    if (!steps && strategy) {
      const s = y.get(strategy, 'runOnce') ?? y.get(strategy, 'rolling') ?? y.get(strategy, 'canary');
      steps = y.get(y.get(s, 'deploy'), 'steps');
    }
    for (const s of y.items(steps)) {
      const step = readStep(y, p, s);
      if (/^ManualValidation@/i.test(step.uses ?? '')) job.manual = { range: step.range, how: 'ManualValidation task' };
      job.steps.push(step);
    }
    p.jobs.push(job);
  }
}

function readStep(y: YamlDoc, p: Pipeline, s: ReturnType<YamlDoc['resolve']>): Step {
  const step: Step = { range: y.range(s), inputs: {}, name: y.str(y.get(s, 'displayName')) };
  for (const k of ['script', 'bash', 'pwsh', 'powershell']) {
    const sp = y.pair(s, k);
    if (sp) {
      step.run = y.str(sp.value);
      step.runRange = y.range(sp.value);
    }
  }
  step.uses = y.str(y.get(s, 'task'));
  const tpl = y.pair(s, 'template');
  if (tpl) p.opaque.push({ reason: `step template ${y.str(tpl.value) ?? ''} is not read`, range: y.range(tpl.value) });
  for (const inp of y.entries(y.get(s, 'inputs'))) {
    const v = y.str(inp.value);
    if (v !== undefined) step.inputs[inp.key] = { value: v, range: y.range(inp.value), keyRange: y.keyRange(inp.pair) };
  }
  const coe = y.pair(s, 'continueOnError');
  if (coe && y.bool(coe.value)) step.continueOnError = { range: y.range(coe.value), keyRange: y.keyRange(coe) };
  return step;
}

function triggers(y: YamlDoc, root: ReturnType<YamlDoc['resolve']>): Triggers {
  const t: Triggers = {};
  const trig = y.get(root, 'trigger');
  const pr = y.pair(root, 'pr');
  t.pullRequest = pr ? y.str(pr.value) !== 'none' : undefined;
  if (trig) {
    if (y.str(trig) === 'none') t.pushBranches = [];
    else if (isMap(trig)) t.pushBranches = y.strings(y.get(y.get(trig, 'branches'), 'include'));
    else t.pushBranches = y.strings(trig);
    if (isMap(trig) && !t.pushBranches.length) t.pushBranches = undefined;
  }
  return t;
}
