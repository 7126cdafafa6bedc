/**
 * The bounce page's markup besides the charts: the header with the totals, the legend and the
 * timeline as a table, the waves, the categories (with the checks that see each cause and the
 * fix), the sending domains and the first bounces. Every string from the triage passes through
 * text() (format.ts); categories become anchors only when they are one of ours.
 */
import { CATEGORY_SPECS } from '../../src/bounce/categories.js';
import type { BounceTimeline } from '../../src/bounce/timeline.js';
import type { BounceTriage } from '../../src/bounce/triage.js';
import type { BounceSource, ClassifiedBounce } from '../../src/bounce/types.js';
import type { Wave } from '../../src/bounce/waves.js';
import {
  bucketLabel,
  bucketWidth,
  count,
  counted,
  knownCategory,
  providerLabel,
  replyLabel,
  text,
  time,
} from './format.js';
import {
  BOUNCES_HTML_MAX_CELL_CHARS,
  BOUNCES_HTML_MAX_DOMAIN_ROWS,
  BOUNCES_HTML_MAX_WAVE_ROWS,
} from './limits.js';
import { swatch } from './palette.js';
import { waveLabel } from './timeline-chart.js';

/** A category with its swatch, linked to its row of the category table. */
function categoryCell(category: unknown): string {
  const known = knownCategory(category);
  return `${swatch(category)} ${known ? `<a href="#cat-${known}">${known}</a>` : text(category)}`;
}

/** What to do with the address, in the colours of the header's badges. */
const ACTION_STATUS: Record<string, string> = { suppress: 'fail', retry: 'warn', keep: 'pass' };

function actionCell(action: string): string {
  const status = Object.hasOwn(ACTION_STATUS, action) ? ACTION_STATUS[action] : 'unknown';
  return `<td class="st st-${status}">${text(action)}</td>`;
}

/** The finding ids behind a category, folded: there can be dozens. */
function findingsList(findings: readonly string[]): string {
  if (findings.length === 0) return '';
  return `<details class="small"><summary>${counted(findings.length, 'finding')}</summary>${list(findings)}</details>`;
}

function list(items: readonly string[], cls = 'fid'): string {
  return items.length > 0 ? items.map((i) => `<code class="${cls}">${text(i)}</code>`).join(' ') : '—';
}

function notice(body: string): string {
  return `<p class="notice">${body}</p>\n`;
}

export function bouncesHeader(triage: BounceTriage, title: string): string {
  const s = triage.summary;
  const range =
    s.firstTime && s.lastTime
      ? `${text(time(s.firstTime))} to ${text(time(s.lastTime))} UTC`
      : 'no times given';
  const badges = [
    `<span class="badge">${counted(s.total, 'bounce')}</span>`,
    `<span class="badge st-fail">${count(s.permanent)} permanent</span>`,
    `<span class="badge st-warn">${count(s.transient)} transient</span>`,
    `<span class="badge st-fail" title="the address is gone: remove it">suppress ${count(s.actions.suppress)}</span>`,
    `<span class="badge st-warn" title="transient: try again later">retry ${count(s.actions.retry)}</span>`,
    `<span class="badge st-pass" title="the address is fine: fix the message or the setup">keep ${count(s.actions.keep)}</span>`,
    `<span class="badge${triage.waves.waves.length > 0 ? ' st-fail' : ''}">${counted(triage.waves.waves.length, 'wave')}</span>`,
  ];
  const notes: string[] = [];
  if (triage.skippedByTime > 0)
    notes.push(`${counted(triage.skippedByTime, 'record')} outside --since/--until were left out.`);
  if (s.overflow.codes > 0 || s.overflow.domains > 0)
    notes.push(
      `Bucket caps reached: ${count(s.overflow.codes)} bounces are not in a code row and ` +
        `${count(s.overflow.domains)} not in a domain row (they are in the totals).`,
    );
  return (
    `<header>\n<h1>${text(title)}</h1>\n` +
    `<p class="meta">${text(`${triage.tool.name} ${triage.tool.version}`)} · bounces from ${range}` +
    `${s.timeline.untimed > 0 ? ` · ${counted(s.timeline.untimed, 'bounce')} without a time` : ''}</p>\n` +
    `<div class="totals">${badges.join('')}</div>\n${notes.map(notice).join('')}</header>\n`
  );
}

