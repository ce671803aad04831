import { defineRule } from '../rule';

export const missingFromExample = defineRule({
  id: 'env/missing-from-example',
  defaultSeverity: 'error',
  summary: 'A variable the code or deployment config reads is not declared in the nearest .env.example, so nobody will know to set it in production',
  equivalents: { 'eslint-plugin-turbo': ['no-undeclared-env-vars'], dotenvx: ['validate (MISSING_KEY)'] },
});

export const newOnBranch = defineRule({
  id: 'env/new-on-branch',
  defaultSeverity: 'warning',
  summary: 'A variable first read on this branch (not read at the merge base) must be set in production before the deploy',
  comparesBase: true,
});

export const unusedInExample = defineRule({
  id: 'env/unused-in-example',
  defaultSeverity: 'info',
  summary: 'A variable declared in .env.example that no code or deployment config under it reads',
});

export const exampleHygiene = defineRule({
  id: 'env/example-hygiene',
  defaultSeverity: 'warning',
  summary: 'The example file has a problem dotenv-linter would report: duplicate, lowercase or badly delimited keys, spaces, quotes, bad substitutions, ordering, blank lines',
  equivalents: {
    'dotenv-linter': [
      'DuplicatedKey', 'EndingBlankLine', 'ExtraBlankLine', 'IncorrectDelimiter', 'KeyWithoutValue', 'LeadingCharacter', 'LowercaseKey',
      'QuoteCharacter', 'SpaceCharacter', 'SubstitutionKey', 'TrailingWhitespace', 'UnorderedKey', 'ValueWithoutQuotes',
    ],
  },
});

export const dotenvCommitted = defineRule({
  id: 'env/dotenv-committed',
  defaultSeverity: 'error',
  summary: 'A .env file with real values is tracked by git',
  equivalents: { dotenvx: ['precommit'] },
});

export const secretInExample = defineRule({
  id: 'env/secret-in-example',
  defaultSeverity: 'error',
  summary: 'An example file holds a value that looks like a real credential (known token format or high entropy)',
});

export const clientExposedSecret = defineRule({
  id: 'env/client-exposed-secret',
  defaultSeverity: 'error',
  summary: 'A secret-looking variable behind a client prefix (NEXT_PUBLIC_, VITE_, REACT_APP_...) is inlined into the browser bundle',
});

export const dynamicRead = defineRule({
  id: 'env/dynamic-read',
  defaultSeverity: 'info',
  summary: 'A variable name computed at run time (process.env[name]) cannot be checked against .env.example',
  equivalents: { 'eslint-plugin-turbo': ['no-undeclared-env-vars (computed keys are skipped)'] },
});

export const envRules = [missingFromExample, newOnBranch, unusedInExample, exampleHygiene, dotenvCommitted, secretInExample, clientExposedSecret, dynamicRead];
