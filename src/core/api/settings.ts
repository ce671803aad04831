import { bool, list, num, obj, str, type Schema } from '../schema';

export interface AcceptedChange {
  fingerprint: string;
  rule: string;
  reason: string;
  /** YYYY-MM-DD: after this day the change fires again. */
  expires?: string;
}

export interface ApiSettings {
  /** Extra globs of schema files (OpenAPI files are otherwise found by content). */
  schemas: string[];
  /** Breaking changes accepted on purpose: shown as info, marked `data.accepted`. */
  accepted: AcceptedChange[];
  /** Largest API schema analysed, in bytes (real specs are often over the general maxFileSize). */
  maxFileSize: number;
  /** Also report non-breaking (oasdiff INFO) changes, as info findings. */
  includeInfo: boolean;
  /**
   * Minimum days between deprecating an operation, parameter or property and its x-sunset date
   * (oasdiff --deprecation-days). 0 turns the deprecation policy off.
   */
  deprecationDays: number;
}

export const apiDefaults: ApiSettings = { schemas: [], accepted: [], maxFileSize: 32 * 1024 * 1024, includeInfo: false, deprecationDays: 0 };

export const apiSchema: Schema = obj('API contract diff', {
  schemas: list('Extra globs of API schema files', str('glob')),
  accepted: list(
    'Breaking changes accepted on purpose',
    obj('An accepted change', {
      fingerprint: str('Fingerprint of the change, from the finding'),
      rule: str('Rule id'),
      reason: str('Why it is accepted'),
      expires: str('ISO date (YYYY-MM-DD) after which the change fires again'),
    }),
  ),
  maxFileSize: num('Largest API schema file analysed, in bytes', { min: 1, integer: true }),
  includeInfo: bool('Also report non-breaking changes (oasdiff INFO level) as info findings'),
  deprecationDays: num('Days a deprecation must announce before its x-sunset date (0: no deprecation policy)', { min: 0, integer: true }),
});
