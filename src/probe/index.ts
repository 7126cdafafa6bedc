/** The probe: the only door to the network for checks. DNS for now. */

import { createCachedResolver, DEFAULT_CONCURRENCY } from './cache.js';
import { createStubResolver, newCounters, type ServerAddress } from './dns.js';
import type { Probe } from './types.js';

export interface ProbeOptions {
  servers: ServerAddress[];
  /** Wait per try, ms (default 2000). */
  timeoutMs?: number;
  /** Tries per question, rotating through the servers (default 2). */
  tries?: number;
  /** Questions in flight at once (default 64). */
  concurrency?: number;
  /** Cache bound (default 200 000 entries). */
  maxCacheEntries?: number;
}

/** Stub resolver + per-run cache + counters. Create one per run. */
export function createProbe(options: ProbeOptions): Probe {
  const counters = newCounters();
  const stub = createStubResolver({
    servers: options.servers,
    timeoutMs: options.timeoutMs,
    tries: options.tries,
    counters,
  });
  const dns = createCachedResolver(stub, counters, {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    maxEntries: options.maxCacheEntries,
  });
  return { dns, counters: () => ({ ...counters }), clearCache: () => dns.clear() };
}

export {
  type CacheOptions,
  cacheKey,
  createCachedResolver,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_CACHE_ENTRIES,
} from './cache.js';
export {
  createStubResolver,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TRIES,
  MAX_CNAME_HOPS,
  MAX_TCP_MESSAGE_BYTES,
  newCounters,
  type ServerAddress,
  type StubResolverOptions,
} from './dns.js';
export { DNS_PORT, parseServerSpec, readResolvConf } from './resolvconf.js';
export * from './types.js';
export { EDNS_UDP_PAYLOAD, MAX_LABEL_BYTES, MAX_NAME_BYTES, normalizeName } from './wire.js';
