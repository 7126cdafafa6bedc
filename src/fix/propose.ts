/**
 * proposeFixes(): for an audit report, the records that fix its findings with a DNS remedy
 * (SPF, DMARC, TLS-RPT, MTA-STS, null MX), and the findings no record can fix, with why.
 * Library code: reads the report's evidence through the checks' accessors; asks DNS only to
 * flatten SPF (a and mx terms resolved now, includes the audit did not see).
 */
import { dmarcEvidenceOf } from '../../checks/dmarc/index.js';
import { mtaStsEvidenceOf } from '../../checks/mta-sts/index.js';
import { mxEvidenceOf } from '../../checks/mx/index.js';
import { spfEvidenceOf } from '../../checks/spf/index.js';
import { tlsRptEvidenceOf } from '../../checks/tls-rpt/index.js';
import type { Resolver } from '../probe/types.js';
import type { Finding, Report } from '../report.js';
import { planDmarcFix } from './dmarc.js';
import { planMtaStsFix } from './mta-sts.js';
import { planSpfFix, spfFindingOwner } from './spf.js';
import { planTlsRptFix } from './tls-rpt.js';
import { FIX_TTL, type Fix, type FixPlan, type Remaining } from './types.js';

export interface FixOptions {
  /** Answers the questions flattening asks (the audit's resolver). */
  resolver: Resolver;
  /** When the plan is made (flattening date, MTA-STS id); default now. */
  now?: Date;
  signal?: AbortSignal;
}

/** Why the findings of checks without a DNS fix remain. */
const NO_DNS_FIX: Readonly<Record<string, string>> = {
  ptr: 'reverse DNS is set by the owner of the IP address (your hosting or ISP), not in your zone',
  tls: "the sending server's STARTTLS and certificate are server configuration",
  'mx-tls': "the MX servers' STARTTLS and certificates are server configuration",
  dane: 'TLSA records are made from the server certificate, which the audit does not hold',
  dkim: 'the DKIM key is made by your signer: publish the selector record it gives you',
  dns: 'the resolver used for the audit, not your zone',
  alignment: 'follows from SPF, DKIM and DMARC: see their fixes',
  mx: 'the MX records name your mail servers, which only you know',
};

/** mx findings a null MX resolves for a domain that sends no mail (RFC 7505 4.2). */
const NULL_MX_FINDINGS = new Set(['mx/implicit-mx', 'mx/no-mail-exchanger', 'mx/invalid-null-mx']);
/** The only SPF record that says a domain sends no mail (RFC 7505 4.2). */
const SPF_NOTHING = 'v=spf1 -all';

function findingsOf(report: Report, check: string): Finding[] {
  return report.checks[check]?.findings ?? [];
}

/** The null MX fix, only for a domain whose SPF (as fixed) authorises nothing. */
function planNullMx(report: Report, spfText: string | undefined): { fix?: Fix; claimed: string[] } {
  const domain = report.target.domain;
  const claimed = findingsOf(report, 'mx')
    .filter((f) => NULL_MX_FINDINGS.has(f.id))
    .map((f) => f.id);
  if (claimed.length === 0 || spfText?.trim().toLowerCase() !== SPF_NOTHING || report.target.ips.length > 0)
    return { claimed: [] };
  return {
    claimed,
    fix: {
      kind: 'null-mx',
      findings: claimed,
      records: [
        {
          name: domain,
          type: 'MX',
          ttl: FIX_TTL,
          values: ['0 .'],
          comments: [
            `${domain} authorises no sender ("${SPF_NOTHING}"): it sends and takes no mail (RFC 7505)`,
          ],
        },
      ],
      warnings: [],
      notes: ['the audit judges the domain as a sender, so it then reports mx/null-mx: that is the point'],
    },
  };
}

export async function proposeFixes(report: Report, options: FixOptions): Promise<FixPlan> {
  const now = options.now ?? new Date();
  const fixes: Fix[] = [];
  const remaining: Remaining[] = [];
  const add = (r: { fix?: Fix; remaining: Remaining[] }) => {
    if (r.fix) fixes.push(r.fix);
    remaining.push(...r.remaining);
  };

  // SPF: one fix per policy tree (the audited domain, the MAIL FROM domain when it differs).
  const spf = spfEvidenceOf(report);
  const spfFindings = findingsOf(report, 'spf');
  let domainSpf: string | undefined;
  if (spf) {
    const mxDomains = mxEvidenceOf(report)?.domains ?? [];
    const trees = spf.mailFrom ? [spf, spf.mailFrom] : [spf];
    for (const tree of trees) {
      const mine = spfFindings.filter((f) => (spfFindingOwner(f) ?? spf.domain) === tree.domain);
      const ips = spf.ipResults.filter(
        (r) => r.domain === tree.domain && r.result !== 'pass' && r.result !== 'temperror',
      );
      const mx = mxDomains.find((d) => d.domain === tree.domain);
      const hasMx = (mx?.hosts.length ?? 0) > 0;
      const out = await planSpfFix({
        tree,
        findings: mine,
        ips: [...new Set(ips.map((r) => r.ip))],
        hasMx,
        resolver: options.resolver,
        now,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      add(out);
      if (tree === spf) domainSpf = out.fix?.records[0]?.values[0] ?? tree.record ?? undefined;
    }
  }
  const dmarc = dmarcEvidenceOf(report);
  if (dmarc) add(planDmarcFix(dmarc, findingsOf(report, 'dmarc')));
  const tlsRpt = tlsRptEvidenceOf(report);
  if (tlsRpt) add(planTlsRptFix(tlsRpt, findingsOf(report, 'tls-rpt')));
  const mtaSts = mtaStsEvidenceOf(report);
  if (mtaSts) add(planMtaStsFix(mtaSts, findingsOf(report, 'mta-sts'), now));

  const nullMx = planNullMx(report, domainSpf);
  if (nullMx.fix) fixes.push(nullMx.fix);
  const planned = new Set(['spf', 'dmarc', 'tls-rpt', 'mta-sts']);
  for (const [id, check] of Object.entries(report.checks)) {
    if (planned.has(id)) continue;
    for (const f of check.findings) {
      if (nullMx.claimed.includes(f.id)) continue;
      remaining.push({ id: f.id, reason: NO_DNS_FIX[id] ?? 'no DNS fix' });
    }
  }
  return { domain: report.target.domain, createdAt: now.toISOString(), fixes, remaining };
}

/** Every finding id a plan's fixes are meant to clear. */
export function claimedFindings(plan: FixPlan): string[] {
  return [...new Set(plan.fixes.flatMap((f) => f.findings))];
}
