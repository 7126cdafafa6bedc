import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseServerSpec, readResolvConf } from '../../src/probe/resolvconf.js';

describe('parseServerSpec', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    [' 10.0.0.2 ', { host: '10.0.0.2', port: 53 }],
    ['::1', { host: '::1', port: 53 }],
    ['fd00::53', { host: 'fd00::53', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['[::1]', { host: '::1', port: 53 }],
  ])('accepts %s', (spec, expected) => {
    expect(parseServerSpec(spec)).toEqual(expected);
  });

  it.each([
    'localhost',
    'dns.example.com:53',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1:',
    '127.0.0.1:53x',
    '[127.0.0.1]:53',
    '[::1]:x',
    '',
    '300.1.1.1',
  ])('rejects %j with a UsageError', (spec) => {
    expect(() => parseServerSpec(spec)).toThrow(UsageError);
  });

  it('says what is expected', () => {
    expect(() => parseServerSpec('localhost')).toThrow(/localhost.*not an IP address.*127\.0\.0\.1:5353/);
  });
});

describe('readResolvConf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probe-resolvconf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads nameserver lines, skipping comments and non-addresses, stripping %scope', () => {
    const path = join(dir, 'resolv.conf');
    writeFileSync(
      path,
      [
        '# generated',
        '; also a comment',
        'search example.com',
        'nameserver 192.0.2.53',
        '#nameserver 192.0.2.99',
        'nameserver   fe80::1%eth0   # link-local',
        'nameserver 2001:db8::53',
        'nameserver not-an-ip',
        'options edns0 rotate',
        'nameserver\t198.51.100.1\r',
      ].join('\n'),
    );
    expect(readResolvConf(path)).toEqual([
      { host: '192.0.2.53', port: 53 },
      { host: 'fe80::1', port: 53 },
      { host: '2001:db8::53', port: 53 },
      { host: '198.51.100.1', port: 53 },
    ]);
  });

  it('gives [] for a missing file', () => {
    expect(readResolvConf(join(dir, 'absent.conf'))).toEqual([]);
  });
});
