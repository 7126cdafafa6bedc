/**
 * The in-memory Resolver of the unit tests. A test describes its world in the lab's zone format
 * (src/lab/zone.ts: YAML text, the plain object the YAML parses to, or a Zone), the same worlds
 * the loopback lab serves, and each question is answered by the lab's own lookup
 * (src/lab/lookup.ts), then read the way the stub client (src/probe/dns.ts) reads the lab's reply:
 *
 *   memoryResolver({
 *     'example.com': { MX: ['10 mx.example.com'], TXT: ['v=spf1 -all'] },
 *     'www.example.com': { CNAME: 'example.com' },
 *     'slow.example.com': 'TIMEOUT',                // every type of the name
 *     'flaky.example.com': { A: 'SERVFAIL' },       // one type
 *     'empty.example.com': {},                      // exists, no data (NODATA)
 *   })
 *
 * Errors the lab cannot serve (a malformed answer) are injected by `errors`. Every question is
 * recorded, in order, so tests can assert what was (and was not) asked. Answers are immediate:
 * the zone's `$latency` is not simulated.
 */

import { type AnswerRecord, answerIsSecure, lookup } from '../../src/lab/lookup.js';
import { type Zone, zoneFrom } from '../../src/lab/zone.js';
import { toDnsRecord } from '../../src/overlay/yaml.js';
import { MAX_CNAME_HOPS } from '../../src/probe/dns.js';
import type {
  DnsCounters,
  DnsErrorKind,
  DnsRecord,
  DnsResult,
  Probe,
  QueryOptions,
  Resolver,
  RRType,
} from '../../src/probe/types.js';
import { encodeName, normalizeName } from '../../src/probe/wire.js';

/** A world as a test writes it: YAML text, the object the YAML parses to, or a parsed Zone. */
export type World = string | Zone | ZoneObject;
/** The plain-object form of a lab zone: owner name -> entry (see src/lab/zone.ts). */
export type ZoneObject = Record<string, unknown>;

export interface MemoryResolverOptions {
  /**
   * Errors injected before the zone is consulted, keyed by "name" (every type) or "name TYPE",
   * e.g. `{ 'mx.example.com A': 'malformed' }`. For what the lab cannot serve; a timeout, SERVFAIL
   * or REFUSED is better written in the zone itself (`TIMEOUT`, `SERVFAIL`, `REFUSED`).
   */
  errors?: Record<string, DnsErrorKind>;
}

export interface MemoryResolver extends Resolver {
  /** Every question asked, in order, as "TYPE name" (name lower-cased, no trailing dot). */
  readonly asked: string[];
  /** The same questions, by name only (for checks that ask one type). */
  readonly askedNames: string[];
}

export function memoryResolver(world: World, options: MemoryResolverOptions = {}): MemoryResolver {
  const zone = zoneFrom(world);
  const errors = new Map<string, DnsErrorKind>();
  for (const [key, kind] of Object.entries(options.errors ?? {})) {
    const [name = '', type] = key.trim().split(/\s+/);
    errors.set(
      type === undefined ? normalizeName(name) : `${normalizeName(name)} ${type.toUpperCase()}`,
      kind,
    );
  }
  const asked: string[] = [];
  const askedNames: string[] = [];
  return {
    asked,
    askedNames,
    async query(rawName: string, type: RRType, queryOptions?: QueryOptions): Promise<DnsResult> {
      const name = normalizeName(rawName);
      asked.push(`${type} ${name}`);
      askedNames.push(name);
      return resolve(zone, errors, name, type, queryOptions?.signal);
    },
  };
}

/** A Probe whose DNS is `dns`; `queriesSent` counts the questions asked (no cache, no retries). */
export function memoryProbe(dns: MemoryResolver): Probe & { dns: MemoryResolver } {
  const counters: DnsCounters = {
    queriesSent: 0,
    cacheHits: 0,
    cacheMisses: 0,
    timeouts: 0,
    tcpRetries: 0,
    errors: 0,
  };
  return { dns, counters: () => ({ ...counters, queriesSent: dns.asked.length }) };
}

/**
 * One question, as the stub client asks it of the lab: each round is one lab lookup; the CNAME
 * chain in its answer is walked (at most MAX_CNAME_HOPS hops, no loops), and a chain the lab
 * stopped before its end is asked on from where it stopped.
 */
function resolve(
  zone: Zone,
  errors: ReadonlyMap<string, DnsErrorKind>,
  name: string,
  type: RRType,
  signal: AbortSignal | undefined,
): DnsResult {
  const chain: string[] = [];
  const error = (kind: DnsErrorKind, detail: string): DnsResult => ({
    name,
    type,
    cnameChain: chain.slice(),
    kind: 'error',
    error: kind,
    detail,
  });
  // An injected error stands for the whole answer, as a resolver's SERVFAIL does, also when
  // its name is reached through a CNAME.
  const injected = (): DnsResult | undefined => {
    const kind = errors.get(`${owner} ${type}`) ?? errors.get(owner);
    return kind && error(kind, `${kind} for ${owner} ${type} (injected by the test)`);
  };
  const seen = new Set<string>([name]);
  let owner = name;
  let ad = true;
  for (;;) {
    const wire = encodeName(owner);
    if (typeof wire === 'string') return error('malformed', `${wire}: ${owner}`);
    if (signal?.aborted) return error('timeout', 'aborted');
    const failure = injected();
    if (failure) return failure;
    const outcome = lookup(zone, owner, type);
    if (outcome.kind === 'timeout') return error('timeout', `no answer for ${owner} ${type} (zone: TIMEOUT)`);
    if (outcome.kind === 'rcode') {
      const kind = outcome.rcode === 'SERVFAIL' ? 'servfail' : 'refused';
      return error(kind, `${outcome.rcode} for ${owner} ${type}`);
    }
    ad = ad && answerIsSecure(zone, owner, outcome.answers);
    let followed = false;
    let records: DnsRecord[] = [];
    // Walk the chain inside this answer: each step consumes one CNAME hop.
    for (;;) {
      const here = outcome.answers.filter((a) => ownerOf(a) === owner && a.record.type === type);
      if (here.length > 0) {
        records = here.map((a) => toDnsRecord(owner, a.ttl, a.record));
        break;
      }
      if (type === 'CNAME') break;
      const cname = outcome.answers.find((a) => ownerOf(a) === owner && a.record.type === 'CNAME');
      if (cname?.record.type !== 'CNAME') break;
      const target = cname.record.data;
      if (seen.has(target)) return error('malformed', 'CNAME loop');
      if (chain.length >= MAX_CNAME_HOPS) return error('malformed', 'CNAME chain too long');
      seen.add(target);
      chain.push(target);
      owner = target;
      followed = true;
      const failure = injected();
      if (failure) return failure;
    }
    const cnameChain = chain.slice();
    if (outcome.rcode === 'NXDOMAIN') return { name, type, cnameChain, kind: 'nxdomain', ad };
    if (records.length > 0) {
      const ttl = Math.min(...records.map((r) => r.ttl));
      return { name, type, cnameChain, kind: 'ok', records, ttl, ad };
    }
    // The lab gave the alias but not the target's records: ask for the target.
    if (!followed) return { name, type, cnameChain, kind: 'nodata', ad };
  }
}

function ownerOf(a: AnswerRecord): string {
  return normalizeName(a.owner);
}
