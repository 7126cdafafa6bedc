/**
 * What the tls check measures: the sending hosts (every --ip, and the addresses of the --helo
 * name), each probed over SMTP with the HELO name as TLS server name, under the SMTP budget.
 */
import type { CollectContext } from '../../src/check.js';
import type { SmtpProbeResult } from '../../src/probe/smtp.js';
import type { Target } from '../../src/report.js';
import { hostName } from '../shared/dns.js';
import {
  probeWithBudget,
  SMTP_OFF,
  SMTP_PROBE_BUDGET_MS,
  type SmtpHostLookup,
  smtpBudget,
  smtpHostLookup,
} from '../shared/smtp.js';

/** Sending hosts probed per target: --ip may list up to 64 addresses; each probe is a connection. */
export const TLS_MAX_HOSTS = 8;
/** Addresses of the HELO name taken into account. */
export const TLS_MAX_HELO_ADDRESSES = 4;
/** Bound on all probes of one run of the check: the one SMTP probe budget. */
export const TLS_BUDGET_MS = SMTP_PROBE_BUDGET_MS;

export interface TlsHostEvidence {
  address: string;
  /** Where the address comes from: a --ip, the --helo name's A/AAAA, or both. */
  sources: ('ip' | 'helo')[];
  probe?: SmtpProbeResult;
  /** Set when the probe did not return (aborted by the budget or the run). */
  probeError?: string;
}

export interface TlsEvidence {
  /** When the probes ran (ISO 8601); expiry is judged against it. */
  checkedAt: string;
  skipped?: string;
  helo?: string;
  heloLookup?: SmtpHostLookup[];
  hosts: TlsHostEvidence[];
  hostsNotProbed: string[];
}

export async function collectTls(target: Target, ctx: CollectContext): Promise<TlsEvidence> {
  const ev: TlsEvidence = { checkedAt: new Date().toISOString(), hosts: [], hostsNotProbed: [] };
  const prober = ctx.probe.smtp;
  if (!prober) {
    ev.skipped = SMTP_OFF;
    return ev;
  }
  const signal = smtpBudget(ctx.signal);
  const byAddress = new Map<string, TlsHostEvidence>();
  for (const ip of target.ips) {
    const h = byAddress.get(ip);
    if (h) continue;
    byAddress.set(ip, { address: ip, sources: ['ip'] });
  }
  if (target.helo !== undefined) {
    const helo = hostName(target.helo);
    ev.helo = helo;
    const lookup = async (type: 'A' | 'AAAA') =>
      smtpHostLookup(await ctx.probe.dns.query(helo, type, { signal }), type);
    ev.heloLookup = await Promise.all([lookup('A'), lookup('AAAA')]);
    for (const address of ev.heloLookup.flatMap((l) => l.addresses).slice(0, TLS_MAX_HELO_ADDRESSES)) {
      const h = byAddress.get(address);
      if (h) h.sources.push('helo');
      else byAddress.set(address, { address, sources: ['helo'] });
    }
  }
  const all = [...byAddress.values()];
  ev.hostsNotProbed = all.slice(TLS_MAX_HOSTS).map((h) => h.address);
  ev.hosts = all.slice(0, TLS_MAX_HOSTS);
  await Promise.all(
    ev.hosts.map(async (h) => {
      const r = await probeWithBudget(prober, h.address, ev.helo, signal);
      if ('probe' in r) h.probe = r.probe;
      else h.probeError = r.error;
    }),
  );
  return ev;
}
