import type { RollbackSettings } from '../checklist/settings';
import { GitHubError, type GitHubClient, type RemoteRepo } from '../github/client';
import type { DeployFacts, DeployTargetFact, MigrationFact } from '../model';
import type { PlanFacts } from './facts';
import { arg, checkName, escapeControl, fenced, inlineCode, shQuote, type NameKind } from './shell';
import { replaceSection, ROLLBACK_END, ROLLBACK_START } from './section';

/**
 * The rollback plan: a rendering of the plan facts (never re-derived analysis). Deterministic for
 * a given repository state: no clock, sorted inputs. Names from the repository are checked
 * against each tool's grammar and quoted for sh (see ./shell.ts); times come from the config or
 * are "not estimated", never invented.
 */
export interface RollbackEstimate {
  /** Minutes for the code rollback path (flags off, code rolled back, verified); undefined when a step has no figure. */
  codeMinutes?: number;
  /** Minutes when the migrations must be reversed too; undefined when a step has no figure. */
  fullMinutes?: number;
  targetMinutes: number;
  /** Undefined when the code path is not estimated. */
  withinTarget?: boolean;
  /** Step name → minutes (undefined: not estimated), in order. */
  parts: [string, number | undefined][];
}

const fig = (n: number) => (n > 0 ? n : undefined);
const sum = (xs: (number | undefined)[]) => (xs.every((x) => x !== undefined) ? xs.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined);

export function estimateRollback(facts: PlanFacts, s: RollbackSettings): RollbackEstimate {
  const m = s.minutes;
  const parts: [string, number | undefined][] = [];
  if (facts.flags.length) parts.push(['Switch off the new flags', fig(m.flags)]);
  parts.push(['Roll back the code', fig(m.code)]);
  parts.push(['Verify (health, error rate)', fig(m.verify)]);
  const codeMinutes = sum(parts.map(([, x]) => x));
  // Each reversible migration runs its down step; one restore covers every irreversible one.
  const downs = facts.migrations.filter((x) => x.reversibility === 'down' || x.reversibility === 'down-data-loss').length;
  const restores = facts.migrations.filter((x) => x.reversibility === 'irreversible').length;
  const db: (number | undefined)[] = [...Array<number | undefined>(downs).fill(fig(m.migration)), ...(restores ? [fig(m.restore)] : [])];
  const dbMinutes = db.length ? sum(db) : 0;
  if (db.length) parts.push([restores ? 'Reverse the migrations or restore from backup (only if needed)' : 'Reverse the migrations (only if needed)', dbMinutes]);
  const fullMinutes = codeMinutes !== undefined && dbMinutes !== undefined ? codeMinutes + dbMinutes : undefined;
  return { codeMinutes, fullMinutes, targetMinutes: s.targetMinutes, withinTarget: codeMinutes === undefined ? undefined : codeMinutes <= s.targetMinutes, parts };
}

const code = inlineCode;

function block(name: string, lines: string[]): string[] {
  return fenced(`sh {"name":"${name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'step'}"}`, lines);
}

const comment = (s: string) => `# ${escapeControl(s)}`;

/** The command that reverses a migration with its tool, when the tool has one. */
export function revertCommand(m: MigrationFact): string | undefined {
  const dir = m.file.includes('/') ? m.file.slice(0, m.file.lastIndexOf('/')) : '.';
  switch (m.tool) {
    case 'golang-migrate':
      return `migrate -path ${shQuote(dir)} -database "$DATABASE_URL" down 1`;
    case 'goose':
      return `goose -dir ${shQuote(dir)} ${m.dialect === 'mysql' ? 'mysql' : 'postgres'} "$DATABASE_URL" down`;
    case 'dbmate':
      return 'dbmate rollback';
    case 'flyway':
      return 'flyway undo';
    case 'rails': {
      const v = /(?:^|\/)(\d{3,})_[^/]*$/.exec(m.file)?.[1];
      return v ? `bin/rails db:migrate:down VERSION=${v}` : undefined;
    }
    case 'alembic':
      return 'alembic downgrade -1';
    case 'django': {
      const d = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\/migrations\/(\d{4})_[^/]*$/.exec(m.file);
      if (!d) return undefined;
      const prev = Number(d[2]) - 1;
      return `python manage.py migrate ${d[1]} ${prev <= 0 ? 'zero' : String(prev).padStart(4, '0')}`;
    }
    case 'knex':
      return 'npx knex migrate:down';
    case 'typeorm':
      return 'npx typeorm migration:revert';
    case 'sequelize':
      return 'npx sequelize-cli db:migrate:undo';
    case 'node-pg-migrate':
      return 'npx node-pg-migrate down 1';
    default:
      return undefined;
  }
}

