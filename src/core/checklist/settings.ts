import { bool, obj, type Schema } from '../schema';

export interface ChecklistSettings {
  /** Report uncommitted changes in the working tree. */
  requireCleanTree: boolean;
}

export const checklistDefaults: ChecklistSettings = { requireCleanTree: true };

export const checklistSchema: Schema = obj('Pre-deploy checklist', {
  requireCleanTree: bool('Report uncommitted changes in the working tree'),
});
