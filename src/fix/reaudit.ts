/**
 * The proof of a fix: the fragment read back as an overlay (the same parser --overlay uses)
 * and the identity audited again through it. Which findings the fix cleared, which it was
 * meant to clear and did not (a bug of proposeFixes), which remain and which the new records
 * brought.
 */
import { parseMasterFile } from '../overlay/master-file.js';
import { overlayProbe } from '../overlay/probe.js';
import type { Probe } from '../probe/types.js';
import type { Report } from '../report.js';
import { claimedFindings, proposeFixes } from './propose.js';
import { renderFixFragment } from './render.js';
import type { FixPlan, Remaining } from './types.js';

export interface FixVerdict {
  /** Findings of the live audit gone after the fix. */
  cleared: string[];
  /** Findings a fix was meant to clear that are still there. */
  notCleared: string[];
  /** Findings of the live audit still there, with why no record fixes them. */
  remaining: Remaining[];
  /** Findings that appear only with the fix. */
  introduced: string[];
}

export interface FixRun {
  plan: FixPlan;
  fragment: string;
  after: Report;
  verdict: FixVerdict;
}

const idsOf = (r: Report): Set<string> =>
  new Set(Object.values(r.checks).flatMap((c) => c.findings.map((f) => f.id)));

export function compareFix(before: Report, after: Report, plan: FixPlan): FixVerdict {
  const was = idsOf(before);
  const now = idsOf(after);
  const claimed = new Set(claimedFindings(plan));
  const reasons = new Map(plan.remaining.map((r) => [r.id, r.reason]));
  const remaining: Remaining[] = [];
  for (const id of was) {
    if (now.has(id) && !claimed.has(id)) remaining.push({ id, reason: reasons.get(id) ?? 'no DNS fix' });
  }
  return {
    cleared: [...was].filter((id) => !now.has(id)),
    notCleared: [...claimed].filter((id) => now.has(id)),
    remaining,
    introduced: [...now].filter((id) => !was.has(id)),
  };
}

/**
 * Proposes the fixes for `before` and audits again with them as an overlay on `probe`.
 * `reaudit` runs the same audit as `before` on the probe it is given.
 */
export async function proveFixes(
  before: Report,
  probe: Probe,
  reaudit: (probe: Probe) => Promise<Report>,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<FixRun> {
  const plan = await proposeFixes(before, {
    resolver: probe.dns,
    ...(options.now ? { now: options.now } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const fragment = renderFixFragment(plan);
  const zone = parseMasterFile(fragment, { file: 'fix' });
  const after = await reaudit(overlayProbe(probe, [zone]));
  return { plan, fragment, after, verdict: compareFix(before, after, plan) };
}
