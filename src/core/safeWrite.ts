import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * The one way Deploy Readiness writes into a repository (runbook, CI files, the config, the PR
 * template). A path from the repository (config, file names) is untrusted: the target must
 * resolve inside the repository root, and no symbolic link on the way is followed, neither a
 * parent folder (a committed `docs/runbooks -> /elsewhere`, a symlinked `.github/workflows`) nor
 * the file itself. Missing folders are created here, one at a time, so every folder followed is
 * either a real folder that was there or one this function made.
 */
export class UnsafeWriteError extends Error {}

/** Resolves `rel` under `root` and checks every existing part; creates missing folders when `create`. Returns the absolute path. */
export async function writableTarget(root: string, rel: string, opts: { create?: boolean } = {}): Promise<string> {
  const rootReal = await fs.realpath(root);
  if (!rel || path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) throw new UnsafeWriteError(`${rel || '(empty path)'}: not a path inside the repository`);
  const abs = path.resolve(rootReal, rel);
  const inside = path.relative(rootReal, abs);
  if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new UnsafeWriteError(`${rel}: outside the repository (${rootReal}); not written`);
  const parts = inside.split(path.sep);
  let dir = rootReal;
  for (let i = 0; i < parts.length - 1; i++) {
    dir = path.join(dir, parts[i]);
    const st = await fs.lstat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (!st) {
      if (!opts.create) continue;
      await fs.mkdir(dir);
      continue;
    }
    if (st.isSymbolicLink()) throw new UnsafeWriteError(`${rel}: ${path.relative(rootReal, dir)} is a symbolic link; Deploy Readiness does not write through links it did not create`);
    if (!st.isDirectory()) throw new UnsafeWriteError(`${rel}: ${path.relative(rootReal, dir)} is not a folder`);
  }
  const st = await fs.lstat(abs).catch(() => undefined);
  if (st?.isSymbolicLink()) throw new UnsafeWriteError(`${rel} is a symbolic link; Deploy Readiness does not write through links it did not create`);
  if (st && !st.isFile()) throw new UnsafeWriteError(`${rel} is not a regular file`);
  return abs;
}

/** Writes `content` to `rel` inside `root` (see writableTarget); the file is opened without following a link. Returns the absolute path. */
export async function writeInRepository(root: string, rel: string, content: string | Uint8Array): Promise<string> {
  const abs = await writableTarget(root, rel, { create: true });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(abs, flags, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new UnsafeWriteError(`${rel} is a symbolic link; Deploy Readiness does not write through links it did not create`);
    throw e;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return abs;
}
