/**
 * Verifies every DKIM-Signature of the message (up to DKIM_MAX_SIGNATURES): the key comes from
 * DNS through the run's probe, so a timeout or SERVFAIL is `unknown`, never "no key".
 */
import type { CollectContext } from '../../src/check.js';
import { isAligned } from '../../src/orgdomain.js';
import { type LookupOutcome, lookupOutcome, txtTexts } from '../shared/dns.js';
import {
  DKIM_MAX_SIGNATURES,
  type DkimSignatureTags,
  parseDkimSignature,
  type RawHeaderField,
  type SignatureVerdict,
  splitWireMessage,
  verifySignature,
  type WireMessage,
} from './verify.js';

/** Headers a signature should cover when the message has them (Gmail's bulk sender rules, RFC 8058 3.2). */
export const DKIM_SHOULD_SIGN = ['subject', 'to', 'list-unsubscribe', 'list-unsubscribe-post'] as const;

export interface SignatureEvidence {
  /** 1-based position among the message's DKIM-Signature headers, top first. */
  index: number;
  /** Why the header could not be read as a signature. */
  problem?: string;
  domain?: string;
  selector?: string;
  algorithm?: string;
  canonicalization?: string;
  signedHeaders?: string[];
  bodyLength?: number;
  timestamp?: number;
  expiration?: number;
  /** The key lookup at <s>._domainkey.<d>. */
  key?: LookupOutcome & { name: string; records: string[] };
  verdict?: SignatureVerdict;
  /** Headers of DKIM_SHOULD_SIGN that the message has and this signature leaves out. */
  unsignedPresent?: string[];
  /** d= is in the organisational domain of From (relaxed alignment, RFC 7489 3.1.1). */
  alignedWithFrom?: boolean;
}

export interface DkimSignatureEvidence {
  /** Domain of the (first) From mailbox, when one could be read. */
  fromDomain?: string;
  signatures: SignatureEvidence[];
  /** Signatures after DKIM_MAX_SIGNATURES, not verified. */
  notVerified: number;
  /** When the verdicts were reached (judges x=), ISO time. */
  verifiedAt: string;
}

/** What the check needs of the message: its bytes as sent, and the domain of From. */
export interface DkimMessageInput {
  bytes: Buffer;
  fromDomain?: string;
}

export async function collectDkimSignatures(
  input: DkimMessageInput,
  ctx: CollectContext,
  now: Date = new Date(),
): Promise<DkimSignatureEvidence> {
  const message = splitWireMessage(input.bytes);
  const all = message.fields.filter((f) => f.name === 'dkim-signature');
  const present = new Set(message.fields.map((f) => f.name));
  const signatures = await Promise.all(
    all
      .slice(0, DKIM_MAX_SIGNATURES)
      .map((field, i) => verifyOne(message, field, i + 1, present, input.fromDomain, ctx, now)),
  );
  const evidence: DkimSignatureEvidence = {
    signatures,
    notVerified: Math.max(0, all.length - DKIM_MAX_SIGNATURES),
    verifiedAt: now.toISOString(),
  };
  if (input.fromDomain !== undefined) evidence.fromDomain = input.fromDomain;
  return evidence;
}

async function verifyOne(
  message: WireMessage,
  field: RawHeaderField,
  index: number,
  present: Set<string>,
  fromDomain: string | undefined,
  ctx: CollectContext,
  now: Date,
): Promise<SignatureEvidence> {
  const value = field.raw.slice(field.raw.indexOf(':') + 1);
  const parsed = parseDkimSignature(value);
  if (!parsed.ok) return { index, problem: parsed.problem };
  const tags: DkimSignatureTags = parsed.tags;
  const out: SignatureEvidence = {
    index,
    domain: tags.domain,
    selector: tags.selector,
    algorithm: tags.algorithm,
    canonicalization: `${tags.header}/${tags.body}`,
    signedHeaders: tags.signedHeaders,
    unsignedPresent: DKIM_SHOULD_SIGN.filter((h) => present.has(h) && !tags.signedHeaders.includes(h)),
  };
  if (tags.bodyLength !== undefined) out.bodyLength = tags.bodyLength;
  if (tags.timestamp !== undefined) out.timestamp = tags.timestamp;
  if (tags.expiration !== undefined) out.expiration = tags.expiration;
  if (fromDomain !== undefined) out.alignedWithFrom = isAligned(tags.domain, fromDomain, 'r');
  const name = `${tags.selector}._domainkey.${tags.domain}`;
  const r = await ctx.probe.dns.query(name, 'TXT', { signal: ctx.signal });
  // RFC 6376 3.6.2.2: the strings of one TXT record are joined; only records that are DKIM keys count.
  const records = txtTexts(r);
  out.key = { name, ...lookupOutcome(r), records };
  if (r.kind === 'error') return out; // unknown: judged as key-unknown
  out.verdict = verifySignature(message, field, tags, records, Math.floor(now.getTime() / 1000));
  return out;
}
