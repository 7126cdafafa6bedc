/**
 * The resolver canary (src/probe/canary.ts): an answer of absence is believed only when the
 * resolver tells the truth about the SOA of the name's top-level domain, asked once per TLD.
 */
import { describe, expect, it } from 'vitest';
import { canaryZoneOf, createCanaryResolver, isSpecialUseName } from '../../src/probe/canary.js';
import type { DnsResult, QueryOptions, Resolver, RRType } from '../../src/probe/types.js';
import { memoryResolver } from '../helpers/memory-resolver.js';

describe('canaryZoneOf: the TLD that vouches for an absence', () => {
  it.each([
    ['gmail.com', 'com'],
    ['GMAIL.COM.', 'com'],
    ['_dmarc.shop.co.uk', 'uk'],
    ['1.0.18.198.in-addr.arpa', 'arpa'],
    ['xn--80ak6aa92e.xn--p1ai', 'xn--p1ai'],
  ])('%s -> %s', (name, zone) => {
    expect(canaryZoneOf(name)).toBe(zone);
  });

  it.each([
    // RFC 6761 6 and the IANA special-use registry: no TLD to ask.
    'good.example',
    'mail.example.com',
    'x.example.net',
    'x.example.org',
    'lab.test',
    'nowhere.invalid',
    'localhost',
    'printer.local',
    'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion',
    'router.home.arpa',
    'x.alt',
    '1.0.168.192.in-addr.arpa',
    '1.0.20.172.in-addr.arpa',
    // RFC 6303 4: zones resolvers serve themselves (their NXDOMAIN is the truth).
    '10.77.0.127.in-addr.arpa',
    '1.2.0.192.in-addr.arpa',
    '5.100.51.198.in-addr.arpa',
    '5.113.0.203.in-addr.arpa',
    '1.0.64.100.in-addr.arpa',
    `1.${'0.'.repeat(31)}ip6.arpa`,
  ])('%s: special-use or locally served, no canary (RFC 6761, RFC 6303)', (name) => {
    expect(isSpecialUseName(name.toLowerCase())).toBe(true);
    expect(canaryZoneOf(name)).toBeUndefined();
  });

  it.each(['intranet.corp', 'nas.lan', 'host.internal', 'gmail.cmo', 'com', ''])(
    '%s: a TLD the Public Suffix List does not know may truly not exist: no canary',
    (name) => {
      expect(canaryZoneOf(name)).toBe(name === 'com' ? 'com' : undefined);
    },
  );

  it('a name that merely contains a special-use label is not special-use', () => {
    expect(canaryZoneOf('test.example-shop.com')).toBe('com');
    expect(canaryZoneOf('local.gmail.com')).toBe('com');
  });
});

/** A resolver that answers every question by `answer`, and records what it was asked. */
function scripted(
  answer: (name: string, type: RRType, options?: QueryOptions) => Promise<DnsResult> | DnsResult,
) {
  const asked: string[] = [];
  const resolver: Resolver = {
    async query(name, type, options) {
      asked.push(`${type} ${name}`);
      return answer(name, type, options);
    },
  };
  return { resolver, asked };
}

const absent = (name: string, type: RRType, kind: 'nxdomain' | 'nodata'): DnsResult => ({
  name,
  type,
  cnameChain: [],
  kind,
  ad: false,
});

