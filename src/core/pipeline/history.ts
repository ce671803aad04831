import { runGit } from '../git';

/**
 * Git facts the pipeline rules need beyond the base snapshot. Callers make sure the workspace is
 * trusted and a repository (`ctx.git` set) before calling: git is never run in Restricted Mode.
 */
export async function deployTags(root: string): Promise<string[]> {
  const out = await runGit(root, ['tag', '--list', 'deploy-*', 'release-*', 'deploy/*', 'release/*', 'v[0-9]*']);
  return out.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** URL of the `origin` remote (to tell GitHub from GitLab), if any. */
export async function remoteUrl(root: string): Promise<string | undefined> {
  const out = await runGit(root, ['config', '--get', 'remote.origin.url']).catch(() => '');
  return out.trim() || undefined;
}

/**
 * When a string first appeared in the given files: the oldest commit whose diff changes the number
 * of its occurrences (`git log -S`). Undefined when it is not committed yet.
 */
export async function introducedAt(root: string, needle: string, files: string[]): Promise<{ commit: string; date: string } | undefined> {
  const out = await runGit(root, ['log', '--no-textconv', '--no-ext-diff', '--no-show-signature', '--format=%H%x09%aI', `-S${needle}`, '--', ...files]);
  const lines = out.split('\n').filter(Boolean);
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  const [commit, date] = last.split('\t');
  return { commit, date };
}
