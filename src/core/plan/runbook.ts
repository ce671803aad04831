import { checkLook, type CheckLook } from '../present';
import type { ChecklistItem } from '../checklist/items';
import type { ChecklistSettings } from '../checklist/settings';
import type { Verdict } from '../model';
import type { PlanFacts } from './facts';
import { escapeControl, fenced, inlineCode, shQuote } from './shell';
import { estimateRollback, renderRollbackPlan } from './rollback';

/**
 * The deployment runbook: header, checklist, database phase, configuration, strategy, staged
 * rollout with abort thresholds, verification, rollback and communication. Shell steps are fenced
 * `sh` blocks with a name (Runme-style), so runbook tools can execute them. Deterministic: the
 * time is passed in.
 */
export type Strategy = 'direct' | 'rolling' | 'canary' | 'blue/green';

export interface RunbookInput {
  facts: PlanFacts;
  settings: ChecklistSettings;
  items: ChecklistItem[];
  verdict: Verdict;
  now: Date;
  /** The PR's title and body, when known ("why"). */
  pr?: { number: number; title: string; body: string; url: string };
}

export interface StrategyAdvice {
  strategy: Strategy;
  /** Why this rollout strategy: what the deploy tooling supports. */
  why: string;
  /** What the migrations require, whatever the strategy (backup first, contract step later). */
  database?: string;
}

/**
 * The rollout strategy follows what the deploy tooling supports (Argo Rollouts or Flagger: canary;
 * Kubernetes: rolling update; blue/green only where two environments exist). A destructive
 * migration changes what happens around the deploy (backup first, the contract step in a later
 * deploy), not the strategy: no strategy undoes a drop on a shared database.
 */
export function recommendStrategy(f: PlanFacts): StrategyAdvice {
  const destructive = f.migrations.filter((m) => m.destructive?.length);
  const database = destructive.length
    ? `${destructive.length === 1 ? 'a migration destroys' : `${destructive.length} migrations destroy`} data (${destructive.flatMap((m) => m.destructive ?? []).slice(0, 5).join('; ')}): take a backup (or note the point-in-time-recovery timestamp) first, and make sure the running code no longer uses what is dropped; the drop (the contract step) belongs in a later deploy than the code that stops using it`
    : undefined;
  const systems = new Set(f.deploy.targets.map((t) => t.system));
  if (!f.sourceChanged && !f.migrations.length && !f.envVars.length) return { strategy: 'direct', why: 'no application code changes (documentation, tooling)', database };
  if (f.deploy.blueGreen) return { strategy: 'blue/green', why: 'the repository defines two production environments (blue/green): deploy to the idle one, then switch traffic', database };
  if (f.deploy.progressive) return { strategy: 'canary', why: `${f.deploy.progressive === 'argo-rollouts' ? 'Argo Rollouts' : 'Flagger'} runs the rollout: shift traffic in the stages below and let the analysis abort it`, database };
  if (systems.has('kubernetes') || systems.has('helm')) return { strategy: 'rolling', why: 'Kubernetes replaces the pods of each workload a few at a time (rolling update); there is no traffic split without Argo Rollouts, Flagger or a service mesh', database };
  if (systems.has('fly')) return { strategy: 'rolling', why: 'Fly.io replaces the machines one by one (its default rolling strategy)', database };
  if (f.deploy.targets.length) return { strategy: 'direct', why: `${[...systems].join(', ')} switches every instance to the new release at once`, database };
  return { strategy: 'direct', why: 'the deploy tooling is not known from the repository: state the strategy your platform supports', database };
}

const code = inlineCode;

/** Git trailers (Signed-off-by, Co-authored-by…) say who, not why. */
const TRAILER = /^(Signed-off-by|Co-authored-by|Reviewed-by|Acked-by|Tested-by|Change-Id|Cc):/i;

const REVERSAL: Record<string, string> = {
  down: 'reversible by its down step',
  'down-data-loss': 'reversible, but data written since is lost',
  irreversible: '**irreversible**: restore from backup',
  'no-op-reverse': 'reverse step does nothing: leave in place',
  'no-down': 'no down step; additive: leave in place',
};

const cell = (s: string) => escapeControl(s).replace(/\|/g, '\\|');
const oneLine = (s: string) => escapeControl(s.replace(/\s+/g, ' ').trim());
const comment = (s: string) => `# ${escapeControl(s)}`;

/** `npm run <script>` / `make <target>` with the name quoted. */
function smokeCommand(cmd: string): string {
  const [a, b, ...rest] = cmd.split(' ');
  return a === 'npm' ? `npm run ${shQuote(rest.join(' '))}` : `${a} ${shQuote([b, ...rest].join(' '))}`;
}

/** The title: the pull request's, else the branch and its newest commit. */
function titleOf(input: RunbookInput): string {
  if (input.pr?.title) return input.pr.title;
  const f = input.facts;
  const newest = f.commits[0]?.subject;
  if (f.branch && newest) return `${f.branch} (${newest})`;
  return f.branch ?? newest ?? 'this change';
}

