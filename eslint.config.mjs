// @ts-check
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'examples/**', 'test/fixtures/**', '.vscode-test/**', 'bench/**/*.mjs', 'scripts/**', 'test/vscode-offline/**', 'test/electron/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The analysis engine and the CLI never depend on the editor (layering rule).
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and src/cli must not import vscode: adapt findings in src/extension.' }], patterns: [{ group: ['**/extension/**'], message: 'src/core and src/cli must not depend on the extension layer.' }] }],
    },
  },
  {
    // Repository content is untrusted: every regular expression in src/ must run in linear time
    // (a crafted fly.toml, .env.example or workflow must not stall a check).
    files: ['src/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
    },
  },
);
