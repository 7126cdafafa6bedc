/**
 * DNS helpers every check uses: one spelling of a host name, one outcome of a lookup, the
 * texts of TXT records, one address lookup. The RFC 1035 name limits live with the wire code
 * (src/probe/wire.ts) and are re-exported here, so a check imports its DNS toolkit from one place.
 */
import { normalizeIp } from '../../src/ip.js';
import type { DnsErrorKind, DnsResult, Resolver } from '../../src/probe/types.js';
import { MAX_LABEL_BYTES, MAX_NAME_BYTES } from '../../src/probe/wire.js';

export {
  MAX_CHARACTER_STRING_BYTES,
  MAX_LABEL_BYTES,
  MAX_NAME_BYTES,
  MAX_NAME_WIRE_BYTES,
} from '../../src/probe/wire.js';

/** A host name as evidence and comparisons use it: trimmed, lower-case, no trailing dot. */
export function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** A letter-digit-hyphen label: no hyphen at either end (RFC 1123 2.1, RFC 5890 2.3.1). */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
/** The same with underscores, as DKIM selectors and other service names use (RFC 6376 3.1, RFC 8552). */
const UNDERSCORE_LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/i;

export interface DnsNameSyntax {
  /** Labels may hold and start with "_" (a DKIM selector, RFC 6376 3.1); default false: LDH only. */
  underscore?: boolean;
  /** Fewest labels the name must have (a mail domain has at least 2); default 1. */
  minLabels?: number;
}

/**
 * Whether a name is a DNS name in host-name syntax: dot-separated labels of letters, digits
 * and hyphens (and underscores when allowed), each at most MAX_LABEL_BYTES, at most
 * MAX_NAME_BYTES in all (RFC 1035 2.3.4). No trailing dot; case does not matter.
 */
export function isDnsName(name: string, syntax: DnsNameSyntax = {}): boolean {
  if (name === '' || name.length > MAX_NAME_BYTES) return false;
  const label = syntax.underscore ? UNDERSCORE_LABEL : LDH_LABEL;
  const labels = name.split('.');
  return (
    labels.length >= (syntax.minLabels ?? 1) &&
    labels.every((l) => l.length <= MAX_LABEL_BYTES && label.test(l))
  );
}

/** What a lookup came to, without its records: ok, nxdomain, nodata, or error and which. */
export interface LookupOutcome {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
}

export function lookupOutcome(r: DnsResult): LookupOutcome {
  return r.kind === 'error' ? { kind: 'error', error: r.error } : { kind: r.kind };
}

/** The outcome with the resolver's detail of an error, and the AD flag of an answer (DANE). */
export interface DetailedOutcome extends LookupOutcome {
  detail?: string;
  /** AD flag of the answer (absent on errors). */
  ad?: boolean;
}

export function detailedOutcome(r: DnsResult): DetailedOutcome {
  return r.kind === 'error'
    ? { kind: 'error', error: r.error, detail: r.detail }
    : { kind: r.kind, ad: r.ad };
}

/** The outcome with the error's detail only (no AD flag). */
export function outcomeWithDetail(r: DnsResult): LookupOutcome & { detail?: string } {
  return r.kind === 'error' ? { kind: 'error', error: r.error, detail: r.detail } : { kind: r.kind };
}

/** Each TXT record of an answer as one string (its character-strings joined, RFC 7208 3.3). */
export function txtTexts(r: DnsResult): string[] {
  if (r.kind !== 'ok') return [];
  const out: string[] = [];
  for (const rec of r.records) if (rec.type === 'TXT') out.push(rec.data.join(''));
  return out;
}

/** The distinct addresses of an A or AAAA answer, in canonical form. */
export function addressesOf(r: DnsResult, type: 'A' | 'AAAA'): string[] {
  const addresses: string[] = [];
  if (r.kind !== 'ok') return addresses;
  for (const rec of r.records) {
    if (rec.type !== type) continue;
    const a = normalizeIp(rec.data);
    if (a !== undefined && !addresses.includes(a)) addresses.push(a);
  }
  return addresses;
}

/** One A or AAAA lookup: its outcome, its distinct canonical addresses, the CNAMEs followed. */
export interface AddressLookup extends LookupOutcome {
  addresses: string[];
  cnameChain: string[];
}

export async function lookupAddresses(
  dns: Resolver,
  name: string,
  type: 'A' | 'AAAA',
  signal: AbortSignal,
): Promise<AddressLookup> {
  const r = await dns.query(name, type, { signal });
  return { ...lookupOutcome(r), addresses: addressesOf(r, type), cnameChain: [...r.cnameChain] };
}
