/**
 * TLS of the sending hosts: every --ip, and the addresses of the --helo name when it
 * resolves. Gmail and Yahoo require bulk senders to send over TLS (421 4.7.29 / 550 5.7.29).
 * The probe can only see a host's inbound side (its port 25), so a host without STARTTLS
 * there is taken as a sign that it does not use TLS when it sends either: the predicted
 * replies are inferred, not documented for this measurement.
 */
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import type { SmtpProbeResult, SmtpProber } from '../../src/probe/smtp.js';
import type { DnsErrorKind, DnsResult, Resolver } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { CERT_EXPIRY_WARNING_DAYS, judgeSmtpTls, summarizeProbe, type TlsIssueKey } from './judge-tls.js';

/** Sending hosts probed per target: --ip may list up to 64 addresses; each probe is a connection. */
export const TLS_MAX_HOSTS = 8;
/** Addresses of the HELO name taken into account. */
export const TLS_MAX_HELO_ADDRESSES = 4;
/** Bound on all probes of one run of the check, well within the runner's 30 s deadline. */
export const TLS_BUDGET_MS = 25_000;

export const SMTP_OFF = 'SMTP probing is off (--no-smtp)';

export interface TlsHostEvidence {
  address: string;
  /** Where the address comes from: a --ip, the --helo name's A/AAAA, or both. */
  sources: ('ip' | 'helo')[];
  probe?: SmtpProbeResult;
  /** Set when the probe did not return (aborted by the budget or the run). */
  probeError?: string;
}

export interface TlsEvidence {
  /** When the probes ran (ISO 8601); expiry is judged against it. */
  checkedAt: string;
  skipped?: string;
  helo?: string;
  heloLookup?: { kind: DnsResult['kind']; error?: DnsErrorKind; addresses: string[] }[];
  hosts: TlsHostEvidence[];
  hostsNotProbed: string[];
}

