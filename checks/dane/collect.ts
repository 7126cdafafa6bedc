/**
 * What the dane check measures: the TLSA RRset of every MX host of the audit's MX host set
 * (bounded), and, for hosts that publish TLSA, the chain they present to the audit's one SMTP
 * probe of that host (checks/shared/smtp.ts), under the SMTP probe budget.
 */
import type { CollectContext } from '../../src/check.js';
import type { CertInfo, SmtpProbeError, SmtpProbeResult } from '../../src/probe/smtp.js';
import type { Target } from '../../src/report.js';
import { hostName } from '../shared/dns.js';
import { type MxSmtpHost, probedMxHost, smtpBudget, unreturnedProbeError } from '../shared/smtp.js';
import { type MxHosts, mxHostsFor, type TlsaLookup, tlsaFor } from '../shared/tlsa.js';

export interface DaneSmtpEvidence {
  /** 'skipped' when the run has no SMTP probe (--no-smtp). */
  status: 'probed' | 'skipped';
  port?: number;
  address?: string;
  connected?: boolean;
  error?: SmtpProbeError;
  starttlsOffered?: boolean;
  protocol?: string;
  /** As presented (leaf first); see src/probe/smtp.ts. */
  chain?: CertInfo[];
}

export interface DaneHostEvidence {
  host: string;
  preference: number;
  tlsa: TlsaLookup;
  /** Probed only when the host has TLSA records. */
  smtp?: DaneSmtpEvidence;
}

export interface DaneEvidence {
  domain: string;
  /** Validity dates of certificates are judged at this time. */
  measuredAt: string;
  mx: Omit<MxHosts, 'hosts'>;
  hosts: DaneHostEvidence[];
}

export async function collectDane(target: Target, ctx: CollectContext): Promise<DaneEvidence> {
  const domain = hostName(target.domain);
  const measuredAt = new Date().toISOString();
  const { hosts, ...mx } = await mxHostsFor(ctx, domain);
  const budget = smtpBudget(ctx.signal);
  const out: DaneEvidence = { domain, measuredAt, mx, hosts: [] };
  out.hosts = await Promise.all(
    hosts.map(async (h): Promise<DaneHostEvidence> => {
      const tlsa = await tlsaFor(ctx, h.host);
      const ev: DaneHostEvidence = { host: h.host, preference: h.preference, tlsa };
      if (tlsa.records.length === 0) return ev;
      ev.smtp = daneSmtpEvidence(await probedMxHost(ctx, h, budget));
      return ev;
    }),
  );
  return out;
}

/** The published view of the host's SMTP probe. */
function daneSmtpEvidence(h: MxSmtpHost): DaneSmtpEvidence {
  if (h.skipped !== undefined || !h.smtp) return { status: 'skipped' };
  if ('error' in h.smtp) {
    return { status: 'probed', connected: false, error: unreturnedProbeError(h.smtp.error) };
  }
  return smtpEvidence(h.smtp.probe);
}

function smtpEvidence(r: SmtpProbeResult): DaneSmtpEvidence {
  const e: DaneSmtpEvidence = { status: 'probed', port: r.port, connected: r.connected };
  if (r.address !== undefined) e.address = r.address;
  if (r.error) e.error = r.error;
  if (r.starttls) e.starttlsOffered = r.starttls.offered;
  else if (r.ehlo) e.starttlsOffered = r.ehlo.capabilities.starttls;
  if (r.tls) {
    e.protocol = r.tls.protocol;
    e.chain = r.tls.chain;
  }
  return e;
}
