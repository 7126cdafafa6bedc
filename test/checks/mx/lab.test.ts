import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxCheck } from '../../../checks/mx/index.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';

let lab: LabHandle;
beforeAll(async () => {
  lab = await startLab(readFileSync(new URL('../../fixtures/zones/mx.yaml', import.meta.url), 'utf8'));
});
afterAll(async () => {
  await lab.stop();
});

async function keysFor(domain: string): Promise<string[]> {
  const probe = createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 250, tries: 1 });
  const target: Target = { domain, ips: [], profile: 'bulk' };
  const evidence = await mxCheck.collect(target, { probe, signal: new AbortController().signal });
  return mxCheck.judge(evidence, target).map((f) => f.key);
}

describe('mx check against the lab DNS server (fixtures/zones/mx.yaml)', () => {
  it.each([
    ['good.example', []],
    ['nullmx.example', ['null-mx']],
    ['mixed-null.example', ['invalid-null-mx']],
    ['cname-mx.example', ['mx-cname']],
    ['literal-mx.example', ['mx-ip-literal']],
    ['implicit.example', ['implicit-mx']],
    ['nothing.example', ['no-mail-exchanger']],
    ['does-not-exist.example', ['domain-not-found']],
    ['unresolvable.example', ['mx-hosts-unresolvable']],
    ['partly.example', ['mx-host-unresolvable']],
    ['servfail-mx.example', ['dns-error']],
    ['timeout.example', ['dns-error', 'dns-error']],
  ])('%s -> %j', async (domain, expected) => {
    expect((await keysFor(domain)).sort()).toEqual(expected);
  });
});
