/**
 * A small MX world for tests of the checks that share the MX host set and SMTP probes: a
 * memory zone (test/checks/ptr/memory-resolver.ts) whose MX hosts also publish a TLSA record
 * (the memory resolver has no TLSA), and an HTTPS fetcher serving an MTA-STS policy.
 */
import type { HttpsFetcher } from '../../../src/probe/https.js';
import type { DnsResult, Probe, RRType } from '../../../src/probe/types.js';
import { type MemoryZone, memoryProbe } from '../ptr/memory-resolver.js';

/** A DANE-EE record (its data matches no certificate: only its presence matters here). */
const TLSA = { usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) };

export function mxWorld(zone: MemoryZone, policy: string): { probe: Probe; log: string[] } {
  const base = memoryProbe(zone);
  const query = async (
    name: string,
    type: RRType,
    options?: { signal?: AbortSignal },
  ): Promise<DnsResult> => {
    if (type !== 'TLSA') return base.dns.query(name, type, options);
    base.dns.log.push(`TLSA ${name}`);
    const records = [{ type, name, ttl: 300, data: TLSA }];
    return { name, type, cnameChain: [], kind: 'ok', ad: true, ttl: 300, records };
  };
  const https: HttpsFetcher = {
    fetch: async (url) => ({
      url,
      ok: true,
      status: 200,
      headers: { contentType: 'text/plain' },
      body: policy,
      durationMs: 1,
    }),
  };
  return { probe: { ...base, dns: { query }, https }, log: base.dns.log };
}
