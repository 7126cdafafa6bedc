/** Pure judgement of the tls check: the sending hosts' STARTTLS and certificates (judge-tls.ts). */
import type { FindingResult } from '../../src/check.js';
import { judgeSmtpTls, summarizeProbe } from '../shared/smtp-tls-judge.js';
import type { TlsEvidence } from './collect.js';
import type { TlsFindingKey } from './findings.js';

export function judgeTls(ev: TlsEvidence): FindingResult<TlsFindingKey>[] {
  if (ev.skipped !== undefined) return [];
  const out: FindingResult<TlsFindingKey>[] = [];
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
