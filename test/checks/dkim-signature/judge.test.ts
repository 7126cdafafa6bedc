/** The dkim-signature judgement as a table: literal evidence in, finding keys out. */
import { describe, expect, it } from 'vitest';
import type { DkimSignatureEvidence, SignatureEvidence } from '../../../checks/dkim-signature/index.js';
import { dkimSignatureCheck } from '../../../checks/dkim-signature/index.js';

const pass: SignatureEvidence = {
  index: 1,
  domain: 'example.com',
  selector: 's1',
  algorithm: 'rsa-sha256',
  canonicalization: 'relaxed/relaxed',
  signedHeaders: ['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'],
  unsignedPresent: [],
  alignedWithFrom: true,
  key: { name: 's1._domainkey.example.com', kind: 'ok', records: ['v=DKIM1; p=...'] },
  verdict: { status: 'pass', keyType: 'rsa', keyBits: 2048, canonicalBodyLength: 100 },
};
const failBody: SignatureEvidence = {
  ...pass,
  index: 2,
  domain: 'esp.example',
  alignedWithFrom: false,
  verdict: { status: 'fail', reason: 'body hash did not verify', canonicalBodyLength: 100 },
};

function ev(
  signatures: SignatureEvidence[],
  extra: Partial<DkimSignatureEvidence> = {},
): DkimSignatureEvidence {
  return {
    fromDomain: 'example.com',
    signatures,
    notVerified: 0,
    verifiedAt: '2026-12-07T00:00:00.000Z',
    ...extra,
  };
}

const keys = (e: DkimSignatureEvidence) =>
  dkimSignatureCheck.judge(e, { domain: 'example.com', ips: [], profile: 'bulk' }).map((f) => f.key);

describe('dkim-signature judge', () => {
  it.each<[string, DkimSignatureEvidence, string[]]>([
    ['one aligned 2048-bit signature that verifies: nothing to say', ev([pass]), []],
    ['no signature at all', ev([]), ['none']],
    ['the only signature breaks (body changed)', ev([failBody]), ['all-fail']],
    ['one passes, another fails', ev([pass, failBody]), ['signature-fails']],
    [
      'key lookup timed out: unknown, never "fails"',
      ev([
        {
          ...pass,
          key: { name: 's1._domainkey.example.com', kind: 'error', error: 'timeout', records: [] },
          verdict: undefined,
        },
      ]),
      ['key-unknown'],
    ],
    [
      'rsa-sha1 (RFC 8301 3.1)',
      ev([
        {
          ...pass,
          algorithm: 'rsa-sha1',
          verdict: { status: 'permerror', reason: 'rsa-sha1 is not accepted' },
        },
      ]),
      ['rsa-sha1', 'all-fail'],
    ],
    ['l= present (RFC 6376 8.2)', ev([{ ...pass, bodyLength: 40 }]), ['body-length']],
    [
      'x= passed',
      ev([
        {
          ...pass,
          expiration: 1_700_000_000,
          verdict: { status: 'fail', reason: 'the signature expired (x=1700000000)' },
        },
      ]),
      ['expired', 'all-fail'],
    ],
    [
      '1024-bit key',
      ev([{ ...pass, verdict: { status: 'pass', keyType: 'rsa', keyBits: 1024 } }]),
      ['weak-key'],
    ],
    [
      't=y key',
      ev([{ ...pass, verdict: { status: 'pass', keyType: 'ed25519', keyBits: 256, testing: true } }]),
      ['testing'],
    ],
    [
      'List-Unsubscribe-Post unsigned',
      ev([{ ...pass, unsignedPresent: ['list-unsubscribe-post'] }]),
      ['unsigned-headers'],
    ],
    [
      'verified only for the ESP domain',
      ev([{ ...pass, domain: 'esp.example', alignedWithFrom: false }]),
      ['not-aligned'],
    ],
    [
      'a header that is no signature',
      ev([{ index: 1, problem: 'the b= tag is missing' }]),
      ['invalid', 'all-fail'],
    ],
    ['more signatures than verified', ev([pass], { notVerified: 3 }), ['not-verified']],
  ])('%s', (_name, evidence, expected) => {
    expect(keys(evidence)).toEqual(expected);
  });

  it('all-fail names each signature and why, and the fix that follows from it', () => {
    const [f] = dkimSignatureCheck.judge(ev([failBody]), { domain: 'example.com', ips: [], profile: 'bulk' });
    expect(f?.data?.['reasons']).toBe('d=esp.example s=s1: body hash did not verify');
    expect(String(f?.data?.['fixHint'])).toMatch(/footer, link tracking or re-encoding/);
  });

  it('raises dkim-cannot-pass when no signature verifies (Gmail 4.7.30 / 5.7.30 for bulk)', () => {
    expect(dkimSignatureCheck.findings['all-fail'].conditions).toContain('dkim-cannot-pass');
    expect(dkimSignatureCheck.findings.none.conditions).toContain('dkim-cannot-pass');
  });
});
