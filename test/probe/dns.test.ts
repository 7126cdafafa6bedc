import type dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { createStubResolver, newCounters } from '../../src/probe/dns.js';
import type { DnsCounters, DnsResult, Resolver } from '../../src/probe/types.js';
import { recordsOf } from '../../src/probe/types.js';
import {
  characterStrings,
  type Handler,
  RCODES,
  type ReceivedQuery,
  reply,
  startTestServer,
  type TestServer,
} from './dns-test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}

async function stubFor(
  handler: Handler,
  opts: { timeoutMs?: number; tries?: number } = {},
): Promise<{ server: TestServer; dns: Resolver; counters: DnsCounters }> {
  const server = await serve(handler);
  const counters = newCounters();
  const dns = createStubResolver({ servers: [server.address], counters, timeoutMs: 1000, ...opts });
  return { server, dns, counters };
}

const rr = (name: string, type: string, data: unknown, ttl = 300): dnsPacket.Answer =>
  ({ name, type, class: 'IN', ttl, data }) as unknown as dnsPacket.Answer;

/** A fixed zone: name -> records; names absent are NXDOMAIN. */
function zone(records: Record<string, dnsPacket.Answer[]>): Handler {
  return (q: ReceivedQuery) => {
    const key = q.name.toLowerCase();
    const here = records[key];
    if (!here) return reply(q, [], { rcode: RCODES.NXDOMAIN });
    return reply(
      q,
      here.filter((a) => a.type === q.type),
    );
  };
}

