/**
 * One Report out of the CLI (audit and message): rendered in the chosen format, written to
 * standard output or --output, and turned into the exit code.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { CiFiles } from '../../reports/ci-findings.js';
import { ciEntryOf, renderGithubCommands, renderGithubSummary } from '../../reports/github.js';
import { renderGitlab } from '../../reports/gitlab.js';
import { renderReportHtml } from '../../reports/html.js';
import { renderJson } from '../../reports/json.js';
import { renderJunit } from '../../reports/junit.js';
import { renderText } from '../../reports/text.js';
import { UsageError } from '../errors.js';
import { REGRESSION_NEEDS_OVERLAY } from '../overlay/index.js';
import { gating } from '../policy/index.js';
import type { CheckResult, Report } from '../report.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INCOMPLETE = 2;
export const EXIT_USAGE = 64;

export type ReportFormat = 'text' | 'json' | 'html' | 'junit' | 'github' | 'gitlab';
export type FailOn = 'warn' | 'fail' | 'regression';

export interface ReportOutput {
  format: ReportFormat;
  failOn: FailOn;
  /** --output FILE; standard output when absent. */
  output?: string;
  /** ANSI colour in the text report (a TTY without --no-color, NO_COLOR or --output). */
  color: boolean;
  /** The JUnit testsuite name. */
  junitName: string;
  /** The files the findings of --format github and gitlab point at (policy file, .eml). */
  files?: CiFiles;
  /** --format github: where the job summary is appended ($GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
}

export interface ReportIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** The common flags of a report command, as parseCommand gives them. */
export interface ReportFlags {
  json?: boolean;
  format?: ReportFormat;
  'fail-on'?: FailOn;
  output?: string;
  'no-color'?: boolean;
}

/** The output settings the flags ask for (colour only on a TTY without NO_COLOR). */
export function reportOutputOf(
  values: ReportFlags,
  io: { isTty: boolean; env: NodeJS.ProcessEnv },
  junitName: string,
): ReportOutput {
  return {
    format: values.json ? 'json' : (values.format ?? 'text'),
    failOn: values['fail-on'] ?? 'fail',
    ...(values.output !== undefined ? { output: values.output } : {}),
    color: !values['no-color'] && !values.output && io.isTty && !io.env.NO_COLOR,
    junitName,
    ...(io.env.GITHUB_STEP_SUMMARY ? { stepSummary: io.env.GITHUB_STEP_SUMMARY } : {}),
  };
}

/** Renders and writes the report; returns the exit code. */
export function writeReport(report: Report, out: ReportOutput, io: ReportIo): number {
  if (out.failOn === 'regression') throw new UsageError(REGRESSION_NEEDS_OVERLAY);
  const failOn = out.failOn;
  writeRendered(renderReportAs(report, out, failOn), out, io);
  if (out.format === 'github' && out.stepSummary)
    appendStepSummary(out.stepSummary, renderGithubSummary(ciEntryOf(report), { failOn }));
  return exitCodeFor(report, failOn);
}

/** The report in the format `out` asks for. */
export function renderReportAs(
  report: Report,
  out: ReportOutput,
  failOn: Exclude<FailOn, 'regression'>,
): string {
  return out.format === 'json'
    ? renderJson(report)
    : out.format === 'html'
      ? renderReportHtml(report)
      : out.format === 'junit'
        ? renderJunit([{ key: out.junitName, report }], { failOn })
        : out.format === 'github'
          ? renderGithubCommands([ciEntryOf(report)], { files: out.files ?? {} })
          : out.format === 'gitlab'
            ? renderGitlab([ciEntryOf(report)], out.files ?? {})
            : renderText(report, { color: out.color });
}

/** Writes a rendered report to --output or standard output. */
export function writeRendered(rendered: string, out: ReportOutput, io: ReportIo): void {
  if (out.output) {
    try {
      writeFileSync(out.output, rendered);
    } catch (err) {
      throw new UsageError(`cannot write ${out.output}: ${(err as Error).message}`);
    }
    io.stderr(`mail-preflight: ${out.format} report written to ${out.output}\n`);
  } else {
    io.stdout(rendered);
  }
}

/**
 * 1 when a finding reaches the threshold; else 2 when anything was unknown; else 0. A waived
 * finding (policy file) counts for neither: a check whose every unknown finding is waived is
 * not incomplete.
 */
export function exitCodeFor(report: Report, failOn: Exclude<FailOn, 'regression'>): number {
  const findings = Object.values(report.checks).flatMap((c) => c.findings.filter(gating));
  const hit = findings.some((f) => f.severity === 'error' || (failOn === 'warn' && f.severity === 'warning'));
  if (hit) return EXIT_FINDINGS;
  const incomplete = Object.values(report.checks).some((c) => c.status === 'unknown' && !unknownsWaived(c));
  return incomplete ? EXIT_INCOMPLETE : EXIT_OK;
}

/** A check that is unknown only through findings that are all waived (not through an error). */
function unknownsWaived(c: CheckResult): boolean {
  const unknowns = c.findings.filter((f) => f.severity === 'unknown');
  return c.error === undefined && unknowns.length > 0 && !unknowns.some(gating);
}

/** Appends to the job summary file, as GitHub expects of every step ($GITHUB_STEP_SUMMARY). */
export function appendStepSummary(path: string, markdown: string): void {
  try {
    appendFileSync(path, markdown);
  } catch (err) {
    throw new UsageError(`cannot write the job summary to ${path}: ${(err as Error).message}`);
  }
}
