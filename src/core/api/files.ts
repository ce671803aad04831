import * as path from 'node:path';
import { silentLogger } from '../analyzer';
import { Classifier } from '../classify';
import type { Config } from '../config';
import { buildReport } from '../engine';
import { emptyFacts, type Finding, type Notice, type Report } from '../model';
import { describeUnreadable, DiskReader } from '../reader';
import { toPosix } from '../text';
import { detectOpenApi } from './detect';
import { acceptApiFindings, diffOpenApi, loadOpenApi, problemFindings, readerFn } from './analyzer';
import { diffGraphql } from './graphql';
import { diffProto } from './proto';
import { FileMemo } from '../memo';

/**
 * `api-diff <base> <head>`: compares two files directly, without git, into the same report shape
 * as `check`. Relative `$ref`s are resolved beside each file. The kind (OpenAPI, GraphQL SDL,
 * protobuf) comes from the extension, else the content.
 */
export async function apiDiffFiles(cwd: string, baseFile: string, headFile: string, config: Config): Promise<Report> {
  const notices: Notice[] = [];
  const findings: Finding[] = [];
  const limit = config.api.maxFileSize;
  const open = async (f: string) => {
    const abs = path.resolve(cwd, f);
    const relToCwd = toPosix(path.relative(cwd, abs));
    const inside = !relToCwd.startsWith('..') && !path.isAbsolute(relToCwd);
    const reader = new DiskReader(inside ? cwd : path.dirname(abs), limit);
    const rel = inside ? relToCwd : path.basename(abs);
    const r = await reader.read(rel, limit);
    if (r.kind !== 'text') throw new Error(r.kind === 'missing' ? `${f}: file not found` : describeUnreadable(f, r).replace('(maxFileSize)', '(api.maxFileSize)'));
    return { rel, text: r.text, reader };
  };
  const base = await open(baseFile);
  const head = await open(headFile);
  const ext = (p: string) => p.slice(p.lastIndexOf('.') + 1).toLowerCase();
  const kindOf = (p: string, text: string) => (['graphql', 'gql', 'graphqls'].includes(ext(p)) ? 'graphql' : ext(p) === 'proto' ? 'proto' : detectOpenApi(text) ? 'openapi' : undefined);
  const bk = kindOf(base.rel, base.text);
  const hk = kindOf(head.rel, head.text);
  if (!hk) throw new Error(`${headFile}: not an OpenAPI/Swagger document (no root openapi:/swagger: key), GraphQL SDL (.graphql/.gql) or protobuf (.proto) file`);
  if (bk !== hk) throw new Error(`${baseFile} and ${headFile} are not the same kind of schema (${bk ?? 'unknown'} vs ${hk})`);
  const label = base.rel;
  if (hk === 'graphql') findings.push(...(await diffGraphql(head.rel, base.text, head.text, label, { includeInfo: config.api.includeInfo, deprecationDays: config.api.deprecationDays })));
  else if (hk === 'proto') findings.push(...diffProto(head.rel, base.text, head.text, label));
  else {
    const b = await loadOpenApi(base.rel, base.text, readerFn(base.reader, limit));
    const h = await loadOpenApi(head.rel, head.text, readerFn(head.reader, limit));
    findings.push(...problemFindings(h.set));
    if (b.set.root.problems.length) findings.push(...problemFindings(b.set).slice(0, 1));
    if (b.model && h.model) findings.push(...diffOpenApi(b.model, h.model, { includeInfo: config.api.includeInfo, deprecationDays: config.api.deprecationDays, baseLabel: label }));
  }
  const ctx = {
    root: cwd,
    config,
    classifier: new Classifier(config),
    reader: head.reader,
    files: [],
    trusted: true,
    signal: new AbortController().signal,
    log: silentLogger,
    notices,
    facts: emptyFacts(),
    cache: new Map(),
    memo: new FileMemo(),
  };
  ctx.facts.apiSchemas.push({ file: head.rel, kind: hk, hasBase: true });
  return buildReport(ctx, acceptApiFindings(findings, config.api.accepted));
}
