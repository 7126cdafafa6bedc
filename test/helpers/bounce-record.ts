/** A literal BounceRecord for bounce tests: status and reply code read from the diagnostic as a reader would. */
import type { BounceRecord } from '../../src/bounce/types.js';

export function bounceRecord(diagnostic: string, extra: Partial<BounceRecord> = {}): BounceRecord {
  return {
    source: { path: 'mail.log', line: 1 },
    kind: 'postfix-log',
    recipient: 'a@example.org',
    action: 'failed',
    status: diagnostic.match(/\b[245]\.\d+\.\d+\b/)?.[0] ?? null,
    replyCode: Number(diagnostic.match(/^[245]\d\d/)?.[0]) || null,
    diagnostic,
    remoteMta: 'gmail-smtp-in.l.google.com',
    time: null,
    sender: 'news@shop.example',
    ...extra,
  };
}
