/**
 * The library API: audit(), evaluateSpf(), the fleet run, bounce triage and the probe. Never prints, never
 * exits: it returns Reports and typed results. Only re-exports: each piece lives in its module.
 */

export { type AuditOptions, audit } from './audit.js';
export {
  type AuditedDomain,
  type AuditFinding,
  auditBounces,
  type BounceAudit,
  type BounceAuditOptions,
  type CauseAudit,
  type CauseVerdict,
  MAX_AUDITED_DOMAINS,
} from './bounce/audit.js';
export {
  type ReadBouncesOptions,
  type ReadProblem,
  type ReadProblemKind,
  type ReadSummary,
  readBounces,
} from './bounce/read/index.js';
export type { BounceSummary, CategoryBucket, CodeBucket, DomainBucket } from './bounce/summary.js';
export { type BounceTriage, type TriageOptions, triageBounces } from './bounce/triage.js';
export { type BounceFilesTriage, type TriageFilesOptions, triageBounceFiles } from './bounce/triage-files.js';
export type {
  AddressAction,
  BounceCategory,
  BounceRecord,
  BounceSource,
  ClassifiedBounce,
} from './bounce/types.js';
export type { Wave, WaveReport, WaveRule } from './bounce/waves.js';
export type { Check, Condition, FindingResult, FindingSpec } from './check.js';
export { UsageError } from './errors.js';
export {
  type EvaluateSpfOptions,
  evaluateSpf,
  type SenderEvaluation,
  type SpfEvaluation,
  type SpfLookups,
  type SpfQuery,
  type SpfResult,
} from './evaluate-spf.js';
export { type FleetIdentity, type FleetInput, readDomainsFile, readFleetConfig } from './fleet/config.js';
export { diffRuns, loadDiffSide, type RunView } from './fleet/diff.js';
export type { FleetProgress } from './fleet/progress.js';
export {
  DEFAULT_FLEET_CONCURRENCY,
  FLEET_DEFAULT_CACHE_ENTRIES,
  type FleetOutput,
  type FleetReportEntry,
  type FleetReports,
  type FleetRunOptions,
  type FleetRunResult,
  findPreviousRun,
  runFleet,
} from './fleet/run.js';
export type {
  FleetDiff,
  FleetIdentityRow,
  FleetSummary,
  FleetTotals,
  InvalidEntry,
} from './fleet/summary.js';
export type { MessageSource } from './message/parse.js';
export type { MessageSummary, ParsedMessage } from './message/types.js';
export { auditMessage, type MessageAuditOptions } from './message-audit.js';
export * from './overlay/index.js';
export {
  AUDIT_SMTP_TIMEOUTS,
  createProbe,
  DEFAULT_DNS_TIMEOUT_MS,
  DEFAULT_DNS_TRIES,
  type ProbeOptions,
  readCaFile,
} from './probe/create.js';
export { createDnsProbe, type DnsProbeOptions } from './probe/dns-probe.js';
export type { ClosableProbe, DnsRecord, DnsResult, Probe, Resolver, RRType } from './probe/types.js';
export {
  type CheckRecipientsOptions,
  checkRecipients,
  type InputFormat as RecipientsInputFormat,
  RECIPIENT_REASONS,
  RecipientInputError,
  type RecipientReason,
  type RecipientResult,
  type RecipientStatus,
  type RecipientsSummary,
} from './recipients/index.js';
export { ALL_CHECKS, CHECK_IDS } from './registry.js';
export * from './report.js';
export { normalizeDomain, normalizeIp, normalizeTarget, type TargetInput } from './target.js';
