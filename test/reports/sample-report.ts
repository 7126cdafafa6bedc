/** A well-formed literal report for renderer and schema tests. */

import { predictReplies, summarizeReplies } from '../../src/replies/index.js';
import type { Report } from '../../src/report.js';
import { SCHEMA_VERSION } from '../../src/report.js';

export const HOSTILE_TXT = 'v=spf1 \x1b]0;pwned\x07\x1b[2J\x1b[31mred\r\nFAKE LINE\u202eevil \x9b31m -all';

export function sampleReport(): Report {
  const spfFinding = {
    id: 'spf/too-many-lookups',
    severity: 'error' as const,
    title: 'SPF needs more than 10 DNS lookups',
    message: '12 DNS-querying terms via include:a.example, include:b.example',
    evidence: { record: 'v=spf1 include:a.example include:b.example -all', lookups: 12 },
    remediation: 'Flatten includes so that at most 10 DNS-querying terms remain.',
    predictedReplies: predictReplies(['spf-cannot-pass'], 'bulk'),
  };
  const hostileFinding = {
    id: 'spf/suspicious-all',
    severity: 'warning' as const,
    title: 'SPF record ends in a suspicious all',
    message: `Record: ${HOSTILE_TXT}`,
    evidence: { record: HOSTILE_TXT, nested: { answers: [HOSTILE_TXT] } },
    remediation: 'Publish:\n  example.com. TXT "v=spf1 -all"',
    predictedReplies: predictReplies(['spf-suspicious'], 'bulk'),
  };
  const dmarcFinding = {
    id: 'dmarc/missing',
    severity: 'error' as const,
    title: 'No DMARC record',
    message: 'No TXT record at _dmarc.example.com',
    evidence: { query: '_dmarc.example.com', answer: 'nxdomain' },
    remediation: 'Publish TXT _dmarc.example.com "v=DMARC1; p=none"',
    predictedReplies: predictReplies(['dmarc-missing'], 'bulk'),
  };
  const ptrUnknown = {
    id: 'ptr/timeout',
    severity: 'unknown' as const,
    title: 'PTR lookup timed out',
    message: 'No answer for 1.2.0.192.in-addr.arpa',
    evidence: { ip: '192.0.2.1', error: 'timeout' },
    remediation: 'Retry; check the resolver.',
    predictedReplies: [],
  };
  const findings = [spfFinding, hostileFinding, dmarcFinding, ptrUnknown];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mail-preflight', version: '0.1.0' },
    target: {
      domain: 'example.com',
      ips: ['192.0.2.1', '2001:db8::1'],
      profile: 'bulk',
      dkimSelectors: ['s1'],
    },
    status: 'fail',
    checks: {
      dmarc: { id: 'dmarc', title: 'DMARC', status: 'fail', findings: [dmarcFinding], durationMs: 3 },
      mx: { id: 'mx', title: 'MX', status: 'pass', findings: [], durationMs: 2 },
      ptr: { id: 'ptr', title: 'Reverse DNS', status: 'unknown', findings: [ptrUnknown], error: 'deadline' },
      spf: {
        id: 'spf',
        title: 'SPF',
        status: 'fail',
        findings: [hostileFinding, spfFinding],
        evidence: { records: [HOSTILE_TXT] },
      },
      tls: { id: 'tls', title: 'TLS', status: 'skipped', findings: [] },
      dkim: { id: 'dkim', title: 'DKIM', status: 'warn', findings: [] },
    },
    predictedReplies: summarizeReplies(findings),
    authentication: { spf: 'fail', dkim: 'none' },
    timing: {
      startedAt: '2026-11-02T10:00:00.000Z',
      durationMs: 1234.4,
      dns: { queriesSent: 34, cacheHits: 12, cacheMisses: 22, timeouts: 1, tcpRetries: 0, errors: 1 },
    },
  };
}
