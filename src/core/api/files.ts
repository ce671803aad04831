import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { buildReport } from '../engine';
import { emptyFacts, type Finding, type Notice, type Report } from '../model';
import { decode, describeUnreadable } from '../reader';
import { toPosix } from '../text';
import { diffSpecs } from './analyzer';
import { loadSpec } from './openapi';
import { invalidSchema } from './rules';
import { Classifier } from '../classify';
import { silentLogger } from '../analyzer';

/** `api-diff <base> <head>`: compares two files directly, without git, into the same report shape. */
export async function apiDiffFiles(cwd: string, baseFile: string, headFile: string, config: Config): Promise<Report> {
  const notices: Notice[] = [];
  const findings: Finding[] = [];
  const load = async (f: string) => {
    const abs = path.resolve(cwd, f);
    const rel = toPosix(path.relative(cwd, abs));
    let buf: Buffer;
    try {
      buf = await fs.readFile(abs);
    } catch (e) {
      throw new Error(`${f}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const r = decode(buf, config.maxFileSize);
    if (r.kind !== 'text') throw new Error(describeUnreadable(f, r));
    const spec = loadSpec(r.text);
    for (const e of spec.errors.slice(0, 1)) findings.push(invalidSchema.finding({ message: `${rel} does not parse: ${e.message}`, file: rel, range: e.range }));
    return { rel, spec };
  };
  const base = await load(baseFile);
  const head = await load(headFile);
  if (!base.spec.errors.length && !head.spec.errors.length) findings.push(...diffSpecs(head.rel, base.spec, head.spec, base.rel, base.rel));
  const ctx = {
    root: cwd,
    config,
    classifier: new Classifier(config),
    reader: { read: async () => ({ kind: 'missing' as const }) },
    files: [],
    trusted: true,
    signal: new AbortController().signal,
    log: silentLogger,
    notices,
    facts: emptyFacts(),
    cache: new Map(),
  };
  return buildReport(ctx, findings);
}
