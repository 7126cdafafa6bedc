import { describe, expect, it } from 'vitest';
import {
  checkHost,
  evaluateSender,
  SPF_MAX_DNS_TERMS,
  SPF_MAX_TRACE_LINES,
  type SpfEvaluation,
} from '../../../checks/spf/evaluate.js';
import type { SpfResult } from '../../../checks/spf/types.js';
import { memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

async function run(
  zone: ZoneObject,
  ip = '192.0.2.10',
  domain = 'example.com',
  options: Parameters<typeof checkHost>[2] = {},
): Promise<{ r: SpfEvaluation; log: string[] }> {
  const resolver = memoryResolver(zone);
  const r = await checkHost(
    { ip, domain, sender: `alice@${domain}`, helo: 'mx.example.org' },
    resolver,
    options,
  );
  return { r, log: resolver.asked };
}

const spf = (text: string, extra: Record<string, unknown> = {}) => ({ TXT: [text], ...extra });

interface Row {
  name: string;
  zone: ZoneObject;
  ip?: string;
  result: SpfResult;
  mechanism?: string;
  problem?: RegExp;
}

const rows: Row[] = [
  {
    name: 'ip4 match',
    zone: { 'example.com': spf('v=spf1 ip4:192.0.2.0/24 -all') },
    result: 'pass',
    mechanism: 'ip4:192.0.2.0/24',
  },
  {
    name: 'no match falls to -all',
    zone: { 'example.com': spf('v=spf1 ip4:198.51.100.1 -all') },
    result: 'fail',
    mechanism: '-all',
  },
  { name: 'no record: none', zone: { 'example.com': { A: ['192.0.2.1'] } }, result: 'none' },
  { name: 'NXDOMAIN: none (RFC 7208 4.3)', zone: {}, result: 'none' },
  {
    name: 'TXT SERVFAIL: temperror (RFC 7208 4.4)',
    zone: { 'example.com': { TXT: 'SERVFAIL' } },
    result: 'temperror',
    problem: /servfail/,
  },
  {
    name: 'two SPF records: permerror (RFC 7208 4.5)',
    zone: { 'example.com': { TXT: ['v=spf1 -all', 'v=spf1 +all'] } },
    result: 'permerror',
  },
  {
    name: 'syntax error anywhere: permerror even after a match (RFC 7208 4.6)',
    zone: { 'example.com': spf('v=spf1 +all ip4:1.2.3') },
    result: 'permerror',
    problem: /ip4:1\.2\.3/,
  },
  {
    name: 'include pass -> match',
    zone: {
      'example.com': spf('v=spf1 include:_spf.example.net -all'),
      '_spf.example.net': spf('v=spf1 ip4:192.0.2.10'),
    },
    result: 'pass',
    mechanism: 'include:_spf.example.net',
  },
  {
    name: 'include of a domain without SPF: permerror (RFC 7208 5.2)',
    zone: {
      'example.com': spf('v=spf1 include:_spf.example.net ~all'),
      '_spf.example.net': { A: ['192.0.2.1'] },
    },
    result: 'permerror',
  },
  {
    name: 'include temperror propagates (RFC 7208 5.2)',
    zone: {
      'example.com': spf('v=spf1 include:_spf.example.net ~all'),
      '_spf.example.net': 'TIMEOUT',
    },
    result: 'temperror',
  },
  {
    name: 'a with dual cidr matches IPv6 client by cidr6',
    ip: '2001:db8::beef',
    zone: { 'example.com': spf('v=spf1 a/24//64 -all', { AAAA: ['2001:db8::1'] }) },
    result: 'pass',
  },
  {
    name: 'IPv4-mapped client is matched as IPv4 by a',
    ip: '::ffff:192.0.2.10',
    zone: { 'example.com': spf('v=spf1 a -all', { A: ['192.0.2.10'] }) },
    result: 'pass',
  },
  {
    name: 'a: address lookup SERVFAIL is temperror',
    zone: { 'example.com': spf('v=spf1 a -all', { A: 'SERVFAIL' }) },
    result: 'temperror',
  },
  {
    name: 'mx matches an exchange address',
    zone: {
      'example.com': spf('v=spf1 mx -all', {
        MX: [
          [10, 'mx1.example.com'],
          [20, 'mx2.example.com'],
        ],
      }),
      'mx1.example.com': { A: ['198.51.100.1'] },
      'mx2.example.com': { A: ['192.0.2.10'] },
    },
    result: 'pass',
  },
  {
    name: 'mx: more than 10 MX records is permerror (RFC 7208 4.6.4)',
    zone: {
      'example.com': spf('v=spf1 mx -all', {
        MX: Array.from({ length: 11 }, (_, i): [number, string] => [i, `mx${i}.example.com`]),
      }),
    },
    result: 'permerror',
  },
  {
    name: 'mx: null MX matches nothing',
    zone: { 'example.com': spf('v=spf1 mx ?all', { MX: [[0, '.']] }) },
    result: 'neutral',
  },
  {
    name: 'ptr: PTR SERVFAIL means no match, not temperror (RFC 7208 5.5)',
    zone: { 'example.com': spf('v=spf1 ptr ?all'), '10.2.0.192.in-addr.arpa': { PTR: 'SERVFAIL' } },
    result: 'neutral',
  },
  {
    name: 'ptr: a name whose A lookup fails is skipped, the next validates (RFC 7208 5.5)',
    zone: {
      'example.com': spf('v=spf1 ptr -all'),
      '10.2.0.192.in-addr.arpa': { PTR: ['bad.example.com', 'good.example.com'] },
      'bad.example.com': { A: 'SERVFAIL' },
      'good.example.com': { A: ['192.0.2.10'] },
    },
    result: 'pass',
  },
  {
    name: 'ptr: a name that does not resolve back is not validated',
    zone: {
      'example.com': spf('v=spf1 ptr -all'),
      '10.2.0.192.in-addr.arpa': { PTR: ['liar.example.com'] },
      'liar.example.com': { A: ['198.51.100.7'] },
    },
    result: 'fail',
  },
  {
    name: 'exists: always an A query; hit -> match',
    ip: '2001:db8::1',
    zone: { 'example.com': spf('v=spf1 exists:%{ir}.%{v}.bl.example.net -all') },
    result: 'fail',
  },
  {
    name: 'redirect when nothing matched (RFC 7208 6.1)',
    zone: {
      'example.com': spf('v=spf1 ip4:198.51.100.1 redirect=_spf.example.net'),
      '_spf.example.net': spf('v=spf1 ip4:192.0.2.0/24 -all'),
    },
    result: 'pass',
    mechanism: 'ip4:192.0.2.0/24',
  },
  {
    name: 'redirect to a domain without SPF: permerror (RFC 7208 6.1)',
    zone: { 'example.com': spf('v=spf1 redirect=_spf.example.net') },
    result: 'permerror',
  },
  {
    name: 'three void lookups: permerror (RFC 7208 4.6.4)',
    zone: { 'example.com': spf('v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com ?all') },
    result: 'permerror',
    problem: /void/,
  },
  {
    name: 'include loop hits the term limit (RFC 7208 4.6.4)',
    zone: { 'example.com': spf('v=spf1 include:example.com -all') },
    result: 'permerror',
    problem: /DNS-querying terms/,
  },
];

describe('checkHost table (in-memory resolver)', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const { r } = await run(row.zone, row.ip);
      expect(r.result, r.problem).toBe(row.result);
      if (row.mechanism) expect(r.mechanism).toBe(row.mechanism);
      if (row.problem) expect(r.problem).toMatch(row.problem);
    });
  }
});

