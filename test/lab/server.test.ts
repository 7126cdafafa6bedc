import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, parseZoneYaml, startLab } from '../../src/lab/index.js';
import { frame, queryPacket, tcpExchange, tcpQuery, txtOf, udpQuery, udpRaw } from './dns-client.js';

const LONG = 'x'.repeat(300);

const WORLD = `
example.com:
  TTL: 600
  A: 192.0.2.1
  AAAA: ["2001:db8::1"]
  MX: ["10 mx1.example.com", {preference: 20, exchange: mx2.example.com.}]
  TXT:
    - "v=spf1 -all"
    - ["v=spf1 ip4:192.0.2.0/24", " -all"]
  SOA: "ns1.example.com hostmaster.example.com 7 7200 3600 1209600 60"
  NS: [ns1.example.com, ns2.example.com]
long.example.com: {TXT: "${LONG}"}
empty.example.com: {TXT: ""}
nulltxt.example.com: {TXT: [[]]}
null-mx.example.com: {MX: "0 ."}
_25._tcp.mx1.example.com: {TLSA: "3 1 1 0123456789ABCDEF"}
1.2.0.192.in-addr.arpa: {PTR: mx1.example.com}
spf99.example.com: {SPF: "v=spf1 a -all"}
www.example.com: {CNAME: alias.example.com}
alias.example.com: {CNAME: example.com}
dangling.example.com: {CNAME: nowhere.example.com}
loop1.example.com: {CNAME: loop2.example.com}
loop2.example.com: {CNAME: loop1.example.com}
"*.wild.example.com": {TXT: "wildcard"}
exists.wild.example.com: {A: 192.0.2.7}
a.b.ent.example.com: {A: 192.0.2.8}
slow.example.com: TIMEOUT
broken.example.com: SERVFAIL
gone.example.com: {A: 192.0.2.9}
denied.example.com: REFUSED
forced-nx.example.com: NXDOMAIN
mixed.example.com: {A: 192.0.2.10, TXT: TIMEOUT, MX: SERVFAIL, AAAA: REFUSED}
notxt.example.com: {A: 192.0.2.11, TXT: []}
big.example.com:
  TXT: ["${'a'.repeat(200)}", "${'b'.repeat(200)}", "${'c'.repeat(200)}"]
`;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(WORLD);
});
afterAll(async () => {
  await lab.stop();
});

async function ask(name: string, type: string, extra: { edns?: number; rd?: boolean; id?: number } = {}) {
  const r = await udpQuery(lab.port, { name, type, ...extra });
  if (r === 'timeout') throw new Error(`timeout asking ${type} ${name}`);
  return r;
}

function dataOf(r: dnsPacket.DecodedPacket, type: string): unknown[] {
  return (r.answers ?? []).filter((a) => a.type === type).map((a) => (a as { data: unknown }).data);
}

