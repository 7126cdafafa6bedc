/**
 * Content-Transfer-Encoding decoding (RFC 2045 6): base64 and quoted-printable to bytes; the
 * identity encodings pass through. Unknown encodings pass through too (the walker reports them).
 */

/** RFC 2045 6.1 encodings; others are unknown (x-token encodings are not interoperable). */
export const KNOWN_TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** Encodings a multipart or message/rfc822 may have (RFC 2045 6.4, RFC 2046 5.2.1). */
export const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return decodeBase64Body(body);
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/**
 * Encoded bytes decoded per step. The whole body as one string (Buffer.from(body.toString(), 'base64'))
 * cost a transient copy the size of the encoded part: 40 MB for a 30 MB attachment. Steps stay
 * well under the size at which Node makes a string external (~1 MB), so each step's string is an
 * ordinary young-generation object, collected at once, not external memory that lingers.
 */
const BASE64_STEP_BYTES = 64 * 1024;

/** Characters Node's base64 decoder reads (both alphabets, RFC 4648 4 and 5); it skips the others. */
const BASE64_SIGNIFICANT = (() => {
  const t = new Uint8Array(256);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')
    t[c.charCodeAt(0)] = 1;
  return t;
})();
const EQUALS = 0x3d;
const LINE_FEED = 0x0a;

/**
 * RFC 2045 6.8 base64, decoded step by step into one output buffer, byte for byte what Node's
 * decoder gives for the whole body: a step ends at a line end after a multiple of 4 significant
 * characters (so no 4-character group is split), and at the first "=" (where Node stops) the rest
 * is decoded in one go. Lines whose lengths never add up to a group boundary also fall back to that.
 */
export function decodeBase64Body(body: Buffer): Buffer {
  if (body.length <= BASE64_STEP_BYTES) return Buffer.from(body.toString('latin1'), 'base64');
  const out = Buffer.allocUnsafeSlow(Math.ceil(body.length / 4) * 3);
  let written = 0;
  let start = 0;
  let significant = 0;
  let cut = -1;
  const flush = (end: number) => {
    written += out.write(body.toString('latin1', start, end), written, 'base64');
    start = end;
    cut = -1;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c === EQUALS) break;
    if (BASE64_SIGNIFICANT[c] === 1) significant++;
    else if (c === LINE_FEED && significant % 4 === 0) {
      cut = i + 1;
      if (cut - start >= BASE64_STEP_BYTES) flush(cut);
    }
  }
  if (start < body.length) flush(body.length);
  return out.subarray(0, written);
}

const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39
    ? c - 0x30
    : c >= 0x41 && c <= 0x46
      ? c - 0x37
      : c >= 0x61 && c <= 0x66
        ? c - 0x57
        : -1;

/** RFC 2045 6.7: "=XX" octets and "=" soft line breaks; anything else is kept as written. */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    const a = body[i + 1];
    const b = body[i + 2];
    if (a === 0x0a) {
      i += 1;
    } else if (a === 0x0d && b === 0x0a) {
      i += 2;
    } else if (a !== undefined && b !== undefined && hexValue(a) >= 0 && hexValue(b) >= 0) {
      out[o++] = hexValue(a) * 16 + hexValue(b);
      i += 2;
    } else out[o++] = c;
  }
  return out.subarray(0, o);
}
