import { describe, expect, it } from 'vitest';
import { DKIM_DISCOVERY_SELECTORS, dkimCheck } from '../../../checks/dkim/index.js';
import type { Target } from '../../../src/report.js';
import { normalizeTarget } from '../../../src/target.js';
import { memoryProbe, memoryResolver } from '../../helpers/memory-resolver.js';
import { rsaKey, txtStrings } from './keys.js';

const good = `v=DKIM1; k=rsa; p=${rsaKey(2048).spki}`;

describe('dkim with discovery turned off (known selectors, fleet runs)', () => {
  it('asks only the given selectors and judges them as user-given', async () => {
    const resolver = memoryResolver({ 's1._domainkey.example.com': { TXT: [txtStrings(good)] } });
    const target: Target = {
      domain: 'example.com',
      ips: [],
      profile: 'bulk',
      dkimSelectors: ['s1', 'k1'],
      dkimDiscovery: false,
    };
    const ac = new AbortController();
    const e = await dkimCheck.collect(target, { probe: memoryProbe(resolver), signal: ac.signal });
    expect(resolver.asked).toEqual(['TXT s1._domainkey.example.com', 'TXT k1._domainkey.example.com']);
    expect(e.discoverySelectors).toEqual([]);
    const keys = dkimCheck.judge(e, target).map((f) => f.key);
    expect(keys).toContain('selector-not-found');
  });

  it('discovery stays on by default: the built-in list is asked too', async () => {
    const resolver = memoryResolver({});
    const target: Target = { domain: 'example.com', ips: [], profile: 'bulk', dkimSelectors: ['s1'] };
    const ac = new AbortController();
    await dkimCheck.collect(target, { probe: memoryProbe(resolver), signal: ac.signal });
    expect(resolver.asked.length).toBe(
      1 + DKIM_DISCOVERY_SELECTORS.filter((d) => d.selector !== 's1').length,
    );
  });

  it('normalizeTarget keeps dkimDiscovery: false with selectors given, and drops true (the default)', () => {
    expect(
      normalizeTarget({ domain: 'example.com', dkimSelectors: ['s1'], dkimDiscovery: false }).dkimDiscovery,
    ).toBe(false);
    expect('dkimDiscovery' in normalizeTarget({ domain: 'example.com', dkimDiscovery: true })).toBe(false);
    // With no selector given, discovery is the only way to a key: false is ignored.
    expect('dkimDiscovery' in normalizeTarget({ domain: 'example.com', dkimDiscovery: false })).toBe(false);
  });
});
