import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';
import { activateExtension, folderUri, waitFor } from './common';

type TreeNode = ReturnType<DeployReadinessApi['tree']>[number];

const SECTION_OF_AREA: Record<string, string> = { migration: 'Migrations', env: 'Environment', api: 'API contract', checklist: 'Checklist', pipeline: 'Checklist' };
const SECTIONS = ['Migrations', 'Environment', 'API contract', 'Checklist', 'Rollback & runbook'];

const section = (api: DeployReadinessApi, label: string): TreeNode => {
  const s = api.tree().find((n) => n.label === label);
  assert.ok(s, `section ${label}: ${JSON.stringify(api.tree().map((n) => n.label))}`);
  return s;
};

/** The sections the verdict's blockers belong to (a blocker row is "<file>:<line> <area>/<rule>: …" or "checklist: …"). */
function sectionsWithBlockers(api: DeployReadinessApi): Set<string> {
  const verdict = api.tree().find((n) => /^Verdict: /.test(n.label))!;
  const out = new Set<string>();
  for (const b of verdict.children) {
    if (/^checklist: /.test(b.label)) out.add('Checklist');
    const area = /^\S+ ([a-z]+)\//.exec(b.label)?.[1];
    if (area) out.add(SECTION_OF_AREA[area] ?? area);
  }
  return out;
}

/** Every file row under a section (through the "This branch" / "Already on" groups). */
function fileRows(n: TreeNode): TreeNode[] {
  return n.children.flatMap((c) => (c.contextValue === 'file' ? [c] : /^group:/.test(c.contextValue ?? '') ? fileRows(c) : []));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );
}

function activeTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab;
}

function isMarkdownPreview(t: vscode.Tab | undefined): boolean {
  return !!t && t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType);
}

async function withConfig<T>(api: DeployReadinessApi, yaml: string, fn: () => Promise<T>): Promise<T> {
  const cfg = folderUri('.deploy-readiness.yaml');
  const old = (await exists(cfg)) ? await vscode.workspace.fs.readFile(cfg) : undefined;
  await vscode.workspace.fs.writeFile(cfg, new TextEncoder().encode(yaml));
  try {
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
    return await fn();
  } finally {
    if (old) await vscode.workspace.fs.writeFile(cfg, old);
    else await vscode.workspace.fs.delete(cfg).then(undefined, () => undefined);
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
  }
}