describe('LabDnsServer: answers', () => {
  it('binds UDP and TCP on the same loopback port', async () => {
    expect(lab.host).toBe('127.0.0.1');
    expect(lab.port).toBeGreaterThan(0);
    const tcp = await tcpQuery(lab.port, { name: 'example.com', type: 'A' });
    expect(dataOf(tcp, 'A')).toEqual(['192.0.2.1']);
  });

  it('serves A, AAAA, MX, NS, SOA with the entry TTL, AA set, question and id echoed', async () => {
    const a = await ask('example.com', 'A', { id: 777, rd: true });
    expect(a.id).toBe(777);
    expect(a.flag_qr).toBe(true);
    expect(a.flag_aa).toBe(true);
    expect(a.flag_rd).toBe(true); // RD is copied (RFC 1035 4.1.1), recursion not offered
    expect(a.flag_ra).toBe(false);
    expect(a.questions).toEqual([{ name: 'example.com', type: 'A', class: 'IN' }]);
    expect(a.answers?.[0]).toMatchObject({ name: 'example.com', type: 'A', ttl: 600, data: '192.0.2.1' });
    expect(dataOf(await ask('example.com', 'AAAA'), 'AAAA')).toEqual(['2001:db8::1']);
    expect(dataOf(await ask('example.com', 'MX'), 'MX')).toEqual([
      { preference: 10, exchange: 'mx1.example.com' },
      { preference: 20, exchange: 'mx2.example.com' },
    ]);
    expect(dataOf(await ask('example.com', 'NS'), 'NS')).toEqual(['ns1.example.com', 'ns2.example.com']);
    expect(dataOf(await ask('example.com', 'SOA'), 'SOA')).toEqual([
      {
        mname: 'ns1.example.com',
        rname: 'hostmaster.example.com',
        serial: 7,
        refresh: 7200,
        retry: 3600,
        expire: 1209600,
        minimum: 60,
      },
    ]);
  });

  it('serves PTR, TLSA and the null MX (RFC 7505)', async () => {
    expect(dataOf(await ask('1.2.0.192.in-addr.arpa', 'PTR'), 'PTR')).toEqual(['mx1.example.com']);
    const tlsa = dataOf(await ask('_25._tcp.mx1.example.com', 'TLSA'), 'TLSA')[0] as dnsPacket.TlsaData;
    expect(tlsa).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
    expect(tlsa.certificate.toString('hex')).toBe('0123456789abcdef');
    expect(dataOf(await ask('null-mx.example.com', 'MX'), 'MX')).toEqual([{ preference: 0, exchange: '.' }]);
  });

  it('preserves the case of the question (0x20) and matches names case-insensitively', async () => {
    const r = await ask('ExAmPlE.CoM', 'A');
    expect(r.questions?.[0]?.name).toBe('ExAmPlE.CoM');
    expect(r.answers?.[0]?.name).toBe('ExAmPlE.CoM');
    expect(dataOf(r, 'A')).toEqual(['192.0.2.1']);
  });

  it('serves TXT records, one record of several character-strings kept apart', async () => {
    const r = await ask('example.com', 'TXT');
    expect(txtOf(r.answers)).toEqual(['v=spf1 -all', 'v=spf1 ip4:192.0.2.0/24| -all']);
  });

  it('splits TXT strings over 255 bytes into 255-byte character-strings (RFC 1035 3.3)', async () => {
    const r = await ask('long.example.com', 'TXT', { edns: 1232 });
    expect(txtOf(r.answers)).toEqual([`${'x'.repeat(255)}|${'x'.repeat(45)}`]);
  });

  it('serves an empty string and a TXT record with no strings at all', async () => {
    const empty = await ask('empty.example.com', 'TXT');
    expect(txtOf(empty.answers)).toEqual(['']);
    const nul = await ask('nulltxt.example.com', 'TXT');
    expect(nul.answers).toHaveLength(1);
    // RDLENGTH 0: the record's last two bytes are its zero length
    expect(nul.raw.subarray(-2)).toEqual(Buffer.from([0, 0]));
  });

  it('serves type SPF (99) records as TXT-formatted RDATA', async () => {
    const r = await ask('spf99.example.com', 'SPF');
    const rdata = dataOf(r, 'SPF')[0] as Buffer;
    expect(rdata[0]).toBe('v=spf1 a -all'.length);
    expect(rdata.subarray(1).toString()).toBe('v=spf1 a -all');
  });
});

describe('LabDnsServer: names', () => {
  it('NXDOMAIN for an unlisted name, with the SOA of the enclosing zone (RFC 2308 3)', async () => {
    const r = await ask('nope.example.com', 'A');
    expect(r.rcode).toBe(3);
    expect(r.flag_aa).toBe(true);
    expect(r.answers).toEqual([]);
    expect(r.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'example.com', ttl: 60 });
  });

  it('NODATA for a listed name without the type, and for an empty non-terminal (RFC 8020)', async () => {
    const nodata = await ask('example.com', 'PTR');
    expect(nodata.rcode).toBe(0);
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities?.[0]?.type).toBe('SOA');
    const ent = await ask('b.ent.example.com', 'A');
    expect(ent.rcode).toBe(0);
    expect(ent.answers).toEqual([]);
    const explicit = await ask('notxt.example.com', 'TXT');
    expect(explicit.rcode).toBe(0);
    expect(explicit.answers).toEqual([]);
    const below = await ask('x.a.b.ent.example.com', 'A');
    expect(below.rcode).toBe(3);
  });

  it('unknown query types get NODATA', async () => {
    const r = await ask('example.com', 'SRV');
    expect(r.rcode).toBe(0);
    expect(r.answers).toEqual([]);
    const unknown = await ask('example.com', 'UNKNOWN_65280');
    expect(unknown.rcode).toBe(0);
    expect(unknown.questions?.[0]?.type).toBe('UNKNOWN_65280');
  });

  it('wildcards synthesize answers for names that do not exist, not for existing ones (RFC 4592 4.1)', async () => {
    const r = await ask('anything.wild.example.com', 'TXT');
    expect(r.answers?.[0]?.name).toBe('anything.wild.example.com');
    expect(txtOf(r.answers)).toEqual(['wildcard']);
    const deeper = await ask('a.b.wild.example.com', 'TXT');
    expect(txtOf(deeper.answers)).toEqual(['wildcard']);
    const existing = await ask('exists.wild.example.com', 'TXT');
    expect(existing.rcode).toBe(0);
    expect(existing.answers).toEqual([]);
    // the wildcard's parent is an empty non-terminal, not synthesized
    const parent = await ask('wild.example.com', 'TXT');
    expect(parent.rcode).toBe(0);
    expect(parent.answers).toEqual([]);
  });

  it('follows CNAME chains inside the lab', async () => {
    const r = await ask('www.example.com', 'A');
    expect(r.rcode).toBe(0);
    expect(r.answers?.map((a) => [a.name, a.type, (a as { data: unknown }).data])).toEqual([
      ['www.example.com', 'CNAME', 'alias.example.com'],
      ['alias.example.com', 'CNAME', 'example.com'],
      ['example.com', 'A', '192.0.2.1'],
    ]);
    const cname = await ask('www.example.com', 'CNAME');
    expect(dataOf(cname, 'CNAME')).toEqual(['alias.example.com']);
  });

  it('a CNAME to a name the lab does not know ends in NXDOMAIN with the CNAME (RFC 6604)', async () => {
    const r = await ask('dangling.example.com', 'TXT');
    expect(r.rcode).toBe(3);
    expect(dataOf(r, 'CNAME')).toEqual(['nowhere.example.com']);
  });

  it('a CNAME loop stops', async () => {
    const r = await ask('loop1.example.com', 'A');
    expect(r.rcode).toBe(0);
    expect(dataOf(r, 'CNAME')).toEqual(['loop2.example.com', 'loop1.example.com']);
  });
});

