/**
 * What keeps a 40 MB message from being held several times (issue 10's memory bound): the
 * streamed input kept in one buffer, base64 decoded in steps, both byte for byte what the
 * one-piece forms gave.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64Body } from '../../src/message/decode.js';
import { parseMessage } from '../../src/message/parse.js';
import { RetainedInput } from '../../src/message/retain.js';

const wholeString = (b: Buffer) => Buffer.from(b.toString('latin1'), 'base64');
const lines = (text: string, width: number, eol: string) =>
  `${(text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol)}${eol}`;

describe('decodeBase64Body: in steps, exactly what one string gives', () => {
  const data = randomBytes(300_000); // 400 KB encoded: several steps
  const b64 = data.toString('base64');
  const variants: Record<string, string> = {
    'CRLF, 76 a line': lines(b64, 76, '\r\n'),
    'LF, 76 a line': lines(b64, 76, '\n'),
    'lines whose lengths are not multiples of 4': lines(b64, 73, '\n'),
    'the URL-safe alphabet': lines(b64.replace(/\+/g, '-').replace(/\//g, '_'), 76, '\n'),
    'junk characters between lines': lines(b64, 76, '\n*\n'),
    'padding in the middle (the decoder stops there)': lines(
      `${b64.slice(0, 200_000)}==${b64.slice(200_000)}`,
      76,
      '\n',
    ),
    'one long line': b64,
  };
  for (const [name, text] of Object.entries(variants)) {
    it(name, () => {
      const body = Buffer.from(text, 'latin1');
      expect(decodeBase64Body(body).equals(wholeString(body))).toBe(true);
    });
  }
  it('well-formed input gives the data back', () => {
    expect(decodeBase64Body(Buffer.from(variants['CRLF, 76 a line'] ?? '')).equals(data)).toBe(true);
  });
});

describe('RetainedInput', () => {
  const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(10_000 + i));
  const whole = Buffer.concat(chunks);

  for (const [name, expected] of [
    ['size unknown (doubling)', undefined],
    ['size known', whole.length],
    ['size hint too small', 1000],
    ['size hint too large', whole.length * 2],
  ] as const) {
    it(`keeps every chunk in order: ${name}`, () => {
      const kept = new RetainedInput(10 * 1024 * 1024, expected);
      for (const c of chunks) kept.add(c);
      expect(kept.result()?.equals(whole)).toBe(true);
    });
  }

  it('input in one chunk is kept by reference, not copied', () => {
    const kept = new RetainedInput(1024 * 1024);
    kept.add(whole);
    expect(kept.result()).toBe(whole);
  });

  it('nothing is kept past the limit', () => {
    const kept = new RetainedInput(100_000);
    for (const c of chunks) kept.add(c);
    expect(kept.result()).toBeUndefined();
  });

  it('parseMessage of a file stream keeps the file byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-retain-'));
    try {
      const file = join(dir, 'm.eml');
      const body = randomBytes(200_000).toString('base64');
      const bytes = Buffer.from(`Subject: x\r\nFrom: a@b.example\r\n\r\n${lines(body, 76, '\r\n')}`);
      writeFileSync(file, bytes);
      const parsed = await parseMessage(createReadStream(file, { highWaterMark: 4096 }));
      expect(parsed.raw()?.equals(bytes)).toBe(true);
      expect(parsed.wire.bytes).toBe(bytes.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
