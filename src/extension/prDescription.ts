import * as vscode from 'vscode';
import type { Ctx } from './ctx';

/**
 * Offers the rollback section to the GitHub Pull Requests extension through its title-and-
 * description provider API, so "Generate description" on its Create view can fill it in. The
 * extension is never activated by us: we register once it is active.
 */
const PR_EXTENSION = 'GitHub.vscode-pull-request-github';

interface TitleAndDescriptionProvider {
  provideTitleAndDescription(context: { commitMessages: string[]; patches: unknown[] }, token: vscode.CancellationToken): Promise<{ title: string; description?: string } | undefined>;
}

interface PullRequestsApi {
  registerTitleAndDescriptionProvider?(title: string, provider: TitleAndDescriptionProvider): vscode.Disposable;
}

export function registerPrDescriptionProvider(ctx: Ctx): vscode.Disposable {
  let registered: vscode.Disposable | undefined;
  const provider: TitleAndDescriptionProvider = {
    async provideTitleAndDescription(context, token) {
      if (!vscode.workspace.isTrusted) return undefined;
      const s = ctx.allSessions().find((x) => x.report);
      if (!s) return undefined;
      try {
        const plan = await s.engine.rollbackPlan(undefined, false);
        if (token.isCancellationRequested) return undefined;
        return { title: context.commitMessages[0]?.split('\n')[0] ?? plan.branch ?? '', description: plan.section };
      } catch (e) {
        ctx.log.warn(`rollback plan for the Pull Requests extension failed: ${(e as Error).message}`);
        return undefined;
      }
    },
  };
  const check = () => {
    if (registered) return;
    const ext = vscode.extensions.getExtension<PullRequestsApi>(PR_EXTENSION);
    const api = ext?.isActive ? ext.exports : undefined;
    if (!api?.registerTitleAndDescriptionProvider) return;
    try {
      registered = api.registerTitleAndDescriptionProvider(vscode.l10n.t('Deploy Readiness: rollback plan'), provider);
      ctx.log.info('rollback plan offered to the GitHub Pull Requests extension');
    } catch (e) {
      ctx.log.warn(`could not register with the GitHub Pull Requests extension: ${(e as Error).message}`);
    }
  };
  const timer = setTimeout(check, 5000);
  const sub = vscode.extensions.onDidChange(check);
  const viewSub = ctx.view.onDidChangeVisibility(check);
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    sub.dispose();
    viewSub.dispose();
    registered?.dispose();
  });
}
