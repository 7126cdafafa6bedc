/**
 * What the mta-sts check measures, through the probe: the `_mta-sts` and `_smtp._tls` TXT
 * records, the policy served over HTTPS, the audit's MX host set and, when the policy asks for
 * TLS, the audit's one SMTP probe of each MX host (checks/shared/smtp.ts) under the SMTP budget.
 */
import type { CollectContext } from '../../src/check.js';
import type { HttpsFetchResult } from '../../src/probe/https.js';
import type { SmtpProbeError, SmtpProbeResult } from '../../src/probe/smtp.js';
import type { Target } from '../../src/report.js';
import { hostName, type LookupOutcome, lookupOutcome, txtTexts } from '../shared/dns.js';
import { distinctMxHosts, MX_MAX_HOSTS_PROBED, mxHostSet } from '../shared/mx-hosts.js';
import { type MxSmtpHost, probedMxHost, smtpBudget, smtpOff, unreturnedProbeError } from '../shared/smtp.js';
import { isStsRecord, parsePolicy, STS_POLICY_PATH } from './policy.js';

/** MX hosts matched and probed; a sender tries only a few, each probe is a connection. */
export const MTA_STS_MAX_MX_HOSTS = MX_MAX_HOSTS_PROBED;
/** TXT strings kept per record in evidence (hostile zones may publish many). */
const MAX_TXT_RECORDS_KEPT = 20;

export type { LookupOutcome } from '../shared/dns.js';

export interface MxTlsEvidence {
  host: string;
  /** false when SMTP probing is off (--no-smtp) or the policy does not call for it. */
  probed: boolean;
  connected?: boolean;
  address?: string;
  error?: SmtpProbeError;
  starttls?: { offered: boolean; ok: boolean; code?: number; text?: string };
  tls?: {
    protocol: string;
    authorized: boolean;
    authorizationError?: string;
    hostnameMatches: boolean;
    hostnameError?: string;
    leaf?: {
      subject: string;
      issuer: string;
      subjectAltNames: string[];
      notAfter: string;
      selfSigned: boolean;
    };
  };
}

export interface MtaStsEvidence {
  domain: string;
  txt: LookupOutcome & { name: string; records: string[]; cnameChain: string[] };
  tlsRpt: LookupOutcome & { name: string; present: boolean };
  policy:
    | { fetched: false; url: string; reason: string }
    | { fetched: true; url: string; result: HttpsFetchResult };
  mx: LookupOutcome & { hosts: string[]; nullMx: boolean; notChecked: number };
  /** Per MX host, when the policy asks for TLS (enforce or testing) and a TXT record exists. */
  mxTls: MxTlsEvidence[];
  smtpAvailable: boolean;
}

export function policyUrl(domain: string): string {
  return `https://mta-sts.${domain}${STS_POLICY_PATH}`;
}

export async function collectMtaSts(target: Target, ctx: CollectContext): Promise<MtaStsEvidence> {
  const domain = hostName(target.domain);
  const { dns, https } = ctx.probe;
  const signal = ctx.signal;
  const url = policyUrl(domain);
  const txtName = `_mta-sts.${domain}`;
  const tlsRptName = `_smtp._tls.${domain}`;
  const [txt, tlsRpt, mxSet, fetched] = await Promise.all([
    dns.query(txtName, 'TXT', { signal }),
    dns.query(tlsRptName, 'TXT', { signal }),
    mxHostSet(ctx, domain),
    https ? https.fetch(url, { signal }) : Promise.resolve(undefined),
  ]);
  const records = txtTexts(txt);
  const mxHosts = distinctMxHosts(mxSet);
  const ev: MtaStsEvidence = {
    domain,
    txt: {
      ...lookupOutcome(txt),
      name: txtName,
      records: records.slice(0, MAX_TXT_RECORDS_KEPT),
      cnameChain: [...txt.cnameChain],
    },
    tlsRpt: {
      ...lookupOutcome(tlsRpt),
      name: tlsRptName,
      present: txtTexts(tlsRpt).some((t) => /^v=TLSRPTv1(?:[ \t;]|$)/.test(t)),
    },
    policy: fetched
      ? { fetched: true, url, result: fetched }
      : { fetched: false, url, reason: 'no HTTPS fetcher in this probe' },
    mx: {
      ...lookupOutcome(mxSet.lookup),
      hosts: mxHosts.slice(0, MTA_STS_MAX_MX_HOSTS).map((h) => h.host),
      nullMx: mxSet.nullMx,
      notChecked: Math.max(0, mxHosts.length - MTA_STS_MAX_MX_HOSTS),
    },
    mxTls: [],
    smtpAvailable: smtpOff(ctx.probe) === undefined,
  };

  // TLS of the MX hosts matters only when senders would apply the policy.
  const parsed =
    ev.policy.fetched && ev.policy.result.ok ? parsePolicy(ev.policy.result.body ?? '') : undefined;
  const mode = parsed?.valid ? parsed.policy.mode : undefined;
  const txtCounts = records.some(isStsRecord) || txt.kind === 'error';
  if (txtCounts && (mode === 'enforce' || mode === 'testing')) {
    const budget = smtpBudget(signal);
    const probed = await Promise.all(
      mxHosts.slice(0, MTA_STS_MAX_MX_HOSTS).map((h) => probedMxHost(ctx, h, budget)),
    );
    ev.mxTls = probed.map(publishedMxTls);
  }
  return ev;
}

/** The published view of an MX host's SMTP probe. */
function publishedMxTls(h: MxSmtpHost): MxTlsEvidence {
  if (h.skipped !== undefined || !h.smtp) return { host: h.host, probed: false };
  if ('error' in h.smtp)
    return { host: h.host, probed: true, connected: false, error: unreturnedProbeError(h.smtp.error) };
  return mxTlsEvidence(h.host, h.smtp.probe);
}

function mxTlsEvidence(host: string, r: SmtpProbeResult): MxTlsEvidence {
  const ev: MxTlsEvidence = { host, probed: true, connected: r.connected };
  if (r.address !== undefined) ev.address = r.address;
  if (r.error) ev.error = r.error;
  if (r.starttls) ev.starttls = r.starttls;
  if (r.tls) {
    const leaf = r.tls.chain[0];
    ev.tls = {
      protocol: r.tls.protocol,
      authorized: r.tls.authorized,
      hostnameMatches: r.tls.hostnameMatches,
      ...(r.tls.authorizationError !== undefined ? { authorizationError: r.tls.authorizationError } : {}),
      ...(r.tls.hostnameError !== undefined ? { hostnameError: r.tls.hostnameError } : {}),
      ...(leaf
        ? {
            leaf: {
              subject: leaf.subject,
              issuer: leaf.issuer,
              subjectAltNames: leaf.subjectAltNames,
              notAfter: leaf.notAfter,
              selfSigned: leaf.selfSigned,
            },
          }
        : {}),
    };
  }
  return ev;
}
