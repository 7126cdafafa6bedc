import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DkimEvidence, dkimCheck, dkimOutcome } from '../../../checks/dkim/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(readFileSync(new URL('../../fixtures/zones/dkim.yaml', import.meta.url), 'utf8'));
});
afterAll(async () => {
  await lab.stop();
});

async function run(domain: string, dkimSelectors?: string[]) {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 250, tries: 1 });
  const target: Target = { domain, ips: [], profile: 'bulk', ...(dkimSelectors ? { dkimSelectors } : {}) };
  const evidence: DkimEvidence = await dkimCheck.collect(target, {
    probe,
    signal: new AbortController().signal,
  });
  const findings = dkimCheck.judge(evidence, target);
  return { evidence, findings, keys: findings.map((f) => f.key).sort() };
}

describe('dkim check against the lab DNS server (fixtures/zones/dkim.yaml)', () => {
  it.each([
    ['good.example', undefined, [], true],
    ['split.example', ['s1'], [], true],
    ['short.example', ['old'], ['key-too-short'], false],
    ['weak.example', undefined, ['key-weak'], true],
    ['testing.example', ['s1'], ['testing-mode'], false],
    ['revoked.example', ['gone'], ['key-revoked'], false],
    ['multi.example', ['mysel'], ['multiple-records'], false],
    ['ed.example', ['ed'], ['ed25519-only'], true],
    ['invalid.example', ['bad'], ['invalid-record'], false],
    ['none.example', undefined, ['no-key-found'], 'unknown'],
    ['none.example', ['mysel'], ['no-key-found', 'selector-not-found'], false],
    ['wildcard.example', undefined, ['no-key-found'], 'unknown'],
    ['partial.example', undefined, ['dns-error'], true],
  ] as const)('%s %j -> %j, canPass %s', async (domain, selectors, expected, canPass) => {
    const r = await run(domain, selectors ? [...selectors] : undefined);
    expect(r.keys).toEqual([...expected].sort());
    expect(dkimOutcome(r.evidence).canPass).toBe(canPass);
  });

  it('Microsoft 365: selector1 delegated by CNAME to the tenant, chain kept in evidence', async () => {
    const r = await run('m365.example');
    expect(r.keys).toEqual([]);
    const s1 = r.evidence.lookups.find((l) => l.selector === 'selector1')!;
    expect(s1).toMatchObject({
      outcome: 'ok',
      cnameChain: ['selector1-m365-example._domainkey.contoso.onmicrosoft.com'],
    });
    const s2 = r.evidence.lookups.find((l) => l.selector === 'selector2')!;
    expect(s2.outcome).toBe('nxdomain');
    expect(s2.cnameChain).toEqual(['selector2-m365-example._domainkey.contoso.onmicrosoft.com']);
    expect(dkimOutcome(r.evidence)).toEqual({
      canPass: true,
      validSelectors: ['selector1'],
      domain: 'm365.example',
    });
  });

  it('Microsoft 365 with signing not enabled: selector-not-found names the tenant', async () => {
    const r = await run('m365-off.example', ['selector1']);
    const f = r.findings.find((x) => x.key === 'selector-not-found')!;
    expect(f.evidence).toMatchObject({ delegatedTo: 'Microsoft 365' });
    expect(String(f.data?.['delegation'])).toContain('contoso.onmicrosoft.com');
  });

  it('every selector timing out is unknown, not a missing key', async () => {
    const r = await run('timeout.example', ['mysel']);
    expect(r.keys).toEqual(['dns-error']);
    expect(r.evidence.lookups.every((l) => l.outcome === 'error' && l.error === 'timeout')).toBe(true);
    expect(dkimOutcome(r.evidence).canPass).toBe('unknown');
  });
});
