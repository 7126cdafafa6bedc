/**
 * A realistic Postfix mail log for the bounce triage benchmark, streamed to a file (never held
 * whole): a bulk sender's outbound relay, a day per LINES_PER_DAY lines, RFC 3164 syslog lines
 * from smtpd, cleanup, qmgr (`from=<...>`, `removed`), smtp (`status=sent` mostly; `bounced` and
 * `deferred` with the receivers' own reply texts, bench/postfix-replies.ts), bounce (the
 * non-delivery notices and their own delivery) and `status=expired` for messages that stayed
 * deferred for days. Deliveries, retries (with Postfix's backoff) and notices are scheduled as
 * events and written in time order, interleaved as a real log is.
 *
 * Each day a campaign blast (DEFAULT_BURST) raises the message rate for 45 minutes, and Gmail
 * defers most of it with `421 4.7.28` (unusual rate of unsolicited mail): the wave the triage
 * must find. Seeded: the same options give the same bytes. The generator keeps its own tally of
 * the records the readers must produce (one per bounced or deferred smtp line, one per deferred
 * recipient of an expired message) by expected category, which the tests compare with triage. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { BounceCategory } from '../src/bounce/types.js';
import { EventQueue } from './event-queue.js';
import {
  BOUNCES,
  DEFERRALS,
  DESTINATIONS,
  type Destination,
  GMAIL,
  GMAIL_RATE,
  OTHERS,
  type Reply,
  tableCode,
} from './postfix-replies.js';
import { mulberry32 } from './world.js';

/** The day the log covers (UTC); RFC 3164 stamps carry no year, so readers are given LOG_YEAR. */
export const LOG_START = Date.UTC(2026, 2, 2);
export const LOG_YEAR = 2026;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Written in batches of about this many characters (one write, one await for drain). */
const WRITE_BATCH_CHARS = 256 * 1024;

/** The burst: a window of denser sending in which one provider defers a share of its mail. */
export interface Burst {
  /** Offset from LOG_START. */
  startMs: number;
  durationMs: number;
  /** How many times the normal message rate the blast sends at. */
  rateFactor: number;
  /** Share of the provider's deliveries in the window deferred with the burst's reply. */
  deferredShare: number;
}

/**
 * 14:00-14:45 UTC at three times the rate (so that no other reply reaches the wave factor of 5),
 * Gmail deferring 60% of it (4.7.28).
 */
export const DEFAULT_BURST: Burst = {
  startMs: 14 * 60 * MINUTE_MS,
  durationMs: 45 * MINUTE_MS,
  rateFactor: 3,
  deferredShare: 0.6,
};

/**
 * A busy relay's day: a longer log covers more days at the same rate (so that its size, not its
 * rate, is what grows), a shorter one a whole day at a lower rate.
 */
export const LINES_PER_DAY = 1_000_000;

export interface PostfixLogOptions {
  /** Lines written, exactly. */
  lines: number;
  seed?: number;
  /** Days the submissions span (default: lines / LINES_PER_DAY rounded, at least 1); a burst each day. */
  days?: number;
  burst?: Burst;
}

export interface PostfixLogTally {
  lines: number;
  bytes: number;
  /** Messages submitted (the stale ones expiring from earlier days not counted). */
  messages: number;
  /** Records the Postfix reader must produce: failed and delayed. */
  records: number;
  failed: number;
  delayed: number;
  byCategory: Partial<Record<BounceCategory, number>>;
  /** The burst's reply (Gmail 421 4.7.28) and how often it was logged: in each day's window, and in all. */
  burst: {
    provider: 'gmail';
    replyCode: number;
    status: string;
    category: BounceCategory;
    /** Each day's burst window (ISO 8601 bounds) and the burst replies logged within it. */
    windows: { start: string; end: string; inWindow: number }[];
    total: number;
  };
  /** Time of the first and last line (ISO 8601). */
  firstTime: string;
  lastTime: string;
}

/** Share of first delivery attempts that bounce, and that are deferred (retries: see RETRY_*). */
const BOUNCED_SHARE = 0.03;
const DEFERRED_SHARE = 0.045;
/** Delivery attempts a stale message has had before the day begins (its backoff is at the maximum). */
const STALE_ATTEMPTS = 8;
/** A retried delivery is deferred again this often (with the same reply), else sent. */
const RETRY_DEFERRED_SHARE = 0.15;
/** Postfix's minimal_backoff_time and maximal_backoff_time (postconf(5)). */
const MIN_BACKOFF_MS = 300_000;
const MAX_BACKOFF_MS = 4_000_000;
/** Messages from earlier days still in the deferred queue: per this many submitted, one. */
const STALE_EVERY = 600;
/** A stale message expires on the day (status=expired) this often, else it is retried and deferred. */
const STALE_EXPIRES_SHARE = 0.5;
/** dsn= of failures before any SMTP session (relay=none): connection timed out, no such domain. */
const NO_CONNECTION: ReadonlySet<string> = new Set(['4.4.1', '5.4.4']);
/** A delivery opens a new TLS session (and logs it) this often; the rest reuse a cached one. */
const TLS_LINE_SHARE = 0.4;

