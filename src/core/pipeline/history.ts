import { simpleGit } from 'simple-git';

/**
 * Git facts the pipeline rules need beyond the base snapshot. Callers make sure the workspace is
 * trusted and a repository (`ctx.git` set) before calling: git is never run in Restricted Mode.
 */
export async function deployTags(root: string): Promise<string[]> {
  const out = await simpleGit({ baseDir: root }).raw(['tag', '--list', 'deploy-*', 'release-*', 'deploy/*', 'release/*', 'v[0-9]*']);
  return out.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** URL of the `origin` remote (to tell GitHub from GitLab), if any. */
export async function remoteUrl(root: string): Promise<string | undefined> {
  const out = await simpleGit({ baseDir: root }).raw(['config', '--get', 'remote.origin.url']).catch(() => '');
  return out.trim() || undefined;
}
