import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  checkConcurrency,
  mergeFleetInputs,
  parseDomainsFile,
  parseFleetConfig,
} from '../../src/fleet/config.js';
import { identityKey } from '../../src/fleet/key.js';

const CONFIG = `# fleet
defaults:
  profile: transactional
  dkimSelectors: [s1]
resolvers: ["127.0.0.1:5353"]
concurrency: 8
timeout: 1500
identities:
  - domain: a.example
    ips: [192.0.2.1]
    helo: mail.a.example
  - b.example
  - domain: "bad domain"
  - ips: [192.0.2.9]
  - domain: c.example
    ips: [not-an-ip]
  - b.example
  - 42
  - domain: d.example
    bogus: 1
  - domain: e.example
    profile: bulk
    dkimSelectors: [k1, k2]
`;

describe('parseFleetConfig', () => {
  it('applies defaults, keeps valid entries and reports invalid ones with their line', () => {
    const input = parseFleetConfig(CONFIG, 'fleet.yaml');
    expect(input.identities.map((i) => [i.target.domain, i.line])).toEqual([
      ['a.example', 9],
      ['b.example', 12],
      ['e.example', 21],
    ]);
    expect(input.identities[0]?.target).toEqual({
      domain: 'a.example',
      ips: ['192.0.2.1'],
      helo: 'mail.a.example',
      dkimSelectors: ['s1'],
      profile: 'transactional',
    });
    expect(input.identities[2]?.target.profile).toBe('bulk');
    expect(input.identities[2]?.target.dkimSelectors).toEqual(['k1', 'k2']);
    expect(input.invalid.map((e) => e.line)).toEqual([13, 14, 15, 17, 18, 19]);
    expect(input.invalid[0]?.message).toMatch(/not allowed in a domain/);
    expect(input.invalid[1]?.message).toMatch(/no "domain"/);
    expect(input.invalid[2]?.message).toMatch(/not an IP address/);
    expect(input.invalid[3]?.message).toMatch(/same identity as fleet.yaml line 12/);
    expect(input.invalid[5]?.message).toMatch(/unknown option "bogus"/);
    expect(input.invalidCount).toBe(6);
    expect(input.resolvers).toEqual(['127.0.0.1:5353']);
    expect(input.concurrency).toBe(8);
    expect(input.timeoutMs).toBe(1500);
  });

  it('dkimDiscovery: false in the defaults reaches every identity that gives selectors', () => {
    const input = parseFleetConfig(
      'defaults:\n  dkimSelectors: [s1]\n  dkimDiscovery: false\nidentities:\n  - a.example\n  - {domain: b.example, dkimDiscovery: true}\n',
      'f.yaml',
    );
    expect(input.identities.map((i) => [i.target.domain, i.target.dkimDiscovery])).toEqual([
      ['a.example', false],
      ['b.example', undefined],
    ]);
  });

  it('reads JSON too, with line numbers', () => {
    const json = '{\n "identities": [\n  {"domain": "a.example"},\n  {"domain": "-bad-.example"}\n ]\n}\n';
    const input = parseFleetConfig(json, 'f.json');
    expect(input.identities.map((i) => i.line)).toEqual([3]);
    expect(input.invalid).toEqual([
      { file: 'f.json', line: 4, message: expect.stringMatching(/invalid label/) },
    ]);
  });

  it('rejects a broken file or top level as a usage error', () => {
    expect(() => parseFleetConfig('identities: [a.example', 'f.yaml')).toThrow(UsageError);
    expect(() => parseFleetConfig('- a.example\n', 'f.yaml')).toThrow(/mapping/);
    expect(() => parseFleetConfig('identities: {}\n', 'f.yaml')).toThrow(/must be a list/);
    expect(() => parseFleetConfig('identitees: []\n', 'f.yaml')).toThrow(/unknown top-level key/);
    expect(() => parseFleetConfig('concurrency: 0\nidentities: []\n', 'f.yaml')).toThrow(/concurrency/);
    expect(() => parseFleetConfig('defaults: {resolvers: [x]}\nidentities: []\n', 'f.yaml')).toThrow(
      /top of the config/,
    );
  });

  it('bounds YAML alias expansion (billion laughs)', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'identities: [*d]',
    ].join('\n');
    expect(() => parseFleetConfig(bomb, 'bomb.yaml')).toThrow(UsageError);
  });
});

describe('parseDomainsFile', () => {
  it('one domain per line, # comments and blank lines skipped, bad lines reported by number', () => {
    const text =
      '# my domains\na.example\n\n  b.example   # trailing comment\nbad..example\nc.example d.example\n192.0.2.1\nA.EXAMPLE\n';
    const input = parseDomainsFile(text, 'domains.txt', { profile: 'transactional' });
    expect(input.identities.map((i) => [i.target.domain, i.line, i.target.profile])).toEqual([
      ['a.example', 2, 'transactional'],
      ['b.example', 4, 'transactional'],
    ]);
    expect(input.invalid.map((e) => [e.line, e.message])).toEqual([
      [5, expect.stringMatching(/empty label/)],
      [6, expect.stringMatching(/one domain per line/)],
      [7, expect.stringMatching(/IP address/)],
      [8, expect.stringMatching(/same identity as domains.txt line 2/)],
    ]);
  });
});

describe('identity keys', () => {
  it('differ for two identities of one domain and ignore the order of IPs', () => {
    const a = identityKey({ domain: 'x.example', ips: ['192.0.2.1', '192.0.2.2'], profile: 'bulk' });
    const b = identityKey({ domain: 'x.example', ips: ['192.0.2.2', '192.0.2.1'], profile: 'bulk' });
    const c = identityKey({ domain: 'x.example', ips: [], profile: 'bulk' });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^x\.example-[0-9a-f]{8}$/);
  });

  it('merging inputs drops identities repeated across files', () => {
    const merged = mergeFleetInputs([
      parseDomainsFile('a.example\nb.example\n', 'one.txt'),
      parseDomainsFile('b.example\nc.example\n', 'two.txt'),
    ]);
    expect(merged.identities.map((i) => i.target.domain)).toEqual(['a.example', 'b.example', 'c.example']);
    expect(merged.invalid).toEqual([
      { file: 'two.txt', line: 1, message: expect.stringMatching(/one.txt line 2/) },
    ]);
    expect(merged.inputs).toEqual(['one.txt', 'two.txt']);
  });

  it('checkConcurrency takes 1..1024 only', () => {
    expect(checkConcurrency('16')).toBe(16);
    expect(() => checkConcurrency('0')).toThrow(UsageError);
    expect(() => checkConcurrency('1.5')).toThrow(UsageError);
    expect(() => checkConcurrency(5000)).toThrow(UsageError);
  });
});
