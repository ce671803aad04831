import { defineRule } from '../rule';

export const pathRemoved = defineRule({
  id: 'api/path-removed',
  defaultSeverity: 'error',
  summary: 'An API path that exists at the merge base was removed: clients still calling it will get 404s during and after the deploy',
  equivalents: { oasdiff: ['api-path-removed-without-deprecation', 'api-path-removed-before-sunset'] },
});

export const invalidSchema = defineRule({
  id: 'api/invalid-schema',
  defaultSeverity: 'error',
  summary: 'An API schema file does not parse, so its contract could not be compared',
});

export const apiRules = [pathRemoved, invalidSchema];
