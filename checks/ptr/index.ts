/**
 * Reverse DNS of the sending IPs: a PTR exists, its name resolves back to the IP
 * (forward-confirmed reverse DNS, FCrDNS), the name does not look like dynamic/generic
 * space, and the HELO name fits. Gmail, Yahoo and Microsoft all require valid forward and
 * reverse DNS for sending IPs (see /work/shared/reference/provider-replies.md).
 */
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import { isAddressLiteral, normalizeIp, type ParsedIp, parseIp, reverseName } from '../../src/ip.js';
import type { DnsErrorKind, DnsResult, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { genericNameReason } from './generic.js';

/**
 * PTR names forward-checked per IP. A receiver checks one name or a few; an IP with more
 * names than this is odd anyway, and each name costs a query (same bound as RFC 7208 4.6.4's
 * limit of 10 PTR names for the SPF "ptr" mechanism).
 */
export const PTR_MAX_NAMES_CHECKED = 10;

/** Outcome of one DNS question, reduced to what judge() needs. */
export interface LookupOutcome {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
}

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

const findings = {
  missing: {
    severity: 'error',
    title: 'Sending IP has no reverse DNS (PTR)',
    message: '{ip} has no PTR record ({reverseName}: {answer}).',
    fix:
      'Ask the owner of the IP block (your hosting provider or ISP) to set the PTR of {ip} to {suggested}, ' +
      'and publish "{suggested}. IN {rrtype} {ip}" so that it resolves back.',
    conditions: ['ptr-missing'],
  },
  'not-forward-confirmed': {
    severity: 'error',
    title: 'Reverse DNS does not resolve back to the IP (no FCrDNS)',
    message: '{ip} has PTR {names}, but no such name has an {rrtype} record for {ip} (found: {found}).',
    fix:
      'Publish "{name}. IN {rrtype} {ip}", or ask your hosting provider to change the PTR of {ip} to a name ' +
      'that resolves to it.',
    conditions: ['ptr-mismatch'],
  },
  'forward-lookup-failed': {
    severity: 'unknown',
    title: 'Could not resolve the PTR name back (DNS error)',
    message: 'The {rrtype} lookup of {names} (PTR of {ip}) failed: {error}. Forward confirmation is unknown.',
    fix: 'Check that the authoritative servers of {name} answer {rrtype} queries, then run again.',
  },
  'multiple-ptr': {
    severity: 'warning',
    title: 'Sending IP has several PTR records',
    message: '{ip} has {count} PTR records ({names}). Receivers usually use only one, and which one varies.',
    fix: 'Keep a single PTR for {ip} ({name}), matching your HELO name.',
  },
  'generic-name': {
    severity: 'warning',
    title: 'PTR name looks generic or dynamic',
    message: 'The PTR of {ip} is {name}, which looks like a generic or dynamic name: {reason}.',
    fix:
      'Ask your hosting provider to set the PTR of {ip} to a name of your own mail domain (e.g. {suggested}), ' +
      'and publish "{suggested}. IN {rrtype} {ip}".',
    conditions: ['ptr-dynamic'],
  },
  'helo-mismatch': {
    severity: 'warning',
    title: 'HELO name does not match the reverse DNS',
    message: 'The HELO name {helo} is not the PTR name of {ip} ({ptr}) and does not resolve to {ip}.',
    fix: 'Make the server say "EHLO {ptr}", or set the PTR of {ip} to {helo} and publish "{helo}. IN {rrtype} {ip}".',
  },
  'helo-lookup-failed': {
    severity: 'unknown',
    title: 'Could not resolve the HELO name (DNS error)',
    message: 'The {rrtype} lookup of the HELO name {helo} failed: {error}.',
    fix: 'Check that the authoritative servers of {helo} answer, then run again.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the reverse DNS (DNS error)',
    message: 'The PTR lookup of {reverseName} (for {ip}) failed: {error}. Whether a PTR exists is unknown.',
    fix: 'Check that the reverse zone of {ip} is served (ask your hosting provider), then run again.',
  },
  'invalid-ip': {
    severity: 'error',
    title: 'Not an IP address',
    message: '"{ip}" is not an IPv4 or IPv6 address.',
    fix: 'Give the sending addresses as plain IPv4 or IPv6 addresses.',
  },
} satisfies Record<string, FindingSpec>;

export type PtrFindingKey = keyof typeof findings;

export const ptrCheck: Check<PtrEvidence> = {
  id: 'ptr',
  title: 'Reverse DNS of sending IPs',
  appliesTo: ['ip'],
  findings,
  collect: collectPtr,
  judge: judgePtr,
};

async function collectPtr(target: Target, ctx: CollectContext): Promise<PtrEvidence> {
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
  out.ptr = { ...outcome(ptr), names };
  const checked = names.slice(0, PTR_MAX_NAMES_CHECKED);
  out.namesNotChecked = names.slice(PTR_MAX_NAMES_CHECKED);
  const rrtype = parsed.family === 4 ? 'A' : 'AAAA';
  out.forward = await Promise.all(checked.map((name) => forwardLookup(dns, name, rrtype, signal)));
  if (helo !== undefined && !names.includes(helo) && !isAddressLiteral(helo) && ptr.kind !== 'error') {
    out.heloLookup = await forwardLookup(dns, helo, rrtype, signal);
  }
  return out;
}

async function forwardLookup(
  dns: Resolver,
  name: string,
  type: 'A' | 'AAAA',
  signal: AbortSignal,
): Promise<ForwardLookup> {
  const r = await dns.query(name, type, { signal });
  const addresses: string[] = [];
  if (r.kind === 'ok') {
    for (const rec of r.records) {
      if (rec.type !== type) continue;
      const a = normalizeIp(rec.data);
      if (a !== undefined && !addresses.includes(a)) addresses.push(a);
    }
  }
  return { name, type, ...outcome(r), addresses };
}

function outcome(r: DnsResult): LookupOutcome {
  return r.kind === 'error' ? { kind: 'error', error: r.error } : { kind: r.kind };
}

function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function uniqueNames(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const h = hostName(n);
    if (h !== '' && !out.includes(h)) out.push(h);
  }
  return out;
}

