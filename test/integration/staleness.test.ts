import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';
import { activateExtension, codeOf, folderUri, ours, waitFor } from './common';

type TreeNode = ReturnType<DeployReadinessApi['tree']>[number];

/** The workspace as a terminal sees it: plain files and git, nothing through the editor. */
function root(): string {
  return folderUri().fsPath;
}
function terminalGit(...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Terminal', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Terminal', GIT_COMMITTER_EMAIL: 't@example.com' };
  return execFileSync('git', args, { cwd: root(), env, encoding: 'utf8' });
}
function flatten(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/**
 * The staleness cases of issue 18: each changes the repository the way a person does outside the
 * extension's commands, and the view follows without "Refresh".
 */
describe('fresh state without Refresh (trusted)', function () {
  let api: DeployReadinessApi;
  const checkItem = (title: string) => api.tree().find((n) => n.label === 'Checklist')?.children.find((c) => c.label === title);

  before(async () => {
    api = await activateExtension();
    await api.whenIdle();
    await waitFor('the checklist', () => checkItem('Working tree clean'), 60_000);
  });

  it('a commit from the terminal: "Working tree clean" updates', async () => {
    const file = path.join(root(), 'STALE-NOTES.md');
    fs.writeFileSync(file, 'written in a terminal\n');
    terminalGit('add', 'STALE-NOTES.md');
    try {
      await waitFor('"Working tree clean" to list the staged file', () => /STALE-NOTES\.md/.test(checkItem('Working tree clean')?.description ?? ''), 30_000);
      const staged = JSON.stringify(api.timings().folders[0]);
      const t = Date.now();
      terminalGit('commit', '-qm', 'notes', '--', 'STALE-NOTES.md');
      await waitFor('"Working tree clean" to drop the committed file', () => !/STALE-NOTES\.md/.test(checkItem('Working tree clean')?.description ?? ''), 60_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${checkItem('Working tree clean')?.description}; after staging ${staged}, now ${JSON.stringify(api.timings())}; git status: ${terminalGit('status', '--short')}`);
      });
      console.log(`      (commit → checklist updated in ${Date.now() - t} ms; after staging ${staged}, now ${JSON.stringify(api.timings().folders[0])})`);
    } finally {
      if (terminalGit('log', '-1', '--format=%s').trim() === 'notes') terminalGit('reset', '-q', '--soft', 'HEAD~1');
      terminalGit('rm', '-q', '--cached', '--ignore-unmatch', 'STALE-NOTES.md');
      fs.rmSync(file, { force: true });
    }
  });

  it('a migration created on disk (not through the editor) is linted when opened', async () => {
    const rel = path.join('db', 'migrations', '004_orders_status_idx.sql');
    fs.writeFileSync(path.join(root(), rel), 'CREATE INDEX orders_status_idx ON orders (status);\n');
    try {
      const uri = folderUri('db', 'migrations', '004_orders_status_idx.sql');
      const t = Date.now();
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const d = await waitFor('a diagnostic in the new migration', () => ours(uri).find((x) => codeOf(x) === 'migration/require-concurrent-index'), 15_000);
      console.log(`      (open → first diagnostic in ${Date.now() - t} ms)`);
      assert.equal(d.range.start.line, 0);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(path.join(root(), rel), { force: true });
    }
    await waitFor('the deleted migration to leave the diagnostics', () => ours(folderUri('db', 'migrations', '004_orders_status_idx.sql')).length === 0, 30_000);
  });

  it('after a quick fix the checklist\'s "Migrations backward-compatible" item updates', async () => {
    const doc = await vscode.workspace.openTextDocument(folderUri('db', 'migrations', '003_orders_payment.sql'));
    await vscode.window.showTextDocument(doc);
    const title = 'Migrations backward-compatible';
    await waitFor('the item to fail on the blocking index', () => /:fail$/.test(checkItem(title)?.contextValue ?? ''), 30_000);
    const diag = await waitFor('the index diagnostic', () => ours(doc.uri).find((d) => codeOf(d) === 'migration/require-concurrent-index'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred && /CONCURRENTLY/.test(a.title));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    const t = Date.now();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    try {
      const item = await waitFor('the item to pass after the fix', () => (/:pass$/.test(checkItem(title)?.contextValue ?? '') ? checkItem(title) : undefined), 15_000);
      console.log(`      (quick fix → checklist item updated in ${Date.now() - t} ms)`);
      assert.match(item.description ?? '', /without blocking findings/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await waitFor('the item to fail again after the revert', () => /:fail$/.test(checkItem(title)?.contextValue ?? ''), 15_000);
  });

  it('after the CI workflow is written the tree no longer says "no CI configuration found"', async () => {
    const says = () => flatten(api.tree()).some((n) => /no CI configuration found/i.test(`${n.label} ${n.description ?? ''} ${n.tooltip ?? ''}`));
    await waitFor('the notice before', () => says(), 30_000);
    // What "Add to CI" writes (writeInRepository: a plain file write, as from a terminal).
    const dir = path.join(root(), '.github', 'workflows');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'deploy-readiness.yml'),
      'name: Deploy readiness\non:\n  pull_request:\n    branches: [main]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - run: npx deploy-readiness check --base origin/main\n',
    );
    try {
      const t = Date.now();
      await waitFor('the notice to go', () => !says(), 30_000);
      console.log(`      (workflow written → tree updated in ${Date.now() - t} ms)`);
    } finally {
      fs.rmSync(path.join(root(), '.github'), { recursive: true, force: true });
    }
    await waitFor('the notice back after the workflow is deleted', () => says(), 30_000);
    await api.whenIdle();
  });
});
