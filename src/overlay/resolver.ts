/**
 * overlayResolver(): proposed records answered as if they were published, everything else
 * asked of the live resolver unchanged. An overlay replaces the RRsets it defines, per name and
 * type. With `complete`, each file is the whole zone of its origin: a name under the origin it
 * does not define is NXDOMAIN, a type it does not define at a name it has is NODATA, names
 * below a delegation it makes (NS below the origin) and names outside the origin go live.
 *
 * A CNAME is followed through the overlay and the live resolver alike (a live chain that runs
 * into an overlaid name continues in the overlay), at most MAX_CNAME_HOPS hops as the stub
 * client does. A live error (timeout, SERVFAIL) stays an error: the overlay hides only what it
 * replaces. Answers the overlay gave carry `ad: false` (no one validated them).
 */

import { MAX_CNAME_HOPS } from '../probe/dns.js';
import type { DnsRecord, DnsResult, QueryOptions, Resolver, RRType } from '../probe/types.js';
import { normalizeName } from '../probe/wire.js';
import { isAtOrBelow, type OverlayZone, rrsetKey } from './zone.js';

/** Distinct (name, type) questions kept for the report; an audit asks far fewer. */
export const MAX_SERVED_ENTRIES = 10_000;

export interface OverlayOptions {
  /** Each file is the whole zone of its origin (--overlay-complete). */
  complete?: boolean;
}

/** One question the overlay answered (the name is the overlay's owner, after any CNAME hops). */
export interface OverlayServed {
  name: string;
  type: RRType;
}

export type OverlayResolver = Resolver & { served(): OverlayServed[] };

type Decision =
  | { kind: 'records'; records: readonly DnsRecord[] }
  | { kind: 'cname'; target: string }
  | { kind: 'nodata' }
  | { kind: 'nxdomain' };

