/**
 * The messages of an mbox file (RFC 4155): each starts with a "From " line at the start of the
 * file or after an empty line; ">From " lines are unquoted one level (mboxrd). Streamed: one
 * message (bounded by MAX_MESSAGE_BYTES, the rest counted) is held at a time.
 */
import { MAX_MESSAGE_BYTES } from './limits.js';

export interface MboxMessage {
  bytes: Buffer;
  /** 1-based line of its "From " separator. */
  line: number;
  /** 0-based index in the file. */
  index: number;
  /** Bytes beyond MAX_MESSAGE_BYTES were dropped. */
  truncated: boolean;
}

const FROM_ = Buffer.from('From ');
const QUOTED_FROM = /^>+From /;

export async function* mboxMessages(chunks: AsyncIterable<Buffer>): AsyncGenerator<MboxMessage> {
  let carry: Buffer = Buffer.alloc(0);
  let parts: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let started = false;
  let startLine = 0;
  let index = 0;
  let line = 0;
  let previousEmpty = true;
  const finish = (): MboxMessage | undefined => {
    if (!started) return undefined;
    const m = { bytes: Buffer.concat(parts), line: startLine, index: index++, truncated };
    parts = [];
    size = 0;
    truncated = false;
    return m;
  };
  const add = (l: Buffer): void => {
    if (size + l.length > MAX_MESSAGE_BYTES) {
      truncated = true;
      return;
    }
    size += l.length;
    parts.push(l);
  };
  const onLine = (l: Buffer): MboxMessage | undefined => {
    line++;
    const isSeparator = previousEmpty && l.subarray(0, 5).equals(FROM_);
    const content =
      l.length > 0 && l[l.length - 1] === 0x0a ? l.subarray(0, l[l.length - 2] === 0x0d ? -2 : -1) : l;
    previousEmpty = content.length === 0;
    if (isSeparator) {
      const done = finish();
      started = true;
      startLine = line;
      return done;
    }
    if (!started) return undefined;
    if (l[0] === 0x3e && QUOTED_FROM.test(l.subarray(0, 64).toString('latin1'))) add(l.subarray(1));
    else add(l);
    return undefined;
  };
  for await (const chunk of chunks) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      const done = onLine(buf.subarray(start, nl + 1));
      if (done) yield done;
      start = nl + 1;
    }
    carry = buf.subarray(start);
    // A line longer than a message: keep only what the message may still hold.
    if (carry.length > MAX_MESSAGE_BYTES) {
      if (started) add(carry);
      carry = Buffer.alloc(0);
      previousEmpty = false;
    }
  }
  if (carry.length > 0) {
    const done = onLine(carry);
    if (done) yield done;
  }
  const last = finish();
  if (last) yield last;
}
