import * as path from 'node:path';
import type { AnalysisContext } from '../analyzer';
import { buildChecklist, clientFor, type ChecklistOptions } from '../checklist/gather';
import type { Checklist } from '../checklist/items';
import { FileTickStorage } from '../checklist/ticks';
import type { Report } from '../model';
import { gatherPlanFacts, type PlanFacts } from './facts';
import { publishRollbackPlan, renderRollbackPlan, type PublishResult } from './rollback';
import { renderRunbook, runbookPath } from './runbook';
import { GitHubError } from '../github/client';

/**
 * The three documents of issue 7 for one analysed workspace, shared by the CLI and the editor's
 * worker: the checklist, the rollback plan (optionally written into the PR) and the runbook.
 */
export async function checklistOf(ctx: AnalysisContext, report: Report, opts: ChecklistOptions = {}): Promise<Checklist & { facts: PlanFacts }> {
  return buildChecklist(ctx, report, opts);
}

export interface RollbackPlanResult {
  markdown: string;
  facts: PlanFacts;
  /** Set when writing to the PR was asked for. */
  published?: PublishResult | { status: 'failed'; error: string; status_code?: number };
}

export async function rollbackPlanOf(ctx: AnalysisContext, report: Report, opts: { token?: string; enterpriseUrl?: string; fetch?: typeof fetch; write?: boolean } = {}): Promise<RollbackPlanResult> {
  const facts = await gatherPlanFacts(ctx, report);
  const markdown = renderRollbackPlan(facts, ctx.config.checklist.rollback);
  if (!opts.write) return { markdown, facts };
  if (!ctx.trusted) return { markdown, facts, published: { status: 'failed', error: 'Restricted Mode: GitHub is not contacted in an untrusted workspace.' } };
  if (!opts.token) return { markdown, facts, published: { status: 'failed', error: 'not signed in to GitHub (set GITHUB_TOKEN or GH_TOKEN)' } };
  const gh = clientFor(facts, opts);
  if (!gh || 'problem' in gh) return { markdown, facts, published: { status: 'failed', error: gh ? gh.problem : 'no GitHub client' } };
  if (!facts.branch) return { markdown, facts, published: { status: 'failed', error: 'detached HEAD: no branch to find a pull request for' } };
  try {
    return { markdown, facts, published: await publishRollbackPlan(gh.client, gh.remote, facts.branch, markdown) };
  } catch (e) {
    return { markdown, facts, published: { status: 'failed', error: (e as Error).message, status_code: e instanceof GitHubError ? e.status : undefined } };
  }
}

export interface RunbookResult {
  markdown: string;
  /** Workspace-relative path from the config pattern. */
  path: string;
  checklist: Checklist;
}

export async function runbookOf(ctx: AnalysisContext, report: Report, opts: ChecklistOptions = {}): Promise<RunbookResult> {
  const now = opts.now ?? new Date();
  const cl = await buildChecklist(ctx, report, { ...opts, now });
  let pr: { number: number; title: string; body: string; url: string } | undefined;
  const gh = ctx.trusted ? clientFor(cl.facts, opts) : undefined;
  if (gh && !('problem' in gh) && cl.facts.branch) {
    const found = await gh.client.findPullRequest(gh.remote, cl.facts.branch).catch(() => undefined);
    if (found) pr = { number: found.number, title: found.title, body: found.body, url: found.url };
  }
  const markdown = renderRunbook({ facts: cl.facts, settings: ctx.config.checklist, items: cl.items, verdict: cl.verdict, now, pr });
  return { markdown, path: runbookPath(ctx.config.checklist.runbook.path, now, cl.facts.branch), checklist: cl };
}

/** The CLI's tick file: `<git dir>/deploy-readiness/ticks.json`; undefined without git. */
export async function cliTickStorage(ctx: AnalysisContext): Promise<FileTickStorage | undefined> {
  if (!ctx.git || !ctx.trusted) return undefined;
  const dir = ctx.git.gitDir || (await ctx.git.raw(['rev-parse', '--absolute-git-dir']).catch(() => '')).trim();
  return dir ? new FileTickStorage(path.join(dir, 'deploy-readiness', 'ticks.json')) : undefined;
}
