import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatTlsa, matchTlsa, tlsaAssociationData, tlsaUsability } from '../../../checks/dane/tlsa.js';
import { createTestCa, issueCert, selfSignedCert } from '../../../src/lab/certs.js';
import type { TlsaData } from '../../../src/probe/types.js';

const HOST = 'mx1.example.com';
const ca = createTestCa({ commonName: 'DANE test CA' });
const leaf = issueCert(ca, { names: [HOST] });
const otherCa = createTestCa({ commonName: 'Other CA' });
const chain = [leaf.certDer, ca.certDer];
const opts = { names: [HOST, 'example.com'], now: new Date() };

const hex = (b: Buffer) => b.toString('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');
// The CA objects do not carry spkiDer: derive it with node:crypto, independently of tlsa.ts.
const spkiOf = (cert: { certDer: Buffer }): Buffer =>
  new X509Certificate(cert.certDer).publicKey.export({ type: 'spki', format: 'der' });

function data(cert: { certDer: Buffer }, selector: number, matchingType: number): string {
  const selected = selector === 0 ? cert.certDer : spkiOf(cert);
  return matchingType === 0 ? hex(selected) : matchingType === 1 ? sha256(selected) : sha512(selected);
}
const rec = (usage: number, selector: number, matchingType: number, d: string): TlsaData => ({
  usage,
  selector,
  matchingType,
  data: d,
});
const outcomes = (records: TlsaData[], c: Buffer[] = chain, o = opts) =>
  matchTlsa(records, c, o).verdicts.map((v) => v.outcome.kind);

describe('TLSA association data', () => {
  it('selector 1 is the SubjectPublicKeyInfo the certificate carries', () => {
    expect(tlsaAssociationData(leaf.certDer, 1, 0)).toBe(hex(leaf.spkiDer));
    expect(tlsaAssociationData(leaf.certDer, 1, 1)).toBe(sha256(leaf.spkiDer));
    expect(tlsaAssociationData(leaf.certDer, 0, 2)).toBe(sha512(leaf.certDer));
    expect(tlsaAssociationData(leaf.certDer, 2, 1)).toBeUndefined();
    expect(tlsaAssociationData(leaf.certDer, 0, 3)).toBeUndefined();
  });
});

describe('TLSA matching: every selector and matching type (RFC 6698 2.1)', () => {
  const combos: [number, number][] = [];
  for (const s of [0, 1]) for (const m of [0, 1, 2]) combos.push([s, m]);

  it.each(combos)('DANE-EE 3 %i %i matches the leaf (RFC 7672 3.1.1)', (s, m) => {
    const r = matchTlsa([rec(3, s, m, data(leaf, s, m))], chain, opts);
    expect(r.matched).toBe(true);
    expect(r.verdicts[0]?.outcome).toEqual({ kind: 'match', depth: 0 });
  });

  it.each(combos)('DANE-TA 2 %i %i matches the issuing CA in the chain (RFC 7672 3.1.2)', (s, m) => {
    const r = matchTlsa([rec(2, s, m, data(ca, s, m))], chain, opts);
    expect(r.matched).toBe(true);
    expect(r.verdicts[0]?.outcome).toEqual({ kind: 'match', depth: 1 });
  });

  it.each(combos)('DANE-EE 3 %i %i with another certificate does not match', (s, m) => {
    expect(outcomes([rec(3, s, m, data(ca, s, m))])).toEqual(['no-match']);
  });

  it.each(combos)('DANE-TA 2 %i %i with another CA does not match', (s, m) => {
    expect(outcomes([rec(2, s, m, data(otherCa, s, m))])).toEqual(['no-match']);
  });

  it('a hash with one bit flipped does not match', () => {
    const good = sha256(leaf.certDer);
    const bad = (good[0] === '0' ? '1' : '0') + good.slice(1);
    expect(outcomes([rec(3, 0, 1, bad)])).toEqual(['no-match']);
    expect(outcomes([rec(3, 0, 1, good.toUpperCase())])).toEqual(['match']);
  });

  it('one matching record among non-matching ones is enough', () => {
    const r = matchTlsa(
      [rec(3, 1, 1, sha256(Buffer.from('x'))), rec(3, 1, 1, data(leaf, 1, 1))],
      chain,
      opts,
    );
    expect(r.matched).toBe(true);
    expect(r.usableCount).toBe(2);
  });
});

