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
import { createHash } from 'node:crypto';
import type {
  FleetDiff,
  FleetIdentityRow,
  FleetSummary,
  IdentityStatus,
  ReplyRef,
} from '../src/fleet/summary.js';
import type { CheckStatus, Finding, Report } from '../src/report.js';
import { severityRank } from '../src/report.js';
import { escapeHtml, htmlText, jsonForScript, truncateText, visible } from './escape.js';

/** Grid rows rendered; the rest are counted and left to summary.json (worst ones are kept). */
export const HTML_MAX_GRID_ROWS = 20_000;
/** Grid rows laid out at a time (one page); the filters and sorting work on all rows. */
export const HTML_GRID_PAGE_ROWS = 500;
/** Characters of one finding's evidence (pretty JSON) embedded. */
export const HTML_MAX_EVIDENCE_CHARS = 3_000;
/** Characters of one identity's embedded details; larger ones drop evidence, then the tree. */
export const HTML_MAX_DETAIL_CHARS = 40_000;
/** Characters of embedded details in the whole page; later (healthier) identities go without. */
export const HTML_MAX_TOTAL_DETAIL_CHARS = 30_000_000;
/** SPF tree nodes embedded per identity. */
export const HTML_MAX_TREE_NODES = 120;
/** SPF tree depth embedded (the walk itself stops at 10, RFC 7208 4.6.4). */
export const HTML_MAX_TREE_DEPTH = 12;
/** ip4/ip6 ranges listed per SPF tree node. */
export const HTML_MAX_RANGES_PER_NODE = 12;
/** Longest single string (message, fix, record) embedded or rendered. */
export const HTML_MAX_STRING_CHARS = 4_000;
/** Rows of the regressions table; identities added and gone listed. */
export const HTML_MAX_REGRESSION_ROWS = 1_000;
export const HTML_MAX_ADDED_GONE = 300;
/** Invalid config entries listed. */
export const HTML_MAX_INVALID_ENTRIES = 300;
/** Predicted replies shown in a grid cell. */
export const HTML_MAX_REPLIES_PER_CELL = 6;
/** RFC 7208 4.6.4: the DNS-lookup budget the tree is measured against. */
const SPF_LOOKUP_LIMIT = 10;

export interface HtmlOptions {
  title?: string;
  /** Override HTML_MAX_TOTAL_DETAIL_CHARS (tests, very large fleets). */
  maxTotalDetailChars?: number;
}

/**
 * Where per-identity details come from: a lookup by identity key (the fleet runner reads
 * reports/<key>.json on demand, so only one report is in memory at a time), or an iterable of
 * reports (matched to rows by key, or by target when given bare).
 */
export type DetailsSource =
  | ((key: string) => Report | undefined)
  | Iterable<Report | { key: string; report: Report }>;

const STATUS_RANK: Record<IdentityStatus | CheckStatus, number> = {
  error: 0,
  fail: 1,
  unknown: 2,
  warn: 3,
  pass: 4,
  skipped: 5,
};
const STATUS_LABEL: Record<IdentityStatus | CheckStatus, string> = {
  error: 'ERROR',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  warn: 'WARN',
  pass: 'PASS',
  skipped: 'SKIPPED',
};

// ---------------------------------------------------------------------------------------------
// Page assets. Constant text, so their hashes go into the CSP instead of 'unsafe-inline'.

