/**
 * message-size: the size of the message on the wire (CRLF line ends, after transfer encoding:
 * the bytes are measured, never the decoded parts) against each provider's limit, with headroom.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { messageCheck } from '../shared/message.js';
import { type MessageSizeEvidence, messageSizeEvidence } from './collect.js';
import { MESSAGE_SIZE_FINDINGS, type MessageSizeFindingKey } from './findings.js';
import { judgeMessageSize } from './judge.js';

export type { MessageSizeEvidence, SizedPart } from './collect.js';
export { MAX_LARGEST_PARTS, messageSizeEvidence, SIZE_LIMITS } from './collect.js';
export { MESSAGE_SIZE_FINDINGS, type MessageSizeFindingKey } from './findings.js';
export { judgeMessageSize, SIZE_WARN_RATIO } from './judge.js';

export const messageSizeCheck: Check<MessageSizeEvidence, MessageSizeFindingKey> = messageCheck({
  id: 'message-size',
  title: 'Message size on the wire',
  findings: MESSAGE_SIZE_FINDINGS,
  evidence: messageSizeEvidence,
  judge: judgeMessageSize,
});

export const messageSizeEvidenceOf = evidenceAccessor<MessageSizeEvidence>('message-size');
