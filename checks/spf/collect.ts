/**
 * What the SPF check gathers: the static walk of the domain's policy tree (tree.ts), the MAIL
 * FROM domain's tree when it differs, and a real check_host() evaluation per sending IP
 * (evaluate.ts). All I/O goes through the probe's resolver.
 */
import type { CollectContext } from '../../src/check.js';
import type { Target } from '../../src/report.js';
import { evaluateSender } from './evaluate.js';
import { type SpfTreeEvidence, walkSpfTree } from './tree.js';
import type { SpfResult } from './types.js';

/** Sending IPs evaluated per audit; more are listed in the evidence as not evaluated. */
export const SPF_AUDIT_MAX_IPS = 32;
/** Trace lines kept per IP evaluation in the evidence. */
export const SPF_AUDIT_MAX_TRACE_LINES = 40;

/** One sending IP evaluated with check_host() (RFC 7208 4). */
export interface SpfIpResult {
  ip: string;
  /** The <domain> check_host() was run for: the sender's domain. */
  domain: string;
  sender: string;
  helo: string;
  result: SpfResult;
  explanation?: string;
  problem?: string;
  lookups?: { dnsTerms: number; voidLookups: number };
  /** The term that decided the result and the domain whose record held it. */
  mechanism?: string;
  mechanismDomain?: string;
  /** The evaluator's trace, bounded. */
  trace?: string[];
}

export interface SpfEvidence extends SpfTreeEvidence {
  ipResults: SpfIpResult[];
  /** Sending IPs beyond the per-audit bound, not evaluated. */
  ipsNotEvaluated?: string[];
  /**
   * The MAIL FROM (Return-Path) domain's own tree, when it differs from the audited domain:
   * receivers check SPF for that domain, so its policy is audited too.
   */
  mailFrom?: SpfTreeEvidence;
}

/** The MAIL FROM the audit evaluates: target.mailFrom (an address or a domain), else postmaster@domain. */
export function auditSender(target: Target): string {
  const from = target.mailFrom?.trim();
  if (!from) return `postmaster@${target.domain}`;
  return from.includes('@') ? from : `postmaster@${from}`;
}

export async function collectSpf(target: Target, ctx: CollectContext): Promise<SpfEvidence> {
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
}
