/**
 * The page's markup on the server: status badges, the grid's head, rows and filter bar, the
 * regressions and invalid-entries sections, and the headers of the fleet and single pages.
 * Every string from a report, a summary or a config passes through htmlText().
 */
import type {
  FleetDiff,
  FleetIdentityRow,
  FleetSummary,
  IdentityStatus,
  ReplyRef,
} from '../../src/fleet/summary.js';
import type { CheckStatus, Report } from '../../src/report.js';
import { escapeHtml, htmlText, truncateText, visible } from '../escape.js';
import { MAX_MESSAGE_FIELD_CHARS, type MessageSummary, messageSummaryRows } from '../message-summary.js';
import {
  HTML_GRID_PAGE_ROWS,
  HTML_MAX_ADDED_GONE,
  HTML_MAX_INVALID_ENTRIES,
  HTML_MAX_REGRESSION_ROWS,
  HTML_MAX_REPLIES_PER_CELL,
} from './limits.js';
import { knownStatus, num, STATUS_LABEL } from './values.js';

/** A predicted reply as the grid names and filters it: provider, code, enhanced code. */
export function replyId(r: Pick<ReplyRef, 'provider' | 'code' | 'enhanced'>): string {
  return visible(`${r.provider} ${r.code} ${r.enhanced}`);
}

/** A status badge; a status read from disk that is none of ours shows as UNKNOWN. */
function badge(status: IdentityStatus | CheckStatus, text?: string): string {
  const s = knownStatus(status);
  return `<span class="badge st-${s}">${htmlText(text ?? STATUS_LABEL[s])}</span>`;
}

/** `1 identity`, `2 identities`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The findings cell: counts by severity, and a weight that sorts worst first. */
function findingsSummary(row: FleetIdentityRow): { text: string; weight: number } {
  const c = row.counts;
  const parts = [
    c.error ? plural(c.error, 'error') : '',
    c.warning ? plural(c.warning, 'warning') : '',
    c.unknown ? `${c.unknown} unknown` : '',
    c.info ? `${c.info} info` : '',
  ].filter(Boolean);
  return {
    text: parts.length > 0 ? parts.join(' · ') : '—',
    weight: c.error * 1e9 + c.warning * 1e6 + c.unknown * 1e3 + c.info,
  };
}

/** One identity's grid row: its status per check, findings, predicted replies. */
export function gridRow(
  row: FleetIdentityRow,
  index: number,
  checks: readonly string[],
  detailIndex: number | undefined,
  regressed: boolean,
): string {
  const replies = [...new Set(row.predictedReplies.map(replyId))];
  const status = knownStatus(row.status);
  const ips = row.target?.ips ?? [];
  const search = visible([row.key, row.domain, ...ips].join(' ')).toLowerCase();
  const attrs = [
    'class="row"',
    `data-i="${index}"`,
    `data-status="${status}"`,
    // reply ids are visible() already, so the newline separator cannot occur inside one
    `data-replies="${escapeHtml(replies.join('\n'))}"`,
    `data-search="${htmlText(search)}"`,
    ...(detailIndex !== undefined ? [`data-detail="${detailIndex}"`] : []),
    ...(row.file !== undefined ? [`data-file="${htmlText(row.file)}"`] : []),
    ...(regressed ? ['data-regressed=""'] : []),
    // past the first page until the script pages through (keeps the first layout small)
    ...(index >= HTML_GRID_PAGE_ROWS ? ['hidden'] : []),
  ];
  const cells: string[] = [];
  const ipLine =
    ips.length > 0 ? `<span class="sub">${htmlText(truncateText(ips.join(', '), 200))}</span>` : '';
  const errLine =
    row.error !== undefined ? `<span class="sub">${htmlText(truncateText(row.error, 300))}</span>` : '';
  cells.push(
    `<th scope="row" data-v="${htmlText(row.domain)}"><button type="button" class="id-btn" aria-expanded="false">` +
      `${htmlText(row.domain)}</button>${regressed ? '<span class="badge regressed">REGRESSED</span>' : ''}` +
      `${ipLine}${errLine}</th>`,
  );
  cells.push(`<td class="st st-${status}" data-v="${status}">${STATUS_LABEL[status]}</td>`);
  for (const id of checks) {
    const raw = row.checks[id];
    const s = raw === undefined ? undefined : knownStatus(raw);
    cells.push(
      s === undefined
        ? '<td class="st st-none" data-v="" title="not run">—</td>'
        : `<td class="st st-${s}" data-v="${s}">${STATUS_LABEL[s]}</td>`,
    );
  }
  const f = findingsSummary(row);
  cells.push(`<td data-v="${f.weight}">${htmlText(f.text)}</td>`);
  const shown = replies.slice(0, HTML_MAX_REPLIES_PER_CELL).map((r) => htmlText(r));
  if (replies.length > shown.length) shown.push(`+${replies.length - shown.length} more`);
  cells.push(`<td class="replies" data-v="${replies.length}">${shown.join('<br>') || '—'}</td>`);
  return `<tr ${attrs.join(' ')}>${cells.join('')}</tr>\n`;
}