const CSS = `
:root { color-scheme: light; --pass:#1a7f37; --pass-bg:#dafbe1; --warn:#7d5700; --warn-bg:#fff3b0;
  --fail:#b3121d; --fail-bg:#ffe1df; --unknown:#6e3fc9; --unknown-bg:#f1e6ff; --skipped:#57606a;
  --skipped-bg:#eef1f4; --error:#fff; --error-bg:#8c0b13; --line:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main { padding: 12px 20px; }
header { border-bottom: 1px solid var(--line); background: #f6f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
h4 { font-size: 14px; margin: 10px 0 4px; }
.meta { color: var(--muted); margin: 2px 0; overflow-wrap: anywhere; }
.totals { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.st, .badge { font-weight: 600; font-size: 12px; letter-spacing: .02em; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; border: 1px solid var(--line); background: #fff; }
td.st { text-align: center; white-space: nowrap; }
.st-pass { color: var(--pass); background: var(--pass-bg); }
.st-warn { color: var(--warn); background: var(--warn-bg); }
.st-fail { color: var(--fail); background: var(--fail-bg); }
.st-unknown { color: var(--unknown); background: var(--unknown-bg); }
.st-skipped, .st-none { color: var(--skipped); background: var(--skipped-bg); font-weight: 400; }
.st-error { color: var(--error); background: var(--error-bg); }
.badge.st-pass, .badge.st-warn, .badge.st-fail, .badge.st-unknown, .badge.st-error { border-color: transparent; }
.regressed { color: #fff; background: #b3121d; border-color: transparent; margin-left: 6px; }
.notice { padding: 8px 12px; border-left: 4px solid var(--warn); background: var(--warn-bg); margin: 8px 0; }
table { border-collapse: collapse; width: 100%; }
/* Fixed layout: column widths from the header alone, so a grid of thousands of rows lays out
   (and re-lays out after a sort) in linear time. */
#grid { table-layout: fixed; }
#grid thead th:first-child { width: 22%; }
#grid thead th:nth-last-child(2) { width: 11%; }
#grid thead th:last-child { width: 13%; }
#grid td.st { overflow: hidden; text-overflow: ellipsis; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: #f6f8fa; position: sticky; top: 0; z-index: 1; }
thead th button { font: inherit; font-weight: 600; white-space: nowrap; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
thead th button::after { content: " \\2195"; color: var(--muted); font-weight: 400; }
thead th[aria-sort="ascending"] button::after { content: " \\2191"; color: inherit; }
thead th[aria-sort="descending"] button::after { content: " \\2193"; color: inherit; }
tbody th { font-weight: 400; overflow-wrap: anywhere; min-width: 14em; }
.id-btn { font: inherit; font-weight: 600; color: #0550ae; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; overflow-wrap: anywhere; }
.id-btn::before { content: "\\25B8 "; }
.id-btn[aria-expanded="true"]::before { content: "\\25BE "; }
.sub { display: block; color: var(--muted); font-size: 12px; }
.replies { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; white-space: nowrap; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 3px 6px; min-width: 10em; }
#f-shown { color: var(--muted); }
tr.detail > td { background: #fbfcfd; padding: 8px 16px 14px; }
.finding { border-left: 4px solid var(--line); padding: 4px 10px; margin: 6px 0; background: #fff; }
.sev-error { border-left-color: var(--fail); }
.sev-warning { border-left-color: #d4a72c; }
.sev-unknown { border-left-color: var(--unknown); }
.sev-info { border-left-color: #218bff; }
.fid { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 6px 8px; margin: 4px 0; max-height: 24em; overflow: auto; font-size: 12px; }
code { overflow-wrap: anywhere; }
ul.tree, ul.tree ul { list-style: none; padding-left: 18px; margin: 2px 0; }
ul.tree { padding-left: 0; }
ul.tree li { border-left: 1px dotted var(--line); padding-left: 8px; margin: 2px 0; }
.over { color: var(--fail); font-weight: 600; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var RANK = { error: 0, fail: 1, unknown: 2, warn: 3, pass: 4, skipped: 5 };
  var LABEL = { error: 'ERROR', fail: 'FAIL', unknown: 'UNKNOWN', warn: 'WARN', pass: 'PASS', skipped: 'SKIPPED' };
  var grid = document.getElementById('grid');
  if (!grid) return;
  var tbody = grid.tBodies[0];
  var head = grid.tHead.rows[0];
  var ncol = head.cells.length;
  var rows = Array.prototype.slice.call(tbody.rows).filter(function (r) { return r.classList.contains('row'); });
  var fStatus = document.getElementById('f-status');
  var fCheck = document.getElementById('f-check');
  var fReply = document.getElementById('f-reply');
  var fText = document.getElementById('f-text');
  var shown = document.getElementById('f-shown');
  var checkCol = {};
  Array.prototype.forEach.call(head.cells, function (th, i) {
    var c = th.getAttribute('data-check');
    if (c !== null) checkCol[c] = i;
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function detailOf(row) {
    var n = row.nextElementSibling;
    return n && n.classList.contains('detail') ? n : null;
  }

  // Only one page of rows is laid out at a time: a table of thousands of rows takes seconds to
  // lay out, and again after every sort.
  var pageSize = Number(grid.getAttribute('data-page-size')) || 500;
  var page = 0;
  var pager = document.getElementById('pager');
  var pPrev = document.getElementById('p-prev');
  var pNext = document.getElementById('p-next');
  var pInfo = document.getElementById('p-info');

  function applyFilter(keepPage) {
    var st = fStatus.value, ck = fCheck.value, rp = fReply.value;
    var tx = fText.value.trim().toLowerCase();
    var count = 0;
    var matched = rows.filter(function (row) {
      var v;
      var ok = true;
      if (ck) {
        var cell = row.cells[checkCol[ck]];
        v = cell ? cell.getAttribute('data-v') : '';
        if (!v) ok = false;
      } else {
        v = row.getAttribute('data-status');
      }
      if (st === 'problems') ok = ok && v !== 'pass' && v !== 'skipped';
      else if (st === 'regressed') ok = ok && row.hasAttribute('data-regressed');
      else if (st) ok = ok && v === st;
      var replies = row.getAttribute('data-replies');
      if (rp === '-') ok = ok && replies === '';
      else if (rp) ok = ok && replies.split('\\n').indexOf(rp) >= 0;
      if (tx) ok = ok && row.getAttribute('data-search').indexOf(tx) >= 0;
      return ok;
    });
    count = matched.length;
    var pages = Math.max(1, Math.ceil(count / pageSize));
    if (keepPage !== true) page = 0;
    if (page >= pages) page = pages - 1;
    var from = page * pageSize, to = Math.min(count, from + pageSize);
    var visible = new Set(matched.slice(from, to));
    rows.forEach(function (row) {
      var show = visible.has(row);
      if (row.hidden === show) row.hidden = !show;
      var d = detailOf(row);
      if (d) d.hidden = !show;
    });
    shown.textContent = count + ' of ' + rows.length + ' match';
    pager.hidden = pages <= 1;
    pInfo.textContent = 'rows ' + (count ? from + 1 : 0) + '\u2013' + to + ' of ' + count;
    pPrev.disabled = page === 0;
    pNext.disabled = page >= pages - 1;
  }
  pPrev.addEventListener('click', function () { page--; applyFilter(true); });
  pNext.addEventListener('click', function () { page++; applyFilter(true); });

  var sortCol = -1, sortDir = 1;
  function keyOf(row, col, kind) {
    var c = row.cells[col];
    var v = c ? c.getAttribute('data-v') || '' : '';
    if (kind === 'status') return v in RANK ? RANK[v] : 9;
    if (kind === 'num') return Number(v) || 0;
    return v.toLowerCase();
  }
  function sortBy(col, kind) {
    if (sortCol === col) sortDir = -sortDir;
    else { sortCol = col; sortDir = kind === 'num' ? -1 : 1; }
    var keyed = rows.map(function (row) {
      return { row: row, k: keyOf(row, col, kind), i: Number(row.getAttribute('data-i')) };
    });
    keyed.sort(function (a, b) { return (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * sortDir || a.i - b.i; });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (x) {
      var d = detailOf(x.row);
      frag.appendChild(x.row);
      if (d) frag.appendChild(d);
    });
    tbody.appendChild(frag);
    rows = keyed.map(function (x) { return x.row; });
    applyFilter();
    Array.prototype.forEach.call(head.cells, function (th, i) {
      if (i === col) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  head.addEventListener('click', function (ev) {
    var b = ev.target.closest('button');
    if (!b) return;
    var th = b.closest('th');
    sortBy(th.cellIndex, b.getAttribute('data-kind'));
  });

  function statusBadge(s) { return el('span', 'badge st-' + s, LABEL[s] || s); }

  function renderTree(node, depth) {
    var li = el('li');
    li.appendChild(el('code', null, node.domain));
    var cost = ' ' + node.lookups + (node.lookups === 1 ? ' lookup' : ' lookups');
    if (node.children && node.children.length) cost += ', ' + node.subtreeLookups + ' with includes';
    li.appendChild(el('span', node.subtreeLookups > 10 ? 'over' : 'muted', cost));
    if (node.status && node.status !== 'fetched') li.appendChild(el('span', 'over', ' (' + node.status + ')'));
    if (node.ranges && node.ranges.length) {
      var more = node.rangeCount > node.ranges.length ? ' +' + (node.rangeCount - node.ranges.length) + ' more' : '';
      li.appendChild(el('div', 'small muted', node.ranges.join(' ') + more));
    }
    if (node.children && node.children.length && depth < 20) {
      var ul = el('ul');
      node.children.forEach(function (c) { ul.appendChild(renderTree(c, depth + 1)); });
      li.appendChild(ul);
    }
    return li;
  }

  function renderReply(r) {
    var tags = (r.bulkOnly ? 'bulk, ' : '') + (r.permanent ? 'permanent' : 'transient') + ', ' + r.confidence;
    var li = el('li');
    li.appendChild(el('span', 'fid', r.provider + ' ' + r.code + ' ' + r.enhanced));
    li.appendChild(el('span', 'muted', ' (' + tags + ') '));
    li.appendChild(el('span', null, r.text));
    if (r.findings && r.findings.length) li.appendChild(el('span', 'muted small', ' \\u2190 ' + r.findings.join(', ')));
    return li;
  }

  function renderFinding(f) {
    var box = el('div', 'finding sev-' + f.severity);
    var h = el('div');
    h.appendChild(el('span', 'fid', '[' + f.severity + '] ' + f.id));
    h.appendChild(el('strong', null, ' ' + f.title));
    box.appendChild(h);
    if (f.message) box.appendChild(el('div', null, f.message));
    if (f.evidence) {
      var det = el('details');
      det.appendChild(el('summary', 'small', 'Evidence'));
      det.appendChild(el('pre', null, f.evidence));
      box.appendChild(det);
    }
    if (f.fix) {
      box.appendChild(el('div', 'small muted', 'Fix:'));
      box.appendChild(el('pre', null, f.fix));
    }
    if (f.replies && f.replies.length) {
      var ul = el('ul', 'small');
      f.replies.forEach(function (r) { ul.appendChild(renderReply(r)); });
      box.appendChild(ul);
    }
    return box;
  }

  function renderDetail(row) {
    var box = el('div', 'detail-body');
    var id = row.getAttribute('data-detail');
    var src = id !== null ? document.getElementById('d-' + id) : null;
    if (!src) {
      var file = row.getAttribute('data-file');
      box.appendChild(el('p', 'muted', 'Details are not embedded in this page' + (file ? '; see ' + file + ' in the run directory.' : '.')));
      return box;
    }
    var d;
    try { d = JSON.parse(src.textContent); } catch (e) {
      box.appendChild(el('p', 'over', 'The embedded details could not be read.'));
      return box;
    }
    var t = d.target || {};
    var facts = [];
    if (t.ips && t.ips.length) facts.push('IPs: ' + t.ips.join(', '));
    if (t.helo) facts.push('HELO: ' + t.helo);
    if (t.mailFrom) facts.push('MAIL FROM: ' + t.mailFrom);
    if (t.dkimSelectors && t.dkimSelectors.length) facts.push('DKIM: ' + t.dkimSelectors.join(', ') + (t.dkimDomain ? ' @ ' + t.dkimDomain : ''));
    if (t.profile) facts.push('profile: ' + t.profile);
    box.appendChild(el('p', 'meta', facts.join('   ')));
    if (d.error) box.appendChild(el('p', 'over', 'No report: ' + d.error));
    if (d.omitted) box.appendChild(el('p', 'notice', d.omitted));
    if (d.replies && d.replies.length) {
      box.appendChild(el('h4', null, 'Predicted replies'));
      var ul = el('ul', 'small');
      d.replies.forEach(function (r) { ul.appendChild(renderReply(r)); });
      box.appendChild(ul);
    }
    if (d.spf) {
      var s = d.spf;
      var h = el('h4', null, 'SPF include tree: ' + s.totalLookups + ' of ' + s.limit + ' DNS lookups');
      if (s.totalLookups > s.limit) h.className = 'over';
      box.appendChild(h);
      if (s.worstChain && s.worstChain.length > 1) box.appendChild(el('div', 'small muted', 'Costliest branch: ' + s.worstChain.join(' \\u2192 ')));
      if (s.truncated || s.incomplete || s.nodesOmitted) box.appendChild(el('div', 'small muted', 'Partial tree: ' + [s.truncated ? 'a walk bound was reached' : '', s.incomplete ? 'some parts could not be measured (totals are lower bounds)' : '', s.nodesOmitted ? s.nodesOmitted + ' nodes not shown' : ''].filter(Boolean).join('; ')));
      var tree = el('ul', 'tree');
      tree.appendChild(renderTree(s.tree, 0));
      box.appendChild(tree);
    }
    (d.checks || []).forEach(function (c) {
      var h4 = el('h4');
      h4.appendChild(statusBadge(c.status));
      h4.appendChild(el('span', null, ' ' + c.id + ': ' + c.title));
      box.appendChild(h4);
      if (c.error) box.appendChild(el('div', 'over small', 'Error: ' + c.error));
      if (!c.findings.length) box.appendChild(el('div', 'small muted', c.status === 'skipped' ? 'Not applicable or not asked.' : 'No findings.'));
      c.findings.forEach(function (f) { box.appendChild(renderFinding(f)); });
    });
    return box;
  }

  function toggle(row) {
    var btn = row.querySelector('button.id-btn');
    var d = detailOf(row);
    if (d) {
      d.remove();
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = ncol;
    td.appendChild(renderDetail(row));
    tr.appendChild(td);
    row.after(tr);
    btn.setAttribute('aria-expanded', 'true');
  }
  tbody.addEventListener('click', function (ev) {
    var b = ev.target.closest('button.id-btn');
    if (b) toggle(b.closest('tr'));
  });

  [fStatus, fCheck, fReply].forEach(function (s) { s.addEventListener('change', function () { applyFilter(); }); });
  fText.addEventListener('input', function () { applyFilter(); });
  applyFilter();
  if (rows.length === 1) toggle(rows[0]);
})();
`;

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