/** The categories met, with their colour and count: the key to both charts. */
export function legend(triage: BounceTriage): string {
  const items = triage.summary.byCategory.map(
    (c) => `<span class="badge">${categoryCell(c.category)} ${count(c.count)}</span>`,
  );
  return `<div class="totals" aria-label="Categories">${items.join('')}</div>\n`;
}

/** The timeline's counts as a table, folded: the chart's numbers without colour. */
export function timelineTable(timeline: BounceTimeline): string {
  if (timeline.buckets.length === 0) return '';
  const rows = timeline.buckets.map((b) => {
    const parts = Object.entries(b.categories)
      .sort(([, a], [, c]) => (c ?? 0) - (a ?? 0))
      .map(([category, n]) => `${text(category)} ${count(n)}`);
    return (
      `<tr><td>${text(bucketLabel(Date.parse(b.start), timeline.bucketMs))}</td>` +
      `<td>${count(b.count)}</td><td>${parts.join(', ')}</td></tr>`
    );
  });
  return (
    `<details><summary class="small">The timeline as a table (per ${bucketWidth(timeline.bucketMs)}, UTC)</summary>\n` +
    '<table class="small"><thead><tr><th>From</th><th>Bounces</th><th>By category</th></tr></thead><tbody>\n' +
    `${rows.join('\n')}\n</tbody></table></details>\n`
  );
}

function waveRow(w: Wave, i: number): string {
  return (
    `<tr><th scope="row">${waveLabel(i)}</th><td>${text(time(w.start))}</td><td>${text(time(w.end))}</td>` +
    `<td>${count(w.size)}<span class="sub">peak ${count(w.peak)}, baseline ${count(w.baseline)} per window</span></td>` +
    `<td>${text(providerLabel(w.provider))}</td><td class="replies">${text(replyLabel(w.replyCode, w.status))}</td>` +
    `<td>${categoryCell(w.category)}</td><td>${text(w.fix)}</td><td>${list(w.checks)}</td></tr>`
  );
}

export function wavesSection(triage: BounceTriage): string {
  const { waves, rule, untimed, untracked } = triage.waves;
  const shown = waves.slice(0, BOUNCES_HTML_MAX_WAVE_ROWS);
  const more = waves.length - shown.length;
  const apart = [
    untimed > 0 ? `${counted(untimed, 'bounce')} without a time cannot be in a wave` : '',
    untracked > 0 ? `${counted(untracked, 'timed bounce')} were not placed (caps reached)` : '',
  ].filter(Boolean);
  const body =
    shown.length === 0
      ? '<p>No wave: no provider reply stands out from its baseline.</p>\n'
      : '<table><thead><tr><th>Wave</th><th>Start (UTC)</th><th>End (UTC)</th><th>Bounces</th>' +
        '<th>Provider</th><th>Reply</th><th>Category</th><th>Fix</th><th>Checks</th></tr></thead><tbody>\n' +
        `${shown.map(waveRow).join('\n')}\n</tbody></table>\n` +
        (more > 0 ? `<p class="muted small">${counted(more, 'more wave')} in the JSON output.</p>\n` : '');
  return (
    `<section id="waves"><h2>Waves</h2>\n<p class="muted small">${text(rule.text)}` +
    `${apart.length > 0 ? ` ${apart.join('; ')}.` : ''}</p>\n${body}</section>\n`
  );
}

