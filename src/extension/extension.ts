import * as vscode from 'vscode';
/** When the bundle started evaluating (a banner in scripts/build.mjs); read again in `activate`, after the footer set `end`. */
const fallbackLoad: { start: number; api?: number; end?: number } = { start: performance.now() };
import type { Report } from '../core/model';
import { Ctx } from './ctx';
import { registerIgnoreFinding } from './commands/ignoreFinding';
import { registerAcceptApiChange } from './commands/acceptApiChange';
import { registerOpenFinding } from './commands/openFinding';
import { registerRefresh } from './commands/refresh';
import { registerShowOutput } from './commands/showOutput';
import { registerShowRuleDocs } from './commands/showRuleDocs';
import { registerInitCi } from './commands/initCi';
import { registerMigrationHover } from './hover';
import type { Node } from './tree';
import type { EditTrace } from './editTrace';
import { mark, marks } from './activationMarks';
import { registerTickChecklistItem } from './commands/tickChecklistItem';
import { registerScaffoldRollbackPlan } from './commands/scaffoldRollbackPlan';
import { registerGenerateRunbook } from './commands/generateRunbook';
import { registerAddRollbackToTemplate } from './commands/addRollbackToTemplate';
import { registerPrDescriptionProvider } from './prDescription';
import { registerFindingMenu } from './commands/findingMenu';

/** What the extension exports: used by the integration suite and by other extensions. */
export interface DeployReadinessApi {
  refresh(): Promise<void>;
  whenIdle(): Promise<void>;
  reports(): Report[];
  /** The tree as labels (for tests and accessibility tools). */
  tree(): { label: string; description?: string; contextValue?: string; command?: string; tooltip?: string; expanded?: boolean; icon?: string; children: ReturnType<DeployReadinessApi['tree']> }[];
  /** How many times the analysis workers have run git (0 in Restricted Mode). */
  gitInvocations(): number;
  /**
   * Timings for the editor bench: `activationMs`, the extension's own activation cost (its bundle's top-level code, the `vscode`
   * API object's creation included, plus the body of `activate`; `activationMarks` splits it); per folder, when the worker last finished opening it (per-file lints answer from then on); the last per-file
   * lints' traces (change → debounce → worker → diagnostics set, epoch milliseconds).
   */
  timings(): { activationMs: number; folders: { name: string; readyAt?: number; state: string; refreshes: number; statusOnly: number; gitEvents: number }[]; edits: EditTrace[]; activationMarks: Record<string, number> };
}

let activationMs = 0;

/** Where activation went, in ms (see `activationBreakdown`). */
let activationMarks: Record<string, number> = {};

/**
 * The extension's own activation cost: its bundle's top-level code (banner to footer, the
 * `vscode` API object VS Code builds on the first require included) plus the body of `activate`.
 * Not the time between the two: VS Code loads the extension's context (storage) meanwhile and
 * calls `activate` when both are done, as for any extension.
 */
function activationBreakdown(activateStart: number, activateEnd: number): Record<string, number> {
  const load = (globalThis as { __deployReadinessLoad?: { start: number; api?: number; end?: number } }).__deployReadinessLoad ?? fallbackLoad;
  const end = load.end ?? activateStart;
  const r = (x: number) => Math.round(x * 10) / 10;
  const out: Record<string, number> = {
    ownMs: r(end - load.start + (activateEnd - activateStart)),
    vscodeApiMs: r((load.api ?? load.start) - load.start),
    topLevelMs: r(end - (load.api ?? load.start)),
    hostWaitMs: r(activateStart - end),
    activateMs: r(activateEnd - activateStart),
    sinceLoadMs: r(activateEnd - load.start),
  };
  let last = activateStart;
  for (const [name, at] of Object.entries(marks).sort((a, b) => a[1] - b[1])) {
    out[name] = r(at - last);
    last = at;
  }
  return out;
}

export function activate(context: vscode.ExtensionContext): DeployReadinessApi {
  const activateStart = performance.now();
  const c = new Ctx(context);
  mark('ctx');
  context.subscriptions.push(c, registerRefresh(c), registerShowOutput(c), registerOpenFinding(), registerShowRuleDocs(context.extensionUri, () => c.rules()), registerIgnoreFinding());
  context.subscriptions.push(registerTickChecklistItem(c));
  context.subscriptions.push(registerScaffoldRollbackPlan(c));
  context.subscriptions.push(registerGenerateRunbook(c));
  context.subscriptions.push(registerAddRollbackToTemplate(c));
  context.subscriptions.push(registerInitCi(c));
  context.subscriptions.push(registerPrDescriptionProvider(c));
  context.subscriptions.push(registerAcceptApiChange());
  context.subscriptions.push(registerFindingMenu(c));
  context.subscriptions.push(registerMigrationHover(c));
  const label = (n: Node) => {
    const item = c.tree.getTreeItem(n);
    const l = typeof item.label === 'string' ? item.label : (item.label?.label ?? (item.resourceUri ? item.resourceUri.path.split('/').pop()! : ''));
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id + (item.iconPath.color ? `:${(item.iconPath.color as unknown as { id: string }).id}` : '') : undefined;
    const expanded = item.collapsibleState === vscode.TreeItemCollapsibleState.None || item.collapsibleState === undefined ? undefined : item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded;
    return { label: l, description: typeof item.description === 'string' ? item.description : undefined, contextValue: item.contextValue, command: item.command?.command, tooltip, expanded, icon };
  };
  const walk = (n?: Node): ReturnType<DeployReadinessApi['tree']> =>
    (c.tree.getChildren(n) ?? []).map((child) => ({ ...label(child), children: walk(child) }));
  mark('registered');
  activationMarks = activationBreakdown(activateStart, performance.now());
  activationMs = activationMarks.ownMs;
  const a = activationMarks;
  c.log.info(`activated in ${a.ownMs} ms (vscode API ${a.vscodeApiMs} ms, top-level code ${a.topLevelMs} ms, activate ${a.activateMs} ms; VS Code's own wait between them ${a.hostWaitMs} ms)`);
  return {
    timings: () => ({ activationMs, activationMarks: { ...activationMarks }, folders: c.allSessions().map((s) => ({ name: s.folder.name, readyAt: s.readyAt, state: s.state, ...s.counts })), edits: c.traces.all() }),
    refresh: () => c.refreshAll(),
    whenIdle: () => c.whenIdle(),
    reports: () => c.reports(),
    tree: () => walk(),
    gitInvocations: () => c.allSessions().reduce((n, s) => n + s.gitInvocations, 0),
  };
}

/** Everything is disposed through `context.subscriptions`. */
export function deactivate(): void {}
