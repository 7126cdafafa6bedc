/**
 * Gathers the attachment facts: reads each part's content once and looks inside archives,
 * within the bounds of src/message/archive.ts. No network; the parts come from the message
 * given to the command.
 */
import type { CollectContext } from '../../src/check.js';
import { createArchiveBudget } from '../../src/message/archive.js';
import {
  type AttachmentFacts,
  type AttachmentInput,
  describeAttachment,
} from '../../src/message/attachments.js';
import { messageOf } from '../shared/message.js';

/**
 * Parts read and inspected per message. Exchange Online refuses more than 250 attachments, so
 * beyond this the count alone is the finding; a hostile message may declare 100,000 parts.
 */
export const ATTACHMENTS_MAX_DESCRIBED = 1000;

export interface AttachmentsEvidence {
  /** Attachments and inline parts in the message. */
  count: number;
  /** The first ATTACHMENTS_MAX_DESCRIBED parts, in message order. */
  attachments: AttachmentFacts[];
  /** Parts beyond ATTACHMENTS_MAX_DESCRIBED: counted, not read. */
  notDescribed: number;
}

/** The message's attachment and inline parts (parsed once by src/message), as this check reads them. */
export function attachmentInputs(ctx: CollectContext): readonly AttachmentInput[] {
  return messageOf(ctx).attachments.map((part) => {
    const input: AttachmentInput = {
      index: part.index,
      contentType: part.contentType,
      encodedBytes: part.encodedBytes,
      content: async () => part.content(),
    };
    if (part.filename !== undefined) input.filename = part.filename;
    if (part.disposition !== undefined) input.disposition = part.disposition;
    return input;
  });
}

export async function collectAttachments(ctx: CollectContext): Promise<AttachmentsEvidence> {
  const inputs = attachmentInputs(ctx);
  const budget = createArchiveBudget(ctx.signal);
  const attachments: AttachmentFacts[] = [];
  // One at a time: only one decoded part is held in memory besides the message.
  for (const input of inputs.slice(0, ATTACHMENTS_MAX_DESCRIBED)) {
    attachments.push(await describeAttachment(input, budget));
  }
  return {
    count: inputs.length,
    attachments,
    notDescribed: Math.max(0, inputs.length - ATTACHMENTS_MAX_DESCRIBED),
  };
}
