import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCachedResolver } from '../../src/probe/cache.js';
import { newCounters } from '../../src/probe/dns.js';
import type { DnsResult, Resolver, RRType } from '../../src/probe/types.js';

function counting(): Resolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async query(name: string, type: RRType): Promise<DnsResult> {
      asked.push(`${type} ${name}`);
      return { name, type, cnameChain: [], kind: 'nxdomain', ad: false };
    },
  };
}

describe('cache eviction (fleet runs)', () => {
  it('evicts the least recently used entry: a name asked again stays', async () => {
    const inner = counting();
    const dns = createCachedResolver(inner, newCounters(), { maxEntries: 2 });
    await dns.query('shared.example', 'TXT');
    await dns.query('one.example', 'TXT');
    await dns.query('shared.example', 'TXT'); // hit: now the most recently used
    await dns.query('two.example', 'TXT'); // evicts one.example, not shared.example
    await dns.query('shared.example', 'TXT');
    expect(inner.asked).toEqual(['TXT shared.example', 'TXT one.example', 'TXT two.example']);
    await dns.query('one.example', 'TXT');
    expect(inner.asked).toHaveLength(4);
    expect(dns.size()).toBe(2);
  });

  it('a shared name asked between many one-off names is asked once', async () => {
    const inner = counting();
    const dns = createCachedResolver(inner, newCounters(), { maxEntries: 8 });
    for (let i = 0; i < 100; i++) {
      await dns.query('_spf.esp.example', 'TXT');
      await dns.query(`d${i}.example`, 'TXT');
    }
    expect(inner.asked.filter((q) => q === 'TXT _spf.esp.example')).toHaveLength(1);
    expect(dns.size()).toBe(8);
  });

  it('an answered entry is the result itself: a hit returns that object, with no new question', async () => {
    const inner = counting();
    const counters = newCounters();
    const dns = createCachedResolver(inner, counters, { maxEntries: 4 });
    const first = await dns.query('a.example', 'TXT');
    const again = await dns.query('A.example.', 'TXT');
    expect(again).toBe(first);
    expect(inner.asked).toEqual(['TXT a.example']);
    expect(counters).toMatchObject({ cacheHits: 1, cacheMisses: 1 });
  });

  it("an answer arriving late keeps its entry's place in the LRU order", async () => {
    const asked: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const inner: Resolver = {
      async query(name: string, type: RRType): Promise<DnsResult> {
        asked.push(name);
        if (name === 'slow.example') await gate;
        return { name, type, cnameChain: [], kind: 'nxdomain', ad: false };
      },
    };
    const dns = createCachedResolver(inner, newCounters(), { maxEntries: 2 });
    const slow = dns.query('slow.example', 'TXT'); // oldest entry, still in flight
    await dns.query('fast.example', 'TXT');
    release();
    await slow; // its promise is now replaced by the result, in the same place
    await dns.query('new.example', 'TXT'); // evicts the oldest: slow.example
    await dns.query('fast.example', 'TXT');
    expect(asked).toEqual(['slow.example', 'fast.example', 'new.example']);
    await dns.query('slow.example', 'TXT');
    expect(asked).toEqual(['slow.example', 'fast.example', 'new.example', 'slow.example']);
  });

  it('clear() forgets every answer: the next question is asked again (a fleet run ends its cache so)', async () => {
    const inner = counting();
    const dns = createCachedResolver(inner, newCounters(), { maxEntries: 8 });
    await dns.query('a.example', 'TXT');
    await dns.query('a.example', 'TXT');
    expect(dns.size()).toBe(1);
    dns.clear();
    expect(dns.size()).toBe(0);
    await dns.query('a.example', 'TXT');
    expect(inner.asked).toEqual(['TXT a.example', 'TXT a.example']);
  });
});

describe('cache eviction: least recently used to within an eighth of the cache', () => {
  // A hit moves its entry to the young end only once the entry is older than an eighth of the
  // cache (moving on every hit kept the Map rehashing: ~5% of a fleet run's CPU). What that promises:
  // a name asked again before more than floor(max/2) other names were asked is still cached,
  // and the cache never holds more than max entries.
  it('a name asked again after at most floor(max/2) other names is a hit; size <= max', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat({ max: 24 }), { minLength: 1, maxLength: 150 }),
        async (max, picks) => {
          const inner = counting();
          const dns = createCachedResolver(inner, newCounters(), { maxEntries: max });
          const asks = picks.map((p) => `n${p % (3 * max)}.example`);
          for (let i = 0; i < asks.length; i++) {
            const name = asks[i] as string;
            const before = inner.asked.length;
            await dns.query(name, 'TXT');
            expect(dns.size()).toBeLessThanOrEqual(max);
            const previous = i === 0 ? -1 : asks.lastIndexOf(name, i - 1);
            if (previous < 0) continue;
            const others = new Set(asks.slice(previous + 1, i));
            if (others.size <= Math.floor(max / 2)) expect(inner.asked.length).toBe(before);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
