import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';
import { activateExtension, codeOf, EXTENSION_ID, folderUri, ours, waitFor } from './common';
import { planCommandCasesTrusted } from './planCommands';

describe('Deploy Readiness in a real VS Code extension host (trusted workspace)', function () {
  let api: DeployReadinessApi;
  const migration = () => folderUri('db', 'migrations', '003_orders_payment.sql');

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    api = await activateExtension();
  });

  it('registers its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['deployReadiness.refresh', 'deployReadiness.showOutput', 'deployReadiness.showRuleDocs']) assert.ok(all.includes(c), c);
  });

  it('analyses the branch: diagnostics with exact ranges and rule codes', async () => {
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
    const diags = await waitFor('migration diagnostics', () => {
      const d = ours(migration());
      return d.length ? d : undefined;
    });
    const idx = diags.find((d) => codeOf(d) === 'migration/require-concurrent-index');
    assert.ok(idx, 'CREATE INDEX without CONCURRENTLY is reported');
    assert.equal(idx.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([idx.range.start.line, idx.range.start.character, idx.range.end.line, idx.range.end.character], [3, 0, 3, 12]);
    const code = idx.code as { value: string; target: vscode.Uri };
    assert.equal(code.value, 'migration/require-concurrent-index');
    const payments = ours(folderUri('src', 'payments.js'));
    // Three variables read on this branch: each is missing from .env.example and new since the base,
    // and each says both in one diagnostic (no second squiggle on the same token).
    const missing = payments.filter((d) => codeOf(d) === 'env/missing-from-example');
    assert.deepEqual(missing.length, 3);
    assert.ok(missing.every((d) => /first read on this branch/.test(d.message)), missing.map((d) => d.message).join('\n'));
    assert.deepEqual(payments.filter((d) => codeOf(d) === 'env/new-on-branch').length, 0);
  });

  it('compares the API with the merge base through git (path removed)', async () => {
    const api0 = ours(folderUri('api', 'openapi.yaml'));
    const removed = api0.find((d) => codeOf(d) === 'api/path-removed');
    assert.ok(removed, 'removed path reported');
    assert.match(removed.message, /\/orders\/\{id\}\/cancel \(POST\)/);
    assert.ok(api.gitInvocations() > 0, 'git ran in a trusted workspace');
    const marker = process.env.DR_GIT_MARKER;
    if (marker) assert.ok(fs.existsSync(marker) && /merge-base/.test(fs.readFileSync(marker, 'utf8')), 'the git recorder saw our merge-base call');
  });

  it('hovers a migration statement with the lock it takes and what it blocks', async () => {
    const doc = await vscode.workspace.openTextDocument(migration());
    const line = doc.getText().split(/\r?\n/).findIndex((l) => l.startsWith('CREATE INDEX'));
    assert.ok(line >= 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /SHARE/, text);
    assert.match(text, /CONCURRENTLY/, text);
  });

  it('offers to accept a breaking API change on purpose', async () => {
    const uri = folderUri('api', 'openapi.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const removed = ours(uri).find((d) => codeOf(d) === 'api/path-removed');
    assert.ok(removed, 'the removed path is reported');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, removed.range, vscode.CodeActionKind.QuickFix.value);
    assert.ok(actions.some((a) => a.title === 'Accept this breaking change…'), actions.map((a) => a.title).join(' | '));
  });

  it('populates the tree: verdict first, then the five sections with counts', () => {
    const tree = api.tree();
    assert.deepEqual(
      tree.map((n) => n.label),
      ['Verdict: Blocked', 'Migrations', 'Environment', 'API contract', 'Checklist', 'Rollback & runbook'],
    );
    const migrations = tree.find((n) => n.label === 'Migrations')!;
    const migrationFindings = api.reports().flatMap((r) => r.findings).filter((f) => f.area === 'migration');
    assert.ok(migrationFindings.length >= 1);
    const fresh = migrationFindings.filter((f) => f.baseline === 'new').length;
    assert.equal(migrations.description, `${fresh} new, ${migrationFindings.length - fresh} existing`);
    // What the branch introduces is its own group; the verdict's children name the blockers.
    const branch = migrations.children.find((c) => c.label === 'This branch')!;
    assert.equal(branch.children[0].label, '003_orders_payment.sql');
    assert.ok(branch.children[0].children.some((c) => /CREATE INDEX without CONCURRENTLY/.test(c.label)), JSON.stringify(branch.children[0].children.map((c) => c.label)));
    const verdict = tree.find((n) => n.label === 'Verdict: Blocked')!;
    assert.ok(verdict.children.some((c) => /migration\/require-concurrent-index/.test(c.label) && /quick fix/.test(c.description ?? '')), JSON.stringify(verdict.children));
    const rollback = tree.find((n) => n.label === 'Rollback & runbook')!;
    assert.ok(rollback.children.some((c) => c.label === 'STRIPE_API_KEY' && /before deploy/.test(c.description ?? '')));
  });

  it('quick fixes: the error\'s safe pattern first and the only preferred one, before the info\'s', async () => {
    const doc = await vscode.workspace.openTextDocument(migration());
    await vscode.window.showTextDocument(doc);
    const diag = ours(doc.uri).find((d) => codeOf(d) === 'migration/require-concurrent-index')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.equal(actions.filter((a) => a.isPreferred).length, 1, titles.join(' | '));
    assert.equal(actions[0].title, 'Create the index CONCURRENTLY', titles.join(' | '));
    assert.ok(actions[0].isPreferred);
    const info = titles.findIndex((t) => /statement_timeout/.test(t));
    assert.ok(info > 0, titles.join(' | '));
  });

  it('finding rows: a short title, "L4 · rule" and the full message as tooltip; file rows show no count of their own', () => {
    const migrations = api.tree().find((n) => n.label === 'Migrations')!;
    const file = migrations.children.find((c) => c.label === 'This branch')!.children.find((c) => c.label === '003_orders_payment.sql')!;
    assert.ok(!/\d/.test(file.description ?? ''), `file row description: ${file.description}`);
    const row = file.children.find((c) => c.description === 'L4 · migration/require-concurrent-index');
    assert.ok(row, JSON.stringify(file.children.map((c) => [c.label, c.description])));
    assert.equal(row.label, 'CREATE INDEX without CONCURRENTLY on "orders"');
    assert.match(row.tooltip ?? '', /INSERT, UPDATE and DELETE wait/);
    assert.ok(!/&nbsp;/.test(row.tooltip ?? ''), 'the tooltip wraps');
    assert.match(row.contextValue ?? '', /^finding:migration:error:fixable:ignorable:docs$/);
  });

  it('finding rows have a context menu: Quick Fix, Show Rule Documentation, Ignore Here, Copy Message', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const menus = (ext.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus['view/item/context'];
    const cv = 'finding:migration:error:fixable:ignorable:docs';
    const shown = menus.filter((m) => {
      const re = /viewItem =~ \/(.+)\/$/.exec(m.when ?? '');
      return !!re && /view == deployReadiness\.view/.test(m.when ?? '') && new RegExp(re[1]).test(cv);
    });
    for (const c of ['deployReadiness.quickFixFinding', 'deployReadiness.showFindingDocs', 'deployReadiness.ignoreFindingHere', 'deployReadiness.copyFindingMessage']) {
      assert.ok(shown.some((m) => m.command === c), c);
    }
    // Info finding without a fix: no Quick Fix entry.
    assert.ok(!shown.filter((m) => m.command === 'deployReadiness.quickFixFinding').some((m) => new RegExp(/viewItem =~ \/(.+)\/$/.exec(m.when!)![1]).test('finding:env:info:docs')));
    const all = await vscode.commands.getCommands(true);
    for (const c of ['deployReadiness.quickFixFinding', 'deployReadiness.showFindingDocs', 'deployReadiness.ignoreFindingHere', 'deployReadiness.copyFindingMessage', 'deployReadiness.signInToGitHub']) assert.ok(all.includes(c), c);
  });

  it('diagnostic code links open the rule page rendered (a command link, not the raw file)', () => {
    const d = ours(migration()).find((x) => codeOf(x) === 'migration/require-concurrent-index')!;
    const target = (d.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'command');
    assert.equal(target.path, 'deployReadiness.showRuleDocs');
    assert.deepEqual(JSON.parse(target.query), ['migration/require-concurrent-index']);
  });

  it('git state is not a squiggle: no checklist/uncommitted-changes diagnostic, even with edited files', async () => {
    const scratch = folderUri('NOTES.txt');
    await vscode.workspace.fs.writeFile(scratch, new TextEncoder().encode('uncommitted\n'));
    try {
      await vscode.commands.executeCommand('deployReadiness.refresh');
      await api.whenIdle();
      const checklist = await waitFor('the checklist to see the uncommitted file', () => {
        const c = api.tree().find((n) => n.label === 'Checklist');
        return c?.children.find((i) => /NOTES\.txt/.test(i.description ?? '')) ? c : undefined;
      }, 30_000);
      assert.ok(checklist);
      // The report holds the finding (CLI parity); the editor does not publish it.
      assert.ok(api.reports().some((r) => r.findings.some((f) => f.ruleId === 'checklist/uncommitted-changes')));
      const all = vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter((d) => d.source === 'Deploy Readiness'));
      assert.ok(all.length > 0);
      assert.ok(!all.some((d) => codeOf(d) === 'checklist/uncommitted-changes'), JSON.stringify(all.map(codeOf)));
    } finally {
      await vscode.workspace.fs.delete(scratch);
    }
    assert.ok(!api.tree().some((n) => /^Restricted Mode/.test(n.label)), 'no Restricted Mode banner in a trusted workspace');
  });

  it('applies the preferred quick fix through executeCodeActionProvider + applyEdit', async () => {
    const doc = await vscode.workspace.openTextDocument(migration());
    await vscode.window.showTextDocument(doc);
    const diag = ours(doc.uri).find((d) => codeOf(d) === 'migration/require-concurrent-index')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Show documentation for migration/require-concurrent-index'), titles.join(' | '));
    // Each finding on the statement offers its own preferred fix; the index's is the safe pattern.
    const preferred = actions.filter((a) => a.isPreferred && /CONCURRENTLY/.test(a.title));
    assert.equal(preferred.length, 1, `exactly one preferred CONCURRENTLY fix: ${titles.join(' | ')}`);
    assert.ok(preferred[0].edit);
    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit));
    assert.match(doc.getText(), /CREATE INDEX CONCURRENTLY orders_payment_id_idx ON orders \(payment_id\);/);
    await waitFor('the finding to go away after the fix (lint on type)', () => !ours(doc.uri).some((d) => codeOf(d) === 'migration/require-concurrent-index'));
  });

  it('lints the unsaved buffer as the user types', async () => {
    const doc = await vscode.workspace.openTextDocument(migration());
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\nDROP INDEX orders_customer_id_idx;\n'));
    const d = await waitFor('a diagnostic for the typed statement', () => ours(doc.uri).find((x) => codeOf(x) === 'migration/require-concurrent-index' && x.range.start.line >= 5));
    assert.match(doc.lineAt(d.range.start.line).text, /DROP INDEX orders_customer_id_idx/);
    assert.ok(doc.isDirty, 'nothing was saved');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('the env quick fix declares the variable in .env.example', async () => {
    const uri = folderUri('src', 'payments.js');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diag = ours(uri).find((d) => codeOf(d) === 'env/missing-from-example' && d.message.startsWith('STRIPE_API_KEY'));
    assert.ok(diag, `env diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const add = actions.find((a) => a.title === 'Add STRIPE_API_KEY to .env.example');
    assert.ok(add?.edit);
    assert.ok(await vscode.workspace.applyEdit(add.edit));
    const example = await vscode.workspace.openTextDocument(folderUri('.env.example'));
    assert.match(example.getText(), /^STRIPE_API_KEY=$/m);
    let t = Date.now();
    await example.save();
    console.log(`      (save took ${Date.now() - t} ms)`);
    t = Date.now();
    await waitFor('the env finding to disappear after saving .env.example', async () => {
      await api.whenIdle();
      return !ours(uri).some((d) => codeOf(d) === 'env/missing-from-example' && d.message.startsWith('STRIPE_API_KEY'));
    });
    console.log(`      (re-analysis took ${Date.now() - t} ms)`);
  });

  it('honours the repository config file (.deploy-readiness.yaml) like the CLI', async () => {
    const cfg = folderUri('.deploy-readiness.yaml');
    await vscode.workspace.fs.writeFile(cfg, new TextEncoder().encode('rules:\n  api/path-removed: "off"\n'));
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
    assert.ok(!ours(folderUri('api', 'openapi.yaml')).some((d) => codeOf(d) === 'api/path-removed'));
    await vscode.workspace.fs.writeFile(cfg, new TextEncoder().encode('rules:\n  api/path-removed: sometimes\n'));
    await vscode.commands.executeCommand('deployReadiness.refresh');
    await api.whenIdle();
    const problems = ours(cfg).filter((d) => codeOf(d) === 'config');
    assert.equal(problems.length, 1, JSON.stringify(problems.map((p) => p.message)));
    assert.match(problems[0].message, /api\/path-removed: expected one of error, warning, info, off/);
    await vscode.workspace.fs.delete(cfg);
  });
});

planCommandCasesTrusted();
