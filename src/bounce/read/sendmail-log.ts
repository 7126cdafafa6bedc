/**
 * Sendmail's syslog lines: "QID: to=<x>,<y>, delay=.., mailer=esmtp, relay=mx.y. [192.0.2.1],
 * dsn=5.1.1, stat=User unknown" (a 4.x.x dsn or "stat=Deferred" is a delay), the sender from
 * "QID: from=<s>, size=..".
 */
import type { BounceRecord, BounceSource } from '../types.js';
import { MAX_TRACKED_MESSAGES } from './limits.js';
import { bounceRecord } from './record.js';
import type { LogEntry } from './syslog.js';
import { detached } from './text.js';
import { BoundedMap } from './tracked.js';

const SENDMAIL_PROGRAM = /^(?:sendmail|sm-mta|sm-msp-queue)$/;
const QUEUE_LINE = /^([0-9A-Za-z]{8,20}): (.*)$/;
const TO = /^to=(.*?), (?:ctladdr|delay)=/;
const DSN = /, dsn=(\d\.\d{1,3}\.\d{1,3}),/;
const STAT = /, stat=(.*)$/;
const RELAY = /, relay=([^,\s]+)(?: \[[^\]]*\])?/;
const FROM = /^from=<([^>]*)>/;

export class SendmailLogReader {
  private readonly senders = new BoundedMap<string, string>(MAX_TRACKED_MESSAGES);

  read(entry: LogEntry, source: BounceSource): BounceRecord[] | null {
    if (!entry.program || !SENDMAIL_PROGRAM.test(entry.program)) return null;
    const q = QUEUE_LINE.exec(entry.message);
    if (!q) return [];
    const [, queueId, rest] = q as unknown as [string, string, string];
    const from = FROM.exec(rest);
    if (from) {
      this.senders.set(queueId, detached(from[1]!));
      return [];
    }
    const to = TO.exec(rest);
    if (!to) return [];
    const status = DSN.exec(rest)?.[1] ?? null;
    const stat = STAT.exec(rest)?.[1] ?? null;
    const deferred = status?.startsWith('4') || /^Deferred/i.test(stat ?? '');
    if (!deferred && !status?.startsWith('5')) return [];
    const relay = RELAY.exec(rest)?.[1] ?? null;
    const sender = this.senders.get(queueId) || null;
    return to[1]!.split(',').map((recipient) =>
      bounceRecord(source, 'sendmail-log', {
        recipient,
        action: deferred ? 'delayed' : 'failed',
        status,
        diagnostic: stat,
        remoteMta: relay,
        time: entry.time,
        sender,
      }),
    );
  }
}
