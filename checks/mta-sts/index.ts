/**
 * MTA-STS (RFC 8461) of the audited domain: the `_mta-sts` TXT record, the policy served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt, the MX hosts it allows and, in enforce
 * mode, whether every MX host passes TLS with a valid certificate. A domain that enforces
 * MTA-STS with a broken MX certificate loses inbound mail (bounces and replies included).
 *
 * These are inbound problems: they predict no reply to the domain's own outgoing mail, so no
 * finding raises a Condition.
 */
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import type { HttpsFetchResult } from '../../src/probe/https.js';
import type { SmtpProbeError, SmtpProbeResult } from '../../src/probe/smtp.js';
import type { DnsErrorKind, DnsResult } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import {
  isStsRecord,
  looksLikeStsRecord,
  matchingPatterns,
  type PolicyParse,
  parsePolicy,
  parseStsRecord,
  STS_MAX_AGE_WARN_BELOW,
  STS_POLICY_PATH,
} from './policy.js';

/** MX hosts matched and probed; a sender tries only a few, each probe is a connection. */
export const MTA_STS_MAX_MX_HOSTS = 10;
/** TXT strings kept per record in evidence (hostile zones may publish many). */
const MAX_TXT_RECORDS_KEPT = 20;
/** Max age suggested in fixes: one week, as RFC 8461 3.2 expects "weeks or greater". */
const SUGGESTED_MAX_AGE = 604_800;

export interface LookupOutcome {
  kind: DnsResult['kind'];
  error?: DnsErrorKind;
}

export interface MxTlsEvidence {
  host: string;
  /** false when SMTP probing is off (--no-smtp) or the policy does not call for it. */
  probed: boolean;
  connected?: boolean;
  address?: string;
  error?: SmtpProbeError;
  starttls?: { offered: boolean; ok: boolean; code?: number; text?: string };
  tls?: {
    protocol: string;
    authorized: boolean;
    authorizationError?: string;
    hostnameMatches: boolean;
    hostnameError?: string;
    leaf?: {
      subject: string;
      issuer: string;
      subjectAltNames: string[];
      notAfter: string;
      selfSigned: boolean;
    };
  };
}

export interface MtaStsEvidence {
  domain: string;
  txt: LookupOutcome & { name: string; records: string[]; cnameChain: string[] };
  tlsRpt: LookupOutcome & { name: string; present: boolean };
  policy:
    | { fetched: false; url: string; reason: string }
    | { fetched: true; url: string; result: HttpsFetchResult };
  mx: LookupOutcome & { hosts: string[]; nullMx: boolean; notChecked: number };
  /** Per MX host, when the policy asks for TLS (enforce or testing) and a TXT record exists. */
  mxTls: MxTlsEvidence[];
  smtpAvailable: boolean;
}

const NO_SMTP_REASON = 'SMTP probing is off (--no-smtp)';

