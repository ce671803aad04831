import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';
import { activateExtension, codeOf, folderUri, ours, waitFor } from './common';
import { planCommandCasesRestricted } from './planCommands';

describe('Deploy Readiness in Restricted Mode (untrusted workspace)', function () {
  let api: DeployReadinessApi;
  before(async () => {
    api = await activateExtension();
  });

  it('the workspace is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still lints migrations and env reads from the files alone', async () => {
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
    const diags = await waitFor('migration diagnostics', () => {
      const d = ours(folderUri('db', 'migrations', '003_orders_payment.sql'));
      return d.length ? d : undefined;
    });
    assert.ok(diags.some((d) => codeOf(d) === 'migration/require-concurrent-index'));
    assert.ok(ours(folderUri('src', 'payments.js')).some((d) => codeOf(d) === 'env/missing-from-example'));
  });

  it('runs no git: nothing compared with the base, and the tree says why', () => {
    assert.equal(api.gitInvocations(), 0);
    const marker = process.env.DR_GIT_MARKER;
    assert.ok(marker, 'the runner installs a git recorder on PATH');
    assert.ok(!fs.existsSync(marker), `git was run in Restricted Mode: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
    assert.ok(!ours(folderUri('api', 'openapi.yaml')).some((d) => codeOf(d) === 'api/path-removed'));
    // A banner first, with the way out, then the verdict.
    const tree = api.tree();
    assert.equal(tree[0].label, 'Restricted Mode: files only', JSON.stringify(tree.map((n) => n.label)));
    assert.equal(tree[0].description, 'Manage Workspace Trust');
    assert.equal(tree[0].command, 'workbench.trust.manage');
    assert.match(tree[1].label, /^Verdict: /);
    const checklist = tree.find((n) => n.label === 'Checklist')!;
    assert.ok(checklist.children.some((c) => /Restricted Mode: git was not run/.test(c.label)), JSON.stringify(checklist));
  });
});

planCommandCasesRestricted();
