import { parentPort } from 'node:worker_threads';
import { forgetParses, parseCounts, resetParseCounts } from '../source/service';
import { runJob, type FromWorker, type ToWorker } from './parallel';

/**
 * A scan thread (./parallel.ts): runs environment-scan jobs with its own grammars and kept trees,
 * one at a time in the order they arrive, and answers each with the parses it made.
 */
const port = parentPort;
if (port) {
  let queue = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    queue = queue.then(async () => {
      if ('forget' in m) {
        forgetParses();
        resetParseCounts();
        return;
      }
      const before = parseCounts().total;
      let answer: FromWorker;
      try {
        answer = { id: m.id, result: await runJob(m.job), parses: parseCounts().total - before };
      } catch (e) {
        answer = { id: m.id, error: (e as Error).message ?? String(e), ...((e as Error).stack ? { stack: (e as Error).stack } : {}), parses: parseCounts().total - before };
      }
      port.postMessage(answer);
    });
  });
}
