/**
 * The bounce triage as one self-contained HTML page (`mail-preflight bounces --format html`):
 * the totals, the bounces over time stacked by category with the waves marked, the top enhanced
 * codes per provider, the waves, the categories with the checks that see each cause and its fix,
 * the sending domains and the first bounces.
 *
 * The charts are inline SVG drawn here, on the server: the page needs no script for them and
 * fetches nothing at view time. It uses the report page's shell (reports/html/shell.ts): its
 * stylesheet, and a Content-Security-Policy that allows only that style and script by hash (the
 * script finds no grid here and does nothing). Every string from a bounce passes through text()
 * (bounces-html/format.ts): a diagnostic `<script>` or `"><img onerror=...>` renders as text.
 * The size is bounded whatever the input: the timeline has at most MAX_TIMELINE_BUCKETS bars and
 * every list its own cap (bounces-html/limits.ts).
 */
import type { BounceTriage } from '../src/bounce/triage.js';
import { codesChart } from './bounces-html/codes-chart.js';
import { BOUNCES_HTML_MAX_BOUNCE_ROWS } from './bounces-html/limits.js';
import {
  bouncesHeader,
  bouncesSection,
  categoriesSection,
  domainsSection,
  legend,
  timelineTable,
  wavesSection,
} from './bounces-html/sections.js';
import { timelineChart } from './bounces-html/timeline-chart.js';
import { page } from './html/shell.js';

export {
  BOUNCES_HTML_MAX_BOUNCE_ROWS,
  BOUNCES_HTML_MAX_CELL_CHARS,
  BOUNCES_HTML_MAX_CODES_PER_PROVIDER,
  BOUNCES_HTML_MAX_DOMAIN_ROWS,
  BOUNCES_HTML_MAX_LABEL_CHARS,
  BOUNCES_HTML_MAX_PROVIDERS,
  BOUNCES_HTML_MAX_WAVE_BANDS,
  BOUNCES_HTML_MAX_WAVE_ROWS,
} from './bounces-html/limits.js';
export { CATEGORY_COLOUR } from './bounces-html/palette.js';

export interface BouncesHtmlOptions {
  title?: string;
  /** Bounces listed one by one (default BOUNCES_HTML_MAX_BOUNCE_ROWS). */
  maxBounceRows?: number;
}

export function renderBouncesHtml(triage: BounceTriage, options: BouncesHtmlOptions = {}): string {
  const title = options.title ?? 'mail-preflight bounce triage';
  const maxRows = Math.max(0, options.maxBounceRows ?? BOUNCES_HTML_MAX_BOUNCE_ROWS);
  const body = [
    '<section id="over-time"><h2>Bounces over time</h2>\n',
    timelineChart(triage.summary.timeline, triage.waves.waves),
    legend(triage),
    timelineTable(triage.summary.timeline),
    '</section>\n',
    wavesSection(triage),
    '<section id="codes-per-provider"><h2>Top enhanced codes per provider</h2>\n',
    codesChart(triage.summary),
    '</section>\n',
    categoriesSection(triage),
    domainsSection(triage),
    bouncesSection(triage, maxRows),
  ];
  return [...page(title, bouncesHeader(triage, title), body)].join('');
}
