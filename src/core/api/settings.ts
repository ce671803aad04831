import { list, obj, str, type Schema } from '../schema';

export interface AcceptedChange {
  fingerprint: string;
  rule: string;
  reason: string;
  expires?: string;
}

export interface ApiSettings {
  /** Extra globs of schema files (OpenAPI files are otherwise found by content). */
  schemas: string[];
  accepted: AcceptedChange[];
}

export const apiDefaults: ApiSettings = { schemas: [], accepted: [] };

export const apiSchema: Schema = obj('API contract diff', {
  schemas: list('Extra globs of API schema files', str('glob')),
  accepted: list(
    'Breaking changes accepted on purpose',
    obj('An accepted change', {
      fingerprint: str('Fingerprint of the change, from the finding'),
      rule: str('Rule id'),
      reason: str('Why it is accepted'),
      expires: str('ISO date after which the change fires again'),
    }),
  ),
});
