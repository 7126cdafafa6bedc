import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRfc7208Suite, type Rfc7208Scenario } from '../../src/lab/rfc7208.js';
import { LabDnsServer } from '../../src/lab/server.js';
import { spfOf, txtOf, udpQuery } from './dns-client.js';

const SUITE = '/work/shared/testdata/rfc7208-tests.yml';

let scenarios: Rfc7208Scenario[];
beforeAll(() => {
  scenarios = loadRfc7208Suite(SUITE);
});

function scenario(description: string): Rfc7208Scenario {
  const s = scenarios.find((x) => x.description === description);
  if (!s) throw new Error(`no scenario ${description}`);
  return s;
}

describe('loadRfc7208Suite', () => {
  it('loads every scenario and all 203 tests', () => {
    expect(scenarios).toHaveLength(16);
    expect(scenarios.reduce((n, s) => n + s.tests.length, 0)).toBe(203);
    for (const s of scenarios) {
      expect(s.description).not.toMatch(/^scenario \d+$/);
      for (const t of s.tests) {
        expect(typeof t.host).toBe('string');
        expect(t.result === undefined).toBe(false);
      }
    }
  });

  it('keeps every test field as written: spec as a string, result lists, explanation, extra keys', () => {
    const initial = scenario('Initial processing');
    const nullText = initial.tests.find((t) => t.name === 'null-text');
    expect(nullText).toMatchObject({ spec: '3.3', host: '192.0.2.5', result: 'pass', helo: 'hosed' });
    const nolocal = initial.tests.find((t) => t.name === 'nolocalpart');
    expect(nolocal).toMatchObject({ mailfrom: '@example.net', result: 'fail', explanation: 'postmaster' });
    const all = scenarios.flatMap((s) => s.tests);
    expect(all.find((t) => t.name === 'multispf1')?.result).toEqual(['permerror', 'fail']);
    expect(all.find((t) => t.name === 'bytes-bug')?.['strict']).toBe('2');
    expect(
      all.filter((t) => t.spec !== undefined && typeof t.spec !== 'string' && !Array.isArray(t.spec)),
    ).toEqual([]);
  });

  it('keeps byte strings byte-exact (\\x80 is one byte, not UTF-8)', () => {
    const node = scenario('Initial processing').zone.nodes.get('hosed2.example.com')!;
    const spf = node.rrsets.get('SPF');
    expect(Array.isArray(spf) && spf[0]?.type === 'SPF' && spf[0].data[0]).toEqual(
      Buffer.from('v=spf1 \x80a:example.net -all', 'latin1'),
    );
  });
});

describe('RFC 7208 suite zones served by the lab', () => {
  let server: LabDnsServer;
  beforeAll(async () => {
    server = await LabDnsServer.start({ zone: scenario('Initial processing').zone });
  });
  afterAll(async () => {
    await server.stop();
  });

  async function ask(name: string, type: string) {
    const r = await udpQuery(server.port, { name, type }, 400);
    return r === 'timeout' ? r : { rcode: r.rcode, txt: txtOf(r.answers), spf: spfOf(r.answers) };
  }

  it('serves an SPF (type 99) record as TXT too when the name has no TXT entry', async () => {
    server.setZone(scenario('Initial processing').zone);
    // zonedata: example.net: [{SPF: "v=spf1 -all exp=exp.example.net"}]
    expect(await ask('example.net', 'TXT')).toEqual({
      rcode: 0,
      txt: ['v=spf1 -all exp=exp.example.net'],
      spf: [],
    });
    expect(await ask('example.net', 'SPF')).toEqual({
      rcode: 0,
      txt: [],
      spf: ['v=spf1 -all exp=exp.example.net'],
    });
    // a record of several character-strings keeps them apart, and [] is a record with none
    expect(await ask('null.example.com', 'TXT')).toEqual({
      rcode: 0,
      txt: ['v=spf1 ip4:|192.0.2.5 -all', ''],
      spf: [],
    });
  });

  it('Record lookup scenario: TXT: NONE and TIMEOUT entries as the suite driver reads them', async () => {
    server.setZone(scenario('Record lookup').zone);
    // both: own TXT and SPF; spfonly: TXT NONE blocks the copy
    expect(await ask('both.example.net', 'TXT')).toMatchObject({ txt: ['v=spf1 -all'] });
    expect(await ask('spfonly.example.net', 'TXT')).toEqual({ rcode: 0, txt: [], spf: [] });
    expect(await ask('spfonly.example.net', 'SPF')).toMatchObject({ spf: ['v=spf1 -all'] });
    // spftimeout: [TXT, TIMEOUT] -> TXT answers (expected result: fail), SPF times out
    expect(await ask('spftimeout.example.net', 'TXT')).toMatchObject({ txt: ['v=spf1 -all'] });
    expect(await ask('spftimeout.example.net', 'SPF')).toBe('timeout');
    // txttimeout: [SPF, TXT NONE, TIMEOUT] -> TXT times out (expected result: temperror)
    expect(await ask('txttimeout.example.net', 'TXT')).toBe('timeout');
    expect(await ask('txttimeout.example.net', 'SPF')).toMatchObject({ spf: ['v=spf1 -all'] });
    // alltimeout: [TIMEOUT] -> nothing answers
    expect(await ask('alltimeout.example.net', 'SPF')).toBe('timeout');
    expect(await ask('alltimeout.example.net', 'A')).toBe('timeout');
  });
});
