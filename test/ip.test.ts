import { describe, expect, it } from 'vitest';
import { isAddressLiteral, normalizeIp, parseIp, reverseName } from '../src/ip.js';

describe('parseIp / normalizeIp', () => {
  it.each([
    ['192.0.2.10', '192.0.2.10'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952 4.2.3: first of equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // RFC 5952 4.2.2: a single 0 group is not compressed
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::1.2.3.4', '::102:304'],
    ['1::2:1.2.3.4', '1::2:102:304'],
    ['::', '::'],
  ])('%s -> %s', (input, canonical) => {
    expect(normalizeIp(input)).toBe(canonical);
  });

  it.each([
    '01.2.3.4',
    '1.2.3',
    '256.1.1.1',
    'fe80::1%eth0',
    '[::1]',
    'example.com',
    '',
    '1:2:3:4:5:6:7:8:9',
  ])('refuses %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });
});

describe('reverseName', () => {
  it('IPv4 in-addr.arpa (RFC 1035 3.5)', () => {
    expect(reverseName(parseIp('192.0.2.10')!)).toBe('10.2.0.192.in-addr.arpa');
  });
  it('IPv6 nibbles in ip6.arpa (RFC 3596 2.5)', () => {
    expect(reverseName(parseIp('2001:db8::567:89ab')!)).toBe(
      'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
  it('IPv4-mapped IPv6 is looked up as IPv4', () => {
    expect(reverseName(parseIp('::ffff:198.51.100.7')!)).toBe('7.100.51.198.in-addr.arpa');
  });
});

describe('isAddressLiteral', () => {
  it.each([
    ['192.0.2.1', true],
    ['192.0.2.1.', true],
    ['[192.0.2.1]', true],
    ['[IPv6:2001:db8::1]', true],
    ['2001:db8::1', true],
    ['mx.example.com', false],
    ['1.2.3.4.example', false],
  ])('%s -> %s', (input, expected) => {
    expect(isAddressLiteral(input)).toBe(expected);
  });
});
