import { describe, expect, it } from 'vitest';
import { auditSender, SPF_AUDIT_MAX_IPS, spfCheck } from '../../../checks/spf/index.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

const target = (more: Partial<Target> = {}): Target => ({
  domain: 'example.com',
  ips: [],
  profile: 'transactional',
  ...more,
});

async function run(zone: ZoneObject, t: Target) {
  const probe = memoryProbe(memoryResolver(zone));
  const evidence = await spfCheck.collect(t, { probe, signal: new AbortController().signal });
  // Evidence must be plain JSON (recorded runs are replayed through judge()).
  expect(JSON.parse(JSON.stringify(evidence))).toEqual(evidence);
  const findings = spfCheck.judge(evidence, t);
  return { evidence, findings, keys: findings.map((f) => f.key), queries: probe.dns.asked };
}

const zone: ZoneObject = {
  'example.com': { TXT: ['v=spf1 ip4:192.0.2.0/24 include:_spf.esp.example -all'] },
  '_spf.esp.example': { TXT: ['v=spf1 ip4:198.51.100.0/24 ~all'] },
  'bounce.example.com': { TXT: ['v=spf1 ip4:203.0.113.5 -all'] },
};

describe('spfCheck.collect: per-IP evaluation', () => {
  it('evaluates each IP with postmaster@domain and the domain as HELO', async () => {
    const { evidence, keys } = await run(
      zone,
      target({ ips: ['192.0.2.10', '198.51.100.7', '203.0.113.9'] }),
    );
    expect(evidence.ipResults.map((r) => [r.ip, r.result])).toEqual([
      ['192.0.2.10', 'pass'],
      // the include's "~all" gives softfail inside the include: no match, then the root's -all
      ['198.51.100.7', 'pass'],
      ['203.0.113.9', 'fail'],
    ]);
    expect(evidence.ipResults[0]).toMatchObject({
      sender: 'postmaster@example.com',
      helo: 'example.com',
      domain: 'example.com',
    });
    // evaluation stops at the first match: the ip4 match costs no lookup, the fail walks the include
    expect(evidence.ipResults.map((r) => r.lookups?.dnsTerms)).toEqual([0, 1, 1]);
    expect(keys).toEqual(['ip-not-authorised']);
  });

  it('uses target.mailFrom (domain or address) for the sender', async () => {
    expect(auditSender(target({ mailFrom: 'bounce.example.com' }))).toBe('postmaster@bounce.example.com');
    expect(auditSender(target({ mailFrom: 'b@bounce.example.com' }))).toBe('b@bounce.example.com');
    const { evidence, keys } = await run(
      zone,
      target({ ips: ['203.0.113.5'], mailFrom: 'bounce.example.com', helo: 'mta.example.com' }),
    );
    expect(evidence.ipResults[0]).toMatchObject({
      domain: 'bounce.example.com',
      helo: 'mta.example.com',
      result: 'pass',
    });
    expect(keys).toEqual([]);
  });

  it('softfail/neutral are warnings, and an evaluation over the lookup limit is ip-permerror', async () => {
    const { keys } = await run(
      {
        'example.com': { TXT: ['v=spf1 ip4:192.0.2.1 ?all'] },
      },
      target({ ips: ['192.0.2.99'] }),
    );
    expect(keys).toEqual(['neutral-all', 'ip-not-pass']);

    const over: ZoneObject = {
      'example.com': {
        TXT: [`v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:i${i}.example`).join(' ')} -all`],
      },
    };
    for (let i = 0; i < 11; i++) over[`i${i}.example`] = { TXT: ['v=spf1 ip4:198.51.100.1 -all'] };
    const r = await run(over, target({ ips: ['192.0.2.99'] }));
    expect(r.keys).toEqual(['too-many-lookups', 'ip-permerror']);
  });

  it('TXT timeout: dns-error only, even with IPs (unknown beats missing)', async () => {
    const { keys, evidence } = await run(
      { 'example.com': { TXT: 'TIMEOUT' } },
      target({ ips: ['192.0.2.10'] }),
    );
    expect(evidence.ipResults[0]?.result).toBe('temperror');
    expect(keys).toEqual(['dns-error']);
  });

  it(`evaluates at most ${SPF_AUDIT_MAX_IPS} IPs and lists the rest`, async () => {
    const ips = Array.from({ length: SPF_AUDIT_MAX_IPS + 2 }, (_, i) => `192.0.2.${i + 1}`);
    const { evidence } = await run(zone, target({ ips }));
    expect(evidence.ipResults).toHaveLength(SPF_AUDIT_MAX_IPS);
    expect(evidence.ipsNotEvaluated).toEqual(ips.slice(SPF_AUDIT_MAX_IPS));
  });

  it('without IPs, only the static audit runs', async () => {
    const { evidence, queries } = await run(zone, target());
    expect(evidence.ipResults).toEqual([]);
    expect(queries).toEqual(['TXT example.com', 'TXT _spf.esp.example']);
  });
});