const findings = {
  'no-record': {
    severity: 'info',
    title: 'No MTA-STS record (MTA-STS is optional)',
    message:
      '{domain} publishes no MTA-STS record at _mta-sts.{domain} ({answer}): senders that support MTA-STS may ' +
      'deliver to it without TLS when an attacker strips STARTTLS.',
    fix:
      'To protect inbound mail, serve this policy at https://mta-sts.{domain}/.well-known/mta-sts.txt ' +
      '(text/plain, valid certificate for mta-sts.{domain}):\n{policyText}\nthen publish ' +
      '"_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"" (change the id whenever the policy changes). ' +
      'Start with mode: testing, move to enforce once TLS reports are clean.',
  },
  'tls-rpt-without-mta-sts': {
    severity: 'info',
    title: 'TLS-RPT is published but MTA-STS is not',
    message:
      '{domain} publishes a TLS-RPT record ({tlsRptName}) but no MTA-STS record: reports will cover DANE only ' +
      '(if published) and senders do not enforce TLS through MTA-STS.',
    fix:
      'If you meant to deploy MTA-STS, serve the policy at https://mta-sts.{domain}/.well-known/mta-sts.txt:\n' +
      '{policyText}\nand publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"".',
  },
  'policy-without-record': {
    severity: 'warning',
    title: 'MTA-STS policy is served but the TXT record is missing',
    message:
      'https://mta-sts.{domain}/.well-known/mta-sts.txt serves a policy (mode {mode}), but _mta-sts.{domain} ' +
      'has no "v=STSv1" TXT record ({answer}): senders never fetch the policy, so it has no effect (RFC 8461 3.1).',
    fix: 'Publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"", or remove the policy if it is obsolete.',
  },
  'record-dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MTA-STS record (DNS error)',
    message: 'The TXT lookup of _mta-sts.{domain} failed: {error}. Whether MTA-STS is published is unknown.',
    fix: 'Check that the name servers of {domain} answer TXT queries for _mta-sts.{domain}, then run again.',
  },
  'multiple-records': {
    severity: 'error',
    title: 'Several MTA-STS records',
    message:
      '_mta-sts.{domain} has {count} TXT records beginning with "v=STSv1" ({records}): senders then treat the ' +
      'domain as having no MTA-STS policy (RFC 8461 3.1).',
    fix: 'Keep exactly one: "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"", and delete the others.',
  },
  'invalid-record': {
    severity: 'error',
    title: 'MTA-STS record is invalid',
    message:
      'The MTA-STS record "{record}" at _mta-sts.{domain} is invalid: {errors}. Senders ignore it, so the ' +
      'policy is not applied (RFC 8461 3.1).',
    fix: 'Publish "_mta-sts.{domain}. IN TXT \\"v=STSv1; id={id}\\"" (id: 1 to 32 letters and digits).',
  },
  'policy-not-checked': {
    severity: 'unknown',
    title: 'MTA-STS policy not fetched',
    message: 'The policy at {url} was not fetched: {reason}.',
    fix: 'Run the audit with HTTPS fetching available.',
  },
  'policy-fetch-unknown': {
    severity: 'unknown',
    title: 'Could not fetch the MTA-STS policy (timeout or DNS error)',
    message: 'Fetching {url} did not complete: {reason}. Whether senders can load the policy is unknown.',
    fix:
      'Check that mta-sts.{domain} resolves and that its HTTPS server answers quickly (senders give up after ' +
      'about a minute, RFC 8461 3.3), then run again.',
  },
  'policy-host-missing': {
    severity: 'error',
    title: 'The MTA-STS policy host does not exist',
    message:
      'The MTA-STS record promises a policy, but mta-sts.{domain} has no address ({reason}): senders cannot ' +
      'fetch the policy, so MTA-STS is not in effect.',
    fix:
      'Publish an address for mta-sts.{domain} (e.g. "mta-sts.{domain}. IN A <web server>" or a CNAME to your ' +
      'policy host) and serve https://mta-sts.{domain}/.well-known/mta-sts.txt, or remove _mta-sts.{domain}.',
  },
  'policy-fetch-failed': {
    severity: 'error',
    title: 'The MTA-STS policy could not be fetched',
    message: 'Fetching {url} failed: {reason}. Senders cannot load the policy, so MTA-STS is not in effect.',
    fix:
      'Serve the policy over HTTPS on port 443 at https://mta-sts.{domain}/.well-known/mta-sts.txt with a valid ' +
      'certificate for mta-sts.{domain}.',
  },
  'policy-cert-invalid': {
    severity: 'error',
    title: 'The MTA-STS policy host has an invalid certificate',
    message:
      'The certificate of https://mta-sts.{domain} is not valid: {reason}. Senders must refuse the policy ' +
      '(RFC 8461 3.3), so MTA-STS is not in effect.',
    fix:
      'Install a certificate for mta-sts.{domain} from a publicly trusted CA (the name must be in its ' +
      'subjectAltName), with the full chain, and renew it before it expires.',
  },
  'policy-redirect': {
    severity: 'error',
    title: 'The MTA-STS policy URL redirects',
    message:
      '{url} answers HTTP {status} to {location}: senders must not follow redirects (RFC 8461 3.3), so they ' +
      'cannot load the policy.',
    fix: 'Serve the policy directly at https://mta-sts.{domain}/.well-known/mta-sts.txt with status 200.',
  },
  'policy-http-status': {
    severity: 'error',
    title: 'The MTA-STS policy URL does not answer 200',
    message: '{url} answers HTTP {status}: senders treat the policy as unavailable.',
    fix: 'Serve the policy file at https://mta-sts.{domain}/.well-known/mta-sts.txt with status 200:\n{policyText}',
  },
  'policy-too-large': {
    severity: 'error',
    title: 'The MTA-STS policy is too large',
    message: '{url}: {reason}. Senders limit the policy size (64 KiB here), so they may refuse it.',
    fix: 'Serve a short policy (a few lines):\n{policyText}',
  },
  'policy-content-type': {
    severity: 'warning',
    title: 'The MTA-STS policy is not served as text/plain',
    message:
      '{url} is served as "{contentType}"; the policy media type is text/plain (RFC 8461 3.2), and some ' +
      'senders refuse other types.',
    fix: 'Configure the web server to send "Content-Type: text/plain" for /.well-known/mta-sts.txt.',
  },
  'policy-invalid': {
    severity: 'error',
    title: 'The MTA-STS policy is invalid',
    message:
      'The policy at {url} is invalid: {errors}. Senders discard an invalid policy (RFC 8461 3.2), so MTA-STS is ' +
      'not in effect.',
    fix: 'Serve a valid policy (one "key: value" per line):\n{policyText}',
  },
  'policy-syntax-warning': {
    severity: 'warning',
    title: 'The MTA-STS policy has questionable lines',
    message: 'The policy at {url} is accepted, but: {warnings}.',
    fix: 'Give each of version, mode and max_age once, and one "mx:" line per pattern.',
  },
  'mode-none': {
    severity: 'info',
    title: 'MTA-STS policy mode is none',
    message:
      'The policy of {domain} has mode none: MTA-STS is switched off (the way to withdraw a policy, RFC 8461 8.3).',
    fix: 'If MTA-STS should protect inbound mail, set "mode: testing" (then "enforce") and change the TXT id.',
  },
  'mode-testing': {
    severity: 'info',
    title: 'MTA-STS policy is in testing mode',
    message:
      'The policy of {domain} has mode testing: senders deliver even when TLS fails and only report it (TLS-RPT).',
    fix:
      'Once TLS reports show no failures, set "mode: enforce" in the policy and change the id in ' +
      '"_mta-sts.{domain}. IN TXT \\"v=STSv1; id=<new id>\\"".',
  },
  'max-age-short': {
    severity: 'warning',
    title: 'MTA-STS max_age is very short',
    message:
      'The policy of {domain} has max_age {maxAge} s (less than a day): senders cache it only briefly, which ' +
      'leaves room for downgrade attacks at refresh time; RFC 8461 3.2 expects weeks or more.',
    fix: 'Set "max_age: {suggestedMaxAge}" (one week) or longer once the policy is stable.',
  },
  'mx-dns-error': {
    severity: 'unknown',
    title: 'Could not look up the MX hosts (DNS error)',
    message:
      'The MX lookup of {domain} failed: {error}; the MX hosts could not be matched against the policy.',
    fix: 'Check that the name servers of {domain} answer MX queries, then run again.',
  },
  'mx-not-matched': {
    severity: 'error',
    title: 'An MX host is not allowed by the enforced MTA-STS policy',
    message:
      'MX host {host} of {domain} matches no "mx:" pattern of the policy ({patterns}); in enforce mode senders ' +
      'refuse to deliver to it, so mail routed there fails.',
    fix: 'Add "mx: {host}" to the policy (or fix the MX), then change the id of _mta-sts.{domain}.',
  },
  'mx-not-matched-testing': {
    severity: 'warning',
    title: 'An MX host is not allowed by the MTA-STS policy (testing)',
    message:
      'MX host {host} of {domain} matches no "mx:" pattern of the policy ({patterns}); senders report it as a ' +
      'failure now and would refuse it in enforce mode.',
    fix: 'Add "mx: {host}" to the policy (or fix the MX), then change the id of _mta-sts.{domain}.',
  },
  'mx-tls-failed': {
    severity: 'error',
    title: 'An MX host fails TLS under an enforced MTA-STS policy',
    message:
      'MX host {host} of {domain}: {reason}. With MTA-STS in enforce mode, senders refuse to deliver to it ' +
      '(RFC 8461 4.2), so mail to {domain} fails when routed there.',
    fix:
      'Offer STARTTLS on {host} with a certificate for {host} from a publicly trusted CA (full chain, not ' +
      'expired), or switch the policy to "mode: testing" until it does.',
  },
  'mx-tls-failed-testing': {
    severity: 'warning',
    title: 'An MX host fails TLS (MTA-STS testing)',
    message:
      'MX host {host} of {domain}: {reason}. The policy is in testing mode, so senders still deliver and report ' +
      'the failure; in enforce mode this MX would refuse mail.',
    fix: 'Offer STARTTLS on {host} with a certificate for {host} from a publicly trusted CA before enforcing.',
  },
  'mx-tls-unknown': {
    severity: 'unknown',
    title: 'Could not test TLS on an MX host',
    message:
      'MX host {host} of {domain} could not be probed: {reason}. Port 25 may be blocked from here; whether it ' +
      'passes MTA-STS is unknown.',
    fix: 'Run the audit from a network that allows outbound port 25, or check {host} with another tool.',
  },
  'mx-tls-not-checked': {
    severity: 'info',
    title: 'MX TLS not tested (SMTP probing off)',
    message:
      'SMTP probing is off, so the TLS of the MX hosts of {domain} ({hosts}) was not tested against the MTA-STS ' +
      'policy (mode {mode}).',
    fix: 'Run without --no-smtp to test STARTTLS and certificates of the MX hosts.',
  },
} satisfies Record<string, FindingSpec>;

