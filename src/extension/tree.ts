import * as vscode from 'vscode';
import type { Blocker } from '../core/blockers';
import { blockersOf, blockingFindings, blockingItems } from '../core/blockers';
import type { ChecklistItem } from '../core/checklist/items';
import type { Area, Finding, Notice, Report } from '../core/model';
import { areaView, verdictTooltip } from '../core/view';
import { ruleSummary } from './rules';
import { canIgnoreHere, plural, checkLook, checkRequirement, checkStateWords, findingDescription, findingTitle, relativeTime, severityCounts, verdictLabel } from '../core/present';
import { fileUri, toRange } from './convert';
import type { FolderSession } from './session';

export const VIEW_ID = 'deployReadiness.view';
export const OPEN_FINDING_COMMAND = 'deployReadiness.openFinding';
export const SIGN_IN_COMMAND = 'deployReadiness.signInToGitHub';
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';
const INIT_CI_COMMAND = 'deployReadiness.initCi';

type SectionId = Area | 'rollback';

export type Node =
  | { type: 'verdict'; session: FolderSession }
  | { type: 'folder'; session: FolderSession }
  | { type: 'section'; session: FolderSession; section: SectionId }
  | { type: 'file'; session: FolderSession; area: Area; file: string; findings: Finding[]; group?: 'new' | 'existing' }
  | { type: 'group'; session: FolderSession; area: Area; group: 'new' | 'existing'; findings: Finding[] }
  | { type: 'blocker'; session: FolderSession; blocker: Blocker }
  | { type: 'finding'; session: FolderSession; finding: Finding }
  | { type: 'notice'; notice: Notice }
  | { type: 'checkItem'; session: FolderSession; item: ChecklistItem }
  | { type: 'fact'; label: string; description?: string; tooltip?: string; icon: string; file?: { session: FolderSession; path: string }; command?: string }
  | { type: 'banner' };

export const SECTIONS: { id: SectionId; label: string; icon: string }[] = [
  { id: 'migration', label: 'Migrations', icon: 'database' },
  { id: 'env', label: 'Environment', icon: 'symbol-variable' },
  { id: 'api', label: 'API contract', icon: 'symbol-interface' },
  { id: 'checklist', label: 'Checklist', icon: 'checklist' },
  { id: 'rollback', label: 'Rollback & runbook', icon: 'history' },
];

const SEVERITY_ICON = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

const VERDICT_ICON = {
  blocked: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  review: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  ready: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
};

