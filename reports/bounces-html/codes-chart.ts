/**
 * The top enhanced codes per provider: an inline SVG of horizontal bars, one block per provider
 * (the providers worst first, as the summary orders them), each bar a reply (basic and enhanced
 * code) coloured by its category and labelled with its count and category in words. All bars
 * share one scale, so a provider's burst is as long as it is large next to the others.
 */
import type { BounceSummary, CodeBucket } from '../../src/bounce/summary.js';
import type { BounceCategory } from '../../src/bounce/types.js';
import { count, providerLabel, replyLabel, text } from './format.js';
import {
  BOUNCES_HTML_MAX_CODES_PER_PROVIDER,
  BOUNCES_HTML_MAX_LABEL_CHARS,
  BOUNCES_HTML_MAX_PROVIDERS,
} from './limits.js';
import { colourOf } from './palette.js';

const WIDTH = 1200;
const ROW = 22;
const HEADING = 28;
const LABEL_X = 16;
const BAR_X = 170;
/** Room right of the longest bar for its count and category. */
const BAR_RIGHT_ROOM = 260;
const BAR_HEIGHT = 14;
const MUTED = '#57606a';

/** One reply of one provider: the code buckets with the same codes, summed. */
interface ProviderCode {
  reply: string;
  count: number;
  permanent: boolean;
  /** The category of the largest bucket among them. */
  category: BounceCategory;
  largest: number;
}

/** Per provider, its replies largest first, and how many bounces the ones not shown hold. */
function codesOf(byCode: readonly CodeBucket[], provider: string | null) {
  const replies = new Map<string, ProviderCode>();
  for (const c of byCode) {
    if (c.provider !== provider) continue;
    const reply = replyLabel(c.replyCode, c.status);
    const r = replies.get(reply) ?? {
      reply,
      count: 0,
      permanent: c.permanent,
      category: c.category,
      largest: 0,
    };
    r.count += c.count;
    if (c.count > r.largest) [r.largest, r.category, r.permanent] = [c.count, c.category, c.permanent];
    replies.set(reply, r);
  }
  const sorted = [...replies.values()].sort((a, b) => b.count - a.count || (a.reply < b.reply ? -1 : 1));
  const shown = sorted.slice(0, BOUNCES_HTML_MAX_CODES_PER_PROVIDER);
  const rest = sorted.slice(shown.length);
  return { shown, restCodes: rest.length, restCount: rest.reduce((n, r) => n + r.count, 0) };
}

/** The chart, or a sentence when there is nothing to draw. */
export function codesChart(summary: BounceSummary): string {
  const providers = summary.byProvider.slice(0, BOUNCES_HTML_MAX_PROVIDERS).map((p) => ({
    ...p,
    ...codesOf(summary.byCode, p.provider),
  }));
  const maxCount = Math.max(0, ...providers.flatMap((p) => p.shown.map((c) => c.count)));
  if (maxCount === 0) return '<p class="muted">No bounces.</p>';
  const scale = (WIDTH - BAR_X - BAR_RIGHT_ROOM) / maxCount;
  const rows: string[] = [];
  let top = 0;
  for (const p of providers) {
    const name = text(providerLabel(p.provider), BOUNCES_HTML_MAX_LABEL_CHARS);
    rows.push(
      `<text x="${LABEL_X}" y="${top + 18}" font-weight="600" font-size="13">${name}` +
        `<tspan fill="${MUTED}" font-weight="400"> ${count(p.count)} bounces, ${count(p.permanent)} permanent</tspan></text>`,
    );
    top += HEADING;
    for (const c of p.shown) {
      const w = Math.max(1, c.count * scale);
      const kind = c.permanent ? 'permanent' : 'transient';
      rows.push(
        `<g class="code"><title>${name}: ${text(c.reply)}, ${text(c.category)} (${kind}), ${count(c.count)} bounces</title>` +
          `<text x="${LABEL_X + 12}" y="${top + 15}" font-family="ui-monospace, Menlo, monospace">${text(c.reply)}</text>` +
          `<rect x="${BAR_X}" y="${top + 4}" width="${Math.round(w * 100) / 100}" height="${BAR_HEIGHT}" rx="2" fill="${colourOf(c.category)}"/>` +
          `<text x="${Math.round((BAR_X + w + 6) * 100) / 100}" y="${top + 15}">${count(c.count)}` +
          `<tspan fill="${MUTED}"> ${text(c.category)}, ${kind}</tspan></text></g>`,
      );
      top += ROW;
    }
    if (p.restCodes > 0) {
      rows.push(
        `<text x="${LABEL_X + 12}" y="${top + 14}" fill="${MUTED}">+ ${count(p.restCodes)} other codes, ` +
          `${count(p.restCount)} bounces</text>`,
      );
      top += ROW;
    }
  }
  const more = summary.byProvider.length - providers.length;
  const note =
    more > 0 ? `<p class="muted small">${count(more)} more providers are in the JSON output.</p>` : '';
  return (
    `<svg id="codes" viewBox="0 0 ${WIDTH} ${top + 6}" width="100%" role="img" aria-labelledby="codes-title" ` +
    `font-family="system-ui, sans-serif" font-size="12">` +
    `<title id="codes-title">Top enhanced codes of the ${providers.length} providers with the most bounces</title>` +
    `${rows.join('')}</svg>${note}`
  );
}
