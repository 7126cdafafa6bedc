/**
 * SMTP TLS Reporting (RFC 8460): `_smtp._tls.<domain>` TXT tells senders where to report TLS
 * failures when they deliver to the domain. Optional on its own, but a domain that publishes
 * MTA-STS or DANE should publish it: without reports, a broken certificate or policy silently
 * costs inbound mail (RFC 8461 and RFC 7672 both point at it).
 */
import type { Check, CollectContext, FindingResult, FindingSpec } from '../../src/check.js';
import type { Target } from '../../src/report.js';
import { hostName, mxHostsFor, type Outcome, outcomeOf, tlsaFor } from '../dane/hosts.js';
import { isTlsRptRecord, looksLikeTlsRpt, parseTlsRpt, TLSRPT_PREFIX } from './record.js';

/** MTA-STS policy indicator record: `_mta-sts.<domain>` TXT starting "v=STSv1". RFC 8461 3.1 */
export const MTA_STS_PREFIX = '_mta-sts';
const MTA_STS_VERSION = /^v=STSv1[ \t]*(?:;|$)/;

export interface TlsRptEvidence {
  domain: string;
  /** `_smtp._tls.<domain>` */
  name: string;
  txt: Outcome & { records: string[]; cnameChain: string[] };
  /** Whether MTA-STS or DANE is published: only asked when no TLS-RPT record is found. */
  related?: {
    mtaSts: Outcome & { published: boolean };
    dane: {
      mx: Outcome;
      tlsa: (Outcome & { host: string; published: boolean })[];
      published: boolean;
    };
  };
}

const fixRecord = '_smtp._tls.{domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}"';

const findings = {
  missing: {
    severity: 'info',
    title: 'No TLS-RPT record (optional)',
    message:
      '{name} has no TLS-RPT record, so senders do not report TLS failures when delivering to {domain} ' +
      '(RFC 8460). Optional while the domain publishes neither MTA-STS nor DANE.',
    fix: `To receive TLS failure reports, publish ${fixRecord} (a mailto: or https: address you read).`,
  },
  recommended: {
    severity: 'warning',
    title: 'TLS-RPT record missing while {published} is published',
    message:
      '{domain} publishes {published} but no TLS-RPT record at {name}: when a certificate or policy breaks, ' +
      'senders defer or bounce mail to {domain} and nobody is told (RFC 8460, RFC 8461 and RFC 7672 ' +
      'recommend reporting).',
    fix: `Publish ${fixRecord} (a mailto: or https: address you read).`,
  },
  'multiple-records': {
    severity: 'error',
    title: 'More than one TLS-RPT record',
    message:
      '{name} has {count} records starting with "v=TLSRPTv1": with more than one, senders treat the domain ' +
      'as not publishing TLS-RPT at all (RFC 8460 3). Records: {records}',
    fix: `Keep exactly one record: merge the report addresses into one rua list, e.g. ${fixRecord}.`,
  },
  'invalid-record': {
    severity: 'error',
    title: 'TLS-RPT record is not valid',
    message: 'The TLS-RPT record "{record}" at {name} cannot be used by senders: {problems}.',
    fix: `Publish it in the RFC 8460 3 syntax: ${fixRecord}.`,
  },
  'no-valid-rua': {
    severity: 'error',
    title: 'TLS-RPT record has no usable report address',
    message:
      'None of the report URIs of "{record}" at {name} can be used: {problems}. Only mailto: and https: ' +
      'are defined (RFC 8460 3).',
    fix: `Use a mailto: or https: URI: ${fixRecord}.`,
  },
  'invalid-rua': {
    severity: 'warning',
    title: 'A TLS-RPT report URI is not usable',
    message:
      'The report URI "{uri}" in the TLS-RPT record at {name} {problem}; senders skip it and report to the ' +
      'other URIs.',
    fix: 'Remove "{uri}" from the rua list or replace it with a mailto: or https: URI.',
  },
  'ignored-record': {
    severity: 'warning',
    title: 'A TXT record looks like TLS-RPT but senders ignore it',
    message:
      '"{record}" at {name} does not start exactly with "v=TLSRPTv1;" (case-sensitive, no leading space), so ' +
      'senders discard it (RFC 8460 3).',
    fix: `Rewrite it as ${fixRecord}.`,
  },
  'dns-error': {
    severity: 'unknown',
    title: 'Could not look up the TLS-RPT record (DNS error)',
    message: 'The TXT lookup of {name} failed ({error}): whether {domain} publishes TLS-RPT is unknown.',
    fix:
      'Check that the name servers of {domain} answer TXT queries for {name} (a SERVFAIL often means broken ' +
      'DNSSEC), then run again.',
  },
} satisfies Record<string, FindingSpec>;

