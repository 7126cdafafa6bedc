/**
 * The two seams of a fleet run: where identities are audited (a FleetAuditor: the local pool
 * of runFleet, or the Redis queue of src/fleet/queue/) and where each finished identity goes
 * (a FleetResultSink: the out-dir). runFleet owns the sink, so every auditor's results take
 * the same path to reports/, results.ndjson, the summary, the pages, the diff and resume.
 */
import type { DnsCounters } from '../probe/types.js';
import type { Report, Target } from '../report.js';
import type { FleetIdentity } from './config.js';
import type { FleetWorkerStats } from './summary.js';

/** One identity's outcome: its report, or why none could be made. */
export interface FleetAuditResult {
  key: string;
  target: Target;
  /** The report; absent when the audit itself failed (`error` says why). */
  report?: Report;
  error?: string;
  /** Wall time of the audit in ms (measured by a remote worker). */
  durationMs?: number;
  /**
   * When the audit started on the run's clock (a local audit): its duration then runs to the
   * end of writing its report.
   */
  startedAtMs?: number;
}

/** Where finished identities go (the out-dir). */
export interface FleetResultSink {
  /**
   * Writes one finished identity (report and row). False when its key is already finished or
   * is not one of the run's identities: a duplicate (a job done twice), discarded.
   * Throws on a file-system error: the run cannot go on.
   */
  accept(result: FleetAuditResult): Promise<boolean>;
  /** True when this key is finished (in this attempt or an earlier one). */
  has(key: string): boolean;
}

/** Why an auditor stopped before every identity was handed over (the run is then incomplete). */
export interface FleetAuditorEnd {
  /** A sentence for the user, e.g. "lost the queue's Redis for 30 s"; no secrets. */
  stopped?: string;
}

/** Where a run's identities are audited. */
export interface FleetAuditor {
  /**
   * Audits `todo` (the identities not finished yet), handing each result to `sink`. Resolves
   * when every one was handed over, when `signal` aborts, or with `stopped` when it cannot go
   * on (the run then ends incomplete, as an interrupted run does). Rejects on a fatal error.
   */
  audit(todo: readonly FleetIdentity[], sink: FleetResultSink, signal: AbortSignal): Promise<FleetAuditorEnd>;
  /** DNS traffic of this run's audits so far (the summary's `dns`). */
  dnsCounters(): DnsCounters;
  /** Per-worker throughput, when the audits ran on separate workers (the summary's `workers`). */
  workerStats?(): FleetWorkerStats[];
  /** The concurrency the summary reports. */
  readonly concurrency: number;
}
