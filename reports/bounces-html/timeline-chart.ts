/**
 * Bounces over time: an inline SVG stacked bar chart drawn on the server (one bar per non-empty
 * timeline bucket, one segment per category, in the README's category order) with the waves as
 * shaded, labelled bands behind the bars. Every bar and band carries a <title>, so the chart is
 * read by hovering or by a screen reader as well as by colour; the same counts follow as a table.
 */
import { BOUNCE_CATEGORIES } from '../../src/bounce/categories.js';
import type { BounceTimeline } from '../../src/bounce/timeline.js';
import type { Wave } from '../../src/bounce/waves.js';
import { bucketLabel, bucketWidth, count, providerLabel, replyLabel, text, time } from './format.js';
import { BOUNCES_HTML_MAX_WAVE_BANDS } from './limits.js';
import { CATEGORY_COLOUR } from './palette.js';

/** Drawing size (user units of the viewBox; the SVG scales to the page's width). */
const WIDTH = 1200;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 16, top: 40, bottom: 40 } as const;
/** About this many labels on each axis. */
const X_LABELS = 8;
const Y_TICKS = 4;
/** Bars narrower than this (in user units) touch; wider ones keep a gap. */
const MIN_GAPPED_SLOT = 4;
/** Widest bar: a run of a few buckets keeps bars, not slabs. */
const MAX_BAR_WIDTH = 48;
const AXIS_COLOUR = '#57606a';
const GRID_COLOUR = '#d0d7de';
const WAVE_COLOUR = '#cf222e';
/** Narrowest wave band: a one-hour wave on a year of daily bars must still read as a band. */
const MIN_BAND_WIDTH = 12;

/** The wave's label on the chart and in the waves list: W1, W2, ... */
export function waveLabel(index: number): string {
  return `W${index + 1}`;
}

/** 1, 2 or 5 times a power of ten, at least `raw` and at least 1: a tick step people read. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, step);
}

/** A number for an SVG attribute: two decimals at most. */
function u(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function waveTitle(w: Wave, index: number): string {
  return (
    `Wave ${waveLabel(index)}: ${providerLabel(w.provider)} ${replyLabel(w.replyCode, w.status)} ` +
    `(${w.category}), ${w.size} bounces from ${time(w.start)} to ${time(w.end)} UTC`
  );
}

/** The chart; a sentence instead when no bounce has a time. */
export function timelineChart(timeline: BounceTimeline, waves: readonly Wave[]): string {
  const { buckets, bucketMs } = timeline;
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  if (!first || !last)
    return '<p class="muted">No bounce has a time: there is nothing to draw over time.</p>';
  const firstIndex = Math.floor(Date.parse(first.start) / bucketMs);
  const slots = Math.floor(Date.parse(last.start) / bucketMs) - firstIndex + 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slotW = plotW / slots;
  const barW = slotW >= MIN_GAPPED_SLOT ? Math.min(MAX_BAR_WIDTH, slotW * 0.8) : slotW;
  const step = niceStep(Math.max(...buckets.map((b) => b.count)) / Y_TICKS);
  const yMax = step * Math.ceil(Math.max(...buckets.map((b) => b.count)) / step);
  const x = (slot: number) => MARGIN.left + slot * slotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const slotOf = (iso: string) =>
    Math.min(slots - 1, Math.max(0, Math.floor(Date.parse(iso) / bucketMs) - firstIndex));
  const per = bucketWidth(bucketMs);

  const parts: string[] = [];
  parts.push(
    `<svg id="timeline" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" ` +
      `font-family="system-ui, sans-serif" font-size="11" aria-labelledby="timeline-title">` +
      `<title id="timeline-title">Bounces per ${per} by category, ${buckets.length} bars, ` +
      `${Math.min(waves.length, BOUNCES_HTML_MAX_WAVE_BANDS)} waves marked</title>`,
  );
  // grid and y axis
  for (let v = 0; v <= yMax; v += step) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${u(y(v))}" y2="${u(y(v))}" ` +
        `stroke="${v === 0 ? AXIS_COLOUR : GRID_COLOUR}" stroke-width="1"/>` +
        `<text x="${MARGIN.left - 6}" y="${u(y(v) + 4)}" text-anchor="end" fill="${AXIS_COLOUR}">${count(v)}</text>`,
    );
  }
  parts.push(`<text x="${MARGIN.left}" y="12" fill="${AXIS_COLOUR}">bounces per ${per} (UTC)</text>`);
  // waves behind the bars: a band over the buckets they span, labelled above the plot
  const bands = waves.slice(0, BOUNCES_HTML_MAX_WAVE_BANDS);
  bands.forEach((w, i) => {
    if (Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end))) return;
    const from = slotOf(w.start);
    const to = Math.max(from, slotOf(w.end));
    const centre = x(from) + ((to - from + 1) * slotW) / 2;
    const width = Math.max(MIN_BAND_WIDTH, (to - from + 1) * slotW);
    const labelY = MARGIN.top - 6 - (i % 2) * 12;
    parts.push(
      `<g class="wave"><title>${text(waveTitle(w, i))}</title>` +
        `<rect x="${u(centre - width / 2)}" y="${MARGIN.top - 2}" width="${u(width)}" height="${plotH + 2}" ` +
        `fill="${WAVE_COLOUR}" fill-opacity="0.1" stroke="${WAVE_COLOUR}" stroke-opacity="0.6" stroke-dasharray="4 3"/>` +
        `<text x="${u(centre)}" y="${labelY}" text-anchor="middle" ` +
        `fill="${WAVE_COLOUR}" font-weight="600">${waveLabel(i)}</text></g>`,
    );
  });
  // the bars: segments stacked from the bottom in category order
  for (const b of buckets) {
    const startMs = Date.parse(b.start);
    const slot = Math.floor(startMs / bucketMs) - firstIndex;
    const left = x(slot) + (slotW - barW) / 2;
    const label = `${bucketLabel(startMs, bucketMs)} UTC`;
    const segments: string[] = [];
    let below = 0;
    for (const category of BOUNCE_CATEGORIES) {
      const n = b.categories[category];
      if (!n) continue;
      segments.push(
        `<rect x="${u(left)}" y="${u(y(below + n))}" width="${u(barW)}" height="${u(y(below) - y(below + n))}" ` +
          `fill="${CATEGORY_COLOUR[category]}"><title>${text(label)}: ${category} ${count(n)}</title></rect>`,
      );
      below += n;
    }
    parts.push(
      `<g class="bar" data-start="${text(b.start)}" shape-rendering="crispEdges"><title>${text(label)}: ${count(b.count)} bounces</title>` +
        `${segments.join('')}</g>`,
    );
  }
  // x labels: about X_LABELS of them, on bucket starts
  const every = Math.max(1, Math.ceil(slots / X_LABELS));
  for (let slot = 0; slot < slots; slot += every) {
    const cx = x(slot) + slotW / 2;
    parts.push(
      `<line x1="${u(cx)}" x2="${u(cx)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="${AXIS_COLOUR}"/>` +
        `<text x="${u(cx)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" fill="${AXIS_COLOUR}">` +
        `${text(bucketLabel((firstIndex + slot) * bucketMs, bucketMs))}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
