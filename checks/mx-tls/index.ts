/**
 * STARTTLS and certificates of the MX hosts of the audited domain: the inbound side, where
 * bounces and replies arrive. Opportunistic senders deliver over any TLS (or none), but
 * senders that verify (MTA-STS enforce, DANE) refuse an expired, untrusted or wrongly named
 * certificate, and a host without STARTTLS receives everything in clear.
 *
 * Each MX host is looked up through the probe's resolver (for the evidence, and to tell "no
 * address" from "not reachable"), then probed by name over SMTP with the MX name as TLS
 * server name; the address actually connected to is in the probe result.
 */
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import type { SmtpProbeResult } from '../../src/probe/smtp.js';
import type { DnsErrorKind, DnsResult, MxData, Probe, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { probeWithBudget, SMTP_OFF } from '../tls/index.js';
import {
  CERT_EXPIRY_WARNING_DAYS,
  judgeSmtpTls,
  summarizeProbe,
  type TlsIssueKey,
} from '../tls/judge-tls.js';

/** MX hosts probed per domain; senders try only a few, and each probe costs a connection. */
export const MX_TLS_MAX_HOSTS = 10;
/** Bound on all probes of one run of the check, well within the runner's 30 s deadline. */
export const MX_TLS_BUDGET_MS = 25_000;

export interface MxTlsLookup {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
  addresses: string[];
}

export interface MxTlsHost {
  exchange: string;
  preference: number;
  a?: MxTlsLookup;
  aaaa?: MxTlsLookup;
  /** The address probed (absent when the host has none or its lookup failed). */
  address?: string;
  probe?: SmtpProbeResult;
  /** Set when the probe did not return (aborted by the budget or the run). */
  probeError?: string;
}

export interface MxTlsEvidence {
  domain: string;
  /** When the probes ran (ISO 8601); expiry is judged against it. */
  checkedAt: string;
  /** Set when nothing was probed because SMTP probing is off. */
  skipped?: string;
  mx?: { kind: DnsResult['kind']; error?: DnsErrorKind; records: MxData[] };
  hosts: MxTlsHost[];
  hostsNotProbed: MxData[];
}

const CERT_FIX =
  "Install a certificate for {host} from a public CA (e.g. Let's Encrypt), with {host} in its " +
  'subjectAltName, and renew it automatically.';

const findings = {
  'cannot-connect': {
    severity: 'unknown',
    title: 'Could not connect to an MX host over SMTP',
    message:
      'Could not connect to {host}:{port} ({address}): {detail}. Port 25 may be blocked from here; ' +
      'its TLS is unknown.',
    fix: 'Run the audit from a network that allows outbound port 25, or check that {host} accepts connections.',
  },
  'probe-incomplete': {
    severity: 'unknown',
    title: 'The SMTP probe of an MX host did not complete',
    message:
      'The SMTP dialogue with {host}:{port} ({address}) stopped at {stage}: {detail}. Its TLS is unknown.',
    fix: 'Run again; if it persists, check that {host} greets and answers EHLO promptly.',
  },
  'smtp-error': {
    severity: 'warning',
    title: 'An MX host broke the SMTP dialogue',
    message:
      '{host}:{port} ({address}) broke the SMTP dialogue at {stage} ({kind}): {detail}. Senders cannot ' +
      'deliver to it and will try other MX hosts.',
    fix: 'Check the mail server (or the firewall or proxy in front of it) on {host}.',
  },
  'no-starttls': {
    severity: 'warning',
    title: 'An MX host does not offer STARTTLS',
    message:
      '{host}:{port} ({address}) does not offer STARTTLS (EHLO: {ehlo}): mail to the domain travels in clear.',
    fix: 'Enable STARTTLS on {host} (Postfix: smtpd_tls_security_level = may with a certificate for {host}).',
  },
  'starttls-failed': {
    severity: 'error',
    title: 'STARTTLS is offered but does not work on an MX host',
    message:
      '{host}:{port} ({address}) offers STARTTLS but it fails at {stage}: {detail}. Senders that try TLS ' +
      'defer the mail, and it arrives late or not at all.',
    fix: 'Fix the TLS setup of {host} (certificate and key files, protocols, ciphers), or stop offering STARTTLS.',
  },
  'old-protocol': {
    severity: 'warning',
    title: 'An MX host negotiates an obsolete TLS version',
    message:
      '{host}:{port} ({address}) negotiated {protocol}; TLS 1.0 and 1.1 are deprecated (RFC 8996) and ' +
      'many senders refuse them.',
    fix: 'Enable TLS 1.2 and 1.3 on {host} (Postfix: smtpd_tls_protocols = >=TLSv1.2).',
  },
  'cert-expired': {
    severity: 'error',
    title: 'The certificate of an MX host has expired',
    message:
      'The certificate of {host} ({subject}) expired on {notAfter}, {days} days ago. Senders that verify ' +
      '(MTA-STS enforce, DANE-TA) refuse to deliver to it.',
    fix: CERT_FIX,
  },
  'cert-expiring': {
    severity: 'warning',
    title: `The certificate of an MX host expires within ${CERT_EXPIRY_WARNING_DAYS} days`,
    message: 'The certificate of {host} ({subject}) expires on {notAfter}, in {days} days.',
    fix: 'Renew the certificate of {host} now, and automate renewal.',
  },
  'cert-self-signed': {
    severity: 'warning',
    title: 'An MX host presents a self-signed certificate',
    message:
      '{host} presents a self-signed certificate ({subject}): opportunistic TLS still works, but senders ' +
      'that verify (MTA-STS, DANE-TA) refuse it unless a DANE-EE TLSA record pins it.',
    fix: CERT_FIX,
  },
  'cert-name-mismatch': {
    severity: 'warning',
    title: 'The certificate of an MX host does not name it',
    message:
      'The certificate of {host} is valid for {names}, not for {name}: senders that verify names ' +
      '(MTA-STS) refuse to deliver to it.',
    fix: 'Install a certificate with {name} in its subjectAltName on {host}.',
  },
  'cert-untrusted': {
    severity: 'warning',
    title: 'The certificate chain of an MX host does not verify',
    message:
      'The certificate of {host} does not verify against the trusted CAs: {detail}. Senders that verify ' +
      '(MTA-STS) refuse to deliver to it.',
    fix: 'Serve the full chain (leaf and intermediates) from a public CA on {host}.',
  },
  'no-mx': {
    severity: 'info',
    title: 'No MX host to probe',
    message: '{domain} has {what}: there is no MX host whose TLS could be probed.',
    fix: 'Nothing to do for TLS; see the mx check for whether {domain} should receive mail.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MX hosts (DNS error)',
    message: 'The MX lookup of {domain} failed ({error}): the TLS of its MX hosts is unknown.',
    fix: 'Check that the name servers of {domain} answer MX queries, then run again.',
  },
  'host-not-probed': {
    severity: 'info',
    title: 'An MX host has no address to probe',
    message: 'The MX host {host} has no usable address ({answer}); its TLS was not probed.',
    fix: 'See the mx check: publish an A/AAAA record for {host} or remove the MX.',
  },
  'too-many-mx': {
    severity: 'info',
    title: 'Many MX hosts; only the first ones were probed',
    message: '{domain} has {count} MX hosts; the {probed} most preferred were probed.',
    fix: 'Keep the MX set small: senders try only a few hosts.',
  },
} satisfies Record<TlsIssueKey | 'no-mx' | 'dns-error' | 'host-not-probed' | 'too-many-mx', FindingSpec>;

export type MxTlsFindingKey = keyof typeof findings;

export const mxTlsCheck: Check<MxTlsEvidence> = {
  id: 'mx-tls',
  title: 'STARTTLS and certificates of the MX hosts',
  appliesTo: ['domain'],
  findings,
  skip: (_target, probe) => (probe.smtp ? undefined : SMTP_OFF),
  collect: collectMxTls,
  judge: judgeMxTls,
};

/** The MX hosts with their probe results, for checks that judge the same hosts (mta-sts, dane). */
export function mxHostsOf(evidence: MxTlsEvidence): MxTlsHost[] {
  return evidence.hosts;
}

async function collectMxTls(target: Target, ctx: CollectContext): Promise<MxTlsEvidence> {
  const domain = target.domain.toLowerCase().replace(/\.$/, '');
  const checkedAt = new Date().toISOString();
  const ev: MxTlsEvidence = { domain, checkedAt, hosts: [], hostsNotProbed: [] };
  if (!ctx.probe.smtp) {
    ev.skipped = SMTP_OFF;
    return ev;
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(MX_TLS_BUDGET_MS)]);
  const mx = await ctx.probe.dns.query(domain, 'MX', { signal });
  const records: MxData[] = [];
  if (mx.kind === 'ok')
    for (const r of mx.records)
      if (r.type === 'MX')
        records.push({ preference: r.data.preference, exchange: hostName(r.data.exchange) });
  ev.mx = { kind: mx.kind, ...(mx.kind === 'error' ? { error: mx.error } : {}), records };
  const real = records.filter((r) => r.exchange !== '').sort((x, y) => x.preference - y.preference);
  ev.hostsNotProbed = real.slice(MX_TLS_MAX_HOSTS);
  ev.hosts = await Promise.all(real.slice(0, MX_TLS_MAX_HOSTS).map((r) => collectHost(r, ctx.probe, signal)));
  return ev;
}

