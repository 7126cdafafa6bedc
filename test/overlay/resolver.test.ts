import { describe, expect, it } from 'vitest';
import { overlayProbe, overlayResolver, parseMasterFile, parseOverlay } from '../../src/overlay/index.js';
import { MAX_CNAME_HOPS } from '../../src/probe/dns.js';
import { memoryProbe, memoryResolver } from '../helpers/memory-resolver.js';

/** The live world: what real DNS says today. */
const LIVE = {
  'example.com': { TXT: ['v=spf1 include:gone.example -all'], MX: ['10 mx.example.com'], TTL: 600 },
  'mx.example.com': { A: '192.0.2.25' },
  '_dmarc.example.com': { TXT: 'v=DMARC1; p=none' },
  'alias.example.com': { CNAME: 'target.example.net' },
  'target.example.net': { TXT: 'live target' },
  'flaky.example.com': { TXT: 'SERVFAIL' },
  'slow.example.com': 'TIMEOUT',
  'ext.example.org': { CNAME: 'new.example.com' },
};

const proposed = (text: string) => parseMasterFile(text, { file: 'proposed.zone', origin: 'example.com' });

describe('overlayResolver over a live world', () => {
  it('replaces the RRset it defines, per name and type; other types of that name stay live', async () => {
    const live = memoryResolver(LIVE);
    const r = overlayResolver(live, [proposed('@ 300 TXT "v=spf1 ip4:192.0.2.0/24 -all"')]);
    const txt = await r.query('Example.COM.', 'TXT');
    expect(txt).toEqual({
      name: 'example.com',
      type: 'TXT',
      cnameChain: [],
      kind: 'ok',
      records: [{ type: 'TXT', name: 'example.com', ttl: 300, data: ['v=spf1 ip4:192.0.2.0/24 -all'] }],
      ttl: 300,
      ad: false,
    });
    const mx = await r.query('example.com', 'MX');
    expect(mx).toEqual(await memoryResolver(LIVE).query('example.com', 'MX')); // unchanged, live
    expect(live.asked).toEqual(['MX example.com']); // the replaced TXT was never asked live
    expect(r.served()).toEqual([{ name: 'example.com', type: 'TXT' }]);
  });

  it('adds names live DNS does not have', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('_mta-sts TXT "v=STSv1; id=1"')]);
    const res = await r.query('_mta-sts.example.com', 'TXT');
    expect(res.kind).toBe('ok');
  });

  it('without complete, a type the overlay does not define at its name is asked live', async () => {
    const live = memoryResolver(LIVE);
    const r = overlayResolver(live, [proposed('@ TXT "v=spf1 -all"')]);
    expect((await r.query('example.com', 'MX')).kind).toBe('ok');
    expect(live.asked).toEqual(['MX example.com']);
  });

  it('complete: names under the origin it does not define are NXDOMAIN, its names without the type NODATA', async () => {
    const live = memoryResolver(LIVE);
    const zone = proposed('@ SOA ns hostmaster 1 2 3 4 5\n@ TXT "v=spf1 -all"\na.b A 192.0.2.1\n');
    const r = overlayResolver(live, [zone], { complete: true });
    expect((await r.query('_dmarc.example.com', 'TXT')).kind).toBe('nxdomain');
    expect((await r.query('mx.example.com', 'A')).kind).toBe('nxdomain');
    expect((await r.query('example.com', 'MX')).kind).toBe('nodata');
    // An empty non-terminal exists (RFC 8020): NODATA, not NXDOMAIN.
    expect((await r.query('b.example.com', 'A')).kind).toBe('nodata');
    // Outside the origin: live.
    expect((await r.query('target.example.net', 'TXT')).kind).toBe('ok');
    expect(live.asked).toEqual(['TXT target.example.net']);
  });

  it('complete: a wildcard answers for names that do not exist (RFC 4592 4.1)', async () => {
    const zone = parseMasterFile(
      '$ORIGIN example.org.\n@ SOA ns hm 1 2 3 4 5\n* TXT "v=spf1 -all"\nhost A 192.0.2.1\n',
      { file: 'w.zone' },
    );
    const r = overlayResolver(memoryResolver({}), [zone], { complete: true });
    const res = await r.query('nothing.example.org', 'TXT');
    expect(res.kind === 'ok' && res.records[0]).toMatchObject({
      name: 'nothing.example.org',
      data: ['v=spf1 -all'],
    });
    expect((await r.query('host.example.org', 'TXT')).kind).toBe('nodata'); // the name exists: no synthesis
  });

  it('complete: names below a delegation the file makes are asked live', async () => {
    const live = memoryResolver({ 'www.sub.example.com': { A: '192.0.2.80' } });
    const zone = proposed('@ SOA ns hm 1 2 3 4 5\nsub NS ns.elsewhere.example.\n');
    const r = overlayResolver(live, [zone], { complete: true });
    expect((await r.query('www.sub.example.com', 'A')).kind).toBe('ok');
    expect((await r.query('sub.example.com', 'NS')).kind).toBe('ok');
    expect(live.asked).toEqual(['A www.sub.example.com']);
  });

  it('a CNAME in the overlay is followed through the overlay, then live', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [
      proposed('www CNAME web\nweb CNAME target.example.net.\n'),
    ]);
    const res = await r.query('www.example.com', 'TXT');
    expect(res).toMatchObject({
      name: 'www.example.com',
      kind: 'ok',
      cnameChain: ['web.example.com', 'target.example.net'],
      ad: false,
    });
    expect(res.kind === 'ok' && res.records[0]?.data).toEqual(['live target']);
  });

  it('a live CNAME into an overlaid name continues in the overlay', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('new TXT "proposed"')]);
    const res = await r.query('ext.example.org', 'TXT');
    expect(res).toMatchObject({ kind: 'ok', cnameChain: ['new.example.com'] });
    expect(res.kind === 'ok' && res.records[0]?.data).toEqual(['proposed']);
    expect(r.served()).toEqual([{ name: 'new.example.com', type: 'TXT' }]);
  });

  it(`a CNAME loop or a chain over ${MAX_CNAME_HOPS} hops is an error, not a hang`, async () => {
    const loop = overlayResolver(memoryResolver({}), [proposed('a CNAME b\nb CNAME a\n')]);
    expect(await loop.query('a.example.com', 'A')).toMatchObject({ kind: 'error', detail: 'CNAME loop' });
    const hops = Array.from({ length: MAX_CNAME_HOPS + 2 }, (_, i) => `c${i} CNAME c${i + 1}`).join('\n');
    const long = overlayResolver(memoryResolver({}), [proposed(hops)]);
    expect(await long.query('c0.example.com', 'A')).toMatchObject({
      kind: 'error',
      detail: 'CNAME chain too long',
    });
  });

  it('a live SERVFAIL or timeout stays an error for names the overlay does not replace', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('@ TXT "v=spf1 -all"')]);
    expect(await r.query('flaky.example.com', 'TXT')).toMatchObject({ kind: 'error', error: 'servfail' });
    expect(await r.query('slow.example.com', 'A')).toMatchObject({ kind: 'error', error: 'timeout' });
    // Also with complete: the live failure is outside what the file replaces.
    const other = parseMasterFile('$ORIGIN other.test.\n@ SOA ns hm 1 2 3 4 5\n', { file: 'o.zone' });
    const c = overlayResolver(memoryResolver(LIVE), [other], { complete: true });
    expect(await c.query('flaky.example.com', 'TXT')).toMatchObject({ kind: 'error', error: 'servfail' });
  });

  it('the overlay replaces a live failure it defines', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('flaky TXT "fixed"')]);
    expect(await r.query('flaky.example.com', 'TXT')).toMatchObject({ kind: 'ok' });
  });

  it('a later file replaces an earlier one for the same name and type', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('@ TXT "first"'), proposed('@ TXT "second"')]);
    const res = await r.query('example.com', 'TXT');
    expect(res.kind === 'ok' && res.records.map((x) => x.data)).toEqual([['second']]);
  });

  it('a YAML empty list removes a live record (NODATA)', async () => {
    const zone = parseOverlay('_dmarc.example.com: {TXT: []}\n', 'rm.yaml');
    const r = overlayResolver(memoryResolver(LIVE), [zone]);
    expect((await r.query('_dmarc.example.com', 'TXT')).kind).toBe('nodata');
  });

  it('complete needs an origin', () => {
    const zone = parseOverlay('a.example.com: {A: 192.0.2.1}\nb.example.net: {A: 192.0.2.2}\n', 'x.yaml');
    expect(() => overlayResolver(memoryResolver({}), [zone], { complete: true })).toThrow(/no origin/);
  });

  it('an aborted question is an error, never an answer', async () => {
    const r = overlayResolver(memoryResolver(LIVE), [proposed('@ TXT "x"')]);
    const res = await r.query('example.com', 'TXT', { signal: AbortSignal.abort() });
    expect(res).toMatchObject({ kind: 'error', error: 'timeout' });
  });
});

describe('overlayProbe', () => {
  it('replaces DNS only and owns nothing (no close)', async () => {
    const base = memoryProbe(memoryResolver(LIVE));
    const smtp = { probe: async () => ({}) as never };
    const view = overlayProbe({ ...base, smtp, close: () => {} }, [proposed('@ TXT "x"')]);
    expect(view.smtp).toBe(smtp);
    expect(view.close).toBeUndefined();
    expect((await view.dns.query('example.com', 'TXT')).kind).toBe('ok');
    expect(view.served()).toEqual([{ name: 'example.com', type: 'TXT' }]);
    expect(view.counters()).toEqual(base.counters());
  });
});
