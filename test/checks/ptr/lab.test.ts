import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ptrCheck } from '../../../checks/ptr/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(readFileSync(new URL('../../fixtures/zones/ptr.yaml', import.meta.url), 'utf8'));
});
afterAll(async () => {
  await lab.stop();
});

async function keysFor(ip: string, helo?: string): Promise<string[]> {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 250, tries: 1 });
  const target: Target = { domain: 'example.com', ips: [ip], profile: 'transactional' };
  if (helo) target.helo = helo;
  const evidence = await ptrCheck.collect(target, { probe, signal: new AbortController().signal });
  return ptrCheck.judge(evidence, target).map((f) => f.key);
}

describe('ptr check against the lab DNS server (fixtures/zones/ptr.yaml)', () => {
  it.each([
    ['192.0.2.10', undefined, []],
    ['2001:db8::10', undefined, []],
    ['192.0.2.10', 'mail.example.com', []],
    ['192.0.2.10', 'out.example.com', []],
    ['192.0.2.10', 'other.example.com', ['helo-mismatch']],
    ['192.0.2.11', undefined, ['missing']],
    ['2001:db8::11', undefined, ['missing']],
    ['192.0.2.12', undefined, ['not-forward-confirmed']],
    ['192.0.2.13', undefined, ['multiple-ptr']],
    ['192.0.2.14', undefined, ['generic-name']],
    ['192.0.2.15', undefined, ['dns-error']],
    ['192.0.2.16', undefined, ['dns-error']],
    ['192.0.2.17', undefined, ['forward-lookup-failed']],
  ])('%s (HELO %s) -> %j', async (ip, helo, expected) => {
    expect(await keysFor(ip, helo)).toEqual(expected);
  });
});
