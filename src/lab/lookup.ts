/**
 * Answers one question from a zone: pure, no I/O. The lab stands in for the whole DNS as a
 * recursive resolver would present it, so CNAME chains are followed through the zone.
 */

import {
  adFor,
  normalizeName,
  ZONE_TYPES,
  type Zone,
  type ZoneNode,
  type ZoneRecord,
  type ZoneType,
} from './zone.js';

/** CNAME hops followed for one question before stopping. */
export const CNAME_MAX_HOPS = 8;

export interface AnswerRecord {
  /** Owner name as written on the wire. */
  owner: string;
  ttl: number;
  record: ZoneRecord;
}

export type LookupOutcome =
  | { kind: 'timeout' }
  | { kind: 'rcode'; rcode: 'SERVFAIL' | 'REFUSED' }
  | {
      kind: 'answer';
      rcode: 'NOERROR' | 'NXDOMAIN';
      answers: AnswerRecord[];
      authorities: AnswerRecord[];
    };

const indexCache = new WeakMap<Zone, Set<string>>();

function parentOf(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** Every name that exists: listed owners and their ancestors (empty non-terminals). */
function existingNames(zone: Zone): Set<string> {
  let set = indexCache.get(zone);
  if (set) return set;
  set = new Set();
  for (const name of zone.nodes.keys()) {
    for (let n: string | undefined = name; n !== undefined && !set.has(n); n = parentOf(n)) set.add(n);
  }
  indexCache.set(zone, set);
  return set;
}

type Found = { kind: 'node'; node: ZoneNode } | { kind: 'empty' } | { kind: 'nxdomain' };

/** Exact node, empty non-terminal, wildcard synthesis (RFC 4592 4.1) or NXDOMAIN. */
function findNode(zone: Zone, name: string): Found {
  const exists = existingNames(zone);
  if (exists.has(name)) {
    const node = zone.nodes.get(name);
    return node ? { kind: 'node', node } : { kind: 'empty' };
  }
  for (let n = parentOf(name); n !== undefined; n = parentOf(n)) {
    if (!exists.has(n)) continue;
    // n is the closest encloser: only its own wildcard child may synthesize the answer.
    const wild = zone.nodes.get(n === '' ? '*' : `*.${n}`);
    return wild ? { kind: 'node', node: wild } : { kind: 'nxdomain' };
  }
  return { kind: 'nxdomain' };
}

function negativeSoa(zone: Zone, name: string): AnswerRecord[] {
  for (let n: string | undefined = name; n !== undefined; n = parentOf(n)) {
    const rrset = zone.nodes.get(n)?.rrsets.get('SOA');
    if (Array.isArray(rrset) && rrset[0]?.type === 'SOA') {
      const node = zone.nodes.get(n)!;
      // Negative caching TTL is min(SOA TTL, SOA MINIMUM). RFC 2308 3
      return [{ owner: n, ttl: Math.min(node.ttl, rrset[0].data.minimum), record: rrset[0] }];
    }
  }
  return [];
}

function isZoneType(t: string): t is ZoneType {
  return (ZONE_TYPES as readonly string[]).includes(t);
}

/**
 * Looks up `qname` (as asked, any case, no trailing dot) and `qtype` (dns-packet's type
 * name, e.g. 'TXT' or 'UNKNOWN_65280').
 */
export function lookup(zone: Zone, qname: string, qtype: string): LookupOutcome {
  const answers: AnswerRecord[] = [];
  const seen = new Set<string>();
  let owner = qname;
  let name = normalizeName(qname);
  for (let hop = 0; ; hop++) {
    seen.add(name);
    const found = findNode(zone, name);
    if (found.kind === 'nxdomain') {
      return { kind: 'answer', rcode: 'NXDOMAIN', answers, authorities: negativeSoa(zone, name) };
    }
    if (found.kind === 'empty') {
      return { kind: 'answer', rcode: 'NOERROR', answers, authorities: negativeSoa(zone, name) };
    }
    const node = found.node;
    if (node.fault === 'TIMEOUT') return { kind: 'timeout' };
    if (node.fault === 'SERVFAIL' || node.fault === 'REFUSED') return { kind: 'rcode', rcode: node.fault };
    if (node.fault === 'NXDOMAIN') {
      return { kind: 'answer', rcode: 'NXDOMAIN', answers, authorities: negativeSoa(zone, name) };
    }
    const rrset = isZoneType(qtype) ? node.rrsets.get(qtype) : undefined;
    if (rrset === 'TIMEOUT') return { kind: 'timeout' };
    if (rrset === 'SERVFAIL' || rrset === 'REFUSED') return { kind: 'rcode', rcode: rrset };
    if (rrset === 'NXDOMAIN') {
      return { kind: 'answer', rcode: 'NXDOMAIN', answers, authorities: negativeSoa(zone, name) };
    }
    if (rrset && rrset.length > 0) {
      for (const record of rrset) answers.push({ owner, ttl: node.ttl, record });
      return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [] };
    }
    const cname = isZoneType(qtype) && qtype !== 'CNAME' && !rrset ? node.rrsets.get('CNAME') : undefined;
    const target = Array.isArray(cname) ? cname[0] : undefined;
    if (target?.type !== 'CNAME') {
      return { kind: 'answer', rcode: 'NOERROR', answers, authorities: negativeSoa(zone, name) };
    }
    // An over-long chain or a loop stops here: the client gets the CNAMEs seen so far.
    if (hop >= CNAME_MAX_HOPS) return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [] };
    answers.push({ owner, ttl: node.ttl, record: target });
    if (seen.has(target.data)) return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [] };
    owner = target.data;
    name = target.data;
  }
}

/**
 * Whether an answer to `qname` (normalized) carries the AD flag: the asked name and every
 * CNAME target in it are secure (see zone.ts, "AD flag").
 */
export function answerIsSecure(zone: Zone, qname: string, answers: readonly AnswerRecord[]): boolean {
  return adFor(zone, qname) && answers.every((a) => a.record.type !== 'CNAME' || adFor(zone, a.record.data));
}
