import * as vscode from 'vscode';
/** When the bundle started evaluating (a banner in scripts/build.mjs): activation cost is measured from there. */
const loadedAt = (globalThis as { __deployReadinessLoadStart?: number }).__deployReadinessLoadStart ?? performance.now();
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
   * Timings for the editor bench: `activationMs` from the bundle's evaluation (its dependencies' top-level code included) to the end of
   * `activate`; per folder, when the worker last finished opening it (per-file lints answer from then on); the last per-file
   * lints' traces (change → debounce → worker → diagnostics set, epoch milliseconds).
   */
  timings(): { activationMs: number; folders: { name: string; readyAt?: number; state: string; refreshes: number; statusOnly: number; gitEvents: number }[]; edits: EditTrace[]; activationMarks: Record<string, number> };
}

let activationMs = 0;

/** Where activation went (ms from the bundle's first line): its modules' top-level code, the context, the registrations. */
const activationMarks: Record<string, number> = {};

export function activate(context: vscode.ExtensionContext): DeployReadinessApi {
  activationMarks.topLevel = performance.now() - loadedAt;
  const c = new Ctx(context);
  activationMarks.ctx = performance.now() - loadedAt;
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
  activationMs = performance.now() - loadedAt;
  activationMarks.registered = activationMs;
  c.log.info(`activated in ${activationMs.toFixed(1)} ms (top-level code ${activationMarks.topLevel.toFixed(1)} ms, context ${(activationMarks.ctx - activationMarks.topLevel).toFixed(1)} ms)`);
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