function downWhere(m: MigrationFact): string {
  switch (m.down?.kind) {
    case 'file':
      return `its down file ${code(m.down.file ?? '')}`;
    case 'section':
      return 'the down section of the file';
    case 'framework':
      return 'the framework (it reverses the schema operations)';
    default:
      return 'its down method';
  }
}

function migrationLine(m: MigrationFact): string {
  const head = `${code(m.file)} (${m.tool})`;
  const cmd = m.reversibility === 'down' || m.reversibility === 'down-data-loss' ? revertCommand(m) : undefined;
  const run = cmd ? `: ${code(cmd)}` : '';
  switch (m.reversibility) {
    case 'down':
      return `${head}: reversible by ${downWhere(m)}${run}.`;
    case 'down-data-loss':
      return `${head}: reversible by ${downWhere(m)}, but data written since the deploy is lost or converted${run}.`;
    case 'irreversible': {
      if (m.destructive?.length) return `${head}: **irreversible** (${escapeControl(m.destructive.join('; '))}): a down step cannot bring the data back; restore from backup (point-in-time recovery to just before the deploy).`;
      return `${head}: **irreversible** (${escapeControl(m.why ?? 'no down step')}): the tool cannot undo it; restore from backup (point-in-time recovery to just before the deploy), or write the reverse step before deploying.`;
    }
    case 'no-op-reverse':
      return `${head}: its reverse step does nothing and nothing it does destroys data: leave it in place.`;
    case 'no-down':
      return `${head}: no down step; it only adds, so leave it in place (the previous code runs with it).`;
    default:
      return `${head}: not analysed: work out by hand how to reverse it before deploying.`;
  }
}

interface DeployBlock {
  lines: string[];
  /** A placeholder the reader must fill in. */
  placeholder: boolean;
}

