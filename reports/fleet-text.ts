/**
 * Plain-text renderings of a fleet run: what the fleet command prints (regressions first,
 * then totals and the worst rows) and the diff of two runs. Every string from DNS, a config
 * or a file is made terminal-safe.
 */
import { resolve } from 'node:path';
import { HTML_FILE, JUNIT_FILE, RESULTS_FILE, SUMMARY_FILE } from '../src/fleet/outdir.js';
import type { FleetDiff, FleetSummary, IdentityDiff, ReplyRef } from '../src/fleet/summary.js';
import { sanitizeForTerminal } from './text.js';

/** Identities listed per section of a diff; the rest are counted. */
export const MAX_DIFF_LINES_PER_SECTION = 200;
/** Characters of a DNS record shown in a diff line. */
const MAX_RECORD_CHARS_SHOWN = 300;
/** Failing identities the fleet command lists; the rest are counted. */
const MAX_FAILING_LISTED = 20;

/** What the fleet command prints: regressions first, then the totals and the worst rows. */
export function renderFleetText(summary: FleetSummary, outDir: string, junit = false): string {
  const s = sanitizeForTerminal;
  const t = summary.totals;
  const out: string[] = [];
  // One fact about the run, not about any identity: first, and once.
  for (const w of summary.resolverWarnings ?? []) {
    out.push(
      `RESOLVER UNRELIABLE (${s(w.id)}, ${w.identities} identit${w.identities === 1 ? 'y' : 'ies'}): ${s(w.message)}`,
      `  fix: ${s(w.remediation)}`,
      '',
    );
  }
  if (summary.regressions) out.push(renderDiffText(summary.regressions).trimEnd(), '');
  out.push(
    `fleet: ${t.done}/${t.identities} identities done: ${t.pass} pass, ${t.warn} warn, ${t.fail} fail, ` +
      `${t.unknown} unknown, ${t.error} error${t.invalid > 0 ? `; ${t.invalid} invalid entries skipped` : ''}` +
      `${summary.run.resumed > 0 ? `; ${summary.run.resumed} resumed` : ''}`,
  );
  if (!summary.run.complete)
    out.push('fleet: the run was interrupted; run it again with the same --out-dir to finish');
  const failing = summary.identities.filter((r) => r.status === 'fail' || r.status === 'error');
  for (const r of failing.slice(0, MAX_FAILING_LISTED)) {
    const ids = r.findings.filter((f) => f.severity === 'error').map((f) => f.id);
    out.push(
      `  ${r.status.toUpperCase()} ${s(r.domain)} [${s(r.key)}]: ${r.error ? s(r.error) : ids.join(', ')}`,
    );
  }
  // The run's summary may keep only the worst rows: the totals count them all.
  const failingTotal = Math.max(failing.length, t.fail + t.error);
  const listed = Math.min(failing.length, MAX_FAILING_LISTED);
  if (failingTotal > listed) out.push(`  ... and ${failingTotal - listed} more`);
  const d = summary.dns;
  out.push(`dns: ${d.queriesSent} queries sent, ${d.cacheHits} cache hits, ${d.timeouts} timeouts`);
  const files = [SUMMARY_FILE, RESULTS_FILE, 'reports/', HTML_FILE, ...(junit ? [JUNIT_FILE] : [])];
  out.push(`out-dir: ${s(outDir)} (${files.join(', ')})`);
  return `${out.join('\n')}\n`;
}

function clip(s: string | null): string {
  if (s === null) return '(none)';
  const t = s.length > MAX_RECORD_CHARS_SHOWN ? `${s.slice(0, MAX_RECORD_CHARS_SHOWN)}...` : s;
  return `"${sanitizeForTerminal(t)}"`;
}

function replyText(r: ReplyRef): string {
  return `${r.provider} ${r.code} ${r.enhanced} (${r.condition})`;
}

/** Plain text, regressions first. Every string from DNS or a file is made terminal-safe. */
export function renderDiffText(diff: FleetDiff): string {
  const s = sanitizeForTerminal;
  const c = diff.counts;
  const lines: string[] = [];
  lines.push(
    diff.hasRegressions
      ? `REGRESSIONS: ${c.regressed} identit${c.regressed === 1 ? 'y' : 'ies'} got worse (${c.newFailures} new failure${c.newFailures === 1 ? '' : 's'})`
      : 'No regressions.',
  );
  lines.push(
    `  baseline: ${s(resolve(diff.baseline))}${diff.baselineStartedAt ? ` (${s(diff.baselineStartedAt)})` : ''}`,
  );
  lines.push(`  current:  ${s(resolve(diff.current))}`);
  lines.push(
    `  ${c.fixed} fixed, ${c.changedReplies} with changed replies, ${c.statusChanges} status changes, ` +
      `${c.recordChanges} record changes, ${c.added} added, ${c.gone} gone`,
  );
  const section = (title: string, items: IdentityDiff[], body: (d: IdentityDiff) => string[]) => {
    if (items.length === 0) return;
    lines.push('', title);
    for (const d of items.slice(0, MAX_DIFF_LINES_PER_SECTION)) {
      lines.push(`  ${s(d.domain)} [${s(d.key)}]: ${d.statusBefore} -> ${d.statusAfter}`);
      lines.push(...body(d).map((l) => `    ${l}`));
    }
    if (items.length > MAX_DIFF_LINES_PER_SECTION)
      lines.push(`  ... and ${items.length - MAX_DIFF_LINES_PER_SECTION} more`);
  };
  const replies = (d: IdentityDiff) => [
    ...d.repliesAdded.map((r) => `reply now predicted: ${replyText(r)}`),
    ...d.repliesRemoved.map((r) => `reply no longer predicted: ${replyText(r)}`),
  ];
  section(
    'Regressions:',
    diff.identities.filter((d) => d.regression),
    (d) => [...d.newFailures.map((f) => `+ ${f.id} (${f.severity})`), ...replies(d)],
  );
  section(
    'Fixed:',
    diff.identities.filter((d) => d.fixed.length > 0),
    (d) => d.fixed.map((f) => `- ${f.id} (${f.severity})`),
  );
  section(
    'Other changes:',
    diff.identities.filter((d) => !d.regression && d.fixed.length === 0 && d.recordChanges.length === 0),
    replies,
  );
  section(
    'DNS record changes:',
    diff.identities.filter((d) => d.recordChanges.length > 0),
    (d) => d.recordChanges.map((r) => `${r.kind} ${s(r.name)}: ${clip(r.before)} -> ${clip(r.after)}`),
  );
  const list = (title: string, items: { key: string; domain: string }[]) => {
    if (items.length === 0) return;
    lines.push('', title);
    for (const i of items.slice(0, MAX_DIFF_LINES_PER_SECTION)) lines.push(`  ${s(i.domain)} [${s(i.key)}]`);
    if (items.length > MAX_DIFF_LINES_PER_SECTION)
      lines.push(`  ... and ${items.length - MAX_DIFF_LINES_PER_SECTION} more`);
  };
  list('Identities added:', diff.added);
  list('Identities gone:', diff.gone);
  return `${lines.join('\n')}\n`;
}
