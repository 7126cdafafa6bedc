/** The small per-identity row kept for the summary (a full Report is never kept in memory). */
import type { Report, Target } from '../report.js';
import { reportFileOf } from './key.js';
import { recordsDigest } from './records.js';
import type { FindingCounts, FindingRef, FleetIdentityRow, ReplyRef } from './summary.js';

export function replyRefKey(r: ReplyRef): string {
  return `${r.provider} ${r.code} ${r.enhanced} ${r.condition}`;
}

/**
 * The row of one report on its own: statuses, finding counts and ids, predicted replies (the
 * single-audit HTML page shows it; it has no run directory, so no file and no records digest).
 */
export function reportRow(key: string, report: Report): FleetIdentityRow {
  const checks: FleetIdentityRow['checks'] = {};
  const counts: FindingCounts = { error: 0, warning: 0, info: 0, unknown: 0 };
  const findings: FindingRef[] = [];
  for (const [id, check] of Object.entries(report.checks)) {
    checks[id] = check.status;
    for (const f of check.findings) {
      // A waived finding (policy file) is listed but not counted: the counts gate the run.
      if (f.waived === undefined) counts[f.severity]++;
      findings.push({ id: f.id, severity: f.severity });
    }
  }
  findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const replies = new Map<string, ReplyRef>();
  for (const r of report.predictedReplies) {
    const ref: ReplyRef = {
      provider: r.provider,
      code: r.code,
      enhanced: r.enhanced,
      permanent: r.permanent,
      condition: r.condition,
    };
    replies.set(replyRefKey(ref), ref);
  }
  return {
    key,
    domain: report.target.domain,
    target: report.target,
    status: report.status,
    checks,
    counts,
    findings,
    predictedReplies: [...replies.values()],
  };
}

/** The row of an identity of a run whose report was made: reportRow plus where the report is. */
export function rowFromReport(key: string, report: Report, durationMs?: number): FleetIdentityRow {
  const row = reportRow(key, report);
  row.file = reportFileOf(key);
  row.recordsDigest = recordsDigest(report);
  if (durationMs !== undefined) row.durationMs = Math.max(0, Math.round(durationMs));
  return row;
}

/** The row of an identity no report could be made for (an internal error). */
export function errorRow(key: string, target: Target, error: string): FleetIdentityRow {
  return {
    key,
    domain: target.domain,
    target,
    status: 'error',
    checks: {},
    counts: { error: 0, warning: 0, info: 0, unknown: 0 },
    findings: [],
    predictedReplies: [],
    error,
  };
}

/** Loose shape check of a row read back from disk (results.ndjson, summary.json). */
export function isRow(value: unknown): value is FleetIdentityRow {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['key'] === 'string' &&
    typeof v['domain'] === 'string' &&
    typeof v['status'] === 'string' &&
    Array.isArray(v['findings']) &&
    Array.isArray(v['predictedReplies']) &&
    typeof v['checks'] === 'object' &&
    v['checks'] !== null
  );
}
