import { describe, expect, it } from 'vitest';
import { summarizeProbe } from '../../../checks/shared/smtp-tls-judge.js';
import { judgeTls, type TlsEvidence, tlsCheck } from '../../../checks/tls/index.js';
import { renderTemplate } from '../../../src/check.js';
import { expandFindings } from '../../../src/runner.js';
import { CHECKED_AT, failedResult, goodResult, plainResult } from './probe-results.js';

function evidence(over: Partial<TlsEvidence>): TlsEvidence {
  return { checkedAt: CHECKED_AT, hosts: [], hostsNotProbed: [], ...over };
}
const target = { domain: 'example.com', ips: ['192.0.2.10'], profile: 'bulk' as const };

describe('tls judge (literal evidence)', () => {
  it('skips without a prober, or without --ip and --helo', () => {
    const probe = { smtp: {} } as never;
    expect(tlsCheck.skip?.(target, {} as never)).toBe('SMTP probing is off (--no-smtp)');
    expect(tlsCheck.skip?.({ ...target, ips: [] }, probe)).toBe('no sending host given (--ip or --helo)');
    expect(tlsCheck.skip?.({ ...target, ips: [], helo: 'mx1.example.com' }, probe)).toBeUndefined();
    expect(tlsCheck.skip?.(target, probe)).toBeUndefined();
  });

  it('good host with HELO name on its certificate: no finding', () => {
    const ev = evidence({
      helo: 'mx1.example.com',
      hosts: [{ address: '192.0.2.10', sources: ['ip', 'helo'], probe: goodResult() }],
    });
    expect(judgeTls(ev)).toEqual([]);
  });

  it('no STARTTLS: warning predicting Gmail 421/550 4.7.29 for bulk, confidence inferred', () => {
    const probe = plainResult();
    const ev = evidence({ hosts: [{ address: '192.0.2.10', sources: ['ip'], probe }] });
    const results = judgeTls(ev);
    expect(results).toEqual([
      {
        key: 'no-starttls',
        data: {
          host: '192.0.2.10',
          port: 25,
          address: '192.0.2.10',
          ehlo: 'PIPELINING, SIZE 10240000, 8BITMIME',
        },
        evidence: { address: '192.0.2.10', sources: ['ip'], probe: summarizeProbe(probe) },
      },
    ]);
    const [finding] = expandFindings(tlsCheck as never, results, target);
    expect(finding?.id).toBe('tls/no-starttls');
    expect(finding?.severity).toBe('warning');
    expect(
      finding?.predictedReplies.map((r) => [r.provider, r.code, r.enhanced, r.confidence, r.bulkOnly]),
    ).toEqual([
      ['gmail', 421, '4.7.29', 'inferred', true],
      ['gmail', 550, '5.7.29', 'inferred', true],
    ]);
    // transactional senders are not held to the bulk TLS rule
    expect(
      expandFindings(tlsCheck as never, results, { ...target, profile: 'transactional' })[0]
        ?.predictedReplies,
    ).toEqual([]);
  });

  it('refused connection: unknown ("port 25 may be blocked"), never no-starttls', () => {
    const probe = failedResult({ kind: 'connect-refused', detail: 'ECONNREFUSED', stage: 'connect' });
    const results = judgeTls(evidence({ hosts: [{ address: '192.0.2.10', sources: ['ip'], probe }] }));
    expect(results.map((r) => r.key)).toEqual(['cannot-connect']);
    expect(renderTemplate(tlsCheck.findings['cannot-connect']!.message, results[0]?.data)).toBe(
      'Could not connect to 192.0.2.10:25: ECONNREFUSED. Port 25 may be blocked from here (or the host does ' +
        'not accept mail); whether it uses TLS is unknown.',
    );
    expect(tlsCheck.findings['cannot-connect']!.severity).toBe('unknown');
    expect(tlsCheck.findings['cannot-connect']!.conditions).toBeUndefined();
  });

  it('certificate not valid for the HELO name: cert-name-mismatch', () => {
    const probe = goodResult({}, { subjectAltNames: ['other.example.net'] });
    const results = judgeTls(
      evidence({ helo: 'mx1.example.com', hosts: [{ address: '192.0.2.10', sources: ['ip'], probe }] }),
    );
    expect(results.map((r) => [r.key, r.data?.['name'], r.data?.['names']])).toEqual([
      ['cert-name-mismatch', 'mx1.example.com', 'other.example.net'],
    ]);
  });

  it('TLS without a HELO name: no-helo info (names not compared)', () => {
    const results = judgeTls(
      evidence({ hosts: [{ address: '192.0.2.10', sources: ['ip'], probe: goodResult() }] }),
    );
    expect(results.map((r) => r.key)).toEqual(['no-helo']);
    expect(tlsCheck.findings['no-helo']!.severity).toBe('info');
  });

  it('HELO lookup failure without any HELO host probed: helo-dns-error (unknown)', () => {
    const results = judgeTls(
      evidence({
        helo: 'mx1.example.com',
        heloLookup: [
          { kind: 'error', error: 'timeout', addresses: [] },
          { kind: 'nodata', addresses: [] },
        ],
      }),
    );
    expect(results.map((r) => [r.key, r.data])).toEqual([
      ['helo-dns-error', { helo: 'mx1.example.com', error: 'timeout' }],
    ]);
  });

  it('more hosts than the bound: too-many-hosts names the rest', () => {
    const results = judgeTls(
      evidence({
        helo: 'mx1.example.com',
        hosts: [{ address: '192.0.2.10', sources: ['ip'], probe: goodResult() }],
        hostsNotProbed: ['192.0.2.20', '192.0.2.21'],
      }),
    );
    expect(results.map((r) => [r.key, r.data])).toEqual([
      ['too-many-hosts', { count: 3, probed: 1, rest: '192.0.2.20, 192.0.2.21' }],
    ]);
  });
});