describe('LabDnsServer: faults', () => {
  it('TIMEOUT names never answer', async () => {
    expect(await udpQuery(lab.port, { name: 'slow.example.com', type: 'A' }, 500)).toBe('timeout');
    expect(await udpQuery(lab.port, { name: 'SLOW.example.com.', type: 'TXT' }, 500)).toBe('timeout');
    const { replies } = await tcpExchange(
      lab.port,
      [frame(queryPacket({ name: 'slow.example.com', type: 'A' }))],
      1,
      500,
    );
    expect(replies).toEqual([]);
  });

  it('SERVFAIL, REFUSED and NXDOMAIN markers for the whole name', async () => {
    expect((await ask('broken.example.com', 'A')).rcode).toBe(2);
    expect((await ask('denied.example.com', 'TXT')).rcode).toBe(5);
    const nx = await ask('forced-nx.example.com', 'A');
    expect(nx.rcode).toBe(3);
    expect(nx.answers).toEqual([]);
  });

  it('fault markers for one type leave the other types answering', async () => {
    expect(dataOf(await ask('mixed.example.com', 'A'), 'A')).toEqual(['192.0.2.10']);
    expect(await udpQuery(lab.port, { name: 'mixed.example.com', type: 'TXT' }, 500)).toBe('timeout');
    expect((await ask('mixed.example.com', 'MX')).rcode).toBe(2);
    expect((await ask('mixed.example.com', 'AAAA')).rcode).toBe(5);
  });

  it('logs every question, faults included, lower-cased', async () => {
    lab.server.clearQueries();
    await ask('Example.COM', 'MX');
    await udpQuery(lab.port, { name: 'slow.example.com', type: 'A' }, 200);
    await tcpQuery(lab.port, { name: 'example.com', type: 'TXT' });
    expect(lab.server.queries).toEqual([
      { name: 'example.com', type: 'MX', transport: 'udp' },
      { name: 'slow.example.com', type: 'A', transport: 'udp' },
      { name: 'example.com', type: 'TXT', transport: 'tcp' },
    ]);
  });
});

