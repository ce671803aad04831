import type { Finding } from '../model';
import type { Rule } from '../rule';

export const protoRules: Rule[] = [];

export function diffProto(_file: string, _base: string | undefined, _head: string, _baseLabel?: string): Finding[] {
  return [];
}