function expectOk(r: DnsResult): Extract<DnsResult, { kind: 'ok' }> {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

describe('stub resolver: record types', () => {
  it('decodes A and AAAA (RFC 5952 4.2 compressed text form), TTL = min, names lower-cased', async () => {
    const { dns } = await stubFor(
      zone({
        'mail.example.com': [
          rr('mail.example.com', 'A', '192.0.2.1', 300),
          rr('mail.example.com', 'A', '192.0.2.2', 60),
          rr('mail.example.com', 'AAAA', '2001:db8::1'),
          rr('mail.example.com', 'AAAA', '2001:db8:0:1:1:1:1:1'),
        ],
      }),
    );
    const a = expectOk(await dns.query('Mail.Example.COM.', 'A'));
    expect(a.name).toBe('mail.example.com');
    expect(recordsOf(a, 'A').sort()).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(a.ttl).toBe(60);
    expect(a.records[0]?.name).toBe('mail.example.com');
    expect(a.cnameChain).toEqual([]);
    const aaaa = expectOk(await dns.query('mail.example.com', 'AAAA'));
    expect(recordsOf(aaaa, 'AAAA').sort()).toEqual(['2001:db8:0:1:1:1:1:1', '2001:db8::1']);
  });

  it('decodes MX, including a null MX "." as exchange "" (RFC 7505)', async () => {
    const { dns } = await stubFor(
      zone({
        'example.com': [
          rr('example.com', 'MX', { preference: 10, exchange: 'MX1.Example.com' }),
          rr('example.com', 'MX', { preference: 20, exchange: 'mx2.example.com' }),
        ],
        'null.example': [rr('null.example', 'MX', { preference: 0, exchange: '.' })],
      }),
    );
    const mx = expectOk(await dns.query('example.com', 'MX'));
    expect(recordsOf(mx, 'MX')).toEqual([
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 20, exchange: 'mx2.example.com' },
    ]);
    const nullMx = expectOk(await dns.query('null.example', 'MX'));
    expect(recordsOf(nullMx, 'MX')).toEqual([{ preference: 0, exchange: '' }]);
  });

  it('keeps TXT strings separate, allows an empty string and zero strings (RFC 1035 3.3.14)', async () => {
    const { dns } = await stubFor(
      zone({
        'example.com': [
          rr('example.com', 'TXT', ['v=spf1 include:_spf.example.net ', '-all']),
          rr('example.com', 'TXT', ['']),
          rr('example.com', 'TXT', []),
          rr('example.com', 'TXT', [Buffer.from('héllo ✓', 'utf8')]),
        ],
      }),
    );
    const txt = expectOk(await dns.query('example.com', 'TXT'));
    expect(recordsOf(txt, 'TXT')).toEqual([
      ['v=spf1 include:_spf.example.net ', '-all'],
      [''],
      [],
      ['héllo ✓'],
    ]);
  });

  it('asks type 99 for SPF and decodes its character-strings (RFC 7208 3.1)', async () => {
    const { dns, server } = await stubFor((q) =>
      reply(q, [rr(q.name, 'SPF', characterStrings('v=spf1 ', 'a -all'))]),
    );
    const spf = expectOk(await dns.query('example.com', 'SPF'));
    expect(server.queries[0]?.type).toBe('SPF');
    expect(server.queries[0]?.raw.readUInt16BE(server.queries[0].raw.length - 15)).toBe(99);
    expect(recordsOf(spf, 'SPF')).toEqual([['v=spf1 ', 'a -all']]);
  });

  it('decodes PTR, NS, SOA and TLSA (RFC 6698 2.1)', async () => {
    const { dns } = await stubFor(
      zone({
        '1.2.0.192.in-addr.arpa': [rr('1.2.0.192.in-addr.arpa', 'PTR', 'Mail.Example.com')],
        'example.com': [
          rr('example.com', 'NS', 'ns1.example.com'),
          rr('example.com', 'NS', 'ns2.example.com'),
          rr('example.com', 'SOA', {
            mname: 'ns1.example.com',
            rname: 'hostmaster.example.com',
            serial: 2024010101,
            refresh: 7200,
            retry: 900,
            expire: 1209600,
            minimum: 300,
          }),
        ],
        '_25._tcp.mail.example.com': [
          rr('_25._tcp.mail.example.com', 'TLSA', {
            usage: 3,
            selector: 1,
            matchingType: 1,
            certificate: Buffer.from('00ABcdef', 'hex'),
          }),
        ],
      }),
    );
    expect(recordsOf(await dns.query('1.2.0.192.in-addr.arpa', 'PTR'), 'PTR')).toEqual(['mail.example.com']);
    expect(recordsOf(await dns.query('example.com', 'NS'), 'NS')).toEqual([
      'ns1.example.com',
      'ns2.example.com',
    ]);
    expect(recordsOf(await dns.query('example.com', 'SOA'), 'SOA')).toEqual([
      {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        serial: 2024010101,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minimum: 300,
      },
    ]);
    expect(recordsOf(await dns.query('_25._tcp.mail.example.com', 'TLSA'), 'TLSA')).toEqual([
      { usage: 3, selector: 1, matchingType: 1, data: '00abcdef' },
    ]);
  });

  it('reports the AD flag of the response (RFC 4035 3.2.3)', async () => {
    const { dns } = await stubFor((q) =>
      q.name === 'signed.example'
        ? reply(q, [rr(q.name, 'A', '192.0.2.7')], { ad: true })
        : reply(q, [rr(q.name, 'A', '192.0.2.8')]),
    );
    expect(expectOk(await dns.query('signed.example', 'A')).ad).toBe(true);
    expect(expectOk(await dns.query('plain.example', 'A')).ad).toBe(false);
  });

  it('ignores answer records of other types and owners', async () => {
    const { dns } = await stubFor((q) =>
      reply(q, [
        rr('other.example', 'TXT', ['x']),
        rr(q.name, 'TXT', ['mine']),
        rr(q.name, 'A', '192.0.2.1'),
      ]),
    );
    const r = expectOk(await dns.query('me.example', 'TXT'));
    expect(r.records).toEqual([{ type: 'TXT', name: 'me.example', ttl: 300, data: ['mine'] }]);
  });
});

