import { bool, obj, type Schema } from '../schema';
import { pipelineDefaults, pipelineSchema, staleFlagDefaults, staleFlagSchema, type PipelineSettings, type StaleFlagSettings } from '../pipeline/settings';

export interface ChecklistSettings {
  /** Report uncommitted changes in the working tree. */
  requireCleanTree: boolean;
  pipeline: PipelineSettings;
  staleFlags: StaleFlagSettings;
}

export const checklistDefaults: ChecklistSettings = { requireCleanTree: true, pipeline: pipelineDefaults, staleFlags: staleFlagDefaults };

export const checklistSchema: Schema = obj('Pre-deploy checklist', {
  requireCleanTree: bool('Report uncommitted changes in the working tree'),
  pipeline: pipelineSchema,
  staleFlags: staleFlagSchema,
});
