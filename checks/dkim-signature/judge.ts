/** Pure judgement of the verified signatures. */
import type { FindingResult } from '../../src/check.js';
import type { DkimSignatureEvidence, SignatureEvidence } from './collect.js';
import type { DkimSignatureFindingKey } from './findings.js';

type Result = FindingResult<DkimSignatureFindingKey>;

/** The fix that follows from why a signature failed. */
function fixHint(s: SignatureEvidence): string {
  const reason = s.verdict?.reason ?? '';
  if (reason.startsWith('body hash'))
    return 'the body changed after signing (a footer, link tracking or re-encoding added after the signer)';
  if (reason.startsWith('signature did not verify'))
    return 'a signed header changed after signing, or the key at the selector is not the signing key';
  if (reason.startsWith('no key')) return `publish the public key at ${s.key?.name ?? 'the selector'}`;
  return reason || 'see the evidence';
}

export function judgeDkimSignatures(ev: DkimSignatureEvidence): Result[] {
  const out: Result[] = [];
  const from = ev.fromDomain ?? 'the From domain';
  if (ev.signatures.length === 0)
    return [{ key: 'none', data: { from }, evidence: { fromDomain: ev.fromDomain ?? null } }];
  const readable = ev.signatures.filter((s) => s.problem === undefined);
  for (const s of ev.signatures)
    if (s.problem !== undefined)
      out.push({ key: 'invalid', data: { index: s.index, problem: s.problem }, evidence: { signature: s } });
  const passing = readable.filter((s) => s.verdict?.status === 'pass');
  const unknown = readable.filter((s) => s.verdict === undefined);
  for (const s of readable) {
    const id = { domain: s.domain ?? '', selector: s.selector ?? '' };
    const evidence = { signature: s };
    if (s.verdict === undefined) {
      out.push({
        key: 'key-unknown',
        data: { ...id, name: s.key?.name ?? '', error: s.key?.error ?? 'error' },
        evidence,
      });
      continue;
    }
    if (s.algorithm === 'rsa-sha1') out.push({ key: 'rsa-sha1', data: id, evidence });
    if (s.bodyLength !== undefined)
      out.push({ key: 'body-length', data: { ...id, length: s.bodyLength }, evidence });
    if (s.verdict.reason?.startsWith('the signature expired') && s.expiration !== undefined)
      out.push({
        key: 'expired',
        data: { ...id, expires: new Date(s.expiration * 1000).toISOString() },
        evidence,
      });
    if (s.verdict.status === 'pass' && s.verdict.keyType === 'rsa' && (s.verdict.keyBits ?? 0) < 2048)
      out.push({ key: 'weak-key', data: { ...id, bits: s.verdict.keyBits ?? 0 }, evidence });
    if (s.verdict.testing) out.push({ key: 'testing', data: id, evidence });
    if (s.verdict.status !== 'pass' && passing.length > 0)
      out.push({
        key: 'signature-fails',
        data: { ...id, reason: s.verdict.reason ?? s.verdict.status, fixHint: fixHint(s) },
        evidence,
      });
  }
  if (passing.length === 0 && unknown.length === 0) {
    const failed = readable.length > 0 ? readable : ev.signatures;
    out.push({
      key: 'all-fail',
      data: {
        count: ev.signatures.length,
        reasons: failed
          .map(
            (s) =>
              `d=${s.domain ?? '?'} s=${s.selector ?? '?'}: ${s.verdict?.reason ?? s.problem ?? s.verdict?.status}`,
          )
          .join('; '),
        fixHint: failed.map(fixHint).join('; '),
      },
      evidence: { signatures: ev.signatures },
    });
  }
  for (const s of passing) {
    if ((s.unsignedPresent ?? []).length > 0)
      out.push({
        key: 'unsigned-headers',
        data: { domain: s.domain ?? '', headers: (s.unsignedPresent ?? []).join(', ') },
        evidence: { signature: s },
      });
  }
  if (passing.length > 0 && ev.fromDomain !== undefined && !passing.some((s) => s.alignedWithFrom))
    out.push({
      key: 'not-aligned',
      data: { domains: passing.map((s) => s.domain).join(', '), from },
      evidence: { fromDomain: ev.fromDomain, passing: passing.map((s) => s.domain) },
    });
  if (ev.notVerified > 0)
    out.push({
      key: 'not-verified',
      data: { count: ev.notVerified, max: ev.signatures.length },
      evidence: {},
    });
  return out;
}
