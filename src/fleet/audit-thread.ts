/**
 * One audit thread of a threaded fleet run (src/fleet/threads.ts): its share of the identities
 * audited through a probe of its own, exactly as a one-thread run audits them (localAuditor),
 * each result posted to the run's thread, which writes it and answers whether it was taken.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FleetAuditResult, FleetResultSink } from './auditor.js';
import { auditLocally } from './run.js';
import type { AuditThreadData, FromThread, ToThread } from './threads.js';

const port = parentPort;
if (!port) throw new Error('audit-thread.ts runs as a worker thread of a fleet run');
const data = workerData as AuditThreadData;

const controller = new AbortController();
let nextId = 0;
const waiting = new Map<number, { resolve: (taken: boolean) => void; reject: (err: Error) => void }>();

port.on('message', (message: ToThread) => {
  if (message.type === 'stop') {
    controller.abort();
    return;
  }
  const wait = waiting.get(message.id);
  if (!wait) return;
  waiting.delete(message.id);
  if (message.error !== undefined) wait.reject(new Error(message.error));
  else wait.resolve(message.taken);
});

const post = (message: FromThread): void => port.postMessage(message);

const sink: FleetResultSink = {
  has: () => false,
  accept: (result: FleetAuditResult) =>
    new Promise<boolean>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      post({ type: 'result', id, result });
    }),
};

auditLocally(data, sink, controller.signal, (progress) => post({ type: 'counters', ...progress })).then(
  () => post({ type: 'done' }),
  (err: unknown) => post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }),
);