describe('TLSA usability (RFC 7672 3.1.3, RFC 6698 2.1.3)', () => {
  it.each<[string, TlsaData, string | undefined]>([
    ['3 1 1 with 32 bytes', rec(3, 1, 1, 'ab'.repeat(32)), undefined],
    ['2 0 2 with 64 bytes', rec(2, 0, 2, 'ab'.repeat(64)), undefined],
    ['PKIX-TA 0 0 1', rec(0, 0, 1, 'ab'.repeat(32)), 'pkix-usage'],
    ['PKIX-EE 1 1 1', rec(1, 1, 1, 'ab'.repeat(32)), 'pkix-usage'],
    ['usage 4', rec(4, 1, 1, 'ab'.repeat(32)), 'unknown-usage'],
    ['selector 2', rec(3, 2, 1, 'ab'.repeat(32)), 'unknown-selector'],
    ['matching type 3', rec(3, 1, 3, 'ab'.repeat(32)), 'unknown-matching-type'],
    ['SHA-256 with 31 bytes', rec(3, 1, 1, 'ab'.repeat(31)), 'bad-length'],
    ['SHA-256 with 64 bytes', rec(3, 1, 1, 'ab'.repeat(64)), 'bad-length'],
    ['SHA-512 with 32 bytes', rec(3, 1, 2, 'ab'.repeat(32)), 'bad-length'],
    ['full with no data', rec(3, 1, 0, ''), 'bad-length'],
  ])('%s', (_name, r, reason) => {
    const u = tlsaUsability(r);
    expect(u.usable ? undefined : u.reason).toBe(reason);
  });

  it('a PKIX usage is unusable even when its data matches the leaf', () => {
    const r = matchTlsa([rec(1, 0, 1, data(leaf, 0, 1))], chain, opts);
    expect(r.matched).toBe(false);
    expect(r.usableCount).toBe(0);
    expect(r.verdicts[0]?.outcome).toMatchObject({ kind: 'unusable', reason: 'pkix-usage' });
  });

  it('a truncated SHA-256 of the leaf is unusable, not a match', () => {
    const r = matchTlsa([rec(3, 0, 1, data(leaf, 0, 1).slice(0, 62))], chain, opts);
    expect(r.verdicts[0]?.outcome).toMatchObject({ kind: 'unusable', reason: 'bad-length' });
    expect(r.matched).toBe(false);
  });

  it('formats records for messages', () => {
    expect(formatTlsa(rec(3, 1, 1, 'ab'.repeat(32)))).toBe('3 1 1 abababababababab...');
  });
});