const SENDERS = [
  { address: 'news@shop.example', weight: 60 },
  { address: 'receipts@billing.example', weight: 15 },
  // VERP return paths of the campaign platform: one per recipient.
  { address: 'verp', weight: 25 },
] as const;
const FIRST = [
  'anna',
  'ben',
  'carla',
  'dmitri',
  'emma',
  'felix',
  'giulia',
  'hana',
  'ivan',
  'jo',
  'kim',
  'lea',
];
const LAST = ['smith', 'meier', 'rossi', 'dubois', 'kowalski', 'tanaka', 'silva', 'novak', 'berg', 'ng'];

interface Message {
  qid: string;
  sender: string;
  recipient: string;
  destination: Destination;
  host: string;
  size: number;
  attempts: number;
  /** The reply a deferral repeats on retries; undefined until deferred. */
  deferral?: Reply;
  /** Category of the last deferral logged: what the reader reports when the message expires. */
  lastDeferredCategory?: BounceCategory;
  stale: boolean;
}

type EventKind = 'submit' | 'deliver' | 'retry' | 'expire' | 'notice';

interface Event {
  time: number;
  seq: number;
  kind: EventKind;
  message: Message;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** RFC 3164 timestamp "Mar  2 14:05:09" (UTC), the last one cached: lines share their second. */
class Stamp {
  private second = Number.NaN;
  private text = '';
  of(ms: number): string {
    const s = Math.floor(ms / 1000);
    if (s !== this.second) {
      const d = new Date(s * 1000);
      this.second = s;
      this.text = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    }
    return this.text;
  }
}

function pickWeighted<T extends { weight: number }>(rng: () => number, items: readonly T[]): T {
  let total = 0;
  for (const i of items) total += i.weight;
  let r = rng() * total;
  for (const i of items) {
    r -= i.weight;
    if (r < 0) return i;
  }
  return items[items.length - 1]!;
}

/**
 * Maps the share of lines scheduled so far to a submission time: uniform over the span, except
 * that the burst window is `rateFactor` times denser.
 */
function submissionTime(fraction: number, days: number, burst: Burst): number {
  const dayWeight = DAY_MS + (burst.rateFactor - 1) * burst.durationMs;
  const total = fraction * days * dayWeight;
  const day = Math.min(Math.floor(total / dayWeight), days - 1);
  const dayStart = LOG_START + day * DAY_MS;
  let w = total - day * dayWeight;
  if (w < burst.startMs) return dayStart + w;
  w -= burst.startMs;
  const dense = burst.durationMs * burst.rateFactor;
  if (w < dense) return dayStart + burst.startMs + w / burst.rateFactor;
  return dayStart + burst.startMs + burst.durationMs + (w - dense);
}

/** Writes the log to `path`; resolves with its tally once the file is closed. */
export async function writePostfixLog(path: string, options: PostfixLogOptions): Promise<PostfixLogTally> {
  const rng = mulberry32(options.seed ?? 1);
  const days = options.days ?? Math.max(1, Math.round(options.lines / LINES_PER_DAY));
  const burst = options.burst ?? DEFAULT_BURST;
  /** The day's burst window `time` falls in, or undefined. */
  const burstWindow = (time: number) => {
    const day = Math.floor((time - LOG_START) / DAY_MS);
    const offset = time - LOG_START - day * DAY_MS;
    return offset >= burst.startMs && offset < burst.startMs + burst.durationMs
      ? tally.burst.windows[day]
      : undefined;
  };
  const out = createWriteStream(path);
  const stamp = new Stamp();
  const events = new EventQueue<Event>();
  const int = (n: number) => Math.floor(rng() * n);
  let seq = 0;
  let qidCounter = 0;
  let written = 0;
  let bytes = 0;
  let batch = '';
  let firstTime = Number.NaN;
  let lastTime = Number.NaN;
  const tally: PostfixLogTally = {
    lines: 0,
    bytes: 0,
    messages: 0,
    records: 0,
    failed: 0,
    delayed: 0,
    byCategory: {},
    burst: {
      provider: 'gmail',
      replyCode: tableCode('gmail', GMAIL_RATE.dsn),
      status: GMAIL_RATE.dsn,
      category: GMAIL_RATE.category,
      windows: Array.from({ length: days }, (_, day) => {
        const start = LOG_START + day * DAY_MS + burst.startMs;
        return {
          start: new Date(start).toISOString(),
          end: new Date(start + burst.durationMs).toISOString(),
          inWindow: 0,
        };
      }),
      total: 0,
    },
    firstTime: '',
    lastTime: '',
  };
  const count = (category: BounceCategory, action: 'failed' | 'delayed') => {
    tally.records++;
    tally[action]++;
    tally.byCategory[category] = (tally.byCategory[category] ?? 0) + 1;
  };
  const schedule = (time: number, kind: EventKind, message: Message) => {
    events.push({ time, seq: seq++, kind, message });
  };
  /** Postfix's short queue ids: 10-11 upper-case hex digits, unique per message. */
  const queueId = () => (0x4a000000000 + ((qidCounter++ * 0x9e3779b1) >>> 0) * 7).toString(16).toUpperCase();
  const pid = (base: number) => base + int(40);
  const flush = async () => {
    if (batch === '') return;
    const chunk = batch;
    batch = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };
  /** Writes one line; false once the asked number of lines is reached. */
  const line = (time: number, program: string, text: string): boolean => {
    if (written >= options.lines) return false;
    const l = `${stamp.of(time)} mx1 postfix/${program}: ${text}\n`;
    batch += l;
    bytes += Buffer.byteLength(l);
    written++;
    if (Number.isNaN(firstTime)) firstTime = time;
    lastTime = time;
    return true;
  };

  const newMessage = (destination: Destination, stale: boolean): Message => {
    const domain = destination.domains[int(destination.domains.length)]!;
    const local = `${FIRST[int(FIRST.length)]}.${LAST[int(LAST.length)]}${int(1000)}`;
    const recipient = `${local}@${domain}`;
    const sender = pickWeighted(rng, SENDERS).address;
    // A company's MX is the host for its domain; the big providers pick one of theirs.
    const host =
      destination === OTHERS
        ? destination.hosts[destination.domains.indexOf(domain)]!
        : destination.hosts[int(destination.hosts.length)]!;
    return {
      qid: queueId(),
      sender:
        sender === 'verp'
          ? `bounces+${int(1e6)}-${local.replace('.', '=')}=${domain}@mail.shop.example`
          : sender,
      recipient,
      destination,
      host,
      size: 8_000 + int(60_000),
      attempts: 0,
      stale,
    };
  };

  /** What the next delivery attempt of `m` at `time` gives. */
  const attemptOutcome = (m: Message, time: number): Reply | 'sent' => {
    if (m.destination === GMAIL && burstWindow(time) && rng() < burst.deferredShare) return GMAIL_RATE;
    if (m.deferral) return m.stale || rng() < RETRY_DEFERRED_SHARE ? m.deferral : 'sent';
    const r = rng();
    const replies =
      r < BOUNCED_SHARE
        ? BOUNCES.get(m.destination)
        : r < BOUNCED_SHARE + DEFERRED_SHARE
          ? DEFERRALS.get(m.destination)
          : undefined;
    // A receiver without replies of that kind (iCloud defers nothing here) accepts the message.
    return replies && replies.length > 0 ? pickWeighted(rng, replies) : 'sent';
  };

  const delays = (m: Message) => {
    const total = (0.4 + rng() * 3).toFixed(2);
    return `relay=${m.host}:25, delay=${total}, delays=0.0${int(9)}/0.0${int(9)}/0.${int(9)}${int(9)}/0.${int(9)}${int(9)}`;
  };

  const deliver = (time: number, m: Message): void => {
    m.attempts++;
    const outcome = attemptOutcome(m, time);
    // A connection that timed out, or a domain without MX, negotiates no TLS.
    const connected = outcome === 'sent' || !NO_CONNECTION.has(outcome.dsn);
    if (connected && rng() < TLS_LINE_SHARE) {
      line(
        time,
        `smtp[${pid(31000)}]`,
        `Trusted TLS connection established to ${m.host}:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256`,
      );
    }
    const smtp = `smtp[${pid(31000)}]`;
    if (outcome === 'sent') {
      line(
        time,
        smtp,
        `${m.qid}: to=<${m.recipient}>, ${delays(m)}, dsn=2.0.0, status=sent (${m.destination.sent(rng)})`,
      );
      line(time, `qmgr[1187]`, `${m.qid}: removed`);
      return;
    }
    const relay = connected ? delays(m) : 'relay=none, delay=0.5, delays=0.01/0/0.49/0';
    const logged = line(
      time,
      smtp,
      `${m.qid}: to=<${m.recipient}>, ${relay}, dsn=${outcome.dsn}, status=${outcome.outcome} (${outcome.text(m.host, m.recipient)})`,
    );
    if (logged) {
      count(outcome.category, outcome.outcome === 'bounced' ? 'failed' : 'delayed');
      if (outcome === GMAIL_RATE) {
        tally.burst.total++;
        const window = burstWindow(time);
        if (window) window.inWindow++;
      }
    }
    if (outcome.outcome === 'bounced') {
      schedule(time + 200, 'notice', m);
      return;
    }
    m.deferral = outcome;
    if (logged) m.lastDeferredCategory = outcome.category;
    const backoff = Math.min(MIN_BACKOFF_MS * 2 ** (m.attempts - 1), MAX_BACKOFF_MS);
    const next = time + backoff * (0.5 + rng());
    if (m.stale && rng() < STALE_EXPIRES_SHARE) schedule(next, 'expire', m);
    else schedule(next, 'retry', m);
  };

  /** The non-delivery notice: Postfix's bounce daemon queues it to the sender, then both go. */
  const notice = (time: number, m: Message): void => {
    const ndn = queueId();
    line(time, `bounce[${pid(32000)}]`, `${m.qid}: sender non-delivery notification: ${ndn}`);
    line(time, `cleanup[${pid(30000)}]`, `${ndn}: message-id=<${ndn}.${time}@mx1.shop.example>`);
    line(time, 'qmgr[1187]', `${ndn}: from=<>, size=${4_000 + int(3_000)}, nrcpt=1 (queue active)`);
    line(time, 'qmgr[1187]', `${m.qid}: removed`);
    line(
      time,
      `smtp[${pid(31000)}]`,
      `${ndn}: to=<${m.sender}>, relay=mx.shop.example[192.0.2.20]:25, delay=0.3, delays=0/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${ndn.slice(2)})`,
    );
    line(time, 'qmgr[1187]', `${ndn}: removed`);
  };

  const handle = (e: Event): void => {
    const m = e.message;
    switch (e.kind) {
      case 'submit': {
        const client = `app${1 + int(3)}.shop.example[10.0.0.${11 + int(3)}]`;
        const smtpd = `smtpd[${pid(30100)}]`;
        line(e.time, smtpd, `connect from ${client}`);
        line(e.time, smtpd, `${m.qid}: client=${client}, sasl_method=PLAIN, sasl_username=campaigns`);
        line(
          e.time,
          `cleanup[${pid(30000)}]`,
          `${m.qid}: message-id=<${m.qid.toLowerCase()}.${e.seq}@shop.example>`,
        );
        line(e.time, 'qmgr[1187]', `${m.qid}: from=<${m.sender}>, size=${m.size}, nrcpt=1 (queue active)`);
        line(e.time, smtpd, `disconnect from ${client} ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6`);
        schedule(e.time + 300 + int(2500), 'deliver', m);
        return;
      }
      case 'retry':
        line(e.time, 'qmgr[1187]', `${m.qid}: from=<${m.sender}>, size=${m.size}, nrcpt=1 (queue active)`);
        schedule(e.time + 50 + int(500), 'deliver', m);
        return;
      case 'expire': {
        const logged = line(
          e.time,
          'qmgr[1187]',
          `${m.qid}: from=<${m.sender}>, status=expired, returned to sender`,
        );
        // The reader fails the last deferral it saw for the message, or the expiry itself.
        if (logged) count(m.lastDeferredCategory ?? 'expired', 'failed');
        schedule(e.time + 200, 'notice', m);
        return;
      }
      case 'notice':
        notice(e.time, m);
        return;
      case 'deliver':
        deliver(e.time, m);
        return;
    }
  };

  let submitted = 0;
  while (written < options.lines) {
    // The share of the log written so far says when the next message comes: the log ends at the
    // end of its span, whatever the mix of lines per message turned out to be.
    const at = Math.max(
      submissionTime(written / options.lines, days, burst),
      Number.isNaN(lastTime) ? LOG_START : lastTime,
    );
    while (written < options.lines && events.size > 0 && events.peek()!.time <= at) handle(events.pop()!);
    if (written >= options.lines) break;
    const stale = submitted % STALE_EVERY === STALE_EVERY - 1;
    const m = newMessage(stale ? OTHERS : pickWeighted(rng, DESTINATIONS), stale);
    if (stale) {
      // Queued days ago to a company MX that keeps failing: its first line today is a retry, or
      // the expiry itself (then the reader has no deferral to report, only the expiry).
      m.attempts = STALE_ATTEMPTS;
      if (rng() < STALE_EXPIRES_SHARE) schedule(at, 'expire', m);
      else {
        m.deferral = pickWeighted(rng, DEFERRALS.get(OTHERS)!);
        schedule(at, 'retry', m);
      }
    } else {
      tally.messages++;
      schedule(at, 'submit', m);
    }
    submitted++;
    if (batch.length >= WRITE_BATCH_CHARS) await flush();
  }
  await flush();
  out.end();
  await once(out, 'close');
  return {
    ...tally,
    lines: written,
    bytes,
    firstTime: new Date(firstTime).toISOString(),
    lastTime: new Date(lastTime).toISOString(),
  };
}
