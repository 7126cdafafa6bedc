/** collect + judge against the loopback lab DNS server, through the real probe (UDP/TCP, cache). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spfCheck } from '../../../checks/spf/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

const LONG = Array.from({ length: 30 }, (_, i) => `ip4:198.18.${i}.0/24`).join(' ');

const WORLD = `
example.com:
  TXT:
    - "google-site-verification=abc"
    - "v=spf1 mx a:gone.example.com include:_spf.esp.test include:slow.esp.test ip4:192.0.2.0/24 ~all"
  MX: ["10 mx.example.com"]
mx.example.com: {A: 192.0.2.25}
_spf.esp.test: {TXT: "v=spf1 include:_a.esp.test include:_b.esp.test ~all"}
_a.esp.test: {TXT: "v=spf1 ip4:198.51.100.0/24 ~all"}
_b.esp.test: {TXT: "v=spf1 ip6:2001:db8::/32 ~all"}
slow.esp.test: {TXT: TIMEOUT}
long.test:
  TXT: ["v=spf1 ${LONG} -all"]
loop.test: {TXT: "v=spf1 include:loop2.test -all"}
loop2.test: {TXT: "v=spf1 include:loop.test -all"}
`;

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(WORLD);
});
afterAll(async () => {
  await lab.stop();
});

async function audit(domain: string, ips: string[] = []) {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 300, tries: 1 });
  const target: Target = { domain, ips, profile: 'transactional' };
  const evidence = await spfCheck.collect(target, { probe, signal: new AbortController().signal });
  const findings = spfCheck.judge(evidence, target);
  return { evidence, findings, keys: findings.map((f) => f.key) };
}

describe('spf check against the lab DNS server', () => {
  it('walks the tree, reports the void a-term and the timed-out include as unknown, evaluates IPs', async () => {
    const { evidence, findings, keys } = await audit('example.com', ['198.51.100.20', '203.0.113.1']);
    expect(evidence.record).toContain('include:_spf.esp.test');
    expect(evidence.nodes.map((n) => [n.domain, n.status, n.dns?.kind])).toEqual([
      ['example.com', 'fetched', 'ok'],
      ['_spf.esp.test', 'fetched', 'ok'],
      ['slow.esp.test', 'fetched', 'error'],
      ['_a.esp.test', 'fetched', 'ok'],
      ['_b.esp.test', 'fetched', 'ok'],
    ]);
    // mx + a + 2 includes at the root, 2 includes below
    expect(evidence.totalLookups).toBe(6);
    expect(evidence.incomplete).toBe(true);
    expect(keys).toEqual(['dns-error', 'void-lookups', 'ip-temperror']);
    expect(findings[0]?.data).toMatchObject({ type: 'TXT', name: 'slow.esp.test', error: 'timeout' });
    expect(findings[1]?.data).toMatchObject({ count: 1, terms: 'gone.example.com' });
    // Terms are evaluated in order: the ESP's IP matches before the timed-out include, the other
    // IP reaches it (RFC 7208 5.2: a temperror in an include is the result).
    expect(evidence.ipResults.map((r) => [r.ip, r.result])).toEqual([
      ['198.51.100.20', 'pass'],
      ['203.0.113.1', 'temperror'],
    ]);
  });

  it('long record over 512 bytes and an include loop', async () => {
    const long = await audit('long.test');
    expect(long.keys).toEqual(['record-too-long']);
    expect(long.evidence.nodes[0]?.answerBytes).toBeGreaterThan(512);
    const loop = await audit('loop.test');
    expect(loop.keys).toEqual(['include-loop']);
  });

  it('no record at an unknown name -> missing', async () => {
    expect((await audit('nothing.test')).keys).toEqual(['missing']);
  });
});

describe('SPF of a separate MAIL FROM domain', () => {
  it('audits the Return-Path domain too, since that is the domain receivers check (RFC 7208 2.4)', async () => {
    const lab = await startLab({
      'from.example': { TXT: 'v=spf1 -all' },
      'bounce.esp.example': { TXT: 'v=spf1 include:gone.esp.example ip4:192.0.2.0/24 -all' },
    });
    try {
      const probe = createDnsProbe({ servers: [lab], timeoutMs: 300, tries: 1 });
      const target = {
        domain: 'from.example',
        ips: ['192.0.2.1'],
        mailFrom: 'bounce.esp.example',
        profile: 'bulk' as const,
      };
      const evidence = await spfCheck.collect(target, { probe, signal: new AbortController().signal });
      expect(evidence.domain).toBe('from.example');
      expect(evidence.mailFrom?.domain).toBe('bounce.esp.example');
      const findings = spfCheck.judge(evidence, target);
      const broken = findings.find((f) => f.key === 'include-not-found');
      expect(broken?.evidence).toMatchObject({ parent: 'bounce.esp.example' });
      expect(evidence.ipResults[0]).toMatchObject({ domain: 'bounce.esp.example', result: 'permerror' });
    } finally {
      await lab.stop();
    }
  });
});
