/**
 * JUnit XML, so CI systems (GitLab, Jenkins, GitHub test reporters) show audit results natively.
 *
 * Layout: one <testsuite> per identity (name = the identity key), one <testcase> per check
 * (classname = the identity key, name = the check id). A check's outcome maps as follows:
 *   fail                 -> <failure type="<worst finding id>" message="..."> with every error
 *                           finding (and warning, with failOn 'warn'): id, message, fix, replies
 *   warn                 -> passes, unless failOn is 'warn' (then as fail); the warnings are
 *                           listed in <system-out> either way
 *   unknown              -> <skipped message="could not measure: ..."> by default. "Could not
 *                           measure" (a DNS timeout, port 25 blocked on the CI runner) is not a
 *                           finding about the sender, and CI systems turn <error> red, so a
 *                           blocked network would fail every nightly build. The CLI still exits
 *                           2 (incomplete) for it. `unknownAs: 'error'` reports it as <error>.
 *   skipped              -> <skipped message="not applicable or not asked"/>
 * An identity for which no report could be made at all becomes one <testcase name="audit">
 * with an <error>.
 *
 * Streaming-friendly: reads an iterable once and builds a list of parts; totals for the
 * <testsuites> element are filled in at the end.
 */
import type { CheckResult, Finding, Report } from '../src/report.js';
import { severityRank } from '../src/report.js';
import { truncateText, xmlAttr, xmlText } from './escape.js';

export interface JunitOptions {
  /** 'warn': warnings fail their test case too (as --fail-on warn). Default 'fail'. */
  failOn?: 'warn' | 'fail';
  /** How a check that could not be measured appears. Default 'skipped' (see above). */
  unknownAs?: 'skipped' | 'error';
  /** Name of the <testsuites> element. */
  name?: string;
}

/** One identity: its report, or why there is none. */
export type JunitEntry = { key: string; report: Report } | { key: string; domain?: string; error: string };

/** Longest failure message attribute; the body carries the rest. */
export const JUNIT_MAX_MESSAGE_CHARS = 500;
/** Longest body of a <failure>, <error> or <system-out>. */
export const JUNIT_MAX_BODY_CHARS = 16_000;

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

export function renderJunit(entries: Iterable<JunitEntry>, options: JunitOptions = {}): string {
  const failOn = options.failOn ?? 'fail';
  const unknownAs = options.unknownAs ?? 'skipped';
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n', ''];
  const all: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const entry of entries) {
    const suite = 'report' in entry ? suiteOf(entry.key, entry.report, failOn, unknownAs) : errorSuite(entry);
    parts.push(suite.xml);
    all.tests += suite.totals.tests;
    all.failures += suite.totals.failures;
    all.errors += suite.totals.errors;
    all.skipped += suite.totals.skipped;
    all.time += suite.totals.time;
  }
  parts[1] =
    `<testsuites name="${xmlAttr(options.name ?? 'mail-preflight')}" tests="${all.tests}" ` +
    `failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" time="${seconds(all.time)}">\n`;
  parts.push('</testsuites>\n');
  return parts.join('');
}

