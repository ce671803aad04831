import type { CiSystem, Pipeline } from './model';
import { readGithub } from './github';
import { readGitlab } from './gitlab';

type Reader = (file: string, text: string) => Pipeline;

const READERS: Partial<Record<CiSystem, Reader>> = {
  'github-actions': readGithub,
  gitlab: readGitlab,
};

/** Reads a CI configuration file of a known system; undefined when there is no reader for it yet. */
export function readPipeline(system: CiSystem, file: string, text: string): Pipeline | undefined {
  const r = READERS[system];
  return r ? r(file, text) : undefined;
}
