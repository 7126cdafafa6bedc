/**
 * The fleet run's summary (summary.json): run metadata, totals, one small row per identity
 * and, when a baseline exists, the regressions against it. Renderers (HTML, JUnit) read this
 * plus, for detail, the per-identity Reports under reports/.
 *
 * Out-dir layout (a run directory):
 *   reports/<key>.json   one Report (report-v1) per identity, written atomically when done
 *   results.ndjson       one FleetResultLine per finished identity, in finishing order
 *   summary.json         FleetSummary (summary-v1), written at the end of the run
 *   index.html           the HTML overview (reports/html.ts)
 *   junit.xml            with --format junit (reports/junit.ts)
 * <key> is the domain plus a short hash of the identity options (identityKey in key.ts),
 * so two identities with the same domain do not clash.
 *
 * Versioned on its own; the schema is reports/schema/summary-v1.json.
 */
import type { DnsCounters } from '../probe/types.js';
import type { CheckStatus, OverallStatus, Provider, Severity, Target } from '../report.js';

// 1.1.0: rows may carry recordsDigest; 1.2.0: resolverWarnings; 1.3.0: workers (queue runs)
export const SUMMARY_SCHEMA_VERSION = '1.3.0';

/**
 * Rows a finished run keeps in memory (FleetSummary.identities of its result, the worst ones):
 * what the HTML grid shows. summary.json on disk lists every identity.
 */
export const FLEET_MAX_ROWS_IN_MEMORY = 20_000;

/** An identity's status: the report's, or `error` when no report could be made at all. */
export type IdentityStatus = OverallStatus | 'error';

export interface FindingCounts {
  error: number;
  warning: number;
  info: number;
  unknown: number;
}

/** A predicted reply, trimmed to what a grid filters on. */
export interface ReplyRef {
  provider: Provider;
  code: number;
  enhanced: string;
  permanent: boolean;
  condition: string;
}

/** One finding id and its severity, as a row or a diff carries it. */
export interface FindingRef {
  id: string;
  severity: Severity;
}

/** One line of results.ndjson, and the row of the summary's identities table. */
export interface FleetIdentityRow {
  /** `<domain>-<hash8>`: the report's file name without `.json`. */
  key: string;
  domain: string;
  target: Target;
  status: IdentityStatus;
  /** Status per check id (checks not run are absent). */
  checks: Record<string, CheckStatus>;
  counts: FindingCounts;
  findings: FindingRef[];
  predictedReplies: ReplyRef[];
  /** Path of the report relative to the out-dir, e.g. `reports/example.com-1a2b3c4d.json`; absent on error. */
  file?: string;
  /** Why no report was made (status `error`). */
  error?: string;
  durationMs?: number;
  /**
   * Digest of the DNS records the report rests on (records.ts): equal digests in two runs
   * mean no record changed, so the diff need not read both reports.
   */
  recordsDigest?: string;
}

/** A config or domains-file entry that was skipped. */
export interface InvalidEntry {
  file: string;
  /** 1-based line of the entry in the file. */
  line: number;
  message: string;
}

export interface FleetTotals {
  /** Valid identities in the run's input. */
  identities: number;
  /** Identities with a row (finished now or in an earlier attempt). */
  done: number;
  pass: number;
  warn: number;
  fail: number;
  unknown: number;
  error: number;
  /** Entries of the input skipped as invalid. */
  invalid: number;
}

export interface FleetRunInfo {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  concurrency: number;
  /** Identities taken over from an earlier, interrupted attempt in the same out-dir. */
  resumed: number;
  /** False when the run was aborted before every identity finished. */
  complete: boolean;
  /** The input files, as given. */
  inputs: string[];
}

/** Same finding in both runs, or not, for one identity. */
export interface RecordChange {
  /** spf, dmarc or dkim. */
  kind: 'spf' | 'dmarc' | 'dkim';
  /** The DNS name the record lives at (e.g. `_dmarc.example.com`, `s1._domainkey.example.com`). */
  name: string;
  /** Record text before and after; null when there was none (or it could not be read). */
  before: string | null;
  after: string | null;
}

export interface IdentityDiff {
  key: string;
  domain: string;
  statusBefore: IdentityStatus;
  statusAfter: IdentityStatus;
  /** Findings at error or warning now that were not there before: the regressions. */
  newFailures: FindingRef[];
  /** Findings at error or warning before that are gone now. */
  fixed: FindingRef[];
  repliesAdded: ReplyRef[];
  repliesRemoved: ReplyRef[];
  recordChanges: RecordChange[];
  /** True when this identity got worse: new failures or a worse status. */
  regression: boolean;
}

export interface RegressionCounts {
  regressed: number;
  newFailures: number;
  fixed: number;
  changedReplies: number;
  added: number;
  gone: number;
  recordChanges: number;
  statusChanges: number;
}

export interface FleetDiff {
  /** Where the baseline came from (a directory or a report file). */
  baseline: string;
  current: string;
  baselineStartedAt?: string;
  hasRegressions: boolean;
  counts: RegressionCounts;
  /** Identities that changed in any way, regressions first. */
  identities: IdentityDiff[];
  /** Keys (with domains) of identities new in this run or gone since the baseline. */
  added: { key: string; domain: string }[];
  gone: { key: string; domain: string }[];
}

/**
 * A finding about the run's resolver itself (dns/resolver-unreliable): one fact about the run,
 * shown once at the top instead of once per identity.
 */
export interface ResolverWarning {
  /** The finding id, `dns/resolver-unreliable`. */
  id: string;
  message: string;
  remediation: string;
  /** Identities of this attempt whose report carries it. */
  identities: number;
}

/** One worker of a run spread over a queue (src/fleet/queue/): what it audited, how fast. */
export interface FleetWorkerStats {
  /** `hostname:pid` of the worker process. */
  id: string;
  /** Identities of this attempt whose result came from this worker (duplicates not counted). */
  identities: number;
  /** identities / (its last audit's end - its first audit's start), on the worker's clock. */
  identitiesPerSecond: number;
}

export interface FleetSummary {
  schemaVersion: string;
  kind: 'mail-preflight-fleet-summary';
  tool: { name: string; version: string };
  run: FleetRunInfo;
  totals: FleetTotals;
  /** Check ids in the order of the grid's columns. */
  checks: string[];
  /** Present when a baseline was found; the summary leads with it. */
  regressions?: FleetDiff;
  /** Present when the run's resolver denied names that exist: its answers of absence were not believed. */
  resolverWarnings?: ResolverWarning[];
  invalidEntries: InvalidEntry[];
  /** Present when the run went through a queue: per-worker throughput of this attempt, by id. */
  workers?: FleetWorkerStats[];
  /** Sorted by key. */
  identities: FleetIdentityRow[];
  dns: DnsCounters;
}
