/**
 * What-if audits: one identity audited twice through one probe, live (no overlay) and
 * proposed (with it), so each live question is asked once (the probe's cache answers the
 * second run), and the two reports compared (compare.ts).
 */

import { type AuditOptions, audit } from '../audit.js';
import { withProbe } from '../probe/create.js';
import type { Probe } from '../probe/types.js';
import type { Report } from '../report.js';
import { normalizeTarget, type TargetInput } from '../target.js';
import { compareReports, type ProposedReport } from './compare.js';
import { overlayProbe } from './probe.js';
import type { OverlayOptions } from './resolver.js';
import type { OverlayZone } from './zone.js';

export interface OverlayRunOptions extends OverlayOptions {
  zones: readonly OverlayZone[];
}

export interface WhatIf {
  live: Report;
  proposed: ProposedReport;
}

/**
 * Runs `run` live, then through the overlay, on `probe`; the live run goes first so the
 * proposed one is answered from the cache wherever the overlay says nothing.
 */
export async function runWhatIf(
  probe: Probe,
  overlay: OverlayRunOptions,
  run: (probe: Probe) => Promise<Report>,
): Promise<WhatIf> {
  const live = await run(probe);
  const view = overlayProbe(probe, overlay.zones, { complete: overlay.complete === true });
  const report = await run(view);
  const proposed: ProposedReport = {
    ...report,
    overlay: {
      files: overlay.zones.map((z) => z.file),
      complete: overlay.complete === true,
      served: view.served(),
      warnings: overlay.zones.flatMap((z) => z.warnings),
    },
    diff: compareReports(live, report),
  };
  return { live, proposed };
}

/** audit() live and with the overlay (see runWhatIf). */
export async function auditWhatIf(
  input: TargetInput,
  overlay: OverlayRunOptions,
  options: AuditOptions = {},
): Promise<WhatIf> {
  const helo = options.smtpHeloName ?? normalizeTarget(input).helo;
  const probeOptions = { ...options, ...(helo ? { smtpHeloName: helo } : {}) };
  return withProbe(options.probe, probeOptions, (probe) =>
    runWhatIf(probe, overlay, (p) => audit(input, { ...options, probe: p })),
  );
}
