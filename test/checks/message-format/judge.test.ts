import { describe, expect, it } from 'vitest';
import {
  MESSAGE_FORMAT_FINDINGS,
  type MessageFormatEvidence,
  messageFormatCheck,
} from '../../../checks/message-format/index.js';
import { renderTemplate } from '../../../src/check.js';
import { predictReplies } from '../../../src/replies/index.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const one = {
  date: 1,
  from: 1,
  sender: 0,
  'reply-to': 0,
  to: 1,
  cc: 0,
  bcc: 0,
  'message-id': 1,
  'in-reply-to': 0,
  references: 0,
  subject: 1,
};
const from = {
  value: 'Ann <ann@example.com>',
  valid: true,
  obsolete: false,
  mailboxes: ['ann@example.com'],
  mailboxCount: 1,
  groups: 0,
};

function ev(over: Partial<MessageFormatEvidence> = {}): MessageFormatEvidence {
  return {
    counts: one,
    from,
    addresses: [{ field: 'To', ...from, value: 'bob@example.org', mailboxes: ['bob@example.org'] }],
    date: {
      valid: true,
      obsolete: false,
      iso: '2026-12-07T10:00:00.000Z',
      value: 'Mon, 7 Dec 2026 10:00:00 +0000',
    },
    messageId: {
      valid: true,
      obsolete: false,
      id: '<m1@example.com>',
      length: 16,
      value: '<m1@example.com>',
    },
    smtputf8: false,
    eightBitFields: [],
    eightBitCount: 0,
    nulBytes: 0,
    nulExamples: [],
    bareCr: 0,
    bareCrExamples: [],
    bareLf: 0,
    lineEnding: 'crlf',
    malformedHeaderLines: [],
    malformedCount: 0,
    mimeProblems: [],
    mimeProblemCount: 0,
    bodyLinesOver998: 0,
    bodyLongLineExamples: [],
    ...over,
  };
}

const bad = { valid: false, obsolete: false, error: 'expected "@"' };