const findings = {
  'cannot-connect': {
    severity: 'unknown',
    title: 'Could not connect to a sending host over SMTP',
    message:
      'Could not connect to {address}:{port}: {detail}. Port 25 may be blocked from here (or the host does ' +
      'not accept mail); whether it uses TLS is unknown.',
    fix:
      'Run the audit from a network that allows outbound port 25, or make sure the sending MTA uses STARTTLS ' +
      'when it sends (Postfix: smtp_tls_security_level = may).',
  },
  'probe-incomplete': {
    severity: 'unknown',
    title: 'The SMTP probe of a sending host did not complete',
    message: 'The SMTP dialogue with {address}:{port} stopped at {stage}: {detail}. Its TLS is unknown.',
    fix: 'Run again; if it persists, check that the host greets and answers EHLO promptly.',
  },
  'smtp-error': {
    severity: 'unknown',
    title: 'A sending host broke the SMTP dialogue',
    message:
      '{address}:{port} broke the SMTP dialogue at {stage} ({kind}): {detail}. Whether it uses TLS is unknown.',
    fix: 'Check the mail server (or the firewall or proxy in front of it) on {address}.',
  },
  'no-starttls': {
    severity: 'warning',
    title: 'A sending host does not offer STARTTLS',
    message:
      '{address}:{port} does not offer STARTTLS (EHLO: {ehlo}). A server without TLS on its inbound side ' +
      'usually sends without it too, and Gmail and Yahoo refuse bulk mail that does not arrive over TLS.',
    fix:
      'Enable TLS on the sending MTA for outgoing mail (Postfix: smtp_tls_security_level = may) and for ' +
      'incoming mail with a certificate for its HELO name (smtpd_tls_security_level = may).',
    conditions: ['tls-missing'],
  },
  'starttls-failed': {
    severity: 'warning',
    title: 'STARTTLS is offered but does not work on a sending host',
    message:
      '{address}:{port} offers STARTTLS but it fails at {stage}: {detail}. Its TLS setup is broken; if it ' +
      'sends without TLS, Gmail and Yahoo refuse its bulk mail.',
    fix: 'Fix the TLS setup of the sending MTA (certificate and key files, protocols, ciphers).',
    conditions: ['tls-missing'],
  },
  'old-protocol': {
    severity: 'warning',
    title: 'A sending host negotiates an obsolete TLS version',
    message:
      '{address}:{port} negotiated {protocol}; TLS 1.2 or later is expected (RFC 8996 deprecates 1.0 and 1.1).',
    fix: 'Enable TLS 1.2 and 1.3 on the MTA (Postfix: smtp_tls_protocols and smtpd_tls_protocols = >=TLSv1.2).',
  },
  'cert-expired': {
    severity: 'warning',
    title: 'The certificate of a sending host has expired',
    message: 'The certificate of {address} ({subject}) expired on {notAfter}, {days} days ago.',
    fix: 'Renew the certificate of the sending host, and automate renewal.',
  },
  'cert-expiring': {
    severity: 'warning',
    title: `The certificate of a sending host expires within ${CERT_EXPIRY_WARNING_DAYS} days`,
    message: 'The certificate of {address} ({subject}) expires on {notAfter}, in {days} days.',
    fix: 'Renew the certificate of the sending host now, and automate renewal.',
  },
  'cert-self-signed': {
    severity: 'warning',
    title: 'A sending host presents a self-signed certificate',
    message: '{address} presents a self-signed certificate ({subject}).',
    fix: "Install a certificate for the HELO name from a public CA (e.g. Let's Encrypt).",
  },
  'cert-name-mismatch': {
    severity: 'warning',
    title: 'The certificate of a sending host does not match its HELO name',
    message: 'The certificate of {address} is valid for {names}, not for the HELO name {name}.',
    fix: 'Install a certificate with {name} in its subjectAltName, or make the MTA say HELO with a name it has.',
  },
  'cert-untrusted': {
    severity: 'warning',
    title: 'The certificate chain of a sending host does not verify',
    message: 'The certificate of {address} does not verify against the trusted CAs: {detail}.',
    fix: 'Serve the full chain (leaf and intermediates) from a public CA.',
  },
  'no-helo': {
    severity: 'info',
    title: 'No HELO name given: certificate names not checked',
    message: 'Without --helo the certificates of the sending hosts were not compared with a name.',
    fix: 'Give the name the MTA uses in EHLO with --helo.',
  },
  'helo-dns-error': {
    severity: 'unknown',
    title: 'Could not resolve the HELO name',
    message: 'The address lookup of the HELO name {helo} failed ({error}); its host was not probed.',
    fix: 'Check that the name servers of {helo} answer A and AAAA queries, then run again.',
  },
  'too-many-hosts': {
    severity: 'info',
    title: 'Many sending hosts; only the first ones were probed',
    message: '{count} sending hosts were given; the first {probed} were probed ({rest} not).',
    fix: 'Audit the others separately if their setup differs.',
  },
} satisfies Record<TlsIssueKey | 'no-helo' | 'helo-dns-error' | 'too-many-hosts', FindingSpec>;

export type TlsFindingKey = keyof typeof findings;

export const tlsCheck: Check<TlsEvidence> = {
  id: 'tls',
  title: 'STARTTLS and certificates of the sending hosts',
  // The HELO name alone is enough to find a sending host, so the check runs for any target
  // and says itself when there is nothing to probe.
  appliesTo: ['domain', 'ip'],
  findings,
  skip: (target, probe) => {
    if (!probe.smtp) return SMTP_OFF;
    if (target.ips.length === 0 && target.helo === undefined) return 'no sending host given (--ip or --helo)';
    return undefined;
  },
  collect: collectTls,
  judge: judgeTls,
};

/**
 * One probe bounded by `signal`, also when the prober does not honour it: a probe that does
 * not return becomes an error string (judged unknown), never a hang.
 */
export async function probeWithBudget(
  prober: SmtpProber,
  host: string,
  servername: string | undefined,
  signal: AbortSignal,
): Promise<{ probe: SmtpProbeResult } | { error: string }> {
  if (signal.aborted) return { error: reasonText(signal.reason) };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const probe = await Promise.race([
      prober.probe(host, { signal, ...(servername !== undefined ? { servername } : {}) }),
      aborted,
    ]);
    // The prober answers an aborted wait with a connect error; it is our budget, not the host.
    if (signal.aborted && !probe.connected) return { error: reasonText(signal.reason) };
    return { probe };
  } catch (err) {
    return { error: reasonText(err) };
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error)
    return reason.name === 'TimeoutError' ? 'the probe ran out of time' : reason.message;
  return String(reason ?? 'aborted');
}

