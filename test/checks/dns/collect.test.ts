import { describe, expect, it } from 'vitest';
import { dnsCheck } from '../../../checks/dns/index.js';
import type { Target } from '../../../src/report.js';
import { memoryProbe, memoryResolver } from '../../helpers/memory-resolver.js';

const SOA = 'a.gtld-servers.net nstld.verisign-grs.com 1 1800 900 604800 86400';

async function collect(target: Partial<Target> & { domain: string }, world: Record<string, unknown>) {
  const dns = memoryResolver(world);
  const ev = await dnsCheck.collect(
    { ips: [], profile: 'bulk', ...target },
    { probe: memoryProbe(dns), signal: new AbortController().signal },
  );
  return { ev, asked: dns.asked };
}

describe('dns collect', () => {
  it('asks the SOA of each TLD the target names lie under, once', async () => {
    const { ev, asked } = await collect(
      { domain: 'shop.com', helo: 'mail.shop.com', mailFrom: 'bounce@mail.shop.net', dkimDomain: 'shop.com' },
      { com: { SOA }, net: {} },
    );
    expect(asked).toEqual(['SOA com', 'SOA net']);
    expect(ev.canaries).toEqual([
      { zone: 'com', names: ['shop.com', 'mail.shop.com'], soa: { kind: 'ok', ad: false } },
      { zone: 'net', names: ['mail.shop.net'], soa: { kind: 'nodata', ad: false } },
    ]);
    expect(ev.unchecked).toEqual([]);
  });

  it('special-use names (RFC 6761: .example, .test) have no TLD to ask: nothing is asked', async () => {
    const { ev, asked } = await collect({ domain: 'good.example', helo: 'mail.lab.test' }, {});
    expect(asked).toEqual([]);
    expect(ev).toEqual({ canaries: [], unchecked: ['good.example', 'mail.lab.test'] });
  });
});
