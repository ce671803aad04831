import picomatch from 'picomatch';
import { failureFinding } from '../failure';
import type { AnalysisContext, Analyzer, WorkspaceFile } from '../analyzer';
import type { Finding, Range } from '../model';
import { packageScripts } from '../npmScripts';
import { readText } from '../reader';
import { LineIndex } from '../text';
import {
  deployTarget, expandPackageScripts, isDeployJob, isMigrationLintStep, isScanJob, isScanStep, isSmokeJob, isSmokeStep, isTagStep, isTestJob, isTestStep,
  scanCannotFail, SKIP_CI,
} from './detect';
import { appendNeeds, fix, insertJobKey, replace } from './edits';
import { analyzeStaleFlags, staleFeatureFlag } from '../flags/staleFlags';
import { deployTags } from './history';
import { notice } from './notice';
import { CI_SYSTEM_NAMES, type CiSystem, type Job, type Pipeline, type Triggers } from './model';
import { readPipeline } from './read';
import { readGitlab } from './gitlab';
import {
  pipelineDeployNotGated, pipelineNoApproval, pipelineNoMigrationLint, pipelineNoSecurityScan, pipelineNoSmokeTest, pipelineNoStaging,
  pipelineNoTests, pipelineNotAnalysed, pipelineRules, pipelineScanCannotFail, pipelineSkipCi, pipelineUntaggedDeploys,
  pipelineDeployConcurrency, pipelineUnpinnedAction,
} from './rules';

interface Located {
  p: Pipeline;
  j: Job;
}

/** Reads every CI configuration file of the workspace (and the local files they include). */
export async function loadPipelines(ctx: AnalysisContext): Promise<Pipeline[]> {
  const out: Pipeline[] = [];
  for (const f of ctx.files) {
    if (f.cls.kind !== 'ci-config') continue;
    const p = await loadOne(ctx, f);
    if (p) out.push(p);
  }
  if (out.length) {
    const scripts = await packageScripts(ctx);
    for (const p of out) for (const j of p.jobs) expandPackageScripts(j.steps, scripts);
  }
  return out;
}

async function loadOne(ctx: AnalysisContext, f: WorkspaceFile): Promise<Pipeline | undefined> {
  if (f.cls.kind !== 'ci-config') return undefined;
  const text = await readText(ctx.reader, f.path, (m) => notice(ctx, { level: 'warning', area: 'checklist', file: f.path, message: m }));
  if (text === undefined) return undefined;
  let p: Pipeline | undefined;
  try {
    p = readPipeline(f.cls.system as CiSystem, f.path, text);
  } catch (e) {
    // A pathological file (e.g. nesting deeper than the parser's stack): one problem, the rest goes on.
    const message = e instanceof RangeError ? 'nested too deeply to read' : (e as Error).message;
    return { file: f.path, system: f.cls.system as CiSystem, jobs: [], triggers: {}, problems: [{ message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }], opaque: [], includes: [], templateScans: [], text, failed: e instanceof RangeError ? undefined : e };
  }
  if (!p) {
    notice(ctx, { level: 'info', area: 'checklist', file: f.path, message: `${f.path}: ${CI_SYSTEM_NAMES[f.cls.system as CiSystem]} pipelines are not read yet; its gates were not checked` });
    return undefined;
  }
  // GitLab `include: local`: the included files' jobs are part of this pipeline.
  const seen = new Set([f.path]);
  for (let i = 0; i < p.includes.length && i < 50; i++) {
    const inc = p.includes[i];
    if (seen.has(inc.path)) continue;
    seen.add(inc.path);
    const t = await readText(ctx.reader, inc.path);
    if (t === undefined) {
      p.opaque.push({ reason: `included file ${inc.path} was not found in the workspace`, range: inc.range });
      continue;
    }
    const sub = readGitlab(inc.path, t);
    for (const pr of sub.problems) p.opaque.push({ reason: `included file ${inc.path}: ${pr.message}`, range: inc.range });
    for (const j of sub.jobs) if (!p.jobs.some((x) => x.id === j.id)) p.jobs.push({ ...j, file: inc.path });
    p.includes.push(...sub.includes);
    p.templateScans.push(...sub.templateScans);
    p.opaque.push(...sub.opaque.map((o) => ({ ...o, range: inc.range })));
  }
  return p;
}