describe('DANE-TA rules beyond the digest (RFC 7672 3.1.2, 3.2.2)', () => {
  it('a TA record matching only the leaf does not count: the TA must be an issuer', () => {
    const r = matchTlsa([rec(2, 1, 1, data(leaf, 1, 1))], chain, opts);
    expect(r.matched).toBe(false);
    expect(r.verdicts[0]?.outcome).toMatchObject({ kind: 'no-match', detail: expect.stringMatching(/leaf/) });
  });

  it('the TA certificate must be in the presented chain (2 1 1)', () => {
    expect(outcomes([rec(2, 1, 1, data(ca, 1, 1))], [leaf.certDer])).toEqual(['no-match']);
  });

  it('a full TA key (2 1 0) may be absent from the chain if it signed the top certificate (RFC 7671 5.2.2)', () => {
    const r = matchTlsa([rec(2, 1, 0, data(ca, 1, 0))], [leaf.certDer], opts);
    expect(r.verdicts[0]?.outcome).toEqual({ kind: 'match-key', depth: 0 });
    expect(matchTlsa([rec(2, 1, 0, data(otherCa, 1, 0))], [leaf.certDer], opts).matched).toBe(false);
  });

  it('a TA in the chain that did not sign the leaf does not match', () => {
    const r = matchTlsa([rec(2, 0, 1, data(otherCa, 0, 1))], [leaf.certDer, otherCa.certDer], opts);
    expect(r.matched).toBe(false);
    expect(r.verdicts[0]?.outcome).toMatchObject({ detail: expect.stringMatching(/not issued and signed/) });
  });

  it('DANE-TA: every issuer up to the TA must be a CA (RFC 5280 4.2.1.9), even when its signature verifies', () => {
    // A leaf certificate with no keyUsage passes the issuer-name-and-signature check, so only
    // basicConstraints tells it is no CA.
    const notCa = issueCert(ca, { names: ['not-a-ca.example.com'], omitKeyUsage: true });
    const fakeCa = { ...notCa, commonName: 'not-a-ca.example.com' };
    const below = issueCert(fakeCa, { names: [HOST] });
    expect(new X509Certificate(below.certDer).checkIssued(new X509Certificate(notCa.certDer))).toBe(true);
    expect(new X509Certificate(below.certDer).verify(new X509Certificate(notCa.certDer).publicKey)).toBe(
      true,
    );
    const c = [below.certDer, notCa.certDer, ca.certDer];
    for (const r of [rec(2, 0, 1, data(notCa, 0, 1)), rec(2, 1, 1, data(ca, 1, 1))]) {
      const m = matchTlsa([r], c, opts);
      expect(m.matched).toBe(false);
      expect(m.verdicts[0]?.outcome).toMatchObject({
        kind: 'no-match',
        detail: expect.stringMatching(/depth 1 is not a CA certificate/),
      });
    }
    // A proper chain (the leaf issued by the CA itself) still matches.
    expect(outcomes([rec(2, 1, 1, data(ca, 1, 1))])).toEqual(['match']);
  });

  it('DANE-TA needs the leaf valid for the MX host or the domain; DANE-EE does not', () => {
    const wrong = { names: ['other.example.net'], now: new Date() };
    expect(outcomes([rec(2, 1, 1, data(ca, 1, 1))], chain, wrong)).toEqual(['no-match']);
    expect(outcomes([rec(3, 1, 1, data(leaf, 1, 1))], chain, wrong)).toEqual(['match']);
    expect(
      outcomes([rec(2, 1, 1, data(ca, 1, 1))], chain, { names: ['other', HOST], now: new Date() }),
    ).toEqual(['match']);
  });

  it('DANE-TA needs the leaf within its validity dates; DANE-EE ignores them', () => {
    const expired = issueCert(ca, {
      names: [HOST],
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const c = [expired.certDer, ca.certDer];
    const r = matchTlsa([rec(2, 1, 1, data(ca, 1, 1))], c, opts);
    expect(r.verdicts[0]?.outcome).toMatchObject({
      kind: 'no-match',
      detail: expect.stringMatching(/expired/),
    });
    expect(outcomes([rec(3, 1, 1, data(expired, 1, 1))], c)).toEqual(['match']);
  });

  it('a self-signed leaf matches DANE-EE', () => {
    const self = selfSignedCert({ names: [HOST] });
    expect(outcomes([rec(3, 0, 1, data(self, 0, 1))], [self.certDer])).toEqual(['match']);
  });

  it('garbage in the chain is reported, not thrown', () => {
    const r = matchTlsa([rec(3, 1, 1, data(leaf, 1, 1))], [Buffer.from('junk'), ca.certDer], opts);
    expect(r.matched).toBe(false);
    expect(r.chainErrors).toHaveLength(1);
  });
});
