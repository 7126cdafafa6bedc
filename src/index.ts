/**
 * The library API. Never prints, never exits: it returns Reports and typed results.
 */

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { UsageError } from './errors.js';
import { createHttpsFetcher } from './probe/https.js';
import { createProbe } from './probe/index.js';
import { parseServerSpec, readResolvConf } from './probe/resolvconf.js';
import { createSmtpProber, type RunSmtpProber, type SmtpTimeouts } from './probe/smtp.js';
import type { Probe, Resolver } from './probe/types.js';
import { ALL_CHECKS, assertKnownCheckIds, DERIVED_CHECKS } from './registry.js';
import type { Report } from './report.js';
import { runAudit } from './runner.js';
import { normalizeTarget, type TargetInput } from './target.js';

export type { Check, Condition, FindingResult, FindingSpec } from './check.js';
export { UsageError } from './errors.js';
export { createProbe } from './probe/index.js';
export type { DnsRecord, DnsResult, Probe, Resolver, RRType } from './probe/types.js';
export { ALL_CHECKS, CHECK_IDS } from './registry.js';
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
  /** SMTP port the tls and mx-tls checks probe (default 25; labs, submission ports). */
  smtpPort?: number;
  /** PEM file of CA certificates trusted instead of the system's (labs); never "no verification". */
  caFile?: string;
  /** No SMTP probing: the tls and mx-tls checks report skipped. */
  noSmtp?: boolean;
  /** Name the SMTP probe gives in EHLO (audit: the target's --helo; else this machine's name). */
  smtpHeloName?: string;
  /** Where SMTP probes may connect (demo and labs: loopback only); default anywhere. */
  smtpAllow?: (address: string) => boolean;
  /** Port of HTTPS policy fetches (MTA-STS) when a URL names none: labs and the demo only (default 443). */
  httpsPort?: number;
  /** Bound of the DNS cache (LRU); default DEFAULT_MAX_CACHE_ENTRIES (fleet runs: FLEET_DEFAULT_CACHE_ENTRIES). */
  maxCacheEntries?: number;
}

/**
 * SMTP probe bounds for audits: one host's whole probe (20 s) ends well within the runner's
 * per-check deadline (30 s). The banner wait allows for greeting delays such as postscreen's
 * (6 s by default).
 */
export const AUDIT_SMTP_TIMEOUTS: Readonly<SmtpTimeouts> = {
  connectMs: 5_000,
  bannerMs: 10_000,
  replyMs: 5_000,
  tlsMs: 5_000,
  quitMs: 1_000,
  totalMs: 20_000,
};

/** PEM CA certificates from a file (--ca-file); a bad path is a usage error. */
export function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --ca-file ${path}: ${(err as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`--ca-file ${path} holds no PEM certificate`);
  return pem;
}

/** Address of a host for the SMTP probe, through the run's resolver (A first, then AAAA). */
async function resolveForSmtp(dns: Resolver, host: string): Promise<string | undefined> {
  if (isIP(host) !== 0) return host;
  for (const type of ['A', 'AAAA'] as const) {
    const r = await dns.query(host, type);
    if (r.kind === 'ok') for (const rec of r.records) if (rec.type === type) return rec.data;
    if (r.kind === 'nxdomain') return undefined;
  }
  return undefined;
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
  const probe = createProbe({
    servers,
    timeoutMs: options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    tries: options.tries ?? DEFAULT_DNS_TRIES,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.maxCacheEntries !== undefined ? { maxCacheEntries: options.maxCacheEntries } : {}),
  });
  const ca = options.caFile !== undefined ? readCaFile(options.caFile) : undefined;
  // Policy hosts (mta-sts.<domain>) are resolved through the run's resolver, so labs can
  // point them at loopback; the certificate is still checked against the name.
  probe.https = createHttpsFetcher({
    resolver: probe.dns,
    ...(ca !== undefined ? { ca } : {}),
    ...(options.httpsPort !== undefined ? { port: options.httpsPort } : {}),
  });
  if (!options.noSmtp) {
    const dns = probe.dns;
    probe.smtp = createSmtpProber({
      timeouts: AUDIT_SMTP_TIMEOUTS,
      resolveAddress: (host) => resolveForSmtp(dns, host),
      ...(options.smtpPort !== undefined ? { port: options.smtpPort } : {}),
      ...(ca !== undefined ? { ca } : {}),
      ...(options.smtpHeloName !== undefined ? { heloName: options.smtpHeloName } : {}),
      ...(options.smtpAllow !== undefined ? { allowAddress: options.smtpAllow } : {}),
    });
  }
  return probe;
}

/** Audits one sending identity. Throws UsageError for bad input; everything else is in the Report. */
export async function audit(input: TargetInput, options: AuditOptions = {}): Promise<Report> {
  const target = normalizeTarget(input);
  assertKnownCheckIds(options.checks);
  const helo = options.smtpHeloName ?? target.helo;
  const probe = options.probe ?? probeFromOptions({ ...options, ...(helo ? { smtpHeloName: helo } : {}) });
  try {
    return await runAudit(target, {
      probe,
      checks: ALL_CHECKS,
      ...(options.checks ? { only: options.checks } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      derived: DERIVED_CHECKS,
    });
  } finally {
    // A probe made here ends with the audit: SMTP probes still in flight are aborted.
    if (!options.probe) (probe.smtp as RunSmtpProber | undefined)?.close();
  }
}