/** Only this page's own style and script run; nothing is fetched, no form posts, no base. */
const CSP =
  `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(SCRIPT)}'; ` +
  `img-src 'none'; base-uri 'none'; form-action 'none'`;

// ---------------------------------------------------------------------------------------------
// Embedded details: a compact, sanitized, bounded view of one Report.

interface DetailReply {
  provider: string;
  code: number;
  enhanced: string;
  permanent: boolean;
  bulkOnly: boolean;
  confidence: string;
  text: string;
  findings?: string[];
}
interface DetailFinding {
  id: string;
  severity: string;
  title: string;
  message: string;
  fix: string;
  evidence?: string;
  replies: DetailReply[];
}
interface DetailTreeNode {
  domain: string;
  status: string;
  lookups: number;
  subtreeLookups: number;
  ranges: string[];
  rangeCount: number;
  children: DetailTreeNode[];
}
interface Detail {
  key: string;
  target: Record<string, unknown>;
  error?: string;
  omitted?: string;
  replies: DetailReply[];
  spf?: {
    limit: number;
    totalLookups: number;
    worstChain: string[];
    truncated: boolean;
    incomplete: boolean;
    nodesOmitted: number;
    tree: DetailTreeNode;
  };
  checks: { id: string; title: string; status: string; error?: string; findings: DetailFinding[] }[];
}

