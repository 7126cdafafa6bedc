/**
 * The MX host set of a domain, gathered once per audit and shared by the checks that look at
 * the domain's mail exchangers (mx, mx-tls, mta-sts, dane, tls-rpt): the MX lookup, null MX
 * (RFC 7505) and implicit MX (RFC 5321 5.1), the hosts by preference, and the hosts' addresses.
 *
 * The addresses are asked per host and family on demand (each answer memoised per audit):
 * dane and mta-sts never need them, and mx-tls asks AAAA only when A has none, so gathering
 * them eagerly would send queries that an audit running only those checks does not send today.
 */
import type { CollectContext } from '../../src/check.js';
import type { DnsResult, MxData } from '../../src/probe/types.js';
import { type AddressLookup, addressesOf, hostName, lookupOutcome } from './dns.js';
import { sharedWhileWanted } from './joint-work.js';

/**
 * MX hosts the checks that probe them (mx-tls, mta-sts, dane) look at; a sender tries only a
 * few (RFC 5321 5.1 leaves the number open), and each costs a TLSA query and an SMTP probe.
 */
export const MX_MAX_HOSTS_PROBED = 10;

export interface MxHostSet {
  domain: string;
  /** The MX lookup as answered: outcome, AD flag, CNAMEs followed. */
  lookup: DnsResult;
  /** Every MX record of the answer in answer order, exchange as hostName ('' is the null MX). */
  records: MxData[];
  /** A null MX ("MX 0 .") is among the records: the domain takes no mail (RFC 7505). */
  nullMx: boolean;
  /** No MX record at all (NODATA, or an answer without MX): the domain is its own MX (RFC 5321 5.1). */
  implicit: boolean;
  /** The non-null exchanges by preference (stable: equal preferences keep answer order; duplicates kept). */
  byPreference: MxData[];
}

/** The host set of one MX answer (pure). */
export function mxHostSetOf(domain: string, lookup: DnsResult): MxHostSet {
  const records: MxData[] = [];
  if (lookup.kind === 'ok') {
    for (const r of lookup.records)
      if (r.type === 'MX') records.push({ ...r.data, exchange: hostName(r.data.exchange) });
  }
  return {
    domain,
    lookup,
    records,
    nullMx: records.some((r) => r.exchange === ''),
    implicit: lookup.kind === 'nodata' || (lookup.kind === 'ok' && records.length === 0),
    byPreference: records.filter((r) => r.exchange !== '').sort((x, y) => x.preference - y.preference),
  };
}

/** The distinct hosts by preference: a host listed twice counts at its best preference. */
export function distinctMxHosts(set: MxHostSet): { host: string; preference: number }[] {
  const out: { host: string; preference: number }[] = [];
  for (const r of set.byPreference)
    if (!out.some((h) => h.host === r.exchange)) out.push({ host: r.exchange, preference: r.preference });
  return out;
}

/** The MX host set of `domain` (a hostName), gathered once per audit; waited for under `signal`. */
export function mxHostSet(ctx: CollectContext, domain: string, signal = ctx.signal): Promise<MxHostSet> {
  const gather = async (s: AbortSignal) =>
    mxHostSetOf(domain, await ctx.probe.dns.query(domain, 'MX', { signal: s }));
  return sharedWhileWanted(ctx, `mx-host-set ${domain}`, signal, gather, () => gather(signal));
}

/**
 * The A or AAAA answer for an MX host (or an implicit-MX domain), asked once per audit. The
 * answer is kept whole: mx publishes canonical addresses (addressLookupOf), mx-tls the
 * records as the resolver gave them (smtpHostLookup in checks/shared/smtp.ts).
 */
export function mxHostAddresses(
  ctx: CollectContext,
  host: string,
  type: 'A' | 'AAAA',
  signal = ctx.signal,
): Promise<DnsResult> {
  const gather = (s: AbortSignal) => ctx.probe.dns.query(host, type, { signal: s });
  return sharedWhileWanted(ctx, `mx-host-addresses ${type} ${host}`, signal, gather, () => gather(signal));
}

/** An address answer as an AddressLookup: outcome, distinct canonical addresses, CNAMEs followed. */
export function addressLookupOf(r: DnsResult, type: 'A' | 'AAAA'): AddressLookup {
  return { ...lookupOutcome(r), addresses: addressesOf(r, type), cnameChain: [...r.cnameChain] };
}
