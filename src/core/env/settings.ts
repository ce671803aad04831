import { list, obj, str, type Schema } from '../schema';

export interface EnvSettings {
  /** File names of declaration files, searched up the tree from each read site. */
  exampleFiles: string[];
  /** Variables never reported (platform or team allow-list). */
  ignore: string[];
}

export const envDefaults: EnvSettings = {
  exampleFiles: ['.env.example', '.env.sample', '.env.template', '.env.dist'],
  ignore: [],
};

export const envSchema: Schema = obj('Environment variable checks', {
  exampleFiles: list('Names of example files that declare variables', str('file name')),
  ignore: list('Variables never reported', str('variable name')),
});
