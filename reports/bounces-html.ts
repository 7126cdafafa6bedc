/**
 * PLACEHOLDER on branch wt-bcli: the real page (charts, waves on the timeline) is written on
 * branch wt-bhtml, whose version replaces this file at the merge. This one only lets the bounces
 * command run with --format html: a self-contained page with the totals, every string escaped.
 */
import type { BounceTriage } from '../src/bounce/triage.js';
import { htmlText } from './escape.js';

export interface BouncesHtmlOptions {
  /** Page title (default: "mail-preflight bounces"). */
  title?: string;
}

export function renderBouncesHtml(triage: BounceTriage, options: BouncesHtmlOptions = {}): string {
  const title = options.title ?? 'mail-preflight bounces';
  const s = triage.summary;
  const rows = s.byCategory
    .map((c) => `<tr><td>${htmlText(c.category)}</td><td>${c.count}</td><td>${htmlText(c.fix)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlText(title)}</title></head>
<body><h1>${htmlText(title)}</h1>
<p>${s.total} bounces (${s.permanent} permanent, ${s.transient} transient); ${triage.waves.waves.length} waves.</p>
<table><thead><tr><th>category</th><th>bounces</th><th>fix</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}
