/**
 * evaluateSpf(): RFC 7208 check_host() for one message (client IP, MAIL FROM, HELO), as a
 * receiver would run it. Library code: never prints, never exits.
 */

import { evaluateSender, type SenderEvaluation, type SenderParams } from '../checks/spf/evaluate.js';
import { UsageError } from './errors.js';
import { type ProbeOptions, withProbe } from './probe/create.js';
import type { Probe } from './probe/types.js';
import { normalizeIp } from './target.js';

export type { SpfEvaluation, SpfLookups } from '../checks/spf/evaluate.js';
export type { SpfResult } from '../checks/spf/types.js';
/** The message to evaluate: `ip`, `sender` (MAIL FROM; '' for the null reverse-path) and `helo`. */
export type SpfQuery = SenderParams;
export type { SenderEvaluation };

export interface EvaluateSpfOptions extends Pick<ProbeOptions, 'resolvers' | 'timeoutMs' | 'tries'> {
  /**
   * The probe whose DNS answers the questions (the caller reads its counters and closes it);
   * default: a DNS probe made from `resolvers`, `timeoutMs` and `tries`, closed before returning.
   */
  probe?: Probe;
  signal?: AbortSignal;
}

/**
 * The SPF result for one message: MAIL FROM is checked, or postmaster@HELO for a null
 * reverse-path (RFC 7208 2.4). DNS and record problems are results (temperror, permerror);
 * throws UsageError for a bad IP address or a null reverse-path without a HELO name.
 */
export async function evaluateSpf(
  query: SpfQuery,
  options: EvaluateSpfOptions = {},
): Promise<SenderEvaluation> {
  const ip = normalizeIp(query.ip);
  if (query.sender.trim() === '' && query.helo.trim() === '')
    throw new UsageError('a null reverse-path needs a HELO name (RFC 7208 2.4)');
  const probeOptions: ProbeOptions = {
    ...(options.resolvers ? { resolvers: options.resolvers } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.tries !== undefined ? { tries: options.tries } : {}),
    noSmtp: true,
  };
  return withProbe(options.probe, probeOptions, (probe) =>
    evaluateSender({ ...query, ip }, probe.dns, options.signal ? { signal: options.signal } : {}),
  );
}
