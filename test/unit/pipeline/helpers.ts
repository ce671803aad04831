import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type Config } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Report } from '../../../src/core/model';
import { REPO_ROOT } from '../helpers';

export function fixture(rel: string): string {
  return readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'pipeline', rel), 'utf8');
}

export async function analyze(root: string, opts: { trusted?: boolean; config?: Config } = {}): Promise<Report> {
  const ws = await Workspace.open({ root, config: opts.config ?? defaultConfig(), trusted: opts.trusted ?? false });
  return ws.analyze();
}

export function pipelineFindings(r: Report): Finding[] {
  return r.findings.filter((f) => f.ruleId.startsWith('checklist/pipeline-'));
}

/** `rule@file:line` for compact assertions (1-based line as an editor shows it). */
export function brief(fs: Finding[]): string[] {
  return fs.map((f) => `${f.ruleId.replace('checklist/pipeline-', '')}@${f.file}:${f.range.start.line + 1}`).sort();
}
