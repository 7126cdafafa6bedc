/**
 * The library API. Never prints, never exits: it returns Reports and typed results.
 */

import { alignmentCheck } from './authentication.js';
import { ALL_CHECKS } from './checks.js';
import { UsageError } from './errors.js';
import { createProbe } from './probe/index.js';
import { parseServerSpec, readResolvConf } from './probe/resolvconf.js';
import type { Probe } from './probe/types.js';
import type { Report } from './report.js';
import { runAudit } from './runner.js';
import { normalizeTarget, type TargetInput } from './target.js';

export type { Check, Condition, FindingResult, FindingSpec } from './check.js';
export { ALL_CHECKS } from './checks.js';
export { UsageError } from './errors.js';
export { createProbe } from './probe/index.js';
export type { DnsRecord, DnsResult, Probe, Resolver, RRType } from './probe/types.js';
export * from './report.js';
export { normalizeDomain, normalizeIp, normalizeTarget, type TargetInput } from './target.js';

export const DEFAULT_DNS_TIMEOUT_MS = 2000;
export const DEFAULT_DNS_TRIES = 2;

export interface ProbeOptions {
  /** `host[:port]` strings (IPv6 as `[::1]:5353`); default: the system's /etc/resolv.conf. */
  resolvers?: readonly string[];
  timeoutMs?: number;
  tries?: number;
  concurrency?: number;
}

export interface AuditOptions extends ProbeOptions {
  /** A probe shared across audits (a fleet run); when given, the resolver options are ignored. */
  probe?: Probe;
  /** Only these check ids. */
  checks?: readonly string[];
  /** Bound on each check, in ms. */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export function probeFromOptions(options: ProbeOptions = {}): Probe {
  const servers = options.resolvers?.length ? options.resolvers.map(parseServerSpec) : readResolvConf();
  if (servers.length === 0) throw new UsageError('no DNS resolver: give --resolver host[:port]');
  return createProbe({
    servers,
    timeoutMs: options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    tries: options.tries ?? DEFAULT_DNS_TRIES,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
}

/** Audits one sending identity. Throws UsageError for bad input; everything else is in the Report. */
export async function audit(input: TargetInput, options: AuditOptions = {}): Promise<Report> {
  const target = normalizeTarget(input);
  const known = new Set([...ALL_CHECKS.map((c) => c.id), alignmentCheck.id]);
  for (const id of options.checks ?? []) if (!known.has(id)) throw new UsageError(`unknown check "${id}"`);
  const probe = options.probe ?? probeFromOptions(options);
  return runAudit(target, {
    probe,
    checks: ALL_CHECKS,
    ...(options.checks ? { only: options.checks } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    derived: [alignmentCheck],
  });
}
