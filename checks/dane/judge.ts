/**
 * Pure judgement of the dane check: which MX hosts publish TLSA, whether the records are usable
 * and validated, and whether the chain each host presented matches them (tlsa.ts).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { FindingResult } from '../../src/check.js';
import type { CertInfo, SmtpProbeError } from '../../src/probe/smtp.js';
import { tlsaName } from '../shared/tlsa.js';
import type { DaneEvidence, DaneHostEvidence } from './collect.js';
import type { DaneFindingKey } from './findings.js';
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

export function judgeDane(ev: DaneEvidence): FindingResult<DaneFindingKey>[] {
  const out: FindingResult<DaneFindingKey>[] = [];
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
