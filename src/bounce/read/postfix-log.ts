/**
 * Postfix's delivery log lines (postfix/smtp, lmtp, local, virtual, error, pipe...):
 * "QUEUEID: to=<x>, relay=mx[1.2.3.4]:25, delay=.., dsn=5.1.1, status=bounced (host mx said: ...)".
 * The sender comes from the qmgr line "QUEUEID: from=<s>, size=..", joined by queue id. A qmgr
 * "status=expired, returned to sender" line fails every recipient still deferred for that id, with
 * the last deferral's status (what Postfix's own DSN then says: Action failed, Status 4.x.x).
 */
import type { BounceRecord, BounceSource } from '../types.js';
import { MAX_DEFERRED_PER_MESSAGE, MAX_TRACKED_MESSAGES } from './limits.js';
import { bounceRecord } from './record.js';
import type { LogEntry } from './syslog.js';
import { detached } from './text.js';
import { BoundedMap } from './tracked.js';

/** "postfix/smtp", "postfix-out/smtp" (multi-instance syslog_name), "postfix/relay/smtp". */
const POSTFIX_PROGRAM = /^postfix[\w.-]*\/(?:[\w.-]+\/)?([\w-]+)$/;
/** Short (hex) and long (enable_long_queue_ids) queue ids. */
const QUEUE_LINE = /^([0-9A-Za-z]{6,20}): (.*)$/;
const DELIVERY = /^to=<([^>]*)>, (.*?)status=(bounced|deferred|undeliverable|expired)(?: \((.*)\))?$/;
const FROM = /^from=<([^>]*)>/;
const RELAY = /(?:^|, )relay=([^,\s[]+)(?:\[[^\]]*\])?(?::\d+)?,/;
const DSN = /(?:^|, )dsn=(\d\.\d{1,3}\.\d{1,3}),/;
/** "host mx.example.com[1.2.3.4] said: " opens the remote server's own text. */
const HOST_SAID = /^host (\S+?)(?:\[[^\]]*\])? said: /;

interface Deferral {
  recipient: string;
  status: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
}

export class PostfixLogReader {
  private readonly senders = new BoundedMap<string, string>(MAX_TRACKED_MESSAGES);
  private readonly deferred = new BoundedMap<string, Map<string, Deferral>>(MAX_TRACKED_MESSAGES);

  /** Records of a line, [] for a Postfix line without a bounce, null for a line not Postfix's. */
  read(entry: LogEntry, source: BounceSource): BounceRecord[] | null {
    const program = entry.program ? POSTFIX_PROGRAM.exec(entry.program) : null;
    if (!program) return null;
    const q = QUEUE_LINE.exec(entry.message);
    if (!q) return [];
    const [, queueId, rest] = q as unknown as [string, string, string];
    if (program[1] === 'qmgr') return this.queueManager(queueId, rest, entry, source);
    const d = DELIVERY.exec(rest);
    if (!d) return [];
    const [, recipient, fields, state, text] = d as unknown as [string, string, string, string, string?];
    const said = text ? HOST_SAID.exec(text) : null;
    const relay = RELAY.exec(fields)?.[1];
    const deferral: Deferral = {
      recipient,
      status: DSN.exec(fields)?.[1] ?? null,
      diagnostic: said ? text!.slice(said[0].length) : (text ?? null),
      remoteMta: said?.[1] ?? (relay && relay !== 'none' ? relay : null),
    };
    if (state === 'deferred') this.remember(queueId, deferral);
    return [this.record(source, entry, deferral, state === 'deferred' ? 'delayed' : 'failed', queueId)];
  }

  private queueManager(queueId: string, rest: string, entry: LogEntry, source: BounceSource): BounceRecord[] {
    if (rest === 'removed') {
      this.senders.delete(queueId);
      this.deferred.delete(queueId);
      return [];
    }
    const from = FROM.exec(rest);
    if (!from) return [];
    this.senders.set(queueId, detached(from[1]!));
    if (!rest.includes('status=expired')) return [];
    const pending = this.deferred.get(queueId);
    this.deferred.delete(queueId);
    if (!pending || pending.size === 0) {
      // The deferrals happened before this log begins: the expiry itself is all there is.
      const d: Deferral = {
        recipient: '',
        status: null,
        diagnostic: rest.slice(rest.indexOf('status=') + 7),
        remoteMta: null,
      };
      return [this.record(source, entry, d, 'failed', queueId)];
    }
    return [...pending.values()].map((d) => this.record(source, entry, d, 'failed', queueId));
  }

  private remember(queueId: string, d: Deferral): void {
    let m = this.deferred.get(queueId);
    if (!m) {
      m = new Map();
      this.deferred.set(queueId, m);
    }
    if (m.size >= MAX_DEFERRED_PER_MESSAGE && !m.has(d.recipient)) return;
    // Kept until the message is gone: copies, not views into the line's chunk (text.ts, detached).
    const recipient = detached(d.recipient);
    m.set(recipient, {
      recipient,
      status: detached(d.status),
      diagnostic: detached(d.diagnostic),
      remoteMta: detached(d.remoteMta),
    });
  }

  private record(
    source: BounceSource,
    entry: LogEntry,
    d: Deferral,
    action: 'failed' | 'delayed',
    queueId: string,
  ): BounceRecord {
    return bounceRecord(source, 'postfix-log', {
      recipient: d.recipient || null,
      action,
      status: d.status,
      diagnostic: d.diagnostic,
      remoteMta: d.remoteMta,
      time: entry.time,
      sender: this.senders.get(queueId) || null,
    });
  }

  /** Queue ids forgotten because of MAX_TRACKED_MESSAGES. */
  get evicted(): number {
    return this.senders.evicted + this.deferred.evicted;
  }
}
