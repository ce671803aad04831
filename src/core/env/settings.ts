import { bool, list, num, obj, str, type Schema } from '../schema';

export interface EnvSettings {
  /** File names of declaration files, searched up the tree from each read site. */
  exampleFiles: string[];
  /** Variables never reported: exact names or `PREFIX_*` wildcards (platform or team allow-list). */
  ignore: string[];
  /** Ignore the built-in list of platform variables (PATH, HOME, NODE_ENV, CI, GITHUB_*, VERCEL_*...). */
  ignorePlatform: boolean;
  /** Prefixes frameworks inline into client bundles (for env/client-exposed-secret). */
  clientPrefixes: string[];
  /** dotenv-linter checks not run by env/example-hygiene (e.g. UnorderedKey). */
  skipChecks: string[];
  /** Also read test code (`*_test.go`, `test_*.py`, `*.test.ts`, `spec/`, `__tests__/`…); off by default. */
  includeTests: boolean;
  /** Project helpers that read a variable by name: `{ call: "env", arg: 0 }` makes `env("X")` a read of X. */
  readers: { call: string; arg: number }[];
}

export const envDefaults: EnvSettings = {
  exampleFiles: ['.env.example', '.env.sample', '.env.template', '.env.dist'],
  ignore: [],
  ignorePlatform: true,
  clientPrefixes: ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'PUBLIC_', 'GATSBY_', 'VUE_APP_', 'STORYBOOK_'],
  skipChecks: [],
  includeTests: false,
  readers: [],
};

export const envSchema: Schema = obj('Environment variable checks', {
  exampleFiles: list('Names of example files that declare variables', str('file name')),
  ignore: list('Variables never reported (names or PREFIX_* wildcards)', str('variable name or wildcard')),
  ignorePlatform: bool('Ignore platform variables such as PATH, HOME, NODE_ENV, CI, GITHUB_*'),
  clientPrefixes: list('Prefixes inlined into client bundles', str('prefix')),
  skipChecks: list('dotenv-linter checks to skip in env/example-hygiene', str('check name')),
  includeTests: bool('Also read environment variables in test code (*_test.go, test_*.py, *.test.ts, spec/, __tests__/)'),
  readers: list(
    'Project helpers that read a variable by name (found automatically when they read the environment themselves)',
    obj('A helper function', { call: str('function name, e.g. env'), arg: num('position of the variable name among the arguments, from 0', { min: 0, integer: true }) }),
  ),
});