export function categoriesSection(triage: BounceTriage): string {
  const rows = triage.summary.byCategory.map((c) => {
    const known = knownCategory(c.category);
    const meaning = known ? `<span class="sub">${text(CATEGORY_SPECS[known].meaning)}</span>` : '';
    return (
      `<tr${known ? ` id="cat-${known}"` : ''}><th scope="row">${swatch(c.category)} ${text(c.category)}${meaning}</th>` +
      `<td>${count(c.count)}</td><td>${count(c.permanent)}</td><td>${count(c.actions.suppress)}</td>` +
      `<td>${count(c.actions.retry)}</td><td>${count(c.actions.keep)}</td>` +
      `<td>${list(c.checks)}${findingsList(c.findings)}</td>` +
      `<td>${text(c.fix)}</td></tr>`
    );
  });
  return (
    '<section id="categories"><h2>Categories</h2>\n' +
    '<p class="muted small">Checks: the preflight checks (and findings) that see the cause; ' +
    '<code>mail-preflight bounces --audit</code> runs them on the sending domains.</p>\n' +
    '<table><thead><tr><th>Category</th><th>Bounces</th><th>Permanent</th><th>Suppress</th><th>Retry</th>' +
    '<th>Keep</th><th>Checks</th><th>Fix</th></tr></thead><tbody>\n' +
    `${rows.join('\n')}\n</tbody></table></section>\n`
  );
}

export function domainsSection(triage: BounceTriage): string {
  const domains = triage.summary.bySendingDomain;
  const shown = domains.slice(0, BOUNCES_HTML_MAX_DOMAIN_ROWS);
  const rows = shown.map((d) => {
    const top = Object.entries(d.categories)
      .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
      .map(([category, n]) => `${categoryCell(category)} ${count(n)}`);
    return (
      `<tr><th scope="row">${d.domain === null ? '<span class="muted">unknown sender</span>' : text(d.domain)}</th>` +
      `<td>${count(d.count)}</td><td>${count(d.permanent)}</td><td>${top.join(', ')}</td></tr>`
    );
  });
  const more = domains.length - shown.length;
  return (
    '<section id="domains"><h2>Sending domains</h2>\n' +
    '<table><thead><tr><th>Domain</th><th>Bounces</th><th>Permanent</th><th>Categories</th></tr></thead><tbody>\n' +
    `${rows.join('\n')}\n</tbody></table>\n` +
    (more > 0 ? `<p class="muted small">${counted(more, 'more domain')} in the JSON output.</p>\n` : '') +
    '</section>\n'
  );
}

function sourceText(s: BounceSource): string {
  return `${s.path}${s.line !== undefined ? `:${s.line}` : ''}${s.part !== undefined ? ` #${s.part}` : ''}`;
}

function bounceRow(b: ClassifiedBounce): string {
  return (
    `<tr><td>${text(time(b.time, true))}</td><td>${text(b.recipient, BOUNCES_HTML_MAX_CELL_CHARS)}</td>` +
    `<td>${text(providerLabel(b.provider), BOUNCES_HTML_MAX_CELL_CHARS)}</td>` +
    `<td class="replies">${text(replyLabel(b.replyCode, b.status))}</td><td>${categoryCell(b.category)}</td>` +
    `${actionCell(b.addressAction)}<td>${text(b.diagnostic, BOUNCES_HTML_MAX_CELL_CHARS)}</td>` +
    `<td class="small">${text(sourceText(b.source), BOUNCES_HTML_MAX_CELL_CHARS)}</td></tr>`
  );
}

export function bouncesSection(triage: BounceTriage, maxRows: number): string {
  const shown = triage.bounces.slice(0, maxRows);
  const notListed = triage.summary.total - shown.length;
  return (
    `<section id="bounces"><h2>The first ${counted(shown.length, 'bounce')}</h2>\n` +
    (notListed > 0
      ? `<p class="muted small">${counted(notListed, 'more bounce')} are counted above and not listed here.</p>\n`
      : '') +
    '<table><thead><tr><th>Time (UTC)</th><th>Recipient</th><th>Provider</th><th>Reply</th><th>Category</th>' +
    '<th>Address</th><th>Diagnostic</th><th>Source</th></tr></thead><tbody>\n' +
    `${shown.map(bounceRow).join('\n')}\n</tbody></table></section>\n`
  );
}
