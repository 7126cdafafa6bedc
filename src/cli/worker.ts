/**
 * `mail-preflight worker --queue URL`: audits what a fleet coordinator (`fleet --queue`)
 * enqueued on Redis, any number of them on any machine. SIGTERM or SIGINT: stop taking jobs,
 * finish the ones in hand and post their results, then exit 0; a second signal exits at once
 * (the jobs in hand go to another worker when their lock expires). Also the glue that gives
 * `fleet --queue` its auditor. Log lines go to stderr and never carry the Redis password.
 */

import { sanitizeForTerminal } from '../../reports/text.js';
import type { FleetAuditor } from '../fleet/auditor.js';
import { type RedisTarget, redactSecrets, redisTargetOf } from '../fleet/queue/connection.js';
import { type QueueCoordinatorOptions, queueAuditor } from '../fleet/queue/coordinator.js';
import { runQueueWorker } from '../fleet/queue/worker.js';
import { DEFAULT_FLEET_CONCURRENCY } from '../fleet/run.js';
import { reputationOption, smtpProbeOptions } from '../options/values.js';
import type { ProbeOptions } from '../probe/create.js';
import { sectionHelp } from './help.js';
import { parseCommand } from './parse.js';
import { EXIT_OK } from './report-output.js';

/** Exit code of a worker that lost its queue or failed (the service manager restarts it). */
const EXIT_WORKER_FAILED = 1;
const MS_PER_SECOND = 1000;

export const WORKER_HELP = `Workers (one fleet over several machines):
  mail-preflight fleet --config FILE --out-dir DIR --queue URL
                          enqueue the run on Redis and collect the workers' reports into DIR
                          (restart it with the same DIR to finish an interrupted run)
  mail-preflight worker --queue URL [--concurrency N] [DNS and SMTP options]
                          audit identities taken from the queue (any number, any machine)

Queue options:
${sectionHelp('queue')}  worker also takes --concurrency, --resolver, --timeout, --dqs-key, --blocklist, --smtp-port,
  --smtp-concurrency, --smtp-per-network, --smtp-gap, --ca-file, --no-smtp
  A TLS Redis (rediss://) signed by a private CA: MAIL_PREFLIGHT_REDIS_CA_FILE=ca.pem.
`;

export interface WorkerCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A log line on stderr, the secrets masked and the text made safe for a terminal. */
function logger(io: WorkerCommandIo, redis: RedisTarget): (event: string) => void {
  return (event) =>
    io.stderr(`mail-preflight: ${sanitizeForTerminal(redactSecrets(event, redis.secrets))}\n`);
}

export async function workerCommand(
  args: string[],
  io: WorkerCommandIo,
  help: string,
  signal?: AbortSignal,
): Promise<number> {
  const { values } = parseCommand('worker', args);
  if (values.help) {
    io.stdout(help);
    return EXIT_OK;
  }
  const redis = redisTargetOf(values.queue, io.env);
  const probeOptions: ProbeOptions = {
    ...(values.resolver ? { resolvers: values.resolver } : {}),
    ...(values.timeout !== undefined ? { timeoutMs: values.timeout } : {}),
    ...smtpProbeOptions(values),
  };
  const controller = new AbortController();
  const force = new AbortController();
  const onSignal = (): void => {
    // The second signal: stop now; the jobs in hand are retaken by another worker later.
    if (controller.signal.aborted) force.abort();
    controller.abort();
  };
  signal?.addEventListener('abort', onSignal, { once: true });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runQueueWorker({
      redis,
      concurrency: values.concurrency ?? DEFAULT_FLEET_CONCURRENCY,
      probeOptions,
      ...reputationOption(values['dqs-key'], values.blocklist),
      ...(values['smtp-host-limit'] !== undefined ? { smtpHostPerMinute: values['smtp-host-limit'] } : {}),
      ...(values['lock-duration'] !== undefined ? { lockDurationMs: values['lock-duration'] } : {}),
      ...(values['idle-exit'] !== undefined ? { idleExitMs: values['idle-exit'] * MS_PER_SECOND } : {}),
      signal: controller.signal,
      force: force.signal,
      onEvent: logger(io, redis),
    });
    io.stderr(`mail-preflight: worker done: ${result.audited} identities audited (${result.reason})\n`);
    if (result.reason === 'error') {
      io.stderr(`mail-preflight: worker failed: ${sanitizeForTerminal(result.error ?? 'unknown error')}\n`);
      return EXIT_WORKER_FAILED;
    }
    return force.signal.aborted ? EXIT_WORKER_FAILED : EXIT_OK;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    signal?.removeEventListener('abort', onSignal);
  }
}

/** The flags of `fleet --queue` a coordinator needs. */
export interface FleetQueueFlags {
  queue: string;
  'lock-duration'?: number;
  'queue-timeout'?: number;
}

/** The auditor of `fleet --queue`: the run spread over the queue's workers. */
export function fleetQueueAuditor(
  flags: FleetQueueFlags,
  io: WorkerCommandIo & { quiet: boolean },
  run: Omit<QueueCoordinatorOptions, 'redis' | 'onEvent' | 'lockDurationMs' | 'redisLostMs'>,
): FleetAuditor {
  const redis = redisTargetOf(flags.queue, io.env);
  return queueAuditor({
    ...run,
    redis,
    ...(flags['lock-duration'] !== undefined ? { lockDurationMs: flags['lock-duration'] } : {}),
    ...(flags['queue-timeout'] !== undefined ? { redisLostMs: flags['queue-timeout'] * MS_PER_SECOND } : {}),
    ...(io.quiet ? {} : { onEvent: logger(io, redis) }),
  });
}