function suiteOf(
  key: string,
  report: Report,
  failOn: 'warn' | 'fail',
  unknownAs: 'skipped' | 'error',
): { xml: string; totals: Totals } {
  const totals: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const cases: string[] = [];
  const checkIds = Object.keys(report.checks).sort();
  for (const id of checkIds) {
    const check = report.checks[id];
    if (!check) continue;
    totals.tests += 1;
    const ms = check.durationMs ?? 0;
    totals.time += ms;
    const open = `    <testcase classname="${xmlAttr(key)}" name="${xmlAttr(id)}" time="${seconds(ms)}"`;
    // A waived finding (the policy file) is listed with the others, never a failure: the gate it
    // would fail is the one its waiver opens.
    const failing = check.findings.filter(
      (f) =>
        f.waived === undefined && (f.severity === 'error' || (failOn === 'warn' && f.severity === 'warning')),
    );
    const inner: string[] = [];
    if (failing.length > 0) {
      totals.failures += 1;
      inner.push(failureElement(failing));
    } else if (check.status === 'unknown') {
      const why = unknownReason(check);
      if (unknownAs === 'error') {
        totals.errors += 1;
        inner.push(
          `      <error type="unknown" message="${xmlAttr(truncateText(why, JUNIT_MAX_MESSAGE_CHARS))}">` +
            `${xmlText(truncateText(findingsText(check.findings), JUNIT_MAX_BODY_CHARS))}</error>\n`,
        );
      } else {
        totals.skipped += 1;
        inner.push(`      <skipped message="${xmlAttr(truncateText(why, JUNIT_MAX_MESSAGE_CHARS))}"/>\n`);
      }
    } else if (check.status === 'skipped') {
      totals.skipped += 1;
      inner.push(`      <skipped message="not applicable or not asked"/>\n`);
    }
    const rest = check.findings.filter((f) => !failing.includes(f) && f.severity !== 'unknown');
    if (rest.length > 0) {
      inner.push(
        `      <system-out>${xmlText(truncateText(findingsText(rest), JUNIT_MAX_BODY_CHARS))}</system-out>\n`,
      );
    }
    cases.push(inner.length === 0 ? `${open}/>\n` : `${open}>\n${inner.join('')}    </testcase>\n`);
  }
  const t = report.target;
  const props = [
    ['domain', t.domain],
    ['status', report.status],
    ['profile', t.profile],
    ...(t.ips.length > 0 ? [['ips', t.ips.join(' ')]] : []),
  ]
    .map(([n, v]) => `      <property name="${xmlAttr(n)}" value="${xmlAttr(v)}"/>\n`)
    .join('');
  const xml =
    `  <testsuite name="${xmlAttr(key)}" tests="${totals.tests}" failures="${totals.failures}" ` +
    `errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(totals.time)}" ` +
    `timestamp="${xmlAttr(report.timing.startedAt.replace(/Z$/, ''))}">\n` +
    `    <properties>\n${props}    </properties>\n${cases.join('')}  </testsuite>\n`;
  return { xml, totals };
}

function errorSuite(entry: { key: string; domain?: string; error: string }): { xml: string; totals: Totals } {
  const totals: Totals = { tests: 1, failures: 0, errors: 1, skipped: 0, time: 0 };
  const message = truncateText(entry.error, JUNIT_MAX_MESSAGE_CHARS);
  const props =
    entry.domain !== undefined
      ? `    <properties>\n      <property name="domain" value="${xmlAttr(entry.domain)}"/>\n    </properties>\n`
      : '';
  const xml =
    `  <testsuite name="${xmlAttr(entry.key)}" tests="1" failures="0" errors="1" skipped="0" time="0">\n` +
    props +
    `    <testcase classname="${xmlAttr(entry.key)}" name="audit" time="0">\n` +
    `      <error type="audit-error" message="${xmlAttr(message)}">${xmlText(truncateText(entry.error, JUNIT_MAX_BODY_CHARS))}</error>\n` +
    `    </testcase>\n  </testsuite>\n`;
  return { xml, totals };
}

function failureElement(failing: Finding[]): string {
  const sorted = [...failing].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const worst = sorted[0]!;
  const more = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : '';
  const message = truncateText(`${worst.id}: ${worst.title}${more}`, JUNIT_MAX_MESSAGE_CHARS);
  return (
    `      <failure type="${xmlAttr(worst.id)}" message="${xmlAttr(message)}">` +
    `${xmlText(truncateText(findingsText(sorted), JUNIT_MAX_BODY_CHARS))}</failure>\n`
  );
}

/** Plain text of findings: id, severity, title, message, fix and predicted replies. */
function findingsText(findings: readonly Finding[]): string {
  const blocks = findings.map((f) => {
    const lines = [`[${f.severity}] ${f.id}: ${f.title}`];
    if (f.message) lines.push(`  ${f.message}`);
    if (f.remediation) lines.push(`  Fix: ${f.remediation.split('\n').join('\n       ')}`);
    for (const r of f.predictedReplies) {
      lines.push(
        `  Predicted reply: ${r.provider} ${r.code} ${r.enhanced}${r.permanent ? '' : ' (transient)'}: ${r.text}`,
      );
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

function unknownReason(check: CheckResult): string {
  const first = check.findings.find((f) => f.severity === 'unknown');
  const detail = check.error ?? (first ? `${first.id}: ${first.message || first.title}` : undefined);
  return detail ? `could not measure: ${detail}` : 'could not measure';
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}
