import { list, num, obj, str, type Schema } from '../schema';

export interface PipelineSettings {
  /** The branch production deploys from; default: the workflow's push branch, else the base branch, else main. */
  deployBranch?: string;
  /** Environments whose approval rules live on the CI server (GitLab protected environments, Azure checks). */
  protectedEnvironments: string[];
}

export const pipelineDefaults: PipelineSettings = { protectedEnvironments: [] };

export const pipelineSchema: Schema = obj('Pipeline gates read from the CI configuration', {
  deployBranch: str('Branch production deploys from'),
  protectedEnvironments: list('Environments with approval rules configured on the CI server', str('environment name')),
});

export interface StaleFlagSettings {
  /** Flags read in code whose key was introduced more than this many days ago are clean-up debt. */
  maxAgeDays: number;
  /** Flag keys fully rolled out (on for everyone): reported whatever their age. */
  rolledOut: string[];
  /** Flag keys never reported (long-lived operational switches). */
  ignore: string[];
}

export const staleFlagDefaults: StaleFlagSettings = { maxAgeDays: 30, rolledOut: [], ignore: [] };

export const staleFlagSchema: Schema = obj('Feature flags that outstay their welcome', {
  maxAgeDays: num('Age in days after which a flag is clean-up debt', { min: 1, integer: true }),
  rolledOut: list('Flag keys fully rolled out', str('flag key')),
  ignore: list('Flag keys never reported', str('flag key')),
});
