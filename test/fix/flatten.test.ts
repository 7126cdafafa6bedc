/**
 * SPF flattening (RFC 7208 4.6.4 lookup limit): the flattened record authorises exactly the
 * addresses the original tree does, evaluated by the project's check_host(), with at most 10
 * lookups, every TXT answer within 512 octets (3.4) and every string within 255 (3.3); macros
 * and exists: are kept as written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHost } from '../../checks/spf/evaluate.js';
import { audit } from '../../src/audit.js';
import { proposeFixes } from '../../src/fix/propose.js';
import { renderFixFragment } from '../../src/fix/render.js';
import { parseMasterFile } from '../../src/overlay/master-file.js';
import { overlayResolver } from '../../src/overlay/resolver.js';
import type { Resolver } from '../../src/probe/types.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../helpers/memory-resolver.js';
import { FIX_WORLD } from './worlds.js';

const NOW = new Date('2026-01-15T10:00:00Z');
/** Lookups the original may use when it is the reference (its own limit is what the fix removes). */
const UNLIMITED = 1000;

const WORLD: ZoneObject = {
  ...FIX_WORLD,
  // The macro include and the exists: term answer for one address each.
  'heavy.fix.example.macro.example': { TXT: 'v=spf1 ip4:192.0.2.200 -all' },
  '192.0.2.210._spf.heavy.fix.example': { A: '127.0.0.2' },
};

/** Many providers with many ranges: the flattened record needs splitting (over 512 octets). */
function wideWorld(): ZoneObject {
  const zone: ZoneObject = {};
  const includes: string[] = [];
  for (let p = 0; p < 12; p++) {
    const ranges = Array.from({ length: 8 }, (_, i) => `ip4:10.${p}.${i * 2}.0/24`);
    zone[`_spf.w${p}.example`] = { TXT: `v=spf1 ${ranges.join(' ')} ip6:2001:db8:${p}::/48 ~all` };
    includes.push(`include:_spf.w${p}.example`);
  }
  zone['wide.fix.example'] = {
    SOA: 'ns1.wide.fix.example hostmaster.wide.fix.example 1 7200 3600 1209600 300',
    TXT: `v=spf1 ${includes.join(' ')} -all`,
  };
  return zone;
}

async function flattened(world: ZoneObject, domain: string) {
  const probe = memoryProbe(memoryResolver(world));
  const report = await audit({ domain }, { probe, checks: ['spf'] });
  const plan = await proposeFixes(report, { resolver: probe.dns, now: NOW });
  const fragment = renderFixFragment(plan);
  const zone = parseMasterFile(fragment, { file: 'fix' });
  const fixed = overlayResolver(memoryResolver(world), [zone]);
  return { report, plan, fragment, fixed };
}

async function result(resolver: Resolver, domain: string, ip: string, maxDnsTerms?: number) {
  const r = await checkHost(
    { ip, domain, sender: `postmaster@${domain}`, helo: domain },
    resolver,
    maxDnsTerms === undefined ? {} : { maxDnsTerms, maxVoidLookups: UNLIMITED },
  );
  return r;
}

/** Addresses at the edges of every range the tree names: first, last, one before, one after. */
const EDGES = [
  '192.0.2.9',
  '192.0.2.10',
  '192.0.2.11',
  '192.0.2.12',
  '192.0.2.20',
  '192.0.2.21',
  '192.0.2.49',
  '192.0.2.50',
  '192.0.2.51',
  '192.0.2.127',
  '192.0.2.128',
  '192.0.2.143',
  '192.0.2.144',
  '192.0.2.159',
  '192.0.2.160',
  '192.0.2.175',
  '192.0.2.176',
  '192.0.2.200',
  '192.0.2.201',
  '192.0.2.210',
  '198.51.100.0',
  '198.51.100.127',
  '198.51.100.128',
  '198.51.100.191',
  '198.51.100.192',
  '198.51.100.223',
  '198.51.100.224',
  '203.0.113.0',
  '203.0.113.7',
  '203.0.113.8',
  '203.0.113.15',
  '203.0.113.16',
  '203.0.113.31',
  '203.0.113.32',
  '2001:db8:100::1',
  '2001:db8:101::1',
  '2001:db8:200::10',
  '2001:db8:200::11',
  '10.0.0.1',
];

