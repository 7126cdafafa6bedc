/**
 * The in-memory resolver answers as the loopback lab read by the real stub client does: the same
 * world, asked both ways, gives the same results (error details aside, which name the transport).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { createStubResolver, MAX_CNAME_HOPS } from '../../src/probe/dns.js';
import type { DnsResult, Resolver, RRType } from '../../src/probe/types.js';
import { memoryProbe, memoryResolver } from './memory-resolver.js';

/** CNAMEs c0 -> c1 -> ... one hop more than the client follows, then an address. */
const LONG_CHAIN = Array.from(
  { length: MAX_CNAME_HOPS + 1 },
  (_, i) => `c${i}.example.com: {CNAME: c${i + 1}.example.com}`,
).join('\n');

const WORLD = `
example.com:
  TTL: 600
  A: 192.0.2.1
  AAAA: ["2001:0DB8:0:0::10", "::ffff:192.0.2.1"]
  MX: ["10 mx1.example.com", {preference: 20, exchange: MX2.example.com.}]
  TXT: ["v=spf1 -all", ["part one ", "part two"], ""]
  SPF: "v=spf1 -all"
  SOA: "ns1.example.com hostmaster.example.com 1 7200 3600 1209600 300"
  NS: ns1.example.com
null.example.com: {MX: "0 ."}
www.example.com: {CNAME: example.com}
alias.example.com: {CNAME: www.example.com}
dangling.example.com: {CNAME: gone.example.net}
loop1.example.com: {CNAME: loop2.example.com}
loop2.example.com: {CNAME: loop1.example.com}
${LONG_CHAIN}
c${MAX_CNAME_HOPS + 1}.example.com: {A: 192.0.2.9}
_25._tcp.mx1.example.com: {TLSA: "3 1 1 2BB1E4"}
1.2.0.192.in-addr.arpa: {PTR: mx1.example.com.}
"*.wild.example.com": {TXT: synthesized}
deep.below.example.com: {A: 192.0.2.5}
slow.example.com: TIMEOUT
flaky.example.com: {A: 192.0.2.9, TXT: SERVFAIL}
closed.example.com: REFUSED
gone.example.com: NXDOMAIN
to-slow.example.com: {CNAME: slow.example.com}
signed.example: {AD: true, A: 192.0.2.7}
insecure.signed.example: {AD: false, CNAME: signed.example}
to-signed.example.com: {CNAME: signed.example}
`;

const QUESTIONS: [string, RRType][] = [
  ['example.com', 'A'],
  ['Example.COM.', 'AAAA'],
  ['example.com', 'MX'],
  ['example.com', 'TXT'],
  ['example.com', 'SPF'],
  ['example.com', 'SOA'],
  ['example.com', 'NS'],
  ['example.com', 'PTR'],
  ['null.example.com', 'MX'],
  ['www.example.com', 'A'],
  ['www.example.com', 'CNAME'],
  ['alias.example.com', 'TXT'],
  ['dangling.example.com', 'A'],
  ['loop1.example.com', 'A'],
  ['c0.example.com', 'A'],
  ['c1.example.com', 'A'],
  ['_25._tcp.mx1.example.com', 'TLSA'],
  ['1.2.0.192.in-addr.arpa', 'PTR'],
  ['a.wild.example.com', 'TXT'],
  ['a.wild.example.com', 'A'],
  ['below.example.com', 'A'],
  ['nothing.example.com', 'A'],
  ['slow.example.com', 'A'],
  ['flaky.example.com', 'A'],
  ['flaky.example.com', 'TXT'],
  ['closed.example.com', 'MX'],
  ['gone.example.com', 'A'],
  ['to-slow.example.com', 'A'],
  ['signed.example', 'A'],
  ['insecure.signed.example', 'A'],
  ['to-signed.example.com', 'A'],
  [`${'x'.repeat(64)}.example.com`, 'A'],
];

/** Error details name the transport (server, tries): compare the kind only. */
function comparable(r: DnsResult): unknown {
  return r.kind === 'error' ? { ...r, detail: '' } : r;
}

describe('memoryResolver answers as the lab read by the stub client', () => {
  let lab: LabHandle;
  let stub: Resolver;
  beforeAll(async () => {
    lab = await startLab(WORLD);
    stub = createStubResolver({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 200, tries: 1 });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it.each(QUESTIONS)('%s %s', async (name, type) => {
    const memory = await memoryResolver(WORLD).query(name, type);
    expect(comparable(memory)).toEqual(comparable(await stub.query(name, type)));
  });
});

describe('memoryResolver', () => {
  it('records every question in order, as "TYPE name" and by name', async () => {
    const dns = memoryResolver({ 'example.com': { A: '192.0.2.1' } });
    await dns.query('Example.COM.', 'A');
    await dns.query('other.example', 'TXT');
    expect(dns.asked).toEqual(['A example.com', 'TXT other.example']);
    expect(dns.askedNames).toEqual(['example.com', 'other.example']);
    expect(memoryProbe(dns).counters().queriesSent).toBe(2);
  });

  it('injects errors the lab cannot serve, per name or per name and type', async () => {
    const dns = memoryResolver(
      { 'example.com': { A: '192.0.2.1', TXT: 'x' }, 'www.example.com': { CNAME: 'example.com' } },
      { errors: { 'example.com TXT': 'malformed', 'other.example': 'refused' } },
    );
    expect(await dns.query('example.com', 'A')).toMatchObject({ kind: 'ok' });
    expect(await dns.query('example.com', 'TXT')).toMatchObject({ kind: 'error', error: 'malformed' });
    expect(await dns.query('www.example.com', 'TXT')).toMatchObject({
      kind: 'error',
      error: 'malformed',
      cnameChain: ['example.com'],
    });
    expect(await dns.query('other.example', 'MX')).toMatchObject({ kind: 'error', error: 'refused' });
  });

  it('an aborted signal is a timeout, as for the stub client', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await memoryResolver({}).query('example.com', 'A', { signal: ac.signal });
    expect(r).toMatchObject({ kind: 'error', error: 'timeout', detail: 'aborted' });
  });
});