const upstreamMemo = new WeakMap<Job, Job[]>();

/** Jobs a job waits for, transitively: explicit needs, and earlier stages when it has none. */
export function upstream(p: Pipeline, j: Job): Job[] {
  let memo = upstreamMemo.get(j);
  if (!memo) {
    memo = computeUpstream(p, j);
    upstreamMemo.set(j, memo);
  }
  return memo;
}

function computeUpstream(p: Pipeline, j: Job): Job[] {
  const byId = new Map(p.jobs.map((x) => [x.id, x]));
  const out = new Map<string, Job>();
  const visit = (x: Job) => {
    const direct: Job[] = [];
    if (x.needs.length || x.needsRange) for (const n of x.needs) direct.push(...(byId.get(n) ? [byId.get(n)!] : []));
    else if (x.stageIndex !== undefined) direct.push(...p.jobs.filter((y) => y.stageIndex !== undefined && y.stageIndex < x.stageIndex!));
    for (const d of direct) {
      if (out.has(d.id) || d.id === j.id) continue;
      out.set(d.id, d);
      visit(d);
    }
  };
  visit(j);
  return [...out.values()];
}

export function downstream(p: Pipeline, j: Job): Job[] {
  return p.jobs.filter((x) => x.id !== j.id && upstream(p, x).some((u) => u.id === j.id));
}

function matches(branch: string, patterns: string[]): boolean {
  return patterns.some((pat) => pat === branch || pat === '$CI_DEFAULT_BRANCH' || picomatch.isMatch(branch, pat));
}

/** Does a job with these triggers run for pull requests or for pushes to `branch`? */
function runsBefore(t: Triggers, branch: string): boolean {
  if (t.manualOnly || t.tagsOnly) return false;
  if (t.pullRequest) return true;
  if (t.pushBranches === undefined) return true;
  return matches(branch, t.pushBranches);
}

function describeTriggers(t: Triggers): string {
  if (t.tagsOnly) return 'only on tags';
  if (t.manualOnly) return 'only when started by hand or on a schedule';
  if (t.pushBranches && !t.pullRequest) return t.pushBranches.length ? `only on pushes to ${t.pushBranches.join(', ')}` : 'never on pushes or pull requests';
  return 'on other events';
}

