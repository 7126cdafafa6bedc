import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { explainCode, parseReply, renderExplanation } from '../../src/replies/explain.js';

describe('parseReply', () => {
  it.each([
    ['421 4.7.27', 421, '4.7.27'],
    ['421-4.7.27', 421, '4.7.27'],
    ['  4.7.27 ', undefined, '4.7.27'],
    ['550 5.7.1 Delivery not authorized', 550, '5.7.1'],
    ['550 5.7.515 Access denied', 550, '5.7.515'],
  ])('%j', (input, code, enhanced) => {
    const p = parseReply(input);
    expect(p.code).toBe(code);
    expect(`${p.cls}.${p.subject}.${p.detail}`).toBe(enhanced);
  });

  it.each(['', '550', 'hello', '3.7.1', '421 4.7', '4.7.2.7', '4.7.1000', '650 5.7.1', '4.07.1'])(
    'rejects %j with a UsageError',
    (input) => {
      expect(() => parseReply(input)).toThrow(UsageError);
    },
  );

  it('rejects over-long input', () => {
    expect(() => parseReply(`4.7.1 ${'x'.repeat(2000)}`)).toThrow(UsageError);
  });
});

describe('explainCode', () => {
  it('explains Gmail 421 4.7.27 as the bulk SPF deferral, checked by spf', () => {
    const e = explainCode('421 4.7.27');
    expect(e).toMatchObject({ code: 421, enhanced: '4.7.27', known: true, permanent: false });
    expect(e.detailText).toBe('Sender address has null MX');
    expect(e.rows.map((r) => `${r.provider} ${r.code} ${r.enhanced}`)).toEqual(['gmail 421 4.7.27']);
    expect(e.rows[0]?.bulkOnly).toBe(true);
    expect(e.rows[0]?.conditions).toEqual(['spf-cannot-pass']);
    expect(e.checks).toEqual(['spf']);
    expect(e.fix.length).toBeGreaterThan(0);
    expect(e.warning).toBeUndefined();
  });

  it('without a basic code shows every provider row for the enhanced code', () => {
    const e = explainCode('4.7.26');
    expect(e.code).toBeUndefined();
    expect(e.rows.map((r) => `${r.provider} ${r.code}`)).toEqual(['gmail 421', 'gmail 451']);
    expect(e.detailText).toBe('Multiple authentication checks failed');
    expect(e.checks).toEqual(expect.arrayContaining(['spf', 'dkim', 'dmarc']));
  });

  it('with a basic code narrows to that reply (451 4.7.26 is the DMARC temperror)', () => {
    const e = explainCode('451 4.7.26');
    expect(e.rows.map((r) => r.conditions)).toEqual([['dmarc-temperror']]);
    expect(e.checks).toEqual(['dmarc']);
  });

  it('merges the conditions that share one reply (PTR missing or mismatched)', () => {
    const e = explainCode('451-4.7.23');
    expect(e.rows).toHaveLength(1);
    expect(e.rows[0]?.conditions).toEqual(['ptr-missing', 'ptr-mismatch']);
    expect(e.checks).toEqual(['ptr']);
    expect(e.detailText).toBe('SPF validation failed');
  });

  it('finds the 4.7.31 alias of the DMARC-missing row', () => {
    const e = explainCode('421 4.7.31');
    expect(e.rows.map((r) => r.enhanced)).toEqual(['4.7.40']);
    expect(e.checks).toEqual(['dmarc']);
  });

  it('explains 550 5.7.1 with the IPv6 PTR row, the RFC 5322 row and the general Gmail policy reply', () => {
    const e = explainCode('550 5.7.1');
    expect(e.permanent).toBe(true);
    expect(e.detailText).toBe('Delivery not authorized, message refused');
    expect(e.rows.length).toBe(1);
    expect(e.rows[0]?.conditions).toEqual(['ptr-missing-ipv6', 'message-not-rfc5322']);
    expect(e.checks).toEqual(['ptr', 'message-format']);
    expect(e.causes.length).toBeGreaterThanOrEqual(3);
    expect(e.rows[0]?.text).toMatch(
      /IPv6 sending guidelines.* \| .*not RFC 5322 compliant.* \| Policy rejection/,
    );
  });

  it('explains 552 5.3.4 (size) with the message-size and message-headers checks (issue 10)', () => {
    const e = explainCode('552 5.3.4');
    expect(e.detailText).toBe('Message too big for system');
    expect(e.rows.map((r) => r.provider)).toEqual(['gmail', 'microsoft']);
    expect(e.rows[0]?.conditions).toEqual(['message-too-big-gmail', 'message-headers-over-gmail-limit']);
    expect(e.rows[1]?.conditions).toEqual(['message-too-big-microsoft']);
    expect(e.checks).toEqual(['message-size', 'message-headers']);
    expect(e.causes).toContain('The message is too large.');
  });

  it('explains 552 5.7.0 (blocked attachment) with the attachments check (issue 10)', () => {
    const e = explainCode('552 5.7.0');
    expect(e).toMatchObject({ code: 552, enhanced: '5.7.0', known: true, permanent: true });
    expect(e.rows.map((r) => `${r.provider} ${r.code} ${r.enhanced}`)).toEqual(['gmail 552 5.7.0']);
    expect(e.rows[0]?.conditions).toEqual(['attachment-blocked', 'attachment-disguised']);
    expect(e.rows[0]?.text).toMatch(/blocked file type/);
    expect(e.checks).toEqual(['attachments']);
    expect(e.fix.join(' ')).toMatch(/link/);
  });

  it('renders the message checks for the 552 replies', () => {
    expect(renderExplanation(explainCode('552 5.3.4'))).toContain(
      'Checks that look for this: message-size, message-headers',
    );
    expect(renderExplanation(explainCode('552 5.7.0'))).toContain('Checks that look for this: attachments');
  });

  it('explains Microsoft 5.7.515 as bulk-only and points at spf, dkim and dmarc', () => {
    const e = explainCode('550 5.7.515');
    expect(e.detailText).toBeUndefined();
    expect(e.known).toBe(true);
    expect(e.rows.map((r) => r.provider)).toEqual(['microsoft']);
    expect(e.checks).toEqual(expect.arrayContaining(['spf', 'dkim', 'dmarc']));
  });

  it('warns when the basic code and the enhanced class disagree (RFC 3463 2)', () => {
    const e = explainCode('421 5.7.1');
    expect(e.warning).toMatch(/inconsistent/);
    expect(e.permanent).toBe(false);
  });

  it('falls back to registry hints when no provider row matches (X.7.20 -> dkim)', () => {
    const e = explainCode('5.7.20');
    expect(e.rows).toEqual([]);
    expect(e.checks).toEqual(['dkim']);
    expect(e.known).toBe(true);
  });

  it('reports an unknown code without inventing causes', () => {
    const e = explainCode('4.9.99');
    expect(e).toMatchObject({ known: false, permanent: false, rows: [], causes: [], checks: [], fix: [] });
    expect(e.subjectText).toMatch(/Unknown subject 9/);
    expect(e.detailText).toBeUndefined();
  });

  it('throws a UsageError on invalid input', () => {
    expect(() => explainCode('not a code')).toThrow(UsageError);
  });
});

describe('renderExplanation', () => {
  it('renders the reply, provider rows, checks and fixes as plain text', () => {
    const out = renderExplanation(explainCode('421 4.7.27'));
    expect(out.endsWith('\n')).toBe(true);
    expect(out).toMatch(/^421 4\.7\.27: transient failure/);
    expect(out).toContain('gmail 421 4.7.27 (bulk senders, transient, documented)');
    expect(out).toContain('Checks that look for this: spf');
    expect(out).not.toContain('\x1b');
  });

  it('shows the warning and marks unknown codes', () => {
    expect(renderExplanation(explainCode('421 5.7.1'))).toContain('Warning: inconsistent');
    expect(renderExplanation(explainCode('4.9.99'))).toContain('(unknown code)');
  });
});