/** Visible, bounded text: the form every report string takes in the page. */
function str(s: unknown, multiline = false): string {
  return truncateText(visible(s ?? '', { multiline }), HTML_MAX_STRING_CHARS);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function detailReply(r: {
  provider: string;
  code: number;
  enhanced: string;
  permanent: boolean;
  bulkOnly: boolean;
  confidence: string;
  text: string;
  findings?: string[];
}): DetailReply {
  const out: DetailReply = {
    provider: str(r.provider),
    code: num(r.code),
    enhanced: str(r.enhanced),
    permanent: Boolean(r.permanent),
    bulkOnly: Boolean(r.bulkOnly),
    confidence: str(r.confidence),
    text: str(r.text),
  };
  if (r.findings) out.findings = r.findings.slice(0, 50).map((f) => str(f));
  return out;
}

function evidenceText(evidence: unknown): string | undefined {
  if (evidence === undefined || evidence === null) return undefined;
  if (typeof evidence === 'object' && Object.keys(evidence).length === 0) return undefined;
  let json: string;
  try {
    json = JSON.stringify(evidence, null, 2) ?? '';
  } catch {
    json = '[unserializable]';
  }
  // Cut before making visible so a huge value costs no more than the bound.
  return truncateText(
    visible(json.slice(0, HTML_MAX_EVIDENCE_CHARS * 2), { multiline: true }),
    HTML_MAX_EVIDENCE_CHARS,
  );
}

function detailFinding(f: Finding, withEvidence: boolean): DetailFinding {
  const out: DetailFinding = {
    id: str(f.id),
    severity: str(f.severity),
    title: str(f.title),
    message: str(f.message),
    fix: str(f.remediation, true),
    replies: (f.predictedReplies ?? []).slice(0, 20).map(detailReply),
  };
  const ev = withEvidence ? evidenceText(f.evidence) : undefined;
  if (ev !== undefined) out.evidence = ev;
  return out;
}

/** The SPF include tree from checks.spf.evidence (shape of SpfTreeEvidence), bounded. */
function spfTreeOf(evidence: unknown): Detail['spf'] | undefined {
  if (evidence === null || typeof evidence !== 'object') return undefined;
  const ev = evidence as Record<string, unknown>;
  const root = ev['tree'];
  if (root === null || typeof root !== 'object') return undefined;
  let budget = HTML_MAX_TREE_NODES;
  let omitted = 0;
  const countAll = (n: unknown, depth: number): number => {
    if (n === null || typeof n !== 'object' || depth > HTML_MAX_TREE_DEPTH) return 0;
    const kids = (n as Record<string, unknown>)['children'];
    let c = 1;
    if (Array.isArray(kids)) for (const k of kids.slice(0, HTML_MAX_TREE_NODES)) c += countAll(k, depth + 1);
    return c;
  };
  const walk = (n: Record<string, unknown>, depth: number): DetailTreeNode => {
    budget--;
    const ranges = Array.isArray(n['ranges']) ? n['ranges'] : [];
    const node: DetailTreeNode = {
      domain: str(n['domain']),
      status: str(n['status']),
      lookups: num(n['lookups']),
      subtreeLookups: num(n['subtreeLookups']),
      ranges: ranges.slice(0, HTML_MAX_RANGES_PER_NODE).map((r) => str(r)),
      rangeCount: ranges.length,
      children: [],
    };
    const kids = Array.isArray(n['children']) ? n['children'] : [];
    for (const k of kids) {
      if (k === null || typeof k !== 'object') continue;
      if (budget <= 0 || depth >= HTML_MAX_TREE_DEPTH) {
        omitted += countAll(k, depth + 1);
        continue;
      }
      node.children.push(walk(k as Record<string, unknown>, depth + 1));
    }
    return node;
  };
  const tree = walk(root as Record<string, unknown>, 0);
  const chain = Array.isArray(ev['worstChain']) ? ev['worstChain'] : [];
  return {
    limit: SPF_LOOKUP_LIMIT,
    totalLookups: num(ev['totalLookups'] ?? tree.subtreeLookups),
    worstChain: chain.slice(0, HTML_MAX_TREE_DEPTH + 1).map((d) => str(d)),
    truncated: Boolean(ev['truncated']),
    incomplete: Boolean(ev['incomplete']),
    nodesOmitted: omitted,
    tree,
  };
}

function buildDetail(key: string, report: Report, withEvidence: boolean, withTree: boolean): Detail {
  const t = report.target;
  const target: Record<string, unknown> = {
    domain: str(t.domain),
    ips: (t.ips ?? []).slice(0, 64).map((ip) => str(ip)),
    profile: str(t.profile),
  };
  if (t.helo !== undefined) target['helo'] = str(t.helo);
  if (t.mailFrom !== undefined) target['mailFrom'] = str(t.mailFrom);
  if (t.dkimDomain !== undefined) target['dkimDomain'] = str(t.dkimDomain);
  if (t.dkimSelectors) target['dkimSelectors'] = t.dkimSelectors.slice(0, 32).map((s) => str(s));
  const checks = Object.entries(report.checks)
    .sort(([a, x], [b, y]) => STATUS_RANK[x.status] - STATUS_RANK[y.status] || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, c]) => {
      const findings = [...c.findings]
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : 1))
        .map((f) => detailFinding(f, withEvidence));
      const out: Detail['checks'][number] = { id: str(id), title: str(c.title), status: c.status, findings };
      if (c.error !== undefined) out.error = str(c.error);
      return out;
    });
  const detail: Detail = {
    key: str(key),
    target,
    replies: report.predictedReplies.slice(0, 50).map(detailReply),
    checks,
  };
  const spf = withTree ? spfTreeOf(report.checks['spf']?.evidence) : undefined;
  if (spf) detail.spf = spf;
  return detail;
}

