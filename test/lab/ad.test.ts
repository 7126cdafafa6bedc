import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, parseZoneYaml, startLab, ZoneError } from '../../src/lab/index.js';
import { adFor } from '../../src/lab/zone.js';
import { createDnsProbe } from '../../src/probe/index.js';
import type { DnsResult } from '../../src/probe/types.js';

const ZONE = `
signed.example: {AD: true, A: 192.0.2.1, SOA: "ns.signed.example h.signed.example 1 2 3 4 60"}
_25._tcp.mx.signed.example: {TLSA: "3 1 1 ${'ab'.repeat(32)}"}
insecure.signed.example: {AD: false, A: 192.0.2.2}
deep.insecure.signed.example: {A: 192.0.2.3}
alias.signed.example: {CNAME: target.plain.example}
alias2.signed.example: {CNAME: signed.example}
target.plain.example: {A: 192.0.2.4}
plain.example: {A: 192.0.2.5}
broken.signed.example: {A: SERVFAIL}
`;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(ZONE);
});
afterAll(async () => {
  await lab.stop();
});

async function ask(name: string, type: 'A' | 'TLSA' = 'A'): Promise<DnsResult> {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 500, tries: 1 });
  return probe.dns.query(name, type);
}
const adOf = (r: DnsResult) => (r.kind === 'error' ? 'error' : r.ad);

describe('lab AD flag (zone.ts "AD flag")', () => {
  it.each<[string, 'A' | 'TLSA', boolean | 'error']>([
    ['signed.example', 'A', true],
    ['_25._tcp.mx.signed.example', 'TLSA', true],
    ['nothing.signed.example', 'A', true], // NXDOMAIN below a secure name
    ['insecure.signed.example', 'A', false],
    ['deep.insecure.signed.example', 'A', false],
    ['alias2.signed.example', 'A', true],
    ['alias.signed.example', 'A', false], // CNAME into an insecure name (RFC 4035 3.2.3)
    ['plain.example', 'A', false],
    ['broken.signed.example', 'A', 'error'],
  ])('%s %s -> ad %s', async (name, type, ad) => {
    expect(adOf(await ask(name, type))).toBe(ad);
  });

  it('$ad sets the default for names no AD entry covers', async () => {
    const z = parseZoneYaml('$ad: true\na.example: {A: 192.0.2.1}\nb.example: {AD: false}');
    expect(adFor(z, 'a.example')).toBe(true);
    expect(adFor(z, 'x.y.b.example')).toBe(false);
    expect(adFor(z, '')).toBe(true);
    expect(adFor(parseZoneYaml('a.example: {A: 192.0.2.1}'), 'a.example')).toBe(false);
    // the setting applies from the next query on
    lab.server.setZone(z);
    try {
      expect(adOf(await ask('a.example'))).toBe(true);
    } finally {
      lab.server.setZone(parseZoneYaml(ZONE));
    }
  });

  it.each([
    ['$ad: "yes"', /\$ad must be true or false/],
    ['a.example: {AD: 1}', /AD must be true or false/],
  ])('rejects %j', (yaml, message) => {
    expect(() => parseZoneYaml(yaml)).toThrow(ZoneError);
    expect(() => parseZoneYaml(yaml)).toThrow(message);
  });
});
