import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DmarcEvidence, dmarcCheck, effectiveDmarc } from '../../../checks/dmarc/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(readFileSync(new URL('../../fixtures/zones/dmarc.yaml', import.meta.url), 'utf8'));
});
afterAll(async () => {
  await lab.stop();
});

async function run(domain: string): Promise<{ keys: string[]; evidence: DmarcEvidence }> {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 250, tries: 1 });
  const target: Target = { domain, ips: [], profile: 'bulk' };
  const evidence = await dmarcCheck.collect(target, { probe, signal: new AbortController().signal });
  return { evidence, keys: dmarcCheck.judge(evidence, target).map((f) => f.key) };
}

describe('dmarc check against the lab DNS server (fixtures/zones/dmarc.yaml)', () => {
  it.each([
    ['good.example', []],
    ['split.example', []],
    // The record reached by CNAME sends reports to good.example, another organisation.
    ['alias.example', ['external-destination-unverified']],
    ['sub.inherit.example', ['inherited-from-org-domain']],
    ['nothing.example', ['missing']],
    ['two.example', ['multiple-records']],
    ['misplaced.example', ['version-not-first']],
    ['monitor.example', ['no-rua', 'policy-none']],
    ['partial.example', ['pct-deprecated', 'pct-partial']],
    ['broken.example', ['bad-report-uri', 'invalid-policy', 'invalid-tag-value', 'no-rua']],
    ['external.example', ['external-destination-unverified']],
    ['servfail.example', ['dns-error']],
    ['timeout.example', ['dns-error']],
    ['a.b.c.d.e.f.g.h.i.deep.example', ['inherited-from-org-domain']],
    ['mail.shop.test', ['inherited-from-org-domain', 'policy-none', 'psl-treewalk-disagree']],
    ['mail.agency.invalid', ['inherited-from-org-domain', 'no-rua', 'psl-treewalk-disagree']],
  ])('%s -> %j', async (domain, expected) => {
    expect((await run(domain)).keys.sort()).toEqual(expected);
  });

  it('keeps the exact record text and where it came from', async () => {
    const { evidence } = await run('split.example');
    expect(evidence).toMatchObject({
      source: 'exact',
      policyDomain: 'split.example',
      record: 'v=DMARC1; p=reject; rua=mailto:dmarc@split.example',
    });
    const alias = await run('alias.example');
    expect(alias.evidence.lookups[0]?.cnameChain).toEqual(['_dmarc.good.example']);
  });

  it('the 8-label rule holds on the wire: no query for names the walk skips', async () => {
    lab.server.queries.length = 0;
    const { evidence } = await run('a.b.c.d.e.f.g.h.i.deep.example');
    const asked = lab.server.queries.filter((q) => q.name.startsWith('_dmarc.')).map((q) => q.name);
    expect(new Set(asked)).toEqual(
      new Set([
        '_dmarc.a.b.c.d.e.f.g.h.i.deep.example',
        '_dmarc.deep.example',
        '_dmarc.e.f.g.h.i.deep.example',
        '_dmarc.f.g.h.i.deep.example',
        '_dmarc.g.h.i.deep.example',
        '_dmarc.h.i.deep.example',
        '_dmarc.i.deep.example',
        '_dmarc.example',
      ]),
    );
    expect(evidence.orgDomainTreeWalk).toBe('deep.example');
  });

  it('psd=y: the tree walk applies the public suffix policy, and both find the same organisational domain', async () => {
    const { evidence } = await run('mail.agency.invalid');
    expect(evidence).toMatchObject({
      source: 'tree-walk',
      policyDomain: 'invalid',
      orgDomainPsl: 'agency.invalid',
      orgDomainTreeWalk: 'agency.invalid',
    });
    expect(effectiveDmarc(evidence)).toMatchObject({ found: true, p: 'reject' });
  });

  it('a timeout is unknown, never missing', async () => {
    const { evidence } = await run('timeout.example');
    expect(effectiveDmarc(evidence)).toMatchObject({ found: false, unknown: true });
    expect(evidence.lookups[0]).toMatchObject({ dns: 'error', error: 'timeout' });
  });
});
