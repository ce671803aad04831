import type { ChecklistItem } from '../checklist/items';
import type { ChecklistSettings } from '../checklist/settings';
import type { Verdict } from '../model';
import type { PlanFacts } from './facts';
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

export function recommendStrategy(f: PlanFacts): { strategy: Strategy; why: string } {
  const irreversible = f.migrations.some((m) => m.irreversible.length > 0);
  if (irreversible || f.apiBreaking.length) {
    return {
      strategy: 'blue/green',
      why: irreversible
        ? 'a migration loses data, so switching traffic back to the untouched old environment must be instant'
        : 'the API contract breaks: keep the old version serving until consumers are confirmed, and switch back at once if needed',
    };
  }
  if (f.migrations.length || f.envVars.length || f.flags.length) return { strategy: 'canary', why: 'schema, configuration or flagged behaviour changes: expose a small share of traffic first and compare it with the baseline' };
  if (f.sourceChanged) return { strategy: 'rolling', why: 'code-only change without schema or configuration changes' };
  return { strategy: 'direct', why: 'no application code changes (documentation, tooling)' };
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

const STATE_ICON: Record<string, string> = { pass: '✅', fail: '❌', unknown: '❔', manual: '☐' };

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
  const { strategy, why } = recommendStrategy(f);
  const out: string[] = [];
  const title = input.pr?.title ?? f.commits[f.commits.length - 1]?.subject ?? f.branch ?? 'this change';
  out.push(`# Deployment runbook: ${title}`, '');
  out.push('| | |', '| --- | --- |');
  out.push(`| Date | ${now.toISOString().replace('T', ' ').slice(0, 16)} UTC |`);
  out.push(`| Engineer | ${f.user ?? '_(git config user.name is not set)_'} |`);
  out.push(`| Branch | ${f.branch ? code(f.branch) : '_detached HEAD_'}${f.headCommit ? ` at ${code(f.headCommit.slice(0, 12))}` : ''} |`);
  if (f.base) out.push(`| Base | ${code(f.base.ref)} at ${code(f.base.commit.slice(0, 12))} |`);
  if (input.pr) out.push(`| Pull request | [#${input.pr.number}](${input.pr.url}) |`);
  out.push(`| Readiness | **${input.verdict}** |`);
  out.push(`| Strategy | ${strategy} |`);
  out.push(`| Time to roll back | about ${est.codeMinutes} min (target ${s.rollback.targetMinutes} min${est.withinTarget ? '' : ', **over**'}) |`);
  out.push('');

  out.push('## What is changing', '');
  if (f.commits.length) for (const c of [...f.commits].reverse()) out.push(`- ${c.subject.replace(/\s+/g, ' ').trim()} (${code(c.hash.slice(0, 7))})`);
  else out.push('- _No commits since the merge base are known (no git, or nothing committed yet)._');
  out.push('', '## Why', '');
  const why0 = input.pr ? firstParagraph(input.pr.body) : '';
  const bodies = f.commits.map((c) => c.body.trim()).filter(Boolean);
  out.push(why0 || bodies[bodies.length - 1]?.split(/\r?\n\s*\r?\n/)[0].replace(/\s+/g, ' ') || '_State the reason for the change (from the pull request description)._');
  out.push('', '## Expected behaviour', '');
  const expect: string[] = [];
  if (f.flags.length) expect.push(`New behaviour stays off until ${f.flags.map((x) => code(x.key)).join(', ')} ${f.flags.length === 1 ? 'is' : 'are'} switched on.`);
  if (f.migrations.length) expect.push(`The schema changes first (${f.migrations.length} migration${f.migrations.length === 1 ? '' : 's'}); the running code keeps working with it.`);
  if (f.apiBreaking.length) expect.push(`API consumers see ${f.apiBreaking.length} breaking change${f.apiBreaking.length === 1 ? '' : 's'} (see the rollback section).`);
  expect.push('Error rate and latency stay at the pre-deploy baseline.');
  for (const e of expect) out.push(`- ${e}`);

  out.push('', '## Pre-deploy checklist', '', '| | Item | State |', '| --- | --- | --- |');
  for (const i of items) out.push(`| ${STATE_ICON[i.state]} | ${i.title}${i.required ? ' (required)' : ''} | ${i.reason.replace(/\|/g, '\\|')} |`);

  out.push('', '## 1. Configuration: set before the deploy', '');
  if (f.envVars.length) {
    out.push('Set these in every target environment **before** the code that reads them is deployed (names only; values come from your secret store):', '');
    for (const v of f.envVars) out.push(`- [ ] ${code(v.name)} (read in ${v.files.map(code).join(', ')})`);
  } else out.push('No new environment variables on this branch.');

  out.push('', '## 2. Database: deploy the migrations before the code', '');
  if (f.migrations.length) {
    out.push('Run the migrations first, on their own, and confirm the running (old) code is healthy before deploying the new code.', '');
    out.push('| # | Migration | Tool | Locks | Reversal |', '| --- | --- | --- | --- | --- |');
    f.migrations.forEach((m, i) => {
      const rev = m.irreversible.length ? `irreversible: ${m.irreversible.join('; ')}` : m.down === 'none' ? 'no down migration' : (m.revertCommand ?? m.down);
      out.push(`| ${i + 1} | ${code(m.file)} | ${m.tool} | ${m.locks.join(', ') || 'none flagged'} | ${rev.replace(/\|/g, '\\|')} |`);
    });
    if (f.migrations.some((m) => m.irreversible.length)) out.push('', '**Take a backup (or note the point-in-time-recovery timestamp) before running an irreversible migration.**');
  } else out.push('No migrations on this branch.');

  out.push('', `## 3. Deploy: ${strategy}`, '', `Recommended because ${why}.`, '');
  const stages = s.runbook.stages.length ? s.runbook.stages : [100];
  out.push(`Roll out in stages and watch each for at least **${s.runbook.stageMinutes} minutes** before the next:`, '');
  out.push('| Stage | Traffic | Watch | Abort when |', '| --- | ---: | --- | --- |');
  stages.forEach((p, i) => out.push(`| ${i + 1} | ${p}% | ${s.runbook.stageMinutes} min | error rate > ${s.rollback.errorRateFactor}× baseline, or p99 > ${s.rollback.p99Factor}× baseline, or a failed health check |`));
  out.push('', 'Write the baseline (error rate, p99) down before stage 1. On an abort condition: stop, roll back (section 5), then investigate.');

  out.push('', '## 4. Verify', '');
  if (f.health.length || f.smoke.length) {
    const lines: string[] = [];
    for (const h of f.health) lines.push(`curl -fsS "$BASE_URL${h.path}"   # from ${h.file}`);
    for (const x of f.smoke) lines.push(`${x.command}   # from ${x.source}`);
    out.push('```sh {"name":"verify"}', ...lines, '```');
  } else out.push('_No smoke script (package.json, Makefile) or health endpoint (OpenAPI) found: write the verification commands here._');
  out.push('', 'Then compare error rate and p99 with the baseline for the length of each stage.');

  out.push('', '## 5. Rollback', '');
  const plan = renderRollbackPlan(f, s.rollback)
    .replace(/^## Rollback plan\n\n/, '')
    .replace(/^### /gm, '### ');
  out.push(plan.trimEnd());

  out.push('', '## 6. Communication', '');
  const who = s.rollback.notify.length ? s.rollback.notify.join(', ') : 'the team channel and on-call';
  const ref = f.branch ? `${f.branch}${f.headCommit ? ` (${f.headCommit.slice(0, 7)})` : ''}` : 'the change';
  out.push(`To ${who}:`, '');
  out.push('```text', `Starting deploy of ${ref}: ${title}. Strategy: ${strategy}. Rollback takes about ${est.codeMinutes} min. Next update at each stage.`, '```', '');
  out.push('```text', `Deploy of ${ref} complete: 100% of traffic, error rate and p99 at baseline.`, '```', '');
  out.push('```text', `Rolling back ${ref}: <what was seen> at stage <n>. Users may have seen <impact>. Next update in 15 minutes.`, '```');
  out.push('', '## 7. After the deploy', '');
  out.push('- [ ] Remove flags that are fully on, and variables and code paths no longer used (in a later change).');
  out.push('- [ ] Note the outcome and any follow-ups in the pull request.');
  return out.join('\n') + '\n';
}
