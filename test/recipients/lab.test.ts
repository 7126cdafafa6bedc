/**
 * Each domain reason against real zones served by the loopback lab DNS server, through the
 * run's real probe (stub resolver, cache, resolver canary): the questions each domain needs
 * are asked once however many addresses share it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, startLab, zoneFromObject } from '../../src/lab/index.js';
import { withTldSoas } from '../helpers/tld-soa.js';
import { checkList } from './helpers.js';

const WORLD = {
  'good.com': { MX: ['10 mx1.good.com', '20 mx2.good.com'] },
  'mx1.good.com': { A: '93.184.216.34' },
  'mx2.good.com': { AAAA: '2606:2800:220:1::1' },
  'nullmx.com': { MX: ['0 .'] },
  // RFC 7505 3: a null MX must be the only MX record.
  'mixednull.com': { MX: ['0 .', '10 mx1.good.com'] },
  'implicit.com': { A: '93.184.216.35' },
  'nohost.com': { TXT: 'v=spf1 -all' },
  'ghostmx.com': { MX: ['10 mx.gone.com'] },
  'halfmx.com': { MX: ['10 mx1.good.com', '20 mx.gone.com'] },
  'loop.com': { MX: ['10 mx.loop.com'] },
  'mx.loop.com': { A: '127.0.0.1' },
  'private.com': { MX: ['10 mx.private.com'] },
  'mx.private.com': { A: '10.0.0.25', AAAA: 'fd00::25' },
  'slow.com': 'TIMEOUT',
  'broken.com': { MX: 'SERVFAIL' },
  'gmail.com': { MX: ['5 gmail-smtp-in.l.google.com'] },
  'gmail-smtp-in.l.google.com': { A: '142.250.102.27' },
  'xn--bcher-kva.com': { MX: ['10 mx1.good.com'] },
  'shop.com': { MX: ['10 mx1.good.com'] },
};

let lab: LabHandle;
let liar: LabHandle;
beforeAll(async () => {
  lab = await startLab(withTldSoas(zoneFromObject(WORLD), ['com']));
  // No SOA for com.: a resolver that denies a TLD exists (src/probe/canary.ts).
  liar = await startLab(WORLD);
});
afterAll(async () => {
  await lab?.stop();
  await liar?.stop();
});

const through = (h: LabHandle) => ({
  probeOptions: { resolvers: [`${h.host}:${h.port}`], timeoutMs: 300, tries: 1, noSmtp: true },
});

describe('recipient domains on the lab', () => {
  it('gives each domain its reason and predicted reply', async () => {
    const list = [
      'ann@good.com',
      'ann@nullmx.com',
      'ann@mixednull.com',
      'ann@implicit.com',
      'ann@nohost.com',
      'ann@nxdomain-here.com',
      'ann@ghostmx.com',
      'ann@halfmx.com',
      'ann@loop.com',
      'ann@private.com',
      'ann@slow.com',
      'ann@broken.com',
      'ann@bücher.com',
      'ann@[192.0.2.1]',
      'ann@site.test',
    ].join('\n');
    const { by, summary } = await checkList(list, through(lab));
    const reasonOf = (a: string) => [by(a).status, by(a).reason];
    expect(reasonOf('ann@good.com')).toEqual(['ok', 'ok']);
    expect(reasonOf('ann@nullmx.com')).toEqual(['undeliverable', 'domain/null-mx']);
    expect(by('ann@nullmx.com').predictedReply).toMatchObject({ code: '556', enhanced: '5.1.10' });
    expect(reasonOf('ann@mixednull.com')).toEqual(['risky', 'domain/some-mx-unusable']);
    expect(by('ann@mixednull.com').evidence.domain?.mx).toContain('RFC 7505 3 forbids it');
    expect(reasonOf('ann@implicit.com')).toEqual(['ok', 'ok/implicit-mx']);
    expect(reasonOf('ann@nohost.com')).toEqual(['undeliverable', 'domain/no-mail-host']);
    expect(reasonOf('ann@nxdomain-here.com')).toEqual(['undeliverable', 'domain/nxdomain']);
    expect(by('ann@nxdomain-here.com').predictedReply?.text).toContain('name=nxdomain-here.com type=MX');
    expect(reasonOf('ann@ghostmx.com')).toEqual(['undeliverable', 'domain/mx-unresolvable']);
    expect(reasonOf('ann@halfmx.com')).toEqual(['risky', 'domain/some-mx-unusable']);
    expect(reasonOf('ann@loop.com')).toEqual(['undeliverable', 'domain/mx-not-public']);
    expect(by('ann@loop.com').evidence.domain?.hosts?.[0]?.addresses).toBe('127.0.0.1 (loopback)');
    expect(reasonOf('ann@private.com')).toEqual(['undeliverable', 'domain/mx-not-public']);
    expect(reasonOf('ann@slow.com')).toEqual(['unknown', 'dns/lookup-failed']);
    expect(reasonOf('ann@broken.com')).toEqual(['unknown', 'dns/lookup-failed']);
    // IDN: the A-label is what is asked and reported, the U-label kept as evidence.
    expect(by('ann@bücher.com')).toMatchObject({
      status: 'ok',
      domain: 'xn--bcher-kva.com',
      normalized: 'ann@xn--bcher-kva.com',
      evidence: { unicodeDomain: 'bücher.com' },
    });
    expect(reasonOf('ann@[192.0.2.1]')).toEqual(['risky', 'domain/address-literal']);
    expect(reasonOf('ann@site.test')).toEqual(['undeliverable', 'domain/special-use']);
    expect(summary.total).toBe(15);
    expect(summary.byStatus).toEqual({ ok: 3, invalid: 0, undeliverable: 7, risky: 3, unknown: 2 });
  });

  it('a timeout or SERVFAIL is never undeliverable (could not measure is unknown)', async () => {
    const { results } = await checkList('a@slow.com\nb@broken.com\n', through(lab));
    expect(results.map((r) => r.status)).toEqual(['unknown', 'unknown']);
  });

  it("does not believe a lying resolver's NXDOMAIN (the resolver canary)", async () => {
    const { by } = await checkList('ann@nxdomain-here.com\nann@good.com\n', through(liar));
    expect(by('ann@nxdomain-here.com')).toMatchObject({
      status: 'unknown',
      reason: 'dns/resolver-unreliable',
    });
    expect(by('ann@good.com').status).toBe('ok');
  });

  it('suggests the provider for a typo domain that takes no mail, and the list top domain', async () => {
    const list = [
      ...Array.from({ length: 6 }, (_, i) => `u${i}@shop.com`),
      'bob@gmial.com',
      'eve@yahoo.con',
      'joe@shpo.com',
    ].join('\n');
    const { by } = await checkList(list, through(lab));
    expect(by('bob@gmial.com')).toMatchObject({
      status: 'risky',
      reason: 'typo/likely-typo',
      suggestion: 'bob@gmail.com',
      evidence: { otherReasons: expect.arrayContaining(['domain/nxdomain']) },
    });
    expect(by('eve@yahoo.con')).toMatchObject({ reason: 'typo/likely-typo', suggestion: 'eve@yahoo.com' });
    // shop.com became one of the list's frequent domains before shpo.com came.
    expect(by('joe@shpo.com')).toMatchObject({ reason: 'typo/likely-typo', suggestion: 'joe@shop.com' });
  });

  it("asks each domain's questions once for the whole list", async () => {
    const before = lab.server.queries.length;
    const list = Array.from(
      { length: 3000 },
      (_, i) => `user${i}@${['good.com', 'gmail.com', 'nullmx.com'][i % 3]}`,
    );
    const { summary } = await checkList(list.join('\n'), { ...through(lab), window: 64 });
    const asked = lab.server.queries.slice(before).map((q) => `${q.type} ${q.name}`);
    expect(new Set(asked).size).toBe(asked.length);
    // good.com: MX, then A of mx1 and A + AAAA of mx2; gmail.com: MX and A; nullmx.com: MX;
    // and the canary (com SOA) once, before the NODATA for mx2's A is believed.
    expect(asked.sort()).toEqual([
      'A gmail-smtp-in.l.google.com',
      'A mx1.good.com',
      'A mx2.good.com',
      'AAAA mx2.good.com',
      'MX gmail.com',
      'MX good.com',
      'MX nullmx.com',
      'SOA com',
    ]);
    expect(summary.domainsChecked).toBe(3);
    expect(summary.dns?.queriesSent).toBe(8);
  });
});
