/** Pure judgement of the header against Gmail's header limits and RFC 5322 2.1.1 line length. */
import type { FindingResult } from '../../src/check.js';
import { formatBytes } from '../shared/message.js';
import type { MessageHeadersEvidence } from './collect.js';
import type { MessageHeadersFindingKey } from './findings.js';

type Result = FindingResult<MessageHeadersFindingKey>;

export function judgeMessageHeaders(ev: MessageHeadersEvidence): Result[] {
  const out: Result[] = [];
  const L = ev.limits;
  if (ev.headerWireBytes > L.totalBytes) {
    out.push({
      key: 'header-too-large',
      data: {
        size: formatBytes(ev.headerWireBytes),
        bytes: ev.headerWireBytes,
        limit: formatBytes(L.totalBytes),
        largest: ev.largestValue?.name ?? 'none',
        largestSize: formatBytes(ev.largestValue?.bytes ?? 0),
      },
      evidence: {
        headerWireBytes: ev.headerWireBytes,
        limit: L.totalBytes,
        largestValue: ev.largestValue ?? null,
      },
    });
  }
  if (ev.fieldCount > L.fields) {
    const top = ev.topNames
      .slice(0, 3)
      .map((n) => `${n.name} x${n.count}`)
      .join(', ');
    out.push({
      key: 'too-many-fields',
      data: { count: ev.fieldCount, limit: L.fields, top },
      evidence: { fieldCount: ev.fieldCount, limit: L.fields, topNames: ev.topNames },
    });
  }
  for (const f of ev.valuesOverLimit) {
    out.push({
      key: 'value-too-long',
      data: { name: f.name, size: formatBytes(f.bytes), bytes: f.bytes, limit: formatBytes(L.valueBytes) },
      evidence: { field: f, limit: L.valueBytes },
    });
  }
  if (ev.messageIdChars !== undefined && ev.messageIdChars > L.messageIdChars) {
    out.push({
      key: 'message-id-too-long',
      data: { length: ev.messageIdChars, limit: L.messageIdChars },
      evidence: { messageIdChars: ev.messageIdChars, limit: L.messageIdChars },
    });
  }
  if (ev.subjectChars !== undefined && ev.subjectChars > L.subjectChars) {
    out.push({
      key: 'subject-too-long',
      data: { length: ev.subjectChars, limit: L.subjectChars },
      evidence: { subjectChars: ev.subjectChars, limit: L.subjectChars },
    });
  }
  if (ev.longestName && ev.longestName.bytes > L.nameBytes) {
    out.push({
      key: 'name-too-long',
      data: { name: ev.longestName.name, bytes: ev.longestName.bytes, limit: formatBytes(L.nameBytes) },
      evidence: { field: ev.longestName, limit: L.nameBytes },
    });
  }
  const lines = ev.linesOver998.count > 0 ? ev.linesOver998 : ev.linesOver78;
  const first = lines.examples[0];
  if (first) {
    out.push({
      key: ev.linesOver998.count > 0 ? 'line-too-long' : 'line-over-78',
      data: { count: lines.count, longest: lines.longest, name: first.name, line: first.line },
      evidence: { count: lines.count, longest: lines.longest, examples: lines.examples },
    });
  }
  return out;
}