/** The embedded JSON of one identity, within HTML_MAX_DETAIL_CHARS (evidence, then tree dropped). */
export function detailJson(key: string, report: Report): string {
  let json = jsonForScript(buildDetail(key, report, true, true));
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  const lean = buildDetail(key, report, false, true);
  lean.omitted = 'Evidence left out to keep this page small; the JSON report has it all.';
  json = jsonForScript(lean);
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  const leaner = buildDetail(key, report, false, false);
  leaner.omitted = 'Evidence and the SPF tree left out to keep this page small; the JSON report has it all.';
  json = jsonForScript(leaner);
  if (json.length <= HTML_MAX_DETAIL_CHARS) return json;
  // Pathological: keep statuses and finding ids only.
  for (const c of leaner.checks) {
    c.findings = c.findings.slice(0, 20).map((f) => ({ ...f, message: '', fix: '', replies: [] }));
  }
  leaner.replies = [];
  leaner.omitted = 'Most details left out to keep this page small; the JSON report has them all.';
  return jsonForScript(leaner);
}

// ---------------------------------------------------------------------------------------------
// Markup.

function replyId(r: Pick<ReplyRef, 'provider' | 'code' | 'enhanced'>): string {
  return visible(`${r.provider} ${r.code} ${r.enhanced}`);
}