/** What is changing: every commit when there are few, else counts by area and the commits that matter for a deploy. */
function changes(f: PlanFacts): string[] {
  if (!f.commits.length) return ['- _No commits since the merge base are known (no git, or nothing committed yet)._'];
  const line = (c: { hash: string; subject: string }) => `- ${oneLine(c.subject)} (${code(c.hash.slice(0, 7))})`;
  if (f.commits.length <= 10 || !f.history) return f.commits.slice(0, 30).map(line).concat(f.commits.length > 30 ? [`- _and ${f.commits.length - 30} older commits_`] : []);
  const h = f.history;
  const out = [`${h.total} commits since ${f.base ? code(f.base.ref) : 'the base'}, by the area of the files they touch: ${h.byArea.map((a) => `${a.area} ${a.commits}`).join(', ')}.`, ''];
  if (h.notable.length) {
    out.push('Commits that touch migrations, configuration or API schemas:', '');
    for (const c of h.notable) out.push(`${line(c)} — ${c.areas.join(', ')}`);
  } else out.push('No commit touches migrations, configuration or API schemas.');
  return out;
}

const LOOK_ICON: Record<CheckLook, string> = { pass: '✅', blocking: '❌', advisory: '⚠️', unknown: '❔', manual: '☐' };

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'branch';
}

/** The runbook path from the configured pattern: {date} (YYYY-MM-DD) and {branch} (a file-name-safe slug). */
export function runbookPath(pattern: string, now: Date, branch: string | undefined): string {
  return pattern.replace(/\{date\}/g, now.toISOString().slice(0, 10)).replace(/\{branch\}/g, slug(branch ?? 'detached'));
}

function firstParagraph(s: string): string {
  const withoutSection = s.replace(/<!--[\s\S]*?-->/g, '').trim();
  return withoutSection.split(/\r?\n\s*\r?\n/)[0]?.replace(/\s+/g, ' ').trim() ?? '';
}

