/**
 * message-format: RFC 5322 3.6 (exactly one valid From, Date and Message-ID; single-instance
 * fields at most once), bytes RFC 5322 2.3 and RFC 6532 forbid (NUL, bare CR/LF, raw 8-bit
 * headers without SMTPUTF8), and broken MIME structure (RFC 2045, 2046). Gmail's 550 5.7.1 where
 * Gmail documents it (From or Message-ID missing, invalid or repeated; repeated Subject).
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { messageCheck } from '../shared/message.js';
import { type MessageFormatEvidence, messageFormatEvidence } from './collect.js';
import { MESSAGE_FORMAT_FINDINGS, type MessageFormatFindingKey } from './findings.js';
import { judgeMessageFormat } from './judge.js';

export type { AddressSummary, MessageFormatEvidence } from './collect.js';
export { messageFormatEvidence, SINGLE_INSTANCE_FIELDS } from './collect.js';
export { MESSAGE_FORMAT_FINDINGS, type MessageFormatFindingKey } from './findings.js';
export { judgeMessageFormat } from './judge.js';

export const messageFormatCheck: Check<MessageFormatEvidence, MessageFormatFindingKey> = messageCheck({
  id: 'message-format',
  title: 'Message format (RFC 5322, MIME)',
  findings: MESSAGE_FORMAT_FINDINGS,
  evidence: messageFormatEvidence,
  judge: judgeMessageFormat,
});

export const messageFormatEvidenceOf = evidenceAccessor<MessageFormatEvidence>('message-format');
