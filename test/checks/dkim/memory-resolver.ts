/** A Resolver built from a plain object, for collect() tests. Records the questions asked. */
import type { DnsErrorKind, DnsResult, Probe, Resolver, RRType } from '../../../src/probe/types.js';

export type MemoryNode = { TXT?: string[][]; CNAME?: string } | { error: DnsErrorKind };

export interface MemoryResolver extends Resolver {
  asked: string[];
}

/** Names are matched lower-cased; a name absent from the zone is NXDOMAIN. */
export function memoryResolver(zone: Record<string, MemoryNode>): MemoryResolver {
  const nodes = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase(), v]));
  const asked: string[] = [];
  return {
    asked,
    async query(name: string, type: RRType): Promise<DnsResult> {
      const asked0 = name.toLowerCase();
      asked.push(`${type} ${asked0}`);
      const cnameChain: string[] = [];
      let owner = asked0;
      for (let hop = 0; hop < 8; hop++) {
        const node = nodes.get(owner);
        if (node === undefined) return { kind: 'nxdomain', name: asked0, type, cnameChain, ad: false };
        if ('error' in node) {
          return {
            kind: 'error',
            name: asked0,
            type,
            cnameChain,
            error: node.error,
            detail: `${node.error} (test)`,
          };
        }
        if (node.CNAME !== undefined && type !== 'CNAME') {
          owner = node.CNAME.toLowerCase();
          cnameChain.push(owner);
          continue;
        }
        if (type !== 'TXT' || node.TXT === undefined || node.TXT.length === 0) {
          return { kind: 'nodata', name: asked0, type, cnameChain, ad: false };
        }
        const records = node.TXT.map((data) => ({ type: 'TXT' as const, name: owner, ttl: 300, data }));
        return { kind: 'ok', name: asked0, type, cnameChain, records, ttl: 300, ad: false };
      }
      return {
        kind: 'error',
        name: asked0,
        type,
        cnameChain,
        error: 'malformed',
        detail: 'CNAME loop (test)',
      };
    },
  };
}

export function memoryProbe(resolver: Resolver): Probe {
  return {
    dns: resolver,
    counters: () => ({ queriesSent: 0, cacheHits: 0, cacheMisses: 0, timeouts: 0, tcpRetries: 0, errors: 0 }),
  };
}
