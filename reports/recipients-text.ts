/**
 * The text report of `mail-preflight recipients`: the counts per status and reason, the worst
 * domains, and the first addresses to fix or drop (bounded: the JSON and CSV have them all).
 * Every address and domain came from a stranger's list: each passes sanitizeForTerminal.
 */
import { RECIPIENT_REASONS, type RecipientReason } from '../src/recipients/reasons.js';
import { RECIPIENT_STATUSES, type RecipientResult, type RecipientsSummary } from '../src/recipients/types.js';
import { sanitizeForTerminal } from './text.js';

/** Addresses listed in the text report; the CLI keeps no more than these. */
export const MAX_TEXT_ADDRESSES = 50;
/** Longest address shown. */
const MAX_ADDRESS_CHARS = 120;

function show(s: string, max = MAX_ADDRESS_CHARS): string {
  const cut = s.length > max ? `${s.slice(0, max)}...` : s;
  return sanitizeForTerminal(cut);
}

function pct(n: number, total: number): string {
  return total === 0 ? '0%' : `${((n / total) * 100).toFixed(1)}%`;
}

/** `listed`: the first not-ok addresses (at most MAX_TEXT_ADDRESSES). */
export function renderRecipientsText(summary: RecipientsSummary, listed: readonly RecipientResult[]): string {
  const lines: string[] = [];
  const t = summary.total;
  const input =
    summary.input.format === 'csv'
      ? `CSV, column "${show(summary.input.column ?? '')}", separator ${JSON.stringify(summary.input.separator)}`
      : 'one address per line';
  lines.push(
    `Recipients: ${t} address(es) (${input}, ${summary.input.encoding}), ${summary.domainsChecked} domain(s) looked up`,
  );
  lines.push('');
  for (const s of RECIPIENT_STATUSES)
    lines.push(`  ${s.padEnd(14)}${String(summary.byStatus[s]).padStart(9)}  ${pct(summary.byStatus[s], t)}`);
  const reasons = Object.entries(summary.byReason).filter(
    ([r]) => RECIPIENT_REASONS[r as RecipientReason]?.status !== 'ok',
  );
  if (reasons.length > 0) {
    lines.push('', 'Reasons:');
    for (const [r, n] of reasons.sort((a, b) => b[1] - a[1]))
      lines.push(`  ${r.padEnd(28)}${String(n).padStart(9)}`);
  }
  if (summary.worstDomains.length > 0) {
    lines.push('', 'Worst domains:');
    for (const d of summary.worstDomains)
      lines.push(
        `  ${show(d.domain, 60).padEnd(40)}${String(d.addresses).padStart(7)}  ${d.status} (${d.reason})`,
      );
  }
  if (listed.length > 0) {
    const notOk = t - summary.byStatus.ok;
    lines.push(
      '',
      `Addresses to fix or drop${notOk > listed.length ? ` (the first ${listed.length} of ${notOk}; --format csv or json lists all)` : ''}:`,
    );
    for (const r of listed) {
      const suggestion = r.suggestion ? ` -> did you mean ${show(r.suggestion)}?` : '';
      lines.push(`  line ${r.evidence.line}: ${show(r.address)}  ${r.status} (${r.reason})${suggestion}`);
      if (r.predictedReply)
        lines.push(
          `      would draw: ${show([r.predictedReply.code, r.predictedReply.enhanced, r.predictedReply.text].filter(Boolean).join(' '), 200)}`,
        );
    }
  }
  if (summary.dns)
    lines.push(
      '',
      `DNS: ${summary.dns.queriesSent} queries sent, ${summary.dns.cacheHits} answered from the cache, ${summary.dns.timeouts} timeouts; ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    );
  lines.push('No mailbox was probed over SMTP (RCPT TO): receivers treat that as abuse.');
  return `${lines.join('\n')}\n`;
}
