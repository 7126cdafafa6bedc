/** Pure judgement of the message size against each provider's limit. */
import type { FindingResult } from '../../src/check.js';
import { formatBytes } from '../shared/message.js';
import type { MessageSizeEvidence, SizedPart } from './collect.js';
import type { MessageSizeFindingKey } from './findings.js';

/** Warn above this share of the smallest limit (issue 10). */
export const SIZE_WARN_RATIO = 0.8;

const OVER_KEY: Record<string, MessageSizeFindingKey> = {
  gmail: 'over-gmail-limit',
  microsoft: 'over-microsoft-limit',
};

/** How the fix names the part to move: the attachment's file name, else its path and type. */
function partName(part: SizedPart | undefined): string {
  if (!part) return 'message body';
  if (part.filename !== undefined) return `attachment \`${part.filename}\``;
  if (part.path === '') return `message body (${part.contentType})`;
  return `part ${part.path} (${part.contentType})`;
}

export function judgeMessageSize(ev: MessageSizeEvidence): FindingResult<MessageSizeFindingKey>[] {
  const out: FindingResult<MessageSizeFindingKey>[] = [];
  const largest = ev.largestParts[0];
  const base = {
    size: formatBytes(ev.wireBytes),
    wireBytes: ev.wireBytes,
    part: partName(largest),
    partSize: formatBytes(largest?.wireBytes ?? ev.wireBytes),
  };
  const evidence = {
    wireBytes: ev.wireBytes,
    bytes: ev.bytes,
    lineEnding: ev.lineEnding,
    largestPart: largest ?? null,
  };
  for (const limit of ev.limits) {
    const key = OVER_KEY[limit.key];
    if (key === undefined || ev.wireBytes <= limit.bytes) continue;
    out.push({ key, data: { ...base, limit: formatBytes(limit.bytes) }, evidence: { ...evidence, limit } });
  }
  if (out.length > 0) return out;
  const smallest = [...ev.limits].sort((a, b) => a.bytes - b.bytes)[0];
  if (smallest && ev.wireBytes > smallest.bytes * SIZE_WARN_RATIO) {
    out.push({
      key: 'near-limit',
      data: {
        ...base,
        provider: smallest.provider,
        limit: formatBytes(smallest.bytes),
        percent: Math.floor((ev.wireBytes / smallest.bytes) * 100),
      },
      evidence: { ...evidence, limit: smallest },
    });
  }
  return out;
}