type Data = Record<string, string | number | boolean>;

function judgePtr(evidence: PtrEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  for (const ipEv of evidence.ips) out.push(...judgeIp(ipEv, evidence));
  return out;
}

function judgeIp(ev: PtrIpEvidence, all: PtrEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  const found = (key: PtrFindingKey, data: Data, extra: Partial<FindingResult> = {}): void => {
    out.push({ key, data, evidence: { ...ipEvidence(ev) }, ...extra });
  };
  if (ev.address === undefined || ev.family === undefined || ev.reverseName === undefined || !ev.ptr) {
    found('invalid-ip', { ip: ev.ip });
    return out;
  }
  const ip = ev.address;
  const rrtype = ev.family === 4 ? 'A' : 'AAAA';
  const suggested = all.helo && !isAddressLiteral(all.helo) ? all.helo : `mail.${all.domain}`;
  const ptr = ev.ptr;
  if (ptr.kind === 'error') {
    found('dns-error', { ip, reverseName: ev.reverseName, error: ptr.error ?? 'error' });
    return out;
  }
  if (ptr.names.length === 0) {
    found(
      'missing',
      {
        ip,
        reverseName: ev.reverseName,
        answer: ptr.kind === 'ok' ? 'no usable name' : ptr.kind,
        suggested,
        rrtype,
      },
      ev.family === 6 ? { conditions: ['ptr-missing-ipv6'] } : {},
    );
    return out;
  }

  const confirmed = ev.forward.filter((f) => f.addresses.includes(ip)).map((f) => f.name);
  const failed = ev.forward.filter((f) => f.kind === 'error');
  const primary = confirmed[0] ?? ptr.names[0] ?? '';
  if (confirmed.length === 0) {
    if (failed.length > 0) {
      found('forward-lookup-failed', {
        ip,
        rrtype,
        names: failed.map((f) => f.name).join(', '),
        name: failed[0]?.name ?? '',
        error: failed.map((f) => f.error ?? 'error').join(', '),
      });
    } else {
      const seen = ev.forward.flatMap((f) => f.addresses);
      found('not-forward-confirmed', {
        ip,
        rrtype,
        names: ptr.names.join(', '),
        name: ptr.names[0] ?? '',
        found: seen.length > 0 ? seen.join(', ') : 'none',
      });
    }
  }
  if (ptr.names.length > 1) {
    found('multiple-ptr', { ip, count: ptr.names.length, names: ptr.names.join(', '), name: primary });
  }
  for (const name of ptr.names.slice(0, PTR_MAX_NAMES_CHECKED)) {
    const reason = genericNameReason(name, parsedOf(ev));
    if (reason) {
      found('generic-name', { ip, name, reason, suggested: suggestedOwnName(all), rrtype });
      break;
    }
  }
  if (all.helo !== undefined && !ptr.names.includes(all.helo)) {
    const h = ev.heloLookup;
    if (h?.kind === 'error') {
      found('helo-lookup-failed', { ip, helo: all.helo, rrtype, error: h.error ?? 'error' });
    } else if (!h?.addresses.includes(ip)) {
      found('helo-mismatch', { ip, helo: all.helo, ptr: primary, rrtype });
    }
  }
  return out;
}

/** A name of the sender's own domain to suggest, never the generic name itself. */
function suggestedOwnName(all: PtrEvidence): string {
  const h = all.helo;
  if (h && !isAddressLiteral(h) && (h === all.domain || h.endsWith(`.${all.domain}`))) return h;
  return `mail.${all.domain}`;
}

function parsedOf(ev: PtrIpEvidence): ParsedIp {
  // judge() stays pure: re-parse the canonical address kept in the evidence.
  const p = ev.address !== undefined ? parseIp(ev.address) : undefined;
  return p ?? { family: 4, address: '', bytes: new Uint8Array(4) };
}

function ipEvidence(ev: PtrIpEvidence): Record<string, unknown> {
  const e: Record<string, unknown> = { ip: ev.ip };
  if (ev.address !== undefined) e['address'] = ev.address;
  if (ev.reverseName !== undefined) e['reverseName'] = ev.reverseName;
  if (ev.ptr) e['ptr'] = ev.ptr;
  if (ev.forward.length > 0) e['forward'] = ev.forward;
  if (ev.namesNotChecked.length > 0) e['namesNotChecked'] = ev.namesNotChecked;
  if (ev.heloLookup) e['heloLookup'] = ev.heloLookup;
  return e;
}