export class ReadinessTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly sessions: () => FolderSession[]) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const sessions = this.sessions().filter((s) => s.report || s.state === 'failed');
    if (!node) {
      // Restricted Mode says so first, with the way out, not as the 13th row of the checklist.
      const banner: Node[] = sessions.length && !vscode.workspace.isTrusted ? [{ type: 'banner' }] : [];
      if (sessions.length === 1) return [...banner, ...this.folderChildren(sessions[0])];
      return [...banner, ...sessions.map((session) => ({ type: 'folder' as const, session }))];
    }
    switch (node.type) {
      case 'folder':
        return this.folderChildren(node.session);
      case 'verdict':
        return verdictChildren(node.session);
      case 'group':
        return fileNodes(node.session, node.area, node.findings, node.group);
      case 'section':
        if (node.section === 'checklist') return [...checklistChildren(node.session), ...sectionChildren(node.session, node.section)];
        return node.section === 'rollback' ? rollbackChildren(node.session) : sectionChildren(node.session, node.section);
      case 'file':
        return node.findings.map((finding) => ({ type: 'finding', session: node.session, finding }));
      default:
        return [];
    }
  }

  private folderChildren(session: FolderSession): Node[] {
    return [{ type: 'verdict', session }, ...SECTIONS.map((s) => ({ type: 'section' as const, session, section: s.id }))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'verdict': {
        const r = node.session.report;
        if (!r) {
          const item = new vscode.TreeItem(vscode.l10n.t('Analysis failed'));
          item.description = node.session.error;
          item.iconPath = new vscode.ThemeIcon('error');
          return item;
        }
        const verdict = node.session.verdict ?? r.verdict;
        const blockers = verdictChildren(node.session).length;
        // The blockers are the verdict's children: the top of the tree says why, and what to do.
        const item = new vscode.TreeItem(vscode.l10n.t('Verdict: {0}', verdictLabel(verdict)), blockers ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = `${node.session.folder.uri.toString()}#verdict`;
        const open = node.session.checklist?.items.filter((i) => i.state !== 'pass').length ?? 0;
        item.description = counts(r) + (open ? `, ${plural(open, 'checklist item', 'checklist items')} ${vscode.l10n.t('open')}` : '');
        item.iconPath = VERDICT_ICON[verdict];
        item.contextValue = `verdict:${verdict}`;
        item.tooltip = verdictTooltip(r, node.session.checklist?.items, verdict) + '\n' + baseTooltip(r);
        return item;
      }
      case 'blocker': {
        const b = node.blocker;
        const item = new vscode.TreeItem(b.title);
        item.description = b.action;
        item.tooltip = `${b.title}\n→ ${b.action}`;
        item.iconPath = b.kind === 'checklist' ? new vscode.ThemeIcon('checklist', new vscode.ThemeColor('problemsErrorIcon.foreground')) : SEVERITY_ICON[b.level];
        item.contextValue = `blocker:${b.kind}`;
        if (b.file) item.command = { command: OPEN_FINDING_COMMAND, title: 'Open', arguments: [node.session.folder.uri, b.file, b.range] };
        return item;
      }
      case 'group': {
        const base = node.session.report?.facts.base?.ref ?? 'the base';
        const fresh = node.group === 'new';
        const item = new vscode.TreeItem(
          fresh ? vscode.l10n.t('This branch') : vscode.l10n.t('Already on {0}', base),
          node.findings.length ? (hasBlocker(node.session, node.findings) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `${node.session.folder.uri.toString()}#${node.area}#${node.group}${openMark(item)}`;
        item.description = fresh && !node.findings.length ? vscode.l10n.t('no new findings') : String(node.findings.length);
        item.iconPath = new vscode.ThemeIcon(fresh ? 'git-branch' : 'history');
        item.tooltip = fresh ? vscode.l10n.t('Findings this change introduces: they decide the verdict') : vscode.l10n.t('Findings already on {0}: counted, not deciding the verdict', base);
        item.contextValue = `group:${node.group}`;
        return item;
      }
      case 'folder': {
        const item = new vscode.TreeItem(node.session.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = vscode.ThemeIcon.Folder;
        item.description = node.session.report ? counts(node.session.report) : node.session.error;
        return item;
      }
      case 'section': {
        const meta = SECTIONS.find((s) => s.id === node.section)!;
        const r = node.session.report;
        const view = r && node.section !== 'rollback' ? areaView(r, node.section) : undefined;
        const n = view ? view.fresh.length + view.existing.length : undefined;
        const cl = node.section === 'checklist' ? node.session.checklist : undefined;
        const open = cl?.items.filter((i) => i.state !== 'pass').length ?? 0;
        // Open where something blocks the deploy (or asks for review), folded everywhere else.
        const blocks = !!r && sectionBlocks(node.session, node.section);
        const item = new vscode.TreeItem(meta.label, blocks ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.session.folder.uri.toString()}#${node.section}${openMark(item)}`;
        const unchecked = restricted() && cl ? cl.items.filter((i) => i.state === 'unknown').length : 0;
        item.description = cl
          ? vscode.l10n.t('{0} of {1} done', cl.items.length - open, cl.items.length) + (unchecked ? ` · ${vscode.l10n.t('{0} not checked in Restricted Mode', unchecked)}` : '')
          : !view
            ? undefined
            : view.nothingToCheck
              ? vscode.l10n.t('nothing to check')
              : view.notCompared
                ? (n ? `${n} · ` : '') + notComparedWords()
                : n === 0
                  ? vscode.l10n.t('no findings')
                  : view.compared
                    ? vscode.l10n.t('{0} new, {1} existing', view.fresh.length, view.existing.length)
                    : String(n);
        if (view?.nothingToCheck) item.tooltip = vscode.l10n.t('Nothing to check: {0}', view.nothingToCheck);
        if (view?.notCompared) item.tooltip = notComparedTooltip(view.notCompared);
        item.iconPath = new vscode.ThemeIcon(meta.icon);
        item.contextValue = `section:${node.section}`;
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(fileUri(node.session.folder.uri, node.file), hasBlocker(node.session, node.findings) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.session.folder.uri.toString()}#${node.area}#${node.group ?? ''}#${node.file}${openMark(item)}`;
        // One count: the Problems badge the resource shows; the description is the folder.
        item.description = node.file.includes('/') ? node.file.slice(0, node.file.lastIndexOf('/')) : '';
        item.tooltip = `${node.file}\n${vscode.l10n.t(node.findings.length === 1 ? '{0} finding' : '{0} findings', node.findings.length)}`;
        item.contextValue = 'file';
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(findingTitle(f, ruleSummary(f.ruleId)));
        item.description = findingDescription(f);
        item.iconPath = SEVERITY_ICON[f.severity];
        item.tooltip = findingTooltip(f);
        // finding:<area>:<severity>[:fixable][:ignorable][:docs] — the row's context menu keys on these.
        item.contextValue = `finding:${f.area}:${f.severity}${f.fixes?.length ? ':fixable' : ''}${canIgnoreHere(f.file, f.area) ? ':ignorable' : ''}${f.docs ? ':docs' : ''}`;
        item.command = { command: OPEN_FINDING_COMMAND, title: 'Open', arguments: [node.session.folder.uri, f.file, f.range] };
        return item;
      }
      case 'notice': {
        // The CLI's hint becomes the editor's command; the row reads as a sentence.
        const m = node.notice.message;
        const cli = / *`deploy-readiness init-ci` writes one\.?$/.exec(m);
        const item = new vscode.TreeItem(sentence(cli ? m.slice(0, cli.index) : m));
        item.iconPath = new vscode.ThemeIcon(node.notice.level === 'info' ? 'info' : 'warning');
        item.tooltip = sentence(m);
        item.contextValue = 'notice';
        if (cli) {
          item.description = vscode.l10n.t('Add to CI');
          item.command = { command: INIT_CI_COMMAND, title: vscode.l10n.t('Add to CI') };
        }
        return item;
      }
      case 'checkItem': {
        const i = node.item;
        const item = new vscode.TreeItem(i.title);
        item.id = `${node.session.folder.uri.toString()}#checklist#${i.id}`;
        // A tick reads "ticked by Ana 5 minutes ago" (the core's reason carries the ISO time for the CLI).
        const rest = i.tick ? i.reason.replace(/^ticked by .*? at \S+( — )?/, '') : '';
        item.description = i.tick ? vscode.l10n.t('ticked by {0} {1}', i.tick.by, relativeTime(i.tick.at)) + (rest ? ` — ${rest}` : '') : i.reason;
        item.iconPath = CHECK_ICON(i);
        const tip = new vscode.MarkdownString();
        const req = checkRequirement(i);
        tip.appendMarkdown(`**${escapeMd(i.title)}**${req ? ` — ${req}` : ''}\n\n${checkStateWords(i.state)}: `);
        tip.appendMarkdown(escapeMd(i.reason));
        if (i.tick) tip.appendMarkdown(`\n\n${vscode.l10n.t('Ticked by {0} {1}', escapeMd(i.tick.by), relativeTime(i.tick.at))}`);
        item.tooltip = tip;
        item.contextValue = `checklistItem:${i.tickable ? (i.tick ? 'ticked' : 'unticked') : 'computed'}:${i.state}${signInNeeded(i) ? ':signIn' : ''}`;
        // A dead end no more: "not signed in to GitHub" opens the sign-in.
        if (signInNeeded(i)) item.command = { command: SIGN_IN_COMMAND, title: vscode.l10n.t('Sign in to GitHub'), arguments: [node.session.folder.uri] };
        return item;
      }
      case 'banner': {
        const item = new vscode.TreeItem(vscode.l10n.t('Restricted Mode: files only'));
        item.description = vscode.l10n.t('Manage Workspace Trust');
        item.tooltip = vscode.l10n.t('Migrations, environment reads and API schemas are linted from the files alone: no git is run, so nothing is compared with the base branch and the checklist cannot read CI or the pull request. Trust the folder to check everything.');
        item.iconPath = new vscode.ThemeIcon('shield');
        item.contextValue = 'banner:restricted';
        item.command = { command: MANAGE_TRUST_COMMAND, title: vscode.l10n.t('Manage Workspace Trust') };
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.command) item.command = { command: node.command, title: node.label };
        if (node.file) {
          item.resourceUri = fileUri(node.file.session.folder.uri, node.file.path);
          item.command = { command: OPEN_FINDING_COMMAND, title: 'Open', arguments: [node.file.session.folder.uri, node.file.path] };
        }
        return item;
      }
    }
  }
}

function counts(r: Report): string {
  const c = severityCounts(r.summary);
  return r.baseline?.compared && r.baseline.scope === 'new' ? vscode.l10n.t('{0} new; {1} existing', c, r.summary.existing) : c;
}

/** Escapes repository text for a MarkdownString (titles, names). */
function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}

/** The full message (escaped: it quotes repository identifiers; appendText would keep long lines from wrapping), the rule, the lock and the fix. */
function findingTooltip(f: Finding): vscode.MarkdownString {
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${escapeMd(f.ruleId)}** · ${f.severity} · ${vscode.l10n.t('line {0}', f.range.start.line + 1)}\n\n`);
  tip.appendMarkdown(escapeMd(f.message));
  if (typeof f.data?.lock === 'string') tip.appendMarkdown(`\n\n${vscode.l10n.t('Lock')}: \`${f.data.lock.replace(/`/g, '')}\``);
  if (f.fixes?.length) {
    tip.appendMarkdown(`\n\n${vscode.l10n.t('Fix')}: `);
    tip.appendMarkdown(escapeMd((f.fixes.find((x) => x.isPreferred) ?? f.fixes[0]).title));
  }
  return tip;
}

