/**
 * Live against proposed: the two reports of one identity compared with the fleet's diff
 * (src/fleet/diff.ts diffIdentity: fixed, new failures, predicted replies, record changes),
 * plus the findings the change worsens (same id, higher severity). A regression is what the
 * gate `--fail-on regression` fails on: a new or worsened finding, or a new predicted reply.
 * Unknown ("could not measure") is never a regression.
 */

import { diffIdentity } from '../fleet/diff.js';
import { reportRow } from '../fleet/row.js';
import type { FindingRef, RecordChange, ReplyRef } from '../fleet/summary.js';
import type { Report, Severity } from '../report.js';
import type { OverlayServed } from './resolver.js';

export interface WorsenedFinding {
  id: string;
  live: Severity;
  proposed: Severity;
}

export interface OverlayDiff {
  statusLive: Report['status'];
  statusProposed: Report['status'];
  /** Findings at error or warning live that the change clears. */
  fixed: FindingRef[];
  /** Findings at error or warning the change brings. */
  introduced: FindingRef[];
  /** Findings present in both whose severity goes up. */
  worsened: WorsenedFinding[];
  repliesAdded: ReplyRef[];
  repliesRemoved: ReplyRef[];
  /** SPF, DMARC and DKIM record texts that differ. */
  recordChanges: RecordChange[];
  /** The proposed state is worse than live: introduced, worsened or new predicted replies. */
  regression: boolean;
}

/** Which answers came from the overlay, for the report. */
export interface OverlayInfo {
  files: string[];
  complete: boolean;
  served: OverlayServed[];
  warnings: string[];
}

/** The proposed run's report with its comparison to live (JSON: `overlay` and `diff`). */
export type ProposedReport = Report & { overlay: OverlayInfo; diff: OverlayDiff };

/** Severity order for "worse": unknown is not worse than anything (it is not measured). */
const SEVERITY_RANK: Readonly<Record<Severity, number | undefined>> = {
  info: 0,
  warning: 1,
  error: 2,
  unknown: undefined,
};

export function compareReports(live: Report, proposed: Report): OverlayDiff {
  const key = 'overlay';
  const [rowLive, rowProposed] = [reportRow(key, live), reportRow(key, proposed)];
  const d = diffIdentity(rowLive, rowProposed, live, proposed);
  const worst = (refs: FindingRef[]): Map<string, Severity> => {
    const out = new Map<string, Severity>();
    for (const f of refs) {
      const rank = SEVERITY_RANK[f.severity];
      const had = out.get(f.id);
      if (rank !== undefined && (had === undefined || rank > (SEVERITY_RANK[had] ?? -1)))
        out.set(f.id, f.severity);
    }
    return out;
  };
  const [wLive, wProposed] = [worst(rowLive.findings), worst(rowProposed.findings)];
  const worsened: WorsenedFinding[] = [];
  for (const [id, sev] of wProposed) {
    const was = wLive.get(id);
    if (was !== undefined && (SEVERITY_RANK[sev] ?? 0) > (SEVERITY_RANK[was] ?? 0))
      worsened.push({ id, live: was, proposed: sev });
  }
  const introduced = d?.newFailures.filter((f) => !worsened.some((w) => w.id === f.id)) ?? [];
  const repliesAdded = d?.repliesAdded ?? [];
  return {
    statusLive: live.status,
    statusProposed: proposed.status,
    fixed: d?.fixed ?? [],
    introduced,
    worsened,
    repliesAdded,
    repliesRemoved: d?.repliesRemoved ?? [],
    recordChanges: d?.recordChanges ?? [],
    regression: introduced.length + worsened.length + repliesAdded.length > 0,
  };
}
