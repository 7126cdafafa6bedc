/**
 * DANE for SMTP (RFC 7672): TLSA records at `_25._tcp.<mx>` pin the certificate (or its issuer)
 * each MX host serves. Senders that do DANE (Postfix, Exim, many providers) then require TLS
 * with a matching certificate, and refuse to deliver to a host whose certificate matches none
 * of its usable records: a certificate renewed without updating TLSA loses inbound mail.
 *
 * What is measured: the TLSA RRset of every MX host (bounded), whether the resolver validated
 * it (the AD flag; this tool does not validate DNSSEC itself, so with a non-validating
 * resolver it says so instead of guessing), which records are usable, and whether a usable
 * record matches the chain the host presented to the SMTP probe (see tlsa.ts for the matching
 * rules and their limits). Not measured: the DNSSEC status of the MX and address records
 * (RFC 7672 2.2.1-2.2.2), TLSA base domains reached through CNAMEs (2.2.3).
 *
 * The chain matched is the one the SMTP probe recorded (src/probe/smtp.ts): node's verifier
 * may complete it from the probe's trust store (system CAs or --ca-file), so a DANE-TA
 * certificate the server omitted but the store holds counts as presented here, while a DANE
 * sender (which ignores the store) would not find it.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import type { CertInfo, SmtpProbeError, SmtpProbeResult } from '../../src/probe/smtp.js';
import type { Target } from '../../src/report.js';
import { hostName, type MxHosts, mxHostsFor, type TlsaLookup, tlsaFor, tlsaName } from './hosts.js';
import { formatTlsa, matchTlsa, type RecordVerdict } from './tlsa.js';

/**
 * Probe errors that a DANE sender would hit too: STARTTLS refused or the handshake failing.
 * Anything else (refused connection, timeouts, a dropped or garbled dialogue) is "could not
 * measure": port 25 is often blocked from where the audit runs.
 */
function isTlsFailure(err: SmtpProbeError): boolean {
  return (
    (err.kind === 'tls-handshake' || err.kind === 'rejected') &&
    (err.stage === 'starttls' || err.stage === 'tls')
  );
}

export interface DaneSmtpEvidence {
  /** 'skipped' when the run has no SMTP probe (--no-smtp). */
  status: 'probed' | 'skipped';
  port?: number;
  address?: string;
  connected?: boolean;
  error?: SmtpProbeError;
  starttlsOffered?: boolean;
  protocol?: string;
  /** As presented (leaf first); see src/probe/smtp.ts. */
  chain?: CertInfo[];
}

export interface DaneHostEvidence {
  host: string;
  preference: number;
  tlsa: TlsaLookup;
  /** Probed only when the host has TLSA records. */
  smtp?: DaneSmtpEvidence;
}

export interface DaneEvidence {
  domain: string;
  /** Validity dates of certificates are judged at this time. */
  measuredAt: string;
  mx: Omit<MxHosts, 'hosts'>;
  hosts: DaneHostEvidence[];
}