function targetBlock(t: DeployTargetFact): DeployBlock {
  const notes: string[] = [];
  let placeholder = false;
  const check = (kind: NameKind, name: string | undefined, ph: string): string => {
    if (!name) {
      placeholder = true;
      return ph;
    }
    const c = checkName(kind, name, ph);
    if (c.note) notes.push(c.note);
    if (!c.ok) placeholder = true;
    return arg(c);
  };
  const from = `from ${code(t.file)}${t.source === 'ci' ? ', the CI deploy job' : t.source === 'production-overlay' ? ', a production overlay' : ''}`;
  const out: string[] = [];
  let cmds: string[] = [];
  let title: string;
  switch (t.system) {
    case 'kubernetes': {
      const kind = ['deployment', 'statefulset', 'daemonset'].includes(t.kind ?? '') ? t.kind! : 'deployment';
      const ref = `${kind}/${check('k8s-subdomain', t.name, '<name>')}`;
      const ns = t.namespace ? ['-n', check('k8s-label', t.namespace, '<namespace>')] : [];
      const ctx = t.context ? ['--context', check('kube-context', t.context, '<context>')] : [];
      if (!t.namespace) notes.push('the repository does not state the namespace: kubectl uses the current context\'s; add `-n <namespace>` if production runs elsewhere');
      title = `Kubernetes ${code(`${kind}/${t.name}`)}${t.namespace ? ` in ${code(t.namespace)}` : ''}`;
      cmds = [[`kubectl rollout undo ${ref}`, ...ns, ...ctx].join(' '), [`kubectl rollout status ${ref}`, ...ns, ...ctx, '--timeout=5m'].join(' ')];
      break;
    }
    case 'helm': {
      const rel = check('helm-release', t.name, '<release>');
      const ns = t.namespace ? ['-n', check('k8s-label', t.namespace, '<namespace>')] : [];
      const ctx = t.context ? ['--kube-context', check('kube-context', t.context, '<context>')] : [];
      if (!t.namespace) notes.push('the repository does not state the namespace: helm uses the current context\'s');
      title = `Helm release ${code(t.name)}${t.namespace ? ` in ${code(t.namespace)}` : ''}`;
      cmds = [[`helm history ${rel}`, ...ns, ...ctx].join(' '), [`helm rollback ${rel}`, ...ns, ...ctx, '--wait'].join(' ')];
      break;
    }
    case 'compose': {
      const file = check('path', t.file, '<compose file>');
      const svcs = (t.services ?? []).map((x) => check('compose-service', x, '<service>'));
      title = `Compose file ${code(t.file)}`;
      if (t.stateful?.length) notes.push(`stateful services are left running (never restarted by a rollback): ${t.stateful.map(code).join(', ')}`);
      if (!svcs.length) {
        placeholder = true;
        svcs.push('<service>');
      }
      cmds = [comment('set the image tags back to the previous release first, then:'), `docker compose -f ${file} up -d --no-deps ${svcs.join(' ')}`];
      break;
    }
    case 'heroku': {
      const app = check('heroku-app', t.name, '<app>');
      title = `Heroku app ${t.name ? code(t.name) : '(name not stated)'}`;
      cmds = [`heroku releases -a ${app}`, `heroku rollback -a ${app}`];
      break;
    }
    case 'fly': {
      const app = check('fly-app', t.name, '<app>');
      title = `Fly.io app ${t.name ? code(t.name) : '(name not stated)'}`;
      cmds = [`fly releases -a ${app} --image`, `fly deploy -a ${app} --image '<previous image>'`];
      placeholder = true;
      break;
    }
    case 'cloud-run': {
      const svc = check('cloud-run-service', t.name, '<service>');
      const region = t.context ? ['--region', check('k8s-label', t.context, '<region>')] : [];
      title = `Cloud Run service ${code(t.name)}`;
      cmds = [[`gcloud run revisions list --service ${svc}`, ...region].join(' '), [`gcloud run services update-traffic ${svc} --to-revisions '<previous revision>=100'`, ...region].join(' ')];
      placeholder = true;
      break;
    }
  }
  out.push(`${title} (${from}):`, '');
  for (const n of notes) out.push(`> ${n}.`, '');
  out.push(...block(`rollback-${t.system}-${t.name}`, cmds));
  return { lines: out, placeholder };
}

function deployLines(deploy: DeployFacts, s: RollbackSettings): DeployBlock {
  if (s.command) return { lines: ['From `checklist.rollback.command`:', '', ...block('rollback-code', s.command.split(/\r?\n/))], placeholder: false };
  const targets = deploy.targets.filter((t) => !(t.system === 'kubernetes' && t.stateful?.length));
  const skipped = deploy.targets.filter((t) => t.system === 'kubernetes' && t.stateful?.length);
  if (!targets.length) {
    const found = deploy.candidates?.length ? ` Found in the repository, but not known to run production: ${deploy.candidates.map(code).join(', ')}.` : '';
    return {
      lines: [
        `> **TODO: which production deployment does this change roll back?** No CI deploy job, production overlay or platform file names it.${found} Write the exact rollback command here, or set \`checklist.rollback.command\` in \`.deploy-readiness.yaml\`.`,
        '',
        ...block('rollback-code', ['# <your rollback command>']),
      ],
      placeholder: true,
    };
  }
  const out: string[] = [];
  let placeholder = false;
  for (const t of targets) {
    const b = targetBlock(t);
    placeholder ||= b.placeholder;
    out.push(...b.lines, '');
  }
  if (skipped.length) out.push(`Not rolled back (stateful: database, cache or mail service): ${skipped.map((t) => code(`${t.kind}/${t.name}`)).join(', ')}.`, '');
  if (out[out.length - 1] === '') out.pop();
  return { lines: out, placeholder };
}

