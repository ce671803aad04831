import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeployReadinessApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'deploy-readiness.deploy-readiness';

export async function activateExtension(): Promise<DeployReadinessApi> {
  const ext = vscode.extensions.getExtension<DeployReadinessApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const api = await ext.activate();
  assert.ok(api && typeof api.whenIdle === 'function', 'the extension exports its API');
  return api;
}

export function folderUri(...parts: string[]): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return vscode.Uri.joinPath(f.uri, ...parts);
}

/** Polls until `fn` returns a truthy value (diagnostics arrive asynchronously). */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Deploy Readiness');
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c && typeof c === 'object') return String(c.value);
  return c === undefined ? undefined : String(c);
}
