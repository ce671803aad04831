import type { Finding } from '../model';
import type { Rule } from '../rule';

export const graphqlRules: Rule[] = [];

export function diffGraphql(_file: string, _base: string | undefined, _head: string, _baseLabel?: string): Finding[] {
  return [];
}
