import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  measurePublicKey,
  parseDkimKeyRecord,
  parseTagList,
} from '../../../checks/dkim/key.js';
import { ed25519Key, rsaKey } from './keys.js';

const rsa512 = rsaKey(512);
const rsa1024 = rsaKey(1024);
const rsa2048 = rsaKey(2048);
const ed = ed25519Key();

describe('parseTagList (RFC 6376 3.2)', () => {
  it('splits on ";" and tolerates folding whitespace around names, "=" and values', () => {
    const r = parseTagList(' v = DKIM1 ;\r\n\tk=rsa;  p= AB CD ;');
    expect(r).toEqual({
      ok: true,
      tags: [
        { name: 'v', value: 'DKIM1' },
        { name: 'k', value: 'rsa' },
        { name: 'p', value: 'AB CD' },
      ],
    });
  });
  it.each([
    ['duplicate tag invalidates the whole list (RFC 6376 3.2)', 'k=rsa; k=rsa; p=AAAA', 'appears twice'],
    ['empty tag between ;;', 'v=DKIM1;; p=AAAA', 'empty tag'],
    ['missing "="', 'v=DKIM1; rsa; p=AAAA', 'not tag=value'],
    ['bad tag name', 'v=DKIM1; 1k=rsa; p=AAAA', 'invalid tag name'],
    ['";" cannot be in a value, non-ASCII neither', 'v=DKIM1; n=caf\u00e9; p=AAAA', 'not allowed'],
    ['empty record', '', 'empty'],
  ])('rejects: %s', (_, text, message) => {
    const r = parseTagList(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });
  it('tag names are case-sensitive: "P" is not "p" (RFC 6376 3.2)', () => {
    const r = parseDkimKeyRecord('v=DKIM1; P=AAAA');
    expect(r).toEqual({ ok: false, error: { tag: 'p', message: 'p= (the public key) is missing' } });
  });
});

describe('parseDkimKeyRecord (RFC 6376 3.6.1)', () => {
  it('applies the defaults: k=rsa, s=*, no flags, all hashes', () => {
    const r = parseDkimKeyRecord('p=AAAA');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).toMatchObject({
      keyType: 'rsa',
      serviceTypes: ['*'],
      flags: [],
      testing: false,
      revoked: false,
    });
    expect(r.record.hashAlgorithms).toBeUndefined();
    expect(r.record.version).toBeUndefined();
  });
  it('reads every tag', () => {
    const r = parseDkimKeyRecord(
      'v=DKIM1; h=sha1:SHA256; k=ED25519; n=hello there; s=email:*; t=y:s; p=AB CD\tEF==',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).toMatchObject({
      version: 'DKIM1',
      hashAlgorithms: ['sha1', 'sha256'],
      keyType: 'ed25519',
      notes: 'hello there',
      serviceTypes: ['email', '*'],
      flags: ['y', 's'],
      testing: true,
      strict: true,
      publicKey: 'ABCDEF==',
    });
  });
  it('empty p= means revoked', () => {
    const r = parseDkimKeyRecord('v=DKIM1; k=rsa; p=');
    expect(r.ok && r.record.revoked).toBe(true);
  });
  it('ignores unknown tags (RFC 6376 3.6.1)', () => {
    expect(parseDkimKeyRecord('v=DKIM1; g=*; x_foo=bar; p=AAAA').ok).toBe(true);
  });
  it.each([
    ['v= not first', 'k=rsa; v=DKIM1; p=AAAA', 'v'],
    ['v= other than DKIM1', 'v=DKIM2; p=AAAA', 'v'],
    ['v= is case-sensitive DKIM1', 'v=dkim1; p=AAAA', 'v'],
    ['p= missing', 'v=DKIM1; k=rsa', 'p'],
    ['p= bad base64 characters', 'v=DKIM1; p=AB*D', 'p'],
    ['p= impossible length', 'v=DKIM1; p=ABCDE', 'p'],
    ['p= bad padding', 'v=DKIM1; p=ABC==', 'p'],
    ['k= empty', 'v=DKIM1; k=; p=AAAA', 'k'],
    ['h= empty', 'v=DKIM1; h=; p=AAAA', 'h'],
    ['duplicate p', 'v=DKIM1; p=AAAA; p=BBBB', 'p'],
  ])('invalid: %s', (_, text, tag) => {
    const r = parseDkimKeyRecord(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.tag).toBe(tag);
  });
});

describe('decodeBase64', () => {
  it.each([
    ['', 0],
    ['AA==', 1],
    ['AAA=', 2],
    ['AAAA', 3],
    ['AA', 1],
    ['AAA', 2],
  ])('accepts %j', (s, bytes) => {
    expect(decodeBase64(s)?.length).toBe(bytes);
  });
  it.each(['A', 'AAAA=', 'AAAAA', 'A=A=', 'AA=', '====', 'AA-_'])('rejects %j', (s) => {
    expect(decodeBase64(s)).toBeUndefined();
  });
});

describe('measurePublicKey', () => {
  it.each([
    [512, rsa512],
    [1024, rsa1024],
    [2048, rsa2048],
  ])('measures a %i-bit RSA key as SubjectPublicKeyInfo and as PKCS#1', (bits, key) => {
    expect(measurePublicKey('rsa', key.spki)).toMatchObject({
      ok: true,
      keyType: 'rsa',
      format: 'spki',
      bits,
    });
    expect(measurePublicKey('rsa', key.pkcs1)).toMatchObject({
      ok: true,
      keyType: 'rsa',
      format: 'pkcs1',
      bits,
    });
  });
  it('tolerates whitespace inside the base64', () => {
    const spaced = rsa2048.spki.replace(/(.{64})/g, '$1 \t');
    expect(measurePublicKey('rsa', spaced)).toMatchObject({ ok: true, bits: 2048 });
  });
  it('accepts a raw 32-byte Ed25519 key (RFC 8463 4)', () => {
    expect(measurePublicKey('ed25519', ed.raw)).toEqual({
      ok: true,
      keyType: 'ed25519',
      bits: 256,
      bytes: 32,
    });
  });
  it('rejects an Ed25519 key published as SubjectPublicKeyInfo (RFC 8463 wants the raw key)', () => {
    const r = measurePublicKey('ed25519', ed.spki);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('44 bytes');
  });
  it('rejects a non-RSA key under k=rsa', () => {
    const r = measurePublicKey('rsa', ed.spki);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('ed25519');
  });
  it('rejects truncated DER and random bytes', () => {
    expect(measurePublicKey('rsa', rsa2048.spki.slice(0, 200)).ok).toBe(false);
    expect(measurePublicKey('rsa', Buffer.alloc(64, 7).toString('base64')).ok).toBe(false);
  });
  it('rejects malformed base64 and oversize keys', () => {
    expect(measurePublicKey('rsa', 'AB*D').ok).toBe(false);
    expect(measurePublicKey('rsa', Buffer.alloc(4096, 1).toString('base64'))).toMatchObject({ ok: false });
  });
});