describe('SPF flattening', () => {
  it('an include tree over 10 lookups becomes one record with the same authorised addresses', async () => {
    const { report, plan, fragment, fixed } = await flattened(WORLD, 'heavy.fix.example');
    expect(report.checks.spf?.findings.map((f) => f.id)).toContain('spf/too-many-lookups');
    const spf = plan.fixes.find((f) => f.kind === 'spf');
    expect(spf?.findings).toContain('spf/too-many-lookups');
    expect(fragment).toMatch(/WARNING: flattened on 2026-01-15: .*go stale/);
    const record = spf?.records[0]?.values[0] ?? '';
    // Macros and exists: are kept as written; a, mx and the includes are gone.
    expect(record).toContain('exists:%{i}._spf.heavy.fix.example');
    expect(record).toContain('include:%{d}.macro.example');
    expect(record).not.toMatch(/ (a|mx)( |:)|include:_spf\.p1/);
    // The verification TXT record at the name is kept.
    expect(spf?.records[0]?.values).toContain('verification=xyz');
    const original = memoryResolver(WORLD);
    for (const ip of EDGES) {
      const before = await result(original, 'heavy.fix.example', ip, UNLIMITED);
      const after = await result(fixed, 'heavy.fix.example', ip);
      expect(after.result, `${ip}: ${after.trace.join('\n')}`).toBe(before.result);
      expect(after.lookups.dnsTerms).toBeLessThanOrEqual(10);
    }
  });

  it('is exact for any address (fast-check over the ranges and around them)', async () => {
    const { fixed } = await flattened(WORLD, 'heavy.fix.example');
    const original = memoryResolver(WORLD);
    const v4 = fc
      .tuple(
        fc.constantFrom('192.0.2', '198.51.100', '203.0.113', '10.0.0'),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([net, host]) => `${net}.${host}`);
    const v6 = fc
      .tuple(
        fc.constantFrom('2001:db8:100', '2001:db8:200', '2001:db8:300'),
        fc.integer({ min: 0, max: 0xffff }),
      )
      .map(([net, host]) => `${net}::${host.toString(16)}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(v4, v6), async (ip) => {
        const before = await result(original, 'heavy.fix.example', ip, UNLIMITED);
        const after = await result(fixed, 'heavy.fix.example', ip);
        expect(after.result).toBe(before.result);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('a record over 512 octets is split over _spf1, _spf2... includes, each answer within the limits (RFC 7208 3.3, 3.4)', async () => {
    const world = wideWorld();
    const { plan, fragment, fixed } = await flattened(world, 'wide.fix.example');
    const spf = plan.fixes.find((f) => f.kind === 'spf');
    const names = spf?.records.map((r) => r.name) ?? [];
    expect(names[0]).toBe('wide.fix.example');
    expect(names.slice(1)).toEqual(names.slice(1).map((_, i) => `_spf${i + 1}.wide.fix.example`));
    expect(names.length).toBeGreaterThan(2);
    for (const r of spf?.records ?? []) {
      const bytes = r.values.reduce(
        (n, v) => n + Buffer.byteLength(v) + Math.ceil(Buffer.byteLength(v) / 255),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(512);
    }
    for (const m of fragment.matchAll(/"([^"\\]|\\.)*"/g))
      expect(Buffer.byteLength(m[0]) - 2).toBeLessThanOrEqual(255);
    const original = memoryResolver(world);
    for (const ip of [
      '10.0.0.1',
      '10.0.1.1',
      '10.11.14.255',
      '10.11.15.0',
      '10.12.0.1',
      '2001:db8:5::1',
      '2001:db8:12::1',
    ]) {
      const before = await result(original, 'wide.fix.example', ip, UNLIMITED);
      const after = await result(fixed, 'wide.fix.example', ip);
      expect(after.result, ip).toBe(before.result);
      expect(after.lookups.dnsTerms).toBeLessThanOrEqual(10);
    }
  });

  it('a non-pass range of an included record keeps shadowing (RFC 7208 5.2: include matches on pass only)', async () => {
    const { fixed } = await flattened(WORLD, 'heavy.fix.example');
    // _b.p1.example: "-ip4:203.0.113.8/29 ip4:203.0.113.0/27": .8-.15 never pass through it.
    expect((await result(fixed, 'heavy.fix.example', '203.0.113.9')).result).toBe('softfail');
    expect((await result(fixed, 'heavy.fix.example', '203.0.113.17')).result).toBe('pass');
  });
});
