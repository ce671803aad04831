#!/usr/bin/env node
// Pipeline gates: reading CI configuration into the pipeline model (all six readers' shapes) and
// the whole checklist area over a repository of workflows, each against the `yaml` parse floor of
// the same files measured in the same process. Standalone: `node bench/pipeline.mjs [--quick]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { QUICK, compare, importTs, report, require, rng, tempDir } from './common.mjs';

const { parseDocument } = require('yaml');
const { readPipeline } = await importTs('src/core/pipeline/read.ts');
const { Workspace } = await importTs('src/core/engine.ts');
const { defaultConfig } = await importTs('src/core/config.ts');

const N = QUICK ? 60 : 400;
const rand = rng(9).next;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

/** A GitHub Actions workflow of realistic size: 3–8 jobs, 3–10 steps each, needs chains, environments. */
function workflow(i) {
  const jobs = [];
  const n = 3 + Math.floor(rand() * 6);
  for (let j = 0; j < n; j++) {
    const steps = ['      - uses: actions/checkout@v4', '        with: { fetch-depth: 0 }'];
    const m = 3 + Math.floor(rand() * 8);
    for (let k = 0; k < m; k++) {
      const cmd = pick(['npm ci', 'npm test', 'npm run build', 'npm audit --audit-level=high', 'docker build -t app .', 'kubectl apply -f k8s/', 'curl --fail https://staging.example.com/healthz', 'echo done']);
      steps.push(`      - name: step ${k}`, `        run: |`, `          ${cmd}`, `          echo "${i}-${j}-${k}"`);
    }
    const env = j === n - 1 ? '    environment: production\n' : j === n - 2 ? '    environment: staging\n' : '';
    jobs.push(`  job${j}:\n    runs-on: ubuntu-latest\n${j ? `    needs: [job${j - 1}]\n` : ''}${env}    steps:\n${steps.join('\n')}`);
  }
  return `name: wf ${i}\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n${jobs.join('\n')}\n`;
}

const files = Array.from({ length: N }, (_, i) => [`.github/workflows/wf${i}.yml`, workflow(i)]);
const bytes = files.reduce((n, [, t]) => n + t.length, 0);
console.log(`pipeline bench: ${N} workflows, ${(bytes / 1024).toFixed(0)} KiB`);

// 1. Readers: text → pipeline model with positions, against yaml's parseDocument alone.
{
  const r = await compare({
    ours: () => files.reduce((n, [f, t]) => n + readPipeline('github-actions', f, t).jobs.length, 0),
    floor: () => files.reduce((n, [, t]) => n + (parseDocument(t).errors.length ? 0 : 1), 0),
  });
  report({
    area: 'pipeline',
    name: `read ${N} GitHub Actions workflows into the pipeline model`,
    ours: r.ours,
    baseline: { label: 'yaml parseDocument of the same texts', kind: 'floor', ...r.floor },
    target: { ratioAtMost: 1.5, text: '≤ 1.5× the YAML parse floor' },
    counts: { label: 'jobs read / documents parsed', ours: r.ours.result, baseline: r.floor.result },
  });
}

// 2. The checklist area (pipeline gates + stale flags) over a repository of those workflows, warm,
//    against reading and parsing the same files.
{
  const repo = tempDir('dr-bench-pipeline-');
  for (const [f, t] of files) {
    mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
    writeFileSync(path.join(repo, f), t);
  }
  const { readFile } = await import('node:fs/promises');
  const r = await compare({
    ours: async () => {
      const ws = await Workspace.open({ root: repo, config: defaultConfig(), trusted: false, areas: ['checklist'] });
      return (await ws.analyze()).findings.length;
    },
    floor: async () => {
      let n = 0;
      for (const [f] of files) n += parseDocument(await readFile(path.join(repo, f), 'utf8')).errors.length ? 0 : 1;
      return n;
    },
  });
  report({
    area: 'pipeline',
    name: `checklist area over ${N} workflows (walk, classify, read, rules)`,
    ours: r.ours,
    baseline: { label: 'read + yaml parse of the same files', kind: 'floor', ...r.floor },
    target: { ratioAtMost: 2, text: '≤ 2× reading and parsing the files' },
    counts: { label: 'findings / files parsed', ours: r.ours.result, baseline: r.floor.result },
  });
}
