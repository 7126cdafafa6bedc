import { describe, expect, it } from 'vitest';
import { cidrMatch, formatIPv6, parseIPv4, parseIPv6, parseIp, reverseName } from '../../../src/ip-bytes.js';

describe('parseIPv4', () => {
  it('accepts dotted quads without leading zeros (RFC 7208 5.6 qnum)', () => {
    expect(Array.from(parseIPv4('192.0.2.255') ?? [])).toEqual([192, 0, 2, 255]);
    for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1.2.3.4 ', '', 'a.b.c.d']) {
      expect(parseIPv4(bad), bad).toBeUndefined();
    }
  });
});

describe('parseIPv6', () => {
  it('accepts RFC 4291 2.2 forms', () => {
    for (const ok of [
      '::',
      '::1',
      '2001:db8::',
      '1:2:3:4:5:6:7:8',
      '::ffff:1.2.3.4',
      '1::2:3.4.5.6',
      'CAFE:BABE::1',
    ]) {
      expect(parseIPv6(ok), ok).toBeDefined();
    }
    expect(formatIPv6(parseIPv6('1::2:3.4.5.6') ?? new Uint8Array())).toBe('1::2:304:506');
  });
  it('rejects malformed forms', () => {
    for (const bad of [
      ':CAFE::BABE',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'fe80::1%eth0',
      '::1.2.3',
      ':',
    ]) {
      expect(parseIPv6(bad), bad).toBeUndefined();
    }
  });
  it('formats per RFC 5952 (longest zero run, lower case)', () => {
    expect(formatIPv6(parseIPv6('2001:DB8:0:0:1:0:0:1') ?? new Uint8Array())).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6(parseIPv6('1:0:2:3:4:5:6:7') ?? new Uint8Array())).toBe('1:0:2:3:4:5:6:7');
  });
});

describe('parseIp', () => {
  it('treats IPv4-mapped IPv6 as IPv4 (RFC 7208 5.6)', () => {
    expect(parseIp('::FFFF:192.0.2.1')?.family).toBe(4);
    expect(parseIp('2001:db8::1')?.family).toBe(6);
    expect(parseIp('nonsense')).toBeUndefined();
  });
});

describe('cidrMatch', () => {
  const a = parseIPv4('192.0.2.130') ?? new Uint8Array();
  it('matches on prefix bits, including non-byte boundaries and /0', () => {
    expect(cidrMatch(a, parseIPv4('192.0.2.128') ?? new Uint8Array(), 25)).toBe(true);
    expect(cidrMatch(a, parseIPv4('192.0.2.0') ?? new Uint8Array(), 25)).toBe(false);
    expect(cidrMatch(a, parseIPv4('10.0.0.0') ?? new Uint8Array(), 0)).toBe(true);
    expect(cidrMatch(a, parseIPv6('::') ?? new Uint8Array(), 0)).toBe(false);
  });
});

describe('reverseName', () => {
  it('builds in-addr.arpa and ip6.arpa names', () => {
    expect(reverseName(parseIp('192.0.2.3') ?? { family: 4, bytes: new Uint8Array(4) })).toBe(
      '3.2.0.192.in-addr.arpa',
    );
    const v6 = parseIp('2001:db8::cb01');
    if (!v6) throw new Error('parse');
    expect(reverseName(v6)).toBe('1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });
});
