import { describe, expect, it } from 'vitest';
import { type MxDomainEvidence, mailFromDomain, mxCheck, sendingDomains } from '../../../checks/mx/index.js';

const target = { domain: 'example.com', ips: [], profile: 'bulk' as const };
const ok = (addresses: string[], cnameChain: string[] = []) => ({
  kind: addresses.length > 0 ? ('ok' as const) : ('nodata' as const),
  addresses,
  cnameChain,
});

function dom(partial: Partial<MxDomainEvidence>): MxDomainEvidence {
  return {
    domain: 'example.com',
    roles: ['domain'],
    mx: { kind: 'ok', records: [{ preference: 10, exchange: 'mx.example.com' }], cnameChain: [] },
    soa: { kind: 'ok' },
    hosts: [
      {
        exchange: 'mx.example.com',
        preference: 10,
        addressLiteral: false,
        a: ok(['192.0.2.1']),
        aaaa: ok([]),
      },
    ],
    hostsNotChecked: [],
    ...partial,
  };
}

const judge = (d: MxDomainEvidence) => mxCheck.judge({ domains: [d] }, target).map((f) => f.key);

describe('mx judge', () => {
  it.each<[string, MxDomainEvidence, string[]]>([
    ['good', dom({}), []],
    [
      'MX NXDOMAIN',
      dom({ mx: { kind: 'nxdomain', records: [], cnameChain: [] }, soa: { kind: 'nxdomain' }, hosts: [] }),
      ['domain-not-found'],
    ],
    [
      'SOA NXDOMAIN and MX NODATA',
      dom({ mx: { kind: 'nodata', records: [], cnameChain: [] }, soa: { kind: 'nxdomain' }, hosts: [] }),
      ['domain-not-found'],
    ],
    [
      'SOA SERVFAIL only (Yahoo would answer 451)',
      dom({ soa: { kind: 'error', error: 'servfail' } }),
      ['dns-error'],
    ],
    ['SOA NODATA (not at the apex) is fine', dom({ soa: { kind: 'nodata' } }), []],
    [
      'MX timeout',
      dom({ mx: { kind: 'error', error: 'timeout', records: [], cnameChain: [] }, hosts: [] }),
      ['dns-error'],
    ],
    [
      'null MX',
      dom({ mx: { kind: 'ok', records: [{ preference: 0, exchange: '' }], cnameChain: [] }, hosts: [] }),
      ['null-mx'],
    ],
    [
      'null MX plus a real one',
      dom({
        mx: {
          kind: 'ok',
          records: [
            { preference: 0, exchange: '' },
            { preference: 10, exchange: 'mx.example.com' },
          ],
          cnameChain: [],
        },
      }),
      ['invalid-null-mx'],
    ],
    [
      'IPv6 literal exchange',
      dom({ hosts: [{ exchange: '2001:db8::25', preference: 10, addressLiteral: true }] }),
      ['mx-ip-literal'],
    ],
    [
      'CNAME exchange that resolves',
      dom({
        hosts: [
          {
            exchange: 'mx.example.com',
            preference: 10,
            addressLiteral: false,
            a: ok(['192.0.2.1'], ['real.example.net']),
            aaaa: ok([], ['real.example.net']),
          },
        ],
      }),
      ['mx-cname'],
    ],
    [
      'implicit MX',
      dom({
        mx: { kind: 'nodata', records: [], cnameChain: [] },
        hosts: [],
        a: ok(['192.0.2.9']),
        aaaa: ok([]),
      }),
      ['implicit-mx'],
    ],
    [
      'nothing at all',
      dom({ mx: { kind: 'nodata', records: [], cnameChain: [] }, hosts: [], a: ok([]), aaaa: ok([]) }),
      ['no-mail-exchanger'],
    ],
  ])('%s', (_name, d, expected) => {
    expect(judge(d)).toEqual(expected);
  });

  it('IPv6 literal suggests an AAAA record', () => {
    const [f] = mxCheck.judge(
      { domains: [dom({ hosts: [{ exchange: '2001:db8::25', preference: 10, addressLiteral: true }] })] },
      target,
    );
    expect(f?.data?.['rrtype']).toBe('AAAA');
  });

  it('every finding carries the domain', () => {
    const fs = mxCheck.judge(
      { domains: [dom({ mx: { kind: 'nxdomain', records: [], cnameChain: [] }, hosts: [] })] },
      target,
    );
    expect(fs[0]?.data?.['domain']).toBe('example.com');
    expect(fs[0]?.evidence['domain']).toBe('example.com');
  });
});

describe('sending domains', () => {
  it.each([
    ['bounce@Example.NET', 'example.net'],
    ['<b@x.example.org.>', 'x.example.org'],
    ['example.org', 'example.org'],
    ['', undefined],
  ])('mailFromDomain(%j) = %j', (input, expected) => {
    expect(mailFromDomain(input)).toBe(expected);
  });

  it('the audited domain comes first', () => {
    expect(sendingDomains({ ...target, domain: 'Example.com.', mailFrom: 'a@b.example' })).toEqual([
      { domain: 'example.com', roles: ['domain'] },
      { domain: 'b.example', roles: ['mail-from'] },
    ]);
  });
});
