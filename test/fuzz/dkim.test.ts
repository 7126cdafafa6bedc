/**
 * DKIM: tag lists and key records (RFC 6376 3.2, 3.6.1), DKIM-Signature fields (3.5), the
 * canonicalizations (3.4), verification against an independent signer (mailauth), and the
 * judges of the dkim and dkim-signature checks.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dkimCheck } from '../../checks/dkim/index.js';
import { decodeBase64, measurePublicKey, parseDkimKeyRecord, parseTagList } from '../../checks/dkim/key.js';
import { collectDkimSignatures } from '../../checks/dkim-signature/collect.js';
import { dkimSignatureCheck } from '../../checks/dkim-signature/index.js';
import {
  type Canonicalization,
  canonicalHeader,
  hashCanonicalBody,
  parseDkimSignature,
  splitWireMessage,
  toCrlf,
  verifySignature,
} from '../../checks/dkim-signature/verify.js';
import type { Target } from '../../src/report.js';
import { memoryProbe, memoryResolver } from '../helpers/memory-resolver.js';
import { judgeIsAFunctionOfEvidence } from './judge.js';
import { adversarial, bounded, fuzz, hostileText, tokenSoup } from './runs.js';

const require = createRequire(import.meta.url);
const { dkimSign } = require('mailauth/lib/dkim/sign') as {
  dkimSign: (
    input: Buffer,
    options: Record<string, unknown>,
  ) => Promise<{ signatures: string; errors: unknown[] }>;
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = generateKeyPairSync('ed25519');
const RSA_P = rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const ED_P = ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };

const TAG_PIECES = [
  'v=DKIM1',
  'v=DKIM2',
  'k=rsa',
  'k=ed25519',
  'k=',
  'h=sha256',
  'h=sha1:sha256',
  'h=',
  's=email',
  's=*',
  't=y',
  't=s:y',
  'n=notes here',
  'p=',
  `p=${RSA_P}`,
  `p=${ED_P}`,
  `p=${RSA_P.slice(0, 40)}`,
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ',
  '==',
  '=',
  ';',
  '; ',
  ' ',
  '\t',
  '\r\n ',
  'x',
  ':',
];

/** RFC 6376 3.2 tag names and values that survive a print-and-parse. */
const tagName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/);
const tagValue = fc
  .array(fc.stringMatching(/^[\x21-\x3a\x3c-\x7e]{1,8}$/), { maxLength: 3 })
  .map((words) => words.join(' '));

describe('fuzz: DKIM tag lists and key records (RFC 6376 3.2, 3.6.1)', () => {
  it('parseTagList never throws, is bounded, and round-trips through a printer', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostileText(TAG_PIECES), (text) => {
        const list = bounded(() => parseTagList(text));
        if (!list.ok) return;
        const printed = list.tags.map((t) => `${t.name}=${t.value}`).join('; ');
        expect(parseTagList(printed)).toEqual(list);
      }),
    );
  });

  it('a printed tag list with unique names parses back to its tags', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.uniqueArray(fc.tuple(tagName, tagValue), { minLength: 1, maxLength: 8, selector: ([n]) => n }),
        fc.constantFrom('; ', ';', ' ;\t', ';\r\n\t'),
        fc.boolean(),
        (tags, sep, trailing) => {
          const text = tags.map(([n, v]) => `${n}=${v}`).join(sep) + (trailing ? ';' : '');
          expect(parseTagList(text)).toEqual({
            ok: true,
            tags: tags.map(([name, value]) => ({ name, value })),
          });
        },
      ),
    );
  });

  it('parseDkimKeyRecord and measurePublicKey never throw and are bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostileText(TAG_PIECES), fc.constantFrom('rsa', 'ed25519', 'x'), (text, keyType) => {
        const parsed = bounded(() => parseDkimKeyRecord(text));
        if (parsed.ok) {
          const m = bounded(() => measurePublicKey(parsed.record.keyType, parsed.record.publicKey));
          expect(typeof m.ok).toBe('boolean');
        }
        bounded(() => measurePublicKey(keyType, text));
      }),
    );
  });

  it('measurePublicKey survives damaged DER keys (flipped, cut and grown bytes)', async (ctx) => {
    const der = rsa.publicKey.export({ type: 'spki', format: 'der' });
    const damaged = fc
      .tuple(
        fc.array(fc.tuple(fc.nat({ max: der.length - 1 }), fc.nat({ max: 255 })), { maxLength: 4 }),
        fc.nat({ max: der.length }),
        fc.uint8Array({ maxLength: 16 }),
      )
      .map(([flips, cut, extra]) => {
        const b = Buffer.from(der);
        for (const [at, v] of flips) b[at] = v;
        return Buffer.concat([b.subarray(0, cut), extra]).toString('base64');
      });
    await fuzz(
      ctx,
      fc.property(damaged, fc.constantFrom('rsa', 'ed25519'), (p, keyType) => {
        const m = bounded(() => measurePublicKey(keyType, p));
        if (m.ok && m.keyType === 'rsa') expect(m.bits).toBeGreaterThan(0);
      }),
    );
  });

  it('decodeBase64 reads every well-formed base64 string, to the length it carries', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(
        fc.oneof(fc.base64String({ maxLength: 64 }), hostileText(['A', 'b', '+', '/', '=', '==', '0'])),
        (s) => {
          const b = bounded(() => decodeBase64(s));
          // Every 4 characters carry 3 bytes; padding carries none (RFC 4648 4).
          if (b !== undefined) expect(b.length).toBe(Math.floor((s.replace(/=+$/, '').length * 3) / 4));
          if (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s))
            expect(b).toBeDefined();
        },
      ),
    );
  });

  it('the dkim judge: same key record, same findings', async (ctx) => {
    const record = fc.oneof(
      { arbitrary: hostileText(TAG_PIECES), weight: 3 },
      { arbitrary: tokenSoup(TAG_PIECES).map((t) => `v=DKIM1; ${t}`), weight: 3 },
      { arbitrary: adversarial(TAG_PIECES), weight: 1 },
    );
    await fuzz(
      ctx,
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 2 }), async (records) => {
        const dns = memoryResolver({ 's1._domainkey.example.com': { TXT: records } });
        const t: Target = { ...target, dkimSelectors: ['s1'], dkimDiscovery: false };
        const evidence = await dkimCheck.collect(t, {
          probe: memoryProbe(dns),
          signal: new AbortController().signal,
        });
        judgeIsAFunctionOfEvidence(dkimCheck, evidence, t);
      }),
      0.25,
    );
  });
});

