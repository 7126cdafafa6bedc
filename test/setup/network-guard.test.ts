import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopback, violations } from './network-guard.js';

describe('network guard (tests never leave loopback)', () => {
  it('classifies addresses', () => {
    for (const h of ['127.0.0.1', '127.0.0.53', '::1', '[::1]', 'localhost'])
      expect(isLoopback(h), h).toBe(true);
    for (const h of ['192.0.2.1', '203.0.113.8', '10.0.0.1', '2001:db8::1', 'example.com'])
      expect(isLoopback(h), h).toBe(false);
  });

  it('refuses a TCP connect to a non-loopback address before any packet', () => {
    expect(() => net.connect({ host: '192.0.2.1', port: 25 })).toThrow(/network guard/);
    expect(() => net.connect(25, '198.51.100.1')).toThrow(/network guard/);
    violations.splice(0); // expected here: do not fail this test for them
  });

  it('refuses a UDP send to a non-loopback address', () => {
    const s = dgram.createSocket('udp4');
    try {
      expect(() => s.send(Buffer.from('x'), 53, '192.0.2.53')).toThrow(/network guard/);
      violations.splice(0);
    } finally {
      s.close();
    }
  });
});