/** Runs a notification command (dismiss, accept) until `run` settles or `done` says the answer landed. */
async function answer<T>(run: Thenable<T>, command: string, done?: () => Promise<boolean>, timeoutMs = 60_000): Promise<T> {
  let settled = false;
  const p = Promise.resolve(run).finally(() => (settled = true));
  const until = Date.now() + timeoutMs;
  while (!settled && Date.now() < until && !(done && (await done()))) {
    await vscode.commands.executeCommand(command);
    await new Promise((r) => setTimeout(r, 500));
  }
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the command did not return after ${command}`)), Math.max(1000, until - Date.now() + 30_000)));
  return Promise.race([p, timeout]);
}

function trustedCases(): void {
  describe('the readiness panel (trusted)', function () {
    let api: DeployReadinessApi;
    before(async () => {
      api = await activateExtension();
      await vscode.commands.executeCommand('deployReadiness.refresh');
      await api.whenIdle();
    });

    it('opens only the areas and files that hold a blocker; the rest are folded', async () => {
      // Migration and API findings become warnings: the environment's errors alone block.
      const cfg = 'rules:\n  migration/require-concurrent-index: warning\n  api/path-removed: warning\n  env/missing-from-example: error\n';
      await withConfig(api, cfg, async () => {
        const findings = () => api.reports().flatMap((r) => r.findings);
        await waitFor('the configuration to apply', () => findings().some((f) => f.area === 'env' && f.severity === 'error') && !findings().some((f) => (f.area === 'migration' || f.area === 'api') && f.severity === 'error'));
        const blocked = sectionsWithBlockers(api);
        assert.ok(blocked.has('Environment'), [...blocked].join(', '));
        assert.ok(!blocked.has('Migrations') && !blocked.has('API contract'), [...blocked].join(', '));
        for (const label of SECTIONS) assert.equal(section(api, label).expanded, blocked.has(label), `${label} expanded: ${section(api, label).expanded}`);
        const env = fileRows(section(api, 'Environment'));
        const payments = env.find((f) => f.label === 'payments.js');
        assert.ok(payments, JSON.stringify(env.map((f) => f.label)));
        assert.equal(payments.expanded, true, 'the file with the blocking env error is open');
        // 003 keeps its lock_timeout warning: a file with warnings only is folded while errors block elsewhere.
        const migrations = fileRows(section(api, 'Migrations'));
        const m003 = migrations.find((f) => f.label === '003_orders_payment.sql');
        assert.ok(m003, JSON.stringify(migrations.map((f) => f.label)));
        assert.equal(m003.expanded, false);
        assert.equal(section(api, 'Migrations').children.find((c) => c.label === 'This branch')?.expanded, false);
      });
      // Back to the repository's own configuration: still one rule, a section is open exactly when it holds a blocker.
      const blocked = sectionsWithBlockers(api);
      for (const label of SECTIONS) assert.equal(section(api, label).expanded, blocked.has(label), `${label} expanded: ${section(api, label).expanded}`);
      assert.equal(section(api, 'Rollback & runbook').expanded, false);
    });

    it('"not signed in to GitHub" checklist rows open the sign-in', () => {
      const ci = section(api, 'Checklist').children.find((c) => c.label === 'CI green on the exact HEAD commit');
      assert.ok(ci, JSON.stringify(section(api, 'Checklist').children.map((c) => c.label)));
      if (!/not signed in to GitHub/.test(ci.description ?? '')) return; // a GitHub session exists on this machine
      assert.equal(ci.command, 'deployReadiness.signInToGitHub');
      assert.match(ci.contextValue ?? '', /:signIn$/);
      // Tooltips in words, never the raw state token.
      assert.match(ci.tooltip ?? '', /Could not be checked: /);
      assert.ok(!/(^|\s)(unknown|fail|manual):/.test(ci.tooltip ?? ''), ci.tooltip);
    });

    it('the CI notice in the checklist is a sentence with the Add to CI action', () => {
      const notice = section(api, 'Checklist').children.find((c) => c.contextValue === 'notice' && /CI configuration/.test(c.label));
      assert.ok(notice, JSON.stringify(section(api, 'Checklist').children.map((c) => c.label)));
      assert.match(notice.label, /^No CI configuration found/);
      assert.equal(notice.command, 'deployReadiness.initCi');
    });

    it('the deployment window: one state, one icon in the tree and in the runbook', async () => {
      const today = new Date();
      const day = (d: number) => new Date(today.getTime() + d * 86400_000).toISOString().slice(0, 10);
      const check = async (windowYaml: string, icon: string, mark: string) =>
        withConfig(api, `checklist:\n  window:\n${windowYaml}`, async () => {
          const row = () => section(api, 'Checklist').children.find((c) => c.label === 'Inside the deployment window');
          await waitFor(`the deployment-window row as ${icon}`, () => row()?.icon === icon, 30_000).catch(() => undefined);
          assert.equal(row()?.icon, icon, JSON.stringify(row()));
          const uri = await vscode.commands.executeCommand<vscode.Uri>('deployReadiness.generateRunbook');
          assert.ok(uri);
          try {
            const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
            const line = text.split('\n').find((l) => l.includes('| Inside the deployment window'));
            assert.ok(line?.startsWith(`| ${mark} |`), line);
          } finally {
            await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
            await vscode.workspace.fs.delete(folderUri('docs', 'runbooks'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
          }
        });
      // A freeze: blocking, an error in both places (outside the hours, advisory: test/unit/plan/runbookIcons.test.ts).
      await check(`    freeze: ["${day(-1)}..${day(1)}"]\n`, 'error:problemsErrorIcon.foreground', '❌');
    });

    it('Generate Deployment Runbook opens the runbook rendered (Markdown preview)', async () => {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('deployReadiness.generateRunbook');
      assert.ok(uri);
      try {
        const tab = await waitFor('the runbook preview', () => (isMarkdownPreview(activeTab()) ? activeTab() : undefined), 30_000);
        assert.ok(tab.label.includes(uri.path.split('/').pop()!), tab.label);
        assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString()), 'not opened as editable source');
        assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), /^# Deployment runbook: /);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        await vscode.workspace.fs.delete(folderUri('docs', 'runbooks'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
      }
    });

    it('Show Rule Documentation opens the rule page rendered, not the raw file', async () => {
      await vscode.commands.executeCommand('deployReadiness.showRuleDocs', 'migration/require-concurrent-index');
      const tab = await waitFor('the rule preview', () => (isMarkdownPreview(activeTab()) ? activeTab() : undefined), 30_000);
      assert.match(tab.label, /require-concurrent-index/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it('Add to CI: the diff stays visible, Write / Cancel in a notification; Cancel writes nothing', async () => {
      const planned = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'deploy-readiness-plan');
      await vscode.commands.executeCommand('notifications.clearAll');
      const run = vscode.commands.executeCommand<{ written: string[] } | undefined>('deployReadiness.initCi');
      await waitFor('the planned diff', () => planned().length > 0, 60_000);
      // Not modal: the diff is the active editor while the question waits.
      assert.ok(activeTab()?.input instanceof vscode.TabInputTextDiff, activeTab()?.label);
      const file = (activeTab()!.input as vscode.TabInputTextDiff).modified.path.slice(1);
      // Dismissing the notification = Cancel (it appears just after the diff: dismiss until the command returns).
      assert.deepEqual(await answer(run, 'notifications.clearAll'), { written: [] });
      assert.equal(await exists(folderUri(...file.split('/'))), false);
      assert.equal(planned().length, 0, 'the diff closes with the question');
    });

    it('Add to CI: Write writes the workflow, refreshes the tree and offers to open it', async () => {
      const notice = () => section(api, 'Checklist').children.some((c) => c.contextValue === 'notice' && /CI configuration/.test(c.label));
      assert.ok(notice(), 'before: the checklist says there is no CI');
      await vscode.commands.executeCommand('notifications.clearAll');
      const run = vscode.commands.executeCommand<{ written: string[] } | undefined>('deployReadiness.initCi');
      await waitFor('the planned diff', () => activeTab()?.input instanceof vscode.TabInputTextDiff, 60_000);
      const wf = folderUri('.github', 'workflows', 'deploy-readiness.yml');
      // "Write", the notification's first button; pressed until the file is there.
      const result = await answer(run, 'notification.acceptPrimaryAction', () => exists(wf));
      assert.ok(result?.written.length, JSON.stringify(result));
      const written = folderUri(...result.written[0].split('/'));
      try {
        assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(written)), /deploy-readiness/);
        // Refreshed before the command returned: the notice is gone, and our own job is not taken for a production deploy.
        await waitFor('the no-CI notice to go', () => !notice(), 30_000).catch(() => undefined);
        assert.ok(!notice(), JSON.stringify(section(api, 'Checklist').children.map((c) => c.label)));
        const onWorkflow = api.reports().flatMap((r) => r.findings).filter((f) => f.file === result.written[0]);
        assert.ok(!onWorkflow.some((f) => /production|approval/i.test(f.message)), JSON.stringify(onWorkflow.map((f) => f.message)));
      } finally {
        for (const f of result.written) await vscode.workspace.fs.delete(folderUri(...f.split('/'))).then(undefined, () => undefined);
        await vscode.workspace.fs.delete(folderUri('.github', 'workflows')).then(undefined, () => undefined);
        await vscode.commands.executeCommand('notifications.clearAll');
        await vscode.commands.executeCommand('deployReadiness.refresh');
        await api.whenIdle();
      }
    });
  });
}

function restrictedCases(): void {
  describe('the readiness panel (Restricted Mode)', function () {
    let api: DeployReadinessApi;
    before(async () => {
      api = await activateExtension();
      await vscode.commands.executeCommand('deployReadiness.refresh');
      await api.whenIdle();
    });

    it('an area that needs git says it was not checked, not "no findings"', () => {
      const apiSection = section(api, 'API contract');
      assert.equal(apiSection.description, 'not checked in Restricted Mode (needs git)');
      const row = apiSection.children[0];
      assert.equal(row.label, 'Not checked in Restricted Mode (needs git)');
      assert.equal(row.command, 'workbench.trust.manage');
      assert.match(apiSection.tooltip ?? '', /Trust the folder/);
      assert.match(section(api, 'Checklist').description ?? '', /^\d+ of \d+ done · \d+ not checked in Restricted Mode$/);
      // Migrations and env reads are checked from the files: they say what they found.
      assert.ok(!/not checked/.test(section(api, 'Migrations').description ?? ''));
    });

    it('opens the areas with blockers and folds the rest', () => {
      const blocked = sectionsWithBlockers(api);
      assert.ok(blocked.has('Migrations'), [...blocked].join(', '));
      for (const label of SECTIONS) assert.equal(section(api, label).expanded, blocked.has(label), `${label} expanded: ${section(api, label).expanded}`);
    });
  });
}

if (vscode.workspace.isTrusted) trustedCases();
else restrictedCases();