describe('checkHost details', () => {
  it('queries TXT only, never type SPF (RFC 7208 4.4 / 14.1)', async () => {
    const { r, log } = await run({ 'example.com': { SPF: ['v=spf1 +all'] } });
    expect(r.result).toBe('none');
    expect(log).toEqual(['TXT example.com']);
  });

  it('counts DNS terms across nested includes, and stops at the 11th (RFC 7208 4.6.4)', async () => {
    const zone: ZoneObject = {
      'example.com': spf('v=spf1 a a a a a include:inc.example.com a -all', { A: ['198.51.100.1'] }),
      'inc.example.com': spf('v=spf1 a a a a', { A: ['198.51.100.2'] }),
    };
    const { r } = await run(zone);
    expect(r.lookups.dnsTerms).toBe(SPF_MAX_DNS_TERMS + 1);
    expect(r.result).toBe('permerror');
    const ok = await run({
      ...zone,
      'example.com': spf('v=spf1 a a a a include:inc.example.com a -all', { A: ['198.51.100.1'] }),
    });
    expect(ok.r.result).toBe('fail');
    expect(ok.r.lookups.dnsTerms).toBe(SPF_MAX_DNS_TERMS);
  });

  it('honours a lower maxDnsTerms option', async () => {
    const { r } = await run(
      { 'example.com': spf('v=spf1 a a -all', { A: ['198.51.100.1'] }) },
      undefined,
      undefined,
      {
        maxDnsTerms: 1,
      },
    );
    expect(r.result).toBe('permerror');
  });

  it('counts the PTR lookup of %{p} in a domain-spec as a DNS term (RFC 7208 4.6.4)', async () => {
    const { r } = await run({ 'example.com': spf('v=spf1 exists:%{p}.bl.example.net -all') });
    expect(r.lookups.dnsTerms).toBe(2);
    expect(r.result).toBe('fail');
  });

  it('fetches exp= only for fail, and its void answer is not counted (RFC 7208 6.2)', async () => {
    const zone: ZoneObject = {
      'example.com': spf('v=spf1 a:n1.example.com a:n2.example.com ~all exp=why.example.com'),
      'why.example.com': { TXT: ['%{i} is not allowed to send for %{d}'] },
    };
    const soft = await run(zone);
    expect(soft.r.result).toBe('softfail');
    expect(soft.log).not.toContain('TXT why.example.com');
    const hard = await run({
      ...zone,
      'example.com': spf('v=spf1 a:n1.example.com a:n2.example.com -all exp=nx.example.com'),
    });
    expect(hard.r.result).toBe('fail');
    expect(hard.r.explanation).toBeUndefined();
    expect(hard.r.lookups.voidLookups).toBe(2);
    const withText = await run({ ...zone, 'example.com': spf('v=spf1 -all exp=why.example.com') });
    expect(withText.r.explanation).toBe('192.0.2.10 is not allowed to send for example.com');
  });

  it('ignores an explanation with a syntax error (RFC 7208 6.2)', async () => {
    const { r } = await run({
      'example.com': spf('v=spf1 -all exp=why.example.com'),
      'why.example.com': { TXT: ['100% bad'] },
    });
    expect(r.result).toBe('fail');
    expect(r.explanation).toBeUndefined();
  });

  it('reports the record, the deciding term and its domain after redirect', async () => {
    const { r } = await run({
      'example.com': spf('v=spf1 redirect=_spf.example.net'),
      '_spf.example.net': spf('v=spf1 -all'),
    });
    expect(r).toMatchObject({
      result: 'fail',
      record: 'v=spf1 redirect=_spf.example.net',
      mechanism: '-all',
      mechanismDomain: '_spf.example.net',
    });
  });

  it('an aborted signal gives temperror, not an exception', async () => {
    const ac = new AbortController();
    ac.abort();
    const { r } = await run({ 'example.com': spf('v=spf1 -all') }, undefined, undefined, {
      signal: ac.signal,
    });
    expect(r.result).toBe('temperror');
  });

  it('bounds the trace', async () => {
    const names = Array.from({ length: 9 }, (_, i) => `include:i${i}.example.com`).join(' ');
    const zone: ZoneObject = { 'example.com': spf(`v=spf1 ${names} -all`) };
    for (let i = 0; i < 9; i++)
      zone[`i${i}.example.com`] = spf(`v=spf1 ${'ip4:198.51.100.1 '.repeat(40)}?all`);
    const { r } = await run(zone);
    expect(r.result).toBe('fail');
    expect(r.trace.length).toBeLessThanOrEqual(SPF_MAX_TRACE_LINES);
  });

  it('throws a TypeError for an unparseable client IP (usage error)', async () => {
    await expect(run({}, 'not-an-ip')).rejects.toThrow(TypeError);
  });
});

