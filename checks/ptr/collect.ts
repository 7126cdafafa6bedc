/**
 * What the reverse-DNS check gathers per sending IP: the PTR names, the forward lookups of
 * those names (FCrDNS) and, when the HELO name is none of them, the HELO name's own lookup.
 * All I/O goes through the probe's resolver.
 */
import type { CollectContext } from '../../src/check.js';
import { isAddressLiteral, parseIp, reverseName } from '../../src/ip.js';
import type { Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { addressesOf, hostName, type LookupOutcome, lookupOutcome } from '../shared/dns.js';

/**
 * PTR names forward-checked per IP. A receiver checks one name or a few; an IP with more
 * names than this is odd anyway, and each name costs a query (same bound as RFC 7208 4.6.4's
 * limit of 10 PTR names for the SPF "ptr" mechanism).
 */
export const PTR_MAX_NAMES_CHECKED = 10;

export interface ForwardLookup extends LookupOutcome {
  name: string;
  type: 'A' | 'AAAA';
  /** Canonical addresses of the answer (empty unless kind is 'ok'). */
  addresses: string[];
}

export interface PtrIpEvidence {
  /** As given by the user. */
  ip: string;
  /** Canonical form; absent when `ip` is not an address. */
  address?: string;
  family?: 4 | 6;
  reverseName?: string;
  ptr?: LookupOutcome & { names: string[] };
  /** Forward lookups of the first PTR_MAX_NAMES_CHECKED names. */
  forward: ForwardLookup[];
  /** PTR names beyond the limit, not checked. */
  namesNotChecked: string[];
  /** Forward lookup of the HELO name, done only when the HELO differs from every PTR name. */
  heloLookup?: ForwardLookup;
}

export interface PtrEvidence {
  domain: string;
  /** HELO/EHLO name the sender uses, lower-cased, when given. */
  helo?: string;
  ips: PtrIpEvidence[];
}

export async function collectPtr(target: Target, ctx: CollectContext): Promise<PtrEvidence> {
  const helo = target.helo ? hostName(target.helo) : undefined;
  const ips = await Promise.all(target.ips.map((ip) => collectIp(ip, helo, ctx.probe.dns, ctx.signal)));
  const evidence: PtrEvidence = { domain: target.domain, ips };
  if (helo !== undefined) evidence.helo = helo;
  return evidence;
}

async function collectIp(
  text: string,
  helo: string | undefined,
  dns: Resolver,
  signal: AbortSignal,
): Promise<PtrIpEvidence> {
  const parsed = parseIp(text.trim());
  const out: PtrIpEvidence = { ip: text, forward: [], namesNotChecked: [] };
  if (!parsed) return out;
  out.address = parsed.address;
  out.family = parsed.family;
  out.reverseName = reverseName(parsed);
  const ptr = await dns.query(out.reverseName, 'PTR', { signal });
  const names =
    ptr.kind === 'ok' ? uniqueNames(ptr.records.flatMap((r) => (r.type === 'PTR' ? [r.data] : []))) : [];
  out.ptr = { ...lookupOutcome(ptr), names };
  const checked = names.slice(0, PTR_MAX_NAMES_CHECKED);
  out.namesNotChecked = names.slice(PTR_MAX_NAMES_CHECKED);
  const rrtype = parsed.family === 4 ? 'A' : 'AAAA';
  out.forward = await Promise.all(checked.map((name) => forwardLookup(dns, name, rrtype, signal)));
  if (helo !== undefined && !names.includes(helo) && !isAddressLiteral(helo) && ptr.kind !== 'error') {
    out.heloLookup = await forwardLookup(dns, helo, rrtype, signal);
  }
  return out;
}

/** One forward lookup, without the CNAME chain (not part of this check's evidence). */
async function forwardLookup(
  dns: Resolver,
  name: string,
  type: 'A' | 'AAAA',
  signal: AbortSignal,
): Promise<ForwardLookup> {
  const r = await dns.query(name, type, { signal });
  return { name, type, ...lookupOutcome(r), addresses: addressesOf(r, type) };
}

function uniqueNames(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const h = hostName(n);
    if (h !== '' && !out.includes(h)) out.push(h);
  }
  return out;
}
