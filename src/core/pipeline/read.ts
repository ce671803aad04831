import type { CiSystem, Pipeline } from './model';
import { readGithub } from './github';
import { readGitlab } from './gitlab';
import { readCircleci } from './circleci';
import { readAzure } from './azure';
import { readBitbucket } from './bitbucket';
import { readJenkins } from './jenkins';

type Reader = (file: string, text: string) => Pipeline;

const READERS: Partial<Record<CiSystem, Reader>> = {
  'github-actions': readGithub,
  gitlab: readGitlab,
  circleci: readCircleci,
  azure: readAzure,
  bitbucket: readBitbucket,
  jenkins: readJenkins,
};

/** Reads a CI configuration file of a known system; undefined when there is no reader for it yet. */
export function readPipeline(system: CiSystem, file: string, text: string): Pipeline | undefined {
  const r = READERS[system];
  return r ? r(file, text) : undefined;
}