async function collectHost(mx: MxData, probe: Probe, signal: AbortSignal): Promise<MxTlsHost> {
  const host: MxTlsHost = { exchange: mx.exchange, preference: mx.preference };
  host.a = await lookup(probe.dns, mx.exchange, 'A', signal);
  if (host.a.addresses.length === 0) host.aaaa = await lookup(probe.dns, mx.exchange, 'AAAA', signal);
  const address = host.a.addresses[0] ?? host.aaaa?.addresses[0];
  if (address === undefined || !probe.smtp) return host;
  host.address = address;
  // Probed by name: the prober resolves it (through the run's resolver in the CLI) and caches
  // per host, so checks that judge the same MX (mta-sts, dane) share the one connection.
  const r = await probeWithBudget(probe.smtp, mx.exchange, mx.exchange, signal);
  if ('probe' in r) host.probe = r.probe;
  else host.probeError = r.error;
  return host;
}

async function lookup(
  dns: Resolver,
  name: string,
  type: 'A' | 'AAAA',
  signal: AbortSignal,
): Promise<MxTlsLookup> {
  const r = await dns.query(name, type, { signal });
  const addresses: string[] = [];
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === type) addresses.push(rec.data);
  return { kind: r.kind, ...(r.kind === 'error' ? { error: r.error } : {}), addresses };
}

