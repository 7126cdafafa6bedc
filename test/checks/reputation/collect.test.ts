import { describe, expect, it } from 'vitest';
import {
  MAX_LINK_DOMAINS_QUERIED,
  type ReputationEvidence,
  reputationCheck,
} from '../../../checks/reputation/index.js';
import type { ReputationSettings } from '../../../src/check.js';
import type { Target } from '../../../src/report.js';
import { blocklistWorld } from '../../helpers/blocklists.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

const V6 = '2001:db8::5';
const V6_NIBBLES = '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';

async function run(world: ZoneObject, extra: Partial<Target> = {}, reputation?: ReputationSettings) {
  const probe = memoryProbe(memoryResolver(world));
  const target: Target = { domain: 'sender.example', ips: [], profile: 'bulk', ...extra };
  const evidence = await reputationCheck.collect(target, {
    probe,
    signal: new AbortController().signal,
    ...(reputation ? { reputation } : {}),
  });
  // Evidence must survive a JSON round trip (record/replay).
  const replayed = JSON.parse(JSON.stringify(evidence)) as ReputationEvidence;
  const findings = reputationCheck.judge(replayed, target);
  return { evidence, findings, keys: findings.map((f) => f.key), asked: probe.dns.asked };
}

describe('reputation collect + judge (memory resolver)', () => {
  it('nothing listed on healthy lists: no findings', async () => {
    const r = await run(blocklistWorld(), { ips: ['192.0.2.1', V6] });
    expect(r.keys).toEqual([]);
    expect(r.evidence.lists.every((l) => l.state === 'ok')).toBe(true);
    // RFC 5782 2.4: the IPv6 address asked as 32 reversed nibbles.
    expect(r.asked).toContain(`A ${V6_NIBBLES}.zen.spamhaus.org`);
    expect(r.asked).toContain('A 1.2.0.192.zen.spamhaus.org');
    expect(r.asked).toContain('A sender.example.dbl.spamhaus.org');
  });

  it('ZEN codes become distinct findings: SBL, XBL, PBL (and SBL+PBL at once)', async () => {
    const r = await run(
      blocklistWorld({
        '1.2.0.192.zen.spamhaus.org': { A: '127.0.0.2', TXT: 'https://check.spamhaus.org/sbl/SBL1' },
        '2.2.0.192.zen.spamhaus.org': { A: '127.0.0.4' },
        '3.2.0.192.zen.spamhaus.org': { A: ['127.0.0.3', '127.0.0.11'] },
        [`${V6_NIBBLES}.zen.spamhaus.org`]: { A: '127.0.0.10' },
      }),
      { ips: ['192.0.2.1', '192.0.2.2', '192.0.2.3', V6] },
    );
    expect(r.keys.sort()).toEqual([
      'ip-listed-css',
      'ip-listed-pbl',
      'ip-listed-pbl',
      'ip-listed-sbl',
      'ip-listed-xbl',
    ]);
    const sbl = r.findings.find((f) => f.key === 'ip-listed-sbl');
    expect(sbl?.data?.['reason']).toContain('SBL1');
    expect(sbl?.data?.['lookup']).toBe('https://check.spamhaus.org/results/?query=192.0.2.1');
  });

  it('Barracuda and SpamCop listings are generic ip-listed findings', async () => {
    const r = await run(
      blocklistWorld({
        '1.2.0.192.b.barracudacentral.org': { A: '127.0.0.2' },
        '1.2.0.192.bl.spamcop.net': { A: '127.0.0.2' },
      }),
      { ips: ['192.0.2.1'] },
    );
    expect(r.keys).toEqual(['ip-listed', 'ip-listed']);
  });

  it.each([
    ['127.255.255.254', 'public or open resolver'],
    ['127.255.255.255', 'excessive number of queries'],
    ['127.255.255.252', 'typo'],
  ])('Spamhaus refusal %s on an IP is list-refused (unknown), never listed', async (code, reason) => {
    const r = await run(blocklistWorld({ '1.2.0.192.zen.spamhaus.org': { A: code } }), {
      ips: ['192.0.2.1'],
    });
    expect(r.keys).toEqual(['list-refused']);
    expect(r.findings[0]?.data?.['reason']).toContain(reason);
  });

  it('a refusal of the test entry (public resolver) refuses the whole list: no item is asked', async () => {
    const r = await run(
      blocklistWorld({
        '2.0.0.127.zen.spamhaus.org': { A: '127.255.255.254' },
        '1.0.0.127.zen.spamhaus.org': { A: '127.255.255.254' },
      }),
      { ips: ['192.0.2.1'] },
    );
    expect(r.keys).toEqual(['list-refused']);
    expect(r.asked).not.toContain('A 1.2.0.192.zen.spamhaus.org');
  });

  it('DBL 127.0.1.255 (IP queried against a domain list) is a refusal', async () => {
    const r = await run(blocklistWorld({ 'sender.example.dbl.spamhaus.org': { A: '127.0.1.255' } }));
    expect(r.keys).toEqual(['list-refused']);
  });

  it('a shut-down list answering everything (wildcard) is unreliable, never a listing (RFC 5782 5)', async () => {
    const world = blocklistWorld({ '*.bl.spamcop.net': { A: '127.0.0.2' } });
    // The explicit test entry would make 0.0.127.bl.spamcop.net exist and stop the wildcard there (RFC 4592).
    delete world['2.0.0.127.bl.spamcop.net'];
    const r = await run(world, { ips: ['192.0.2.1'] });
    expect(r.keys).toEqual(['list-unreliable']);
    expect(r.findings[0]?.data?.['query']).toBe('1.0.0.127.bl.spamcop.net');
    expect(r.asked).not.toContain('A 1.2.0.192.bl.spamcop.net');
  });

  it('a list whose test entry is not listed (zone gone, resolver blocked) is unreliable', async () => {
    const world = blocklistWorld();
    delete world['2.0.0.127.b.barracudacentral.org'];
    const r = await run(world, { ips: ['192.0.2.1'] });
    expect(r.keys).toEqual(['list-unreliable']);
    expect(String(r.findings[0]?.data?.['why'])).toContain('registered');
  });

  it('timeouts and SERVFAIL are lookup-failed (unknown)', async () => {
    const r = await run(
      blocklistWorld({
        '1.2.0.192.zen.spamhaus.org': 'TIMEOUT',
        'sender.example.multi.uribl.com': 'SERVFAIL',
      }),
      { ips: ['192.0.2.1'] },
    );
    expect(r.keys.sort()).toEqual(['lookup-failed', 'lookup-failed']);
  });

  it('an undocumented answer is unexpected-answer (unknown), never listed', async () => {
    const r = await run(blocklistWorld({ '1.2.0.192.zen.spamhaus.org': { A: '127.0.0.8' } }), {
      ips: ['192.0.2.1'],
    });
    expect(r.keys).toEqual(['unexpected-answer']);
  });

  it('domain lists: DBL, SURBL and URIBL bitmasks decoded, with the roles of the domain', async () => {
    const r = await run(
      blocklistWorld({
        'sender.example.dbl.spamhaus.org': { A: '127.0.1.4' },
        'sender.example.multi.surbl.org': { A: '127.0.0.80' },
        'bounce.example.multi.uribl.com': { A: '127.0.0.4' },
      }),
      { mailFrom: 'mail.sender.example', dkimDomain: 'bounce.example' },
    );
    expect(r.keys.sort()).toEqual(['domain-listed-dbl', 'domain-listed-surbl', 'domain-listed-uribl']);
    const dbl = r.findings.find((f) => f.key === 'domain-listed-dbl');
    expect(dbl?.data?.['roles']).toBe('From domain, MAIL FROM domain');
    expect(dbl?.data?.['meaning']).toBe('phishing domain');
    const surbl = r.findings.find((f) => f.key === 'domain-listed-surbl');
    expect(surbl?.data?.['meaning']).toBe('MW: malware; ABUSE: spam and abuse sites');
    // The registered domain is asked, once, not the host name.
    expect(r.asked.filter((q) => q === 'A sender.example.dbl.spamhaus.org')).toHaveLength(1);
    expect(r.asked).not.toContain('A mail.sender.example.dbl.spamhaus.org');
  });

  it('message link domains: listed links are link-domain-listed, bounded by MAX_LINK_DOMAINS_QUERIED', async () => {
    const domains = Array.from({ length: MAX_LINK_DOMAINS_QUERIED + 3 }, (_, i) => `link${i}.example`);
    const r = await run(blocklistWorld({ 'link0.example.dbl.spamhaus.org': { A: '127.0.1.2' } }), {
      message: {
        links: { domains, ipHosts: [], urlCount: domains.length, omitted: 0 },
        bytes: 1,
        wireBytes: 1,
        sha256: '0',
      },
    });
    expect(r.keys).toEqual(['link-domain-listed', 'not-checked']);
    expect(r.findings[1]?.data?.['count']).toBe(3);
  });

  it('--dqs-key asks the DQS zones and never shows the key', async () => {
    const key = 'abcdef0123456789';
    const r = await run(
      {
        ...blocklistWorld(),
        [`2.0.0.127.${key}.zen.dq.spamhaus.net`]: { A: '127.0.0.2' },
        [`dbltest.com.${key}.dbl.dq.spamhaus.net`]: { A: '127.0.1.2' },
        [`1.2.0.192.${key}.zen.dq.spamhaus.net`]: {
          A: '127.0.0.2',
          TXT: `listed via ${key}.zen.dq.spamhaus.net`,
        },
      },
      { ips: ['192.0.2.1'] },
      { dqsKey: key },
    );
    expect(r.keys).toEqual(['ip-listed-sbl']);
    expect(r.asked).toContain(`A 1.2.0.192.${key}.zen.dq.spamhaus.net`);
    expect(r.asked).not.toContain('A 1.2.0.192.zen.spamhaus.org');
    const shown = JSON.stringify({ evidence: r.evidence, findings: r.findings });
    expect(shown).not.toContain(key);
    expect(shown).toContain('<key>.zen.dq.spamhaus.net');
  });

  it('blocklists setting: only the chosen lists are asked; "none" asks nothing; unknown ids are reported', async () => {
    const only = await run(blocklistWorld(), { ips: ['192.0.2.1'] }, { lists: ['spamcop'] });
    expect(new Set(only.asked.map((q) => q.split('.').slice(-2).join('.')))).toEqual(
      new Set(['spamcop.net']),
    );
    const none = await run(blocklistWorld(), { ips: ['192.0.2.1'] }, { lists: ['none'] });
    expect(none.asked).toEqual([]);
    const bad = await run(blocklistWorld(), {}, { lists: ['nope'] });
    expect(bad.keys).toEqual(['unknown-list']);
  });

  it('a hostile TXT reason is bounded and printable', async () => {
    const r = await run(
      blocklistWorld({ '1.2.0.192.bl.spamcop.net': { A: '127.0.0.2', TXT: `\u0007<b>${'x'.repeat(1000)}` } }),
      { ips: ['192.0.2.1'] },
    );
    const txt = String(r.evidence.lookups.find((l) => l.state === 'listed')?.txt);
    expect(txt.length).toBeLessThanOrEqual(256);
    expect(txt).toMatch(/^[\x20-\x7e]*$/);
  });
});
