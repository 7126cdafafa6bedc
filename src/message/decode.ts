/**
 * Content-Transfer-Encoding decoding (RFC 2045 6): base64 and quoted-printable to bytes; the
 * identity encodings pass through. Unknown encodings pass through too (the walker reports them).
 */

/** RFC 2045 6.1 encodings; others are unknown (x-token encodings are not interoperable). */
export const KNOWN_TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/** Encodings a multipart or message/rfc822 may have (RFC 2045 6.4, RFC 2046 5.2.1). */
export const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

export function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
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