async function collectTls(target: Target, ctx: CollectContext): Promise<TlsEvidence> {
  const ev: TlsEvidence = { checkedAt: new Date().toISOString(), hosts: [], hostsNotProbed: [] };
  const prober = ctx.probe.smtp;
  if (!prober) {
    ev.skipped = SMTP_OFF;
    return ev;
  }
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(TLS_BUDGET_MS)]);
  const byAddress = new Map<string, TlsHostEvidence>();
  for (const ip of target.ips) {
    const h = byAddress.get(ip);
    if (h) continue;
    byAddress.set(ip, { address: ip, sources: ['ip'] });
  }
  if (target.helo !== undefined) {
    const helo = target.helo.toLowerCase().replace(/\.$/, '');
    ev.helo = helo;
    ev.heloLookup = await Promise.all([
      lookup(ctx.probe.dns, helo, 'A', signal),
      lookup(ctx.probe.dns, helo, 'AAAA', signal),
    ]);
    for (const address of ev.heloLookup.flatMap((l) => l.addresses).slice(0, TLS_MAX_HELO_ADDRESSES)) {
      const h = byAddress.get(address);
      if (h) h.sources.push('helo');
      else byAddress.set(address, { address, sources: ['helo'] });
    }
  }
  const all = [...byAddress.values()];
  ev.hostsNotProbed = all.slice(TLS_MAX_HOSTS).map((h) => h.address);
  ev.hosts = all.slice(0, TLS_MAX_HOSTS);
  await Promise.all(
    ev.hosts.map(async (h) => {
      const r = await probeWithBudget(prober, h.address, ev.helo, signal);
      if ('probe' in r) h.probe = r.probe;
      else h.probeError = r.error;
    }),
  );
  return ev;
}

async function lookup(dns: Resolver, name: string, type: 'A' | 'AAAA', signal: AbortSignal) {
  const r = await dns.query(name, type, { signal });
  const addresses: string[] = [];
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === type) addresses.push(rec.data);
  return { kind: r.kind, ...(r.kind === 'error' ? { error: r.error } : {}), addresses };
}

export function judgeTls(ev: TlsEvidence): FindingResult[] {
  if (ev.skipped !== undefined) return [];
  const out: FindingResult[] = [];
  const heloError = ev.heloLookup?.find((l) => l.kind === 'error');
  if (ev.helo !== undefined && heloError && !ev.hosts.some((h) => h.sources.includes('helo'))) {
    out.push({
      key: 'helo-dns-error',
      data: { helo: ev.helo, error: heloError.error ?? 'error' },
      evidence: { helo: ev.helo, lookups: ev.heloLookup },
    });
  }
  for (const h of ev.hosts) {
    const hostEvidence = { address: h.address, sources: h.sources };
    if (!h.probe) {
      out.push({
        key: 'probe-incomplete',
        data: { address: h.address, port: 'smtp', stage: 'start', detail: h.probeError ?? 'no result' },
        evidence: hostEvidence,
      });
      continue;
    }
    const probe = summarizeProbe(h.probe);
    const issues = judgeSmtpTls(h.probe, {
      host: h.address,
      ...(ev.helo !== undefined ? { expectedName: ev.helo } : {}),
      checkedAt: ev.checkedAt,
    });
    for (const issue of issues)
      out.push({ key: issue.key, data: issue.data, evidence: { ...hostEvidence, probe } });
  }
  if (ev.helo === undefined && ev.hosts.some((h) => h.probe?.tls)) {
    out.push({ key: 'no-helo', data: {}, evidence: {} });
  }
  if (ev.hostsNotProbed.length > 0) {
    const probed = ev.hosts.length;
    out.push({
      key: 'too-many-hosts',
      data: { count: probed + ev.hostsNotProbed.length, probed, rest: ev.hostsNotProbed.join(', ') },
      evidence: { notProbed: ev.hostsNotProbed },
    });
  }
  return out;
}