/** A status read from disk may be anything: unknown values show as `unknown`, never as markup. */
function knownStatus(s: unknown): IdentityStatus | CheckStatus {
  return typeof s === 'string' && Object.hasOwn(STATUS_RANK, s)
    ? (s as IdentityStatus | CheckStatus)
    : 'unknown';
}

function badge(status: IdentityStatus | CheckStatus, text?: string): string {
  const s = knownStatus(status);
  return `<span class="badge st-${s}">${htmlText(text ?? STATUS_LABEL[s])}</span>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

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

function gridRow(
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

function filterBar(checks: readonly string[], replyCounts: Map<string, number>): string {
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

function gridHead(checks: readonly string[]): string {
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

function regressionsSection(diff: FleetDiff): string {
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

function invalidSection(summary: FleetSummary): string {
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

/** The page around `body`, in pieces: a fleet page is written as it is made. */
function* page(title: string, header: string, body: Iterable<string>): Generator<string> {
  yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${htmlText(CSP)}">\n` +
    '<meta name="referrer" content="no-referrer">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${htmlText(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n` +
    header +
    '<main>\n';
  yield* body;
  yield '</main>\n' + `<script>${SCRIPT}</script>\n</body>\n</html>\n`;
}

/** Rows in display order: regressed first, then worst status, then key. */
function orderRows(rows: readonly FleetIdentityRow[], regressed: ReadonlySet<string>): FleetIdentityRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(regressed.has(b.key)) - Number(regressed.has(a.key)) ||
      (STATUS_RANK[a.status] ?? 9) - (STATUS_RANK[b.status] ?? 9) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

