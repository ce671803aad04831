/**
 * Runs engine entry points for the robustness suite, off the test's thread: as a worker thread
 * (the sandbox's watchdog can terminate it when an input hangs) or as a child process
 * (`node engine-worker.js '<request json>'`, for the Restricted Mode trap, which needs its own PATH).
 */
import { parentPort } from 'node:worker_threads';
import { parseConfig, defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import { gitInvocations } from '../../../src/core/git';
import { parseExample } from '../../../src/core/env/example';
import { decode, type FileReader, type ReadResult } from '../../../src/core/reader';
import type { Finding, Notice, Report } from '../../../src/core/model';
import { format, FORMATS } from '../../../src/core/format';

export type EngineRequest =
  /** One file through the per-file analysis of every area, as the editor does on each keystroke. */
  | { op: 'file'; path: string; bytes: Uint8Array; maxFileSize?: number; dialect?: 'postgres' | 'mysql' }
  /** A whole folder on disk through Workspace.open + analyze (the CLI's and the editor's scan). */
  | { op: 'workspace'; root: string; trusted: boolean; formats?: boolean; baseRef?: string }
  | { op: 'config'; text: string }
  | { op: 'example'; text: string };

export interface EngineResult {
  findings?: Finding[];
  notices?: Notice[];
  /** Whether an analysis read the file (op 'file'): kinds no area analyses yet are not read. */
  read?: boolean;
  /** The decoded text the analysis saw (op 'file'), for range checks. */
  text?: string;
  report?: Report;
  /** Every output format rendered from the report (op 'workspace' with formats). */
  rendered?: Record<string, string>;
  names?: string[];
  gitInvocations?: number;
  error?: string;
}

class BytesReader implements FileReader {
  /** Paths the analysis asked for: a bad file it read must be named in its output. */
  readonly reads = new Set<string>();
  constructor(
    private readonly files: Map<string, Uint8Array>,
    private readonly limit: number,
  ) {}
  async read(rel: string): Promise<ReadResult> {
    this.reads.add(rel);
    const b = this.files.get(rel);
    return b ? decode(b, this.limit) : { kind: 'missing' };
  }
}

export async function handle(req: EngineRequest): Promise<EngineResult> {
  switch (req.op) {
    case 'file': {
      const config = defaultConfig();
      if (req.dialect) config.migrations.dialect = req.dialect;
      const limit = req.maxFileSize ?? config.maxFileSize;
      const bytes = new Uint8Array(req.bytes);
      const reader = new BytesReader(new Map([[req.path, bytes]]), limit);
      // An empty folder as root: nothing is walked, the file comes from the reader.
      const ws = await Workspace.open({ root: emptyRoot(), config, reader, trusted: false });
      const findings = await ws.analyzeFile(req.path);
      const d = decode(bytes, limit);
      return { findings, notices: ws.ctx.notices, text: d.kind === 'text' ? d.text : undefined, read: reader.reads.has(req.path) };
    }
    case 'workspace': {
      const ws = await Workspace.open({ root: req.root, config: defaultConfig(), trusted: req.trusted, baseRef: req.baseRef });
      const report = await ws.analyze();
      const rendered = req.formats ? Object.fromEntries(FORMATS.map((f) => [f, format(report, f)])) : undefined;
      return { report, rendered, gitInvocations: gitInvocations() };
    }
    case 'config': {
      const loaded = parseConfig(req.text);
      return { notices: loaded.problems, findings: [] };
    }
    case 'example': {
      const ex = parseExample('.env.example', req.text);
      return { names: [...ex.names] };
    }
  }
}

let empty: string | undefined;
function emptyRoot(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mkdtempSync, rmSync } = require('node:fs') as typeof import('node:fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  if (!empty) {
    const dir = mkdtempSync(`${os.tmpdir()}/dr-robust-empty-`);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    empty = dir;
  }
  return empty;
}

const port = parentPort;
if (port) {
  port.on('message', (msg: { id: number; req: EngineRequest }) => {
    handle(msg.req).then(
      (res) => port.postMessage({ id: msg.id, res }),
      (e: Error) => port.postMessage({ id: msg.id, res: { error: `${e.name}: ${e.message}\n${e.stack ?? ''}` } }),
    );
  });
} else if (require.main === module && process.argv[2]) {
  handle(JSON.parse(process.argv[2]) as EngineRequest).then(
    (res) => process.stdout.write(JSON.stringify(res)),
    (e: Error) => {
      process.stdout.write(JSON.stringify({ error: e.message }));
      process.exitCode = 3;
    },
  );
}
