/**
 * What the mx check measures, through the probe: the MX host set of each sending domain
 * (shared with the other MX checks of the audit), its SOA, and the addresses of its MX hosts
 * or, without MX, of the domain itself.
 */
import type { CollectContext } from '../../src/check.js';
import { isAddressLiteral } from '../../src/ip.js';
import type { MxData } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { type AddressLookup, hostName, type LookupOutcome, lookupOutcome } from '../shared/dns.js';
import { addressLookupOf, mxHostAddresses, mxHostSet } from '../shared/mx-hosts.js';

/**
 * MX hosts resolved per domain. RFC 5321 has no limit, but a sender tries only a few and
 * each host costs two queries; beyond this the rest are listed as not checked.
 */
export const MX_MAX_HOSTS_CHECKED = 20;

/** Null MX: one MX whose exchange is the root (".", '' in MxData). RFC 7505 3 */
export const NULL_MX_PREFERENCE = 0;

export type DomainRole = 'domain' | 'mail-from';

export interface MxHostEvidence {
  exchange: string;
  preference: number;
  /** The exchange is an IP address, not a host name (not looked up). */
  addressLiteral: boolean;
  a?: AddressLookup;
  aaaa?: AddressLookup;
}

export interface MxDomainEvidence {
  domain: string;
  roles: DomainRole[];
  mx: LookupOutcome & { records: MxData[]; cnameChain: string[] };
  /** The existence test Yahoo applies to the From and envelope domains. */
  soa: LookupOutcome;
  /** Addresses of the domain itself, looked up only when it has no MX (implicit MX, RFC 5321 5.1). */
  a?: AddressLookup;
  aaaa?: AddressLookup;
  /** Non-null MX hosts, by preference, at most MX_MAX_HOSTS_CHECKED. */
  hosts: MxHostEvidence[];
  hostsNotChecked: MxData[];
}

export interface MxEvidence {
  domains: MxDomainEvidence[];
}

/** The domains to look at: the audited domain, then the MAIL FROM domain when it differs. */
export function sendingDomains(target: Target): { domain: string; roles: DomainRole[] }[] {
  const out: { domain: string; roles: DomainRole[] }[] = [
    { domain: hostName(target.domain), roles: ['domain'] },
  ];
  const from = target.mailFrom !== undefined ? mailFromDomain(target.mailFrom) : undefined;
  if (from !== undefined) {
    const same = out.find((d) => d.domain === from);
    if (same) same.roles.push('mail-from');
    else out.push({ domain: from, roles: ['mail-from'] });
  }
  return out;
}

/** Domain of a MAIL FROM address ("bounce@example.com", "<bounce@example.com>") or a bare domain. */
export function mailFromDomain(mailFrom: string): string | undefined {
  const t = mailFrom.trim().replace(/^<|>$/g, '');
  const at = t.lastIndexOf('@');
  const d = hostName(at >= 0 ? t.slice(at + 1) : t);
  return d === '' ? undefined : d;
}

export async function collectMx(target: Target, ctx: CollectContext): Promise<MxEvidence> {
  const domains = await Promise.all(sendingDomains(target).map((d) => collectDomain(d.domain, d.roles, ctx)));
  return { domains };
}

/** Both address families of a name, each asked once per audit. */
async function bothFamilies(ctx: CollectContext, name: string): Promise<[AddressLookup, AddressLookup]> {
  const [a, aaaa] = await Promise.all([mxHostAddresses(ctx, name, 'A'), mxHostAddresses(ctx, name, 'AAAA')]);
  return [addressLookupOf(a, 'A'), addressLookupOf(aaaa, 'AAAA')];
}

async function collectDomain(
  domain: string,
  roles: DomainRole[],
  ctx: CollectContext,
): Promise<MxDomainEvidence> {
  const [set, soa] = await Promise.all([
    mxHostSet(ctx, domain),
    ctx.probe.dns.query(domain, 'SOA', { signal: ctx.signal }),
  ]);
  const mx = set.lookup;
  const ev: MxDomainEvidence = {
    domain,
    roles,
    mx: { ...lookupOutcome(mx), records: set.records, cnameChain: [...mx.cnameChain] },
    soa: lookupOutcome(soa),
    hosts: [],
    hostsNotChecked: [],
  };
  if (mx.kind === 'nxdomain' || mx.kind === 'error') return ev;
  if (set.records.length === 0) {
    // RFC 5321 5.1: no MX -> the domain itself is the implicit MX.
    [ev.a, ev.aaaa] = await bothFamilies(ctx, domain);
    return ev;
  }
  ev.hostsNotChecked = set.byPreference.slice(MX_MAX_HOSTS_CHECKED);
  ev.hosts = await Promise.all(
    set.byPreference.slice(0, MX_MAX_HOSTS_CHECKED).map(async (r): Promise<MxHostEvidence> => {
      const host: MxHostEvidence = {
        exchange: r.exchange,
        preference: r.preference,
        addressLiteral: isAddressLiteral(r.exchange),
      };
      if (host.addressLiteral) return host;
      [host.a, host.aaaa] = await bothFamilies(ctx, r.exchange);
      return host;
    }),
  );
  return ev;
}
