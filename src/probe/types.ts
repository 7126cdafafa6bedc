import type { HttpsFetcher } from './https.js';
import type { SmtpProber } from './smtp.js';

/**
 * Shared DNS types. Every check talks to DNS through a `Resolver`; the real one is the
 * stub client in dns.ts (wrapped by the per-run cache in cache.ts), tests may inject
 * their own built from literal zone data.
 */

export type RRType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'SPF' | 'PTR' | 'CNAME' | 'SOA' | 'NS' | 'TLSA';

export const RR_TYPES: readonly RRType[] = [
  'A',
  'AAAA',
  'MX',
  'TXT',
  'SPF',
  'PTR',
  'CNAME',
  'SOA',
  'NS',
  'TLSA',
];

export interface MxData {
  preference: number;
  /** Exchange host name, without a trailing dot; '' for the null MX target '.' (RFC 7505). */
  exchange: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface TlsaData {
  usage: number;
  selector: number;
  matchingType: number;
  /** Certificate association data, lower-case hex. */
  data: string;
}

/** One resource record of the answer. Names are lower-cased, without a trailing dot. */
export type DnsRecord =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; data: string }
  | { type: 'TXT' | 'SPF'; name: string; ttl: number; data: string[] }
  | { type: 'MX'; name: string; ttl: number; data: MxData }
  | { type: 'PTR' | 'CNAME' | 'NS'; name: string; ttl: number; data: string }
  | { type: 'SOA'; name: string; ttl: number; data: SoaData }
  | { type: 'TLSA'; name: string; ttl: number; data: TlsaData };

/** Data of a record by type, e.g. RecordData<'MX'> is MxData. */
export type RecordData<T extends RRType> = T extends 'A' | 'AAAA' | 'PTR' | 'CNAME' | 'NS'
  ? string
  : T extends 'TXT' | 'SPF'
    ? string[]
    : T extends 'MX'
      ? MxData
      : T extends 'SOA'
        ? SoaData
        : T extends 'TLSA'
          ? TlsaData
          : never;

/**
 * Why an answer could not be measured. `unreliable`: the resolver answered NXDOMAIN or NODATA
 * under a TLD whose own SOA it denies (src/probe/canary.ts), so its absence is not believed.
 */
export type DnsErrorKind = 'timeout' | 'servfail' | 'refused' | 'malformed' | 'unreliable';

interface ResultBase {
  /** The name asked for (as given, lower-cased, no trailing dot). */
  name: string;
  type: RRType;
  /** CNAME targets followed from `name` to the final owner, in order; empty when none. */
  cnameChain: readonly string[];
}

/**
 * Typed outcome of one question. NXDOMAIN and NODATA are data, not errors. `error` means
 * the answer could not be measured: callers must report it as unknown (or SPF temperror),
 * never as "missing".
 */
export type DnsResult =
  | (ResultBase & {
      kind: 'ok';
      /** Records of the asked type at the final owner name (CNAMEs are in cnameChain). */
      records: DnsRecord[];
      /** Minimum TTL over the records returned. */
      ttl: number;
      /** AD flag of the response (DNSSEC validated by the resolver). */
      ad: boolean;
    })
  | (ResultBase & { kind: 'nxdomain'; ad: boolean })
  | (ResultBase & { kind: 'nodata'; ad: boolean })
  | (ResultBase & { kind: 'error'; error: DnsErrorKind; detail: string });

export interface QueryOptions {
  signal?: AbortSignal;
}

export interface Resolver {
  query(name: string, type: RRType, options?: QueryOptions): Promise<DnsResult>;
}

export interface DnsCounters {
  /** Packets sent (UDP and TCP, retries included). */
  queriesSent: number;
  /** Questions answered from the cache or joined to one already in flight. */
  cacheHits: number;
  /** Distinct questions asked through the cache. */
  cacheMisses: number;
  timeouts: number;
  tcpRetries: number;
  errors: number;
}

/** The only door to the network for checks. */
export interface Probe {
  dns: Resolver;
  counters(): DnsCounters;
  /** SMTP/STARTTLS probe (src/probe/smtp.ts); absent with --no-smtp. */
  smtp?: SmtpProber;
  /** HTTPS GET for policy files (src/probe/https.ts): MTA-STS. */
  https?: HttpsFetcher;
  /**
   * Forgets every cached DNS answer (counters stay). A fleet run that made its own probe
   * calls it once its audits are done, so the cache is not kept while the outputs are written.
   */
  clearCache?(): void;
  /**
   * DNS questions in flight, waiting, and the current limit (fleet runs size the identities in
   * flight by it). Absent on probes without a limiter (test fakes).
   */
  dnsLoad?(): { active: number; queued: number; limit: number };
  /**
   * Ends what the probe owns: SMTP probes in flight are aborted and its SMTP prober refuses
   * new ones; the DNS cache is dropped. Whoever made the probe closes it (an audit or fleet
   * run closes only a probe it made itself). Optional so that test fakes built as literals
   * need not have one; createProbe() and createDnsProbe() always give one (ClosableProbe).
   */
  close?(): void;
}

/** A probe that owns resources, as createProbe() and createDnsProbe() make it: close it when done. */
export type ClosableProbe = Probe & { close(): void };

/** Records of one type from an ok result, with their data narrowed. */
export function recordsOf<T extends RRType>(result: DnsResult, type: T): RecordData<T>[] {
  if (result.kind !== 'ok') return [];
  const out: RecordData<T>[] = [];
  for (const r of result.records) if (r.type === type) out.push(r.data as RecordData<T>);
  return out;
}
