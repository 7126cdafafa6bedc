/**
 * Pure judgement of the mta-sts check (RFC 8461): the TXT record (3.1), the policy fetch (3.3)
 * and text (3.2), and, when senders apply the policy, its MX hosts (4.1) and their TLS (4.2).
 */
import type { FindingResult } from '../../src/check.js';
import type { HttpsFetchResult } from '../../src/probe/https.js';
import type { LookupOutcome } from '../shared/dns.js';
import { SMTP_OFF } from '../shared/smtp.js';
import type { MtaStsEvidence, MxTlsEvidence } from './collect.js';
import type { MtaStsFindingKey } from './findings.js';
import {
  isStsRecord,
  looksLikeStsRecord,
  matchingPatterns,
  type PolicyParse,
  parsePolicy,
  parseStsRecord,
  STS_MAX_AGE_WARN_BELOW,
} from './policy.js';

/** Max age suggested in fixes: one week, as RFC 8461 3.2 expects "weeks or greater". */
const SUGGESTED_MAX_AGE = 604_800;

/** What MTA-STS senders conclude about one MX host's TLS (RFC 8461 4.2). */
export function mxTlsVerdict(e: MxTlsEvidence): { verdict: 'pass' | 'fail' | 'unknown'; reason: string } {
  if (!e.probed) return { verdict: 'unknown', reason: SMTP_OFF };
  if (e.tls) {
    if (!e.tls.authorized) {
      const why = e.tls.authorizationError ?? 'untrusted';
      const self = e.tls.leaf?.selfSigned ? ' (self-signed)' : '';
      return { verdict: 'fail', reason: `its certificate does not verify: ${why}${self}` };
    }
    if (!e.tls.hostnameMatches) {
      const names = e.tls.leaf?.subjectAltNames.join(', ') || 'none';
      return {
        verdict: 'fail',
        reason: `its certificate is not valid for ${e.host} (names: ${names})`,
      };
    }
    return { verdict: 'pass', reason: `${e.tls.protocol}, certificate valid for ${e.host}` };
  }
  if (e.starttls && !e.starttls.offered) return { verdict: 'fail', reason: 'it does not offer STARTTLS' };
  if (e.starttls && !e.starttls.ok) {
    const reply = e.starttls.code !== undefined ? ` (${e.starttls.code} ${e.starttls.text ?? ''})` : '';
    return { verdict: 'fail', reason: `it refuses STARTTLS${reply.trimEnd()}` };
  }
  if (e.error?.kind === 'tls-handshake') {
    return { verdict: 'fail', reason: `the TLS handshake fails: ${e.error.detail}` };
  }
  const err = e.error;
  return {
    verdict: 'unknown',
    reason: err ? `${err.kind} at ${err.stage}: ${err.detail}` : 'the probe did not reach TLS',
  };
}

type Data = Record<string, string | number | boolean>;

function listText(items: readonly string[]): string {
  return items.map((s) => `"${s}"`).join(', ');
}

/** A stable id for the TXT record: from the policy text when there is one. */
function suggestedId(body: string | undefined): string {
  if (body === undefined) return '1';
  // FNV-1a, 32 bit: deterministic, so the same policy suggests the same id.
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    h ^= body.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `p${h.toString(16)}`;
}

function suggestedPolicy(mode: string, hosts: readonly string[], maxAge: number): string {
  const mxLines = hosts.length > 0 ? hosts.map((h) => `mx: ${h}`) : ['mx: <your MX host>'];
  return ['version: STSv1', `mode: ${mode}`, ...mxLines, `max_age: ${maxAge}`].join('\n');
}

function dnsAnswer(o: LookupOutcome): string {
  if (o.kind === 'error') return o.error ?? 'error';
  if (o.kind === 'ok') return 'no "v=STSv1" record among its TXT records';
  return o.kind.toUpperCase();
}