const findings = {
  'not-published': {
    severity: 'info',
    title: 'No DANE (TLSA) records for the MX hosts (optional)',
    message:
      'None of the MX hosts of {domain} ({hosts}) publishes a TLSA record at _25._tcp.<host>: senders use ' +
      'opportunistic TLS without authenticating the certificate. DANE is optional and needs a DNSSEC-signed zone.',
    fix:
      'Optional: with DNSSEC-signed zones, publish for each MX host a record matching its certificate, ' +
      'e.g. "_25._tcp.<mx-host>. IN TLSA 3 1 1 <SHA-256 of the certificate public key>", and monitor it.',
  },
  'partially-published': {
    severity: 'warning',
    title: 'Some MX hosts have TLSA records, others do not',
    message:
      '{domain}: {withTlsa} publish TLSA records but {withoutTlsa} do not; a sender that reaches a host without ' +
      'TLSA delivers over unauthenticated TLS, so DANE protects only part of the mail.',
    fix: 'Publish TLSA records for every MX host ({withoutTlsa}), e.g. "_25._tcp.<host>. IN TLSA 3 1 1 <hash>".',
  },
  'not-validated': {
    severity: 'unknown',
    title: 'TLSA answer not DNSSEC-validated (AD bit not set)',
    message:
      'The TLSA answer for {name} came without the AD bit: either the zone is not DNSSEC-signed (then ' +
      'senders ignore these TLSA records) or the resolver used does not validate DNSSEC. Which one is not ' +
      'known from here.',
    fix:
      'Rerun with a validating resolver (--resolver). If {host} is in an unsigned zone, sign the zone ' +
      '(DNSSEC) or remove the TLSA records, which have no effect without it.',
  },
  'unusable-usage': {
    severity: 'warning',
    title: 'TLSA record with a usage SMTP senders do not use',
    message: '"{record}" at {name}: {problem}. Senders skip it{allUnusable}.',
    fix:
      'Replace it with a DANE-EE record for the host certificate, "{name}. IN TLSA 3 1 1 <SHA-256 of its ' +
      'public key>", or a DANE-TA (2 x x) record for its issuing CA.',
  },
  'malformed-tlsa': {
    severity: 'warning',
    title: 'Malformed TLSA record',
    message: '"{record}" at {name}: {problem}. Senders skip it{allUnusable}.',
    fix:
      'Publish the record with a defined selector (0 or 1), matching type (0, 1 or 2) and data of the right ' +
      'length (SHA-256: 32 bytes, 64 hex digits; SHA-512: 64 bytes), e.g. "{name}. IN TLSA 3 1 1 <64 hex digits>".',
  },
  'no-match': {
    severity: 'error',
    title: 'MX certificate matches none of its TLSA records',
    message:
      'The certificate {host} presented matches none of its {usable} usable TLSA record(s) ({details}). ' +
      'Senders that do DANE refuse to deliver to {host} (RFC 7672 2.2); if no MX host matches, mail to ' +
      '{domain} fails. The TLSA answer was {validation}.',
    fix:
      'Publish a record for the certificate {host} serves now, "{name}. IN TLSA {suggested}" (computed from ' +
      'the certificate it presented), next to the old one until caches expire; or reinstall the certificate ' +
      'the records describe. Update TLSA before every certificate or key change.',
  },
  'no-starttls': {
    severity: 'error',
    title: 'MX host with TLSA records does not offer STARTTLS',
    message:
      '{host} publishes TLSA records but does not offer STARTTLS: senders that do DANE require TLS and will ' +
      'not deliver to it (RFC 7672 2.2).',
    fix: 'Enable STARTTLS on {host} with a certificate matching {name}, or remove the TLSA records.',
  },
  'tls-failed': {
    severity: 'error',
    title: 'TLS fails on an MX host with TLSA records',
    message:
      '{host} publishes TLSA records but its STARTTLS/TLS handshake failed ({error}): senders that do DANE ' +
      'require TLS and will not deliver to it (RFC 7672 2.2).',
    fix: 'Fix the TLS setup of {host} (certificate, key, protocol versions), or remove the TLSA records.',
  },
  'match-unknown': {
    severity: 'unknown',
    title: 'Could not check the MX certificate against its TLSA records',
    message:
      '{host} publishes TLSA records, but its certificate could not be fetched: {error}. Whether it matches ' +
      'is unknown (port 25 may be blocked from here).',
    fix: 'Run the audit from a network that allows outbound port 25 to check the certificate against TLSA.',
  },
  'match-not-checked': {
    severity: 'info',
    title: 'MX certificate not checked against TLSA (SMTP probing off)',
    message:
      '{host} publishes TLSA records; SMTP probing is off, so its certificate was not compared with them.',
    fix: 'Run without --no-smtp to compare the certificate {host} serves with its TLSA records.',
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up DANE records (DNS error)',
    message: 'The {rrtype} lookup of {name} failed ({error}). {note}',
    fix:
      'Check that the name servers answer {rrtype} queries for {name}; a SERVFAIL often means broken DNSSEC ' +
      '(expired signatures, a DS without matching DNSKEY).',
  },
} satisfies Record<string, FindingSpec>;

