import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { blockersOf } from '../core/blockers';
import type { Checklist, ChecklistItem } from '../core/checklist/items';
import { verdictCounts } from '../core/format';
import type { Report } from '../core/model';
import { TickBook } from '../core/checklist/ticks';
import type { FailOn } from '../core/config';
import type { Workspace } from '../core/engine';
import { enterpriseUrlFrom, parseEnterpriseUrl, tokenFromEnv } from '../core/github/client';
import { cliTickStorage, checklistOf, rollbackPlanOf, runbookOf } from '../core/plan/run';
import { rollbackSection } from '../core/plan/rollback';
import { writeInRepository } from '../core/safeWrite';

/**
 * The CLI's `checklist`, `rollback-plan` and `runbook` commands. Same exit-code contract as
 * `check`: 0 fine, 1 fails --fail-on, 2 usage or runtime error.
 */
export interface PlanIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface PlanArgs {
  /** The workspace's report (the CLI passes its cached analysis); default: analyse now. */
  analyze?: () => Promise<Report>;
  format?: string;
  failOn: FailOn;
  now?: Date;
  tick?: string;
  untick?: string;
  by?: string;
  writePr?: boolean;
  out?: string;
  /** --github-api-url: the user's GitHub Enterprise API URL. */
  githubApiUrl?: string;
}

export class PlanUsageError extends Error {}

const ICON: Record<string, string> = { pass: 'pass   ', fail: 'FAIL   ', unknown: 'unknown', manual: 'manual ' };

/** The items, the verdict, then each blocker (a finding that decides it, a required item not done) with its next action. */
export function formatChecklistText(cl: Checklist, report?: Report): string {
  const lines = cl.items.map((i) => `${ICON[i.state]}  ${i.id.padEnd(22)} ${i.title}${i.required ? ' (required)' : ''}\n         ${' '.repeat(22)} ${i.reason}`);
  lines.push(`Verdict: ${cl.verdict}${report ? ` (findings: ${verdictCounts(report)})` : ''}`);
  if (report && cl.verdict !== 'ready') {
    const { blockers, more } = blockersOf(report, cl.items);
    const shown = cl.verdict === 'blocked' ? blockers.filter((b) => b.level === 'error') : blockers;
    if (shown.length) {
      lines.push(cl.verdict === 'blocked' ? 'Blockers:' : 'To review:');
      for (const b of shown) lines.push(`  ${b.level === 'error' ? '✗' : '!'} ${b.title}`, `      → ${b.action}`);
      if (more) lines.push(`  and ${more} more`);
    }
  }
  return lines.join('\n') + '\n';
}

