/**
 * An in-memory Resolver built from a plain object, for collect() unit tests. It logs every
 * question so tests can assert what was (and was not) asked.
 *
 *   memoryResolver({
 *     'example.com': { MX: ['10 mx.example.com'], A: ['192.0.2.1'] },
 *     'www.example.com': { CNAME: 'example.com' },
 *     'slow.example.com': 'timeout',                  // every type of the name
 *     'flaky.example.com': { A: 'servfail' },          // one type
 *     'empty.example.com': {},                        // exists, no data (NODATA)
 *   })
 * Names not listed (and with nothing listed below them) are NXDOMAIN.
 */
import type {
  DnsCounters,
  DnsErrorKind,
  DnsRecord,
  DnsResult,
  MxData,
  Probe,
  QueryOptions,
  Resolver,
  RRType,
} from '../../../src/probe/types.js';

type Fault = DnsErrorKind | 'nxdomain';
type TypeValue = string[] | string | MxData[] | Fault;
export type MemoryZone = Record<string, Partial<Record<RRType, TypeValue>> | Fault>;

const FAULTS = new Set<string>(['timeout', 'servfail', 'refused', 'malformed', 'nxdomain']);
const MAX_CNAME_HOPS = 8;

export interface MemoryResolver extends Resolver {
  log: string[];
}

export function memoryResolver(zone: MemoryZone): MemoryResolver {
  const z = new Map<string, MemoryZone[string]>();
  for (const [k, v] of Object.entries(zone)) z.set(norm(k), v);
  const log: string[] = [];
  const exists = (name: string): boolean => {
    if (z.has(name)) return true;
    for (const k of z.keys()) if (k.endsWith(`.${name}`)) return true;
    return false;
  };
  return {
    log,
    async query(qname: string, type: RRType, _options?: QueryOptions): Promise<DnsResult> {
      const name0 = norm(qname);
      log.push(`${type} ${name0}`);
      const cnameChain: string[] = [];
      let name = name0;
      for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
        const base = { name: name0, type, cnameChain };
        const entry = z.get(name);
        if (typeof entry === 'string') return fault(base, entry);
        if (entry === undefined) {
          return exists(name)
            ? { ...base, kind: 'nodata', ad: false }
            : { ...base, kind: 'nxdomain', ad: false };
        }
        const value = entry[type];
        if (typeof value === 'string' && FAULTS.has(value)) return fault(base, value as Fault);
        if (value !== undefined) {
          const list = (Array.isArray(value) ? value : [value]) as (string | MxData)[];
          if (list.length === 0) return { ...base, kind: 'nodata', ad: false };
          const records = list.map((d) => toRecord(name, type, d));
          return { ...base, kind: 'ok', records, ttl: 300, ad: false };
        }
        const cname = entry.CNAME;
        if (typeof cname === 'string' && type !== 'CNAME' && !FAULTS.has(cname)) {
          name = norm(cname);
          cnameChain.push(name);
          continue;
        }
        return { ...base, kind: 'nodata', ad: false };
      }
      return { name: name0, type, cnameChain, kind: 'error', error: 'servfail', detail: 'CNAME loop' };
    },
  };
}

export function memoryProbe(zone: MemoryZone): Probe & { dns: MemoryResolver } {
  const dns = memoryResolver(zone);
  const counters: DnsCounters = {
    queriesSent: 0,
    cacheHits: 0,
    cacheMisses: 0,
    timeouts: 0,
    tcpRetries: 0,
    errors: 0,
  };
  return { dns, counters: () => ({ ...counters, queriesSent: dns.log.length }) };
}

function fault(base: { name: string; type: RRType; cnameChain: string[] }, f: Fault): DnsResult {
  if (f === 'nxdomain') return { ...base, kind: 'nxdomain', ad: false };
  return { ...base, kind: 'error', error: f, detail: `memory zone: ${f}` };
}

function toRecord(name: string, type: RRType, d: string | MxData): DnsRecord {
  if (type === 'MX') {
    if (typeof d !== 'string') return { type, name, ttl: 300, data: d };
    const [pref, host] = d.trim().split(/\s+/);
    return { type, name, ttl: 300, data: { preference: Number(pref), exchange: norm(host ?? '') } };
  }
  const s = typeof d === 'string' ? d : '';
  switch (type) {
    case 'A':
    case 'AAAA':
      return { type, name, ttl: 300, data: s };
    case 'PTR':
    case 'CNAME':
    case 'NS':
      return { type, name, ttl: 300, data: norm(s) };
    case 'TXT':
    case 'SPF':
      return { type, name, ttl: 300, data: [s] };
    case 'SOA':
      return {
        type,
        name,
        ttl: 300,
        data: { mname: s, rname: 'hostmaster', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 1 },
      };
    default:
      throw new Error(`memory resolver: type ${type} not supported`);
  }
}

function norm(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}
