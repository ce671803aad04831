import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, folderUri } from './common';

/**
 * The prompts a test cannot click: the extension and these tests share one `vscode` API object
 * (both live in this extension's folder), so the window's prompt functions are replaced for one
 * command, recording what the user would have been shown and answering as the user would.
 */
type Win = Record<string, unknown>;

async function withPrompts<T>(stubs: Record<string, (...args: unknown[]) => unknown>, run: () => Promise<T>): Promise<T> {
  const win = vscode.window as unknown as Win;
  const saved: Win = {};
  for (const [k, f] of Object.entries(stubs)) {
    saved[k] = win[k];
    win[k] = f;
    assert.equal(win[k], f, `vscode.window.${k} could not be replaced in this extension host`);
  }
  try {
    return await run();
  } finally {
    for (const k of Object.keys(stubs)) win[k] = saved[k];
  }
}

const trusted = vscode.workspace.isTrusted;

describe(`prompts (${trusted ? 'trusted' : 'Restricted Mode'})`, () => {
  before(async () => {
    await activateExtension();
  });

  (trusted ? it.skip : it)('a command that needs trust says why and offers Manage Workspace Trust', async () => {
    const shown: { message: string; items: unknown[] }[] = [];
    await withPrompts(
      {
        showInformationMessage: (message: unknown, ...items: unknown[]) => {
          shown.push({ message: String(message), items });
          return Promise.resolve(undefined);
        },
      },
      () => Promise.resolve(vscode.commands.executeCommand('deployReadiness.scaffoldRollbackPlan')),
    );
    const m = shown.find((s) => /trusted workspace/.test(s.message));
    assert.ok(m, JSON.stringify(shown));
    assert.ok(m.items.includes('Manage Workspace Trust'), JSON.stringify(m.items));
  });

  (trusted ? it : it.skip)('accepting a breaking change asks in two numbered steps and says what it wrote, with Open', async () => {
    const config = folderUri('.deploy-readiness.yaml');
    const before = await vscode.workspace.fs.readFile(config).then(
      (b) => b,
      () => undefined,
    );
    const titles: string[] = [];
    const answers = ['the mobile app stopped calling it in 3.2', ''];
    const infos: { message: string; items: unknown[] }[] = [];
    try {
      const ok = await withPrompts(
        {
          showInputBox: (opts: unknown) => {
            titles.push(String((opts as vscode.InputBoxOptions).title));
            return Promise.resolve(answers.shift());
          },
          showInformationMessage: (message: unknown, ...items: unknown[]) => {
            infos.push({ message: String(message), items });
            return Promise.resolve(undefined);
          },
        },
        () => Promise.resolve(vscode.commands.executeCommand<boolean>('deployReadiness.acceptApiChange', folderUri(), 'f'.repeat(16), 'api/path-removed', 'Path /orders/{id}/cancel (POST) was removed')),
      );
      assert.equal(ok, true);
      assert.equal(titles.length, 2, JSON.stringify(titles));
      assert.match(titles[0], /1\/2: reason/);
      assert.match(titles[1], /2\/2: until/);
      const said = infos.find((i) => /Accepted: /.test(i.message));
      assert.ok(said, JSON.stringify(infos));
      assert.match(said.message, /\.deploy-readiness\.yaml/);
      assert.ok(said.items.includes('Open .deploy-readiness.yaml'), JSON.stringify(said.items));
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === config.toString());
      assert.match(doc?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(config)), /the mobile app stopped calling it/);
    } finally {
      // leave the workspace as it was for the other tests
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === config.toString());
      if (doc?.isDirty) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      if (before) await vscode.workspace.fs.writeFile(config, before);
      else await vscode.workspace.fs.delete(config).then(undefined, () => undefined);
      await vscode.commands.executeCommand('deployReadiness.refresh');
    }
  });
});