export type DaneFindingKey = keyof typeof findings;

export const daneCheck: Check<DaneEvidence> = {
  id: 'dane',
  title: 'DANE: TLSA records of the MX hosts',
  appliesTo: ['domain'],
  findings,
  collect: collectDane,
  judge: judgeDane,
};

function smtpEvidence(r: SmtpProbeResult): DaneSmtpEvidence {
  const e: DaneSmtpEvidence = { status: 'probed', port: r.port, connected: r.connected };
  if (r.address !== undefined) e.address = r.address;
  if (r.error) e.error = r.error;
  if (r.starttls) e.starttlsOffered = r.starttls.offered;
  else if (r.ehlo) e.starttlsOffered = r.ehlo.capabilities.starttls;
  if (r.tls) {
    e.protocol = r.tls.protocol;
    e.chain = r.tls.chain;
  }
  return e;
}

async function collectDane(target: Target, ctx: CollectContext): Promise<DaneEvidence> {
  const { dns, smtp } = ctx.probe;
  const { signal } = ctx;
  const domain = hostName(target.domain);
  const measuredAt = new Date().toISOString();
  const { hosts, ...mx } = await mxHostsFor(domain, dns, signal);
  const out: DaneEvidence = { domain, measuredAt, mx, hosts: [] };
  out.hosts = await Promise.all(
    hosts.map(async (h): Promise<DaneHostEvidence> => {
      const tlsa = await tlsaFor(h.host, dns, signal);
      const ev: DaneHostEvidence = { host: h.host, preference: h.preference, tlsa };
      if (tlsa.records.length === 0) return ev;
      ev.smtp = smtp ? smtpEvidence(await smtp.probe(h.host, { signal })) : { status: 'skipped' };
      return ev;
    }),
  );
  return out;
}

type Data = Record<string, string | number | boolean>;

