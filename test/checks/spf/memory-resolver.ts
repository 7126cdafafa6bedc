/**
 * In-memory Resolver built from plain zone objects, for SPF tests. Names are case-insensitive.
 * A name absent from the zone is NXDOMAIN; a present name without the asked type is NODATA.
 * `TIMEOUT: true` makes every type without records at that name answer `error: timeout`
 * (the convention of the RFC 7208 suite: listed types still answer).
 */

import type { DnsRecord, DnsResult, MxData, Resolver, RRType } from '../../../src/probe/types.js';

export interface MemoryName {
  A?: string[];
  AAAA?: string[];
  MX?: [number, string][];
  /** Each record is its list of character-strings (a plain string is one string). */
  TXT?: (string | string[])[];
  SPF?: (string | string[])[];
  PTR?: string[];
  CNAME?: string;
  TIMEOUT?: boolean;
  /** Types answering SERVFAIL. */
  SERVFAIL?: RRType[];
}

export type MemoryZone = Record<string, MemoryName>;

export const MEMORY_MAX_CNAME_CHAIN = 8;

function strip(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

export class MemoryResolver implements Resolver {
  private readonly zone = new Map<string, MemoryName>();
  /** Every question asked, in order, as "TYPE name". */
  readonly log: string[] = [];

  constructor(zone: MemoryZone) {
    for (const [name, data] of Object.entries(zone)) this.zone.set(strip(name), data);
  }

  async query(rawName: string, type: RRType): Promise<DnsResult> {
    const name = strip(rawName);
    this.log.push(`${type} ${name}`);
    const cnameChain: string[] = [];
    let owner = name;
    for (let hop = 0; ; hop++) {
      const node = this.zone.get(owner);
      if (!node) return { name, type, cnameChain, kind: 'nxdomain', ad: false };
      if (node.SERVFAIL?.includes(type)) {
        return { name, type, cnameChain, kind: 'error', error: 'servfail', detail: 'SERVFAIL' };
      }
      if (node.CNAME !== undefined && type !== 'CNAME') {
        if (hop >= MEMORY_MAX_CNAME_CHAIN || cnameChain.includes(strip(node.CNAME))) {
          return { name, type, cnameChain, kind: 'error', error: 'servfail', detail: 'CNAME loop' };
        }
        owner = strip(node.CNAME);
        cnameChain.push(owner);
        continue;
      }
      const records = recordsAt(owner, node, type);
      if (records.length === 0) {
        if (node.TIMEOUT)
          return { name, type, cnameChain, kind: 'error', error: 'timeout', detail: 'timeout' };
        return { name, type, cnameChain, kind: 'nodata', ad: false };
      }
      return { name, type, cnameChain, kind: 'ok', records, ttl: 300, ad: false };
    }
  }
}

function recordsAt(owner: string, node: MemoryName, type: RRType): DnsRecord[] {
  const ttl = 300;
  switch (type) {
    case 'A':
    case 'AAAA':
      return (node[type] ?? []).map((data) => ({ type, name: owner, ttl, data: data.toLowerCase() }));
    case 'TXT':
    case 'SPF':
      return (node[type] ?? []).map((d) => ({
        type,
        name: owner,
        ttl,
        data: typeof d === 'string' ? [d] : d,
      }));
    case 'MX':
      return (node.MX ?? []).map(([preference, exchange]) => {
        const data: MxData = { preference, exchange: strip(exchange) };
        return { type: 'MX' as const, name: owner, ttl, data };
      });
    case 'PTR':
      return (node.PTR ?? []).map((data) => ({ type: 'PTR' as const, name: owner, ttl, data: strip(data) }));
    case 'CNAME':
      return node.CNAME !== undefined ? [{ type: 'CNAME', name: owner, ttl, data: strip(node.CNAME) }] : [];
    default:
      return [];
  }
}