const minutes = (n: number | undefined) => (n === undefined ? 'not estimated' : `${n}`);

/** The rollback plan as Markdown (without the markers). */
export function renderRollbackPlan(facts: PlanFacts, s: RollbackSettings): string {
  const est = estimateRollback(facts, s);
  const out: string[] = [];
  out.push('## Rollback plan', '');
  const where = facts.branch ? `${code(facts.branch)}${facts.headCommit ? ` at ${code(facts.headCommit.slice(0, 7))}` : ''}` : 'this change';
  const base = facts.base ? ` against ${code(facts.base.ref)} at ${code(facts.base.commit.slice(0, 7))}` : '';
  out.push(`_Generated by Deploy Readiness from ${where}${base}. This section is replaced when it is generated again; write outside it._`, '');
  if (est.codeMinutes === undefined) {
    out.push(`**Time to roll back the code: not estimated** (target: ${s.targetMinutes} minutes). Time the steps below once and set \`checklist.rollback.minutes\`.`, '');
  } else {
    const verdict = est.withinTarget ? `within the ${s.targetMinutes}-minute target` : `**over the ${s.targetMinutes}-minute target**: make the code rollback faster (a flag, a prepared image) before deploying`;
    const full = est.fullMinutes !== undefined && est.fullMinutes > est.codeMinutes ? `; about ${est.fullMinutes} min if the database must be reversed too` : '';
    out.push(`**Time to roll back the code: about ${est.codeMinutes} min** (${verdict})${full}.`, '');
  }

  out.push('### Roll back when', '');
  out.push(`- the error rate is over **${s.errorRateFactor}×** the pre-deploy baseline`);
  out.push(`- p99 latency is over **${s.p99Factor}×** the baseline`);
  const health = facts.health.map((h) => code(h.path));
  out.push(`- a health check${health.length ? ` (${health.join(', ')})` : ''} or a smoke test fails`);
  out.push('- data looks wrong (integrity alarms, support reports)');
  out.push('', 'Decide within the stage that shows it; do not debug forward in production.', '');

  out.push('### Steps, in order', '');
  let n = 1;
  if (facts.flags.length) {
    out.push(`${n++}. **Switch off the new feature flags** (no deploy needed; usually enough):`);
    for (const f of facts.flags) out.push(`   - ${code(f.key)} (${f.sdk}, read in ${code(`${f.file}:${f.line + 1}`)})`);
  }
  const d = deployLines(facts.deploy, s);
  out.push(`${n++}. **Roll back the code** to the previous release:`, '');
  out.push(...d.lines.map((l) => (l ? `   ${l}` : '')), '');
  if (facts.migrations.length) {
    const destroys = facts.migrations.some((m) => m.destructive?.length);
    const noWayBack = facts.migrations.some((m) => m.reversibility === 'irreversible');
    out.push(
      `${n++}. **Database**: the migrations are meant to be backward-compatible, so the previous code runs with them; leave them in place unless they must go.${destroys ? ' A migration below destroys data: only a restore from the backup taken before the deploy brings it back.' : noWayBack ? ' A migration below has no way back with its tool: only a restore from the backup taken before the deploy undoes it.' : ''} If they must go, reverse them after the code rollback, newest first:`,
    );
    for (const m of [...facts.migrations].reverse()) out.push(`   - ${migrationLine(m)}`);
  }
  if (facts.envVars.length) {
    out.push(`${n++}. **Environment variables** added by this change (the previous code ignores them; remove them after the rollback so they do not linger):`);
    for (const v of facts.envVars) out.push(`   - ${code(v.name)} (read in ${v.files.map(code).join(', ')})`);
  }
  if (facts.apiBreaking.length) {
    out.push(`${n++}. **API consumers**: the code rollback restores what this change removed; tell the consumers that already adapted:`);
    for (const b of facts.apiBreaking) out.push(`   - ${escapeControl(b.message.replace(/\s+/g, ' '))} (${code(b.file)})`);
  }
  out.push(`${n++}. **Verify**: error rate and p99 back at the baseline${health.length ? `, ${health.join(', ')} healthy` : ''}${facts.smoke.length ? `, ${facts.smoke.map((x) => code(x.command)).join(', ')} passes` : ''}.`);
  out.push(`${n++}. **Notify** ${s.notify.length ? s.notify.map(code).join(', ') : 'the on-call engineer and the team (set `checklist.rollback.notify`)'}: what was rolled back, why, and what happens next.`);
  out.push('', '### Time estimate', '', '| Step | Minutes |', '| --- | ---: |');
  for (const [name, m] of est.parts) out.push(`| ${name} | ${minutes(m)} |`);
  out.push('', `_Figures come from \`checklist.rollback.minutes\`; the ${s.targetMinutes}-minute target applies to the code rollback path (flags, code, verify)._`);
  if (d.placeholder) out.push('', '_The deploy command has a placeholder: fill it in and time it before relying on this plan._');
  return out.join('\n') + '\n';
}

