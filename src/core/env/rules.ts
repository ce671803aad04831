import { defineRule } from '../rule';

export const missingFromExample = defineRule({
  id: 'env/missing-from-example',
  defaultSeverity: 'error',
  summary: 'A variable the code reads is not declared in the nearest .env.example, so nobody will know to set it in production',
  equivalents: {},
});

export const envRules = [missingFromExample];
