/**
 * What the mx-tls check measures: each MX host of the audited domain (from the audit's shared
 * MX host set) is looked up through the probe's resolver (for the evidence, and to tell "no
 * address" from "not reachable"), then probed by name over SMTP with the MX name as TLS
 * server name, once per audit for every check that probes MX hosts (checks/shared/smtp.ts);
 * the address actually connected to is in the probe result.
 */
import type { CollectContext } from '../../src/check.js';
import type { SmtpProbeResult } from '../../src/probe/smtp.js';
import type { MxData } from '../../src/probe/types.js';
import type { Target } from '../../src/report.js';
import { hostName, type LookupOutcome, lookupOutcome } from '../shared/dns.js';
import { MX_MAX_HOSTS_PROBED, mxHostAddresses, mxHostSet } from '../shared/mx-hosts.js';
import {
  type MxSmtpHost,
  probedMxHost,
  SMTP_PROBE_BUDGET_MS,
  type SmtpHostLookup,
  smtpBudget,
  smtpHostLookup,
  smtpOff,
} from '../shared/smtp.js';

/** MX hosts probed per domain; senders try only a few, and each probe costs a connection. */
export const MX_TLS_MAX_HOSTS = MX_MAX_HOSTS_PROBED;
/** Bound on all probes of one run of the check: the one SMTP probe budget. */
export const MX_TLS_BUDGET_MS = SMTP_PROBE_BUDGET_MS;

export type MxTlsLookup = SmtpHostLookup;

export interface MxTlsHost {
  exchange: string;
  preference: number;
  a?: MxTlsLookup;
  aaaa?: MxTlsLookup;
  /** The address probed (absent when the host has none or its lookup failed). */
  address?: string;
  probe?: SmtpProbeResult;
  /** Set when the probe did not return (aborted by the budget or the run). */
  probeError?: string;
}

export interface MxTlsEvidence {
  domain: string;
  /** When the probes ran (ISO 8601); expiry is judged against it. */
  checkedAt: string;
  /** Set when nothing was probed because SMTP probing is off. */
  skipped?: string;
  mx?: LookupOutcome & { records: MxData[] };
  hosts: MxTlsHost[];
  hostsNotProbed: MxData[];
}

export async function collectMxTls(target: Target, ctx: CollectContext): Promise<MxTlsEvidence> {
  const domain = hostName(target.domain);
  const checkedAt = new Date().toISOString();
  const ev: MxTlsEvidence = { domain, checkedAt, hosts: [], hostsNotProbed: [] };
  const off = smtpOff(ctx.probe);
  if (off !== undefined) {
    ev.skipped = off;
    return ev;
  }
  const signal = smtpBudget(ctx.signal);
  const set = await mxHostSet(ctx, domain, signal);
  ev.mx = { ...lookupOutcome(set.lookup), records: set.records };
  ev.hostsNotProbed = set.byPreference.slice(MX_TLS_MAX_HOSTS);
  const hosts = await Promise.all(
    set.byPreference.slice(0, MX_TLS_MAX_HOSTS).map((r) => gatherHost(ctx, r, signal)),
  );
  ev.hosts = hosts.map(publishedHost);
  return ev;
}

/** The first address a sender would try: A first, AAAA only when A has none. */
function addressOf(h: MxSmtpHost): string | undefined {
  const a = h.a && smtpHostLookup(h.a, 'A').addresses[0];
  return a ?? (h.aaaa && smtpHostLookup(h.aaaa, 'AAAA').addresses[0]);
}

async function gatherHost(ctx: CollectContext, mx: MxData, signal: AbortSignal): Promise<MxSmtpHost> {
  const host: MxSmtpHost = { host: mx.exchange, preference: mx.preference };
  host.a = await mxHostAddresses(ctx, mx.exchange, 'A', signal);
  if (addressOf(host) === undefined) host.aaaa = await mxHostAddresses(ctx, mx.exchange, 'AAAA', signal);
  if (addressOf(host) === undefined) return host;
  // Probed by name: the prober resolves it (through the run's resolver in the CLI).
  return { ...host, ...(await probedMxHost(ctx, { host: mx.exchange, preference: mx.preference }, signal)) };
}

/** The published view of a gathered MX host. */
function publishedHost(h: MxSmtpHost): MxTlsHost {
  const out: MxTlsHost = { exchange: h.host, preference: h.preference };
  if (h.a) out.a = smtpHostLookup(h.a, 'A');
  if (h.aaaa) out.aaaa = smtpHostLookup(h.aaaa, 'AAAA');
  const address = addressOf(h);
  if (address !== undefined) out.address = address;
  if (h.smtp && 'probe' in h.smtp) out.probe = h.smtp.probe;
  else if (h.smtp) out.probeError = h.smtp.error;
  return out;
}
