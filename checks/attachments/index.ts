/**
 * The `attachments` check of the message command: every attachment and inline part by name and
 * by detected type; Gmail's blocked types (552 5.7.0), also inside zip, tar and gzip archives,
 * recursively; content disguised under another extension; password-protected archives holding
 * archives; unsafe entry names; the count against Exchange Online's 250. What could not be
 * inspected is `unknown`, never clean.
 */
import type { Check } from '../../src/check.js';
import { evidenceAccessor } from '../shared/evidence.js';
import { type AttachmentsEvidence, collectAttachments } from './collect.js';
import { ATTACHMENTS_FINDINGS, type AttachmentsFindingKey } from './findings.js';
import { judgeAttachments } from './judge.js';

export { ATTACHMENTS_MAX_DESCRIBED, type AttachmentsEvidence, attachmentInputs } from './collect.js';
export { ATTACHMENTS_FINDINGS, type AttachmentsFindingKey } from './findings.js';
export { FINDINGS_LISTED_PER_ATTACHMENT, judgeAttachments, MICROSOFT_MAX_ATTACHMENTS } from './judge.js';
export { blockedExtension, GMAIL_BLOCKED_EXTENSIONS } from './names.js';

export const attachmentsCheck: Check<AttachmentsEvidence, AttachmentsFindingKey> = {
  id: 'attachments',
  title: 'Attachments and archive contents',
  // A message check: run by the message command only, never by a domain audit's registry.
  appliesTo: ['message'],
  findings: ATTACHMENTS_FINDINGS,
  collect: (_target, ctx) => collectAttachments(ctx),
  judge: (evidence) => judgeAttachments(evidence),
};

export const attachmentsEvidenceOf = evidenceAccessor<AttachmentsEvidence>('attachments');
