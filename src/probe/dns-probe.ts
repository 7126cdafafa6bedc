/** The DNS-only probe: stub resolver, per-run cache, resolver canary, counters. No SMTP, no HTTPS. */

import { createCachedResolver } from './cache.js';
import { createCanaryResolver } from './canary.js';
import { createStubResolver, newCounters, type ServerAddress } from './dns.js';
import type { ClosableProbe } from './types.js';

export interface DnsProbeOptions {
  servers: ServerAddress[];
  /** Wait per try, ms (default 2000). */
  timeoutMs?: number;
  /** Tries per question, rotating through the servers (default 2). */
  tries?: number;
  /** Questions in flight at once; default adaptive (limiter.ts), sized to what the resolver sustains. */
  concurrency?: number;
  /** Bound of the DNS cache (LRU); default DEFAULT_MAX_CACHE_ENTRIES (fleet runs: FLEET_DEFAULT_CACHE_ENTRIES). */
  maxCacheEntries?: number;
}

/**
 * Stub resolver + per-run cache + resolver canary (canary.ts) + counters. Create one per run;
 * labs and tests use it as is, createProbe() adds the SMTP prober and the HTTPS fetcher on top.
 * The canary sits above the cache: its question is one cached answer shared by the whole run.
 */
export function createDnsProbe(options: DnsProbeOptions): ClosableProbe {
  const counters = newCounters();
  const stub = createStubResolver({
    servers: options.servers,
    timeoutMs: options.timeoutMs,
    tries: options.tries,
    counters,
  });
  const cache = createCachedResolver(stub, counters, {
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    maxEntries: options.maxCacheEntries,
  });
  const dns = createCanaryResolver(cache);
  const clearCache = (): void => {
    cache.clear();
    dns.clear();
  };
  const close = (): void => {
    clearCache();
    stub.close();
  };
  return { dns, counters: () => ({ ...counters }), dnsLoad: () => cache.load(), clearCache, close };
}
