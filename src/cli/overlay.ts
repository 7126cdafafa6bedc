/**
 * audit --overlay: the overlay files read (flags first, else the config's, relative to the
 * config file), the what-if report written, and its exit code: with --fail-on regression 1
 * only when the proposed records are worse than live, else the proposed run's as usual.
 */
import { dirname, resolve } from 'node:path';
import { renderOverlayJunit, renderOverlayText } from '../../reports/overlay.js';
import { renderText } from '../../reports/text.js';
import type { AuditConfig } from '../config.js';
import { type OverlayZone, type ProposedReport, readOverlayFile } from '../overlay/index.js';
import {
  EXIT_FINDINGS,
  EXIT_OK,
  exitCodeFor,
  type ReportIo,
  type ReportOutput,
  renderReportAs,
  writeRendered,
} from './report-output.js';

/** The overlay files to read: --overlay flags, else the config's `overlay` (relative to the config). */
export function overlayPaths(
  flags: readonly string[] | undefined,
  config: AuditConfig,
  configPath?: string,
): string[] {
  if (flags && flags.length > 0) return [...flags];
  const base = configPath === undefined ? '.' : dirname(configPath);
  return (config.overlays ?? []).map((p) => resolve(base, p));
}

export function readOverlays(paths: readonly string[]): OverlayZone[] {
  return paths.map((p) => readOverlayFile(p));
}

/** Renders and writes the proposed report with its comparison; returns the exit code. */
export function writeWhatIf(report: ProposedReport, out: ReportOutput, io: ReportIo): number {
  const failOn = out.failOn === 'regression' ? 'fail' : out.failOn;
  const rendered =
    out.format === 'junit'
      ? renderOverlayJunit(out.junitName, report, failOn)
      : out.format === 'text'
        ? `${renderText(report, { color: out.color })}${renderOverlayText(report)}`
        : renderReportAs(report, out, failOn);
  writeRendered(rendered, out, io);
  if (out.failOn === 'regression') return report.diff.regression ? EXIT_FINDINGS : EXIT_OK;
  return exitCodeFor(report, failOn);
}