export function judgeMtaSts(ev: MtaStsEvidence): FindingResult<MtaStsFindingKey>[] {
  const out: FindingResult<MtaStsFindingKey>[] = [];
  const fetch = ev.policy.fetched ? ev.policy.result : undefined;
  const parsed: PolicyParse | undefined = fetch?.ok ? parsePolicy(fetch.body ?? '') : undefined;
  const mode = parsed?.valid ? parsed.policy.mode : undefined;
  const base: Data = {
    domain: ev.domain,
    url: ev.policy.url,
    id: suggestedId(fetch?.ok ? fetch.body : undefined),
    policyText: suggestedPolicy(mode ?? 'testing', ev.mx.hosts, parsed?.policy.maxAge ?? SUGGESTED_MAX_AGE),
  };
  const found = (key: MtaStsFindingKey, data: Data, evidence: Record<string, unknown>) => {
    out.push({ key, data: { ...base, ...data }, evidence: { domain: ev.domain, ...evidence } });
  };

  // 1. The TXT record (RFC 8461 3.1).
  const stsRecords = ev.txt.records.filter(isStsRecord);
  const lookalikes = ev.txt.records.filter(looksLikeStsRecord);
  let recordValid = false;
  if (ev.txt.kind === 'error') {
    found('record-dns-error', { error: ev.txt.error ?? 'error' }, { txt: ev.txt });
  } else if (stsRecords.length === 0) {
    const bad = lookalikes[0];
    if (bad !== undefined) {
      const r = parseStsRecord(bad);
      found('invalid-record', { record: bad, errors: r.ok ? '' : r.errors.join('; ') }, { txt: ev.txt });
    } else if (parsed?.valid) {
      found(
        'policy-without-record',
        { answer: dnsAnswer(ev.txt), mode: mode ?? '' },
        { txt: ev.txt, policy: fetchEvidence(fetch) },
      );
    } else if (ev.tlsRpt.present) {
      found('tls-rpt-without-mta-sts', { tlsRptName: ev.tlsRpt.name }, { txt: ev.txt, tlsRpt: ev.tlsRpt });
    } else {
      found('no-record', { answer: dnsAnswer(ev.txt) }, { txt: ev.txt });
    }
    // Without a record senders never look at the policy: nothing more to judge.
    return out;
  } else if (stsRecords.length > 1) {
    found('multiple-records', { count: stsRecords.length, records: listText(stsRecords) }, { txt: ev.txt });
  } else {
    const record = stsRecords[0]!;
    const r = parseStsRecord(record);
    if (!r.ok) {
      found('invalid-record', { record, errors: r.errors.join('; ') }, { txt: ev.txt });
    } else {
      recordValid = true;
      if (r.warnings) {
        const data = { record, warnings: r.warnings.join('; '), recordId: r.record.id };
        found('record-syntax-warning', data, { txt: ev.txt });
      }
    }
  }

  // 2. The policy fetch (RFC 8461 3.3).
  if (!ev.policy.fetched) {
    found('policy-not-checked', { reason: ev.policy.reason }, {});
    return out;
  }
  const f = ev.policy.result;
  if (!f.ok) {
    judgeFetchError(f, found);
    return out;
  }
  const contentType = f.headers.contentType;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  // Senders SHOULD check for text/plain (RFC 8461 3.3): a declared other type makes them
  // ignore the policy. Without the header there is no declared type: only a warning.
  if (mediaType !== 'text/plain') {
    found(
      mediaType ? 'policy-content-type-ignored' : 'policy-content-type',
      { contentType: contentType ?? '(none)' },
      { policy: fetchEvidence(f) },
    );
  }

  // 3. The policy text (RFC 8461 3.2).
  if (!parsed) return out;
  if (!parsed.valid) {
    found(
      'policy-invalid',
      { errors: parsed.errors.join('; ') },
      { policy: fetchEvidence(f), parse: parsed },
    );
    return out;
  }
  if (parsed.warnings.length > 0) {
    found('policy-syntax-warning', { warnings: parsed.warnings.join('; ') }, { parse: parsed });
  }
  const policy = parsed.policy;
  if (policy.mode === 'none') {
    found('mode-none', {}, { policy: policy });
    return out;
  }
  if (policy.mode === 'testing') found('mode-testing', {}, { policy });
  if (policy.maxAge !== undefined && policy.maxAge < STS_MAX_AGE_WARN_BELOW) {
    found('max-age-short', { maxAge: policy.maxAge, suggestedMaxAge: SUGGESTED_MAX_AGE }, { policy });
  }

  // 4. MX hosts against the policy (RFC 8461 4.1) and their TLS (4.2), only when senders apply it.
  if (!recordValid && ev.txt.kind !== 'error') return out;
  const enforce = policy.mode === 'enforce';
  if (ev.mx.kind === 'error') {
    found('mx-dns-error', { error: ev.mx.error ?? 'error' }, { mx: ev.mx });
  }
  for (const host of ev.mx.hosts) {
    if (matchingPatterns(policy.mx, host).length > 0) continue;
    found(
      enforce ? 'mx-not-matched' : 'mx-not-matched-testing',
      { host, patterns: policy.mx.join(', ') },
      { host, patterns: policy.mx, mx: ev.mx.hosts },
    );
  }
  const notProbed = ev.mxTls.filter((e) => !e.probed);
  if (notProbed.length > 0) {
    found(
      'mx-tls-not-checked',
      { hosts: notProbed.map((e) => e.host).join(', '), mode: policy.mode ?? '' },
      { smtpAvailable: ev.smtpAvailable },
    );
  }
  for (const e of ev.mxTls) {
    if (!e.probed) continue;
    const v = mxTlsVerdict(e);
    if (v.verdict === 'pass') continue;
    const key =
      v.verdict === 'unknown' ? 'mx-tls-unknown' : enforce ? 'mx-tls-failed' : 'mx-tls-failed-testing';
    found(key, { host: e.host, reason: v.reason }, { mxTls: e });
  }
  return out;
}

