/**
 * An in-memory Resolver for the SPF audit tests, built from a plain object:
 *   { 'example.com': { TXT: ['v=spf1 -all'], A: ['192.0.2.1'], MX: ['mx.example.com'] },
 *     'down.example': 'timeout', 'half.example': { TXT: 'servfail', A: ['192.0.2.2'] } }
 * A name absent from the object is NXDOMAIN; a type absent at a present name is NODATA.
 * Every question is recorded in `queries` as "TYPE name".
 */
import type { DnsErrorKind, DnsRecord, DnsResult, Resolver, RRType } from '../../../src/probe/types.js';

type Fault = 'timeout' | 'servfail';
type TxtValue = string | string[];
export interface MemoryNode {
  TXT?: TxtValue[] | Fault;
  A?: string[] | Fault;
  AAAA?: string[] | Fault;
  /** Exchange names (preference = index * 10) or [preference, exchange]. */
  MX?: (string | [number, string])[] | Fault;
}
export type MemoryZone = Record<string, MemoryNode | Fault>;

export function memoryResolver(zone: MemoryZone): Resolver & { queries: string[] } {
  const norm = new Map<string, MemoryNode | Fault>();
  for (const [k, v] of Object.entries(zone)) norm.set(k.toLowerCase().replace(/\.$/, ''), v);
  const queries: string[] = [];
  const error = (name: string, type: RRType, kind: DnsErrorKind): DnsResult => ({
    kind: 'error',
    name,
    type,
    cnameChain: [],
    error: kind,
    detail: `memory resolver: ${kind}`,
  });
  return {
    queries,
    async query(rawName: string, type: RRType): Promise<DnsResult> {
      const name = rawName.toLowerCase().replace(/\.$/, '');
      queries.push(`${type} ${name}`);
      const node = norm.get(name);
      if (node === undefined) return { kind: 'nxdomain', name, type, cnameChain: [], ad: false };
      if (typeof node === 'string') return error(name, type, node);
      const data = (node as Record<string, unknown>)[type] as unknown[] | Fault | undefined;
      if (typeof data === 'string') return error(name, type, data);
      if (!data || data.length === 0) return { kind: 'nodata', name, type, cnameChain: [], ad: false };
      const records: DnsRecord[] = data.map((d, i): DnsRecord => {
        if (type === 'TXT')
          return { type, name, ttl: 300, data: typeof d === 'string' ? [d] : (d as string[]) };
        if (type === 'MX') {
          const [preference, exchange] = typeof d === 'string' ? [i * 10, d] : (d as [number, string]);
          return { type, name, ttl: 300, data: { preference, exchange } };
        }
        return { type: type as 'A' | 'AAAA', name, ttl: 300, data: d as string };
      });
      return { kind: 'ok', name, type, cnameChain: [], records, ttl: 300, ad: false };
    },
  };
}
