/**
 * Issue 2, part 7: bad input and faults give a clear finding or a usage error, never a hang
 * and never a crash. Everything is served by a real lab DNS server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { renderText } from '../../reports/text.js';
import { UsageError } from '../../src/errors.js';
import { audit, createDnsProbe } from '../../src/index.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';

const bigRecord = `v=spf1 ${Array.from({ length: 400 }, (_, i) => `ip4:10.${i >> 8}.${i & 255}.0/24`).join(' ')} -all`;

const WORLD = {
  'cname-loop.example': { CNAME: 'loop-b.example' },
  'loop-b.example': { CNAME: 'cname-loop.example' },
  'include-loop.example': { TXT: 'v=spf1 include:loop2.example -all', MX: '10 mx.include-loop.example' },
  'loop2.example': { TXT: 'v=spf1 include:include-loop.example -all' },
  'mx.include-loop.example': { A: '192.0.2.1' },
  'big.example': { TXT: bigRecord, MX: '10 mx.include-loop.example' },
  'escape.example': {
    TXT: ['v=spf1 \u001b[31mred\u001b[0m ip4:192.0.2.1 -all', '<script>alert(1)</script>'],
    MX: '10 mx.include-loop.example',
  },
  '_dmarc.escape.example': { TXT: 'v=DMARC1; p=reject; rua=mailto:\u001b]0;pwned\u0007@escape.example' },
  'allfail.example': 'SERVFAIL',
  '_dmarc.allfail.example': 'SERVFAIL',
  'blackhole.example': 'TIMEOUT',
  '_dmarc.blackhole.example': 'TIMEOUT',
};

function cleanWorld(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(WORLD));
}

describe('hostile input and faults', () => {
  let lab: LabHandle;
  beforeAll(async () => {
    lab = await startLab(cleanWorld());
  });
  afterAll(() => lab.stop());
  const probe = () => createDnsProbe({ servers: [lab], timeoutMs: 200, tries: 1 });

  it('a CNAME loop at the domain is a DNS error (unknown), not a crash or a missing record', async () => {
    const report = await audit({ domain: 'cname-loop.example' }, { probe: probe(), checks: ['spf'] });
    expect(validateReport(report).errors).toEqual([]);
    expect(report.checks.spf?.status).toBe('unknown');
    expect(report.checks.spf?.findings.map((f) => f.id)).toEqual(['spf/dns-error']);
  });

  it('an include loop is a finding', async () => {
    const report = await audit({ domain: 'include-loop.example' }, { probe: probe(), checks: ['spf'] });
    expect(report.checks.spf?.findings.map((f) => f.id)).toContain('spf/include-loop');
  });

  it('a record of several KB comes over TCP and is flagged as too long for one UDP answer (RFC 7208 3.4)', async () => {
    expect(bigRecord.length).toBeGreaterThan(5000);
    const p = probe();
    const report = await audit({ domain: 'big.example' }, { probe: p, checks: ['spf'] });
    expect(report.checks.spf?.findings.map((f) => f.id)).toContain('spf/record-too-long');
    expect(p.counters().tcpRetries).toBeGreaterThan(0);
  });

  it('control characters and markup from DNS never reach the terminal raw', async () => {
    const report = await audit({ domain: 'escape.example' }, { probe: probe(), checks: ['spf', 'dmarc'] });
    const text = renderText(report, { color: false });
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u0007');
    expect(validateReport(report).errors).toEqual([]);
  });

  it('SERVFAIL everywhere gives unknown checks, never missing records', async () => {
    const report = await audit(
      { domain: 'allfail.example' },
      { probe: probe(), checks: ['spf', 'dmarc', 'mx'] },
    );
    const ids = Object.values(report.checks).flatMap((c) => c.findings.map((f) => f.id));
    expect(ids).not.toContain('spf/missing');
    expect(ids).not.toContain('dmarc/missing');
    expect(ids).not.toContain('mx/domain-not-found');
    expect(report.status).toBe('unknown');
  });

  it('a world that never answers is bounded by the per-query timeout and the audit deadline', async () => {
    const t0 = Date.now();
    const report = await audit({ domain: 'blackhole.example' }, { probe: probe(), deadlineMs: 3000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(report.status).toBe('unknown');
    expect(validateReport(report).errors).toEqual([]);
  });

  it.each([['a..b.example'], ['192.0.2.1'], [`${'x'.repeat(70)}.example`], ['exa mple.com']])(
    'rejects the domain %j with a UsageError before any query',
    async (domain) => {
      const p = probe();
      await expect(audit({ domain }, { probe: p })).rejects.toThrow(UsageError);
      expect(p.counters().queriesSent).toBe(0);
    },
  );

  it('an internationalised domain is audited as its A-label', async () => {
    const report = await audit({ domain: 'bücher.example' }, { probe: probe(), checks: ['spf'] });
    expect(report.target.domain).toBe('xn--bcher-kva.example');
  });
});
