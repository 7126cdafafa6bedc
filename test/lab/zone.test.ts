import { describe, expect, it } from 'vitest';
import { lookup } from '../../src/lab/lookup.js';
import { parseZoneYaml, type ZoneRecord, zoneFromObject } from '../../src/lab/zone.js';

function records(yaml: string, owner: string, type: string): ZoneRecord[] | string | undefined {
  return parseZoneYaml(yaml)
    .nodes.get(owner)
    ?.rrsets.get(type as never);
}

describe('parseZoneYaml', () => {
  it('normalizes owner names: case, trailing dot', () => {
    const zone = parseZoneYaml('Example.COM.: {A: 192.0.2.1}');
    expect([...zone.nodes.keys()]).toEqual(['example.com']);
  });

  it('reads every record form', () => {
    const zone = parseZoneYaml(`
x.test:
  ttl: 42
  a: 192.0.2.1
  MX: ["10 mx.test", {preference: 20, exchange: MX2.test.}, "0 ."]
  TXT: ["one", ["two", "parts"], ""]
  SOA: "ns.test host.test 1 2 3 4 5"
  TLSA: "3 1 1 AbCd"
  CNAME: y.test
`);
    const node = zone.nodes.get('x.test')!;
    expect(node.ttl).toBe(42);
    expect(node.rrsets.get('A')).toEqual([{ type: 'A', data: '192.0.2.1' }]);
    expect(node.rrsets.get('MX')).toEqual([
      { type: 'MX', data: { preference: 10, exchange: 'mx.test' } },
      { type: 'MX', data: { preference: 20, exchange: 'mx2.test' } },
      { type: 'MX', data: { preference: 0, exchange: '' } },
    ]);
    const txt = node.rrsets.get('TXT') as ZoneRecord[];
    expect(txt.map((r) => (r.data as Buffer[]).map((b) => b.toString()))).toEqual([
      ['one'],
      ['two', 'parts'],
      [''],
    ]);
    expect(node.rrsets.get('SOA')).toEqual([
      {
        type: 'SOA',
        data: {
          mname: 'ns.test',
          rname: 'host.test',
          serial: 1,
          refresh: 2,
          retry: 3,
          expire: 4,
          minimum: 5,
        },
      },
    ]);
    expect(node.rrsets.get('TLSA')).toEqual([
      { type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, data: 'abcd' } },
    ]);
  });

  it('splits long strings at 255 bytes, counting UTF-8 bytes (RFC 1035 3.3)', () => {
    const txt = records(`a.test: {TXT: "${'é'.repeat(200)}"}`, 'a.test', 'TXT') as ZoneRecord[];
    expect((txt[0]!.data as Buffer[]).map((b) => b.length)).toEqual([255, 145]);
  });

  it('fault markers per name and per type; a quoted list publishes the word itself', () => {
    const zone = parseZoneYaml(
      'a.test: TIMEOUT\nb.test: {TXT: SERVFAIL, A: 192.0.2.1}\nc.test: {TXT: [TIMEOUT]}',
    );
    expect(zone.nodes.get('a.test')?.fault).toBe('TIMEOUT');
    expect(zone.nodes.get('b.test')?.rrsets.get('TXT')).toBe('SERVFAIL');
    const c = zone.nodes.get('c.test')?.rrsets.get('TXT') as ZoneRecord[];
    expect((c[0]!.data as Buffer[])[0]!.toString()).toBe('TIMEOUT');
  });

  it('reads $latency as a number or a range', () => {
    expect(parseZoneYaml('$latency: 20').latencyMs).toBe(20);
    expect(parseZoneYaml('$latency: "20-50"').latencyMs).toEqual([20, 50]);
  });

  it('an entry with no value is a name that exists without records', () => {
    const zone = parseZoneYaml('a.test:\n');
    expect(lookup(zone, 'a.test', 'A')).toMatchObject({ kind: 'answer', rcode: 'NOERROR', answers: [] });
  });

  it.each([
    ['a.test: {A: 999.1.1.1}', /a\.test: A record must be an IPv4 address, got "999\.1\.1\.1"/],
    ['a.test: {AAAA: 192.0.2.1}', /a\.test: AAAA record must be an IPv6 address/],
    ['a.test: {MX: "mx.test"}', /a\.test: MX record must be "<preference> <exchange>", got "mx\.test"/],
    ['a.test: {MX: "70000 mx.test"}', /a\.test: MX preference must be an integer 0\.\.65535, got "70000"/],
    ['a.test: {SOA: "ns.test host.test 1 2"}', /a\.test: SOA record must be "mname rname serial/],
    ['a.test: {TLSA: "3 1 1 xyz"}', /a\.test: TLSA record must be/],
    [
      'a.test: {CNAME: [b.test, c.test]}',
      /a\.test: a name has at most one CNAME \(RFC 1034 3\.6\.2\), got 2/,
    ],
    ['a.test: {TXT: {a: 1}}', /a\.test: TXT record must be a string or a list of strings/],
    ['a.test: {SRV: "x"}', /a\.test: unknown record type "SRV"/],
    ['a.test: {TTL: -1}', /a\.test: TTL must be an integer/],
    ['a.test: 42', /a\.test: entry must be a map of TYPE -> records or one of TIMEOUT/],
    ['a.test: TIMEOUTS', /a\.test: entry must be a map/],
    ['a..test: {A: 192.0.2.1}', /owner "a\.\.test" has an empty label/],
    [`${'x'.repeat(64)}.test: {A: 192.0.2.1}`, /has a label of 64 octets \(max 63, RFC 1035 2\.3\.4\)/],
    ['a.test: {PTR: "b..test"}', /a\.test: PTR target "b\.\.test" has an empty label/],
    ['a.test: {A: 192.0.2.1}\nA.TEST.: {A: 192.0.2.2}', /owner "A\.TEST\." is listed twice/],
    ['$latncy: 5', /unknown directive "\$latncy"/],
    ['$latency: "50-20"', /\$latency must be a number of ms or "min-max"/],
    ['- a\n- b', /zone must be a map of owner name -> entry/],
    ['a.test: {A: [192.0.2.1', /zone YAML does not parse/],
  ])('rejects %j with a clear message', (yaml, message) => {
    expect(() => parseZoneYaml(yaml)).toThrow(message);
  });

  it('zoneFromObject accepts Buffers for byte-exact text', () => {
    const zone = zoneFromObject({ 'a.test': { TXT: [[Buffer.from([0x80, 0x41])]] } });
    const txt = zone.nodes.get('a.test')?.rrsets.get('TXT') as ZoneRecord[];
    expect(txt[0]!.data).toEqual([Buffer.from([0x80, 0x41])]);
  });
});

