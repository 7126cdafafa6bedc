/**
 * createProbe(): the probe an audit, a fleet run or the `spf` command uses, made from
 * user-facing options (resolver specs, SMTP port, CA file...). It owns an SMTP prober and an
 * HTTPS fetcher on top of the DNS probe, and close() ends them.
 */

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRIES } from './dns.js';
import { createDnsProbe, type DnsProbeOptions } from './dns-probe.js';
import { createHttpsFetcher, resolveThrough } from './https.js';
import { parseServerSpec, readResolvConf } from './resolvconf.js';
import { createSmtpProber, type RunSmtpProber, type SmtpTimeouts } from './smtp.js';
import type { ClosableProbe, Probe, Resolver } from './types.js';

export const DEFAULT_DNS_TIMEOUT_MS = DEFAULT_TIMEOUT_MS;
export const DEFAULT_DNS_TRIES = DEFAULT_TRIES;

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

/**
 * SMTP probes at once in a fleet run (local or queue worker): a fleet probes the MX hosts of
 * thousands of domains, so more than an audit's 4; the per-network limits (one per host, 2 per
 * /24 or /64, 100 ms apart) keep each receiver's share small.
 */
export const FLEET_SMTP_CONCURRENCY = 32;

export interface ProbeOptions extends Omit<DnsProbeOptions, 'servers'> {
  /** `host[:port]` strings (IPv6 as `[::1]:5353`); default: the system's /etc/resolv.conf. */
  resolvers?: readonly string[];
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
  /** SMTP probes at once in the run (default SMTP_DEFAULT_MAX_CONCURRENT; fleet runs FLEET_SMTP_CONCURRENCY). */
  smtpConcurrency?: number;
  /** SMTP connections at once to one /24 or /64 (smtp-politeness.ts). */
  smtpPerNetwork?: number;
  /** Least time between two SMTP connection starts to one /24 or /64, ms. */
  smtpGapMs?: number;
  /** Port of HTTPS policy fetches (MTA-STS) when a URL names none: labs and the demo only (default 443). */
  httpsPort?: number;
}

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
  const found = await resolveThrough(dns, host);
  return 'address' in found ? found.address : undefined;
}

/**
 * The probe for one run: DNS through the given resolvers (or resolv.conf), HTTPS policy
 * fetches and, unless `noSmtp`, SMTP probes, all resolving names through that DNS. Throws
 * UsageError for a bad resolver spec or CA file. Close it when the run is done.
 */
export function createProbe(options: ProbeOptions = {}): ClosableProbe {
  const servers = options.resolvers?.length ? options.resolvers.map(parseServerSpec) : readResolvConf();
  if (servers.length === 0) throw new UsageError('no DNS resolver: give --resolver host[:port]');
  const probe = createDnsProbe({
    servers,
    timeoutMs: options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    tries: options.tries ?? DEFAULT_DNS_TRIES,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.maxCacheEntries !== undefined ? { maxCacheEntries: options.maxCacheEntries } : {}),
  });
  const ca = options.caFile !== undefined ? readCaFile(options.caFile) : undefined;
  const dns = probe.dns;
  // Policy hosts (mta-sts.<domain>) are resolved through the run's resolver, so labs can
  // point them at loopback; the certificate is still checked against the name.
  const https = createHttpsFetcher({
    resolver: dns,
    ...(ca !== undefined ? { ca } : {}),
    ...(options.httpsPort !== undefined ? { port: options.httpsPort } : {}),
  });
  let smtp: RunSmtpProber | undefined;
  if (!options.noSmtp) {
    smtp = createSmtpProber({
      timeouts: AUDIT_SMTP_TIMEOUTS,
      resolveAddress: (host) => resolveForSmtp(dns, host),
      ...(options.smtpPort !== undefined ? { port: options.smtpPort } : {}),
      ...(ca !== undefined ? { ca } : {}),
      ...(options.smtpHeloName !== undefined ? { heloName: options.smtpHeloName } : {}),
      ...(options.smtpAllow !== undefined ? { allowAddress: options.smtpAllow } : {}),
      ...(options.smtpConcurrency !== undefined ? { maxConcurrent: options.smtpConcurrency } : {}),
      ...(options.smtpPerNetwork !== undefined ? { perNetwork: options.smtpPerNetwork } : {}),
      ...(options.smtpGapMs !== undefined ? { networkGapMs: options.smtpGapMs } : {}),
    });
  }
  return {
    ...probe,
    https,
    ...(smtp !== undefined ? { smtp } : {}),
    close: () => {
      smtp?.close();
      probe.close();
    },
  };
}

/**
 * Runs `work` with the caller's probe when there is one (the caller closes it), else with a
 * probe made from `options` for this work alone and closed when it ends, however it ends.
 */
export async function withProbe<T>(
  given: Probe | undefined,
  options: ProbeOptions,
  work: (probe: Probe, owned: boolean) => Promise<T>,
): Promise<T> {
  if (given) return work(given, false);
  const probe = createProbe(options);
  try {
    return await work(probe, true);
  } finally {
    probe.close();
  }
}