/** The section as it goes into a PR body: markers included. */
export function rollbackSection(markdown: string): string {
  return replaceSection('', markdown);
}

/** Paths GitHub reads a pull request template from (the default one; the folder form needs a query parameter). */
export const PR_TEMPLATE_PATHS = [
  '.github/pull_request_template.md',
  '.github/PULL_REQUEST_TEMPLATE.md',
  'pull_request_template.md',
  'PULL_REQUEST_TEMPLATE.md',
  'docs/pull_request_template.md',
  'docs/PULL_REQUEST_TEMPLATE.md',
];

export const TEMPLATE_PLACEHOLDER = [
  '## Rollback plan',
  '',
  '_Fill in with "Deploy Readiness: Scaffold Rollback Plan in PR Description", or `npx deploy-readiness rollback-plan --write-pr` in CI._',
  '',
  '- How to roll back the code:',
  '- Migrations and how each is reversed (or "irreversible: restore from backup"):',
  '- Feature flags to switch off:',
  '- Environment variables to remove:',
  '- Roll back when: error rate over 2× baseline, p99 over 1.5× baseline',
  '- Time to roll back (target: under five minutes):',
  '- Whom to notify:',
].join('\n');

/** The template with a rollback section added (unchanged when it has one). */
export function templateWithRollbackSection(existing: string | undefined): string {
  const text = existing ?? '';
  if (text.includes(ROLLBACK_START) && text.includes(ROLLBACK_END)) return text;
  return replaceSection(text, TEMPLATE_PLACEHOLDER);
}

export type PublishResult =
  | { status: 'updated'; number: number; url: string; length: number }
  | { status: 'unchanged'; number: number; url: string }
  | { status: 'no-pr'; branch: string };

/**
 * Writes the section into the open PR of `branch`: the body is read by number, the new body made
 * from it, then read again just before writing; if someone edited it in between, the work is
 * redone from their text (three tries). Only the marked region changes; a response without a
 * `body` field is never taken for an empty description.
 */
export async function publishRollbackPlan(client: GitHubClient, remote: RemoteRepo, branch: string, markdown: string): Promise<PublishResult> {
  const found = await client.findPullRequest(remote, branch);
  if (!found) return { status: 'no-pr', branch };
  let fresh = await client.getPullRequest(remote, found.number);
  for (let attempt = 0; attempt < 3; attempt++) {
    const body = replaceSection(fresh.body, markdown);
    if (body === fresh.body) return { status: 'unchanged', number: fresh.number, url: fresh.url };
    const check = await client.getPullRequest(remote, found.number);
    if (check.body !== fresh.body) {
      fresh = check;
      continue;
    }
    const updated = await client.updatePullRequestBody(remote, fresh.number, body);
    if (updated.body !== body && !updated.body.includes(ROLLBACK_START)) throw new GitHubError('GitHub accepted the update but the description does not contain the section: check the pull request.', 0);
    return { status: 'updated', number: updated.number, url: updated.url, length: body.length };
  }
  throw new GitHubError(`The description of pull request #${found.number} kept changing while the rollback plan was written; nothing was written. Run again.`, 409);
}
