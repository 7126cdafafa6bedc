import type { MessageSummary } from './message/types.js';

/**
 * The report: versioned on its own, independent of the tool version. Renderers read only
 * this. Keys are sorted on output (see stableStringify) so two runs can be diffed.
 */

// 1.2.0: findings may carry `waived` (a policy file's waiver, src/policy/)
export const SCHEMA_VERSION = '1.2.0';

export type Severity = 'info' | 'warning' | 'error' | 'unknown';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown' | 'skipped';
export type OverallStatus = 'pass' | 'warn' | 'fail' | 'unknown';
export type Provider = 'gmail' | 'yahoo' | 'microsoft';
export type Profile = 'bulk' | 'transactional';

export interface PredictedReply {
  provider: Provider;
  /** Basic SMTP code, e.g. 421. */
  code: number;
  /** Enhanced status code (RFC 3463), e.g. "4.7.27". */
  enhanced: string;
  text: string;
  permanent: boolean;
  bulkOnly: boolean;
  confidence: 'documented' | 'inferred';
  source: string;
  /** The condition (from src/replies) that predicts this reply. */
  condition: string;
}

export interface Finding {
  /** Stable id "<check>/<key>", never reworded once published. */
  id: string;
  severity: Severity;
  title: string;
  message: string;
  /** The exact records and answers the finding rests on. */
  evidence: Record<string, unknown>;
  remediation: string;
  predictedReplies: PredictedReply[];
  /**
   * Set when an active waiver of the policy file covers the finding (schema 1.2): the finding
   * is still reported, but does not fail the gate (--fail-on).
   */
  waived?: FindingWaiver;
}

/** The waiver that covers a finding, as the policy file gives it. */
export interface FindingWaiver {
  reason: string;
  /** Last day the waiver holds, YYYY-MM-DD (UTC). */
  expires: string;
  /** The waiver's `finding` pattern (an id, or a glob such as `spf/*`). */
  finding: string;
  /** The policy file and the line the waiver starts on. */
  file?: string;
  line?: number;
}

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  findings: Finding[];
  /** What collect() gathered (plain JSON), so a run can be replayed. */
  evidence?: unknown;
  /** Set when the check threw or hit its deadline: the check is then `unknown`. */
  error?: string;
  durationMs?: number;
}

export interface ReplySummary extends PredictedReply {
  /** Finding ids behind this reply. */
  findings: string[];
}

export interface Target {
  domain: string;
  ips: string[];
  helo?: string;
  mailFrom?: string;
  dkimDomain?: string;
  dkimSelectors?: string[];
  /**
   * false: look up only `dkimSelectors`, not the built-in discovery list (a fleet run whose
   * selectors are known). Absent means discovery is on.
   */
  dkimDiscovery?: boolean;
  profile: Profile;
  /** The sample message audited (the message command, schema 1.1). */
  message?: MessageSummary;
}

export interface Timing {
  startedAt: string;
  durationMs: number;
  dns: {
    queriesSent: number;
    cacheHits: number;
    cacheMisses: number;
    timeouts: number;
    tcpRetries: number;
    errors: number;
  };
}

export interface Report {
  schemaVersion: string;
  tool: { name: string; version: string };
  target: Target;
  status: OverallStatus;
  checks: Record<string, CheckResult>;
  predictedReplies: ReplySummary[];
  /** Filled by later checks (alignment and authentication outcome). */
  authentication?: Record<string, unknown>;
  timing: Timing;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, unknown: 1, warning: 2, error: 3 };

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** Status of a check from its findings: fail beats unknown beats warn. */
export function checkStatusOf(findings: readonly Finding[]): CheckStatus {
  let status: CheckStatus = 'pass';
  for (const f of findings) {
    if (f.severity === 'error') return 'fail';
    if (f.severity === 'unknown') status = 'unknown';
    else if (f.severity === 'warning' && status === 'pass') status = 'warn';
  }
  return status;
}

export function overallStatusOf(checks: readonly CheckResult[]): OverallStatus {
  let status: OverallStatus = 'pass';
  for (const c of checks) {
    if (c.status === 'fail') return 'fail';
    if (c.status === 'unknown') status = 'unknown';
    else if (c.status === 'warn' && status === 'pass') status = 'warn';
  }
  return status;
}

/** JSON with object keys sorted recursively: deterministic output for diffs and golden files. */
export function stableStringify(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
