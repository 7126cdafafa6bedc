/**
 * A small MX world for tests of the checks that share the MX host set and SMTP probes: a zone
 * in the lab's format (test/helpers/memory-resolver.ts) in which every MX host also publishes a
 * DNSSEC-validated TLSA record, and an HTTPS fetcher serving an MTA-STS policy.
 */
import type { HttpsFetcher } from '../../../src/probe/https.js';
import type { Probe } from '../../../src/probe/types.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

/** A DANE-EE record (its data matches no certificate: only its presence matters here). */
const TLSA = `3 1 1 ${'ab'.repeat(32)}`;

export function mxWorld(zone: ZoneObject, policy: string): { probe: Probe; log: string[] } {
  const world: ZoneObject = { $ad: true, ...zone };
  for (const entry of Object.values(zone)) {
    const mx = (entry as { MX?: string[] }).MX ?? [];
    for (const record of mx) {
      const host = record.split(/\s+/)[1];
      if (host) world[`_25._tcp.${host}`] = { TLSA };
    }
  }
  const dns = memoryResolver(world);
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
  return { probe: { ...memoryProbe(dns), https }, log: dns.asked };
}