describe('stub resolver: rcodes and empty answers', () => {
  it('maps NXDOMAIN, NODATA, SERVFAIL, REFUSED, FORMERR and NOTIMP', async () => {
    const rcodeByName: Record<string, number> = {
      'servfail.example': RCODES.SERVFAIL,
      'refused.example': RCODES.REFUSED,
      'formerr.example': RCODES.FORMERR,
      'notimp.example': RCODES.NOTIMP,
      'nx.example': RCODES.NXDOMAIN,
    };
    const { dns, counters } = await stubFor((q) =>
      q.name === 'nodata.example'
        ? reply(q, [], { ad: true })
        : reply(q, [], { rcode: rcodeByName[q.name] ?? RCODES.NOERROR }),
    );
    expect(await dns.query('nx.example', 'TXT')).toEqual({
      name: 'nx.example',
      type: 'TXT',
      cnameChain: [],
      kind: 'nxdomain',
      ad: false,
    });
    expect(await dns.query('nodata.example', 'TXT')).toEqual({
      name: 'nodata.example',
      type: 'TXT',
      cnameChain: [],
      kind: 'nodata',
      ad: true,
    });
    expect(await dns.query('servfail.example', 'TXT')).toMatchObject({ kind: 'error', error: 'servfail' });
    expect(await dns.query('refused.example', 'TXT')).toMatchObject({ kind: 'error', error: 'refused' });
    expect(await dns.query('formerr.example', 'TXT')).toMatchObject({ kind: 'error', error: 'malformed' });
    expect(await dns.query('notimp.example', 'TXT')).toMatchObject({ kind: 'error', error: 'malformed' });
    expect(counters.errors).toBe(4);
    expect(counters.queriesSent).toBe(6);
  });

  it('returns malformed for an answer whose RDATA does not fit its type', async () => {
    const { dns } = await stubFor((q) => {
      const good = reply(q, [rr(q.name, 'A', '192.0.2.1')]);
      // Make RDLENGTH 3 and drop a byte: an A record must have exactly 4 bytes.
      const bad = Buffer.from(good.subarray(0, good.length - 1));
      bad.writeUInt16BE(3, bad.length - 5);
      return bad;
    });
    expect(await dns.query('bad.example', 'A')).toMatchObject({
      kind: 'error',
      error: 'malformed',
      detail: expect.stringContaining('bad A RDATA'),
    });
  });

  it('returns malformed for a TXT character-string that runs past its RDATA (RFC 1035 3.3.14)', async () => {
    const { dns } = await stubFor((q) => {
      const good = reply(q, [rr(q.name, 'TXT', ['abc', 'de'])]);
      // RDATA is 03 'abc' 02 'de' (7 bytes): make the second length 3, one past the end.
      const bad = Buffer.from(good);
      bad[bad.length - 3] = 3;
      return bad;
    });
    expect(await dns.query('overrun.example', 'TXT')).toMatchObject({
      kind: 'error',
      error: 'malformed',
      detail: expect.stringContaining('bad TXT RDATA'),
    });
  });

  it('returns malformed for an answer section cut short', async () => {
    const { dns } = await stubFor((q) => {
      const good = reply(q, [rr(q.name, 'TXT', ['abcdef'])]);
      return good.subarray(0, good.length - 3);
    });
    expect(await dns.query('cut.example', 'TXT')).toMatchObject({ kind: 'error', error: 'malformed' });
  });
});

