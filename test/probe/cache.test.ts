import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, createCachedResolver } from '../../src/probe/cache.js';
import { createStubResolver, newCounters } from '../../src/probe/dns.js';
import { createDnsProbe } from '../../src/probe/index.js';
import type { DnsResult, Resolver, RRType } from '../../src/probe/types.js';
import { type Handler, reply, startTestServer, type TestServer } from './dns-test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function aRecord(q: Parameters<Handler>[0]) {
  return reply(q, [{ name: q.name, type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }]);
}

async function cachedFor(
  handler: Handler,
  opts: { concurrency?: number; maxEntries?: number; timeoutMs?: number } = {},
) {
  const server = await serve(handler);
  const counters = newCounters();
  const stub = createStubResolver({ servers: [server.address], counters, timeoutMs: opts.timeoutMs ?? 1000 });
  const dns = createCachedResolver(stub, counters, opts);
  return { server, counters, dns };
}

describe('cache', () => {
  it('keys by type and lower-cased name without the trailing dot', () => {
    expect(cacheKey('TXT', 'Example.COM.')).toBe('TXT example.com');
    expect(cacheKey('A', 'example.com')).not.toBe(cacheKey('AAAA', 'example.com'));
  });

  it('shares one packet between concurrent identical questions and counts hits', async () => {
    const { server, counters, dns } = await cachedFor(async (q) => {
      await sleep(30);
      return aRecord(q);
    });
    const names = ['example.com', 'EXAMPLE.com', 'example.com.', 'Example.Com', 'example.com'];
    const results = await Promise.all(names.map((n) => dns.query(n, 'A')));
    expect(server.count()).toBe(1);
    for (const r of results) expect(r.kind).toBe('ok');
    expect(counters).toMatchObject({ cacheMisses: 1, cacheHits: 4, queriesSent: 1 });
    // later questions are answered from the cache too; another type is another question
    await dns.query('example.com', 'A');
    await dns.query('example.com', 'AAAA');
    expect(server.count()).toBe(2);
    expect(counters).toMatchObject({ cacheMisses: 2, cacheHits: 5, queriesSent: 2 });
  });

  it('caches error results for the run: a timing-out name is not asked again', async () => {
    const { server, counters, dns } = await cachedFor(() => null, { timeoutMs: 50 });
    const first = await dns.query('silent.example', 'TXT');
    expect(first).toMatchObject({ kind: 'error', error: 'timeout' });
    const sent = server.count();
    expect(await dns.query('silent.example', 'TXT')).toBe(first);
    expect(server.count()).toBe(sent);
    expect(counters.cacheHits).toBe(1);
  });

  it('does not cache a question aborted by its caller', async () => {
    let answer = false;
    const { server, dns } = await cachedFor((q) => (answer ? aRecord(q) : null), { timeoutMs: 2000 });
    const controller = new AbortController();
    const pending = dns.query('flaky.example', 'A', { signal: controller.signal });
    await sleep(30);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'error', detail: 'aborted' });
    answer = true;
    expect((await dns.query('flaky.example', 'A')).kind).toBe('ok');
    expect(server.count()).toBe(2);
  });

  it('a joined caller whose own signal is live gets a real answer when the first asker aborts', async () => {
    let calls = 0;
    const { server, dns } = await cachedFor(async (q) => {
      calls++;
      await sleep(calls === 1 ? 500 : 10);
      return aRecord(q);
    });
    const controller = new AbortController();
    const first = dns.query('shared.example', 'A', { signal: controller.signal });
    const joined = dns.query('shared.example', 'A');
    await sleep(20);
    controller.abort();
    expect(await first).toMatchObject({ detail: 'aborted' });
    expect((await joined).kind).toBe('ok');
    expect(server.count()).toBe(2);
  });

  it('a joined caller may abort its own wait without ending the shared question', async () => {
    const { server, dns } = await cachedFor(async (q) => {
      await sleep(100);
      return aRecord(q);
    });
    const first = dns.query('shared.example', 'A');
    const controller = new AbortController();
    const joined = dns.query('shared.example', 'A', { signal: controller.signal });
    controller.abort();
    expect(await joined).toMatchObject({ kind: 'error', detail: 'aborted' });
    expect((await first).kind).toBe('ok');
    expect(server.count()).toBe(1);
  });

  it('bounds the questions in flight (p-limit)', async () => {
    const { server, dns } = await cachedFor(
      async (q) => {
        await sleep(20);
        return aRecord(q);
      },
      { concurrency: 3 },
    );
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => dns.query(`h${i}.example`, 'A')));
    expect(results.every((r) => r.kind === 'ok')).toBe(true);
    expect(server.count()).toBe(15);
    expect(server.maxInFlight).toBe(3);
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    const { server, dns } = await cachedFor(aRecord, { maxEntries: 2 });
    await dns.query('a.example', 'A');
    await dns.query('b.example', 'A');
    await dns.query('c.example', 'A'); // evicts a
    expect(dns.size()).toBe(2);
    await dns.query('c.example', 'A');
    await dns.query('b.example', 'A');
    expect(server.count()).toBe(3);
    await dns.query('a.example', 'A');
    expect(server.count()).toBe(4);
  });

  it('passes any resolver through (injectable), with the same key rules', async () => {
    const asked: string[] = [];
    const inner: Resolver = {
      async query(name: string, type: RRType): Promise<DnsResult> {
        asked.push(`${type} ${name}`);
        return { name, type, cnameChain: [], kind: 'nxdomain', ad: false };
      },
    };
    const counters = newCounters();
    const dns = createCachedResolver(inner, counters);
    await Promise.all([
      dns.query('X.example', 'MX'),
      dns.query('x.example.', 'MX'),
      dns.query('x.example', 'TXT'),
    ]);
    expect(asked).toEqual(['MX X.example', 'TXT x.example']);
    expect(counters).toMatchObject({ cacheHits: 1, cacheMisses: 2 });
  });
});

describe('createDnsProbe', () => {
  it('wires stub, cache and counters; counters() is a snapshot', async () => {
    const server = await serve(aRecord);
    const probe = createDnsProbe({ servers: [server.address], timeoutMs: 500, tries: 1, concurrency: 4 });
    await Promise.all([probe.dns.query('example.com', 'A'), probe.dns.query('example.com', 'A')]);
    const snap = probe.counters();
    expect(snap).toEqual({
      queriesSent: 1,
      cacheHits: 1,
      cacheMisses: 1,
      timeouts: 0,
      tcpRetries: 0,
      errors: 0,
    });
    await probe.dns.query('other.example', 'A');
    expect(snap.queriesSent).toBe(1);
    expect(probe.counters().queriesSent).toBe(2);
  });
});