interface GridInput {
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
function* gridAndDetails(input: GridInput): Generator<string> {
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
        json = jsonForScript({
          key: str(row.key),
          target: { domain: str(row.domain), ips: (row.target?.ips ?? []).map((x) => str(x)) },
          error: str(row.error ?? 'no report'),
          replies: [],
          checks: [],
        });
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

/** A key -> Report lookup over either form of DetailsSource; failures read as "no details". */
function detailLookup(
  source: DetailsSource | undefined,
  rows: readonly FleetIdentityRow[],
): (key: string) => Report | undefined {
  if (source === undefined) return () => undefined;
  if (typeof source === 'function') {
    return (key) => {
      try {
        return source(key);
      } catch {
        return undefined;
      }
    };
  }
  // Iterable: keep only the reports of rows shown, matched by key or, when bare, by domain and
  // the order of rows with that domain (identity keys hash the target; see src/fleet/key.ts).
  const wanted = new Set(rows.map((r) => r.key));
  const byDomain = new Map<string, string[]>();
  for (const r of rows) {
    const list = byDomain.get(r.domain) ?? [];
    list.push(r.key);
    byDomain.set(r.domain, list);
  }
  const found = new Map<string, Report>();
  for (const item of source) {
    if ('report' in item && 'key' in item && typeof item.key === 'string') {
      if (wanted.has(item.key)) found.set(item.key, item.report);
      continue;
    }
    const report = item as Report;
    const candidates = byDomain.get(report.target?.domain) ?? [];
    const match = candidates.find((k) => !found.has(k) && sameTarget(rows, k, report));
    if (match !== undefined) found.set(match, report);
  }
  return (key) => found.get(key);
}

function sameTarget(rows: readonly FleetIdentityRow[], key: string, report: Report): boolean {
  const row = rows.find((r) => r.key === key);
  if (!row?.target) return true;
  return JSON.stringify(canonicalTarget(row.target)) === JSON.stringify(canonicalTarget(report.target));
}

function canonicalTarget(t: Report['target']): unknown {
  return [
    t.domain,
    [...(t.ips ?? [])].sort(),
    t.helo,
    t.mailFrom,
    t.dkimDomain,
    [...(t.dkimSelectors ?? [])].sort(),
    t.profile,
  ];
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The fleet report (index.html of a run directory). */
/**
 * The self-contained fleet page, in pieces, for writing as it is made: each row's report is
 * read, rendered and let go in turn (`details` is called once per row shown).
 */
export function renderFleetHtmlChunks(
  summary: FleetSummary,
  details?: DetailsSource,
  options: HtmlOptions = {},
): Generator<string> {
  const title = options.title ?? 'mail-preflight fleet report';
  const t = summary.totals;
  const run = summary.run;
  const regressed = new Set(
    (summary.regressions?.identities ?? []).filter((d) => d.regression).map((d) => d.key),
  );
  const totals: string[] = [
    `<span class="badge">${plural(t.identities, 'identity', 'identities')}</span>`,
    ...(['fail', 'error', 'unknown', 'warn', 'pass'] as const)
      .filter((s) => t[s] > 0 || s === 'fail' || s === 'pass')
      .map((s) => badge(s, `${t[s]} ${s}`)),
    ...(t.invalid > 0 ? [`<span class="badge">${t.invalid} invalid</span>`] : []),
    ...(regressed.size > 0 ? [`<span class="badge regressed">${regressed.size} regressed</span>`] : []),
  ];
  const dns = summary.dns;
  const header =
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
    `<div class="totals">${totals.join('')}</div>\n</header>\n`;
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
  return page(title, header, prepend(before, grid));
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
  const row = rowOf(key, report);
  const title = options.title ?? `mail-preflight: ${visible(report.target.domain)}`;
  const header =
    '<header>\n' +
    `<h1>${htmlText(report.target.domain)} ${badge(report.status)}</h1>\n` +
    `<p class="meta">${htmlText(report.tool.name)} ${htmlText(report.tool.version)} · ${htmlText(report.timing.startedAt)} · ` +
    `${htmlText(fmtMs(report.timing.durationMs))} · DNS: ${num(report.timing.dns.queriesSent)} queries, ` +
    `${num(report.timing.dns.timeouts)} timeouts</p>\n</header>\n`;
  const grid = gridAndDetails({
    rows: [row],
    checks: Object.keys(report.checks).sort(),
    regressed: new Set(),
    details: () => report,
    maxTotalDetailChars: options.maxTotalDetailChars ?? HTML_MAX_TOTAL_DETAIL_CHARS,
  });
  return [...page(title, header, grid)].join('');
}

/** The grid row of one report (the fleet runner keeps the same shape in summary.json). */
function rowOf(key: string, report: Report): FleetIdentityRow {
  const checks: FleetIdentityRow['checks'] = {};
  const counts = { error: 0, warning: 0, info: 0, unknown: 0 };
  const findings: FleetIdentityRow['findings'] = [];
  for (const [id, c] of Object.entries(report.checks)) {
    checks[id] = c.status;
    for (const f of c.findings) {
      counts[f.severity]++;
      findings.push({ id: f.id, severity: f.severity });
    }
  }
  return {
    key,
    domain: report.target.domain,
    target: report.target,
    status: report.status,
    checks,
    counts,
    findings,
    predictedReplies: report.predictedReplies.map((r) => ({
      provider: r.provider,
      code: r.code,
      enhanced: r.enhanced,
      permanent: r.permanent,
      condition: r.condition,
    })),
  };
}
