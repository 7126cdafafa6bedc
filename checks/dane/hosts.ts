/**
 * The MX hosts DANE looks at, and their TLSA names (RFC 7672 2.2.1-2.2.3). Shared by the dane
 * check and by tls-rpt (which only asks whether any TLSA is published). Same questions as the
 * mx check, so the per-run cache answers them once.
 */
import type { DnsErrorKind, DnsResult, Resolver, TlsaData } from '../../src/probe/types.js';

/** MX hosts examined for DANE; a sender tries only a few, and each costs a TLSA query and a probe. */
export const DANE_MAX_MX_HOSTS = 10;
/** SMTP's TLSA owner: _<port>._tcp.<host>, port 25. RFC 7672 2.2.3 */
export const SMTP_PORT = 25;

export function tlsaName(host: string): string {
  return `_${SMTP_PORT}._tcp.${host}`;
}

export function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export interface Outcome {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
  detail?: string;
  /** AD flag of the answer (absent on errors). */
  ad?: boolean;
}

export function outcomeOf(r: DnsResult): Outcome {
  return r.kind === 'error'
    ? { kind: 'error', error: r.error, detail: r.detail }
    : { kind: r.kind, ad: r.ad };
}

export interface MxHosts extends Outcome {
  /** Hosts by preference (at most DANE_MAX_MX_HOSTS); the domain itself when it has no MX. */
  hosts: { host: string; preference: number }[];
  /** No MX: the domain is its own (implicit) MX. RFC 5321 5.1 */
  implicit: boolean;
  /** Null MX (RFC 7505): the domain takes no mail. */
  nullMx: boolean;
  notChecked: string[];
}

export async function mxHostsFor(domain: string, dns: Resolver, signal: AbortSignal): Promise<MxHosts> {
  const r = await dns.query(domain, 'MX', { signal });
  const out: MxHosts = { ...outcomeOf(r), hosts: [], implicit: false, nullMx: false, notChecked: [] };
  if (r.kind === 'nodata') {
    out.implicit = true;
    out.hosts = [{ host: domain, preference: 0 }];
  }
  if (r.kind !== 'ok') return out;
  const all: { host: string; preference: number }[] = [];
  for (const rec of r.records) {
    if (rec.type !== 'MX') continue;
    const host = hostName(rec.data.exchange);
    if (host === '') out.nullMx = true;
    else if (!all.some((h) => h.host === host)) all.push({ host, preference: rec.data.preference });
  }
  all.sort((a, b) => a.preference - b.preference);
  out.hosts = all.slice(0, DANE_MAX_MX_HOSTS);
  out.notChecked = all.slice(DANE_MAX_MX_HOSTS).map((h) => h.host);
  if (all.length === 0 && !out.nullMx) {
    out.implicit = true;
    out.hosts = [{ host: domain, preference: 0 }];
  }
  return out;
}

export interface TlsaLookup extends Outcome {
  name: string;
  records: TlsaData[];
  cnameChain: string[];
}

export async function tlsaFor(host: string, dns: Resolver, signal: AbortSignal): Promise<TlsaLookup> {
  const name = tlsaName(host);
  const r = await dns.query(name, 'TLSA', { signal });
  const records: TlsaData[] = [];
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === 'TLSA') records.push(rec.data);
  return { name, ...outcomeOf(r), records, cnameChain: [...r.cnameChain] };
}
