// Builds the example service as a git repository (base on main, head on a feature branch) in a
// folder; shared by the demo, the integration runners and the screenshot.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export function buildExampleRepo(prefix = 'deploy-readiness-example-') {
  const example = path.join(ROOT, 'examples', 'orders-service');
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
  const git = (...args) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const replaceTree = (from) => {
    for (const e of readdirSync(dir)) if (e !== '.git') rmSync(path.join(dir, e), { recursive: true, force: true });
    cpSync(from, dir, { recursive: true });
  };
  replaceTree(path.join(example, 'base'));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'orders-service 1.4.0');
  git('checkout', '-qb', 'feature/payments');
  replaceTree(path.join(example, 'head'));
  git('add', '-A');
  git('commit', '-qm', 'Add Stripe payments to orders');
  return dir;
}