const SIG_PIECES = [
  'v=1',
  'a=rsa-sha256',
  'a=ed25519-sha256',
  'a=rsa-sha1',
  'c=relaxed/relaxed',
  'c=simple',
  'c=relaxed/simple/x',
  'd=example.com',
  's=s1',
  'h=from:to:subject',
  'h=From : To',
  'h=to',
  'bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  'b=abc',
  'b=',
  'i=@example.com',
  'i=a@sub.example.com',
  'i=@other.org',
  'l=0',
  'l=99999999999999999999',
  't=1',
  'x=0',
  ';',
  '; ',
  ' ',
  '\r\n\t',
  '=',
];

/** Header and body text with the whitespace and line ends canonicalization cares about. */
const LINE_PIECES = [
  'a',
  'Word',
  ' ',
  '  ',
  '\t',
  ' \t ',
  ':',
  'x',
  '\u00e9',
  '\r\n',
  '\n',
  '\r',
  '\r\n\t',
  '\r\n ',
];
const wireText = fc.oneof(
  { arbitrary: tokenSoup(LINE_PIECES, 40), weight: 5 },
  { arbitrary: adversarial(LINE_PIECES), weight: 1 },
);
const canon = fc.constantFrom<Canonicalization>('simple', 'relaxed');

describe('fuzz: DKIM-Signature and canonicalization (RFC 6376 3.4, 3.5)', () => {
  it('parseDkimSignature never throws and is bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(hostileText(SIG_PIECES), (value) => {
        const parsed = bounded(() => parseDkimSignature(value));
        if (parsed.ok) expect(parsed.tags.signedHeaders).toContain('from');
      }),
    );
  });

  it('splitWireMessage keeps every header byte, and canonicalHeader is bounded', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(wireText, canon, (text, c) => {
        const bytes = Buffer.from(text, 'latin1');
        const message = bounded(() => splitWireMessage(bytes));
        const head = message.fields.map((f) => f.raw).join('');
        // The header (in CRLF form) and the body make up the message, nothing lost or added.
        expect(toCrlf(bytes).toString('latin1').startsWith(head)).toBe(true);
        for (const field of message.fields) {
          const out = bounded(() => canonicalHeader(field, c));
          expect(out.endsWith('\r\n')).toBe(true);
          // A field with a colon on its first line is unfolded, with no WSP before its CRLF (3.4.2).
          if (c === 'relaxed' && /^[^\r\n:]*:/.test(field.raw))
            expect(out).not.toMatch(/[ \t]\r\n$|\r\n(?!$)/);
        }
      }),
    );
  });

  it('body hashes read line ends as on the wire: a bare LF or CR hashes as CRLF (RFC 5321 2.3.8)', async (ctx) => {
    await fuzz(
      ctx,
      fc.property(wireText, canon, fc.option(fc.nat({ max: 200 })), (text, c, limit) => {
        const body = Buffer.from(text, 'latin1');
        const direct = bounded(() => hashCanonicalBody(body, c, 'sha256', limit ?? undefined));
        expect(hashCanonicalBody(toCrlf(body), c, 'sha256', limit ?? undefined)).toEqual(direct);
        // Relaxed canonicalization (3.4.4) makes WSP runs one SP: collapsing them first changes nothing.
        if (c === 'relaxed' && limit === null) {
          const collapsed = Buffer.from(text.replace(/[ \t]+/g, ' '), 'latin1');
          expect(hashCanonicalBody(collapsed, c, 'sha256')).toEqual(direct);
        }
      }),
    );
  });

  it('verifies what mailauth signs, in every canonicalization and key type', async (ctx) => {
    const printable = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e\t]{0,30}$/);
    const headerLine = fc.tuple(fc.constantFrom('Subject', 'To', 'X-Tag', 'Reply-To'), printable);
    const bodyLine = fc.stringMatching(/^[\x20-\x7e\t]{0,40}$/);
    await fuzz(
      ctx,
      fc.asyncProperty(
        fc.array(headerLine, { maxLength: 4 }),
        fc.array(bodyLine, { maxLength: 6 }),
        fc.constantFrom('simple/simple', 'relaxed/relaxed', 'relaxed/simple', 'simple/relaxed'),
        fc.constantFrom('rsa', 'ed25519'),
        async (headers, body, canonicalization, keyType) => {
          const head = ['From: <news@example.com>', ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n');
          // Every body line ends in CRLF, as SMTP delivers it (RFC 5321 4.1.1.4): mailauth's relaxed
          // body hash keeps the WSP of a last line without CRLF, which RFC 6376 3.4.4 removes.
          const message = Buffer.from(`${head}\r\n\r\n${body.map((l) => `${l}\r\n`).join('')}`, 'latin1');
          const key = keyType === 'rsa' ? rsa.privateKey : ed.privateKey;
          const signed = await dkimSign(message, {
            canonicalization,
            // One sign time: without it mailauth 4.13.3 computes t= twice (for the header it
            // signs and for the one it emits, each Math.round(Date.now() / 1000)), and about one
            // signature in 1,500 carries a t= one second off what was signed: a broken
            // signature, which our verifier rightly fails (seen with seed 1583130449).
            signTime: new Date(),
            signatureData: [
              {
                signingDomain: 'example.com',
                selector: 's1',
                privateKey: key.export({ type: 'pkcs8', format: 'pem' }),
                algorithm: keyType === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256',
              },
            ],
          });
          expect(signed.errors).toEqual([]);
          const wire = splitWireMessage(Buffer.concat([Buffer.from(signed.signatures), message]));
          const field = wire.fields.find((f) => f.name === 'dkim-signature')!;
          const parsed = parseDkimSignature(field.raw.slice(field.raw.indexOf(':') + 1));
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          const record = `v=DKIM1; k=${keyType}; p=${keyType === 'rsa' ? RSA_P : ED_P}`;
          const verdict = verifySignature(wire, field, parsed.tags, [record], Math.floor(Date.now() / 1000));
          expect(verdict).toMatchObject({ status: 'pass' });
        },
      ),
      0.05,
    );
  });

  it('the dkim-signature judge: same message, same findings', async (ctx) => {
    const sigField = tokenSoup(SIG_PIECES).map((t) => `DKIM-Signature: ${t}`);
    await fuzz(
      ctx,
      fc.asyncProperty(
        fc.array(sigField, { maxLength: 3 }),
        wireText,
        hostileText(TAG_PIECES),
        async (sigs, rest, key) => {
          const bytes = Buffer.from([...sigs, 'From: <a@example.com>', rest].join('\r\n'), 'latin1');
          const dns = memoryResolver({
            's1._domainkey.example.com': { TXT: [key] },
            'ex._domainkey.example.com': { TXT: [`v=DKIM1; p=${RSA_P}`] },
          });
          const ctx2 = { probe: memoryProbe(dns), signal: new AbortController().signal };
          const evidence = await collectDkimSignatures(
            { bytes, fromDomain: 'example.com' },
            ctx2,
            new Date(0),
          );
          judgeIsAFunctionOfEvidence(dkimSignatureCheck, evidence, target);
        },
      ),
      0.25,
    );
  });
});
