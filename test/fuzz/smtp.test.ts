/**
 * SMTP replies and banners (RFC 5321 4.2): whatever a server sends is read as replies or
 * refused with a ProbeFailure, within the line, line-count and byte bounds; EHLO keywords
 * (4.1.1.1) never throw.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProbeFailure,
  parseEhloCapabilities,
  ReplyReader,
  SMTP_MAX_REPLY_LINE_BYTES,
  SMTP_MAX_REPLY_LINES,
} from '../../src/probe/smtp.js';
import { adversarial, bounded, boundedAsync, chunked, fuzz, hostileText, tokenSoup } from './runs.js';

/** A socket that delivers `chunks` and then ends: enough for ReplyReader. */
function fakeSocket(chunks: Buffer[]): Socket {
  const sock = new EventEmitter() as EventEmitter & { pause: () => void };
  sock.pause = () => {};
  queueMicrotask(() => {
    for (const c of chunks) sock.emit('data', c);
    sock.emit('end');
  });
  return sock as unknown as Socket;
}

/** Reads replies until the reader refuses (every stream ends in a ProbeFailure). */
async function readAll(chunks: Buffer[]): Promise<{ code: number; lines: string[] }[]> {
  const reader = new ReplyReader(fakeSocket(chunks));
  const replies = [];
  for (;;) {
    try {
      replies.push(await reader.read('ehlo', Date.now() + 5_000, undefined, 5_000));
    } catch (e) {
      if (!(e instanceof ProbeFailure)) throw e;
      return replies;
    }
  }
}

const PIECES = [
  '220',
  '250',
  '421',
  '550',
  '199',
  '600',
  ' ',
  '-',
  '\r\n',
  '\n',
  '\r',
  'ESMTP',
  'mx.example.com',
  'STARTTLS',
  'SIZE 1000',
  'x',
];
const stream = fc.oneof(
  { arbitrary: tokenSoup(PIECES, 40), weight: 5 },
  { arbitrary: hostileText(PIECES), weight: 2 },
  { arbitrary: adversarial(['250-', '250-x\r\n', '2', '\r', ' ']), weight: 1 },
);

describe('fuzz: SMTP replies (RFC 5321 4.2)', () => {
  it('any byte stream reads as bounded replies or a ProbeFailure, in any chunking', async (ctx) => {
    await fuzz(
      ctx,
      fc.asyncProperty(stream, fc.array(fc.nat({ max: 64 }), { maxLength: 6 }), async (text, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        const chunks = chunked(bytes, cuts);
        const replies = await boundedAsync(() => readAll(chunks));
        for (const r of replies) {
          expect(r.code).toBeGreaterThanOrEqual(200);
          expect(r.code).toBeLessThan(600);
          expect(r.lines.length).toBeLessThanOrEqual(SMTP_MAX_REPLY_LINES);
          for (const l of r.lines)
            expect(Buffer.byteLength(l)).toBeLessThanOrEqual(SMTP_MAX_REPLY_LINE_BYTES);
        }
        // The chunking changes nothing: one chunk reads the same replies.
        expect(await readAll([bytes])).toEqual(replies);
      }),
    );
  });

  it('a reply printed from its lines reads back the same', async (ctx) => {
    const text = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
    await fuzz(
      ctx,
      fc.asyncProperty(
        fc.integer({ min: 200, max: 599 }),
        fc.array(text, { minLength: 1, maxLength: 8 }),
        async (code, lines) => {
          const wire = lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join('');
          expect(await readAll([Buffer.from(wire)])).toEqual([{ code, lines }]);
        },
      ),
    );
  });

  it('parseEhloCapabilities never throws and is bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(fc.array(hostileText(PIECES), { maxLength: 8 }), (lines) => {
        const caps = bounded(() => parseEhloCapabilities(lines));
        expect(caps.raw).toEqual(lines.slice(1));
        if (caps.size !== undefined) expect(Number.isSafeInteger(caps.size)).toBe(true);
      }),
    );
  });
});
