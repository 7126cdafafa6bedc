import { describe, expect, it } from 'vitest';
import { MX_MAX_HOSTS_CHECKED, type MxFindingKey, mxCheck } from '../../../checks/mx/index.js';
import { renderTemplate } from '../../../src/check.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../../helpers/memory-resolver.js';

async function run(zone: ZoneObject, extra: Partial<Target> = {}) {
  const probe = memoryProbe(memoryResolver(zone));
  const target: Target = { domain: 'example.com', ips: [], profile: 'transactional', ...extra };
  const evidence = await mxCheck.collect(target, { probe, signal: new AbortController().signal });
  const findings = mxCheck.judge(JSON.parse(JSON.stringify(evidence)), target);
  return { evidence, findings, keys: findings.map((f) => f.key), log: probe.dns.asked };
}

const render = (
  key: MxFindingKey,
  data: Record<string, string | number | boolean> | undefined,
  field: 'message' | 'fix',
) => renderTemplate(mxCheck.findings[key]![field], data);

describe('mx collect + judge (memory resolver)', () => {
  it('normal MX: no findings; both hosts resolved', async () => {
    const r = await run({
      'example.com': { MX: ['10 mx1.example.com', '20 mx2.example.com'] },
      'mx1.example.com': { A: ['192.0.2.1'] },
      'mx2.example.com': { AAAA: ['2001:db8::2'] },
    });
    expect(r.keys).toEqual([]);
    expect(r.evidence.domains[0]?.hosts.map((h) => h.exchange)).toEqual([
      'mx1.example.com',
      'mx2.example.com',
    ]);
    expect(r.evidence.domains[0]?.hosts[1]?.aaaa?.addresses).toEqual(['2001:db8::2']);
  });

  it('null MX (RFC 7505): error with the null-mx condition, no host lookups', async () => {
    const r = await run({ 'example.com': { MX: ['0 .'] } });
    expect(r.keys).toEqual(['null-mx']);
    expect(mxCheck.findings['null-mx']?.conditions).toEqual(['null-mx']);
    expect(r.log.sort()).toEqual(['MX example.com', 'SOA example.com']);
    expect(render('null-mx', r.findings[0]?.data, 'fix')).toContain('"example.com. IN MX 0 ."');
  });

  it('null MX mixed with other MX records is invalid (RFC 7505 3)', async () => {
    const r = await run({
      'example.com': { MX: ['0 .', '10 mx1.example.com'] },
      'mx1.example.com': { A: ['192.0.2.1'] },
    });
    expect(r.keys).toEqual(['invalid-null-mx']);
    expect(r.findings[0]?.data?.['others']).toBe('10 mx1.example.com');
  });

  it('MX target that is a CNAME (RFC 2181 10.3)', async () => {
    const r = await run({
      'example.com': { MX: ['10 mail.example.com'] },
      'mail.example.com': { CNAME: 'mx.provider.example' },
      'mx.provider.example': { A: ['192.0.2.5'] },
    });
    expect(r.keys).toEqual(['mx-cname']);
    expect(r.findings[0]?.data).toMatchObject({
      exchange: 'mail.example.com',
      canonical: 'mx.provider.example',
    });
    expect(render('mx-cname', r.findings[0]?.data, 'fix')).toBe(
      'Point the MX at the canonical name: "example.com. IN MX 10 mx.provider.example."',
    );
  });

  it('MX target that is an IP address (RFC 5321 5.1)', async () => {
    const r = await run({ 'example.com': { MX: ['10 192.0.2.1'] } });
    expect(r.keys).toEqual(['mx-ip-literal']);
    expect(r.log).not.toContain('A 192.0.2.1');
    expect(render('mx-ip-literal', r.findings[0]?.data, 'fix')).toContain(
      '"mail.example.com. IN A 192.0.2.1"',
    );
  });

  it('no MX but an address: implicit MX (RFC 5321 5.1)', async () => {
    const r = await run({ 'example.com': { A: ['192.0.2.7'] } });
    expect(r.keys).toEqual(['implicit-mx']);
    expect(r.findings[0]?.data?.['addresses']).toBe('192.0.2.7');
  });

  it('no MX and no address: no-mail-exchanger', async () => {
    const r = await run({ 'example.com': { TXT: ['v=spf1 -all'] } });
    expect(r.keys).toEqual(['no-mail-exchanger']);
  });

  it('NXDOMAIN domain: domain-not-found with the domain-nxdomain condition', async () => {
    const r = await run({});
    expect(r.keys).toEqual(['domain-not-found']);
    expect(mxCheck.findings['domain-not-found']?.conditions).toEqual(['domain-nxdomain']);
    expect(r.log.some((q) => q.startsWith('A '))).toBe(false);
  });

  it('all MX hosts unresolvable: error', async () => {
    const r = await run({
      'example.com': { MX: ['10 mx1.example.com', '20 mx2.example.com'] },
      'mx2.example.com': { TXT: ['x'] },
    });
    expect(r.keys).toEqual(['mx-hosts-unresolvable']);
    expect(r.findings[0]?.data?.['hosts']).toBe('mx1.example.com, mx2.example.com');
  });

  it('some MX hosts unresolvable: warning for each', async () => {
    const r = await run({
      'example.com': { MX: ['10 mx1.example.com', '20 mx2.example.com'] },
      'mx2.example.com': { A: ['192.0.2.2'] },
    });
    expect(r.keys).toEqual(['mx-host-unresolvable']);
    expect(r.findings[0]?.data).toMatchObject({ exchange: 'mx1.example.com', answer: 'nxdomain/nxdomain' });
  });

  it.each(['servfail', 'timeout'] as const)('MX lookup %s is unknown, never "no MX"', async (fault) => {
    const r = await run({ 'example.com': { MX: fault.toUpperCase(), A: ['192.0.2.1'] } });
    expect(r.keys).toEqual(['dns-error']);
    expect(r.findings[0]?.data).toMatchObject({ rrtype: 'MX', error: fault });
    expect(mxCheck.findings['dns-error']?.severity).toBe('unknown');
    expect(mxCheck.findings['dns-error']?.conditions).toEqual(['domain-dns-failure']);
    expect(r.log).not.toContain('A example.com');
  });

  it('whole domain timing out: unknown only', async () => {
    const r = await run({ 'example.com': 'TIMEOUT' });
    expect(r.keys).toEqual(['dns-error', 'dns-error']);
    expect(r.findings.map((f) => f.data?.['rrtype']).sort()).toEqual(['MX', 'SOA']);
  });

  it('MX host whose lookups fail: unknown, not unresolvable', async () => {
    const r = await run({
      'example.com': { MX: ['10 mx1.example.com'] },
      'mx1.example.com': { A: 'SERVFAIL', AAAA: [] },
    });
    expect(r.keys).toEqual(['mx-host-dns-error']);
  });

  it('implicit MX lookup failing: unknown, not no-mail-exchanger', async () => {
    const r = await run({ 'example.com': { A: 'TIMEOUT' } });
    expect(r.keys).toEqual(['dns-error']);
    expect(r.findings[0]?.data?.['rrtype']).toBe('A');
  });

  it(`at most ${MX_MAX_HOSTS_CHECKED} MX hosts are resolved`, async () => {
    const zone: ZoneObject = {
      'example.com': { MX: Array.from({ length: 25 }, (_, i) => `${i} mx${i}.example.com`) },
    };
    for (let i = 0; i < 25; i++) zone[`mx${i}.example.com`] = { A: [`192.0.2.${i + 1}`] };
    const r = await run(zone);
    expect(r.log.filter((q) => q.startsWith('A mx'))).toHaveLength(MX_MAX_HOSTS_CHECKED);
    expect(r.keys).toEqual(['too-many-mx']);
  });

  it('MAIL FROM domain is checked too when it differs', async () => {
    const r = await run(
      {
        'example.com': { MX: ['10 mx.example.com'] },
        'mx.example.com': { A: ['192.0.2.1'] },
      },
      { mailFrom: 'bounce@bounces.example.net' },
    );
    expect(r.evidence.domains.map((d) => [d.domain, d.roles])).toEqual([
      ['example.com', ['domain']],
      ['bounces.example.net', ['mail-from']],
    ]);
    expect(r.keys).toEqual(['domain-not-found']);
    expect(r.findings[0]?.data).toMatchObject({ domain: 'bounces.example.net', role: 'MAIL FROM domain' });
  });

  it('MAIL FROM in the audited domain is looked up once', async () => {
    const r = await run(
      { 'example.com': { MX: ['10 mx.example.com'] }, 'mx.example.com': { A: ['192.0.2.1'] } },
      { mailFrom: '<Bounce@EXAMPLE.com>' },
    );
    expect(r.evidence.domains).toHaveLength(1);
    expect(r.evidence.domains[0]?.roles).toEqual(['domain', 'mail-from']);
    expect(r.log.filter((q) => q === 'MX example.com')).toHaveLength(1);
  });
});
