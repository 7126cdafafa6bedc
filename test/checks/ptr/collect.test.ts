import { describe, expect, it } from 'vitest';
import { PTR_MAX_NAMES_CHECKED, ptrCheck } from '../../../checks/ptr/index.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

const V6_REV = '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';

async function run(zone: ZoneObject, ips: string[], extra: Partial<Target> = {}) {
  const probe = memoryProbe(memoryResolver(zone));
  const target: Target = { domain: 'example.com', ips, profile: 'transactional', ...extra };
  const evidence = await ptrCheck.collect(target, { probe, signal: new AbortController().signal });
  // Evidence must survive a JSON round trip (record/replay).
  const replayed = JSON.parse(JSON.stringify(evidence));
  const findings = ptrCheck.judge(replayed, target);
  return { evidence, findings, keys: findings.map((f) => f.key), log: probe.dns.asked };
}

describe('ptr collect + judge (memory resolver)', () => {
  it('no IPs: no queries, no findings', async () => {
    const r = await run({}, []);
    expect(r.evidence.ips).toEqual([]);
    expect(r.keys).toEqual([]);
    expect(r.log).toEqual([]);
  });

  it('IPv4 FCrDNS passes', async () => {
    const r = await run(
      {
        '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com.'] },
        'mail.example.com': { A: ['192.0.2.10'] },
      },
      ['192.0.2.10'],
    );
    expect(r.keys).toEqual([]);
    expect(r.log).toEqual(['PTR 10.2.0.192.in-addr.arpa', 'A mail.example.com']);
  });

  it('IPv6 FCrDNS passes when the AAAA is written differently', async () => {
    const r = await run(
      { [V6_REV]: { PTR: ['mail.example.com'] }, 'mail.example.com': { AAAA: ['2001:0DB8:0:0::10'] } },
      ['2001:db8::10'],
    );
    expect(r.keys).toEqual([]);
    expect(r.log).toContain('AAAA mail.example.com');
  });

  it('missing PTR (IPv4 and IPv6)', async () => {
    const r = await run({}, ['192.0.2.10', '2001:db8::10']);
    expect(r.keys).toEqual(['missing', 'missing']);
    expect(r.findings[1]?.conditions).toEqual(['ptr-missing-ipv6']);
    expect(r.findings.map((f) => f.data?.['ip'])).toEqual(['192.0.2.10', '2001:db8::10']);
  });

  it('PTR whose name points elsewhere: not-forward-confirmed', async () => {
    const r = await run(
      { '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com'] }, 'mail.example.com': { A: ['192.0.2.11'] } },
      ['192.0.2.10'],
    );
    expect(r.keys).toEqual(['not-forward-confirmed']);
  });

  it('several PTRs: warning, and every name is forward-checked', async () => {
    const r = await run(
      {
        '10.2.0.192.in-addr.arpa': { PTR: ['a.example.com', 'mail.example.com'] },
        'a.example.com': { A: ['192.0.2.99'] },
        'mail.example.com': { A: ['192.0.2.10'] },
      },
      ['192.0.2.10'],
    );
    expect(r.keys).toEqual(['multiple-ptr']);
    expect(r.evidence.ips[0]?.forward.map((f) => f.name)).toEqual(['a.example.com', 'mail.example.com']);
  });

  it(`at most ${PTR_MAX_NAMES_CHECKED} PTR names are forward-checked`, async () => {
    const names = Array.from({ length: 15 }, (_, i) => `n${i}.example.com`);
    const r = await run({ '10.2.0.192.in-addr.arpa': { PTR: names } }, ['192.0.2.10']);
    expect(r.log.filter((q) => q.startsWith('A '))).toHaveLength(PTR_MAX_NAMES_CHECKED);
    expect(r.evidence.ips[0]?.namesNotChecked).toHaveLength(5);
    expect(r.keys).toEqual(['not-forward-confirmed', 'multiple-ptr']);
  });

  it.each([
    ['ec2-54-12-34-56.compute-1.amazonaws.com', '54.12.34.56'],
    ['pool-54-12-34-56.nycmny.fios.verizon.net', '54.12.34.56'],
    ['56.34.12.54.bc.googleusercontent.com', '54.12.34.56'],
  ])('generic name %s', async (name, ip) => {
    const rev = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
    const r = await run({ [rev]: { PTR: [name] }, [name]: { A: [ip] } }, [ip]);
    expect(r.keys).toEqual(['generic-name']);
    expect(r.findings[0]?.conditions).toBeUndefined();
    expect(ptrCheck.findings['generic-name']?.conditions).toEqual(['ptr-dynamic']);
  });

  it('HELO differing from the PTR and not resolving to the IP', async () => {
    const r = await run(
      {
        '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com'] },
        'mail.example.com': { A: ['192.0.2.10'] },
        'web.example.com': { A: ['192.0.2.80'] },
      },
      ['192.0.2.10'],
      { helo: 'WEB.example.com.' },
    );
    expect(r.keys).toEqual(['helo-mismatch']);
    expect(r.findings[0]?.data).toMatchObject({ helo: 'web.example.com', ptr: 'mail.example.com' });
  });

  it('HELO equal to the PTR name is not looked up again', async () => {
    const r = await run(
      { '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com'] }, 'mail.example.com': { A: ['192.0.2.10'] } },
      ['192.0.2.10'],
      { helo: 'mail.example.com' },
    );
    expect(r.keys).toEqual([]);
    expect(r.log).toEqual(['PTR 10.2.0.192.in-addr.arpa', 'A mail.example.com']);
  });

  it.each(['servfail', 'timeout'] as const)('PTR lookup %s is unknown, never missing', async (fault) => {
    const r = await run({ '10.2.0.192.in-addr.arpa': fault.toUpperCase() }, ['192.0.2.10'], {
      helo: 'mail.example.com',
    });
    expect(r.keys).toEqual(['dns-error']);
    expect(ptrCheck.findings['dns-error']?.severity).toBe('unknown');
    expect(r.findings[0]?.data).toMatchObject({ error: fault });
  });

  it("PTR name's A lookup timing out is unknown, not a mismatch", async () => {
    const r = await run(
      { '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com'] }, 'mail.example.com': { A: 'TIMEOUT' } },
      ['192.0.2.10'],
    );
    expect(r.keys).toEqual(['forward-lookup-failed']);
  });

  it('PTR name reached through a CNAME still confirms', async () => {
    const r = await run(
      {
        '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.com'] },
        'mail.example.com': { CNAME: 'host.example.net' },
        'host.example.net': { A: ['192.0.2.10'] },
      },
      ['192.0.2.10'],
    );
    expect(r.keys).toEqual([]);
  });

  it('invalid IP is reported, not queried', async () => {
    const r = await run({}, ['999.1.1.1']);
    expect(r.keys).toEqual(['invalid-ip']);
    expect(r.log).toEqual([]);
  });
});
