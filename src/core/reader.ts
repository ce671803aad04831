import { isUtf8 } from 'node:buffer';
import { lstatSync, promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { toPosix } from './text';

/** What reading a file gave. Bad input is a value, never an exception. */
export type ReadResult =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  | { kind: 'binary' }
  | { kind: 'not-utf8' }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'error'; message: string };

/**
 * File access for the analysis engine, injected so the same rules run on disk files, on an
 * editor's unsaved buffers, or on git blobs at the merge base. Paths are workspace-relative.
 */
export interface FileReader {
  /** `limit` overrides the reader's size limit for this read (API schemas have their own cap). */
  read(rel: string, limit?: number): Promise<ReadResult>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function validUtf8(b: Uint8Array): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Decodes bytes as UTF-8 text, recognising binary content (NUL bytes) and invalid UTF-8. */
export function decode(buf: Uint8Array, limit: number): ReadResult {
  if (buf.byteLength > limit) return { kind: 'too-large', size: buf.byteLength, limit };
  // UTF-16 with a byte order mark (Windows tools write .sql and .env files so): decoded, not called
  // binary for its NUL bytes.
  const utf16 = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16 && buf.byteLength % 2 === 0) {
    try {
      return { kind: 'text', text: new TextDecoder(utf16, { fatal: true, ignoreBOM: true }).decode(buf.subarray(2)) };
    } catch {
      return { kind: 'not-utf8' };
    }
  }
  const probe = Math.min(buf.byteLength, 8000);
  for (let i = 0; i < probe; i++) if (buf[i] === 0) return { kind: 'binary' };
  // buffer.isUtf8 + toString is ~3x faster than a fatal TextDecoder on multi-megabyte files.
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (typeof isUtf8 === 'function' ? !isUtf8(b) : !validUtf8(b)) return { kind: 'not-utf8' };
  let text = b.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { kind: 'text', text };
}

export function describeUnreadable(file: string, r: Exclude<ReadResult, { kind: 'text' }>): string {
  switch (r.kind) {
    case 'missing':
      return `${file}: file not found`;
    case 'binary':
      return `${file}: binary content, not analysed`;
    case 'not-utf8':
      return `${file}: not valid UTF-8 text, not analysed`;
    case 'too-large':
      return `${file}: ${r.size} bytes is over the size limit of ${r.limit} bytes (maxFileSize), not analysed`;
    case 'error':
      return `${file}: could not be read (${r.message})`;
  }
}

function isOutside(root: string, abs: string): boolean {
  const relBack = path.relative(root, abs);
  return relBack === '..' || relBack.startsWith('..' + path.sep) || path.isAbsolute(relBack);
}

/** Files up to this size are read synchronously (see `readNow`). */
const SYNC_READ_MAX = 256 * 1024;

export class DiskReader implements FileReader {
  private realRoot: Promise<string> | undefined;
  private readonly folders = new Map<string, Promise<boolean>>();
  /** Whether a folder, with every link on its way resolved, is inside the workspace (cached). */
  private folderInside(dir: string): Promise<boolean> {
    let p = this.folders.get(dir);
    if (!p) {
      p = this.resolveFolder(dir);
      this.folders.set(dir, p);
    }
    return p;
  }
  private async resolveFolder(dir: string): Promise<boolean> {
    // A folder that is not a link, in a folder that is inside, is inside: one lstat per folder
    // (resolving every folder's real path cost a tenth of a large scan).
    const root = path.resolve(this.root);
    if (dir !== root && !isOutside(root, dir)) {
      let plain = false;
      try {
        plain = !lstatSync(dir).isSymbolicLink();
      } catch {
        // resolved below
      }
      if (plain && (await this.folderInside(path.dirname(dir)))) return true;
    }
    this.realRoot ??= fs.realpath(this.root).catch(() => path.resolve(this.root));
    const realRoot = this.realRoot;
    return fs.realpath(dir).then(
      async (real) => !isOutside(await realRoot, real),
      () => true, // a missing folder: the read itself reports it
    );
  }
  /** Results by path and limit when reads are remembered (one CLI run: each file read from disk once). */
  private readonly memo: Map<string, Promise<ReadResult>> | undefined;
  constructor(
    readonly root: string,
    readonly maxFileSize: number,
    opts: { remember?: boolean } = {},
  ) {
    if (opts.remember) this.memo = new Map();
  }
  /** Drops remembered reads: each analysis (a full run, or one file re-analysed) sees the files as they are now. */
  forget(): void {
    this.memo?.clear();
  }
  read(rel: string, limit = this.maxFileSize): Promise<ReadResult> {
    if (!this.memo) return this.readNow(rel, limit);
    const key = `${limit}\0${rel}`;
    let r = this.memo.get(key);
    if (!r) this.memo.set(key, (r = this.readNow(rel, limit)));
    return r;
  }
  private async readNow(rel: string, limit: number): Promise<ReadResult> {
    const abs = path.resolve(this.root, rel);
    if (isOutside(this.root, abs)) return { kind: 'error', message: 'outside the workspace' };
    try {
      // A symbolic link (the file, or a folder on its way) may point out of the workspace: never
      // read there. One lstat per file; folders are resolved once each.
      // The common case (a regular file, under the size limit) uses synchronous calls: on a
      // repository's small files they cost a fifth of the CPU of the promise versions (each of
      // which is four thread-pool round trips), and block for microseconds.
      const lst = lstatSync(abs);
      if (lst.isSymbolicLink() || !(await this.folderInside(path.dirname(abs)))) {
        this.realRoot ??= fs.realpath(this.root).catch(() => path.resolve(this.root));
        if (isOutside(await this.realRoot, await fs.realpath(abs))) return { kind: 'error', message: 'a symbolic link to outside the workspace, not read' };
      }
      const st = lst.isSymbolicLink() ? await fs.stat(abs) : lst;
      if (!st.isFile()) return { kind: 'missing' };
      if (st.size > limit) return { kind: 'too-large', size: st.size, limit };
      return decode(st.size <= SYNC_READ_MAX ? readFileSync(abs) : await fs.readFile(abs), limit);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'error', message: code ?? (e as Error).message };
    }
  }
}

/** Unsaved editor buffers over another reader. */
export class OverlayReader implements FileReader {
  readonly overlays = new Map<string, string>();
  constructor(readonly inner: FileReader) {}
  set(rel: string, text: string): void {
    this.overlays.set(toPosix(rel), text);
  }
  delete(rel: string): void {
    this.overlays.delete(toPosix(rel));
  }
  async read(rel: string, limit?: number): Promise<ReadResult> {
    const t = this.overlays.get(toPosix(rel));
    if (t !== undefined) return { kind: 'text', text: t };
    return this.inner.read(rel, limit);
  }
}

/** In-memory files (tests, api-diff of two explicit files). */
export class MemoryReader implements FileReader {
  constructor(readonly files: Record<string, string>) {}
  async read(rel: string): Promise<ReadResult> {
    const t = this.files[toPosix(rel)];
    return t === undefined ? { kind: 'missing' } : { kind: 'text', text: t };
  }
}

/** Reads text or returns undefined; records why not through `onProblem`. */
export async function readText(reader: FileReader, rel: string, onProblem?: (message: string) => void): Promise<string | undefined> {
  const r = await reader.read(rel);
  if (r.kind === 'text') return r.text;
  if (r.kind !== 'missing') onProblem?.(describeUnreadable(rel, r));
  return undefined;
}