/** A checklist item that only needs GitHub sign-in to be checked. */
function signInNeeded(i: ChecklistItem): boolean {
  return i.state === 'unknown' && /not signed in to GitHub/i.test(i.reason);
}

function baseTooltip(r: Report): string {
  return r.facts.base ? vscode.l10n.t('Compared with {0} at {1}', r.facts.base.ref, r.facts.base.commit.slice(0, 7)) : vscode.l10n.t('Not compared with a base branch');
}

const NONE: ReadonlySet<Finding> = new Set();
const blockingCache = new WeakMap<Report, ReadonlySet<Finding>>();

/** The findings listed under the verdict (none when it is "ready"), computed once per report. */
function blocking(session: FolderSession): ReadonlySet<Finding> {
  const r = session.report;
  if (!r || (session.verdict ?? r.verdict) === 'ready') return NONE;
  let set = blockingCache.get(r);
  if (!set) blockingCache.set(r, (set = new Set(blockingFindings(r))));
  return set;
}

function hasBlocker(session: FolderSession, findings: readonly Finding[]): boolean {
  const b = blocking(session);
  return b.size > 0 && findings.some((f) => b.has(f));
}

/** Whether a section holds a blocker: a blocking finding of its area, or (the checklist) a required item not done. */
function sectionBlocks(session: FolderSession, section: SectionId): boolean {
  const r = session.report;
  if (!r || section === 'rollback') return false;
  if (section === 'checklist' && (session.verdict ?? r.verdict) !== 'ready' && blockingItems(session.checklist?.items).length) return true;
  const b = blocking(session);
  return b.size > 0 && [...b].some((f) => f.area === section);
}

