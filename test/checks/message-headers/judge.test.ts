import { describe, expect, it } from 'vitest';
import {
  GMAIL_HEADER_LIMITS,
  MESSAGE_HEADERS_FINDINGS,
  type MessageHeadersEvidence,
  messageHeadersCheck,
} from '../../../checks/message-headers/index.js';
import { renderTemplate } from '../../../src/check.js';
import { predictReplies } from '../../../src/replies/index.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const none = { count: 0, longest: 0, examples: [] };

function ev(over: Partial<MessageHeadersEvidence> = {}): MessageHeadersEvidence {
  return {
    headerBytes: 400,
    headerWireBytes: 400,
    fieldCount: 6,
    topNames: [{ name: 'from', count: 1 }],
    largestValue: { name: 'To', line: 2, bytes: 40 },
    valuesOverLimit: [],
    messageIdChars: 21,
    subjectChars: 5,
    longestName: { name: 'Message-ID', line: 4, bytes: 10 },
    linesOver998: none,
    linesOver78: none,
    truncated: false,
    limits: GMAIL_HEADER_LIMITS,
    ...over,
  };
}

describe('message-headers judge (Gmail header limits, RFC 5322 2.1.1)', () => {
  it.each<[string, MessageHeadersEvidence, string[]]>([
    ['a normal header', ev(), []],
    ['header exactly 500 KB', ev({ headerWireBytes: 500 * 1024 }), []],
    ['header over 500 KB', ev({ headerWireBytes: 500 * 1024 + 1 }), ['header-too-large']],
    ['5,000 fields', ev({ fieldCount: 5_000 }), []],
    [
      '5,001 fields',
      ev({ fieldCount: 5_001, topNames: [{ name: 'x-track', count: 4_990 }] }),
      ['too-many-fields'],
    ],
    [
      'a 40 KB X-Data value',
      ev({ valuesOverLimit: [{ name: 'X-Data', line: 7, bytes: 40 * 1024 }] }),
      ['value-too-long'],
    ],
    ['Message-ID of 501 characters', ev({ messageIdChars: 501 }), ['message-id-too-long']],
    ['Subject of 999 characters', ev({ subjectChars: 999 }), ['subject-too-long']],
    [
      'a 1,025-byte field name',
      ev({ longestName: { name: 'X-aaa...', line: 7, bytes: 1025 } }),
      ['name-too-long'],
    ],
    [
      'RFC 5322 2.1.1: a 1,200-character line',
      ev({
        linesOver998: { count: 1, longest: 1200, examples: [{ name: 'X-Long', line: 7, length: 1200 }] },
        linesOver78: { count: 1, longest: 1200, examples: [{ name: 'X-Long', line: 7, length: 1200 }] },
      }),
      ['line-too-long'],
    ],
    [
      'RFC 5322 2.1.1: a 100-character line is info only',
      ev({ linesOver78: { count: 1, longest: 100, examples: [{ name: 'Subject', line: 3, length: 100 }] } }),
      ['line-over-78'],
    ],
  ])('%s', (_name, evidence, keys) => {
    expect(messageHeadersCheck.judge(evidence, target).map((f) => f.key)).toEqual(keys);
  });

  it('names the limit in the message and fix', () => {
    const [f] = messageHeadersCheck.judge(
      ev({ valuesOverLimit: [{ name: 'X-Data', line: 7, bytes: 40 * 1024 }] }),
      target,
    );
    expect(renderTemplate(MESSAGE_HEADERS_FINDINGS['value-too-long'].message, f!.data)).toBe(
      'X-Data has a 40.0 KB value (40960 bytes after the colon); Gmail refuses a single value over 32.0 KB (To, Cc and References excepted).',
    );
    const [g] = messageHeadersCheck.judge(
      ev({ fieldCount: 5_001, topNames: [{ name: 'x-track', count: 4_990 }] }),
      target,
    );
    expect(renderTemplate(MESSAGE_HEADERS_FINDINGS['too-many-fields'].message, g!.data)).toBe(
      'The header has 5001 fields (x-track x4990); Gmail refuses more than 5000.',
    );
  });

  it('every Gmail limit finding predicts 552 5.3.4; line length findings predict nothing', () => {
    for (const [key, spec] of Object.entries(MESSAGE_HEADERS_FINDINGS)) {
      const replies = predictReplies('conditions' in spec ? spec.conditions : [], 'transactional');
      const expected = key.startsWith('line-') ? [] : [['gmail', 552, '5.3.4']];
      expect(
        replies.map((r) => [r.provider, r.code, r.enhanced]),
        key,
      ).toEqual(expected);
    }
  });
});
