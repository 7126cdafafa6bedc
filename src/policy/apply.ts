/**
 * A policy applied to a finished report: the expectations become the findings of a `policy`
 * section, active waivers mark the findings they cover (`waived`: shown, but not counted by the
 * gate), and each expired waiver in scope becomes a `policy/waiver-expired` error of its own.
 */
import {
  type CheckResult,
  checkStatusOf,
  type Finding,
  type FindingWaiver,
  overallStatusOf,
  type Report,
} from '../report.js';
import { inScope, judgeExpectations, POLICY_FINDING_TITLES } from './judge.js';
import { parseDay, utcDay } from './parse.js';
import type { Policy, Waiver } from './types.js';

/** The report section the policy's findings are in (a key of Report.checks). */
export const POLICY_CHECK_ID = 'policy';
export const POLICY_CHECK_TITLE = 'Organisation policy (policy file)';

export interface ApplyPolicyOptions {
  /** Today, for waiver expiry (UTC day); default: now. */
  today?: Date;
  /** The fleet identity key, matched by a waiver's `identities`. */
  identity?: string;
}

/** A waiver holds through the end of its `expires` day (UTC). */
export function waiverExpired(waiver: Waiver, today: Date): boolean {
  const day = parseDay(waiver.expires);
  return day === undefined || utcDay(today) > day;
}

/** Whether a waiver's `finding` (an id or a glob with `*`) names this finding id. */
export function waiverMatches(pattern: string, id: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(id);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function waiverInScope(waiver: Waiver, domain: string, identity: string | undefined): boolean {
  if (!inScope(waiver.domains, domain)) return false;
  return waiver.identities.length === 0 || (identity !== undefined && waiver.identities.includes(identity));
}

/** The report with the policy applied (a new object; the input is not changed). */
export function applyPolicy(report: Report, policy: Policy, options: ApplyPolicyOptions = {}): Report {
  const today = options.today ?? new Date();
  const scoped = policy.waivers.filter((w) => waiverInScope(w, report.target.domain, options.identity));
  const active = scoped.filter((w) => !waiverExpired(w, today));
  const policyFindings = [
    ...judgeExpectations(report, policy.expect, policy.file),
    ...scoped.filter((w) => waiverExpired(w, today)).map((w) => expiredFinding(w, policy.file)),
  ];
  const checks: Record<string, CheckResult> = {};
  for (const [key, check] of Object.entries(report.checks))
    checks[key] = { ...check, findings: check.findings.map((f) => withWaiver(f, active, policy.file)) };
  if (policyFindings.length > 0) {
    const findings = policyFindings.map((f) => withWaiver(f, active, policy.file));
    checks[POLICY_CHECK_ID] = {
      id: POLICY_CHECK_ID,
      title: POLICY_CHECK_TITLE,
      status: checkStatusOf(findings),
      findings,
      evidence: { file: policy.file, expectations: policy.expect.length, waivers: policy.waivers.length },
    };
  }
  return { ...report, checks, status: overallStatusOf(Object.values(checks)) };
}

function withWaiver(finding: Finding, active: readonly Waiver[], file: string): Finding {
  // Info changes nothing and gates nothing: there is nothing to waive.
  if (finding.severity === 'info' || finding.id === `${POLICY_CHECK_ID}/waiver-expired`) return finding;
  const waiver = active.find((w) => waiverMatches(w.finding, finding.id));
  if (!waiver) return finding;
  const waived: FindingWaiver = {
    reason: waiver.reason,
    expires: waiver.expires,
    finding: waiver.finding,
    file,
    line: waiver.line,
  };
  return { ...finding, waived };
}

function expiredFinding(waiver: Waiver, file: string): Finding {
  return {
    id: `${POLICY_CHECK_ID}/waiver-expired`,
    severity: 'error',
    title: POLICY_FINDING_TITLES['waiver-expired'],
    message: `The waiver of ${waiver.finding} ("${waiver.reason}") expired on ${waiver.expires}; the findings it covered count again.`,
    evidence: {
      file,
      line: waiver.line,
      finding: waiver.finding,
      reason: waiver.reason,
      expires: waiver.expires,
    },
    remediation: `Fix what ${waiver.finding} reports, or renew the waiver with a new date and reason, or remove it (${file} line ${waiver.line}).`,
    predictedReplies: [],
  };
}

/** The DKIM selectors the policy expects for `domain`: the audit must look them up to judge them. */
export function policySelectors(policy: Policy, domain: string): string[] {
  const out = new Set<string>();
  for (const block of policy.expect)
    if (inScope(block.domains, domain)) for (const s of block.dkimSelectors) out.add(s);
  return [...out];
}

/** Whether a finding counts for the gate (--fail-on): every finding except a waived one. */
export function gating(finding: Finding): boolean {
  return finding.waived === undefined;
}