/** The blockers under the verdict: findings that decide it and required checklist items not done. */
function verdictChildren(session: FolderSession): Node[] {
  const r = session.report;
  if (!r) return [];
  const verdict = session.verdict ?? r.verdict;
  if (verdict === 'ready') return [];
  const { blockers } = blockersOf(r, session.checklist?.items);
  return blockers.map((blocker) => ({ type: 'blocker' as const, session, blocker }));
}

function fileNodes(session: FolderSession, area: Area, findings: Finding[], group?: 'new' | 'existing'): Node[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  return [...byFile].map(([file, fs]) => ({ type: 'file' as const, session, area, file, findings: fs, group }));
}

function CHECK_ICON(i: ChecklistItem): vscode.ThemeIcon {
  switch (checkLook(i)) {
    case 'pass':
      return new vscode.ThemeIcon(i.tick ? 'check' : 'pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'blocking':
      return SEVERITY_ICON.error;
    case 'advisory':
      return SEVERITY_ICON.warning;
    case 'manual':
      return new vscode.ThemeIcon('circle-large-outline', i.required ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    default:
      return new vscode.ThemeIcon('question');
  }
}

function checklistChildren(session: FolderSession): Node[] {
  return (session.checklist?.items ?? []).map((item) => ({ type: 'checkItem' as const, session, item }));
}

/**
 * VS Code keeps a row's expansion by id across refreshes: the id carries whether the row opened
 * for a blocker, so a row whose blockers come or go takes the new state, and otherwise keeps
 * what the user chose.
 */
function openMark(item: vscode.TreeItem): string {
  return item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded ? '#~open' : '';
}

/** Capitalised first letter (core notices are lowercase fragments for the CLI's "note: …"). */
function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function restricted(): boolean {
  return !vscode.workspace.isTrusted;
}

/** What an area that needs the base branch says when there was none. */
function notComparedWords(): string {
  return restricted() ? vscode.l10n.t('not checked in Restricted Mode (needs git)') : vscode.l10n.t('not compared with a base branch');
}

function notComparedTooltip(reason: string): string {
  return restricted()
    ? vscode.l10n.t('Breaking changes are found by comparing each schema with the base branch through git, which Restricted Mode does not run. Trust the folder to check the API contract.')
    : vscode.l10n.t('Breaking changes are found by comparing each schema with the base branch: {0}.', reason);
}

function sectionChildren(session: FolderSession, area: Area): Node[] {
  const r = session.report;
  if (!r) return [];
  const view = areaView(r, area);
  const nodes: Node[] = [];
  if (view.notCompared) {
    const fact: Node & { type: 'fact' } = { type: 'fact', label: notComparedWords().replace(/^./, (c) => c.toUpperCase()), description: restricted() ? vscode.l10n.t('Manage Workspace Trust') : view.notCompared, tooltip: notComparedTooltip(view.notCompared), icon: restricted() ? 'shield' : 'circle-slash' };
    if (restricted()) fact.command = MANAGE_TRUST_COMMAND;
    nodes.push(fact);
  }
  if (view.nothingToCheck) nodes.push({ type: 'fact', label: vscode.l10n.t('Nothing to check'), description: view.nothingToCheck, icon: 'circle-slash' });
  else if (!view.compared) nodes.push(...fileNodes(session, area, view.fresh));
  else {
    // What this branch introduces, open; what was already on the base, folded with its count.
    nodes.push({ type: 'group', session, area, group: 'new', findings: view.fresh });
    if (view.existing.length) nodes.push({ type: 'group', session, area, group: 'existing', findings: view.existing });
  }
  for (const notice of r.notices) if (notice.area === area || (!notice.area && area === 'checklist')) nodes.push({ type: 'notice', notice });
  return nodes;
}

function rollbackChildren(session: FolderSession): Node[] {
  const r = session.report;
  if (!r) return [];
  const nodes: Node[] = [];
  const facts = r.facts;
  if (facts.base) nodes.push({ type: 'fact', label: vscode.l10n.t('Base: {0}', facts.base.ref), description: facts.base.commit.slice(0, 7), icon: 'git-merge' });
  for (const m of facts.migrations.filter((m) => m.direction !== 'down' && (m.isNew || !facts.base))) {
    const rev = m.reversibility === 'irreversible' ? ` · ${vscode.l10n.t('irreversible')}` : m.reversibility === 'down-data-loss' ? ` · ${vscode.l10n.t('reversible, data since is lost')}` : '';
    nodes.push({
      type: 'fact',
      label: m.file.slice(m.file.lastIndexOf('/') + 1),
      description: `${m.tool}${m.isNew ? ' · new' : ''}${rev}`,
      tooltip: vscode.l10n.t('Migration {0}: run it before deploying the code', m.file),
      icon: 'database',
      file: { session, path: m.file },
    });
  }
  for (const v of facts.envVars.filter((v) => v.isNew)) {
    nodes.push({ type: 'fact', label: v.name, description: vscode.l10n.t('set in production before deploy'), tooltip: v.files.join(', '), icon: 'symbol-variable' });
  }
  const breaking = r.findings.filter((f) => f.area === 'api' && f.severity === 'error').length;
  if (breaking) nodes.push({ type: 'fact', label: breaking === 1 ? vscode.l10n.t('1 breaking API change') : vscode.l10n.t('{0} breaking API changes', breaking), icon: 'warning' });
  if (!nodes.length) nodes.push({ type: 'fact', label: vscode.l10n.t('Nothing on this branch needs a rollback step'), icon: 'pass' });
  return nodes;
}

/** Opens a file at a finding's exact range. */
export async function openFinding(folder: vscode.Uri, file: string, range?: Finding['range']): Promise<void> {
  const uri = fileUri(folder, file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const r = range ? toRange(range) : undefined;
  await vscode.window.showTextDocument(doc, { selection: r, preserveFocus: false });
}
