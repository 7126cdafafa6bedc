import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../src/config.js';
import { UsageError } from '../src/errors.js';
import { normalizeDomain, normalizeIp, normalizeTarget } from '../src/target.js';

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['_dmarc.example.com', '_dmarc.example.com'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['192.0.2.1', /IP address/],
    ['[2001:db8::1]', /IP address/],
    ['2001:db8::1', /IP address/],
    ['a..example.com', /empty label|not a valid/],
    ['exa mple.com', /not allowed/],
    ['user@example.com', /not allowed/],
    [`${'a'.repeat(64)}.com`, /label of 64/],
    [`${'abcdefghi.'.repeat(26)}com`, /DNS allows 253/],
    ['localhost', /single label/],
    ['a.123', /numeric|not a valid/],
    ['-bad.example.com', /invalid label/],
  ])('rejects %j with a clear usage error', (input, message) => {
    expect(() => normalizeDomain(input)).toThrow(UsageError);
    expect(() => normalizeDomain(input)).toThrow(message);
  });
});

describe('normalizeIp and normalizeTarget', () => {
  it('canonicalises IPv6 and keeps IPv4', () => {
    expect(normalizeIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normalizeIp('[::1]')).toBe('::1');
    expect(normalizeIp('192.0.2.1')).toBe('192.0.2.1');
    expect(() => normalizeIp('192.0.2.256')).toThrow(UsageError);
    expect(() => normalizeIp('mail.example.com')).toThrow(/not an IP address/);
  });

  it('normalises a whole target, de-duplicating IPs and selectors', () => {
    const t = normalizeTarget({
      domain: 'Example.com',
      ips: ['192.0.2.1', '192.0.2.1', '2001:db8::1'],
      helo: 'Mail.Example.com',
      mailFrom: 'bounce@Bounces.Example.com',
      dkimSelectors: ['S1', 's1', 'google'],
    });
    expect(t).toEqual({
      domain: 'example.com',
      ips: ['192.0.2.1', '2001:db8::1'],
      helo: 'mail.example.com',
      mailFrom: 'bounces.example.com',
      dkimSelectors: ['s1', 'google'],
      profile: 'bulk',
    });
    expect(() => normalizeTarget({ domain: 'example.com', profile: 'marketing' })).toThrow(
      /bulk or transactional/,
    );
    expect(() => normalizeTarget({ domain: 'example.com', dkimSelectors: ['bad selector'] })).toThrow(
      /selector/,
    );
  });

  it('keeps dkimDiscovery false only with selectors given: with none, discovery is the only way to a key', () => {
    expect(
      normalizeTarget({ domain: 'example.com', dkimSelectors: ['s1'], dkimDiscovery: false }).dkimDiscovery,
    ).toBe(false);
    expect(normalizeTarget({ domain: 'example.com', dkimDiscovery: false })).not.toHaveProperty(
      'dkimDiscovery',
    );
    expect(
      normalizeTarget({ domain: 'example.com', dkimSelectors: ['s1'], dkimDiscovery: true }),
    ).not.toHaveProperty('dkimDiscovery');
  });
});

describe('config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-config-'));
  it('reads YAML and JSON with both spellings of the keys', () => {
    const y = join(dir, 'a.yaml');
    writeFileSync(
      y,
      'domain: example.com\nips: [192.0.2.1]\nmail-from: b.example.com\ndkim-selectors: s1\ntimeout: 500\n',
    );
    expect(readConfigFile(y)).toEqual({
      domain: 'example.com',
      ips: ['192.0.2.1'],
      mailFrom: 'b.example.com',
      dkimSelectors: ['s1'],
      timeoutMs: 500,
    });
    writeFileSync(y, 'domain: example.com\ndkim-discovery: false\n');
    expect(readConfigFile(y)).toEqual({ domain: 'example.com', dkimDiscovery: false });
    const j = join(dir, 'a.json');
    writeFileSync(
      j,
      JSON.stringify({ domain: 'example.com', dkimSelectors: ['a', 'b'], profile: 'transactional' }),
    );
    expect(readConfigFile(j)).toEqual({
      domain: 'example.com',
      dkimSelectors: ['a', 'b'],
      profile: 'transactional',
    });
  });

  it('names the problem in a bad config', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'domain: [1, 2]\n');
    expect(() => readConfigFile(bad)).toThrow(/"domain" must be a string/);
    writeFileSync(bad, 'dkimDiscovery: "no"\n');
    expect(() => readConfigFile(bad)).toThrow(/"dkimDiscovery" must be true or false/);
    writeFileSync(bad, 'colour: blue\n');
    expect(() => readConfigFile(bad)).toThrow(/unknown option "colour"/);
    writeFileSync(bad, 'domain: "unterminated\n');
    expect(() => readConfigFile(bad)).toThrow(UsageError);
    expect(() => readConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read config/);
  });
});