describe('evaluateSender (RFC 7208 2.4 identity choice)', () => {
  const zone: ZoneObject = {
    'example.com': spf('v=spf1 -all exp=why.example.com'),
    'why.example.com': { TXT: ['%{s}'] },
    'mx.example.org': spf('v=spf1 -all exp=why.example.com'),
  };
  it('checks MAIL FROM', async () => {
    const r = await evaluateSender(
      { ip: '192.0.2.10', sender: 'bob@example.com', helo: 'mx.example.org' },
      memoryResolver(zone),
    );
    expect(r).toMatchObject({ identity: 'mailfrom', domain: 'example.com', explanation: 'bob@example.com' });
  });
  it('uses postmaster@HELO for the null reverse-path', async () => {
    const r = await evaluateSender(
      { ip: '192.0.2.10', sender: '', helo: 'mx.example.org' },
      memoryResolver(zone),
    );
    expect(r).toMatchObject({
      identity: 'helo',
      domain: 'mx.example.org',
      explanation: 'postmaster@mx.example.org',
    });
  });
  it('substitutes postmaster for a missing local-part (RFC 7208 4.3)', async () => {
    const r = await evaluateSender(
      { ip: '192.0.2.10', sender: '@example.com', helo: 'mx.example.org' },
      memoryResolver(zone),
    );
    expect(r.explanation).toBe('postmaster@example.com');
  });
});
