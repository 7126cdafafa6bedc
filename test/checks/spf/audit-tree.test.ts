import { describe, expect, it } from 'vitest';
import { judgeSpf } from '../../../checks/spf/index.js';
import {
  SPF_AUDIT_MAX_NODES,
  SPF_AUDIT_MAX_TARGET_NAMES,
  SPF_AUDIT_MAX_TERMS,
  walkSpfTree,
} from '../../../checks/spf/tree.js';
import { memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

async function audit(zone: ZoneObject, domain = 'example.com') {
  const resolver = memoryResolver(zone);
  const evidence = { ...(await walkSpfTree(domain, resolver)), ipResults: [] };
  const findings = judgeSpf(evidence);
  return { evidence, findings, keys: findings.map((f) => f.key).sort(), queries: resolver.asked };
}

describe('walkSpfTree + judgeSpf', () => {
  it('clean record: no findings, ranges and lookups recorded', async () => {
    const { evidence, keys } = await audit({
      'example.com': {
        TXT: ['google-site-verification=abc', 'v=spf1 ip4:192.0.2.0/24 mx -all'],
        MX: ['10 mx.example.com'],
      },
      'mx.example.com': { A: ['192.0.2.25'] },
    });
    expect(keys).toEqual([]);
    expect(evidence.record).toBe('v=spf1 ip4:192.0.2.0/24 mx -all');
    expect(evidence.totalLookups).toBe(1);
    const root = evidence.nodes[0]!;
    expect(root.ranges).toEqual(['192.0.2.0/24']);
    expect(root.dependsOn).toEqual({ a: [], mx: ['example.com'] });
    expect(root.txtCount).toBe(2);
    expect(root.recordBytes).toBe(31);
    expect(root.targets[0]).toMatchObject({ mechanism: 'mx', name: 'example.com', mxCount: 1, void: false });
  });

  it('+all is an error, ?all a warning, ~all nothing', async () => {
    expect((await audit({ 'example.com': { TXT: ['v=spf1 +all'] } })).keys).toEqual(['plus-all']);
    expect((await audit({ 'example.com': { TXT: ['v=spf1 ?all'] } })).keys).toEqual(['neutral-all']);
    expect((await audit({ 'example.com': { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] } })).keys).toEqual([]);
  });

  it('plus-all suggests the record with -all', async () => {
    const { findings } = await audit({ 'example.com': { TXT: ['v=spf1 a +all'], A: ['192.0.2.1'] } });
    expect(findings[0]?.data).toMatchObject({ term: '+all', suggested: 'v=spf1 a -all' });
  });

  it('include target NXDOMAIN -> include-not-found (RFC 7208 5.2), not dns-error', async () => {
    const { findings, keys } = await audit({
      'example.com': { TXT: ['v=spf1 include:_spf.gone.example -all'] },
    });
    expect(keys).toContain('include-not-found');
    expect(keys).not.toContain('dns-error');
    const f = findings.find((x) => x.key === 'include-not-found')!;
    expect(f.data).toMatchObject({
      target: '_spf.gone.example',
      parent: 'example.com',
      term: 'include:_spf.gone.example',
    });
    expect(String(f.data?.reason)).toContain('NXDOMAIN');
    expect(f.evidence.chain).toEqual(['example.com', '_spf.gone.example']);
  });

  it('include target without an SPF record -> include-not-found', async () => {
    const { findings } = await audit({
      'example.com': { TXT: ['v=spf1 include:esp.example -all'] },
      'esp.example': { TXT: ['some-verification=1'] },
    });
    const f = findings.find((x) => x.key === 'include-not-found')!;
    expect(f.data?.reason).toBe('publishes no SPF record');
  });

  it('redirect to a name without SPF -> include-not-found (RFC 7208 6.1)', async () => {
    const { findings } = await audit({ 'example.com': { TXT: ['v=spf1 redirect=_spf.example.com'] } });
    expect(findings.map((f) => f.key)).toContain('include-not-found');
    expect(findings.find((f) => f.key === 'include-not-found')?.data?.term).toBe('redirect=_spf.example.com');
  });

  it('include loop is detected by the chain of domains', async () => {
    const { evidence, findings } = await audit({
      'example.com': { TXT: ['v=spf1 include:a.example -all'] },
      'a.example': { TXT: ['v=spf1 include:b.example -all'] },
      'b.example': { TXT: ['v=spf1 include:a.example -all'] },
    });
    const loop = findings.find((f) => f.key === 'include-loop')!;
    expect(loop.data).toMatchObject({ parent: 'b.example', target: 'a.example' });
    expect(loop.evidence.chain).toEqual(['example.com', 'a.example', 'b.example', 'a.example']);
    expect(evidence.nodes.map((n) => n.status)).toEqual(['fetched', 'fetched', 'fetched', 'loop']);
  });

  it('the same include in two branches is walked twice and counted twice (not a loop)', async () => {
    const { evidence, keys } = await audit({
      'example.com': { TXT: ['v=spf1 include:a.example include:b.example -all'] },
      'a.example': { TXT: ['v=spf1 include:shared.example -all'] },
      'b.example': { TXT: ['v=spf1 include:shared.example -all'] },
      'shared.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
    });
    expect(keys).toEqual([]);
    expect(evidence.totalLookups).toBe(4);
    expect(evidence.nodes.filter((n) => n.domain === 'shared.example')).toHaveLength(2);
  });

  it('ESP-style tree over 10 lookups: count, worst chain and nested tree (RFC 7208 4.6.4)', async () => {
    const { evidence, findings } = await audit({
      'example.com': {
        TXT: ['v=spf1 a mx include:esp1.example include:esp2.example include:esp3.example -all'],
        A: ['192.0.2.1'],
        MX: ['10 mx.example.com'],
      },
      'esp1.example': { TXT: ['v=spf1 include:_a.esp1.example include:_b.esp1.example -all'] },
      '_a.esp1.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 -all'] },
      '_b.esp1.example': { TXT: ['v=spf1 include:_c.esp1.example ~all'] },
      '_c.esp1.example': { TXT: ['v=spf1 ip4:198.51.101.0/24 ~all'] },
      'esp2.example': { TXT: ['v=spf1 include:_n1.esp2.example include:_n2.esp2.example ~all'] },
      '_n1.esp2.example': { TXT: ['v=spf1 ip4:203.0.113.0/25 ~all'] },
      '_n2.esp2.example': { TXT: ['v=spf1 ip4:203.0.113.128/25 ~all'] },
      'esp3.example': { TXT: ['v=spf1 ip6:2001:db8::/48 ~all'] },
    });
    // root: a, mx, 3 includes = 5; esp1: 2 + _b: 1; esp2: 2 => 10; still within the limit
    expect(evidence.totalLookups).toBe(10);
    expect(findings.map((f) => f.key)).toEqual(['lookups-near-limit']);
    expect(evidence.worstChain).toEqual([
      'example.com',
      'esp1.example',
      '_b.esp1.example',
      '_c.esp1.example',
    ]);
    expect(evidence.tree.children.map((c) => [c.domain, c.subtreeLookups])).toEqual([
      ['esp1.example', 3],
      ['esp2.example', 2],
      ['esp3.example', 0],
    ]);
  });

  it('one more level makes it too-many-lookups with the count and chain', async () => {
    const { evidence, findings } = await audit({
      'example.com': {
        TXT: ['v=spf1 a mx include:esp1.example include:esp2.example -all'],
        A: ['192.0.2.1'],
        MX: ['10 mx.example.com'],
      },
      'esp1.example': {
        TXT: ['v=spf1 include:_a.esp1.example include:_b.esp1.example include:_c.esp1.example -all'],
      },
      '_a.esp1.example': { TXT: ['v=spf1 exists:%{i}._spf.esp1.example -all'] },
      '_b.esp1.example': { TXT: ['v=spf1 a:relay.esp1.example -all'] },
      'relay.esp1.example': { A: ['198.51.100.7'] },
      '_c.esp1.example': { TXT: ['v=spf1 ip4:198.51.101.0/24 -all'] },
      'esp2.example': {
        TXT: ['v=spf1 include:_n1.esp2.example mx:esp2.example ~all'],
        MX: ['10 m.esp2.example'],
      },
      '_n1.esp2.example': { TXT: ['v=spf1 ip4:203.0.113.0/25 ~all'] },
    });
    expect(evidence.totalLookups).toBe(11);
    const f = findings.find((x) => x.key === 'too-many-lookups')!;
    expect(f.data).toMatchObject({
      count: 11,
      limit: 10,
      chain: 'example.com -> esp1.example -> _a.esp1.example',
    });
    // the exists with a macro is counted once and flagged as depending on the sender
    expect(
      findings.some((x) => x.key === 'sender-dependent' && x.data?.term === 'exists:%{i}._spf.esp1.example'),
    ).toBe(true);
    expect(evidence.incomplete).toBe(true);
  });

  it('terms after "all" are never evaluated and cost nothing (RFC 7208 5.1)', async () => {
    const { evidence, queries } = await audit({
      'example.com': { TXT: ['v=spf1 -all include:never.example'] },
    });
    expect(evidence.totalLookups).toBe(0);
    expect(evidence.nodes).toHaveLength(1);
    expect(queries).toEqual(['TXT example.com']);
  });

  it('void lookups: one is a warning, three are a permerror (RFC 7208 4.6.4)', async () => {
    const one = await audit({
      'example.com': { TXT: ['v=spf1 a:old.example.com ip4:192.0.2.1 -all'] },
    });
    expect(one.keys).toEqual(['void-lookups']);
    expect(one.findings[0]?.data).toMatchObject({ count: 1, terms: 'old.example.com' });

    const three = await audit({
      'example.com': {
        TXT: ['v=spf1 a:gone1.example.com mx:gone2.example.com exists:gone3.example.com -all'],
        A: ['192.0.2.1'],
      },
      'gone2.example.com': { A: ['192.0.2.9'] },
    });
    expect(three.evidence.totalVoidLookups).toBe(3);
    expect(three.keys).toEqual(['too-many-void-lookups']);
  });

  it('a name with only AAAA is not void (it exists for IPv6 senders)', async () => {
    const { evidence, keys } = await audit({
      'example.com': { TXT: ['v=spf1 a:v6.example.com -all'] },
      'v6.example.com': { AAAA: ['2001:db8::1'] },
    });
    expect(evidence.totalVoidLookups).toBe(0);
    expect(keys).toEqual([]);
  });

  it('mx with more than 10 names -> too-many-mx-names (RFC 7208 4.6.4)', async () => {
    const mx = Array.from({ length: 11 }, (_, i) => `10 mx${i}.example.com`);
    const { findings } = await audit({ 'example.com': { TXT: ['v=spf1 mx -all'], MX: mx } });
    expect(findings.map((f) => f.key)).toEqual(['too-many-mx-names']);
    expect(findings[0]?.data).toMatchObject({ count: 11, limit: 10, target: 'example.com' });
  });

  it('ptr and exp are reported', async () => {
    const { keys } = await audit({
      'example.com': { TXT: ['v=spf1 ptr -all exp=explain.example.com'] },
    });
    expect(keys).toEqual(['exp-modifier', 'ptr-mechanism']);
  });

  it('long TXT answer -> record-too-long (RFC 7208 3.4)', async () => {
    const ranges = Array.from({ length: 30 }, (_, i) => `ip4:198.51.${i}.0/24`).join(' ');
    const record = `v=spf1 ${ranges} -all`;
    const strings = record.match(/.{1,255}/g)!;
    const { evidence, findings } = await audit({ 'example.com': { TXT: [strings] } });
    expect(evidence.nodes[0]!.answerBytes).toBe(record.length + strings.length);
    expect(findings.map((f) => f.key)).toEqual(['record-too-long']);
  });

  it('multiple SPF records -> multiple-records with both texts (RFC 7208 4.5)', async () => {
    const { findings } = await audit({ 'example.com': { TXT: ['v=spf1 -all', 'v=spf1 mx ~all'] } });
    expect(findings.map((f) => f.key)).toEqual(['multiple-records']);
    expect(findings[0]?.evidence.records).toEqual(['v=spf1 -all', 'v=spf1 mx ~all']);
  });

  it('syntax error names the term and its position', async () => {
    const { findings } = await audit({ 'example.com': { TXT: ['v=spf1 ip4:192.0.2.300 -all'] } });
    expect(findings.map((f) => f.key)).toEqual(['syntax-error']);
    expect(findings[0]?.data).toMatchObject({ term: 'ip4:192.0.2.300', position: 7 });
  });

  it('no SPF record -> missing', async () => {
    expect((await audit({ 'example.com': { TXT: ['hello'] } })).keys).toEqual(['missing']);
    expect((await audit({})).keys).toEqual(['missing']);
  });

  it('root TXT timeout -> dns-error only, never missing', async () => {
    const { findings } = await audit({ 'example.com': { TXT: 'TIMEOUT' } });
    expect(findings.map((f) => f.key)).toEqual(['dns-error']);
    expect(findings[0]?.data).toMatchObject({ type: 'TXT', name: 'example.com', error: 'timeout' });
  });

  it('include timeout -> dns-error for that branch, not include-not-found', async () => {
    const { evidence, keys } = await audit({
      'example.com': { TXT: ['v=spf1 include:slow.example -all'] },
      'slow.example': { TXT: 'SERVFAIL' },
    });
    expect(keys).toEqual(['dns-error']);
    expect(evidence.incomplete).toBe(true);
  });

  it('a/mx target lookup error -> dns-error naming the query', async () => {
    const { findings } = await audit({
      'example.com': { TXT: ['v=spf1 mx:broken.example -all'] },
      'broken.example': { MX: 'TIMEOUT' },
    });
    expect(findings.map((f) => [f.key, f.data?.type, f.data?.name])).toEqual([
      ['dns-error', 'MX', 'broken.example'],
    ]);
  });

  it('broad ranges: ip4 shorter than /16, ip6 shorter than /32, a/mx prefixes; not for "-"', async () => {
    const { findings } = await audit({
      'example.com': {
        TXT: ['v=spf1 ip4:10.0.0.0/8 ip4:192.0.2.0/16 ip6:2001:db8::/24 a/12 -ip4:0.0.0.0/0 -all'],
        A: ['192.0.2.1'],
      },
    });
    expect(findings.map((f) => [f.key, f.data?.term, f.data?.prefix])).toEqual([
      ['broad-range', 'ip4:10.0.0.0/8', 8],
      ['broad-range', 'ip6:2001:db8::/24', 24],
      ['broad-range', 'a/12', 12],
    ]);
    expect(findings[0]?.data?.addresses).toBe('16,777,216');
  });

  it('no all and no redirect -> no-all; a redirect target with ?all is judged as the top record', async () => {
    expect((await audit({ 'example.com': { TXT: ['v=spf1 ip4:192.0.2.1'] } })).keys).toEqual(['no-all']);
    const r = await audit({
      'example.com': { TXT: ['v=spf1 redirect=_spf.example.com'] },
      '_spf.example.com': { TXT: ['v=spf1 ip4:192.0.2.1 ?all'] },
    });
    expect(r.keys).toEqual(['neutral-all']);
    // In an include, a missing or neutral "all" only means "no match": no finding.
    const inc = await audit({
      'example.com': { TXT: ['v=spf1 include:esp.example -all'] },
      'esp.example': { TXT: ['v=spf1 ip4:192.0.2.1 ?all'] },
    });
    expect(inc.keys).toEqual([]);
  });

  it('redirect is ignored when the record has "all" (RFC 7208 6.1)', async () => {
    const { evidence } = await audit({ 'example.com': { TXT: ['v=spf1 -all redirect=other.example'] } });
    expect(evidence.nodes[0]!.redirectIgnored).toBe(true);
    expect(evidence.nodes).toHaveLength(1);
    expect(evidence.totalLookups).toBe(0);
  });

  it(`a fan-out tree stops at ${SPF_AUDIT_MAX_NODES} nodes`, async () => {
    const zone: ZoneObject = {};
    const includes = (prefix: string) =>
      Array.from({ length: 10 }, (_, i) => `include:${prefix}${i}.example`).join(' ');
    zone['example.com'] = { TXT: [`v=spf1 ${includes('l1-')} -all`] };
    for (let i = 0; i < 10; i++) zone[`l1-${i}.example`] = { TXT: [`v=spf1 ${includes(`l2-${i}-`)} -all`] };
    for (let i = 0; i < 10; i++)
      for (let j = 0; j < 10; j++) zone[`l2-${i}-${j}.example`] = { TXT: ['v=spf1 -all'] };
    const { evidence, keys } = await audit(zone);
    expect(evidence.nodes.length).toBe(SPF_AUDIT_MAX_NODES);
    expect(evidence.truncated).toBe(true);
    expect(keys).toContain('too-many-lookups');
  });

  it('a hostile record with 300 a-terms: exact count, bounded detail and queries', async () => {
    const terms = Array.from({ length: 300 }, (_, i) => `a:h${i}.example.com`).join(' ');
    const { evidence, keys, queries } = await audit({ 'example.com': { TXT: [`v=spf1 ${terms} -all`] } });
    const root = evidence.nodes[0]!;
    expect(root.lookups).toBe(300);
    expect(root.targets).toHaveLength(SPF_AUDIT_MAX_TERMS);
    expect(root.targets.filter((t) => t.skipped)).toHaveLength(
      SPF_AUDIT_MAX_TERMS - SPF_AUDIT_MAX_TARGET_NAMES,
    );
    expect(root.termsTruncated).toBe(true);
    expect(evidence.truncated).toBe(true);
    expect(queries.length).toBe(1 + 2 * SPF_AUDIT_MAX_TARGET_NAMES);
    expect(root.terms.at(-1)?.text).toBe('-all');
    expect(keys).toEqual(['record-too-long', 'too-many-lookups', 'too-many-void-lookups']);
  });

  it('deep include chains stop at depth 10', async () => {
    const zone: ZoneObject = { 'example.com': { TXT: ['v=spf1 include:d1.example -all'] } };
    for (let i = 1; i <= 15; i++) zone[`d${i}.example`] = { TXT: [`v=spf1 include:d${i + 1}.example -all`] };
    const { evidence } = await audit(zone);
    expect(evidence.nodes.at(-1)?.status).toBe('depth-limit');
    expect(evidence.nodes.filter((n) => n.status === 'fetched')).toHaveLength(11);
    expect(evidence.totalLookups).toBe(11);
  });
});
