/**
 * Exim's main log: "2024-03-01 10:00:00 1rfXYZ-000ABC-12 ** x@y R=dnslookup T=remote_smtp
 * H=mx.y [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<x@y>: 550 5.1.1 ..."
 * ("**" failed, "==" deferred), the sender from the "<=" arrival line of the same message id.
 * Also read from syslog (program "exim"), where the date may be missing.
 */
import type { BounceRecord, BounceSource } from '../types.js';
import { MAX_TRACKED_MESSAGES } from './limits.js';
import { bounceRecord } from './record.js';
import type { LogEntry } from './syslog.js';
import { detached, isoFromText } from './text.js';
import { BoundedMap } from './tracked.js';

/**
 * Date (log_timezone adds a zone), optional [pid] (log_selector +pid), the message id (the
 * 4.97 format has a longer middle and last part), the flag, the rest.
 */
const EXIM_LINE =
  /^(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?(?: ([+-]\d{4}))? )?(?:\[\d+\] )?([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (<=|\*\*|==|=>|->|\*>|Completed)(?: (.*))?$/;
/** "H=host [ip]" or "H=[ip]": the remote host of the attempt. */
const HOST = /(?:^| )H=(\S+)(?: \[([^\]]+)\])?/;
/** Deferrals that are no attempt at all: Exim only waits for its retry time. */
const NO_ATTEMPT = /retry time not reached/;

export class EximLogReader {
  private readonly senders = new BoundedMap<string, string>(MAX_TRACKED_MESSAGES);

  read(entry: LogEntry, source: BounceSource): BounceRecord[] | null {
    if (entry.program !== null && !/^exim/.test(entry.program)) return null;
    const m = EXIM_LINE.exec(entry.message);
    if (!m) return null;
    const [, date, zone, id, flag, rest = ''] = m as unknown as [
      string,
      string | undefined,
      string | undefined,
      string,
      string,
      string?,
    ];
    if (flag === '<=') {
      const sender = rest.split(' ', 1)[0] ?? '';
      this.senders.set(id, sender === '<>' ? '' : detached(sender));
      return [];
    }
    if (flag === 'Completed') {
      this.senders.delete(id);
      return [];
    }
    if (flag !== '**' && flag !== '==') return [];
    if (flag === '==' && NO_ATTEMPT.test(rest)) return [];
    const colon = rest.indexOf(': ');
    const head = colon >= 0 ? rest.slice(0, colon) : rest;
    const recipient = head.split(' ', 1)[0]?.replace(/:$/, '') ?? null;
    const host = HOST.exec(head);
    const time = date ? isoFromText(`${date.replace(' ', 'T')}${zone ?? 'Z'}`) : entry.time;
    return [
      bounceRecord(source, 'exim-log', {
        recipient,
        action: flag === '**' ? 'failed' : 'delayed',
        diagnostic: colon >= 0 ? rest.slice(colon + 2) : null,
        remoteMta: host?.[1] ?? null,
        time,
        sender: this.senders.get(id) || null,
      }),
    ];
  }
}