export function formatChecklistMarkdown(cl: Checklist): string {
  const icon: Record<string, string> = { pass: '✅', fail: '❌', unknown: '❔', manual: '☐' };
  const rows = cl.items.map((i: ChecklistItem) => `| ${icon[i.state]} | ${i.title}${i.required ? ' (required)' : ''} | ${i.reason.replace(/\|/g, '\\|')} |`);
  return [`## Pre-deploy checklist: ${cl.verdict}`, '', '| | Item | State |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

function failed(verdict: string, failOn: FailOn): number {
  if (failOn === 'never') return 0;
  if (verdict === 'blocked') return 1;
  return failOn === 'warning' && verdict !== 'ready' ? 1 : 0;
}

function pickFormat(v: string | undefined, allowed: string[], dflt: string, cmd: string): string {
  const f = v ?? dflt;
  if (!allowed.includes(f)) throw new PlanUsageError(`${cmd} --format must be one of ${allowed.join(', ')}, got "${f}"`);
  return f;
}

export async function runPlanCommand(command: 'checklist' | 'rollback-plan' | 'runbook', ws: Workspace, args: PlanArgs, io: PlanIO): Promise<number> {
  const env = io.env ?? process.env;
  const token = tokenFromEnv(env);
  const enterpriseUrl = enterpriseUrlFrom(args.githubApiUrl, env);
  if (args.githubApiUrl !== undefined) {
    const ent = parseEnterpriseUrl(args.githubApiUrl);
    if ('problem' in ent) throw new PlanUsageError(`--github-api-url: ${ent.problem}`);
  }
  const report = await (args.analyze ? args.analyze() : ws.analyze());
  const ctx = ws.ctx;
  if (command === 'checklist') {
    const fmt = pickFormat(args.format, ['text', 'json', 'markdown'], 'text', 'checklist');
    const storage = await cliTickStorage(ctx);
    const book = storage ? new TickBook(storage) : undefined;
    const now = args.now ?? new Date();
    if (args.tick || args.untick) {
      if (!book) throw new Error('ticks are kept under .git/: this folder is not a git repository (or git is not installed)');
      const branch = report.facts.head?.branch;
      const first = await checklistOf(ctx, report, { now, ticks: await book.forBranch(branch) });
      const id = (args.tick ?? args.untick)!;
      const item = first.items.find((i) => i.id === id);
      if (!item) throw new PlanUsageError(`no checklist item "${id}"; items: ${first.items.map((i) => i.id).join(', ')}`);
      if (args.tick) {
        if (!item.tickable && !item.tick) throw new PlanUsageError(`"${id}" is computed (${item.state}), not ticked by hand`);
        const by = args.by ?? ((await ctx.git!.raw(['config', '--get', 'user.name']).catch(() => '')).trim() || (io.env ?? process.env).USER || 'unknown');
        await book.tick(branch, id, by, now, item.fingerprint);
        io.stderr(`ticked ${id} on ${branch ?? 'detached HEAD'} as ${by}\n`);
      } else {
        const had = await book.untick(branch, id);
        io.stderr(had ? `unticked ${id} on ${branch ?? 'detached HEAD'}\n` : `${id} was not ticked\n`);
      }
    }
    const cl = await checklistOf(ctx, report, { token, enterpriseUrl, fetch: io.fetch, now, ticks: book ? await book.forBranch(report.facts.head?.branch) : {} });
    if (fmt === 'json') io.stdout(JSON.stringify({ version: 1, verdict: cl.verdict, findingsVerdict: report.verdict, branch: cl.branch, items: cl.items }, null, 2) + '\n');
    else if (fmt === 'markdown') io.stdout(formatChecklistMarkdown(cl));
    else io.stdout(formatChecklistText(cl, report));
    return failed(cl.verdict, args.failOn);
  }
  if (command === 'rollback-plan') {
    const fmt = pickFormat(args.format, ['markdown', 'json'], 'markdown', 'rollback-plan');
    const res = await rollbackPlanOf(ctx, report, { token, enterpriseUrl, fetch: io.fetch, write: args.writePr });
    if (fmt === 'json') io.stdout(JSON.stringify({ version: 1, markdown: res.markdown, section: rollbackSection(res.markdown), published: res.published }, null, 2) + '\n');
    else io.stdout(rollbackSection(res.markdown));
    const p = res.published;
    if (!p) return 0;
    if (p.status === 'updated') io.stderr(`rollback plan written to pull request #${p.number} (${p.url})\n`);
    else if (p.status === 'unchanged') io.stderr(`pull request #${p.number} already has this rollback plan (${p.url})\n`);
    else if (p.status === 'no-pr') {
      io.stderr(`deploy-readiness: no open pull request for ${p.branch}: the plan is printed above; open a pull request and run again\n`);
      return 2;
    } else {
      io.stderr(`deploy-readiness: could not write the rollback plan to the pull request: ${p.error}\n`);
      return 2;
    }
    return 0;
  }
  const fmt = pickFormat(args.format, ['markdown', 'json'], 'markdown', 'runbook');
  const rb = await runbookOf(ctx, report, { token, enterpriseUrl, fetch: io.fetch, now: args.now });
  // An empty checklist.runbook.path means "print it" (the editor opens an untitled document instead).
  const out = args.out ?? (rb.path.trim() ? rb.path : '-');
  if (fmt === 'json') {
    io.stdout(JSON.stringify({ version: 1, path: out === '-' ? null : out, verdict: rb.checklist.verdict, markdown: rb.markdown }, null, 2) + '\n');
  } else if (out === '-') io.stdout(rb.markdown);
  if (out !== '-') {
    let abs: string;
    if (args.out !== undefined) {
      // A path the user typed is theirs to choose.
      abs = path.resolve(ctx.root, out);
      await fs.mkdir(path.dirname(abs), { recursive: true });
      await fs.writeFile(abs, rb.markdown);
    } else {
      // checklist.runbook.path comes from the repository: inside it, through no symbolic link.
      abs = await writeInRepository(ctx.root, out, rb.markdown);
    }
    if (fmt !== 'json') io.stdout(`${path.relative(ctx.root, abs) || abs}\n`);
    io.stderr(`runbook written to ${abs}\n`);
  }
  return 0;
}