/** Filters by status, check, predicted reply (with counts) and name or IP; the pager. */
export function filterBar(checks: readonly string[], replyCounts: Map<string, number>): string {
  const statusOptions = [
    ['', 'any status'],
    ['problems', 'not passing'],
    ['regressed', 'regressed'],
    ['error', 'error'],
    ['fail', 'fail'],
    ['unknown', 'unknown'],
    ['warn', 'warn'],
    ['pass', 'pass'],
    ['skipped', 'skipped'],
  ];
  const opt = (value: string, label: string) =>
    `<option value="${htmlText(value)}">${htmlText(label)}</option>`;
  const replies = [...replyCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return (
    '<div class="filters" role="search">' +
    `<label>Status<select id="f-status">${statusOptions.map(([v, l]) => opt(v!, l!)).join('')}</select></label>` +
    `<label>Check<select id="f-check">${opt('', 'overall')}${checks.map((c) => opt(c, c)).join('')}</select></label>` +
    `<label>Predicted reply<select id="f-reply">${opt('', 'any')}${opt('-', 'none predicted')}` +
    `${replies.map(([id, n]) => opt(id, `${id} (${n})`)).join('')}</select></label>` +
    '<label>Name or IP<input id="f-text" type="search" autocomplete="off" spellcheck="false"></label>' +
    '<output id="f-shown" aria-live="polite"></output>' +
    '<span id="pager" hidden><button type="button" id="p-prev">Previous</button> ' +
    '<output id="p-info"></output> <button type="button" id="p-next">Next</button></span>' +
    '</div>\n'
  );
}

/** The grid's sortable column heads: identity, status, one per check, findings, replies. */
export function gridHead(checks: readonly string[]): string {
  const th = (label: string, kind: string, extra = '') =>
    `<th scope="col"${extra}><button type="button" data-kind="${kind}">${htmlText(label)}</button></th>`;
  return (
    '<thead><tr>' +
    th('Identity', 'text') +
    th('Status', 'status') +
    checks.map((c) => th(c, 'status', ` data-check="${htmlText(c)}"`)).join('') +
    th('Findings', 'num') +
    th('Predicted replies', 'num') +
    '</tr></thead>\n'
  );
}

/** What changed since the baseline, regressions first. */
export function regressionsSection(diff: FleetDiff): string {
  const c = diff.counts;
  const out: string[] = ['<section id="regressions">'];
  out.push(
    `<h2>${diff.hasRegressions ? 'Regressions since the baseline' : 'Changes since the baseline'}</h2>`,
  );
  out.push(
    `<p class="meta">Baseline: <code>${htmlText(truncateText(diff.baseline, 300))}</code>` +
      (diff.baselineStartedAt ? ` (run of ${htmlText(diff.baselineStartedAt)})` : '') +
      '</p>',
  );
  const stats: [number, string][] = [
    [c.regressed, 'regressed'],
    [c.newFailures, 'new failures'],
    [c.fixed, 'fixed'],
    [c.changedReplies, 'changed predicted replies'],
    [c.statusChanges, 'status changes'],
    [c.recordChanges, 'DNS record changes'],
    [c.added, 'added'],
    [c.gone, 'gone'],
  ];
  out.push(
    `<div class="totals">${stats
      .map(
        ([n, l]) =>
          `<span class="badge${l === 'regressed' && n > 0 ? ' st-fail' : ''}">${n} ${htmlText(l)}</span>`,
      )
      .join('')}</div>`,
  );
  const ids = [...diff.identities].sort((a, b) => Number(b.regression) - Number(a.regression));
  if (ids.length > 0) {
    out.push(
      '<table class="changes"><thead><tr><th scope="col">Identity</th><th scope="col">Status</th>' +
        '<th scope="col">New failures</th><th scope="col">Fixed</th><th scope="col">Predicted replies</th>' +
        '<th scope="col">DNS records</th></tr></thead><tbody>',
    );
    for (const d of ids.slice(0, HTML_MAX_REGRESSION_ROWS)) {
      const list = (xs: string[]) =>
        xs.length > 0 ? xs.map((x) => `<div class="fid">${x}</div>`).join('') : '—';
      const replies = [
        ...d.repliesAdded.map((r) => `+ ${htmlText(replyId(r))}`),
        ...d.repliesRemoved.map((r) => `− ${htmlText(replyId(r))}`),
      ];
      const records = d.recordChanges
        .slice(0, 20)
        .map(
          (r) =>
            `<div><span class="fid">${htmlText(r.kind)} ${htmlText(truncateText(r.name, 255))}</span>` +
            `<pre>${htmlText(truncateText(r.before ?? '(none)', 600))}\n→ ${htmlText(truncateText(r.after ?? '(none)', 600))}</pre></div>`,
        );
      out.push(
        `<tr${d.regression ? ' class="regression"' : ''}><th scope="row">${htmlText(d.domain)}` +
          `${d.regression ? '<span class="badge regressed">REGRESSED</span>' : ''}<span class="sub">${htmlText(d.key)}</span></th>` +
          `<td>${badge(d.statusBefore)} → ${badge(d.statusAfter)}</td>` +
          `<td>${list(d.newFailures.map((f) => `${htmlText(f.id)} <span class="muted">(${htmlText(f.severity)})</span>`))}</td>` +
          `<td>${list(d.fixed.map((f) => htmlText(f.id)))}</td>` +
          `<td>${list(replies)}</td>` +
          `<td>${records.join('') || '—'}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
    if (ids.length > HTML_MAX_REGRESSION_ROWS) {
      out.push(
        `<p class="meta">${ids.length - HTML_MAX_REGRESSION_ROWS} more changed identities in summary.json.</p>`,
      );
    }
  }
  const names = (xs: { key: string; domain: string }[]) =>
    xs
      .slice(0, HTML_MAX_ADDED_GONE)
      .map((x) => `<code>${htmlText(x.domain)}</code>`)
      .join(', ') + (xs.length > HTML_MAX_ADDED_GONE ? ` and ${xs.length - HTML_MAX_ADDED_GONE} more` : '');
  if (diff.added.length > 0) out.push(`<p><strong>Added:</strong> ${names(diff.added)}</p>`);
  if (diff.gone.length > 0) out.push(`<p><strong>Gone:</strong> ${names(diff.gone)}</p>`);
  out.push('</section>\n');
  return out.join('\n');
}

/** The config entries skipped as invalid (empty when there are none). */
export function invalidSection(summary: FleetSummary): string {
  const list = summary.invalidEntries;
  if (list.length === 0) return '';
  const items = list
    .slice(0, HTML_MAX_INVALID_ENTRIES)
    .map(
      (e) =>
        `<li><code>${htmlText(truncateText(e.file, 300))}:${num(e.line)}</code> ${htmlText(truncateText(e.message, 500))}</li>`,
    )
    .join('');
  const more =
    list.length > HTML_MAX_INVALID_ENTRIES ? `<p>${list.length - HTML_MAX_INVALID_ENTRIES} more.</p>` : '';
  return `<section id="invalid"><h2>Invalid entries (skipped)</h2><ul>${items}</ul>${more}</section>\n`;
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The fleet page's header: the run, its DNS counters and totals. */
export function fleetHeader(summary: FleetSummary, title: string, regressed: number): string {
  const t = summary.totals;
  const run = summary.run;
  const totals: string[] = [
    `<span class="badge">${plural(t.identities, 'identity', 'identities')}</span>`,
    ...(['fail', 'error', 'unknown', 'warn', 'pass'] as const)
      .filter((s) => t[s] > 0 || s === 'fail' || s === 'pass')
      .map((s) => badge(s, `${t[s]} ${s}`)),
    ...(t.invalid > 0 ? [`<span class="badge">${t.invalid} invalid</span>`] : []),
    ...(regressed > 0 ? [`<span class="badge regressed">${regressed} regressed</span>`] : []),
  ];
  const dns = summary.dns;
  return (
    '<header>\n' +
    `<h1>${htmlText(title)}</h1>\n` +
    `<p class="meta">${htmlText(summary.tool.name)} ${htmlText(summary.tool.version)} · started ${htmlText(run.startedAt)} · ` +
    `${htmlText(fmtMs(run.durationMs))} · concurrency ${num(run.concurrency)}` +
    (run.resumed > 0 ? ` · ${num(run.resumed)} resumed from an earlier attempt` : '') +
    (run.inputs.length > 0
      ? ` · input ${run.inputs.map((i) => `<code>${htmlText(truncateText(i, 200))}</code>`).join(', ')}`
      : '') +
    '</p>\n' +
    (dns
      ? `<p class="meta">DNS: ${num(dns.queriesSent)} queries sent, ${num(dns.cacheHits)} cache hits, ${num(dns.timeouts)} timeouts, ${num(dns.errors)} errors</p>\n`
      : '') +
    (run.complete
      ? ''
      : `<p class="notice">The run did not finish: ${num(t.done)} of ${num(t.identities)} identities done.</p>\n`) +
    `<div class="totals">${totals.join('')}</div>\n</header>\n`
  );
}

/** The single report's header: its domain, status, tool and timing, and the message audited. */
export function reportHeader(report: Report): string {
  const message = report.target.message;
  return (
    '<header>\n' +
    `<h1>${htmlText(report.target.domain)} ${badge(report.status)}</h1>\n` +
    `<p class="meta">${htmlText(report.tool.name)} ${htmlText(report.tool.version)} · ${htmlText(report.timing.startedAt)} · ` +
    `${htmlText(fmtMs(report.timing.durationMs))} · DNS: ${num(report.timing.dns.queriesSent)} queries, ` +
    `${num(report.timing.dns.timeouts)} timeouts</p>\n` +
    (message !== undefined ? messageMeta(message) : '') +
    '</header>\n'
  );
}

/** The sample message of a message report, one row per line; its own text as code. */
function messageMeta(m: MessageSummary): string {
  const rows = messageSummaryRows(m).map((r) => {
    const value = htmlText(truncateText(String(r.value), MAX_MESSAGE_FIELD_CHARS));
    return `${htmlText(r.label)}: ${r.fromMessage ? `<code>${value}</code>` : value}`;
  });
  return `<p class="meta message">${rows.join('<br>')}</p>\n`;
}
