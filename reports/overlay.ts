/**
 * The what-if (--overlay) parts of the outputs: the "Proposed change" section of the text
 * report and the JUnit suite of regressions. The JSON report is the proposed report itself,
 * with its `overlay` and `diff` keys (reports/schema/report-v1.json).
 */
import type { ReplyRef } from '../src/fleet/summary.js';
import type { ProposedReport } from '../src/overlay/compare.js';
import { truncateText, xmlAttr, xmlText } from './escape.js';
import { renderJunit } from './junit.js';
import { sanitizeForTerminal } from './text.js';

/** Answers from the overlay listed by name in the text section; the JSON has them all. */
export const MAX_SERVED_SHOWN = 20;
/** Record text shown per changed record. */
const MAX_RECORD_CHARS = 200;

function replyText(r: ReplyRef): string {
  return `${r.provider} ${r.code} ${r.enhanced} (${r.condition})`;
}

/** The "Proposed change" section, printed after the proposed run's text report. */
export function renderOverlayText(report: ProposedReport): string {
  const safe = (s: unknown): string => sanitizeForTerminal(String(s));
  const { diff, overlay } = report;
  const out: string[] = ['', 'Proposed change'];
  out.push(`  overlay: ${overlay.files.map(safe).join(', ')}${overlay.complete ? ' (complete zones)' : ''}`);
  out.push(`  status: live ${diff.statusLive} -> proposed ${diff.statusProposed}`);
  const list = (label: string, items: string[]): void => {
    for (const item of items) out.push(`  ${label} ${item}`);
  };
  list(
    'fixes     ',
    diff.fixed.map((f) => `${safe(f.id)} (${f.severity})`),
  );
  list(
    'introduces',
    diff.introduced.map((f) => `${safe(f.id)} (${f.severity})`),
  );
  list(
    'worsens   ',
    diff.worsened.map((w) => `${safe(w.id)} (${w.live} -> ${w.proposed})`),
  );
  list(
    'new reply ',
    diff.repliesAdded.map((r) => safe(replyText(r))),
  );
  list(
    'reply gone',
    diff.repliesRemoved.map((r) => safe(replyText(r))),
  );
  const rec = (v: string | null): string =>
    v === null ? '(none)' : `"${safe(truncateText(v, MAX_RECORD_CHARS))}"`;
  list(
    'record    ',
    diff.recordChanges.map((c) => `${c.kind} ${safe(c.name)}: ${rec(c.before)} -> ${rec(c.after)}`),
  );
  const served = overlay.served.slice(0, MAX_SERVED_SHOWN).map((s) => `${safe(s.name)} ${s.type}`);
  const more = overlay.served.length - served.length;
  out.push(
    `  answered from the overlay: ${served.join(', ') || 'nothing'}${more > 0 ? ` and ${more} more` : ''}`,
  );
  for (const w of overlay.warnings) out.push(`  warning: ${safe(w)}`);
  out.push(
    diff.regression
      ? '  verdict: REGRESSION: the proposed records make things worse than live'
      : '  verdict: no regression against live',
  );
  return `${out.join('\n')}\n`;
}

/** One line per regression (introduced, worsened finding, new predicted reply). */
export function regressionLines(report: ProposedReport): string[] {
  const d = report.diff;
  return [
    ...d.introduced.map((f) => `introduces ${f.id} (${f.severity})`),
    ...d.worsened.map((w) => `worsens ${w.id} (${w.live} -> ${w.proposed})`),
    ...d.repliesAdded.map((r) => `new predicted reply ${replyText(r)}`),
  ];
}

/** The proposed run's JUnit report plus a suite `<key> (overlay)` with the regressions marked. */
export function renderOverlayJunit(key: string, report: ProposedReport, failOn: 'warn' | 'fail'): string {
  const base = renderJunit([{ key, report }], { failOn });
  const lines = regressionLines(report);
  const failed = lines.length > 0;
  const name = `${key} (overlay)`;
  const body = failed
    ? `      <failure message="${xmlAttr(`${lines.length} regression(s) against live`)}">${xmlText(lines.join('\n'))}</failure>\n`
    : '';
  const testcase = `    <testcase classname="${xmlAttr(name)}" name="regression against live" time="0"${failed ? `>\n${body}    </testcase>\n` : '/>\n'}`;
  const suite =
    `  <testsuite name="${xmlAttr(name)}" tests="1" failures="${failed ? 1 : 0}" errors="0" skipped="0" time="0">\n` +
    `${testcase}  </testsuite>\n`;
  // Add the suite and its counts to the <testsuites> element renderJunit wrote.
  return base
    .replace(
      /<testsuites ([^>]*?)tests="(\d+)" failures="(\d+)"/,
      (_m, pre: string, t: string, f: string) => {
        return `<testsuites ${pre}tests="${Number(t) + 1}" failures="${Number(f) + (failed ? 1 : 0)}"`;
      },
    )
    .replace(/<\/testsuites>\n$/, `${suite}</testsuites>\n`);
}