describe('LabDnsServer: sizes and transports', () => {
  it('truncates a UDP answer larger than 512 bytes without EDNS (RFC 1035 4.2.1)', async () => {
    const r = await ask('big.example.com', 'TXT');
    expect(r.flag_tc).toBe(true);
    expect(r.answers).toEqual([]);
    expect(r.questions?.[0]?.name).toBe('big.example.com');
  });

  it('truncates above the EDNS payload size, and TCP returns the full answer', async () => {
    const small = await ask('big.example.com', 'TXT', { edns: 512 });
    expect(small.flag_tc).toBe(true);
    expect(small.answers).toEqual([]);
    const opt = small.additionals?.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer | undefined;
    expect(opt?.udpPayloadSize).toBe(1232);
    // payload sizes below 512 count as 512 (RFC 6891 6.2.5): a small answer still fits
    const tiny = await ask('example.com', 'A', { edns: 100 });
    expect(tiny.flag_tc).toBe(false);
    expect(dataOf(tiny, 'A')).toEqual(['192.0.2.1']);
    const big = await ask('big.example.com', 'TXT', { edns: 4096 });
    expect(big.flag_tc).toBe(false);
    expect(txtOf(big.answers)).toHaveLength(3);
    const tcp = await tcpQuery(lab.port, { name: 'big.example.com', type: 'TXT' });
    expect(tcp.flag_tc).toBe(false);
    expect(txtOf(tcp.answers)).toEqual(['a'.repeat(200), 'b'.repeat(200), 'c'.repeat(200)]);
  });

  it('TCP: several messages in one write, and one message split across writes', async () => {
    const q1 = frame(queryPacket({ name: 'example.com', type: 'A', id: 1 }));
    const q2 = frame(queryPacket({ name: 'example.com', type: 'MX', id: 2 }));
    const both = await tcpExchange(lab.port, [Buffer.concat([q1, q2])], 2);
    expect(both.replies.map((r) => dnsPacket.decode(r).id).sort()).toEqual([1, 2]);
    const split = await tcpExchange(lab.port, [q1.subarray(0, 1), q1.subarray(1, 9), q1.subarray(9)], 1);
    expect(split.replies.map((r) => dnsPacket.decode(r).id)).toEqual([1]);
  });

  it('TCP: a malformed message closes the connection; an over-long prefix too', async () => {
    const bad = await tcpExchange(lab.port, [frame(Buffer.from([1, 2, 3]))], 1);
    expect(bad.closed).toBe(true);
    expect(bad.replies).toEqual([]);
  });

  it('TCP: 200 pipelined queries in one write all get answers', async () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      frame(queryPacket({ name: 'example.com', type: 'A', id: i })),
    );
    const { replies } = await tcpExchange(lab.port, [Buffer.concat(many)], 200, 3000);
    expect(new Set(replies.map((r) => dnsPacket.decode(r).id)).size).toBe(200);
  });

  it('TCP: idle connections are closed (RFC 7766 6.2.3)', async () => {
    const idle = await startLab({ 'a.test': { A: '192.0.2.1' } }, { tcpIdleTimeoutMs: 100 });
    try {
      const t0 = performance.now();
      const r = await tcpExchange(idle.port, [], 1, 2000);
      expect(r.closed).toBe(true);
      expect(performance.now() - t0).toBeLessThan(1500);
    } finally {
      await idle.stop();
    }
  });

  it('malformed UDP packets are ignored and the server keeps answering', async () => {
    for (const junk of [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.alloc(40, 0xc0),
      Buffer.from('hello world'),
    ]) {
      expect(await udpRaw(lab.port, junk, 200)).toBe('timeout');
    }
    // a question whose name is a compression pointer loop
    const loop = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect(await udpRaw(lab.port, loop, 200)).toBe('timeout');
    expect(dataOf(await ask('example.com', 'A'), 'A')).toEqual(['192.0.2.1']);
  });

  it('answers FORMERR to a query without exactly one question, and ignores responses', async () => {
    const none = dnsPacket.encode({ type: 'query', id: 9, questions: [] });
    const r = await udpRaw(lab.port, none, 500);
    expect(r).not.toBe('timeout');
    expect((r as Buffer).readUInt16BE(2) & 0xf).toBe(1);
    const response = dnsPacket.encode({
      type: 'response',
      id: 9,
      questions: [{ type: 'A', name: 'example.com' }],
    });
    expect(await udpRaw(lab.port, response, 200)).toBe('timeout');
  });

  it('setZone swaps the data served', async () => {
    const other = await startLab({ 'a.test': { A: '192.0.2.50' } });
    try {
      const before = await udpQuery(other.port, { name: 'a.test', type: 'A' });
      expect(before !== 'timeout' && dataOf(before, 'A')).toEqual(['192.0.2.50']);
      other.server.setZone(parseZoneYaml('a.test: {A: 192.0.2.51}'));
      const after = await udpQuery(other.port, { name: 'a.test', type: 'A' });
      expect(after !== 'timeout' && dataOf(after, 'A')).toEqual(['192.0.2.51']);
    } finally {
      await other.stop();
    }
  });
});

describe('LabDnsServer: latency', () => {
  it('adds the latency option to every answer', async () => {
    const slow = await startLab({ 'a.test': { A: '192.0.2.1' } }, { latencyMs: 150 });
    try {
      const t0 = performance.now();
      const r = await udpQuery(slow.port, { name: 'a.test', type: 'A' });
      expect(r).not.toBe('timeout');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.stop();
    }
  });

  it('takes a "min-max" range from the zone ($latency)', async () => {
    const slow = await startLab('$latency: "100-120"\na.test: {A: 192.0.2.1}');
    try {
      const t0 = performance.now();
      const r = await tcpQuery(slow.port, { name: 'a.test', type: 'A' });
      const elapsed = performance.now() - t0;
      expect(r.answers).toHaveLength(1);
      expect(elapsed).toBeGreaterThanOrEqual(95);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await slow.stop();
    }
  });

  it('stop() drops pending delayed replies and frees the port', async () => {
    const slow = await startLab({ 'a.test': { A: '192.0.2.1' } }, { latencyMs: 300 });
    const pending = udpQuery(slow.port, { name: 'a.test', type: 'A' }, 600);
    await new Promise((r) => setTimeout(r, 50));
    await slow.stop();
    expect(await pending).toBe('timeout');
  });
});
