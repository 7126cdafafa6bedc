/**
 * The probe: the only door to the network for checks (DNS, SMTP, HTTPS). createProbe() makes
 * the one a run uses from user-facing options; createDnsProbe() the DNS-only one labs and
 * tests build on.
 */

export {
  type CacheOptions,
  cacheKey,
  createCachedResolver,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_CACHE_ENTRIES,
} from './cache.js';
export * from './canary.js';
export * from './certificate.js';
export * from './create.js';
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
export * from './dns-probe.js';
export { DNS_PORT, parseServerSpec, readResolvConf } from './resolvconf.js';
export * from './types.js';
export { EDNS_UDP_PAYLOAD, MAX_LABEL_BYTES, MAX_NAME_BYTES, normalizeName } from './wire.js';