export function renderRunbook(input: RunbookInput): string {
  const { facts: f, settings: s, items, now } = input;
  const est = estimateRollback(f, s.rollback);
  const { strategy, why, database } = recommendStrategy(f);
  const out: string[] = [];
  const title = oneLine(titleOf(input));
  out.push(`# Deployment runbook: ${title}`, '');
  out.push('| | |', '| --- | --- |');
  out.push(`| Date | ${now.toISOString().replace('T', ' ').slice(0, 16)} UTC |`);
  out.push(`| Engineer | ${f.user ?? '_(git config user.name is not set)_'} |`);
  out.push(`| Branch | ${f.branch ? code(f.branch) : '_detached HEAD_'}${f.headCommit ? ` at ${code(f.headCommit.slice(0, 12))}` : ''} |`);
  if (f.base) out.push(`| Base | ${code(f.base.ref)} at ${code(f.base.commit.slice(0, 12))} |`);
  if (input.pr) out.push(`| Pull request | [#${input.pr.number}](${input.pr.url}) |`);
  out.push(`| Readiness | **${input.verdict}** |`);
  out.push(`| Strategy | ${strategy} |`);
  out.push(`| Time to roll back the code | ${est.codeMinutes === undefined ? 'not estimated' : `about ${est.codeMinutes} min`} (target ${s.rollback.targetMinutes} min${est.withinTarget === false ? ', **over**' : ''}) |`);
  out.push('');

  out.push('## What is changing', '');
  out.push(...changes(f));
  out.push('', '## Why', '');
  const why0 = input.pr ? firstParagraph(input.pr.body) : '';
  // The newest commit explains the branch best when there is no pull request.
  const bodyOf = (b: string) => b.split(/\r?\n/).filter((l) => !TRAILER.test(l.trim())).join('\n').trim();
  const newest = f.commits.find((c) => bodyOf(c.body));
  out.push(oneLine(why0 || (newest ? bodyOf(newest.body).split(/\r?\n\s*\r?\n/)[0] : '')) || '_State the reason for the change (from the pull request description)._');
  out.push('', '## Expected behaviour', '');
  const expect: string[] = [];
  if (f.flags.length) expect.push(`New behaviour stays off until ${f.flags.map((x) => code(x.key)).join(', ')} ${f.flags.length === 1 ? 'is' : 'are'} switched on.`);
  if (f.migrations.length) expect.push(`The schema changes first (${f.migrations.length} migration${f.migrations.length === 1 ? '' : 's'}); the running code keeps working with it.`);
  if (f.apiBreaking.length) expect.push(`API consumers see ${f.apiBreaking.length} breaking change${f.apiBreaking.length === 1 ? '' : 's'} (see the rollback section).`);
  expect.push('Error rate and latency stay at the pre-deploy baseline.');
  for (const e of expect) out.push(`- ${e}`);

  out.push('', '## Pre-deploy checklist', '', '| | Item | State |', '| --- | --- | --- |');
  for (const i of items) out.push(`| ${LOOK_ICON[checkLook(i)]} | ${i.title}${i.advisory ? ' (advisory)' : i.required ? ' (required)' : ''} | ${i.reason.replace(/\|/g, '\\|')} |`);

  out.push('', '## 1. Configuration: set before the deploy', '');
  if (f.envVars.length) {
    out.push('Set these in every target environment **before** the code that reads them is deployed (names only; values come from your secret store):', '');
    for (const v of f.envVars) out.push(`- [ ] ${code(v.name)} (read in ${v.files.map(code).join(', ')})`);
  } else out.push('No new environment variables on this branch.');

  out.push('', '## 2. Database: deploy the migrations before the code', '');
  if (f.migrations.length) {
    out.push('Run the migrations first, on their own, and confirm the running (old) code is healthy before deploying the new code.', '');
    out.push('| # | Migration | Tool | Does | Locks | Reversal |', '| --- | --- | --- | --- | --- | --- |');
    f.migrations.forEach((m, i) => {
      const does = (m.operations ?? []).join('; ') || '—';
      out.push(`| ${i + 1} | ${code(m.file)} | ${m.tool} | ${cell(does)} | ${cell(m.locks.join(', ') || 'none flagged')} | ${cell(REVERSAL[m.reversibility ?? ''] ?? 'not analysed')} |`);
    });
    if (database) out.push('', `**Backup first.** ${database.charAt(0).toUpperCase()}${database.slice(1)}.`);
  } else out.push('No migrations on this branch.');

  out.push('', `## 3. Deploy: ${strategy}`, '', `${strategy === 'direct' && !f.deploy.targets.length ? 'Strategy' : 'Recommended'}: ${why}.`, '');
  const abort = `error rate > ${s.rollback.errorRateFactor}× baseline, or p99 > ${s.rollback.p99Factor}× baseline, or a failed health check`;
  if (strategy === 'canary') {
    const stages = s.runbook.stages.length ? s.runbook.stages : [100];
    out.push(`Shift traffic in stages (\`checklist.runbook.stages\`) and watch each for at least **${s.runbook.stageMinutes} minutes** before the next:`, '');
    out.push('| Stage | Traffic | Watch | Abort when |', '| --- | ---: | --- | --- |');
    stages.forEach((p, i) => out.push(`| ${i + 1} | ${p}% | ${s.runbook.stageMinutes} min | ${abort} |`));
    out.push('', 'Write the baseline (error rate, p99) down before stage 1. On an abort condition: stop, roll back (section 5), then investigate.');
  } else {
    const how = strategy === 'blue/green' ? 'Deploy to the idle environment, check it, switch traffic, then watch' : strategy === 'rolling' ? 'Let the rollout finish, then watch' : 'Deploy, then watch';
    out.push(`${how} for at least **${s.runbook.stageMinutes} minutes**. Abort when: ${abort}.`, '');
    out.push('Write the baseline (error rate, p99) down before the deploy. On an abort condition: roll back (section 5), then investigate.');
  }

  out.push('', '## 4. Verify', '');
  if (f.health.length || f.smoke.length) {
    const lines: string[] = [];
    for (const h of f.health) lines.push(`curl -fsS "$BASE_URL"${shQuote(h.path)}   ${comment(`from ${h.file}`)}`);
    for (const x of f.smoke) lines.push(`${smokeCommand(x.command)}   ${comment(`from ${x.source}`)}`);
    out.push(...fenced('sh {"name":"verify"}', lines));
  } else out.push('_No smoke script (package.json, Makefile) or health endpoint (OpenAPI) found: write the verification commands here._');
  out.push('', strategy === 'canary' ? 'Then compare error rate and p99 with the baseline for the length of each stage.' : 'Then compare error rate and p99 with the baseline for the watch period.');

  out.push('', '## 5. Rollback', '');
  const plan = renderRollbackPlan(f, s.rollback)
    .replace(/^## Rollback plan\n\n/, '')
    .replace(/^### /gm, '### ');
  out.push(plan.trimEnd());

  out.push('', '## 6. Communication', '');
  const who = s.rollback.notify.length ? s.rollback.notify.join(', ') : 'the team channel and on-call';
  const ref = f.branch ? `${oneLine(f.branch)}${f.headCommit ? ` (${f.headCommit.slice(0, 7)})` : ''}` : 'the change';
  out.push(`To ${who}:`, '');
  out.push(...fenced('text', [`Starting deploy of ${ref}: ${title}. Strategy: ${strategy}.${est.codeMinutes === undefined ? '' : ` Rollback takes about ${est.codeMinutes} min.`} Next update ${strategy === 'canary' ? 'at each stage' : 'when it is done'}.`]), '');
  out.push(...fenced('text', [`Deploy of ${ref} complete: error rate and p99 at baseline.`]), '');
  out.push(...fenced('text', [`Rolling back ${ref}: <what was seen>. Users may have seen <impact>. Next update in 15 minutes.`]));
  out.push('', '## 7. After the deploy', '');
  out.push('- [ ] Remove flags that are fully on, and variables and code paths no longer used (in a later change).');
  out.push('- [ ] Note the outcome and any follow-ups in the pull request.');
  return out.join('\n') + '\n';
}