function certFromBase64(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

/** A record that would match the chain: 3 1 1 of the leaf (what most DANE operators publish). */
function suggestedRecord(chain: CertInfo[]): string {
  const leaf = chain[0];
  if (!leaf) return '3 1 1 <SHA-256 of the certificate public key>';
  try {
    const spki = new X509Certificate(certFromBase64(leaf.derBase64)).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    return `3 1 1 ${createHash('sha256').update(spki).digest('hex')}`;
  } catch {
    return '3 1 1 <SHA-256 of the certificate public key>';
  }
}

function verdictText(v: RecordVerdict): string {
  const o = v.outcome;
  return `"${formatTlsa(v.record)}" ${o.kind === 'no-match' ? o.detail : o.kind}`;
}

function judgeDane(ev: DaneEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  const found = (key: DaneFindingKey, data: Data, evidence: Record<string, unknown>) =>
    out.push({ key, data: { domain: ev.domain, ...data }, evidence });

  if (ev.mx.kind === 'error') {
    found(
      'dns-error',
      {
        rrtype: 'MX',
        name: ev.domain,
        error: ev.mx.error ?? 'error',
        note: 'The MX hosts, and so their TLSA records, are unknown.',
      },
      { mx: ev.mx },
    );
    return out;
  }
  if (ev.hosts.length === 0) return out; // NXDOMAIN or null MX: the mx check reports it

  const withTlsa: DaneHostEvidence[] = [];
  const without: DaneHostEvidence[] = [];
  for (const h of ev.hosts) {
    if (h.tlsa.kind === 'error') {
      found(
        'dns-error',
        {
          rrtype: 'TLSA',
          name: h.tlsa.name,
          host: h.host,
          error: h.tlsa.error ?? 'error',
          note:
            'If the zone of ' +
            h.host +
            ' is DNSSEC-signed, senders that do DANE treat this as a temporary failure and defer mail to this ' +
            'MX host until the lookup works (RFC 7672 2.2.1).',
        },
        { host: h.host, tlsa: h.tlsa },
      );
    } else if (h.tlsa.records.length > 0) withTlsa.push(h);
    else without.push(h);
  }
  if (withTlsa.length === 0) {
    if (without.length === ev.hosts.length) {
      found(
        'not-published',
        { hosts: without.map((h) => h.host).join(', ') },
        { hosts: ev.hosts.map((h) => h.tlsa) },
      );
    }
    return out;
  }
  if (without.length > 0) {
    found(
      'partially-published',
      {
        withTlsa: withTlsa.map((h) => h.host).join(', '),
        withoutTlsa: without.map((h) => h.host).join(', '),
      },
      { with: withTlsa.map((h) => h.tlsa), without: without.map((h) => h.tlsa) },
    );
  }
  for (const h of withTlsa) judgeHost(ev, h, found);
  return out;
}

function judgeHost(
  ev: DaneEvidence,
  h: DaneHostEvidence,
  found: (key: DaneFindingKey, data: Data, evidence: Record<string, unknown>) => void,
): void {
  const base = { host: h.host, name: tlsaName(h.host) };
  const validated = h.tlsa.ad === true;
  if (!validated) found('not-validated', base, { tlsa: h.tlsa });

  const chain = h.smtp?.chain ?? [];
  const result = matchTlsa(
    h.tlsa.records,
    chain.map((c) => certFromBase64(c.derBase64)),
    { names: [h.host, ev.domain], now: new Date(ev.measuredAt) },
  );
  const allUnusable =
    result.usableCount === 0
      ? '; no record of this host is usable, so senders require TLS but do not authenticate it (RFC 7672 2.2)'
      : '';
  for (const v of result.verdicts) {
    if (v.outcome.kind !== 'unusable') continue;
    const key: DaneFindingKey =
      v.outcome.reason === 'pkix-usage' || v.outcome.reason === 'unknown-usage'
        ? 'unusable-usage'
        : 'malformed-tlsa';
    found(
      key,
      { ...base, record: formatTlsa(v.record), problem: v.outcome.detail, allUnusable },
      { record: v.record },
    );
  }

  const smtp = h.smtp;
  if (!smtp || smtp.status === 'skipped') {
    found('match-not-checked', base, { tlsa: h.tlsa });
    return;
  }
  const err = smtp.error;
  if (smtp.starttlsOffered === false) {
    found('no-starttls', base, { smtp });
    return;
  }
  if (smtp.chain === undefined || smtp.chain.length === 0) {
    if (err && isTlsFailure(err)) {
      found('tls-failed', { ...base, error: `${err.kind}: ${err.detail}` }, { smtp });
    } else {
      const error = err ? `${err.kind} at ${err.stage}: ${err.detail}` : 'no certificate was recorded';
      found('match-unknown', { ...base, error }, { smtp });
    }
    return;
  }
  if (result.matched || result.usableCount === 0) return;
  found(
    'no-match',
    {
      ...base,
      usable: result.usableCount,
      details: result.verdicts
        .filter((v) => v.outcome.kind !== 'unusable')
        .map(verdictText)
        .join('; '),
      validation: validated
        ? 'DNSSEC-validated'
        : 'not DNSSEC-validated here (this matters only if the zone is signed)',
      suggested: suggestedRecord(chain),
    },
    {
      tlsa: h.tlsa,
      verdicts: result.verdicts,
      chain: chain.map((c) => ({
        subject: c.subject,
        issuer: c.issuer,
        fingerprintSha256: c.fingerprintSha256,
      })),
      chainErrors: result.chainErrors,
    },
  );
}
