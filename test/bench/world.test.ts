import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildZone,
  DKIM_WEIGHTS,
  DMARC_WEIGHTS,
  MX_WEIGHTS,
  planWorld,
  reverseName,
  SPF_WEIGHTS,
  type WorldIdentity,
  type WorldPlan,
  worldStats,
} from '../../bench/world.js';
import { audit, createDnsProbe, type Report } from '../../src/index.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';

const DNS_CHECKS = ['spf', 'dmarc', 'dkim', 'ptr', 'mx'];

describe('world generator', () => {
  it('is deterministic for a seed, and another seed gives another world', () => {
    const a = planWorld(500, 7);
    expect(planWorld(500, 7)).toEqual(a);
    expect(planWorld(500, 8).identities.map((i) => i.kinds)).not.toEqual(a.identities.map((i) => i.kinds));
    const za = buildZone(a);
    const zb = buildZone(planWorld(500, 7));
    expect([...zb.nodes.keys()]).toEqual([...za.nodes.keys()]);
    const sample = [...za.nodes.keys()].filter((_, k) => k % 97 === 0);
    for (const name of sample) expect(zb.nodes.get(name)).toEqual(za.nodes.get(name));
  });

  it('a prefix of a bigger world is the smaller world (identity i does not depend on N)', () => {
    expect(planWorld(1000, 3).identities.slice(0, 200)).toEqual(planWorld(200, 3).identities);
  });

  it('produces the stated mix within 2 percentage points of the weights', () => {
    const n = 20_000;
    const stats = worldStats(planWorld(n, 1));
    const within = <K extends string>(counts: Record<K, number>, weights: Record<K, number>) => {
      const total = Object.values<number>(weights).reduce((x, y) => x + y, 0);
      for (const k of Object.keys(weights) as K[]) {
        expect(counts[k], k).toBeGreaterThan(0);
        expect(Math.abs(counts[k] / n - weights[k] / total), k).toBeLessThan(0.02);
      }
    };
    within(stats.spf, SPF_WEIGHTS);
    within(stats.dmarc, DMARC_WEIGHTS);
    within(stats.dkim, DKIM_WEIGHTS);
    within(stats.mx, MX_WEIGHTS);
    expect(stats.ptr.missing).toBeGreaterThan(0);
    expect(stats.ptr.mismatch).toBeGreaterThan(0);
    expect(stats.selectors / n).toBeGreaterThan(1.8);
    expect(stats.selectors / n).toBeLessThan(2.2);
  });

  it('every identity lists one to three distinct selectors and one or two distinct IPs', () => {
    for (const id of planWorld(2000, 5).identities) {
      const s = id.target.dkimSelectors;
      expect(s.length).toBeGreaterThanOrEqual(1);
      expect(s.length).toBeLessThanOrEqual(3);
      expect(new Set(s).size).toBe(s.length);
      expect(id.target.ips.length).toBeGreaterThanOrEqual(1);
      expect(id.target.ips.length).toBeLessThanOrEqual(2);
      expect(new Set(id.target.ips).size).toBe(id.target.ips.length);
      expect(id.kinds.ptr.length).toBe(id.target.ips.length);
      expect(id.target.dkimDiscovery).toBe(false);
    }
  });

  it('reverse names follow RFC 1035 3.5 and RFC 3596 2.5', () => {
    expect(reverseName('198.18.0.4')).toBe('4.0.18.198.in-addr.arpa');
    expect(reverseName('2001:db8:c5::1')).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.c.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
});

describe('the world served through the lab gives the expected findings', () => {
  let plan: WorldPlan;
  let lab: LabHandle;
  const reports = new Map<number, Report>();

  beforeAll(async () => {
    plan = planWorld(400, 1);
    lab = await startLab(buildZone(plan));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  async function auditOf(id: WorldIdentity): Promise<Report> {
    const cached = reports.get(id.index);
    if (cached) return cached;
    const probe = createDnsProbe({
      servers: [{ host: lab.host, port: lab.port }],
      timeoutMs: 1000,
      tries: 1,
    });
    const report = await audit(id.target, { probe, checks: DNS_CHECKS });
    reports.set(id.index, report);
    return report;
  }
  const ids = (r: Report, check: string) => r.checks[check]?.findings.map((f) => f.id) ?? [];
  const errors = (r: Report, check: string) =>
    r.checks[check]?.findings
      .filter((f) => f.severity === 'error' || f.severity === 'unknown')
      .map((f) => f.id) ?? [];
  /** The first two identities matching `pred`. */
  const some = (pred: (id: WorldIdentity) => boolean) => {
    const found = plan.identities.filter(pred).slice(0, 2);
    expect(found.length).toBeGreaterThan(0);
    return found;
  };

  it.each([
    ['plus-all', 'spf/plus-all'],
    ['over-limit', 'spf/too-many-lookups'],
    ['broken-include', 'spf/include-not-found'],
    ['missing', 'spf/missing'],
  ])('SPF %s -> %s', async (kind, finding) => {
    for (const id of some((i) => i.kinds.spf === kind)) {
      expect(ids(await auditOf(id), 'spf'), id.target.domain).toContain(finding);
    }
  });

  it.each(['esp-nested', 'esp-ranges', 'own-ip', 'redirect'])(
    'SPF %s: the sending IPs pass, no error',
    async (kind) => {
      for (const id of some((i) => i.kinds.spf === kind)) {
        const r = await auditOf(id);
        expect(errors(r, 'spf'), id.target.domain).toEqual([]);
        const evidence = r.checks['spf']?.evidence as { ipResults: { result: string }[] };
        expect(evidence.ipResults.map((x) => x.result)).toEqual(id.target.ips.map(() => 'pass'));
      }
    },
  );

  it('DMARC: missing, at the organisational domain only (RFC 7489 6.6.3), own with an authorised external rua', async () => {
    for (const id of some((i) => i.kinds.dmarc === 'missing'))
      expect(ids(await auditOf(id), 'dmarc')).toContain('dmarc/missing');
    for (const id of some((i) => i.kinds.dmarc === 'org-only')) {
      expect(id.target.domain).toBe(`news.${id.org}`);
      expect(ids(await auditOf(id), 'dmarc')).toContain('dmarc/inherited-from-org-domain');
    }
    for (const id of some((i) => i.kinds.dmarc === 'own-external-rua'))
      expect(ids(await auditOf(id), 'dmarc')).toEqual([]);
  });

  it('DKIM at known selectors only: a missing one is found, CNAME delegation resolves, no discovery asked', async () => {
    for (const id of some((i) => i.kinds.dkim === 'missing-one'))
      expect(ids(await auditOf(id), 'dkim')).toContain('dkim/selector-not-found');
    for (const id of some((i) => i.kinds.dkim === 'cname' || i.kinds.dkim === 'ok'))
      expect(ids(await auditOf(id), 'dkim'), id.target.domain).toEqual([]);
    const asked = lab.server.queries.map((q) => q.name);
    expect(asked.some((n) => n.startsWith('zoho._domainkey.'))).toBe(false);
  });

  it('MX: null, implicit and hosted', async () => {
    for (const id of some((i) => i.kinds.mx === 'null'))
      expect(ids(await auditOf(id), 'mx')).toContain('mx/null-mx');
    for (const id of some((i) => i.kinds.mx === 'implicit'))
      expect(ids(await auditOf(id), 'mx')).toContain('mx/implicit-mx');
    for (const id of some((i) => i.kinds.mx === 'hosted')) expect(ids(await auditOf(id), 'mx')).toEqual([]);
  });

  it('PTR: good, missing and mismatched (not forward-confirmed)', async () => {
    for (const id of some((i) => i.kinds.ptr.includes('missing')))
      expect(ids(await auditOf(id), 'ptr')).toContain('ptr/missing');
    for (const id of some((i) => i.kinds.ptr.includes('mismatch')))
      expect(ids(await auditOf(id), 'ptr')).toContain('ptr/not-forward-confirmed');
    for (const id of some((i) => i.kinds.ptr.every((p) => p === 'good')))
      expect(errors(await auditOf(id), 'ptr'), id.target.domain).toEqual([]);
  });
});
