/**
 * The unsubscribe check (bulk profile): List-Unsubscribe with an https URI, List-Unsubscribe-Post
 * `List-Unsubscribe=One-Click`, both named in the h= of a DKIM signature that verifies (RFC 8058),
 * as Gmail and Yahoo require of bulk senders. Transactional profile: informational only.
 */
import type { Check, CollectContext } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { collectUnsubscribe, type UnsubscribeEvidence, type UnsubscribeInput } from './collect.js';
import { UNSUBSCRIBE_FINDINGS, type UnsubscribeFindingKey } from './findings.js';
import { judgeUnsubscribe } from './judge.js';

export { listUris, type UnsubscribeEvidence, type UnsubscribeInput, unsubscribeEvidence } from './collect.js';
export { UNSUBSCRIBE_FINDINGS, type UnsubscribeFindingKey } from './findings.js';
export { ONE_CLICK_POST_VALUE } from './judge.js';

function inputOf(ctx: CollectContext): UnsubscribeInput {
  const m = (ctx as CollectContext & { unsubscribe?: UnsubscribeInput }).unsubscribe;
  if (!m) throw new Error('no message headers');
  return m;
}

export const unsubscribeCheck: Check<UnsubscribeEvidence, UnsubscribeFindingKey> = {
  id: 'unsubscribe',
  title: 'One-click unsubscribe (RFC 8058)',
  appliesTo: ['domain'],
  findings: UNSUBSCRIBE_FINDINGS,
  collect: (_target, ctx) => collectUnsubscribe(inputOf(ctx), ctx),
  judge: (evidence, target) => judgeUnsubscribe(evidence, target.profile, target.domain),
};

export const unsubscribeEvidenceOf = evidenceAccessor<UnsubscribeEvidence>('unsubscribe');
