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
      else if (rp) ok = ok && replies.split('\n').indexOf(rp) >= 0;
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
    pInfo.textContent = 'rows ' + (count ? from + 1 : 0) + '–' + to + ' of ' + count;
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
    if (r.findings && r.findings.length) li.appendChild(el('span', 'muted small', ' \u2190 ' + r.findings.join(', ')));
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
      if (s.worstChain && s.worstChain.length > 1) box.appendChild(el('div', 'small muted', 'Costliest branch: ' + s.worstChain.join(' \u2192 ')));
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
