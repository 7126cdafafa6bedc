import { describe, expect, it } from 'vitest';
import { renderJson } from '../../reports/json.js';
import { renderText, sanitizeForTerminal } from '../../reports/text.js';
import { HOSTILE_TXT, sampleReport } from './sample-report.js';

describe('sanitizeForTerminal', () => {
  it('escapes ESC, BEL, CR, LF, TAB, DEL and C1 CSI', () => {
    expect(sanitizeForTerminal('a\x1b[2Jb\x07c\rd\ne\tf\x7fg\x9bh')).toBe(
      'a\\x1b[2Jb\\x07c\\rd\\ne\\tf\\x7fg\\x9bh',
    );
  });

  it('escapes bidi overrides and zero-width characters that hide or reorder text', () => {
    expect(sanitizeForTerminal('a\u202eb\u200bc\u2066d\ufeff')).toBe('a\\u202eb\\u200bc\\u2066d\\ufeff');
  });

  it('keeps newlines only in multiline mode, still escaping CR', () => {
    expect(sanitizeForTerminal('a\r\nb', { multiline: true })).toBe('a\\r\nb');
  });

  it('leaves ordinary text, including non-ASCII letters, alone', () => {
    expect(sanitizeForTerminal('v=spf1 include:_spf.exämple.com ~all — ok')).toBe(
      'v=spf1 include:_spf.exämple.com ~all — ok',
    );
  });
});

describe('renderText', () => {
  const plain = renderText(sampleReport(), { color: false });
  const lines = plain.split('\n');

  it('starts with the domain and overall status, then the IPs', () => {
    expect(lines[0]).toBe('mail-preflight 0.1.0  example.com  FAIL');
    expect(lines[1]).toContain('IPs: 192.0.2.1, 2001:db8::1');
    expect(lines[2]).toContain('DKIM: s1');
  });

  it('orders checks worst first: fail, unknown, warn, pass, skipped', () => {
    const heads = lines
      .filter((l) => /^(FAIL|UNKNOWN|WARN|PASS|SKIPPED)\s/.test(l))
      .map((l) => l.split(/\s+/)[1]);
    expect(heads).toEqual(['dmarc', 'spf', 'ptr', 'dkim', 'mx', 'tls']);
  });

  it('shows each finding with severity, message, evidence, fix and replies, errors before warnings', () => {
    expect(plain).toContain('  [error] spf/too-many-lookups: SPF needs more than 10 DNS lookups');
    expect(plain).toContain('      12 DNS-querying terms via include:a.example, include:b.example');
    expect(plain).toContain('Evidence: lookups=12  record="v=spf1 include:a.example include:b.example -all"');
    expect(plain).toContain('      Fix: Flatten includes so that at most 10 DNS-querying terms remain.');
    expect(plain).toContain('      Reply: gmail 421 4.7.27 (bulk, transient, documented)');
    expect(plain).toContain('      Reply: microsoft 550 5.7.515 (bulk, permanent, documented)');
    expect(plain.indexOf('[error] spf/too-many-lookups')).toBeLessThan(
      plain.indexOf('[warning] spf/suspicious-all'),
    );
    expect(plain).toContain('    Error: deadline');
  });

  it('indents multi-line fixes', () => {
    expect(plain).toContain('      Fix: Publish:\n             example.com. TXT "v=spf1 -all"');
  });

  it('ends with the predicted replies summary and the DNS counters', () => {
    const i = lines.indexOf('Predicted replies:');
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toBe('  gmail 421 4.7.27 (bulk, transient, documented)  <- spf/too-many-lookups');
    expect(plain).toContain(
      '  microsoft 550 5.7.515 (bulk, permanent, documented)  <- dmarc/missing, spf/too-many-lookups',
    );
    expect(lines.at(-2)).toBe(
      'DNS: 34 queries, 12 cache hits, 22 misses, 1 timeouts, 0 TCP retries, 1 errors; 1234 ms',
    );
    expect(plain.endsWith('\n')).toBe(true);
  });

  it('prints no raw control characters from a hostile TXT record', () => {
    expect(plain).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(plain).toContain('\\x1b]0;pwned\\x07');
    expect(plain).toContain(
      '      Record: v=spf1 \\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\r\\nFAKE LINE\\u202eevil \\x9b31m -all\n',
    );
    expect(plain).not.toMatch(/\n\s*FAKE LINE/);
  });

  it('adds ANSI colour only when asked, and never lets the hostile sequences through', () => {
    expect(plain).not.toContain('\x1b');
    const colored = renderText(sampleReport(), { color: true });
    expect(colored).toContain('\x1b[31mFAIL');
    expect(colored).not.toContain('\x1b]0;');
    expect(colored).not.toContain('\x1b[2J');
    // Stripping our own colour codes gives back the plain text.
    expect(colored.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });

  it('says so when nothing is predicted', () => {
    const r = sampleReport();
    r.predictedReplies = [];
    expect(renderText(r, { color: false })).toContain('\nPredicted replies: none\n');
  });
});

describe('renderJson', () => {
  it('is sorted, deterministic JSON ending in a newline that round-trips', () => {
    const json = renderJson(sampleReport());
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(sampleReport())));
    expect(json.indexOf('"authentication"')).toBeLessThan(json.indexOf('"checks"'));
    expect(json).toBe(renderJson(sampleReport()));
    expect(json).not.toContain('\x1b');
    expect(JSON.parse(json).checks.spf.findings[0].evidence.record).toBe(HOSTILE_TXT);
  });
});
