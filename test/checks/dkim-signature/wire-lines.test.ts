/**
 * DKIM verification reads a file stored with bare LF (or a lone CR) as SMTP carries it, CRLF,
 * without copying the message: the header fields and the canonical body hash are those of the
 * CRLF form, and the body is a view of the bytes given.
 */
import { describe, expect, it } from 'vitest';
import {
  hashCanonicalBody,
  splitWireMessage,
  toCrlf,
  WireLines,
} from '../../../checks/dkim-signature/verify.js';

const CRLF_MESSAGE =
  'From: a@b.example\r\nSubject: two\r\n  lines\r\n\r\n line  one \r\n\r\nline\tthree\r\n\r\n\r\n';

describe('bare LF and lone CR line ends', () => {
  const variants: Record<string, string> = {
    'bare LF': CRLF_MESSAGE.replace(/\r\n/g, '\n'),
    'a mix of LF and CRLF': CRLF_MESSAGE.replace('line\tthree\r\n', 'line\tthree\n'),
    'a lone CR': CRLF_MESSAGE.replace('line\tthree\r\n', 'line\tthree\r'),
    'no line end at the very end': CRLF_MESSAGE.replace(/\r\n\r\n\r\n$/, '\r\n\r\nlast'),
  };
  for (const [name, text] of Object.entries(variants)) {
    it(`${name}: the same fields and body hashes as the CRLF form`, () => {
      const bytes = Buffer.from(text, 'latin1');
      const wire = splitWireMessage(toCrlf(bytes));
      const given = splitWireMessage(bytes);
      expect(given.fields).toEqual(wire.fields);
      for (const c of ['simple', 'relaxed'] as const)
        expect(hashCanonicalBody(given.body, c, 'sha256')).toEqual(hashCanonicalBody(wire.body, c, 'sha256'));
      expect(given.body.buffer).toBe(bytes.buffer); // a view, not a copy
    });
  }

  it('WireLines splits at CRLF, bare LF and lone CR, and says whether a line end follows', () => {
    const bytes = Buffer.from('a\r\nb\nc\rd\r\r\ne', 'latin1');
    const seen: string[] = [];
    const lines = new WireLines(bytes);
    for (let l = lines.next(); l; l = lines.next())
      seen.push(`${bytes.toString('latin1', l.start, l.end)}${l.terminated ? '|' : ''}`);
    expect(seen).toEqual(['a|', 'b|', 'c|', 'd|', '|', 'e']);
  });

  it('a message that starts with an empty line has no header fields', () => {
    const m = splitWireMessage(Buffer.from('\nbody\n'));
    expect(m.fields).toEqual([]);
    expect(m.body.toString()).toBe('body\n');
  });
});
