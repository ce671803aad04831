import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';
import type { PlanReply } from '../../src/core/protocol';
import { ROLLBACK_START } from '../../src/core/plan/section';
import { startFakeGithub } from '../unit/plan/fakeGithub';
import { activateExtension, folderUri, waitFor } from './common';

const COMMANDS = [
  'deployReadiness.tickChecklistItem',
  'deployReadiness.untickChecklistItem',
  'deployReadiness.scaffoldRollbackPlan',
  'deployReadiness.generateRunbook',
  'deployReadiness.addRollbackSectionToTemplate',
];

type TreeNode = ReturnType<DeployReadinessApi['tree']>[number];
const checklistOf = (api: DeployReadinessApi): TreeNode => api.tree().find((n) => n.label === 'Checklist')!;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Checklist, rollback-plan and runbook commands in a trusted workspace (registered after the main suite). */
export function planCommandCasesTrusted(): void {
  describe('checklist, rollback plan and runbook commands (trusted)', function () {
    let api: DeployReadinessApi;
    before(async () => {
      api = await activateExtension();
      await vscode.commands.executeCommand('deployReadiness.refresh');
      await api.whenIdle();
    });

    it('contributes its commands', async () => {
      const all = await vscode.commands.getCommands(true);
      for (const c of COMMANDS) assert.ok(all.includes(c), c);
    });

    it('shows the checklist items with their state, and the new variable as a manual item', async () => {
      const cl = await waitFor('checklist items', () => (checklistOf(api).children.some((c) => c.label === 'Stakeholders notified (support, on-call, dependent teams)') ? checklistOf(api) : undefined));
      const env = cl.children.find((c) => c.label === 'New environment variables set in production')!;
      assert.match(env.description ?? '', /set before deploy: .*STRIPE_API_KEY/);
      assert.match(cl.description ?? '', /^\d+ of \d+ done$/);
    });

    it('ticks and unticks a manual item, recording who ticked it', async () => {
      const label = 'Stakeholders notified (support, on-call, dependent teams)';
      assert.equal(await vscode.commands.executeCommand('deployReadiness.tickChecklistItem', 'stakeholders-notified'), true);
      // Relative time in the row and its tooltip, never the raw ISO timestamp.
      const row = await waitFor('the tick in the tree', () => {
        const r = checklistOf(api).children.find((c) => c.label === label);
        return /^ticked by .+ (just now|\d+ \w+ ago|in \d+ \w+)$/.test(r?.description ?? '') ? r : undefined;
      });
      assert.ok(!/\d{4}-\d{2}-\d{2}T/.test(`${row.description} ${row.tooltip}`), `${row.description} ${row.tooltip}`);
      assert.equal(await vscode.commands.executeCommand('deployReadiness.untickChecklistItem', 'stakeholders-notified'), true);
      await waitFor('the untick in the tree', () => checklistOf(api).children.find((c) => c.label === label)?.description === 'tick when done');
    });

    it('generates the runbook at the configured path and opens it rendered', async () => {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('deployReadiness.generateRunbook');
      assert.ok(uri, 'the command returns the written file');
      try {
        assert.match(uri.path, /\/docs\/runbooks\/\d{4}-\d{2}-\d{2}-feature-payments\.md$/);
        const tab = await waitFor('the runbook preview', () => {
          const t = vscode.window.tabGroups.activeTabGroup.activeTab;
          return t?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) ? t : undefined;
        }, 30_000);
        assert.ok(tab.label.includes(uri.path.split('/').pop()!), tab.label);
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        assert.match(text, /^# Deployment runbook: /);
        assert.match(text, /## 1\. Configuration: set before the deploy[\s\S]*STRIPE_API_KEY/);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        await vscode.workspace.fs.delete(folderUri('docs', 'runbooks'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
      }
    });

    it('without a GitHub session the plan opens in a Markdown editor and is on the clipboard', async () => {
      const plan = await vscode.commands.executeCommand<PlanReply>('deployReadiness.scaffoldRollbackPlan', { signIn: false });
      assert.ok(plan);
      if (plan.published) return; // a GitHub session already exists on this machine: the PR path is covered below
      const doc = vscode.window.activeTextEditor?.document;
      assert.equal(doc?.isUntitled, true);
      assert.equal(doc?.languageId, 'markdown');
      assert.ok(doc?.getText().startsWith(ROLLBACK_START));
      // A named tab, not one titled by the marker comment on the first line.
      assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /^Rollback plan.*\.md$/);
      const clip = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '');
      if (clip) assert.equal(clip, plan.section); // a browser host may not expose its clipboard to tests
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('adds a rollback section to the PR template once', async () => {
      const tpl = folderUri('.github', 'pull_request_template.md');
      const had = await exists(tpl);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('deployReadiness.addRollbackSectionToTemplate');
      try {
        assert.equal(uri?.toString(), tpl.toString());
        const doc = await vscode.workspace.openTextDocument(tpl);
        assert.equal(doc.getText().split(ROLLBACK_START).length, 2);
        await vscode.commands.executeCommand('deployReadiness.addRollbackSectionToTemplate');
        assert.equal(doc.getText().split(ROLLBACK_START).length, 2, 'not added twice');
      } finally {
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        if (!had) await vscode.workspace.fs.delete(tpl).then(undefined, () => undefined);
      }
    });

    it('a stubbed GitHub sign-in: the token never goes to a host the repository names (config key or origin)', async function () {
      const gh = await startFakeGithub({ pulls: [{ number: 3, title: 'Add Stripe payments', body: 'Payments via Stripe.\r\n', headRef: 'feature/payments', headSha: 'x', baseRef: 'main', state: 'open' }] });
      const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const config = folderUri('.deploy-readiness.yaml');
      const hadConfig = await exists(config);
      const oldConfig = hadConfig ? await vscode.workspace.fs.readFile(config) : undefined;
      const disposables: vscode.Disposable[] = [];
      try {
        const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
        const session: vscode.AuthenticationSession = { id: 's1', accessToken: 'good-token', account: { id: 'u1', label: 'tester' }, scopes: ['repo'] };
        try {
          disposables.push(
            vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', {
              onDidChangeSessions: changed.event,
              getSessions: async () => [session],
              createSession: async () => session,
              removeSession: async () => undefined,
            }),
          );
        } catch (e) {
          this.skip(); // the built-in GitHub authentication is registered in this host: it cannot be stubbed
          void e;
        }
        // The repository names a local "GitHub" twice: in its config (a removed key) and as origin. Neither gets the token.
        execFileSync('git', ['remote', 'add', 'origin', `${gh.url}/acme/shop.git`], { cwd: root });
        await vscode.workspace.fs.writeFile(config, new TextEncoder().encode(`${oldConfig ? new TextDecoder().decode(oldConfig) + '\n' : ''}checklist:\n  githubApiUrl: ${gh.url}\n`));
        await vscode.commands.executeCommand('deployReadiness.refresh');
        await api.whenIdle();
        const plan = await vscode.commands.executeCommand<PlanReply>('deployReadiness.scaffoldRollbackPlan', { signIn: false });
        if (!plan?.published) this.skip(); // the stubbed session needs a consent dialog in this host
        assert.equal(plan.published?.status, 'failed', JSON.stringify(plan.published));
        assert.match(plan.published?.error ?? '', /not on github\.com; for GitHub Enterprise set the user setting deployReadiness\.githubEnterpriseUrl/);
        assert.equal(gh.state.requests.length, 0, 'the local server named by the repository received nothing');
        assert.equal(gh.state.pulls[0].body, 'Payments via Stripe.\r\n');
      } finally {
        disposables.forEach((d) => d.dispose());
        try {
          execFileSync('git', ['remote', 'remove', 'origin'], { cwd: root });
        } catch {
          /* not added */
        }
        if (oldConfig) await vscode.workspace.fs.writeFile(config, oldConfig);
        else await vscode.workspace.fs.delete(config).then(undefined, () => undefined);
        await gh.close();
      }
    });
  });
}

/** In Restricted Mode the commands explain and do nothing else. */
export function planCommandCasesRestricted(): void {
  describe('checklist, rollback plan and runbook commands (Restricted Mode)', () => {
    it('do nothing: no document, no file, no tick', async () => {
      const before = vscode.workspace.textDocuments.length;
      assert.equal(await vscode.commands.executeCommand('deployReadiness.scaffoldRollbackPlan', { signIn: false }), undefined);
      assert.equal(await vscode.commands.executeCommand('deployReadiness.generateRunbook'), undefined);
      assert.equal(await vscode.commands.executeCommand('deployReadiness.tickChecklistItem', 'stakeholders-notified'), false);
      assert.equal(vscode.workspace.textDocuments.filter((d) => d.isUntitled).length, 0);
      assert.ok(vscode.workspace.textDocuments.length <= before);
      assert.equal(await exists(folderUri('docs', 'runbooks')), false);
    });
  });
}