describe('message-format judge', () => {
  it.each<[string, MessageFormatEvidence, string[]]>([
    ['a well-formed message', ev(), []],
    ['RFC 5322 3.6: no From', ev({ counts: { ...one, from: 0 }, from: undefined }), ['from-missing']],
    ['RFC 5322 3.6: two From fields', ev({ counts: { ...one, from: 2 } }), ['from-duplicate']],
    [
      'RFC 5322 3.6.2: From not a mailbox list',
      ev({ from: { ...from, ...bad, value: 'ann' } }),
      ['from-invalid'],
    ],
    [
      'RFC 5322 3.6.2: two From mailboxes without Sender',
      ev({ from: { ...from, mailboxCount: 2, mailboxes: ['a@example.com', 'b@example.com'] } }),
      ['sender-missing'],
    ],
    [
      'RFC 5322 3.6.2: two From mailboxes with Sender',
      ev({ counts: { ...one, sender: 1 }, from: { ...from, mailboxCount: 2 } }),
      [],
    ],
    [
      'RFC 5322 3.6.3: invalid To',
      ev({ addresses: [{ field: 'To', ...from, ...bad, value: 'bob' }] }),
      ['address-invalid'],
    ],
    ['RFC 5322 3.6: no Date', ev({ counts: { ...one, date: 0 }, date: undefined }), ['date-missing']],
    ['RFC 5322 3.6: two Date fields', ev({ counts: { ...one, date: 2 } }), ['duplicate-field']],
    [
      'RFC 5322 3.3: invalid Date',
      ev({
        date: { valid: false, obsolete: false, error: 'expected zone', value: 'Mon, 7 Dec 2026 10:00:00' },
      }),
      ['date-invalid'],
    ],
    [
      'RFC 5322 3.6.4: no Message-ID',
      ev({ counts: { ...one, 'message-id': 0 }, messageId: undefined }),
      ['message-id-missing'],
    ],
    [
      'RFC 5322 3.6.4: invalid Message-ID',
      ev({
        messageId: {
          valid: false,
          obsolete: false,
          error: 'missing "<"',
          length: 14,
          value: 'm1@example.com',
        },
      }),
      ['message-id-invalid'],
    ],
    [
      'RFC 5322 3.6: two Message-ID fields',
      ev({ counts: { ...one, 'message-id': 2 } }),
      ['message-id-duplicate'],
    ],
    ['RFC 5322 3.6: two Subject fields', ev({ counts: { ...one, subject: 2 } }), ['subject-duplicate']],
    [
      'RFC 5322 3.6: two To and two References',
      ev({ counts: { ...one, to: 2, references: 3 } }),
      ['duplicate-field', 'duplicate-field'],
    ],
    [
      'RFC 5322 4.3: obsolete Date syntax is info',
      ev({
        date: { valid: true, obsolete: true, iso: '2026-12-07T10:00:00.000Z', value: '7 Dec 26 10:00 GMT' },
      }),
      ['obsolete-syntax'],
    ],
    [
      'RFC 6532: raw 8-bit header without SMTPUTF8',
      ev({ eightBitCount: 1, eightBitFields: [{ name: 'Subject', line: 3 }] }),
      ['raw-8bit-header'],
    ],
    [
      'RFC 6531: raw 8-bit header with SMTPUTF8 is fine',
      ev({ smtputf8: true, eightBitCount: 1, eightBitFields: [{ name: 'Subject', line: 3 }] }),
      [],
    ],
    [
      'RFC 5322 2.3: NUL bytes',
      ev({ nulBytes: 2, nulExamples: [{ line: 9, offset: 300, length: 10 }] }),
      ['nul-bytes'],
    ],
    [
      'RFC 5322 2.3: bare CR',
      ev({ bareCr: 1, bareCrExamples: [{ line: 9, offset: 300, length: 10 }] }),
      ['bare-cr'],
    ],
    ['RFC 5322 2.3: bare LF among CRLF', ev({ bareLf: 3, lineEnding: 'mixed' }), ['bare-lf']],
    ['a file stored with LF only is not a fault', ev({ lineEnding: 'lf' }), []],
    [
      'RFC 5322 2.2: a header line that is not a field',
      ev({
        malformedCount: 1,
        malformedHeaderLines: [
          { line: 9, offset: 200, length: 13, text: 'injected text', reason: 'no-colon' },
        ],
      }),
      ['malformed-header-line'],
    ],
    [
      'RFC 5322 2.1.1: body line over 998',
      ev({ bodyLinesOver998: 1, bodyLongLineExamples: [{ line: 12, offset: 400, length: 2000 }] }),
      ['body-line-too-long'],
    ],
    [
      'RFC 2045/2046: every MIME problem kind',
      ev({
        mimeProblems: [
          {
            kind: 'multipart-without-boundary',
            part: '',
            detail: 'multipart/mixed has no boundary parameter',
          },
          { kind: 'unterminated-multipart', part: '1', detail: 'the boundary "b" is never closed' },
          {
            kind: 'unknown-transfer-encoding',
            part: '2',
            detail: 'Content-Transfer-Encoding "x-uue" is not defined',
          },
          {
            kind: 'encoded-multipart',
            part: '3',
            detail: 'a multipart must not be encoded (base64): RFC 2045 6.4',
          },
          {
            kind: 'invalid-base64',
            part: '4',
            detail: '3 characters outside the base64 alphabet (first at byte 9)',
          },
          { kind: 'boundary-invalid', part: '5', detail: 'the boundary is 600 characters long' },
          { kind: 'no-parts', part: '6', detail: 'the multipart has no body part' },
          { kind: 'nesting-too-deep', part: '7', detail: 'multiparts nested deeper than 32 levels' },
          { kind: 'too-many-parts', part: '8', detail: 'more than 2000 parts: the rest are not inspected' },
          { kind: 'header-too-large', part: '9', detail: 'the part header exceeds 262144 bytes' },
        ],
      }),
      [
        'multipart-without-boundary',
        'unterminated-multipart',
        'bad-transfer-encoding',
        'bad-transfer-encoding',
        'invalid-base64',
        'boundary-invalid',
        'empty-multipart',
        'mime-too-complex',
        'mime-too-complex',
        'mime-too-complex',
      ],
    ],
  ])('%s', (_name, evidence, keys) => {
    expect(messageFormatCheck.judge(evidence, target).map((f) => f.key)).toEqual(keys);
  });

  it('quotes the field and the parse error', () => {
    const [f] = messageFormatCheck.judge(ev({ from: { ...from, ...bad, value: 'ann' } }), target);
    expect(renderTemplate(MESSAGE_FORMAT_FINDINGS['from-invalid'].message, f!.data)).toBe(
      'From "ann" is not a valid mailbox list: expected "@".',
    );
    const [m] = messageFormatCheck.judge(
      ev({
        mimeProblems: [
          {
            kind: 'multipart-without-boundary',
            part: '',
            detail: 'multipart/mixed has no boundary parameter',
          },
        ],
      }),
      target,
    );
    expect(renderTemplate(MESSAGE_FORMAT_FINDINGS['multipart-without-boundary'].message, m!.data)).toBe(
      'Part message: multipart/mixed has no boundary parameter; its body cannot be split into parts.',
    );
  });

  it("Gmail's 550 5.7.1 only where Gmail documents it", () => {
    const gmail571 = Object.entries(MESSAGE_FORMAT_FINDINGS)
      .filter(([, spec]) =>
        predictReplies('conditions' in spec ? spec.conditions : [], 'bulk').some(
          (r) => r.provider === 'gmail' && r.code === 550 && r.enhanced === '5.7.1',
        ),
      )
      .map(([key]) => key);
    expect(gmail571.sort()).toEqual([
      'from-duplicate',
      'from-invalid',
      'from-missing',
      'message-id-duplicate',
      'message-id-invalid',
      'message-id-missing',
      'subject-duplicate',
    ]);
  });
});
