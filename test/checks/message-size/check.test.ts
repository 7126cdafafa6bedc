import { describe, expect, it } from 'vitest';
import { messageSizeCheck } from '../../../checks/message-size/index.js';
import type { CollectContext } from '../../../src/check.js';
import { parseMessageBytes } from '../../../src/message/parse.js';
import { compose } from '../../message/build.js';

const target = { domain: 'example.com', ips: [], profile: 'transactional' as const };
const ctx = (message: ReturnType<typeof parseMessageBytes>) => ({ message }) as unknown as CollectContext;

describe('message-size on a composed message', () => {
  it('a 19 MB attachment becomes 26 MB on the wire after base64: over Gmail, fix names it', async () => {
    const bytes = await compose({
      attachments: [{ filename: 'catalogue.pdf', content: Buffer.alloc(19 * 1024 * 1024, 1) }],
    });
    const ev = await messageSizeCheck.collect(target, ctx(parseMessageBytes(bytes)));
    expect(ev.wireBytes).toBe(bytes.length);
    expect(ev.largestParts[0]).toMatchObject({ path: '2', filename: 'catalogue.pdf', attachment: true });
    const findings = messageSizeCheck.judge(ev, target);
    expect(findings.map((f) => f.key)).toEqual(['over-gmail-limit']);
    expect(findings[0]!.data).toMatchObject({
      part: 'attachment `catalogue.pdf`',
      size: '26.0 MB',
      partSize: '26.0 MB',
    });
  });

  it('counts CRLF on the wire for a file stored with LF', async () => {
    const bytes = await compose({ text: 'line\r\n'.repeat(1000) });
    const lf = Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const ev = await messageSizeCheck.collect(target, ctx(parseMessageBytes(lf)));
    expect(ev).toMatchObject({ bytes: lf.length, wireBytes: bytes.length, lineEnding: 'lf' });
    expect(ev.addedForCrlf).toBe(bytes.length - lf.length);
  });

  it('without a message the collect fails (wiring error, not a finding)', async () => {
    await expect(messageSizeCheck.collect(target, {} as CollectContext)).rejects.toThrow(/no message/);
  });
});
