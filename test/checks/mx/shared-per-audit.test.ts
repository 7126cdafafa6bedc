/**
 * The MX host set, the MX hosts' addresses, their TLSA answers and their SMTP probes are
 * gathered once per audit, whichever of mx, mx-tls, mta-sts, dane and tls-rpt ask for them,
 * and sharing them changes no check's result. One check giving up does not cut the shared
 * work short for another (checks/shared/joint-work.ts).
 */
import { describe, expect, it } from 'vitest';
import { daneCheck } from '../../../checks/dane/index.js';
import { mtaStsCheck } from '../../../checks/mta-sts/index.js';
import { mxCheck } from '../../../checks/mx/index.js';
import { mxTlsCheck } from '../../../checks/mx-tls/index.js';
import { sharedWhileWanted } from '../../../checks/shared/joint-work.js';
import { tlsRptCheck } from '../../../checks/tls-rpt/index.js';
import type { Check, CollectContext } from '../../../src/check.js';
import type { SmtpProber } from '../../../src/probe/smtp.js';
import type { Probe } from '../../../src/probe/types.js';
import type { Target } from '../../../src/report.js';
import { runAudit, runCheck } from '../../../src/runner.js';
import { memoryProbe, memoryResolver } from '../../helpers/memory-resolver.js';
import { goodResult } from '../tls/probe-results.js';
import { mxWorld } from './mx-world.js';

const MX_HOSTS = ['mx1.example.com', 'mx2.example.com'];
const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
const POLICY = 'version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n';

/** The MX world, and an SMTP prober that counts its probes. */
function world(): { probe: Probe; log: string[]; probes: Map<string, number> } {
  const { probe, log } = mxWorld(
    {
      'example.com': {
        MX: ['10 mx1.example.com', '20 mx2.example.com'],
        SOA: 'ns.example.com hostmaster.example.com 1 7200 3600 1209600 300',
      },
      'mx1.example.com': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
      'mx2.example.com': { A: ['192.0.2.2'] },
      '_mta-sts.example.com': { TXT: ['v=STSv1; id=20260101'] },
    },
    POLICY,
  );
  const probes = new Map<string, number>();
  const smtp: SmtpProber = {
    probe: async (host) => {
      probes.set(host, (probes.get(host) ?? 0) + 1);
      return goodResult({ host }, { subjectAltNames: [host], subject: `CN=${host}` });
    },
  };
  return { probe: { ...probe, smtp }, log, probes };
}

const CHECKS = [mxCheck, mxTlsCheck, mtaStsCheck, daneCheck, tlsRptCheck] as Check<unknown>[];
const FIXED = { now: () => new Date('2026-11-01T12:00:00.000Z') };

function asked(log: string[], question: string): number {
  return log.filter((q) => q === question).length;
}

/** Results without the fields that differ from run to run. */
function stable(results: Record<string, unknown>): unknown {
  return JSON.parse(
    JSON.stringify(results, (k, v) =>
      ['durationMs', 'checkedAt', 'measuredAt'].includes(k) ? undefined : v,
    ),
  );
}

describe('MX host set and MX SMTP probes: gathered once per audit', () => {
  it('asks each MX question and probes each MX host once, for all five checks', async () => {
    const w = world();
    const report = await runAudit(target, { probe: w.probe, checks: CHECKS, ...FIXED });
    for (const id of ['mx', 'mx-tls', 'mta-sts', 'dane', 'tls-rpt'])
      expect(report.checks[id]?.error).toBeUndefined();
    expect(Object.fromEntries(w.probes)).toEqual({ 'mx1.example.com': 1, 'mx2.example.com': 1 });
    expect(asked(w.log, 'MX example.com')).toBe(1);
    for (const host of MX_HOSTS) {
      expect(asked(w.log, `A ${host}`)).toBe(1);
      expect(asked(w.log, `AAAA ${host}`)).toBe(1);
      expect(asked(w.log, `TLSA _25._tcp.${host}`)).toBe(1);
    }
    // Each probing check did see the probe.
    const mxTls = report.checks['mx-tls']?.evidence as { hosts: { probe?: unknown }[] };
    expect(mxTls.hosts.every((h) => h.probe !== undefined)).toBe(true);
    const sts = report.checks['mta-sts']?.evidence as { mxTls: { probed: boolean; connected?: boolean }[] };
    expect(sts.mxTls.map((e) => [e.probed, e.connected])).toEqual([
      [true, true],
      [true, true],
    ]);
    const dane = report.checks.dane?.evidence as { hosts: { smtp?: { status: string } }[] };
    expect(dane.hosts.map((h) => h.smtp?.status)).toEqual(['probed', 'probed']);
  });

  it('gives every check the result it gets when it runs alone', async () => {
    const audit = await runAudit(target, { probe: world().probe, checks: CHECKS, ...FIXED });
    const alone: Record<string, unknown> = {};
    for (const check of CHECKS)
      alone[check.id] = await runCheck(check, target, { probe: world().probe, checks: [] });
    expect(stable(audit.checks)).toEqual(stable(alone));
  });

  it('without an audit (no ctx.shared), each check gathers for itself', async () => {
    const w = world();
    const ctx = { probe: w.probe, signal: new AbortController().signal };
    await mxTlsCheck.collect(target, ctx);
    await daneCheck.collect(target, ctx);
    expect(asked(w.log, 'MX example.com')).toBe(2);
    expect(w.probes.get('mx1.example.com')).toBe(2);
  });
});

describe('shared work under a joint signal', () => {
  function audit(signal: AbortSignal, shared: Map<string, Promise<unknown>>): CollectContext {
    return { probe: memoryProbe(memoryResolver({})), signal, shared };
  }

  it('goes on when one check gives up and another still waits', async () => {
    const shared = new Map<string, Promise<unknown>>();
    const first = new AbortController();
    const second = new AbortController();
    let finish: (v: string) => void = () => {};
    let jointSignal: AbortSignal | undefined;
    const gather = (s: AbortSignal) => {
      jointSignal = s;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const a = sharedWhileWanted(audit(first.signal, shared), 'k', first.signal, gather, () => 'gave up');
    const b = sharedWhileWanted(audit(second.signal, shared), 'k', second.signal, gather, () => 'gave up');
    await new Promise((r) => setTimeout(r, 0));
    first.abort(new Error('deadline of the first check'));
    expect(await a).toBe('gave up');
    expect(jointSignal?.aborted).toBe(false);
    finish('answer');
    expect(await b).toBe('answer');
  });

  it('aborts when every check waiting for it gave up, and starts afresh for a later one', async () => {
    const shared = new Map<string, Promise<unknown>>();
    const signals: AbortSignal[] = [];
    const gather = (s: AbortSignal) => {
      signals.push(s);
      return new Promise<string>((resolve) => s.addEventListener('abort', () => resolve('aborted')));
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const a = sharedWhileWanted(audit(c1.signal, shared), 'k', c1.signal, gather, () => 'gave up');
    const b = sharedWhileWanted(audit(c2.signal, shared), 'k', c2.signal, gather, () => 'gave up');
    await new Promise((r) => setTimeout(r, 0));
    c1.abort();
    expect(signals[0]?.aborted).toBe(false);
    c2.abort();
    expect([await a, await b]).toEqual(['gave up', 'gave up']);
    expect(signals[0]?.aborted).toBe(true);
    const late = new AbortController();
    const c = sharedWhileWanted(audit(late.signal, shared), 'k', late.signal, gather, () => 'gave up');
    await new Promise((r) => setTimeout(r, 0));
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(false);
    late.abort();
    expect(await c).toBe('gave up');
  });
});