export type TlsRptFindingKey = keyof typeof findings;

export const tlsRptCheck: Check<TlsRptEvidence> = {
  id: 'tls-rpt',
  title: 'SMTP TLS Reporting (TLS-RPT)',
  appliesTo: ['domain'],
  findings,
  collect: collectTlsRpt,
  judge: judgeTlsRpt,
};

async function collectTlsRpt(target: Target, ctx: CollectContext): Promise<TlsRptEvidence> {
  const { dns } = ctx.probe;
  const { signal } = ctx;
  const domain = hostName(target.domain);
  const name = `${TLSRPT_PREFIX}.${domain}`;
  const r = await dns.query(name, 'TXT', { signal });
  const records: string[] = [];
  // RFC 8460 3: the strings of one TXT record are concatenated.
  if (r.kind === 'ok') for (const rec of r.records) if (rec.type === 'TXT') records.push(rec.data.join(''));
  const ev: TlsRptEvidence = {
    domain,
    name,
    txt: { ...outcomeOf(r), records, cnameChain: [...r.cnameChain] },
  };
  if (r.kind === 'error' || records.some(isTlsRptRecord)) return ev;

  // No record: is it recommended? Ask what the mta-sts and dane checks ask (the cache shares it).
  const [sts, mx] = await Promise.all([
    dns.query(`${MTA_STS_PREFIX}.${domain}`, 'TXT', { signal }),
    mxHostsFor(domain, dns, signal),
  ]);
  const tlsa = await Promise.all(
    mx.hosts.map(async (h) => {
      const t = await tlsaFor(h.host, dns, signal);
      const { name: _n, records: recs, cnameChain: _c, ...outcome } = t;
      return { host: h.host, ...outcome, published: recs.length > 0 };
    }),
  );
  const stsPublished =
    sts.kind === 'ok' &&
    sts.records.some((rec) => rec.type === 'TXT' && MTA_STS_VERSION.test(rec.data.join('')));
  const { hosts: _h, implicit: _i, nullMx: _n, notChecked: _nc, ...mxOutcome } = mx;
  ev.related = {
    mtaSts: { ...outcomeOf(sts), published: stsPublished },
    dane: { mx: mxOutcome, tlsa, published: tlsa.some((t) => t.published) },
  };
  return ev;
}

type Data = Record<string, string | number | boolean>;

function judgeTlsRpt(ev: TlsRptEvidence): FindingResult[] {
  const out: FindingResult[] = [];
  const base = { domain: ev.domain, name: ev.name };
  const found = (key: TlsRptFindingKey, data: Data, evidence: Record<string, unknown>) =>
    out.push({ key, data: { ...base, ...data }, evidence: { name: ev.name, ...evidence } });

  if (ev.txt.kind === 'error') {
    found('dns-error', { error: ev.txt.error ?? 'error' }, { txt: ev.txt });
    return out;
  }
  for (const text of ev.txt.records.filter(looksLikeTlsRpt))
    found('ignored-record', { record: text }, { record: text });
  const selected = ev.txt.records.filter(isTlsRptRecord);
  if (selected.length > 1) {
    found(
      'multiple-records',
      { count: selected.length, records: selected.map((s) => `"${s}"`).join(', ') },
      { records: selected },
    );
    return out;
  }
  const text = selected[0];
  if (text === undefined) {
    const published = [
      ev.related?.mtaSts.published ? 'MTA-STS' : undefined,
      ev.related?.dane.published ? 'DANE' : undefined,
    ].filter((p): p is string => p !== undefined);
    if (published.length > 0)
      found('recommended', { published: published.join(' and ') }, { related: ev.related });
    else found('missing', {}, { txt: ev.txt, related: ev.related });
    return out;
  }
  const record = parseTlsRpt(text);
  if (record.errors.length > 0) {
    found(
      'invalid-record',
      { record: text, problems: record.errors.join('; ') },
      { record: text, errors: record.errors },
    );
    return out;
  }
  const bad = record.rua.filter((u) => !u.valid);
  if (bad.length === record.rua.length) {
    found(
      'no-valid-rua',
      { record: text, problems: bad.map((u) => `"${u.uri}" ${u.problem ?? 'is not valid'}`).join('; ') },
      { record: text, rua: record.rua },
    );
    return out;
  }
  for (const u of bad)
    found('invalid-rua', { uri: u.uri, problem: u.problem ?? 'is not valid' }, { record: text, uri: u });
  return out;
}
