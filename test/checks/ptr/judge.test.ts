import { describe, expect, it } from 'vitest';
import { type PtrEvidence, type PtrIpEvidence, ptrCheck } from '../../../checks/ptr/index.js';
import { renderTemplate } from '../../../src/check.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };

function ev(ip: Partial<PtrIpEvidence> & { ip: string }, helo?: string): PtrEvidence {
  const e: PtrEvidence = { domain: 'example.com', ips: [{ forward: [], namesNotChecked: [], ...ip }] };
  if (helo) e.helo = helo;
  return e;
}

const v4 = {
  ip: '192.0.2.10',
  address: '192.0.2.10',
  family: 4 as const,
  reverseName: '10.2.0.192.in-addr.arpa',
};
const v6 = {
  ip: '2001:DB8::10',
  address: '2001:db8::10',
  family: 6 as const,
  reverseName: '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
};
const fwd = (name: string, addresses: string[], type: 'A' | 'AAAA' = 'A') => ({
  name,
  type,
  kind: addresses.length > 0 ? ('ok' as const) : ('nodata' as const),
  addresses,
});

const keys = (e: PtrEvidence, helo?: string) =>
  ptrCheck.judge(e, helo ? { ...target, helo } : target).map((f) => f.key);

describe('ptr judge', () => {
  it('no IPs: no findings', () => {
    expect(ptrCheck.judge({ domain: 'example.com', ips: [] }, target)).toEqual([]);
  });

  it.each<[string, PtrEvidence, string[]]>([
    [
      'IPv4 forward-confirmed',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['mail.example.com'] },
        forward: [fwd('mail.example.com', ['192.0.2.10'])],
      }),
      [],
    ],
    [
      'IPv6 forward-confirmed',
      ev({
        ...v6,
        ptr: { kind: 'ok', names: ['mail.example.com'] },
        forward: [fwd('mail.example.com', ['2001:db8::10'], 'AAAA')],
      }),
      [],
    ],
    ['NXDOMAIN PTR', ev({ ...v4, ptr: { kind: 'nxdomain', names: [] } }), ['missing']],
    ['NODATA PTR', ev({ ...v4, ptr: { kind: 'nodata', names: [] } }), ['missing']],
    [
      'timeout is unknown, not missing',
      ev({ ...v4, ptr: { kind: 'error', error: 'timeout', names: [] } }),
      ['dns-error'],
    ],
    [
      'PTR name resolves elsewhere',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['mail.example.com'] },
        forward: [fwd('mail.example.com', ['192.0.2.99'])],
      }),
      ['not-forward-confirmed'],
    ],
    [
      'PTR name does not exist',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['gone.example.com'] },
        forward: [{ name: 'gone.example.com', type: 'A', kind: 'nxdomain', addresses: [] }],
      }),
      ['not-forward-confirmed'],
    ],
    [
      'forward lookup timed out: unknown, not mismatch',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['mail.example.com'] },
        forward: [{ name: 'mail.example.com', type: 'A', kind: 'error', error: 'timeout', addresses: [] }],
      }),
      ['forward-lookup-failed'],
    ],
    [
      'two PTRs, one confirms',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['a.example.com', 'mail.example.com'] },
        forward: [fwd('a.example.com', []), fwd('mail.example.com', ['192.0.2.10'])],
      }),
      ['multiple-ptr'],
    ],
    [
      'generic name',
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['192-0-2-10.dyn.isp.example'] },
        forward: [fwd('192-0-2-10.dyn.isp.example', ['192.0.2.10'])],
      }),
      ['generic-name'],
    ],
    ['not an address', ev({ ip: 'mail.example.com' }), ['invalid-ip']],
  ])('%s', (_name, evidence, expected) => {
    expect(keys(evidence)).toEqual(expected);
  });

  it('IPv6 without PTR raises ptr-missing-ipv6 on top of ptr-missing', () => {
    const [f] = ptrCheck.judge(ev({ ...v6, ptr: { kind: 'nxdomain', names: [] } }), target);
    expect(f?.key).toBe('missing');
    expect(f?.conditions).toEqual(['ptr-missing-ipv6']);
    expect(ptrCheck.findings['missing']?.conditions).toEqual(['ptr-missing']);
    expect(renderTemplate(ptrCheck.findings['missing']!.fix, f?.data)).toBe(
      'Ask the owner of the IP block (your hosting provider or ISP) to set the PTR of 2001:db8::10 to ' +
        'mail.example.com, and publish "mail.example.com. IN AAAA 2001:db8::10" so that it resolves back.',
    );
  });

  it('IPv4 without PTR raises only the spec condition', () => {
    const [f] = ptrCheck.judge(ev({ ...v4, ptr: { kind: 'nxdomain', names: [] } }), target);
    expect(f?.conditions).toBeUndefined();
    expect(f?.data?.['ip']).toBe('192.0.2.10');
    expect(f?.evidence['reverseName']).toBe('10.2.0.192.in-addr.arpa');
  });

  it('mismatch message names the IP, the PTR and what the name resolves to', () => {
    const [f] = ptrCheck.judge(
      ev({
        ...v4,
        ptr: { kind: 'ok', names: ['mail.example.com'] },
        forward: [fwd('mail.example.com', ['192.0.2.99'])],
      }),
      target,
    );
    expect(renderTemplate(ptrCheck.findings['not-forward-confirmed']!.message, f?.data)).toBe(
      '192.0.2.10 has PTR mail.example.com, but no such name has an A record for 192.0.2.10 (found: 192.0.2.99).',
    );
  });

  describe('HELO', () => {
    const good = {
      ...v4,
      ptr: { kind: 'ok' as const, names: ['mail.example.com'] },
      forward: [fwd('mail.example.com', ['192.0.2.10'])],
    };
    it('HELO equal to the PTR name: nothing', () => {
      expect(keys(ev(good, 'mail.example.com'), 'mail.example.com')).toEqual([]);
    });
    it('HELO another name that resolves to the IP: nothing', () => {
      expect(
        keys(ev({ ...good, heloLookup: fwd('out.example.com', ['192.0.2.10']) }, 'out.example.com')),
      ).toEqual([]);
    });
    it('HELO unrelated: helo-mismatch with both names', () => {
      const fs = ptrCheck.judge(
        ev({ ...good, heloLookup: fwd('localhost.localdomain', []) }, 'localhost.localdomain'),
        target,
      );
      expect(fs.map((f) => f.key)).toEqual(['helo-mismatch']);
      expect(fs[0]?.data).toMatchObject({
        helo: 'localhost.localdomain',
        ptr: 'mail.example.com',
        ip: '192.0.2.10',
      });
    });
    it('HELO lookup timed out: unknown, not mismatch', () => {
      const h = {
        name: 'out.example.com',
        type: 'A' as const,
        kind: 'error' as const,
        error: 'timeout' as const,
        addresses: [],
      };
      expect(keys(ev({ ...good, heloLookup: h }, 'out.example.com'))).toEqual(['helo-lookup-failed']);
    });
    it('HELO address literal is a mismatch', () => {
      expect(keys(ev(good, '[192.0.2.10]'))).toEqual(['helo-mismatch']);
    });
  });

  it('every finding key returned is declared, with a valid severity', () => {
    for (const [key, spec] of Object.entries(ptrCheck.findings)) {
      expect(key).toMatch(/^[a-z0-9-]+$/);
      expect(['info', 'warning', 'error', 'unknown']).toContain(spec.severity);
    }
    expect(ptrCheck.findings['dns-error']?.severity).toBe('unknown');
    expect(ptrCheck.findings['forward-lookup-failed']?.severity).toBe('unknown');
  });
});
