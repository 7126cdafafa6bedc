/**
 * The dkim-signature check: verifies every DKIM-Signature of the sample message against the
 * key in DNS (RFC 6376; rsa-sha1 refused, RFC 8301; Ed25519, RFC 8463), and says which headers
 * are left unsigned and whether a verified d= aligns with From.
 */
import type { Check, CollectContext } from '../../src/check.js';
import { sharedWithinAudit } from '../shared/audit-scope.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { messageOf as parsedMessageOf } from '../shared/message.js';
import { collectDkimSignatures, type DkimMessageInput, type DkimSignatureEvidence } from './collect.js';
import { DKIM_SIGNATURE_FINDINGS, type DkimSignatureFindingKey } from './findings.js';
import { judgeDkimSignatures } from './judge.js';

export type { DkimSignatureEvidence, SignatureEvidence } from './collect.js';
export { DKIM_SIGNATURE_FINDINGS, type DkimSignatureFindingKey } from './findings.js';

/** What verification needs of the parsed message: its bytes as given, and the domain of From. */
function messageOf(ctx: CollectContext): DkimMessageInput {
  const message = parsedMessageOf(ctx);
  const bytes = message.raw();
  if (!bytes) throw new Error('the message is too large to keep in memory for DKIM verification');
  const fromDomain = message.fields.from?.mailboxes[0]?.domain;
  return fromDomain !== undefined ? { bytes, fromDomain: fromDomain.toLowerCase() } : { bytes };
}

/**
 * The message's signatures, verified once per audit: the unsubscribe check asks whether the
 * List-Unsubscribe fields are signed by a signature that verifies, and awaits the same work.
 */
export function verifiedSignatures(ctx: CollectContext): Promise<DkimSignatureEvidence> {
  return sharedWithinAudit(ctx, 'dkim-signature:verified', () => collectDkimSignatures(messageOf(ctx), ctx));
}

export const dkimSignatureCheck: Check<DkimSignatureEvidence, DkimSignatureFindingKey> = {
  id: 'dkim-signature',
  title: 'DKIM signatures of the message',
  appliesTo: ['message'],
  findings: DKIM_SIGNATURE_FINDINGS,
  collect: (_target, ctx) => verifiedSignatures(ctx),
  judge: judgeDkimSignatures,
};

export const dkimSignatureEvidenceOf = evidenceAccessor<DkimSignatureEvidence>('dkim-signature');
