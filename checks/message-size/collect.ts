/** Evidence of the message-size check, read from the parsed message (no I/O). */

import type { ParsedMessage } from '../../src/message/types.js';
import { MB } from '../shared/message.js';

/** Leaf parts listed by size in the evidence (the fix names the largest). */
export const MAX_LARGEST_PARTS = 5;

/**
 * Provider limits on the wire size, smallest first. Gmail: 25 MB counted on the encoded message
 * (support answers 6590 and 3726730); Exchange Online: 35 MB sent, 36 MB received by default
 * (see /work/shared/reference/provider-replies.md). Yahoo publishes no size limit.
 */
export const SIZE_LIMITS = [
  { provider: 'Gmail', key: 'gmail', bytes: 25 * MB, source: 'Gmail support answer 6590' },
  {
    provider: 'Exchange Online',
    key: 'microsoft',
    bytes: 36 * MB,
    source: 'Exchange Online limits: 36 MB received (35 MB sent) by default',
  },
] as const;

export interface SizedPart {
  path: string;
  filename?: string;
  contentType: string;
  /** Wire size of the part: header and encoded body with CRLF line ends. */
  wireBytes: number;
  attachment: boolean;
}

export interface MessageSizeEvidence {
  /** Bytes as given and on the wire (CRLF line ends). */
  bytes: number;
  wireBytes: number;
  lineEnding: ParsedMessage['wire']['lineEnding'];
  /** Bytes the wire form adds: one CR per line stored with LF alone. */
  addedForCrlf: number;
  limits: { provider: string; key: string; bytes: number; source: string }[];
  /** The largest leaf parts, largest first. */
  largestParts: SizedPart[];
}

export function messageSizeEvidence(message: ParsedMessage): MessageSizeEvidence {
  const attachments = new Set(message.attachments.map((a) => a.index));
  const leaves = message.mime.parts
    .filter((p) => p.children.length === 0)
    .sort((a, b) => b.wireBytes - a.wireBytes)
    .slice(0, MAX_LARGEST_PARTS)
    .map(
      (p): SizedPart => ({
        path: p.path,
        ...(p.filename !== undefined ? { filename: p.filename } : {}),
        contentType: p.contentType,
        wireBytes: p.wireBytes,
        attachment: attachments.has(p.index),
      }),
    );
  return {
    bytes: message.wire.bytes,
    wireBytes: message.wire.wireBytes,
    lineEnding: message.wire.lineEnding,
    addedForCrlf: message.wire.wireBytes - message.wire.bytes,
    limits: SIZE_LIMITS.map((l) => ({ ...l })),
    largestParts: leaves,
  };
}
