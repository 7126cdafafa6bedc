/**
 * The fleet benchmark's --smtp scenario (bench/world.ts worldSmtpServers, bench/smtp-lab.ts):
 * the world's MX hosts resolve to the loopback addresses where the lab starts its SMTP
 * servers, each server's certificate names the hosts served there, and the servers' session
 * log measures what the probe's politeness promises. So the scenario cannot silently probe
 * nothing (or somewhere else).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSmtpLab, SmtpSessionLog, startWorldSmtpLab } from '../../bench/smtp-lab.js';
import { runFleetPhase, SMTP_SCENARIO_CHECK } from '../../bench/worker.js';
import {
  buildZone,
  planWorld,
  SHARED_MX_HOSTS,
  SMTP_OWN_MX_NETWORKS,
  SMTP_SHARED_MX_ADDRESSES,
  type WorldPlan,
  worldSmtpServers,
} from '../../bench/world.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { Zone, ZoneRecord, ZoneRrset } from '../../src/lab/zone.js';
import { networkOf } from '../../src/probe/smtp-politeness.js';
import type { MxData } from '../../src/probe/types.js';

/** The records of an rrset (the bench world has no faults). */
function records(rrset: ZoneRrset | undefined): ZoneRecord[] {
  return Array.isArray(rrset) ? rrset : [];
}

/** Every MX host name of the zone (null MX left out) with its A address. */
function mxHostAddresses(zone: Zone): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of zone.nodes.values()) {
    for (const r of records(node.rrsets.get('MX'))) {
      const exchange = (r.data as MxData).exchange;
      if (exchange === '') continue;
      const a = records(zone.nodes.get(exchange)?.rrsets.get('A'));
      expect(a, exchange).toHaveLength(1);
      out.set(exchange, a[0]!.data as string);
    }
  }
  return out;
}

describe('the --smtp world', () => {
  const plan = planWorld(2000, 1);
  const smtpZone = buildZone(plan, { smtp: true });
  const servers = worldSmtpServers(plan);

  it('maps every MX host to the loopback server that names it, the shared pair in one /24, own hosts over 4 /24s', () => {
    const hosts = mxHostAddresses(smtpZone);
    const served = new Map(servers.flatMap((s) => s.names.map((n) => [n, s.address] as const)));
    expect(hosts.size).toBeGreaterThan(500); // ~30% own hosts of 2000, plus the pair
    expect([...hosts.keys()].sort()).toEqual([...served.keys()].sort());
    for (const [name, address] of hosts) {
      expect(address, name).toMatch(/^127\./);
      expect(served.get(name), name).toBe(address);
    }
    expect(SHARED_MX_HOSTS.map((h) => hosts.get(h))).toEqual([...SMTP_SHARED_MX_ADDRESSES]);
    expect(new Set(SMTP_SHARED_MX_ADDRESSES.map(networkOf)).size).toBe(1);
    const own = servers.filter((s) => s.kind === 'own');
    expect(own).toHaveLength(100);
    expect(new Set(own.map((s) => networkOf(s.address)))).toEqual(
      new Set(['127.0.81.0/24', '127.0.82.0/24', '127.0.83.0/24', '127.0.84.0/24']),
    );
    expect(SMTP_OWN_MX_NETWORKS).toBe(4);
    expect(new Set(servers.map((s) => s.address)).size).toBe(servers.length);
  });

  it('changes nothing but the MX hosts addresses: without it, the zone is as before (192.0.2.x)', () => {
    const small = planWorld(300, 1);
    const plain = buildZone(small);
    const withSmtp = buildZone(small, { smtp: true });
    expect([...plain.nodes.keys()]).toEqual([...withSmtp.nodes.keys()]);
    const mxHosts = mxHostAddresses(plain);
    for (const address of mxHosts.values()) expect(address).toMatch(/^192\.0\.2\.(1[01]|1[2-9]\d|2[0-2]\d)$/);
    for (const [name, node] of plain.nodes) {
      if (mxHosts.has(name)) continue;
      expect(withSmtp.nodes.get(name), name).toEqual(node);
    }
  });
});

