/**
 * The reputation check through the real stub client against the loopback lab DNS server, which
 * plays the lists under their real zone names: nothing here reaches the real lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reputationCheck } from '../../../checks/reputation/index.js';
import { audit } from '../../../src/audit.js';
import { type LabHandle, startLab, zoneFromObject } from '../../../src/lab/index.js';
import { createDnsProbe } from '../../../src/probe/index.js';
import type { Target } from '../../../src/report.js';
import { blocklistWorld } from '../../helpers/blocklists.js';
import { withTldSoas } from '../../helpers/tld-soa.js';

let lab: LabHandle;
beforeAll(async () => {
  const world = blocklistWorld({
    'listed.example': { A: '192.0.2.1' },
    '1.2.0.192.zen.spamhaus.org': { A: ['127.0.0.2', '127.0.0.10'] },
    '2.2.0.192.zen.spamhaus.org': { A: '127.255.255.254' },
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org': { A: '127.0.0.4' },
    '3.2.0.192.bl.spamcop.net': 'TIMEOUT',
  });
  lab = await startLab(withTldSoas(zoneFromObject(world)));
});
afterAll(async () => {
  await lab.stop();
});

function probe() {
  return createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 300, tries: 1 });
}

async function keysFor(ips: string[]): Promise<string[]> {
  const target: Target = { domain: 'listed.example', ips, profile: 'bulk' };
  const evidence = await reputationCheck.collect(target, {
    probe: probe(),
    signal: new AbortController().signal,
  });
  return reputationCheck
    .judge(evidence, target)
    .map((f) => f.key)
    .sort();
}

describe('reputation check against the lab DNS server', () => {
  it.each([
    [['192.0.2.1'], ['ip-listed-pbl', 'ip-listed-sbl']],
    [['192.0.2.2'], ['list-refused']],
    [['2001:db8::1'], ['ip-listed-xbl']],
    [['192.0.2.3'], ['lookup-failed']],
    [['192.0.2.9'], []],
  ])('%j -> %j', async (ips, expected) => {
    expect(await keysFor(ips)).toEqual(expected);
  });

  it('a run asks each list test entry and each distinct IP once: a second audit sends no reputation query', async () => {
    const p = probe();
    const first = await audit(
      { domain: 'listed.example', ips: ['192.0.2.9'] },
      { probe: p, checks: ['reputation'] },
    );
    const second = await audit(
      { domain: 'listed.example', ips: ['192.0.2.9'] },
      { probe: p, checks: ['reputation'] },
    );
    expect(first.checks['reputation']?.status).toBe('pass');
    // 6 lists x 2 test entries, 4 IP lists... all asked once by the first audit.
    expect(first.timing.dns.queriesSent).toBeGreaterThanOrEqual(12);
    expect(second.timing.dns.queriesSent).toBe(0);
    expect(second.checks['reputation']?.findings).toEqual(first.checks['reputation']?.findings);
  });
});
