import { createHash } from 'node:crypto';

/** Fingerprint of a change: stable across unrelated edits (no line numbers), like oasdiff's. */
export function fingerprint(changeId: string, where: string): string {
  return createHash('sha256').update(`${changeId}:${where}`).digest('hex').slice(0, 12);
}