describe('createCanaryResolver', () => {
  it('NXDOMAIN for everything: absences under com become `unreliable` errors; com SOA asked once', async () => {
    const { resolver, asked } = scripted((name, type) => absent(name, type, 'nxdomain'));
    const dns = createCanaryResolver(resolver);
    const results = await Promise.all([
      dns.query('gmail.com', 'TXT'),
      dns.query('_dmarc.gmail.com', 'TXT'),
      dns.query('gmail.com', 'MX'),
      dns.query('yahoo.com', 'TXT'),
    ]);
    for (const r of results) {
      expect(r).toMatchObject({ kind: 'error', error: 'unreliable' });
      if (r.kind === 'error')
        expect(r.detail).toMatch(/answered NXDOMAIN when asked for the SOA record of com\./);
    }
    expect(asked.filter((q) => q === 'SOA com')).toHaveLength(1);
  });

  it('NOERROR with no data for everything is a lie too (the TLD has an SOA, RFC 1035 3.3.13)', async () => {
    const { resolver } = scripted((name, type) => absent(name, type, 'nodata'));
    const r = await createCanaryResolver(resolver).query('gmail.com', 'TXT');
    expect(r).toMatchObject({ kind: 'error', error: 'unreliable' });
    if (r.kind === 'error') expect(r.detail).toMatch(/NOERROR with no answer/);
  });

  it('an honest resolver: the absence stands, and the canary is asked once per TLD', async () => {
    const world = memoryResolver({
      com: { SOA: 'a.gtld-servers.net nstld.verisign-grs.com 1 1800 900 604800 86400' },
      net: { SOA: 'a.gtld-servers.net nstld.verisign-grs.com 1 1800 900 604800 86400' },
      'gmail.com': { MX: '5 gmail-smtp-in.l.google.com' },
    });
    const dns = createCanaryResolver(world);
    expect(await dns.query('gmail.com', 'TXT')).toMatchObject({ kind: 'nodata' });
    expect(await dns.query('nope.gmail.com', 'A')).toMatchObject({ kind: 'nxdomain' });
    expect(await dns.query('nope.example.net', 'A')).toMatchObject({ kind: 'nxdomain' }); // special-use
    expect(await dns.query('nope.other.net', 'A')).toMatchObject({ kind: 'nxdomain' });
    expect(world.asked.filter((q) => q.startsWith('SOA '))).toEqual(['SOA com', 'SOA net']);
  });

  it('answers with data are taken as they are: no canary asked', async () => {
    const world = memoryResolver({ 'gmail.com': { TXT: 'v=spf1 -all' } });
    const r = await createCanaryResolver(world).query('gmail.com', 'TXT');
    expect(r.kind).toBe('ok');
    expect(world.asked).toEqual(['TXT gmail.com']);
  });

  it('special-use names (.example, .test) are never vouched for: labs keep working', async () => {
    const world = memoryResolver({});
    const dns = createCanaryResolver(world);
    expect(await dns.query('good.example', 'TXT')).toMatchObject({ kind: 'nxdomain' });
    expect(await dns.query('_dmarc.lab.test', 'TXT')).toMatchObject({ kind: 'nxdomain' });
    expect(await dns.query('mail.example.com', 'MX')).toMatchObject({ kind: 'nxdomain' });
    expect(world.asked).toEqual(['TXT good.example', 'TXT _dmarc.lab.test', 'MX mail.example.com']);
  });

  it('a canary that times out or fails proves nothing: the absence stands as today', async () => {
    for (const fault of ['TIMEOUT', 'SERVFAIL'] as const) {
      const world = memoryResolver({ com: fault });
      const dns = createCanaryResolver(world);
      expect(await dns.query('gmail.com', 'TXT')).toMatchObject({ kind: 'nxdomain' });
      expect(await dns.query('yahoo.com', 'TXT')).toMatchObject({ kind: 'nxdomain' });
      expect(world.asked.filter((q) => q === 'SOA com')).toHaveLength(1);
    }
  });

  it('the canary question itself is answered as the resolver gave it (the dns check shows it)', async () => {
    const { resolver, asked } = scripted((name, type) => absent(name, type, 'nxdomain'));
    expect(await createCanaryResolver(resolver).query('com', 'SOA')).toMatchObject({ kind: 'nxdomain' });
    expect(asked).toEqual(['SOA com']);
  });

  it('the absence of a CNAME target is vouched for by the target TLD', async () => {
    const world = memoryResolver({
      com: { SOA: 'a.gtld-servers.net nstld.verisign-grs.com 1 1800 900 604800 86400' },
      'www.shop.com': { CNAME: 'shop.cdn.io' },
    });
    const r = await createCanaryResolver(world).query('www.shop.com', 'A');
    // The lab does not serve io.: it "denies" the io. SOA, so the target's absence is not believed.
    expect(r).toMatchObject({ kind: 'error', error: 'unreliable', cnameChain: ['shop.cdn.io'] });
    expect(world.asked.filter((q) => q.startsWith('SOA '))).toEqual(['SOA io']);
  });

  it('a canary its first asker gave up on is asked afresh for the next', async () => {
    const first = new AbortController();
    const { resolver, asked } = scripted((name, type, options) => {
      if (type === 'SOA' && options?.signal?.aborted) {
        return { name, type, cnameChain: [], kind: 'error', error: 'timeout', detail: 'aborted' };
      }
      return absent(name, type, 'nxdomain');
    });
    const dns = createCanaryResolver(resolver);
    first.abort();
    expect(await dns.query('gmail.com', 'TXT', { signal: first.signal })).toMatchObject({ kind: 'nxdomain' });
    expect(await dns.query('gmail.com', 'TXT')).toMatchObject({ kind: 'error', error: 'unreliable' });
    expect(asked.filter((q) => q === 'SOA com')).toHaveLength(2);
  });

  it('clear() forgets the verdicts (a fleet run drops its caches when its audits are done)', async () => {
    const { resolver, asked } = scripted((name, type) => absent(name, type, 'nxdomain'));
    const dns = createCanaryResolver(resolver);
    await dns.query('gmail.com', 'TXT');
    dns.clear();
    await dns.query('gmail.com', 'TXT');
    expect(asked.filter((q) => q === 'SOA com')).toHaveLength(2);
  });
});