describe('SmtpSessionLog', () => {
  const servers = [
    { address: '127.0.80.10', kind: 'shared' as const, names: ['mx1.mailhost.example'] },
    { address: '127.0.81.10', kind: 'own' as const, names: ['mx.a.example', 'mx.b.example'] },
    { address: '127.0.81.11', kind: 'own' as const, names: ['mx.c.example'] },
  ];

  it('counts connections per server and, per /24, the most open at once and the least gap between starts', () => {
    const log = new SmtpSessionLog(servers);
    log.open('127.0.81.10', 0);
    log.open('127.0.81.11', 100);
    log.close('127.0.81.10');
    log.open('127.0.81.10', 250);
    log.open('127.0.80.10', 260);
    log.open('127.0.80.10', 300); // the shared host twice: a second probe
    const f = log.figures();
    expect(f.connections).toBe(5);
    expect(f.names).toBe(4);
    expect(f.sharedConnections).toEqual({ '127.0.80.10': 2 });
    expect(f.maxOwnServerConnections).toBe(2);
    expect(f.serversOverNames).toBe(1);
    expect(f.serversUnderNames).toBe(0);
    expect(f.networks['127.0.81.0/24']).toEqual({ connections: 3, maxOpen: 2, minGapMs: 100 });
    expect(f.networks['127.0.80.0/24']).toEqual({ connections: 2, maxOpen: 2, minGapMs: 40 });
    expect(f.maxOpenPerNetwork).toBe(2);
    expect(f.minGapMs).toBe(40);
    log.reset();
    expect(log.figures()).toMatchObject({ connections: 0, minGapMs: null, serversUnderNames: 3 });
  });
});

describe('the --smtp scenario end to end: a small fleet run against the lab servers', () => {
  let plan: WorldPlan;
  let dns: LabHandle;
  let smtp: RunningSmtpLab;
  let dir: string;

  beforeAll(async () => {
    plan = planWorld(60, 1);
    dns = await startLab(buildZone(plan, { smtp: true }));
    smtp = await startWorldSmtpLab(worldSmtpServers(plan));
    dir = mkdtempSync(join(tmpdir(), 'mp-smtp-world-'));
    writeFileSync(join(dir, 'ca.pem'), smtp.caPem);
  });
  afterAll(async () => {
    await smtp?.stop();
    await dns?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('probes each distinct MX host once, over verified STARTTLS, within the per-/24 limits', async () => {
    const result = await runFleetPhase({
      mode: 'fleet',
      host: dns.host,
      port: dns.port,
      identities: plan.identities.length,
      seed: plan.seed,
      timeoutMs: 2000,
      tries: 2,
      progress: false,
      v8DefaultGrowth: true,
      smtp: { port: smtp.port, caFile: join(dir, 'ca.pem') },
    });
    const names = worldSmtpServers(plan).reduce((n, s) => n + s.names.length, 0);
    const lab = smtp.log.figures();
    expect(result.items).toBe(60);
    expect(result.smtp?.probes).toBe(names);
    expect(lab.connections).toBe(names);
    expect(lab.serversOverNames + lab.serversUnderNames).toBe(0);
    expect(Object.values(lab.sharedConnections)).toEqual([1, 1]);
    expect(lab.maxOpenPerNetwork).toBeLessThanOrEqual(2);
    // The probe's own connect() calls, logged in its process: the same count, the same limit.
    expect(result.smtp?.client.connections).toBe(names);
    expect(result.smtp?.client.maxOpenPerNetwork).toBeLessThanOrEqual(2);
    expect(result.smtp?.client.minGapMs).toBeGreaterThanOrEqual(99);
    // mx-tls judged every identity; with the lab CA trusted, nothing is unknown.
    const statuses = result.smtp?.statuses ?? {};
    expect(statuses['pass']).toBeGreaterThan(50);
    expect(statuses['unknown'] ?? 0).toBe(0);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(60);
    expect(SMTP_SCENARIO_CHECK).toBe('mx-tls');
  });
});
