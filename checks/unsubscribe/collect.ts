/**
 * What one-click unsubscribe rests on (RFC 8058): the List-Unsubscribe and List-Unsubscribe-Post
 * fields as written, and which verified DKIM signatures cover both (shared with dkim-signature).
 */
import type { CollectContext } from '../../src/check.js';
import { type DkimSignatureEvidence, verifiedSignatures } from '../dkim-signature/index.js';

/** URIs listed per List-Unsubscribe field; more are not read. */
export const UNSUBSCRIBE_MAX_URIS = 20;

export interface UnsubscribeInput {
  /** Each List-Unsubscribe field's value, unfolded, in order. */
  listUnsubscribe: string[];
  /** Each List-Unsubscribe-Post field's value, unfolded, in order. */
  listUnsubscribePost: string[];
}

export interface UnsubscribeEvidence {
  listUnsubscribe: string[];
  listUnsubscribePost: string[];
  /** URIs of the first List-Unsubscribe field, or undefined when it is not `<uri>, <uri>`. */
  uris?: string[];
  /** d= of each verified signature whose h= names both fields. */
  signedBy: string[];
  /** Signature verdicts are all in (no key lookup failed). */
  dkimKnown: boolean;
}

/** RFC 2369 3.2: `<uri>` items separated by commas, with optional whitespace (and comments, rare). */
export function listUris(value: string): string[] | undefined {
  const uris: string[] = [];
  const rest = value.replace(/\([^()]*\)/g, ' ').trim();
  if (rest === '') return undefined;
  for (const item of rest.split(',')) {
    const m = /^\s*<([^<>\s]+)>\s*$/.exec(item);
    if (!m) return undefined;
    if (uris.length < UNSUBSCRIBE_MAX_URIS) uris.push(m[1] as string);
  }
  return uris;
}

export function unsubscribeEvidence(
  input: UnsubscribeInput,
  dkim: DkimSignatureEvidence,
): UnsubscribeEvidence {
  const first = input.listUnsubscribe[0];
  const ev: UnsubscribeEvidence = {
    listUnsubscribe: input.listUnsubscribe,
    listUnsubscribePost: input.listUnsubscribePost,
    signedBy: dkim.signatures
      .filter(
        (s) =>
          s.verdict?.status === 'pass' &&
          s.signedHeaders?.includes('list-unsubscribe') &&
          s.signedHeaders.includes('list-unsubscribe-post'),
      )
      .map((s) => s.domain ?? ''),
    dkimKnown: dkim.signatures.every((s) => s.problem !== undefined || s.verdict !== undefined),
  };
  if (first !== undefined) {
    const uris = listUris(first);
    if (uris) ev.uris = uris;
  }
  return ev;
}

export async function collectUnsubscribe(
  input: UnsubscribeInput,
  ctx: CollectContext,
): Promise<UnsubscribeEvidence> {
  return unsubscribeEvidence(input, await verifiedSignatures(ctx));
}