function fetchEvidence(f: HttpsFetchResult | undefined): Record<string, unknown> | undefined {
  if (!f) return undefined;
  const { body, ...rest } = f;
  return body === undefined ? rest : { ...rest, bodyBytes: Buffer.byteLength(body) };
}

function judgeFetchError(
  f: HttpsFetchResult,
  found: (key: MtaStsFindingKey, data: Data, evidence: Record<string, unknown>) => void,
): void {
  const err = f.error;
  const evidence = { policy: fetchEvidence(f) };
  const reason = err ? err.detail : 'no answer';
  switch (err?.kind) {
    case 'dns':
      if (err.dns === 'nxdomain' || err.dns === 'nodata') found('policy-host-missing', { reason }, evidence);
      else found('policy-fetch-unknown', { reason }, evidence);
      return;
    case 'timeout':
      found('policy-fetch-unknown', { reason }, evidence);
      return;
    case 'connect':
      // A refused connection is an answer; an unreachable network may be ours.
      if (err.code === 'ECONNREFUSED') found('policy-fetch-failed', { reason }, evidence);
      else found('policy-fetch-unknown', { reason }, evidence);
      return;
    case 'cert-invalid':
      found('policy-cert-invalid', { reason: certReason(f) }, evidence);
      return;
    case 'redirect':
      found('policy-redirect', { status: f.status ?? 0, location: f.headers.location ?? '(none)' }, evidence);
      return;
    case 'http-status':
      found('policy-http-status', { status: f.status ?? 0 }, evidence);
      return;
    case 'too-large':
      found('policy-too-large', { reason }, evidence);
      return;
    default:
      found('policy-fetch-failed', { reason }, evidence);
  }
}

function certReason(f: HttpsFetchResult): string {
  const code = f.error?.code;
  const names = f.tls?.cert?.subjectAltNames;
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `it is not valid for ${new URL(f.url).hostname} (names: ${names?.join(', ') || 'none'})`;
    case 'CERT_HAS_EXPIRED':
      return 'it has expired';
    case 'CERT_NOT_YET_VALID':
      return 'it is not valid yet';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `it is self-signed (${code})`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `its issuer is not trusted or the chain is incomplete (${code})`;
    default:
      return f.error?.detail ?? 'verification failed';
  }
}
