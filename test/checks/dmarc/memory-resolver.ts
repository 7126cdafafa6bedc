/** A Resolver built from a plain object of TXT data, recording every question asked. */
import type { DnsResult, Resolver, RRType } from '../../../src/probe/types.js';

/** name -> TXT records (each a string or its character-strings), or a fault. */
export type TxtZone = Record<string, (string | string[])[] | 'SERVFAIL' | 'TIMEOUT' | 'REFUSED'>;

export interface MemoryResolver extends Resolver {
  asked: string[];
}

export function memoryResolver(zone: TxtZone): MemoryResolver {
  const data = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const asked: string[] = [];
  return {
    asked,
    async query(nameIn: string, type: RRType): Promise<DnsResult> {
      const name = nameIn.toLowerCase().replace(/\.$/, '');
      asked.push(name);
      const base = { name, type, cnameChain: [] };
      const entry = data.get(name);
      if (entry === 'SERVFAIL' || entry === 'TIMEOUT' || entry === 'REFUSED') {
        return { ...base, kind: 'error', error: entry.toLowerCase() as 'servfail', detail: entry };
      }
      if (entry === undefined || type !== 'TXT') {
        const exists = [...data.keys()].some((k) => k === name || k.endsWith(`.${name}`));
        return { ...base, kind: exists ? 'nodata' : 'nxdomain', ad: false };
      }
      if (entry.length === 0) return { ...base, kind: 'nodata', ad: false };
      return {
        ...base,
        kind: 'ok',
        ad: false,
        ttl: 300,
        records: entry.map((r) => ({
          type: 'TXT' as const,
          name,
          ttl: 300,
          data: typeof r === 'string' ? [r] : r,
        })),
      };
    },
  };
}
