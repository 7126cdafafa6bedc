/**
 * The MX hosts DANE looks at, and their TLSA names (RFC 7672 2.2.1-2.2.3). Shared by the dane
 * check and by tls-rpt (which only asks whether any TLSA is published); both read the audit's
 * one MX host set (checks/shared/mx-hosts.ts) and ask each TLSA question once per audit.
 */
import type { CollectContext } from '../../src/check.js';
import type { TlsaData } from '../../src/probe/types.js';
import { type DetailedOutcome, detailedOutcome } from './dns.js';
import { sharedWhileWanted } from './joint-work.js';
import { MX_MAX_HOSTS_PROBED, type MxHostSet, mxHostSet } from './mx-hosts.js';

/** MX hosts examined for DANE; a sender tries only a few, and each costs a TLSA query and a probe. */
export const DANE_MAX_MX_HOSTS = MX_MAX_HOSTS_PROBED;
/** SMTP's TLSA owner: _<port>._tcp.<host>, port 25. RFC 7672 2.2.3 */
export const SMTP_PORT = 25;

export function tlsaName(host: string): string {
  return `_${SMTP_PORT}._tcp.${host}`;
}

export interface MxHosts extends DetailedOutcome {
  /** Hosts by preference (at most DANE_MAX_MX_HOSTS); the domain itself when it has no MX. */
  hosts: { host: string; preference: number }[];
  /** No MX: the domain is its own (implicit) MX. RFC 5321 5.1 */
  implicit: boolean;
  /** Null MX (RFC 7505): the domain takes no mail. */
  nullMx: boolean;
  notChecked: string[];
}

/**
 * DANE's view of the MX host set. A host listed twice keeps the preference of its first
 * record in the answer (the published evidence has always said so; mta-sts instead counts a
 * host at its best preference, see distinctMxHosts).
 */
export function daneMxHosts(set: MxHostSet): MxHosts {
  const out: MxHosts = {
    ...detailedOutcome(set.lookup),
    hosts: [],
    implicit: set.implicit,
    nullMx: set.nullMx,
    notChecked: [],
  };
  if (set.implicit) out.hosts = [{ host: set.domain, preference: 0 }];
  const all: { host: string; preference: number }[] = [];
  for (const r of set.records) {
    if (r.exchange !== '' && !all.some((h) => h.host === r.exchange))
      all.push({ host: r.exchange, preference: r.preference });
  }
  if (all.length === 0) return out;
  all.sort((a, b) => a.preference - b.preference);
  out.hosts = all.slice(0, DANE_MAX_MX_HOSTS);
  out.notChecked = all.slice(DANE_MAX_MX_HOSTS).map((h) => h.host);
  return out;
}

export async function mxHostsFor(ctx: CollectContext, domain: string): Promise<MxHosts> {
  return daneMxHosts(await mxHostSet(ctx, domain));
}

export interface TlsaLookup extends DetailedOutcome {
  name: string;
  records: TlsaData[];
  cnameChain: string[];
}

/** The TLSA RRset of an MX host, asked once per audit (dane and tls-rpt both ask). */
export function tlsaFor(ctx: CollectContext, host: string): Promise<TlsaLookup> {
  const name = tlsaName(host);
  const gather = async (signal: AbortSignal): Promise<TlsaLookup> => {
    const r = await ctx.probe.dns.query(name, 'TLSA', { signal });
    const records: TlsaData[] = [];
    if (r.kind === 'ok') for (const rec of r.records) if (rec.type === 'TLSA') records.push(rec.data);
    return { name, ...detailedOutcome(r), records, cnameChain: [...r.cnameChain] };
  };
  return sharedWhileWanted(ctx, `tlsa ${name}`, ctx.signal, gather, () => gather(ctx.signal));
}
