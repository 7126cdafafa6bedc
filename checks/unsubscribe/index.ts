/**
 * The unsubscribe check (bulk profile): List-Unsubscribe with an https URI, List-Unsubscribe-Post
 * `List-Unsubscribe=One-Click`, both named in the h= of a DKIM signature that verifies (RFC 8058),
 * as Gmail and Yahoo require of bulk senders. Transactional profile: informational only.
 */
import type { Check, CollectContext } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { messageOf } from '../shared/message.js';
import { collectUnsubscribe, type UnsubscribeEvidence, type UnsubscribeInput } from './collect.js';
import { UNSUBSCRIBE_FINDINGS, type UnsubscribeFindingKey } from './findings.js';
import { judgeUnsubscribe } from './judge.js';

export { listUris, type UnsubscribeEvidence, type UnsubscribeInput, unsubscribeEvidence } from './collect.js';
export { UNSUBSCRIBE_FINDINGS, type UnsubscribeFindingKey } from './findings.js';
export { ONE_CLICK_POST_VALUE } from './judge.js';

/** Every List-Unsubscribe and List-Unsubscribe-Post field of the message, in order. */
function inputOf(ctx: CollectContext): UnsubscribeInput {
  const fields = messageOf(ctx).header.fields;
  const values = (key: string) => fields.filter((f) => f.key === key).map((f) => f.value);
  return {
    listUnsubscribe: values('list-unsubscribe'),
    listUnsubscribePost: values('list-unsubscribe-post'),
  };
}

export const unsubscribeCheck: Check<UnsubscribeEvidence, UnsubscribeFindingKey> = {
  id: 'unsubscribe',
  title: 'One-click unsubscribe (RFC 8058)',
  appliesTo: ['message'],
  findings: UNSUBSCRIBE_FINDINGS,
  collect: (_target, ctx) => collectUnsubscribe(inputOf(ctx), ctx),
  judge: (evidence, target) => judgeUnsubscribe(evidence, target.profile, target.domain),
};

export const unsubscribeEvidenceOf = evidenceAccessor<UnsubscribeEvidence>('unsubscribe');
