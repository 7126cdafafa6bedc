/** audit(): one sending identity through every check. Library code: never prints, never exits. */

import type { ReputationSettings } from './check.js';
import { type ProbeOptions, withProbe } from './probe/create.js';
import type { Probe } from './probe/types.js';
import { ALL_CHECKS, assertKnownCheckIds, DERIVED_CHECKS } from './registry.js';
import type { Report } from './report.js';
import { runAudit } from './runner.js';
import { normalizeTarget, type TargetInput } from './target.js';

export interface AuditOptions extends ProbeOptions {
  /** A probe shared across audits (a fleet run); when given, the resolver options are ignored. */
  probe?: Probe;
  /** Only these check ids. */
  checks?: readonly string[];
  /** Bound on each check, in ms. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** The reputation check's settings: a Spamhaus DQS key, the blocklists to ask. */
  reputation?: ReputationSettings;
}

/**
 * Audits one sending identity. Throws UsageError for bad input; everything else is in the
 * Report. A probe made here (no `options.probe`) ends with the audit: SMTP probes still in
 * flight are aborted.
 */
export async function audit(input: TargetInput, options: AuditOptions = {}): Promise<Report> {
  const target = normalizeTarget(input);
  assertKnownCheckIds(options.checks);
  const helo = options.smtpHeloName ?? target.helo;
  const probeOptions = { ...options, ...(helo ? { smtpHeloName: helo } : {}) };
  return withProbe(options.probe, probeOptions, (probe) =>
    runAudit(target, {
      probe,
      checks: ALL_CHECKS,
      ...(options.checks ? { only: options.checks } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.reputation ? { reputation: options.reputation } : {}),
      derived: DERIVED_CHECKS,
    }),
  );
}
