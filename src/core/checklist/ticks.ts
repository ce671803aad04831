import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Tick } from './items';

/**
 * Ticks of manual checklist items, per branch, with who and when. The editor keeps them in
 * workspaceState, the CLI in a JSON file under .git/ (never committed, never shared by accident).
 */
export interface TickData {
  version: 1;
  branches: Record<string, Record<string, Tick>>;
}

export interface TickStorage {
  read(): Promise<unknown>;
  write(data: TickData): Promise<void>;
}

export function emptyTicks(): TickData {
  return { version: 1, branches: {} };
}

/** Accepts only well-formed data; anything else starts empty (a broken file must not break the checklist). */
export function normalizeTicks(raw: unknown): TickData {
  const out = emptyTicks();
  const branches = (raw as { branches?: unknown } | null)?.branches;
  if (!branches || typeof branches !== 'object') return out;
  for (const [branch, items] of Object.entries(branches as Record<string, unknown>)) {
    if (!items || typeof items !== 'object') continue;
    for (const [id, t] of Object.entries(items as Record<string, unknown>)) {
      const tick = t as Partial<Tick> | null;
      if (!tick || typeof tick.by !== 'string' || typeof tick.at !== 'string') continue;
      (out.branches[branch] ??= {})[id] = { by: tick.by, at: tick.at, ...(typeof tick.fingerprint === 'string' ? { fingerprint: tick.fingerprint } : {}) };
    }
  }
  return out;
}

export const DETACHED = '(detached HEAD)';

export class TickBook {
  constructor(private readonly storage: TickStorage) {}

  async all(): Promise<TickData> {
    return normalizeTicks(await this.storage.read());
  }

  async forBranch(branch: string | undefined): Promise<Record<string, Tick>> {
    return (await this.all()).branches[branch ?? DETACHED] ?? {};
  }

  async tick(branch: string | undefined, id: string, by: string, now: Date, fingerprint?: string): Promise<Tick> {
    const data = await this.all();
    const t: Tick = { by, at: now.toISOString(), ...(fingerprint !== undefined ? { fingerprint } : {}) };
    (data.branches[branch ?? DETACHED] ??= {})[id] = t;
    await this.storage.write(data);
    return t;
  }

  /** True when there was a tick to remove. */
  async untick(branch: string | undefined, id: string): Promise<boolean> {
    const data = await this.all();
    const b = data.branches[branch ?? DETACHED];
    if (!b?.[id]) return false;
    delete b[id];
    if (!Object.keys(b).length) delete data.branches[branch ?? DETACHED];
    await this.storage.write(data);
    return true;
  }
}

/** In memory (tests, and the worker's copy of the editor's ticks). */
export class MemoryTickStorage implements TickStorage {
  constructor(private data: unknown = emptyTicks()) {}
  async read(): Promise<unknown> {
    return structuredClone(this.data);
  }
  async write(data: TickData): Promise<void> {
    this.data = structuredClone(data);
  }
}

/** A JSON file (the CLI: `<git dir>/deploy-readiness/ticks.json`). A missing or broken file reads as empty. */
export class FileTickStorage implements TickStorage {
  constructor(readonly file: string) {}
  async read(): Promise<unknown> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8'));
    } catch {
      return emptyTicks();
    }
  }
  async write(data: TickData): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(data, null, 2) + '\n');
    await fs.rename(tmp, this.file);
  }
}
