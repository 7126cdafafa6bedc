import { describe, expect, it } from 'vitest';
import {
  MESSAGE_SIZE_FINDINGS,
  type MessageSizeEvidence,
  messageSizeCheck,
  SIZE_LIMITS,
} from '../../../checks/message-size/index.js';
import { renderTemplate } from '../../../src/check.js';
import { predictReplies } from '../../../src/replies/index.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const MB = 1024 * 1024;
const limits = SIZE_LIMITS.map((l) => ({ ...l }));

function ev(wireBytes: number, largestParts: MessageSizeEvidence['largestParts'] = []): MessageSizeEvidence {
  wireBytes = Math.round(wireBytes);
  return { bytes: wireBytes, wireBytes, lineEnding: 'crlf', addedForCrlf: 0, limits, largestParts };
}
const pdf = (mb: number) => ({
  path: '2',
  filename: 'catalogue.pdf',
  contentType: 'application/pdf',
  wireBytes: Math.round(mb * MB),
  attachment: true,
});

describe('message-size judge', () => {
  it.each<[string, MessageSizeEvidence, string[]]>([
    ['small message', ev(100_000), []],
    ['exactly 80% of 25 MB', ev(20 * MB), []],
    ['just above 80% of Gmail 25 MB: near the limit', ev(20 * MB + 1, [pdf(19)]), ['near-limit']],
    ['exactly 25 MB is accepted', ev(25 * MB), ['near-limit']],
    ['over Gmail 25 MB, under Exchange 36 MB', ev(33.4 * MB, [pdf(31.2)]), ['over-gmail-limit']],
    ['over both', ev(40 * MB, [pdf(38)]), ['over-gmail-limit', 'over-microsoft-limit']],
  ])('%s', (_name, evidence, keys) => {
    expect(messageSizeCheck.judge(evidence, target).map((f) => f.key)).toEqual(keys);
  });

  it('the fix names the largest attachment and both sizes (issue 10)', () => {
    const [f] = messageSizeCheck.judge(ev(33.4 * MB, [pdf(31.2)]), target);
    expect(renderTemplate(MESSAGE_SIZE_FINDINGS['over-gmail-limit'].fix, f!.data)).toBe(
      'Move the 31.2 MB attachment `catalogue.pdf` to a link: the message is 33.4 MB on the wire, Gmail refuses over 25.0 MB.',
    );
    expect(f!.evidence).toMatchObject({
      wireBytes: Math.round(33.4 * MB),
      limit: { key: 'gmail', bytes: 25 * MB },
    });
  });

  it('a part without a file name is named by path and type', () => {
    const part = { path: '1.2', contentType: 'image/png', wireBytes: 21 * MB, attachment: false };
    const [f] = messageSizeCheck.judge(ev(22 * MB, [part]), target);
    expect(renderTemplate(MESSAGE_SIZE_FINDINGS['near-limit'].message, f!.data)).toBe(
      "The message is 22.0 MB on the wire, 88% of Gmail's 25.0 MB limit: a footer, a forward or re-encoding on the way can push it over.",
    );
    expect(f!.data?.['part']).toBe('part 1.2 (image/png)');
  });

  it('predicts Gmail 552 5.3.4 (documented) and Exchange 552 5.3.4 (inferred)', () => {
    const gmail = predictReplies(MESSAGE_SIZE_FINDINGS['over-gmail-limit'].conditions, 'transactional');
    expect(gmail.map((r) => [r.provider, r.code, r.enhanced, r.confidence])).toEqual([
      ['gmail', 552, '5.3.4', 'documented'],
    ]);
    const ms = predictReplies(MESSAGE_SIZE_FINDINGS['over-microsoft-limit'].conditions, 'bulk');
    expect(ms.map((r) => [r.provider, r.code, r.enhanced, r.confidence])).toEqual([
      ['microsoft', 552, '5.3.4', 'inferred'],
    ]);
  });
});
