/**
 * The DKIM verifier against signatures made by two other signers (nodemailer's and mailauth's),
 * in both canonicalizations and both key types, and against tampered copies of the messages.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import {
  canonicalHeader,
  hashCanonicalBody,
  parseDkimSignature,
  selectSignedFields,
  splitWireMessage,
  verifySignature,
} from '../../../checks/dkim-signature/verify.js';

const require = createRequire(import.meta.url);
const { dkimSign } = require('mailauth/lib/dkim/sign') as {
  dkimSign: (
    input: Buffer,
    options: Record<string, unknown>,
  ) => Promise<{ signatures: string; errors: unknown[] }>;
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const NOW = Math.floor(Date.now() / 1000);

function rsaRecord(pub: KeyObject = rsa.publicKey): string {
  return `v=DKIM1; k=rsa; p=${pub.export({ type: 'spki', format: 'der' }).toString('base64')}`;
}
function edRecord(): string {
  const raw = ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return `v=DKIM1; k=ed25519; p=${raw.toString('base64')}`;
}

const MESSAGE = Buffer.from(
  [
    'From: "Sender Name" <news@example.com>',
    'To: someone@example.net',
    'Subject: A   subject  with  runs of   spaces',
    'Date: Mon, 07 Dec 2026 09:00:00 +0000',
    'Message-ID: <abc.123@example.com>',
    'List-Unsubscribe: <https://example.com/u/1>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello,   world  ',
    '\tindented line',
    '',
    'Bye.',
    '',
    '',
  ].join('\r\n'),
);

async function mailauthSigned(options: Record<string, unknown>, message = MESSAGE): Promise<Buffer> {
  const { privateKey, maxBodyLength, ...rest } = options;
  const r = await dkimSign(message, {
    signTime: new Date(),
    ...rest,
    signatureData: [
      {
        signingDomain: 'example.com',
        selector: 's1',
        privateKey: privateKey ?? rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        ...(maxBodyLength !== undefined ? { maxBodyLength } : {}),
      },
    ],
  });
  expect(r.errors).toEqual([]);
  return Buffer.concat([Buffer.from(r.signatures), message]);
}

async function nodemailerSigned(): Promise<Buffer> {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    dkim: {
      domainName: 'example.com',
      keySelector: 's1',
      privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    },
  });
  const info = await transport.sendMail({
    from: 'Sender <news@example.com>',
    to: 'someone@example.net',
    subject: 'Nodemailer signed',
    text: 'Plain text with trailing spaces   \nand a second line\n',
    html: '<p>Hello <a href="https://example.com/x">link</a></p>',
  });
  return info.message as Buffer;
}

function verifyAll(bytes: Buffer, keyRecord: string, now = NOW) {
  const message = splitWireMessage(bytes);
  return message.fields
    .filter((f) => f.name === 'dkim-signature')
    .map((field) => {
      const parsed = parseDkimSignature(field.raw.slice(field.raw.indexOf(':') + 1));
      if (!parsed.ok) return { status: 'unparsed', reason: parsed.problem };
      return verifySignature(message, field, parsed.tags, [keyRecord], now);
    });
}

function tamper(bytes: Buffer, from: string, to: string): Buffer {
  const s = bytes.toString('latin1');
  expect(s).toContain(from);
  return Buffer.from(s.replace(from, to), 'latin1');
}

describe('DKIM verification against other signers', () => {
  for (const canonicalization of ['relaxed/relaxed', 'simple/simple', 'relaxed/simple', 'simple/relaxed']) {
    it(`mailauth rsa-sha256 ${canonicalization}: passes, and fails once the body or a signed header changes`, async () => {
      const signed = await mailauthSigned({ canonicalization });
      expect(verifyAll(signed, rsaRecord())).toMatchObject([
        { status: 'pass', keyType: 'rsa', keyBits: 2048 },
      ]);
      expect(verifyAll(tamper(signed, 'Bye.', 'Bye!'), rsaRecord())).toMatchObject([
        { status: 'fail', reason: 'body hash did not verify' },
      ]);
      expect(verifyAll(tamper(signed, 'A   subject', 'B   subject'), rsaRecord())).toMatchObject([
        { status: 'fail', reason: expect.stringMatching(/^signature did not verify/) },
      ]);
    });
  }

  it('relaxed canonicalization tolerates whitespace changes that simple does not (RFC 6376 3.4.2, 3.4.4)', async () => {
    const relaxed = await mailauthSigned({ canonicalization: 'relaxed/relaxed' });
    const simple = await mailauthSigned({ canonicalization: 'simple/simple' });
    const reflow = (b: Buffer) =>
      tamper(tamper(b, 'A   subject', 'A subject'), 'Hello,   world  ', 'Hello, world');
    expect(verifyAll(reflow(relaxed), rsaRecord())).toMatchObject([{ status: 'pass' }]);
    expect(verifyAll(reflow(simple), rsaRecord())).toMatchObject([{ status: 'fail' }]);
  });

  it('nodemailer signature (relaxed/relaxed) passes; a different key at the selector fails', async () => {
    const signed = await nodemailerSigned();
    expect(verifyAll(signed, rsaRecord())).toMatchObject([{ status: 'pass' }]);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifyAll(signed, rsaRecord(other.publicKey))).toMatchObject([{ status: 'fail' }]);
  });

  it('ed25519-sha256 (RFC 8463) from mailauth passes with the raw 32-byte key', async () => {
    const signed = await mailauthSigned({
      algorithm: 'ed25519-sha256',
      privateKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    expect(verifyAll(signed, edRecord())).toMatchObject([{ status: 'pass', keyType: 'ed25519' }]);
    expect(verifyAll(tamper(signed, 'Bye.', 'Bye?'), edRecord())).toMatchObject([{ status: 'fail' }]);
  });

  it('rsa-sha1 is refused even when it would verify (RFC 8301 3.1)', async () => {
    const signed = await mailauthSigned({ algorithm: 'rsa-sha1' });
    expect(verifyAll(signed, rsaRecord())).toMatchObject([
      { status: 'permerror', reason: expect.stringContaining('RFC 8301') },
    ]);
  });

  it('l= signs a prefix: content appended after it still verifies (RFC 6376 8.2), l= beyond the body fails', async () => {
    const signed = await mailauthSigned({ canonicalization: 'relaxed/relaxed', maxBodyLength: 10 });
    expect(verifyAll(signed, rsaRecord())).toMatchObject([{ status: 'pass' }]);
    expect(
      verifyAll(Buffer.concat([signed, Buffer.from('Appended by someone else\r\n')]), rsaRecord()),
    ).toMatchObject([{ status: 'pass' }]);
    const cut = Buffer.from(
      signed.toString('latin1').replace(/\r\n\r\nHello[\s\S]*$/, '\r\n\r\nHi\r\n'),
      'latin1',
    );
    expect(verifyAll(cut, rsaRecord())).toMatchObject([
      { status: 'fail', reason: expect.stringMatching(/^l=10 is longer/) },
    ]);
  });

  it('x= in the past: the signature has expired', async () => {
    const signed = await mailauthSigned({
      signTime: new Date(Date.now() - 7200_000),
      expires: new Date(Date.now() - 3600_000),
    });
    expect(verifyAll(signed, rsaRecord())).toMatchObject([
      { status: 'fail', reason: expect.stringMatching(/expired/) },
    ]);
  });

  it('a file with bare LF line ends verifies as sent (CRLF on the wire)', async () => {
    const signed = await mailauthSigned({ canonicalization: 'simple/simple' });
    const lf = Buffer.from(signed.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect(verifyAll(lf, rsaRecord())).toMatchObject([{ status: 'pass' }]);
  });

  it('key problems are permanent errors: revoked, wrong type, no record, a 512-bit key (RFC 8301 3.2)', async () => {
    const signed = await mailauthSigned({});
    expect(verifyAll(signed, 'v=DKIM1; k=rsa; p=')).toMatchObject([
      { status: 'permerror', reason: expect.stringMatching(/revoked/) },
    ]);
    expect(verifyAll(signed, edRecord())).toMatchObject([
      { status: 'permerror', reason: expect.stringMatching(/does not match/) },
    ]);
    const weak = generateKeyPairSync('rsa', { modulusLength: 512 });
    const weakSigned = await mailauthSigned({
      privateKey: weak.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    });
    expect(verifyAll(weakSigned, rsaRecord(weak.publicKey))).toMatchObject([
      { status: 'permerror', keyBits: 512, reason: expect.stringMatching(/RFC 8301/) },
    ]);
    const message = splitWireMessage(signed);
    const field = message.fields.find((f) => f.name === 'dkim-signature');
    const parsed = parseDkimSignature(field?.raw.slice(field.raw.indexOf(':') + 1) ?? '');
    if (!field || !parsed.ok) throw new Error('unparsed');
    expect(verifySignature(message, field, parsed.tags, [], NOW)).toMatchObject({
      status: 'permerror',
      reason: 'no key record',
    });
  });
});

describe('signature tags (RFC 6376 3.5)', () => {
  const base = 'v=1; a=rsa-sha256; d=example.com; s=s1; h=from:to; bh=AAAA; b=BBBB';
  it('reads tags, folding whitespace in b= and bh=, defaults c= to simple/simple', () => {
    const r = parseDkimSignature(`${base.replace('b=BBBB', 'b=BB\r\n BB')}; i=@mail.example.com`);
    expect(r).toMatchObject({
      ok: true,
      tags: { header: 'simple', body: 'simple', signature: 'BBBB', identity: '@mail.example.com' },
    });
  });
  it.each([
    [base.replace('h=from:to', 'h=to:subject'), /From/],
    [base.replace('v=1', 'v=2'), /v=2/],
    [base.replace('; s=s1', ''), /s= tag is missing/],
    [`${base}; i=@other.org`, /not in d=example.com/],
    [`${base}; l=12x`, /not a number/],
    [`${base}; c=fancy/simple`, /canonicalization/],
    [`${base}; d=again.example`, /twice/],
  ])('%s is refused', (text, problem) => {
    expect(parseDkimSignature(text)).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
  });
});

describe('canonicalization (RFC 6376 3.4.5 example)', () => {
  const raw = Buffer.from('A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n', 'latin1');
  const message = splitWireMessage(raw);
  it('relaxed headers: "a:X" and "b:Y Z"', () => {
    expect(message.fields.map((f) => canonicalHeader(f, 'relaxed'))).toEqual(['a:X\r\n', 'b:Y Z\r\n']);
  });
  it('simple headers are unchanged', () => {
    expect(message.fields.map((f) => canonicalHeader(f, 'simple'))).toEqual([
      'A: X\r\n',
      'B : Y\t\r\n\tZ  \r\n',
    ]);
  });
  it('relaxed body " C\\r\\nD E\\r\\n", simple body " C \\r\\nD \\t E\\r\\n"', () => {
    const sha = (s: string) => hashCanonicalBody(Buffer.from(s, 'latin1'), 'simple', 'sha256').hash;
    expect(hashCanonicalBody(message.body, 'relaxed', 'sha256').hash).toBe(sha(' C\r\nD E\r\n'));
    expect(hashCanonicalBody(message.body, 'simple', 'sha256').hash).toBe(sha(' C \r\nD \t E\r\n'));
  });
  it('an empty body: CRLF for simple, nothing for relaxed (3.4.3, 3.4.4)', () => {
    expect(hashCanonicalBody(Buffer.alloc(0), 'simple', 'sha256').length).toBe(2);
    expect(hashCanonicalBody(Buffer.from('\r\n\r\n'), 'relaxed', 'sha256').length).toBe(0);
  });
  it('h= picks instances bottom up; a name listed twice takes the next one up (5.4.2)', () => {
    const m = splitWireMessage(Buffer.from('X: 1\r\nY: a\r\nX: 2\r\n\r\n'));
    expect(selectSignedFields(m.fields, ['x', 'x', 'x', 'y']).map((f) => f.raw)).toEqual([
      'X: 2\r\n',
      'X: 1\r\n',
      'Y: a\r\n',
    ]);
  });
});
