import { describe, expect, it } from 'vitest';
import { MAX_DIAGNOSTIC_CHARS } from '../../../src/bounce/read/limits.js';
import {
  cleanText,
  normalizeAddress,
  replyCodeIn,
  statusField,
  statusIn,
} from '../../../src/bounce/read/text.js';

describe('statusIn: an enhanced status only when the text literally has one (RFC 3463 2)', () => {
  it.each([
    ['550 5.1.1 <x@y>: Recipient address rejected', '5.1.1'],
    ['421-4.7.28 Gmail has detected an unusual rate', '4.7.28'],
    ["Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'", '5.1.10'],
    ['<mx.example.com #5.1.1 smtp;550 User unknown>', '5.1.1'],
    ['Mailbox full (5.2.2).', '5.2.2'],
    // never made up from the basic code
    ['550 User unknown', null],
    ['554: delivery error: dd This mailbox is disabled (554.30)', null],
    // not a status: an IP address, a version, a dotted number with a longer part
    ['connect to 5.1.1.1[5.1.1.1]:25: Connection refused', null],
    ['Exim 4.96 said no', null],
    ['on 5.12.2024 at noon', null],
    ['class 3.1.1 does not exist', null],
    ['', null],
  ])('%j -> %j', (text, status) => {
    expect(statusIn(text)).toBe(status);
  });

  it('prefers the status right after the reply code over an earlier dotted triple', () => {
    expect(statusIn('Policy 5.7.1 applies; 550 5.1.1 unknown')).toBe('5.1.1');
  });
});

describe('replyCodeIn: RFC 5321 4.2 reply codes, not port numbers or parts of addresses', () => {
  it.each([
    ['host mx[1.2.3.4] said: 550 5.1.1 x', 550],
    ['421-4.7.0 try later', 421],
    ['554: delivery error', 554],
    ['Deferred: 451 4.7.1 Greylisted', 451],
    ['connect to mx[192.0.2.1]:587: Connection timed out', null],
    ['lost connection with mx[10.250.1.2] while sending RCPT TO', null],
    ['after 2026 seconds', null],
    ['User unknown', null],
  ])('%j -> %j', (text, code) => {
    expect(replyCodeIn(text)).toBe(code);
  });
});

describe('statusField (RFC 3464 2.3.4)', () => {
  it('reads the status with or without a comment, and refuses what is not one', () => {
    expect(statusField('5.0.0 (permanent failure)')).toBe('5.0.0');
    expect(statusField(' 4.4.7')).toBe('4.4.7');
    expect(statusField('550')).toBeNull();
    expect(statusField('5.1')).toBeNull();
    expect(statusField('9.9.9')).toBeNull();
  });
});

describe('cleanText: one line, no control characters, bounded', () => {
  it('unwraps folds and removes CR, LF, NUL, escape sequences and bidi overrides', () => {
    expect(cleanText('550 5.1.1 user\r\n    unknown')).toBe('550 5.1.1 user unknown');
    expect(cleanText('550 ok\r\nBcc: victim@example.com\u0000\u001b[31m')).toBe(
      '550 ok Bcc: victim@example.com [31m',
    );
    expect(cleanText('abc\u202edef')).toBe('abc def');
    expect(cleanText(' \t\r\n ')).toBeNull();
  });

  it('cuts a long text at the bound without reading all of it', () => {
    const long = cleanText('x'.repeat(50_000_000))!;
    expect(long.length).toBe(MAX_DIAGNOSTIC_CHARS);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('normalizeAddress', () => {
  it('drops the type and brackets and lower-cases the domain only (RFC 5321 2.4)', () => {
    expect(normalizeAddress('rfc822; <John.Doe@Example.COM>')).toBe('John.Doe@example.com');
    expect(normalizeAddress('<>')).toBeNull();
    expect(normalizeAddress('Bob <bob@EXAMPLE.org>')).toBe('bob@example.org');
    expect(normalizeAddress('postmaster')).toBe('postmaster');
  });
});