describe('stub resolver: CNAME chains (RFC 1034 3.6.2)', () => {
  it('follows a chain given in one answer and records it', async () => {
    const { dns, server } = await stubFor((q) =>
      reply(q, [
        rr(q.name, 'CNAME', 'B.example'),
        rr('b.example', 'CNAME', 'c.example'),
        rr('c.example', 'TXT', ['v=spf1 -all'], 120),
      ]),
    );
    const r = expectOk(await dns.query('a.example', 'TXT'));
    expect(r.name).toBe('a.example');
    expect(r.cnameChain).toEqual(['b.example', 'c.example']);
    expect(r.records).toEqual([{ type: 'TXT', name: 'c.example', ttl: 120, data: ['v=spf1 -all'] }]);
    expect(server.count()).toBe(1);
  });

  it('re-queries the target when the server gave only the CNAME', async () => {
    // An authoritative-only server: each name answers with its own records, whatever the type.
    const names: Record<string, dnsPacket.Answer[]> = {
      'alias.example': [rr('alias.example', 'CNAME', 'mid.example')],
      'mid.example': [rr('mid.example', 'CNAME', 'target.example')],
      'target.example': [rr('target.example', 'A', '192.0.2.9')],
      'dangling.example': [rr('dangling.example', 'CNAME', 'gone.example')],
      'toempty.example': [rr('toempty.example', 'CNAME', 'empty.example')],
      'empty.example': [],
    };
    const { dns, server } = await stubFor((q) => {
      const here = names[q.name];
      return here ? reply(q, here) : reply(q, [], { rcode: RCODES.NXDOMAIN });
    });
    const r = expectOk(await dns.query('alias.example', 'A'));
    expect(r.cnameChain).toEqual(['mid.example', 'target.example']);
    expect(recordsOf(r, 'A')).toEqual(['192.0.2.9']);
    expect(server.queries.map((q) => q.name)).toEqual(['alias.example', 'mid.example', 'target.example']);
    // The end of a chain decides the outcome; the chain is kept.
    expect(await dns.query('dangling.example', 'TXT')).toMatchObject({
      name: 'dangling.example',
      kind: 'nxdomain',
      cnameChain: ['gone.example'],
    });
    expect(await dns.query('toempty.example', 'TXT')).toMatchObject({
      kind: 'nodata',
      cnameChain: ['empty.example'],
    });
    // Asking for the CNAME itself does not follow it.
    const c = expectOk(await dns.query('alias.example', 'CNAME'));
    expect(c.cnameChain).toEqual([]);
    expect(recordsOf(c, 'CNAME')).toEqual(['mid.example']);
  });

  it('takes NXDOMAIN with the chain given in the same answer', async () => {
    const { dns } = await stubFor((q) =>
      reply(q, [rr(q.name, 'CNAME', 'gone.example')], { rcode: RCODES.NXDOMAIN }),
    );
    expect(await dns.query('dangling.example', 'TXT')).toMatchObject({
      kind: 'nxdomain',
      cnameChain: ['gone.example'],
    });
  });

  it('reports a CNAME loop as malformed', async () => {
    const { dns } = await stubFor((q) =>
      reply(q, [rr('a.example', 'CNAME', 'b.example'), rr('b.example', 'CNAME', 'a.example')]),
    );
    expect(await dns.query('a.example', 'A')).toMatchObject({
      kind: 'error',
      error: 'malformed',
      detail: 'CNAME loop',
    });
  });

  it('reports a chain longer than 8 hops as malformed, also across re-queries', async () => {
    // Each name n<i> is a CNAME to n<i+1>, one hop per response.
    const { dns, server } = await stubFor((q) => {
      const i = Number(q.name.slice(1, q.name.indexOf('.')));
      return reply(q, [rr(q.name, 'CNAME', `n${i + 1}.example`)]);
    });
    expect(await dns.query('n0.example', 'A')).toMatchObject({
      kind: 'error',
      error: 'malformed',
      detail: 'CNAME chain too long',
    });
    expect(server.count()).toBe(9);
    // 8 hops are fine
    const { dns: dns8 } = await stubFor((q) => {
      const i = Number(q.name.slice(1, q.name.indexOf('.')));
      return reply(q, [i === 8 ? rr(q.name, 'A', '192.0.2.1') : rr(q.name, 'CNAME', `n${i + 1}.example`)]);
    });
    const ok = expectOk(await dns8.query('n0.example', 'A'));
    expect(ok.cnameChain).toHaveLength(8);
  });
});

