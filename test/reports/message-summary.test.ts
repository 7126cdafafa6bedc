/**
 * The sample message of a message report (target.message) in the text report and the HTML
 * header. Its file name, From and Subject are written by whoever wrote the message: an ANSI
 * escape or a `<script>` in them must stay inert text.
 */
import { describe, expect, it } from 'vitest';
import { htmlText } from '../../reports/escape.js';
import { renderReportHtml } from '../../reports/html.js';
import { MAX_MESSAGE_FIELD_CHARS, messageSummaryRows } from '../../reports/message-summary.js';
import { renderText } from '../../reports/text.js';
import type { Report } from '../../src/report.js';
import { failingReport, XSS_IMG, XSS_SCRIPT } from './html-fixture.js';
import { HOSTILE_TXT, sampleReport } from './sample-report.js';

const SHA256 = 'ab'.repeat(32);
const NO_LINKS = { domains: [], ipHosts: [], urlCount: 0, omitted: 0 };
const HOSTILE_SUBJECT = `Sale ${HOSTILE_TXT} ${XSS_SCRIPT} ${XSS_IMG}`;

function withMessage(report: Report, message: NonNullable<Report['target']['message']>): Report {
  report.target.message = message;
  return report;
}

/** Every `<script ...>` opening tag in the page. */
function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/gi) ?? [];
}

describe('messageSummaryRows', () => {
  it('names the file, both sizes, a short SHA-256 and the three fields; absent fields read (none)', () => {
    const rows = messageSummaryRows({
      fileName: 'a.eml',
      bytes: 1_234_567,
      wireBytes: 1_240_000,
      sha256: SHA256,
      links: NO_LINKS,
    });
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['File', 'a.eml'],
      ['Size', '1,234,567 bytes as given, 1,240,000 on the wire'],
      ['SHA-256', 'abababababababab'],
      ['Message-ID', '(none)'],
      ['From', '(none)'],
      ['Subject', '(none)'],
    ]);
  });
});

describe('the message block of the text report', () => {
  it('is absent from a domain audit', () => {
    expect(renderText(sampleReport(), { color: false })).not.toContain('  Message:');
  });

  it('follows the target lines, every value from the message made terminal-safe', () => {
    const report = withMessage(sampleReport(), {
      fileName: 'x\x1b[2J.eml',
      bytes: 900,
      wireBytes: 900,
      sha256: SHA256,
      links: NO_LINKS,
      messageId: '<1@example.com>',
      from: 'Evil\r\nFAKE LINE <a@example.com>',
      subject: HOSTILE_SUBJECT,
    });
    const text = renderText(report, { color: false });
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\x07');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\u202e');
    expect(text).not.toContain('\x9b');
    expect(text).not.toMatch(/^FAKE LINE/m);
    const lines = text.split('\n');
    const start = lines.indexOf('  Message:');
    expect(start).toBe(3);
    expect(lines.slice(start + 1, start + 7)).toEqual([
      '    File: x\\x1b[2J.eml',
      '    Size: 900 bytes (the same on the wire)',
      '    SHA-256: abababababababab',
      '    Message-ID: <1@example.com>',
      '    From: Evil\\r\\nFAKE LINE <a@example.com>',
      expect.stringContaining('    Subject: Sale v=spf1 \\x1b]0;pwned\\x07\\x1b[2J'),
    ]);
  });

  it('cuts a long Subject to MAX_MESSAGE_FIELD_CHARS', () => {
    const report = withMessage(sampleReport(), {
      bytes: 1,
      wireBytes: 1,
      sha256: SHA256,
      links: NO_LINKS,
      subject: 's'.repeat(5000),
    });
    const subject = renderText(report, { color: false })
      .split('\n')
      .find((l) => l.startsWith('    Subject: '));
    expect(subject).toBe(`    Subject: ${'s'.repeat(MAX_MESSAGE_FIELD_CHARS - 1)}…`);
  });
});

describe('the message in the HTML header', () => {
  it('shows the message escaped: a hostile Subject is text, not markup', () => {
    const report = withMessage(failingReport(), {
      fileName: `${XSS_SCRIPT}.eml`,
      bytes: 900,
      wireBytes: 912,
      sha256: SHA256,
      links: NO_LINKS,
      messageId: '<1@example.com>',
      from: `${XSS_IMG} <a@example.com>`,
      subject: HOSTILE_SUBJECT,
    });
    const html = renderReportHtml(report);
    expect(html).not.toContain(XSS_SCRIPT);
    expect(html).not.toContain(XSS_IMG);
    expect(html).not.toContain('\x1b');
    // The page's own two script elements, no third from the message.
    expect(scriptTags(html)).toHaveLength(2);
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    expect(header).toContain(`File: <code>${htmlText(`${XSS_SCRIPT}.eml`)}</code>`);
    expect(header).toContain('Size: 900 bytes as given, 912 on the wire');
    expect(header).toContain('SHA-256: abababababababab');
    expect(header).toContain(`Subject: <code>${htmlText(HOSTILE_SUBJECT)}</code>`);
    expect(header).toContain('\\x1b]0;pwned');
  });

  it('is absent from the header of a domain audit', () => {
    const html = renderReportHtml(failingReport());
    expect(html.slice(html.indexOf('<header>'), html.indexOf('</header>'))).not.toContain('SHA-256');
  });
});