function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function judgeMxTls(ev: MxTlsEvidence): FindingResult[] {
  if (ev.skipped !== undefined || !ev.mx) return [];
  const out: FindingResult[] = [];
  const domain = ev.domain;
  if (ev.mx.kind === 'error') {
    out.push({ key: 'dns-error', data: { domain, error: ev.mx.error ?? 'error' }, evidence: { mx: ev.mx } });
    return out;
  }
  const real = ev.mx.records.filter((r) => r.exchange !== '');
  if (real.length === 0) {
    const what =
      ev.mx.kind === 'nxdomain'
        ? 'no DNS entry at all (NXDOMAIN)'
        : ev.mx.records.length > 0
          ? 'a null MX (RFC 7505)'
          : 'no MX record';
    out.push({ key: 'no-mx', data: { domain, what }, evidence: { mx: ev.mx } });
    return out;
  }
  for (const h of ev.hosts) {
    const hostEvidence = { exchange: h.exchange, preference: h.preference, address: h.address };
    if (h.address === undefined) {
      const answer = [h.a, h.aaaa]
        .filter((l) => l !== undefined)
        .map((l) => (l.kind === 'error' ? `${l.kind}: ${l.error}` : l.kind))
        .join('/');
      out.push({
        key: 'host-not-probed',
        data: { host: h.exchange, answer },
        evidence: { ...hostEvidence, a: h.a, aaaa: h.aaaa },
      });
      continue;
    }
    if (!h.probe) {
      out.push({
        key: 'probe-incomplete',
        data: {
          host: h.exchange,
          port: 'smtp',
          address: h.address,
          stage: 'start',
          detail: h.probeError ?? 'no result',
        },
        evidence: hostEvidence,
      });
      continue;
    }
    const probe = summarizeProbe(h.probe);
    for (const issue of judgeSmtpTls(h.probe, {
      host: h.exchange,
      expectedName: h.exchange,
      checkedAt: ev.checkedAt,
    })) {
      out.push({ key: issue.key, data: issue.data, evidence: { ...hostEvidence, probe } });
    }
  }
  if (ev.hostsNotProbed.length > 0) {
    out.push({
      key: 'too-many-mx',
      data: { domain, count: ev.hosts.length + ev.hostsNotProbed.length, probed: ev.hosts.length },
      evidence: { notProbed: ev.hostsNotProbed },
    });
  }
  return out;
}