function parentOf(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** Every name of a complete zone that exists: owners and their ancestors down to the origin. */
const existing = new WeakMap<OverlayZone, Set<string>>();
function existingNames(zone: OverlayZone): Set<string> {
  let set = existing.get(zone);
  if (set) return set;
  set = new Set();
  for (const name of zone.names) {
    for (let n: string | undefined = name; n !== undefined && !set.has(n); n = parentOf(n)) {
      set.add(n);
      if (n === zone.origin) break;
    }
  }
  existing.set(zone, set);
  return set;
}

export function overlayResolver(
  inner: Resolver,
  zones: readonly OverlayZone[],
  options: OverlayOptions = {},
): OverlayResolver {
  const complete = options.complete === true;
  if (complete) {
    for (const z of zones) {
      if (z.origin === '')
        throw new Error(
          `${z.file}: no origin is known, so it cannot be a complete zone (add $ORIGIN or an SOA)`,
        );
    }
  }
  // A later file replaces an earlier one's RRset of the same name and type.
  const ordered = [...zones].reverse();
  const served = new Map<string, OverlayServed>();

  function rrset(name: string, type: RRType): readonly DnsRecord[] | undefined {
    for (const z of ordered) {
      const set = z.rrsets.get(rrsetKey(name, type));
      if (set) return set;
    }
    return undefined;
  }

  /** The complete zone answering for `name`: the one with the longest origin above it. */
  function authority(name: string): OverlayZone | undefined {
    if (!complete) return undefined;
    let best: OverlayZone | undefined;
    for (const z of ordered) {
      if (isAtOrBelow(name, z.origin) && (!best || z.origin.length > best.origin.length)) best = z;
    }
    if (!best) return undefined;
    // Below a delegation the file makes (NS under its origin), the child zone answers: go live.
    for (let n: string | undefined = name; n !== undefined && n !== best.origin; n = parentOf(n)) {
      if (best.rrsets.has(rrsetKey(n, 'NS'))) return undefined;
    }
    return best;
  }

  /** What the overlay says of (name, type), or undefined when it says nothing (ask live). */
  function decide(name: string, type: RRType): Decision | undefined {
    const own = rrset(name, type);
    if (own) return own.length > 0 ? { kind: 'records', records: own } : { kind: 'nodata' };
    if (type !== 'CNAME') {
      const alias = rrset(name, 'CNAME')?.[0];
      if (alias?.type === 'CNAME') return { kind: 'cname', target: alias.data };
    }
    const zone = authority(name);
    if (!zone) return undefined;
    if (existingNames(zone).has(name)) return { kind: 'nodata' };
    return wildcard(zone, name, type);
  }

  /** Wildcard synthesis from the closest encloser (RFC 4592 4.1), in a complete zone. */
  function wildcard(zone: OverlayZone, name: string, type: RRType): Decision {
    const names = existingNames(zone);
    for (let n = parentOf(name); n !== undefined; n = parentOf(n)) {
      if (!names.has(n)) continue;
      const wild = n === '' ? '*' : `*.${n}`;
      if (!zone.names.has(wild)) return { kind: 'nxdomain' };
      const own = zone.rrsets.get(rrsetKey(wild, type));
      if (own && own.length > 0) return { kind: 'records', records: own.map((r) => ({ ...r, name })) };
      const alias = type === 'CNAME' ? undefined : zone.rrsets.get(rrsetKey(wild, 'CNAME'))?.[0];
      if (alias?.type === 'CNAME') return { kind: 'cname', target: alias.data };
      return { kind: 'nodata' };
    }
    return { kind: 'nxdomain' };
  }

  function noteServed(name: string, type: RRType): void {
    const key = rrsetKey(name, type);
    if (!served.has(key) && served.size < MAX_SERVED_ENTRIES) served.set(key, { name, type });
  }

  async function query(asked: string, type: RRType, queryOptions?: QueryOptions): Promise<DnsResult> {
    const name = normalizeName(asked);
    const chain: string[] = [];
    const seen = new Set([name]);
    let owner = name;
    const error = (detail: string, kind: 'malformed' | 'timeout' = 'malformed'): DnsResult => ({
      name,
      type,
      cnameChain: chain.slice(),
      kind: 'error',
      error: kind,
      detail,
    });
    /** One CNAME hop to `target`, or the error that stops the chain. */
    const hop = (target: string): DnsResult | undefined => {
      if (seen.has(target)) return error('CNAME loop');
      if (chain.length >= MAX_CNAME_HOPS) return error('CNAME chain too long');
      seen.add(target);
      chain.push(target);
      owner = target;
      return undefined;
    };
    let usedOverlay = false;
    // Each round ends or adds at least one hop, so rounds <= MAX_CNAME_HOPS + 1.
    for (;;) {
      if (queryOptions?.signal?.aborted) return error('aborted', 'timeout');
      const decision = decide(owner, type);
      if (decision === undefined) {
        const live = await inner.query(owner, type, queryOptions);
        // A live chain that runs into an overlaid name continues in the overlay.
        const cut = live.cnameChain.findIndex((n) => decide(n, type) !== undefined);
        if (cut >= 0) {
          let stop: DnsResult | undefined;
          for (const target of live.cnameChain.slice(0, cut + 1)) stop ??= hop(target);
          if (stop) return stop;
          continue;
        }
        if (!usedOverlay) return live; // untouched: exactly what the live resolver said
        for (const target of live.cnameChain) {
          const stop = hop(target);
          if (stop) return stop;
        }
        const cnameChain = chain.slice();
        if (live.kind === 'error') return { ...live, name, cnameChain };
        return { ...live, name, cnameChain, ad: false };
      }
      usedOverlay = true;
      noteServed(owner, type);
      switch (decision.kind) {
        case 'cname': {
          const stop = hop(decision.target);
          if (stop) return stop;
          continue;
        }
        case 'records': {
          const records = decision.records.slice();
          let ttl = (records[0] as DnsRecord).ttl;
          for (const r of records) ttl = Math.min(ttl, r.ttl);
          return { name, type, cnameChain: chain.slice(), kind: 'ok', records, ttl, ad: false };
        }
        case 'nodata':
        case 'nxdomain':
          return { name, type, cnameChain: chain.slice(), kind: decision.kind, ad: false };
      }
    }
  }

  return { query, served: () => [...served.values()] };
}
