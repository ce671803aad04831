import { isMap } from 'yaml';
import type { Job, Pipeline, Step, Triggers } from './model';
import { YamlDoc } from './yamlDoc';

/** Reads `bitbucket-pipelines.yml`: each step of each pipeline is a job that waits for the step before it. */
export function readBitbucket(file: string, text: string): Pipeline {
  const y = new YamlDoc(text);
  const p: Pipeline = { file, system: 'bitbucket', jobs: [], triggers: {}, problems: [...y.errors], opaque: [], includes: [], templateScans: [], text };
  if (y.errors.length) return p;
  const root = y.root;
  const pipelines = y.get(root, 'pipelines');
  if (!pipelines || !isMap(pipelines)) {
    p.problems.push({ message: 'no `pipelines` mapping', range: y.range(root) });
    return p;
  }
  const lists: { label: string; steps: ReturnType<YamlDoc['get']>; triggers: Triggers }[] = [];
  for (const { key, value } of y.entries(pipelines)) {
    if (key === 'default') lists.push({ label: 'default', steps: value, triggers: { pushBranches: undefined } });
    else if (key === 'branches' || key === 'pull-requests' || key === 'tags' || key === 'custom') {
      for (const e of y.entries(value)) {
        const t: Triggers = key === 'branches' ? { pushBranches: [e.key] } : key === 'pull-requests' ? { pullRequest: true, pushBranches: [] } : key === 'tags' ? { tagsOnly: true } : { manualOnly: true };
        lists.push({ label: `${key}/${e.key}`, steps: e.value, triggers: t });
      }
    }
  }
  for (const list of lists) {
    let previous: string[] = [];
    const add = (stepNode: ReturnType<YamlDoc['get']>, stage?: { deployment?: string; manual?: boolean }): string => {
      const n = p.jobs.filter((j) => j.id.startsWith(list.label + '/')).length + 1;
      const name = y.str(y.get(stepNode, 'name'));
      const id = `${list.label}/${name ?? `step ${n}`}`;
      const job: Job = { id, name, keyRange: y.range(stepNode), range: y.range(stepNode), steps: [], needs: previous, triggers: list.triggers };
      const deployment = y.pair(stepNode, 'deployment');
      const depName = deployment ? y.str(deployment.value) : stage?.deployment;
      if (depName) job.environment = { name: depName, range: deployment ? y.range(deployment.value) : job.keyRange };
      const trig = y.pair(stepNode, 'trigger');
      if ((trig && y.str(trig.value) === 'manual') || stage?.manual) job.manual = { range: trig ? y.range(trig.value) : job.keyRange, how: 'trigger: manual' };
      for (const k of ['script', 'after-script']) {
        for (const line of y.items(y.get(stepNode, k))) {
          if (isMap(line)) {
            const pipe = y.str(y.get(line, 'pipe'));
            const step: Step = { uses: pipe, range: y.range(line), inputs: {} };
            for (const v of y.entries(y.get(line, 'variables'))) {
              const s = y.str(v.value);
              if (s !== undefined) step.inputs[v.key.toLowerCase().replace(/_/g, '-')] = { value: s, range: y.range(v.value), keyRange: y.keyRange(v.pair) };
            }
            job.steps.push(step);
          } else {
            const s = y.str(line);
            if (s !== undefined) job.steps.push({ run: s, runRange: y.range(line), range: y.range(line), inputs: {} });
          }
        }
      }
      p.jobs.push(job);
      return id;
    };
    for (const item of y.items(list.steps)) {
      const step = y.get(item, 'step');
      const parallel = y.get(item, 'parallel');
      const stage = y.get(item, 'stage');
      if (step) previous = [add(step)];
      else if (parallel) {
        const inner = isMap(parallel) ? y.get(parallel, 'steps') : parallel;
        const before = previous;
        const ids = y.items(inner).map((i) => {
          previous = before;
          return add(y.get(i, 'step'));
        });
        previous = ids;
      } else if (stage) {
        const meta = { deployment: y.str(y.get(stage, 'deployment')), manual: y.str(y.get(stage, 'trigger')) === 'manual' };
        for (const i of y.items(y.get(stage, 'steps'))) previous = [add(y.get(i, 'step'), meta)];
      }
    }
  }
  return p;
}
