import { describe, expect, it } from 'vitest';
import { messageHeadersCheck } from '../../../checks/message-headers/index.js';
import type { CollectContext } from '../../../src/check.js';
import { parseMessageBytes } from '../../../src/message/parse.js';
import { crlf, GOOD_HEADER } from '../../message/build.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const run = async (bytes: Buffer) => {
  const ev = await messageHeadersCheck.collect(target, {
    message: parseMessageBytes(bytes),
  } as unknown as CollectContext);
  return { ev, keys: messageHeadersCheck.judge(ev, target).map((f) => f.key) };
};

describe('message-headers on hand-written messages', () => {
  it('a clean header has no findings', async () => {
    expect((await run(crlf(...GOOD_HEADER, '', 'x'))).keys).toEqual([]);
  });

  it('5,001 tracking fields: too many fields, the top name listed', async () => {
    const fields = Array.from({ length: 4_995 }, (_, i) => `X-Track: ${i}`);
    const { ev, keys } = await run(crlf(...GOOD_HEADER, ...fields, '', 'x'));
    expect(ev.fieldCount).toBe(5_001);
    expect(ev.topNames[0]).toEqual({ name: 'x-track', count: 4_995 });
    expect(keys).toEqual(['too-many-fields']);
  });

  it('a 33 KB folded value is over 32 KB; a 40 KB To is exempt but counts toward the total', async () => {
    const folded = Array.from({ length: 440 }, () => ` ${'v'.repeat(76)}`);
    const { ev, keys } = await run(crlf(...GOOD_HEADER, 'X-Data:', ...folded, '', 'x'));
    expect(ev.valuesOverLimit).toEqual([{ name: 'X-Data', line: 7, bytes: 440 * 79 }]);
    expect(keys).toEqual(['value-too-long']);
    const to = Array.from({ length: 2_000 }, (_, i) => `u${i}@example.org`).join(', ');
    expect((await run(crlf(...GOOD_HEADER, `Cc: ${to}`, '', 'x'))).ev.valuesOverLimit).toEqual([]);
  });

  it('a header block over 500 KB', async () => {
    const fields = Array.from({ length: 700 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(760)}`);
    const { ev, keys } = await run(crlf(...GOOD_HEADER, ...fields, '', 'x'));
    expect(ev.headerWireBytes).toBeGreaterThan(500 * 1024);
    expect(keys).toEqual(['header-too-large', 'line-over-78']);
  });

  it('a 600-character Message-ID and a 1,000-character Subject; a 1,100-byte name', async () => {
    const { keys } = await run(
      crlf(
        'From: a@example.com',
        'Date: Mon, 7 Dec 2026 10:00:00 +0000',
        `Message-ID: <${'i'.repeat(600)}@example.com>`,
        `Subject: ${'s '.repeat(500)}`,
        `X-${'n'.repeat(1_100)}: 1`,
        '',
        'x',
      ),
    );
    expect(keys).toEqual(['message-id-too-long', 'subject-too-long', 'name-too-long', 'line-too-long']);
  });

  it('RFC 5322 2.1.1: the longest header line is reported with its field and line', async () => {
    const { ev } = await run(crlf(...GOOD_HEADER, `X-Long: ${'a'.repeat(1_200)}`, '', 'x'));
    expect(ev.linesOver998).toEqual({
      count: 1,
      longest: 1_208,
      examples: [{ name: 'X-Long', line: 7, length: 1_208 }],
    });
  });
});
