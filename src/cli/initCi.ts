import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Git } from '../core/git';
import { remoteUrl as originUrl } from '../core/pipeline/history';
import { INIT_CI_SYSTEMS, planDiff, planInitCi, type InitCiSystem } from '../core/pipeline/initCi';
import { DiskReader } from '../core/reader';
import { UnsafeWriteError, writableTarget, writeInRepository } from '../core/safeWrite';

export interface InitCiArgs {
  root: string;
  system?: string;
  base?: string;
  dryRun: boolean;
  force: boolean;
}

export interface InitCiIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** `deploy-readiness init-ci`: 0 written or already up to date, 1 a file would be overwritten (use --force), 2 usage. */
export async function runInitCi(args: InitCiArgs, io: InitCiIO): Promise<number> {
  if (args.system !== undefined && !INIT_CI_SYSTEMS.includes(args.system as InitCiSystem)) {
    io.stderr(`deploy-readiness: --system must be one of ${INIT_CI_SYSTEMS.join(', ')}, got "${args.system}"\n`);
    return 2;
  }
  const root = args.root;
  let base = args.base?.replace(/^origin\//, '');
  let remoteUrl: string | undefined;
  const git = await Git.open(root);
  if (git) {
    base ??= (await git.resolveBaseRef().catch(() => undefined))?.replace(/^origin\//, '') ?? (await git.status().catch(() => undefined))?.branch;
    remoteUrl = await originUrl(root);
  }
  const plan = await planInitCi(new DiskReader(root, 4 * 1024 * 1024), {
    system: args.system as InitCiSystem | undefined,
    baseBranch: base,
    remoteUrl,
    exists: (rel) => fs.stat(path.join(root, rel)).then(() => true, () => false),
  });
  io.stderr(`${plan.system === 'github' ? 'GitHub Actions' : 'GitLab CI'} (from ${plan.detectedFrom}), base branch ${plan.baseBranch}\n`);
  const conflicts = plan.files.filter((f) => f.action === 'conflict');
  if (args.dryRun) {
    io.stdout(planDiff(plan));
    for (const f of plan.files) io.stderr(`${f.file}: ${f.action === 'conflict' ? 'exists with other content (init-ci would need --force)' : f.action === 'unchanged' ? 'up to date' : f.action === 'create' ? 'would be created' : 'would be updated'}\n`);
    if (plan.manual) io.stderr(`to do by hand: ${plan.manual}\n`);
    return 0;
  }
  if (conflicts.length && !args.force) {
    for (const f of conflicts) io.stderr(`deploy-readiness: ${f.file} exists and differs from what init-ci writes; not overwritten. See the difference with --dry-run, or overwrite with --force.\n`);
    return 1;
  }
  // Nothing is written unless every target is inside the repository and reached through no symbolic link.
  for (const f of plan.files.filter((x) => x.action !== 'unchanged')) {
    const problem = await writableTarget(root, f.file).then(() => undefined, (e: Error) => e);
    if (problem) {
      io.stderr(`deploy-readiness: ${problem.message}\n`);
      return 2;
    }
  }
  for (const f of plan.files) {
    if (f.action === 'unchanged') {
      io.stdout(`${f.file} is up to date\n`);
      continue;
    }
    try {
      await writeInRepository(root, f.file, f.after);
    } catch (e) {
      if (!(e instanceof UnsafeWriteError)) throw e;
      io.stderr(`deploy-readiness: ${e.message}\n`);
      return 2;
    }
    io.stdout(`${f.action === 'create' ? 'created' : f.action === 'update' ? 'updated' : 'overwrote'} ${f.file}\n`);
  }
  if (plan.manual) {
    io.stderr(`to do by hand: ${plan.manual}\n`);
    return 1;
  }
  return 0;
}