describe('lookup', () => {
  it('stops a CNAME chain after 8 hops', () => {
    const obj: Record<string, unknown> = { 'c10.test': { A: '192.0.2.1' } };
    for (let i = 0; i < 10; i++) obj[`c${i}.test`] = { CNAME: `c${i + 1}.test` };
    const zone = zoneFromObject(obj);
    const long = lookup(zone, 'c0.test', 'A');
    expect(long.kind === 'answer' && long.answers.map((a) => a.record.type)).toEqual(Array(8).fill('CNAME'));
    const eight = lookup(zone, 'c2.test', 'A');
    expect(eight.kind === 'answer' && eight.answers.map((a) => a.record.type)).toEqual([
      ...Array(8).fill('CNAME'),
      'A',
    ]);
  });

  it('a TIMEOUT at the end of a CNAME chain times the question out', () => {
    const zone = parseZoneYaml('a.test: {CNAME: b.test}\nb.test: TIMEOUT');
    expect(lookup(zone, 'a.test', 'TXT')).toEqual({ kind: 'timeout' });
  });

  it('a wildcard at the root of the lab matches any unlisted name', () => {
    const zone = parseZoneYaml('"*": {A: 192.0.2.1}\nb.test: {TXT: x}');
    expect(lookup(zone, 'z.y.x', 'A')).toMatchObject({ rcode: 'NOERROR', answers: [{ owner: 'z.y.x' }] });
    expect(lookup(zone, 'c.b.test', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });
});
