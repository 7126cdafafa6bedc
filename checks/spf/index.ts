/**
 * The SPF check: a static audit of the domain's policy (the whole include/redirect tree and
 * its DNS cost) plus, for each sending IP given, a real check_host() evaluation.
 */
import type { Check } from '../../src/check.js';
import type { Target } from '../../src/report.js';
import { judgeSpf, SPF_FINDINGS, type SpfEvidence, type SpfIpResult } from './audit.js';
import { evaluateSender } from './evaluate.js';
import { walkSpfTree } from './tree.js';

/** Sending IPs evaluated per audit; more are listed in the evidence as not evaluated. */
export const SPF_AUDIT_MAX_IPS = 32;
/** Trace lines kept per IP evaluation in the evidence. */
export const SPF_AUDIT_MAX_TRACE_LINES = 40;

export type { SpfEvidence, SpfIpResult } from './audit.js';
export {
  judgeSpf,
  SPF_BROAD_IP4_PREFIX,
  SPF_BROAD_IP6_PREFIX,
  SPF_FINDINGS,
  SPF_LOOKUPS_NEAR_LIMIT,
} from './audit.js';
export { walkSpfTree } from './tree.js';

/** The MAIL FROM the audit evaluates: target.mailFrom (an address or a domain), else postmaster@domain. */
export function auditSender(target: Target): string {
  const from = target.mailFrom?.trim();
  if (!from) return `postmaster@${target.domain}`;
  return from.includes('@') ? from : `postmaster@${from}`;
}

export const spfCheck: Check<SpfEvidence> = {
  id: 'spf',
  title: 'SPF (RFC 7208)',
  appliesTo: ['domain'],
  findings: SPF_FINDINGS,
  async collect(target, ctx) {
    const resolver = ctx.probe.dns;
    const sender = auditSender(target);
    const helo = target.helo ?? target.domain;
    const ips = target.ips.slice(0, SPF_AUDIT_MAX_IPS);
    const mailFromDomain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
    const [tree, mailFromTree, ipResults] = await Promise.all([
      walkSpfTree(target.domain, resolver, { signal: ctx.signal }),
      mailFromDomain !== target.domain
        ? walkSpfTree(mailFromDomain, resolver, { signal: ctx.signal })
        : undefined,
      Promise.all(
        ips.map(async (ip): Promise<SpfIpResult> => {
          const r = await evaluateSender({ ip, sender, helo }, resolver, { signal: ctx.signal });
          const out: SpfIpResult = {
            ip,
            domain: r.domain,
            sender,
            helo,
            result: r.result,
            lookups: { dnsTerms: r.lookups.dnsTerms, voidLookups: r.lookups.voidLookups },
            trace: r.trace.slice(0, SPF_AUDIT_MAX_TRACE_LINES),
          };
          if (r.explanation !== undefined) out.explanation = r.explanation;
          if (r.problem !== undefined) out.problem = r.problem;
          if (r.mechanism !== undefined) out.mechanism = r.mechanism;
          if (r.mechanismDomain !== undefined) out.mechanismDomain = r.mechanismDomain;
          return out;
        }),
      ),
    ]);
    const evidence: SpfEvidence = { ...tree, ipResults };
    if (mailFromTree) evidence.mailFrom = mailFromTree;
    if (target.ips.length > ips.length) evidence.ipsNotEvaluated = target.ips.slice(ips.length);
    return evidence;
  },
  judge(evidence) {
    const { mailFrom, ...own } = evidence;
    const findings = judgeSpf(own);
    // The MAIL FROM domain's policy: the same audit, without the per-IP results (judged once above).
    if (mailFrom) findings.push(...judgeSpf({ ...mailFrom, ipResults: [] }));
    return findings;
  },
};