export type MtaStsFindingKey = keyof typeof findings;

export const mtaStsCheck: Check<MtaStsEvidence> = {
  id: 'mta-sts',
  title: 'MTA-STS policy (inbound TLS enforcement)',
  appliesTo: ['domain'],
  findings,
  collect: collectMtaSts,
  judge: judgeMtaSts,
};

export function policyUrl(domain: string): string {
  return `https://mta-sts.${domain}${STS_POLICY_PATH}`;
}

function hostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function outcome(r: DnsResult): LookupOutcome {
  return r.kind === 'error' ? { kind: 'error', error: r.error } : { kind: r.kind };
}

function txtTexts(r: DnsResult): string[] {
  if (r.kind !== 'ok') return [];
  const out: string[] = [];
  for (const rec of r.records) if (rec.type === 'TXT') out.push(rec.data.join(''));
  return out;
}

async function collectMtaSts(target: Target, ctx: CollectContext): Promise<MtaStsEvidence> {
  const domain = hostName(target.domain);
  const { dns, https, smtp } = ctx.probe;
  const signal = ctx.signal;
  const url = policyUrl(domain);
  const txtName = `_mta-sts.${domain}`;
  const tlsRptName = `_smtp._tls.${domain}`;
  const [txt, tlsRpt, mx, fetched] = await Promise.all([
    dns.query(txtName, 'TXT', { signal }),
    dns.query(tlsRptName, 'TXT', { signal }),
    dns.query(domain, 'MX', { signal }),
    https ? https.fetch(url, { signal }) : Promise.resolve(undefined),
  ]);
  const records = txtTexts(txt);
  const hosts: string[] = [];
  let nullMx = false;
  if (mx.kind === 'ok') {
    const sorted = mx.records
      .flatMap((r) => (r.type === 'MX' ? [r.data] : []))
      .sort((a, b) => a.preference - b.preference);
    for (const r of sorted) {
      const h = hostName(r.exchange);
      if (h === '') nullMx = true;
      else if (!hosts.includes(h)) hosts.push(h);
    }
  }
  const ev: MtaStsEvidence = {
    domain,
    txt: {
      ...outcome(txt),
      name: txtName,
      records: records.slice(0, MAX_TXT_RECORDS_KEPT),
      cnameChain: [...txt.cnameChain],
    },
    tlsRpt: {
      ...outcome(tlsRpt),
      name: tlsRptName,
      present: txtTexts(tlsRpt).some((t) => /^v=TLSRPTv1(?:[ \t;]|$)/.test(t)),
    },
    policy: fetched
      ? { fetched: true, url, result: fetched }
      : { fetched: false, url, reason: 'no HTTPS fetcher in this probe' },
    mx: {
      ...outcome(mx),
      hosts: hosts.slice(0, MTA_STS_MAX_MX_HOSTS),
      nullMx,
      notChecked: Math.max(0, hosts.length - MTA_STS_MAX_MX_HOSTS),
    },
    mxTls: [],
    smtpAvailable: smtp !== undefined,
  };

  // TLS of the MX hosts matters only when senders would apply the policy.
  const parsed =
    ev.policy.fetched && ev.policy.result.ok ? parsePolicy(ev.policy.result.body ?? '') : undefined;
  const mode = parsed?.valid ? parsed.policy.mode : undefined;
  const txtCounts = records.some(isStsRecord) || txt.kind === 'error';
  if (txtCounts && (mode === 'enforce' || mode === 'testing')) {
    ev.mxTls = await Promise.all(
      ev.mx.hosts.map(async (host): Promise<MxTlsEvidence> => {
        if (!smtp) return { host, probed: false };
        return mxTlsEvidence(host, await smtp.probe(host, { signal, servername: host }));
      }),
    );
  }
  return ev;
}

