import { parentPort } from 'node:worker_threads';
import type { Logger } from './analyzer';
import type { Request, Response, WorkerEvent } from './protocol';
import { AnalysisService } from './service';

/** Worker-thread entry: full-workspace scans run here, off the extension host's main thread. */
const port = parentPort;
if (port) {
  const post = (r: Response | WorkerEvent) => port.postMessage(r);
  const log: Logger = {
    info: (message) => post({ id: -1, log: 'info', message }),
    warn: (message) => post({ id: -1, log: 'warn', message }),
    error: (message) => post({ id: -1, log: 'error', message }),
    debug: (message) => post({ id: -1, log: 'debug', message }),
  };
  const service = new AnalysisService(log, undefined, (progress) => post({ id: -1, progress }));
  // Each request is answered as soon as it is done: a per-file lint does not wait for a running analysis.
  const now = () => performance.timeOrigin + performance.now();
  port.on('message', (req: Request) => {
    const received = now();
    void service.handle(req).then((r) => post({ ...r, timing: { received, answered: now() } }));
  });
}
