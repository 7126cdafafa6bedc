/**
 * The fleet grid section (identities by checks), written row by row with each row's embedded
 * details right after it, within the page's detail budget.
 */
import type { FleetIdentityRow } from '../../src/fleet/summary.js';
import { detailJson, errorDetailJson } from './detail.js';
import { type DetailsSource, detailLookup } from './details-source.js';
import { HTML_GRID_PAGE_ROWS, HTML_MAX_GRID_ROWS } from './limits.js';
import { filterBar, gridHead, gridRow, plural, replyId } from './markup.js';
import { STATUS_RANK } from './values.js';

/** Rows in display order: regressed first, then worst status, then key. */
function orderRows(rows: readonly FleetIdentityRow[], regressed: ReadonlySet<string>): FleetIdentityRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(regressed.has(b.key)) - Number(regressed.has(a.key)) ||
      (STATUS_RANK[a.status] ?? 9) - (STATUS_RANK[b.status] ?? 9) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

export interface GridInput {
  rows: readonly FleetIdentityRow[];
  checks: readonly string[];
  regressed: ReadonlySet<string>;
  details: DetailsSource | undefined;
  maxTotalDetailChars: number;
  /** Identities of the run not among `rows` (a fleet run passes only its worst rows). */
  omitted?: number;
}

/**
 * The fleet grid section, in pieces. Each row's details (a JSON script block, inert data) follow
 * the row inside the table body, where HTML allows script elements, so the page can be written
 * row by row without holding every identity's details until the end.
 */
export function* gridAndDetails(input: GridInput): Generator<string> {
  const ordered = orderRows(input.rows, input.regressed);
  const shown = ordered.slice(0, HTML_MAX_GRID_ROWS);
  const lookup = detailLookup(input.details, shown);
  const replyCounts = new Map<string, number>();
  for (const row of input.rows) {
    for (const id of new Set(row.predictedReplies.map(replyId)))
      replyCounts.set(id, (replyCounts.get(id) ?? 0) + 1);
  }
  const notShown = ordered.length - shown.length + (input.omitted ?? 0);
  yield '<section id="fleet">\n<h2>Identities by check</h2>\n' +
    filterBar(input.checks, replyCounts) +
    (notShown > 0
      ? `<p class="notice">${notShown} more identities (the healthiest) are not in this grid; summary.json lists them all.</p>`
      : '') +
    `<table id="grid" data-page-size="${HTML_GRID_PAGE_ROWS}">\n` +
    gridHead(input.checks) +
    '<tbody>\n';
  let budget = input.maxTotalDetailChars;
  let withoutDetails = 0;
  for (let i = 0; i < shown.length; i++) {
    const row = shown[i] as FleetIdentityRow;
    let script = '';
    if (budget > 0) {
      let json: string | undefined;
      if (row.status === 'error') {
        json = errorDetailJson(row);
      } else {
        const report = lookup(row.key);
        if (report) json = detailJson(row.key, report);
      }
      if (json !== undefined && json.length <= budget) {
        budget -= json.length;
        script = `<script type="application/json" id="d-${i}">${json}</script>\n`;
      }
    }
    if (script === '') withoutDetails++;
    yield gridRow(row, i, input.checks, script === '' ? undefined : i, input.regressed.has(row.key)) + script;
  }
  yield '</tbody>\n</table>\n' +
    (input.details !== undefined && withoutDetails > 0
      ? `<p class="meta">${plural(withoutDetails, 'identity', 'identities')} without embedded details (size budget or no report); their JSON reports are in the run directory.</p>\n`
      : '') +
    '</section>\n';
}
