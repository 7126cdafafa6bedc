/** Pure judgement of the mx-tls check: the MX hosts' STARTTLS and certificates (checks/tls/judge-tls.ts). */
import type { FindingResult } from '../../src/check.js';
import { judgeSmtpTls, summarizeProbe } from '../shared/smtp-tls-judge.js';
import type { MxTlsEvidence } from './collect.js';
import type { MxTlsFindingKey } from './findings.js';

export function judgeMxTls(ev: MxTlsEvidence): FindingResult<MxTlsFindingKey>[] {
  if (ev.skipped !== undefined || !ev.mx) return [];
  const out: FindingResult<MxTlsFindingKey>[] = [];
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