describe('stub resolver: transport', () => {
  it('sends EDNS0 OPT with UDP payload 1232 and RD set (RFC 6891 6.1.2)', async () => {
    const { dns, server } = await stubFor((q) => reply(q, [rr(q.name, 'A', '192.0.2.1')]));
    await dns.query('example.com', 'A');
    const packet = server.queries[0]!.packet;
    const opt = packet.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
    expect(opt?.udpPayloadSize).toBe(1232);
    expect(packet.flag_rd).toBe(true);
    // RFC 6840 5.7: AD in the query, so a validating resolver says whether it validated (DANE).
    expect(packet.flag_ad).toBe(true);
  });

  it('uses random query ids', async () => {
    const { dns, server } = await stubFor((q) => reply(q, [rr(q.name, 'A', '192.0.2.1')]));
    for (let i = 0; i < 20; i++) await dns.query(`h${i}.example`, 'A');
    expect(new Set(server.queries.map((q) => q.id)).size).toBeGreaterThan(15);
  });

  it('times out a silent server after tries x timeout, counting each timeout', async () => {
    const { dns, server, counters } = await stubFor(() => null, { timeoutMs: 150, tries: 2 });
    const t0 = Date.now();
    const r = await dns.query('silent.example', 'A');
    const elapsed = Date.now() - t0;
    expect(r).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1500);
    expect(server.count()).toBe(2);
    expect(counters).toMatchObject({ queriesSent: 2, timeouts: 2, errors: 1 });
  });

  it('moves to the next server when a try times out, round-robin', async () => {
    const silent = await serve(() => null);
    const good = await serve((q) => reply(q, [rr(q.name, 'A', '192.0.2.5')]));
    const counters = newCounters();
    const dns = createStubResolver({
      servers: [silent.address, good.address],
      timeoutMs: 150,
      tries: 3,
      counters,
    });
    const r = expectOk(await dns.query('example.com', 'A'));
    expect(recordsOf(r, 'A')).toEqual(['192.0.2.5']);
    expect(silent.count()).toBe(1);
    expect(good.count()).toBe(1);
    expect(counters).toMatchObject({ queriesSent: 2, timeouts: 1, errors: 0 });
    // both silent: tries wrap around the list
    const dns2 = createStubResolver({ servers: [silent.address, silent.address], timeoutMs: 50, tries: 3 });
    expect(await dns2.query('x.example', 'A')).toMatchObject({ kind: 'error', error: 'timeout' });
    expect(silent.count()).toBe(4);
  });

  it('moves on when a server port is closed (ICMP unreachable on the connected socket)', async () => {
    const closed = await startTestServer(() => null);
    const closedAddress = closed.address;
    await closed.close();
    const good = await serve((q) => reply(q, [rr(q.name, 'A', '192.0.2.6')]));
    const dns = createStubResolver({ servers: [closedAddress, good.address], timeoutMs: 3000, tries: 2 });
    const t0 = Date.now();
    expect(recordsOf(await dns.query('example.com', 'A'), 'A')).toEqual(['192.0.2.6']);
    expect(Date.now() - t0).toBeLessThan(2000); // did not wait for the first try's timeout
    const alone = createStubResolver({ servers: [closedAddress], timeoutMs: 3000, tries: 1 });
    expect(await alone.query('example.com', 'A')).toMatchObject({
      kind: 'error',
      error: 'timeout',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('retries over TCP when the UDP answer is truncated, reassembling a chunked stream (RFC 1035 4.2.2)', async () => {
    const big = (owner: string, n: number) =>
      Array.from({ length: n }, (_, i) => rr(owner, 'TXT', [`record ${i} ${'x'.repeat(40)}`]));
    const { dns, server, counters } = await stubFor((q) =>
      q.transport === 'udp'
        ? reply(q, [], { tc: true })
        : reply(q, big(q.name, q.name === 'big.example' ? 60 : 1)),
    );
    server.tcpChunkBytes = 700;
    const r = expectOk(await dns.query('big.example', 'TXT'));
    expect(r.records).toHaveLength(60);
    expect(recordsOf(r, 'TXT')[59]).toEqual([`record 59 ${'x'.repeat(40)}`]);
    expect(server.count('udp')).toBe(1);
    expect(server.count('tcp')).toBe(1);
    expect(counters).toMatchObject({ queriesSent: 2, tcpRetries: 1 });
    // byte-at-a-time delivery, the length prefix split too
    server.tcpChunkBytes = 1;
    const small = expectOk(await dns.query('small.example', 'TXT'));
    expect(recordsOf(small, 'TXT')).toEqual([['record 0 ' + 'x'.repeat(40)]]);
  });

  it('ignores packets with a wrong id, not-a-response, or another question; takes the real answer', async () => {
    const { dns } = await stubFor((q) => [
      reply(q, [rr(q.name, 'A', '6.6.6.1')], { id: (q.id + 1) % 65536 }),
      reply(q, [rr(q.name, 'A', '6.6.6.2')], { notResponse: true }),
      reply(q, [rr('evil.example', 'A', '6.6.6.3')], { questions: [{ name: 'evil.example', type: 'A' }] }),
      reply(q, [rr(q.name, 'A', '6.6.6.4')], { questions: [{ name: q.name, type: 'AAAA' }] }),
      reply(q, [rr(q.name, 'A', '6.6.6.5')], { questions: [{ name: q.name, type: 'A', class: 'CH' }] }),
      Buffer.from([1, 2, 3]),
      reply(q, [rr(q.name, 'A', '192.0.2.1')]),
    ]);
    const r = expectOk(await dns.query('victim.example', 'A'));
    expect(recordsOf(r, 'A')).toEqual(['192.0.2.1']);
  });

  it('times out when only mismatched packets arrive', async () => {
    const { dns } = await stubFor((q) => reply(q, [rr(q.name, 'A', '6.6.6.6')], { id: q.id ^ 0x5555 }), {
      timeoutMs: 100,
      tries: 1,
    });
    expect(await dns.query('victim.example', 'A')).toMatchObject({ kind: 'error', error: 'timeout' });
  });

  it('accepts a question echoed in another letter case (RFC 4343)', async () => {
    const { dns } = await stubFor((q) =>
      reply(q, [rr(q.name.toUpperCase(), 'A', '192.0.2.1')], {
        questions: [{ name: q.name.toUpperCase(), type: 'A' }],
      }),
    );
    const r = expectOk(await dns.query('mixed.example', 'A'));
    expect(r.records[0]?.name).toBe('mixed.example');
  });
});

describe('stub resolver: names', () => {
  it('asks names with spaces, colons, slashes, percent and underscores as given (SPF macros)', async () => {
    const name = 'a b:c/d%e_f.+x.Example.com';
    const { dns, server } = await stubFor((q) => reply(q, [rr(q.name, 'TXT', ['ok'])]));
    const r = expectOk(await dns.query(name, 'TXT'));
    expect(server.queries[0]?.name).toBe(name.toLowerCase()); // case does not matter (RFC 4343)
    expect(r.name).toBe('a b:c/d%e_f.+x.example.com');
    expect(recordsOf(r, 'TXT')).toEqual([['ok']]);
  });

  it('rejects malformed names without sending (RFC 1035 2.3.4)', async () => {
    const { dns, server, counters } = await stubFor((q) => reply(q, []));
    const bad = [
      'a..example',
      '.a.example',
      'a.example..',
      '',
      '.',
      `${'x'.repeat(64)}.example`,
      `${'abcdefghi.'.repeat(25)}abcd`, // 254 bytes
    ];
    for (const name of bad) {
      expect(await dns.query(name, 'A'), name).toMatchObject({ kind: 'error', error: 'malformed' });
    }
    expect(server.count()).toBe(0);
    expect(counters.queriesSent).toBe(0);
    // the limits themselves are fine: 63-byte label, 253-byte name
    const ok = `${'x'.repeat(63)}.${'abcdefghi.'.repeat(18)}abcdefghi.example`.slice(0, 253);
    expect(Buffer.byteLength(ok)).toBe(253);
    expect((await dns.query(ok, 'A')).kind).toBe('nodata');
  });
});

describe('stub resolver: abort and cleanup', () => {
  function udpHandles(): number {
    return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
  }

  it('returns an aborted error promptly and sends nothing when already aborted', async () => {
    const { dns, server } = await stubFor(() => null, { timeoutMs: 5000 });
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(), 50);
    const r = await dns.query('slow.example', 'A', { signal: controller.signal });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r).toMatchObject({ kind: 'error', error: 'timeout', detail: 'aborted' });
    expect(server.count()).toBe(1);
    expect(await dns.query('other.example', 'A', { signal: AbortSignal.abort() })).toMatchObject({
      detail: 'aborted',
    });
    expect(server.count()).toBe(1);
  });

  it('leaves no sockets behind after answers, timeouts and aborts', async () => {
    const { dns } = await stubFor((q) => (q.name.startsWith('silent') ? null : reply(q, [])), {
      timeoutMs: 50,
      tries: 1,
    });
    await new Promise((r) => setTimeout(r, 20)); // earlier tests' sockets finish closing
    const before = udpHandles();
    const controller = new AbortController();
    const pending = Promise.all([
      dns.query('a.example', 'A'),
      dns.query('silent1.example', 'A'),
      dns.query('silent2.example', 'A', { signal: controller.signal }),
    ]);
    controller.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 20));
    expect(udpHandles()).toBe(before);
  });
});
