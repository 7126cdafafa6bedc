/**
 * The HTML report: one self-contained file (inline CSS and JS, nothing fetched at view time,
 * a Content-Security-Policy that allows only this page's own style and script by hash).
 *
 * The fleet at a glance is a grid rendered on the server (identities by checks, each cell
 * coloured and labelled with its status), sortable by column and filterable by status, check,
 * predicted reply and name with a little vanilla JS. Regressions against the baseline lead.
 * Per identity details (findings, evidence, fixes, predicted replies, the SPF include tree)
 * travel as JSON in one `<script type="application/json">` block per identity and are turned
 * into DOM nodes only when the identity is opened, with textContent only.
 *
 * Every string from a report, a summary or a config passes through htmlText() (markup) or
 * jsonForScript() (embedded data): a TXT record `<script>` or `"><img onerror=...>` renders
 * as text. Sizes are bounded: grid rows, evidence per finding, detail per identity and the
 * embedded details of the whole page.
 */
import { reportRow } from '../src/fleet/row.js';
import type { FleetSummary } from '../src/fleet/summary.js';
import type { Report } from '../src/report.js';
import { visible } from './escape.js';
import type { DetailsSource } from './html/details-source.js';
import { gridAndDetails } from './html/grid.js';
import { HTML_MAX_TOTAL_DETAIL_CHARS } from './html/limits.js';
import { fleetHeader, invalidSection, regressionsSection, reportHeader } from './html/markup.js';
import { page } from './html/shell.js';

export { detailJson } from './html/detail.js';
export type { DetailsSource } from './html/details-source.js';
export {
  HTML_GRID_PAGE_ROWS,
  HTML_MAX_ADDED_GONE,
  HTML_MAX_DETAIL_CHARS,
  HTML_MAX_EVIDENCE_CHARS,
  HTML_MAX_GRID_ROWS,
  HTML_MAX_INVALID_ENTRIES,
  HTML_MAX_RANGES_PER_NODE,
  HTML_MAX_REGRESSION_ROWS,
  HTML_MAX_REPLIES_PER_CELL,
  HTML_MAX_STRING_CHARS,
  HTML_MAX_TOTAL_DETAIL_CHARS,
  HTML_MAX_TREE_DEPTH,
  HTML_MAX_TREE_NODES,
} from './html/limits.js';

export interface HtmlOptions {
  title?: string;
  /** Override HTML_MAX_TOTAL_DETAIL_CHARS (tests, very large fleets). */
  maxTotalDetailChars?: number;
}

/**
 * The self-contained fleet page (index.html of a run directory), in pieces, for writing as it
 * is made: each row's report is read, rendered and let go in turn (`details` is called once per
 * row shown).
 */
export function renderFleetHtmlChunks(
  summary: FleetSummary,
  details?: DetailsSource,
  options: HtmlOptions = {},
): Generator<string> {
  const title = options.title ?? 'mail-preflight fleet report';
  const t = summary.totals;
  const regressed = new Set(
    (summary.regressions?.identities ?? []).filter((d) => d.regression).map((d) => d.key),
  );
  const grid = gridAndDetails({
    rows: summary.identities,
    checks: summary.checks,
    regressed,
    details,
    maxTotalDetailChars: options.maxTotalDetailChars ?? HTML_MAX_TOTAL_DETAIL_CHARS,
    omitted: Math.max(0, t.done - summary.identities.length),
  });
  const before =
    (summary.regressions ? regressionsSection(summary.regressions) : '') + invalidSection(summary);
  return page(title, fleetHeader(summary, title, regressed.size), prepend(before, grid));
}

/** The fleet page as one string (renderFleetHtmlChunks gives it in pieces). */
export function renderFleetHtml(
  summary: FleetSummary,
  details?: DetailsSource,
  options: HtmlOptions = {},
): string {
  return [...renderFleetHtmlChunks(summary, details, options)].join('');
}

function* prepend(first: string, rest: Iterable<string>): Generator<string> {
  yield first;
  yield* rest;
}

/** The HTML report of a single audit: the same page with one row, its details open. */
export function renderReportHtml(report: Report, options: HtmlOptions = {}): string {
  const key = report.target.domain;
  const title = options.title ?? `mail-preflight: ${visible(report.target.domain)}`;
  const grid = gridAndDetails({
    rows: [reportRow(key, report)],
    checks: Object.keys(report.checks).sort(),
    regressed: new Set(),
    details: () => report,
    maxTotalDetailChars: options.maxTotalDetailChars ?? HTML_MAX_TOTAL_DETAIL_CHARS,
  });
  return [...page(title, reportHeader(report), grid)].join('');
}