/** Where a pipeline-wide finding goes: the trigger block, else the first job. */
function anchor(p: Pipeline): Range {
  return p.triggersRange ?? p.jobs[0]?.keyRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function jobLabel(l: Located): string {
  return `${l.j.name && l.j.name !== l.j.id ? `"${l.j.name}" (${l.j.id})` : `"${l.j.id}"`}`;
}

export async function analyzePipelines(ctx: AnalysisContext): Promise<Finding[]> {
  const pipelines = await loadPipelines(ctx);
  const out: Finding[] = [];
  if (!pipelines.length) {
    if (!ctx.files.some((f) => f.cls.kind === 'ci-config')) {
      notice(ctx, { level: 'info', area: 'checklist', message: 'no CI configuration found (GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Bitbucket Pipelines, Jenkinsfile): pipeline gates were not checked. `deploy-readiness init-ci` writes one.' });
    }
    return out;
  }
  // Local reusable workflows: the called workflow's steps count as the caller's.
  for (const p of pipelines) {
    for (const j of p.jobs) {
      if (!j.calls) continue;
      const callee = pipelines.find((x) => x.file === j.calls);
      if (!callee) {
        j.opaque = { reason: `job "${j.id}" calls ${j.calls}, which is not in the workspace`, range: j.keyRange };
        continue;
      }
      for (const cj of callee.jobs) {
        j.steps.push(...cj.steps);
        j.environment ??= cj.environment;
        j.manual ??= cj.manual;
      }
    }
  }
  // Files that could not be read as pipelines, and parts that cannot be read statically.
  let incomplete = false;
  for (const p of pipelines) {
    if (p.failed !== undefined) out.push(failureFinding('checklist', p.file, p.failed));
    // One finding per file that could not be read: the first problem, and how many more there are.
    const pr = p.failed !== undefined ? undefined : p.problems[0];
    if (pr) {
      incomplete = true;
      const more = p.problems.length - 1;
      out.push(pipelineNotAnalysed.finding({ severity: 'warning', message: `${p.file} could not be read as a ${CI_SYSTEM_NAMES[p.system]} pipeline: ${pr.message}${more ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`, file: p.file, range: pr.range }));
    }
    for (const o of p.opaque) {
      incomplete = true;
      out.push(pipelineNotAnalysed.finding({ message: `Not analysed: ${o.reason}.`, file: p.file, range: o.range }));
    }
    for (const j of p.jobs) {
      if (!j.opaque) continue;
      incomplete = true;
      out.push(pipelineNotAnalysed.finding({ message: `Not analysed: ${j.opaque.reason}.`, file: j.file ?? p.file, range: j.opaque.range }));
    }
  }
  const readable = pipelines.filter((p) => !p.problems.length);
  const all: Located[] = readable.flatMap((p) => p.jobs.filter((j) => !j.opaque).map((j) => ({ p, j })));
  const settings = ctx.config.checklist.pipeline;
  const deploys = all.filter((l) => isDeployJob(l.j));
  const evidence = (p: Pipeline) => ({
    workflowName: p.name,
    protectedEnvironments: new Set(settings.protectedEnvironments.map((e) => e.toLowerCase())),
    deployBranches: settings.deployBranch ? [settings.deployBranch] : [...new Set([baseBranch(ctx), 'main', 'master'].filter((b): b is string => !!b))],
  });
  // Production only from evidence: a job with no sign of its target is not called production.
  const prod = deploys.filter((l) => deployTarget(l.j, evidence(l.p)) === 'production');
  const staging = deploys.filter((l) => deployTarget(l.j, evidence(l.p)) === 'staging');
  // Production deploy jobs that start a chain: later production jobs wait for them, so a gate on
  // the first covers the rest, and one finding per chain says so.
  const roots = prod.filter((d) => !upstream(d.p, d.j).some((u) => prod.some((x) => x.j === u)));
  const laterOf = (d: Located) => downstream(d.p, d.j).filter((x) => prod.some((y) => y.j === x)).length;
  const later = (d: Located) => {
    const n = laterOf(d);
    return n ? ` (and ${n} production job${n === 1 ? '' : 's'} after it)` : '';
  };
  const primary = prod[0]?.p ?? deploys[0]?.p ?? readable[0] ?? pipelines[0];
  const deployBranch = settings.deployBranch ?? prod.find((l) => l.j.triggers.pushBranches?.length)?.j.triggers.pushBranches?.[0] ?? baseBranch(ctx) ?? 'main';
  const suppressAbsence = incomplete;
  if (incomplete) {
    notice(ctx, { level: 'info', area: 'checklist', message: 'part of the CI pipeline could not be read (see checklist/pipeline-not-analysed): checks for a missing test job, security scan, migration lint and deploy tags were skipped rather than guessed' });
  }

  // Tests on pull requests or on the deploy branch.
  const tests = all.filter((l) => isTestJob(l.j));
  const gatingTests = tests.filter((l) => runsBefore(l.j.triggers, deployBranch));
  if (!gatingTests.length && !suppressAbsence) {
    const elsewhere = tests[0];
    out.push(
      pipelineNoTests.finding({
        message: elsewhere
          ? `The test job ${jobLabel(elsewhere)} runs ${describeTriggers(elsewhere.j.triggers)}: nothing runs the tests on pull requests or on ${deployBranch}, the branch that deploys.`
          : `No CI job runs the test suite (${readable.map((p) => p.file).join(', ')}): a change can reach ${deployBranch} and be deployed untested.`,
        file: elsewhere ? (elsewhere.j.file ?? elsewhere.p.file) : primary.file,
        range: elsewhere ? elsewhere.j.keyRange : anchor(primary),
        data: { deployBranch },
      }),
    );
  }

  // Each production deploy waits for the tests.
  for (const d of roots) {
    if (d.j.steps.some(isTestStep) || !tests.length) continue;
    const up = upstream(d.p, d.j);
    if (up.some((u) => isTestJob(u))) continue;
    const sameFile = tests.find((t) => t.p === d.p && !downstream(d.p, d.j).some((x) => x.id === t.j.id));
    const fixes = sameFile
      ? d.j.needsRange
        ? fix(`Make ${d.j.id} wait for ${sameFile.j.id}`, [appendNeeds(d.p, d.j, sameFile.j.id)])
        : d.p.system === 'github-actions' || d.p.system === 'circleci'
          ? fix(`Make ${d.j.id} wait for ${sameFile.j.id}`, [insertJobKey(d.p, d.j, d.p.system === 'circleci' ? 'requires' : 'needs', `[${sameFile.j.id}]`)])
          : []
      : [];
    out.push(
      pipelineDeployNotGated.finding({
        message: sameFile
          ? `Deploy job ${jobLabel(d)} does not wait for the tests (${sameFile.j.id}): it can deploy while they fail.`
          : `Deploy job ${jobLabel(d)} does not wait for any test job; the tests run in ${[...new Set(tests.map((t) => t.p.file))].join(', ')}, which does not gate it.`,
        file: d.j.file ?? d.p.file,
        range: d.j.keyRange,
        related: tests.slice(0, 5).map((t) => ({ file: t.j.file ?? t.p.file, range: t.j.keyRange, message: 'test job' })),
        fixes,
        data: { job: d.j.id },
      }),
    );
  }

  // Security scanning that can fail the build.
  const scanSteps = all.flatMap((l) => l.j.steps.filter(isScanStep).map((s) => ({ ...l, s })));
  const scanJobs = all.filter((l) => isScanJob(l.j));
  const templateScans = readable.flatMap((p) => p.templateScans.map((t) => ({ p, t })));
  if (!scanSteps.length && !scanJobs.length && !templateScans.length && !suppressAbsence) {
    out.push(
      pipelineNoSecurityScan.finding({
        message: `No dependency or image security scan runs in CI (npm audit, pip-audit, osv-scanner, trivy, grype, snyk, CodeQL): known HIGH/CRITICAL vulnerabilities can ship.`,
        file: primary.file,
        range: anchor(primary),
      }),
    );
  }
  for (const { p, j, s } of scanSteps) {
    const why = scanCannotFail(s);
    const file = j.file ?? p.file;
    if (why) {
      let range = s.range;
      let fixes: Finding['fixes'] = [];
      if (why.at === 'continue-on-error' && s.continueOnError) {
        range = s.continueOnError.keyRange;
        fixes = fix('Let the scan fail the build (continue-on-error: false)', [replace(file, s.continueOnError.range, 'false')]);
      } else if (why.at === 'exit-code') {
        const input = s.inputs['exit-code'] ?? s.inputs['exitCode'] ?? s.inputs['fail-build'];
        if (input) {
          range = input.keyRange;
          fixes = fix('Fail the build on findings', [replace(file, input.range, s.inputs['fail-build'] ? 'true' : "'1'")]);
        } else if (s.runRange) range = s.runRange;
      } else if (why.at === 'or-true' && s.runRange && !j.file) {
        range = s.runRange;
        const lines = new LineIndex(p.text);
        const a = lines.offsetAt(s.runRange.start);
        const b = lines.offsetAt(s.runRange.end);
        const src = p.text.slice(a, b);
        const hits = [...src.matchAll(/\s*\|\|\s*(true|:|exit\s+0)\b/g)];
        if (hits.length === 1) {
          const h = hits[0];
          range = lines.rangeOf(a + h.index!, a + h.index! + h[0].length);
          fixes = fix('Remove `|| true` so the scan can fail the build', [replace(file, range, '')]);
        }
      }
      out.push(
        pipelineScanCannotFail.finding({
          message: `The security scan ${s.name ? `"${s.name}" ` : s.uses ? `${s.uses} ` : ''}in job "${j.id}" cannot fail the build: ${why.reason}.`,
          file,
          range,
          fixes,
          data: { job: j.id },
        }),
      );
    } else if (j.allowFailure) {
      out.push(
        pipelineScanCannotFail.finding({
          message: `The security scan job "${j.id}" is allowed to fail, so its findings never block a deploy.`,
          file,
          range: j.allowFailure.keyRange,
          fixes: fix('Let the scan job fail the pipeline', [replace(file, j.allowFailure.range, 'false')]),
          data: { job: j.id },
        }),
      );
    }
  }

  // Migration linting when the repository has migrations.
  const migrations = ctx.files.filter((f) => f.cls.kind === 'migration');
  if (migrations.length && !all.some((l) => l.j.steps.some(isMigrationLintStep)) && !suppressAbsence) {
    const changed = ctx.base ? migrations.filter((m) => ctx.base!.changedFiles.has(m.path)) : [];
    out.push(
      pipelineNoMigrationLint.finding({
        severity: changed.length ? 'warning' : 'info',
        message: `${migrations.length} migration file${migrations.length === 1 ? '' : 's'} in this repository${changed.length ? ` (${changed.length} changed on this branch)` : ''}, but no migration linter runs in CI (deploy-readiness check, squawk, pgfence, strong_migrations, django-migration-linter): a locking migration is found in production, not in review.`,
        file: primary.file,
        range: anchor(primary),
        related: changed.slice(0, 10).map((m) => ({ file: m.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'changed migration' })),
      }),
    );
  }

  // Staging before production, and a smoke test after staging.
  const promotionElsewhere = (d: Located) => (d.j.triggers.manualOnly ?? false) && staging.length > 0;
  for (const d of roots) {
    const up = upstream(d.p, d.j);
    if (up.some((u) => staging.some((s) => s.j === u)) || promotionElsewhere(d)) continue;
    out.push(
      pipelineNoStaging.finding({
        message: `Production deploy ${jobLabel(d)}${later(d)} does not come after a staging deploy: the first environment to run this build is production.`,
        file: d.j.file ?? d.p.file,
        range: d.j.keyRange,
        data: { job: d.j.id },
      }),
    );
  }
  for (const s of staging) {
    const deployAt = s.j.steps.findIndex((x) => x.run !== undefined || x.uses !== undefined);
    const inJob = s.j.steps.slice(Math.max(deployAt, 0)).some((x) => isSmokeStep(x) && !x.uses?.startsWith('actions/checkout'));
    const after = downstream(s.p, s.j).some((x) => isSmokeJob(x) && !isDeployJob(x));
    if (inJob || after) continue;
    out.push(
      pipelineNoSmokeTest.finding({
        message: `Nothing checks staging after ${jobLabel(s)} deploys it (no smoke test or health check step or job follows): production is the first place a broken build is noticed.`,
        file: s.j.file ?? s.p.file,
        range: s.j.keyRange,
        data: { job: s.j.id },
      }),
    );
  }

  // An approval gate before production.
  const protectedEnvs = new Set(settings.protectedEnvironments.map((e) => e.toLowerCase()));
  for (const d of roots) {
    const envProtected = d.j.environment && protectedEnvs.has(d.j.environment.name.replace(/ \(.*\)$/, '').toLowerCase());
    const gated = d.j.manual || envProtected || upstream(d.p, d.j).some((u) => u.isApprovalGate || u.manual);
    if (gated) continue;
    const env = 'production';
    const fixes =
      d.p.system === 'github-actions' && !d.j.environment
        ? fix(`Deploy through the protected environment "${env}"`, [insertJobKey(d.p, d.j, 'environment', env)])
        : d.p.system === 'gitlab' && !d.j.triggers.pullRequest && !hasRules(d)
          ? fix('Start the production deploy by hand (when: manual)', [insertJobKey(d.p, d.j, 'when', 'manual')])
          : [];
    out.push(
      pipelineNoApproval.finding({
        message: `Production deploy ${jobLabel(d)}${later(d)} runs without an approval gate${d.j.environment ? ` (environment "${d.j.environment.name}" is not listed as protected in checklist.pipeline.protectedEnvironments)` : ''}: nobody signs off before production changes.`,
        file: d.j.file ?? d.p.file,
        range: d.j.keyRange,
        fixes,
        data: { job: d.j.id },
      }),
    );
  }

  // One production deploy at a time.
  for (const d of roots) {
    if (d.j.concurrency || (d.p.system === 'github-actions' && d.p.concurrency)) continue;
    if (d.p.system !== 'github-actions' && d.p.system !== 'gitlab') continue;
    const env = d.j.environment?.name.replace(/ \(.*\)$/, '') ?? 'production';
    const group = /^[\w.-]+$/.test(env) ? env : 'production';
    const fixes =
      d.p.system === 'github-actions'
        ? fix('Run one production deploy at a time (concurrency group)', [insertJobKey(d.p, d.j, 'concurrency', `{ group: deploy-${group}, cancel-in-progress: false }`)])
        : fix('Run one production deploy at a time (resource_group)', [insertJobKey(d.p, d.j, 'resource_group', group)]);
    out.push(
      pipelineDeployConcurrency.finding({
        message: `Production deploy ${jobLabel(d)}${later(d)} has no ${d.p.system === 'gitlab' ? 'resource_group' : 'concurrency group'}: two pipelines can deploy at once and run their migrations against each other.`,
        file: d.j.file ?? d.p.file,
        range: d.j.keyRange,
        fixes,
        data: { job: d.j.id },
      }),
    );
  }

  // Third-party actions pinned by a movable ref in workflows that deploy.
  for (const p of new Set(deploys.filter((d) => d.p.system === 'github-actions').map((d) => d.p))) {
    for (const j of p.jobs) {
      for (const s of j.steps) {
        const m = /^([^./][^@\s]*)@(.+)$/.exec(s.uses ?? '');
        if (!m || /^(actions|github)\//.test(m[1]) || /^[0-9a-f]{40}$/.test(m[2]) || m[1].startsWith('docker:')) continue;
        out.push(
          pipelineUnpinnedAction.finding({
            message: `${m[1]} is used at "${m[2]}", a tag or branch its owner can move, in a workflow that deploys: pin it to a full commit SHA (keep the tag in a comment).`,
            file: p.file,
            range: s.usesRange ?? s.range,
            data: { action: m[1], ref: m[2] },
          }),
        );
      }
    }
  }

  // Deploys are tagged.
  if (deploys.length && !suppressAbsence && !all.some((l) => l.j.steps.some(isTagStep))) {
    if (!ctx.trusted || !ctx.git) {
      notice(ctx, { level: 'info', area: 'checklist', message: 'no tag or release step in CI; the repository\'s tags were not listed (git not run), so untagged deploys were not checked' });
    } else {
      if (!ctx.cache.has('pipeline:tags')) ctx.cache.set('pipeline:tags', await deployTags(ctx.root).catch(() => undefined));
      const tags = ctx.cache.get('pipeline:tags') as string[] | undefined;
      if (tags && !tags.length) {
        const d = prod[0] ?? deploys[0];
        out.push(
          pipelineUntaggedDeploys.finding({
            message: `Deploys are not tagged: no tag or release step in CI and no deploy-*, release-* or v* tags in the repository, so "what is running in production" and "what do we roll back to" have no answer.`,
            file: d.j.file ?? d.p.file,
            range: d.j.keyRange,
          }),
        );
      }
    }
  }

  // Commits that skip CI.
  for (const c of ctx.base?.commits ?? []) {
    const msg = `${c.subject}\n${c.body}`;
    const m = SKIP_CI.exec(msg);
    if (!m) continue;
    out.push(
      pipelineSkipCi.finding({
        message: `Commit ${c.hash.slice(0, 7)} "${c.subject.slice(0, 80)}" contains ${m[0].trim()}: CI did not run on it, so this branch's checks may not cover it.`,
        file: primary.file,
        range: anchor(primary),
        data: { commit: c.hash, marker: m[0].trim() },
      }),
    );
  }
  return out;
}

function hasRules(l: Located): boolean {
  return /(^|\n)\s+(rules|only|except):/.test(l.p.text.slice(new LineIndex(l.p.text).offsetAt(l.j.range.start), new LineIndex(l.p.text).offsetAt(l.j.range.end)));
}

function baseBranch(ctx: AnalysisContext): string | undefined {
  const ref = ctx.base?.ref ?? ctx.config.base;
  return ref?.replace(/^origin\//, '');
}

/** Repository gates: the pipeline's own gaps and stale feature flags (both area `checklist`). */
export const pipelineAnalyzer: Analyzer = {
  area: 'checklist',
  rules: [...pipelineRules, staleFeatureFlag],
  async analyze(ctx) {
    return [...(await analyzePipelines(ctx)), ...(await analyzeStaleFlags(ctx))];
  },
  /** As the user types in a CI file: the pipeline checks again (cheap, no git beyond the cached tag list), this file's findings. */
  async analyzeFile(ctx, file) {
    if (file.cls.kind !== 'ci-config') return [];
    return (await analyzePipelines(ctx)).filter((f) => f.file === file.path);
  },
  affectsWorkspace: (f) => f.cls.kind === 'ci-config',
};
