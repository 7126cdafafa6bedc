import { describe, expect, it } from 'vitest';
import { DNS_FINDINGS, type DnsEvidence, dnsCheck } from '../../../checks/dns/index.js';
import { renderTemplate } from '../../../src/check.js';

const target = { domain: 'gmail.com', ips: [], profile: 'bulk' as const };
const canary = (zone: string, soa: DnsEvidence['canaries'][number]['soa']) => ({
  zone,
  names: [`shop.${zone}`],
  soa,
});

describe('dns judge', () => {
  it.each<[string, DnsEvidence, string[]]>([
    ['no canary (special-use names only)', { canaries: [], unchecked: ['good.example'] }, []],
    [
      'the TLD has its SOA: truthful',
      { canaries: [canary('com', { kind: 'ok', ad: false })], unchecked: [] },
      [],
    ],
    [
      'NXDOMAIN for the SOA of a TLD that exists: lying',
      { canaries: [canary('com', { kind: 'nxdomain', ad: false })], unchecked: [] },
      ['resolver-unreliable'],
    ],
    [
      'NOERROR without the SOA (RFC 1035 3.3.13: every zone has one at its apex): lying',
      { canaries: [canary('com', { kind: 'nodata', ad: false })], unchecked: [] },
      ['resolver-unreliable'],
    ],
    [
      'a canary that timed out proves nothing',
      { canaries: [canary('com', { kind: 'error', error: 'timeout', detail: 'no answer' })], unchecked: [] },
      [],
    ],
    [
      'two TLDs denied: one finding for the run',
      {
        canaries: [
          canary('com', { kind: 'nxdomain', ad: false }),
          canary('net', { kind: 'nodata', ad: false }),
        ],
        unchecked: [],
      },
      ['resolver-unreliable'],
    ],
  ])('%s', (_, ev, keys) => {
    expect(dnsCheck.judge(ev, target).map((f) => f.key)).toEqual(keys);
  });

  it('says which canary failed, what it answered, and the fix (--resolver)', () => {
    const [f] = dnsCheck.judge(
      {
        canaries: [
          canary('com', { kind: 'error', error: 'timeout' }),
          canary('net', { kind: 'nodata', ad: false }),
        ],
        unchecked: [],
      },
      target,
    );
    const spec = DNS_FINDINGS['resolver-unreliable'];
    expect(spec.severity).toBe('unknown');
    expect(renderTemplate(spec.message, f?.data)).toMatch(
      /answered NOERROR with no answer when asked for the SOA record of net\./,
    );
    expect(renderTemplate(spec.fix, f?.data)).toMatch(/--resolver/);
    expect(f?.evidence).toEqual({ canaries: [canary('net', { kind: 'nodata', ad: false })] });
  });
});
