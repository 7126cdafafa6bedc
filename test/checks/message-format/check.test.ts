import { describe, expect, it } from 'vitest';
import { messageFormatCheck } from '../../../checks/message-format/index.js';
import type { CollectContext } from '../../../src/check.js';
import { parseMessageBytes } from '../../../src/message/parse.js';
import { compose, crlf, GOOD_HEADER } from '../../message/build.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const keys = async (bytes: Buffer, smtputf8 = false) => {
  const ctx = { message: parseMessageBytes(bytes, { smtputf8 }) } as unknown as CollectContext;
  return messageFormatCheck.judge(await messageFormatCheck.collect(target, ctx), target).map((f) => f.key);
};
const without = (name: string) => GOOD_HEADER.filter((l) => !l.startsWith(`${name}:`));

describe('message-format on built messages', () => {
  it('a MailComposer message with attachments is clean', async () => {
    const bytes = await compose({
      html: '<p>Hi</p>',
      attachments: [{ filename: 'a.pdf', content: Buffer.alloc(5000, 1) }],
    });
    expect(await keys(bytes)).toEqual([]);
  });

  it.each<[string, string[], string[]]>([
    ['RFC 5322 3.6: From missing', without('From'), ['from-missing']],
    ['RFC 5322 3.6: From repeated', [...GOOD_HEADER, 'From: b@example.com'], ['from-duplicate']],
    [
      'RFC 5322 3.6.2: From invalid',
      [...without('From'), 'From: Smith, Ann <ann@example.com>'],
      ['from-invalid'],
    ],
    [
      'RFC 5322 3.6.2: two authors, no Sender',
      [...without('From'), 'From: a@example.com, b@example.com'],
      ['sender-missing'],
    ],
    ['RFC 5322 3.6: Date missing', without('Date'), ['date-missing']],
    ['RFC 5322 3.3: Date in ISO form', [...without('Date'), 'Date: 2026-12-07T10:00:00Z'], ['date-invalid']],
    ['RFC 5322 3.6.4: Message-ID missing', without('Message-ID'), ['message-id-missing']],
    [
      'RFC 5322 3.6.4: Message-ID without brackets',
      [...without('Message-ID'), 'Message-ID: m1@example.com'],
      ['message-id-invalid'],
    ],
    [
      'RFC 5322 3.6: Message-ID repeated',
      [...GOOD_HEADER, 'Message-ID: <m2@example.com>'],
      ['message-id-duplicate'],
    ],
    ['RFC 5322 3.6: Subject repeated', [...GOOD_HEADER, 'Subject: again'], ['subject-duplicate']],
    [
      'RFC 5322 3.6: Reply-To repeated',
      [...GOOD_HEADER, 'Reply-To: a@example.com', 'Reply-To: b@example.com'],
      ['duplicate-field'],
    ],
    ['RFC 5322 3.6.3: Cc invalid', [...GOOD_HEADER, 'Cc: not an address'], ['address-invalid']],
    [
      'RFC 5322 4.3: two-digit year',
      [...without('Date'), 'Date: Mon, 7 Dec 26 10:00:00 +0000'],
      ['obsolete-syntax'],
    ],
    [
      'header injection: a Bcc and a stray line after Subject',
      [...without('Subject'), 'Subject: hi', 'Bcc: victim@example.net', 'X: y', 'injected'],
      ['malformed-header-line'],
    ],
  ])('%s', async (_name, header, expected) => {
    expect(await keys(crlf(...header, '', 'body'))).toEqual(expected);
  });

  it('RFC 6532: raw UTF-8 in Subject is a fault without SMTPUTF8 only', async () => {
    const bytes = Buffer.from(
      `${[...without('Subject'), 'Subject: Café'].join('\r\n')}\r\n\r\nbody\r\n`,
      'utf8',
    );
    expect(await keys(bytes)).toEqual(['raw-8bit-header']);
    expect(await keys(bytes, true)).toEqual([]);
  });

  it('RFC 5322 2.3: NUL, bare CR and bare LF in the body', async () => {
    const bytes = Buffer.from(`${GOOD_HEADER.join('\r\n')}\r\n\r\na\0b\r\nc\rd\r\ne\nf\r\n`, 'latin1');
    expect(await keys(bytes)).toEqual(['nul-bytes', 'bare-cr', 'bare-lf']);
  });

  it('RFC 2046 5.1.1: unterminated multipart and missing boundary', async () => {
    const cut = crlf(
      ...GOOD_HEADER,
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      '',
      'half a message',
    );
    expect(await keys(cut)).toEqual(['unterminated-multipart']);
    const noBoundary = crlf(...GOOD_HEADER, 'Content-Type: multipart/mixed', '', '--b', '', 'x', '--b--');
    expect(await keys(noBoundary)).toEqual(['multipart-without-boundary']);
  });

  it('RFC 2045 6: unknown transfer encoding and broken base64', async () => {
    const bytes = crlf(
      ...GOOD_HEADER,
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Transfer-Encoding: uuencode',
      '',
      'x',
      '--b',
      'Content-Type: application/pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBER*#@',
      '--b--',
    );
    expect(await keys(bytes)).toEqual(['bad-transfer-encoding', 'invalid-base64']);
  });

  it('RFC 5322 2.1.1: a 2,000-character body line', async () => {
    expect(await keys(crlf(...GOOD_HEADER, '', 'x'.repeat(2_000)))).toEqual(['body-line-too-long']);
  });
});
