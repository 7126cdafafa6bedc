/**
 * message-headers: Gmail's header limits (all headers 500 KB, 5,000 fields, a value 32 KB except
 * To/Cc/References, Message-ID 500 characters, Subject 998, a name 1 KB: over any, 552 5.3.4)
 * and RFC 5322 2.1.1 line length (998 must, 78 should).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { messageCheck } from '../shared/message.js';
import { type MessageHeadersEvidence, messageHeadersEvidence } from './collect.js';
import { MESSAGE_HEADERS_FINDINGS, type MessageHeadersFindingKey } from './findings.js';
import { judgeMessageHeaders } from './judge.js';

export type { FieldSize, LongLines, MessageHeadersEvidence } from './collect.js';
export { GMAIL_HEADER_LIMITS, messageHeadersEvidence, VALUE_LIMIT_EXEMPT } from './collect.js';
export { MESSAGE_HEADERS_FINDINGS, type MessageHeadersFindingKey } from './findings.js';
export { judgeMessageHeaders } from './judge.js';

export const messageHeadersCheck: Check<MessageHeadersEvidence, MessageHeadersFindingKey> = messageCheck({
  id: 'message-headers',
  title: 'Message header limits',
  findings: MESSAGE_HEADERS_FINDINGS,
  evidence: messageHeadersEvidence,
  judge: judgeMessageHeaders,
});

export const messageHeadersEvidenceOf = evidenceAccessor<MessageHeadersEvidence>('message-headers');
