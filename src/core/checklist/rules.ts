import { defineRule } from '../rule';

export const uncommittedChanges = defineRule({
  id: 'checklist/uncommitted-changes',
  defaultSeverity: 'warning',
  summary: 'The working tree has uncommitted changes: what is deployed is not what was reviewed and tested',
  comparesBase: true,
});

export const checklistRules = [uncommittedChanges];