function mxTlsEvidence(host: string, r: SmtpProbeResult): MxTlsEvidence {
  const ev: MxTlsEvidence = { host, probed: true, connected: r.connected };
  if (r.address !== undefined) ev.address = r.address;
  if (r.error) ev.error = r.error;
  if (r.starttls) ev.starttls = r.starttls;
  if (r.tls) {
    const leaf = r.tls.chain[0];
    ev.tls = {
      protocol: r.tls.protocol,
      authorized: r.tls.authorized,
      hostnameMatches: r.tls.hostnameMatches,
      ...(r.tls.authorizationError !== undefined ? { authorizationError: r.tls.authorizationError } : {}),
      ...(r.tls.hostnameError !== undefined ? { hostnameError: r.tls.hostnameError } : {}),
      ...(leaf
        ? {
            leaf: {
              subject: leaf.subject,
              issuer: leaf.issuer,
              subjectAltNames: leaf.subjectAltNames,
              notAfter: leaf.notAfter,
              selfSigned: leaf.selfSigned,
            },
          }
        : {}),
    };
  }
  return ev;
}

/** What MTA-STS senders conclude about one MX host's TLS (RFC 8461 4.2). */
export function mxTlsVerdict(e: MxTlsEvidence): { verdict: 'pass' | 'fail' | 'unknown'; reason: string } {
  if (!e.probed) return { verdict: 'unknown', reason: NO_SMTP_REASON };
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

// ---- judge ----------------------------------------------------------------------------------

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

function judgeMtaSts(ev: MtaStsEvidence): FindingResult[] {
  const out: FindingResult[] = [];
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
    const r = parseStsRecord(stsRecords[0]!);
    if (!r.ok) {
      found('invalid-record', { record: stsRecords[0]!, errors: r.errors.join('; ') }, { txt: ev.txt });
    } else recordValid = true;
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
  if (mediaType !== 'text/plain') {
    found('policy-content-type', { contentType: contentType ?? '(none)' }, { policy: fetchEvidence(f) });
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
